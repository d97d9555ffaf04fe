"""Values a worked example gives to names, and the claims that are instances at them.

``$w_1 = 0.2$``, ``$w = b = 0$``, ``$$\\bar{x} = 2.5, \\quad \\bar{y} = 5$$`` and tuples
``$z = (2.0, 1.0, 0.1)$`` give values, from their row on, until the name gets another. A
chain with a side computed in numbers (``numbers.is_instance``) is an instance: its claims are
checked as written first, and, if that does not prove them, at the values in force where the
chain stands (``Item.values``). A decimal value of one or two significant digits is an input
the author chose (``\\eta = 0.1``): written again in a later computation it is that exact
number (``Builder.given_decimals``), not a rounding.
"""

from __future__ import annotations

import bisect
import dataclasses

from sympy import Basic, Expr, Indexed, Integer, Symbol

from derive.checker.rounded import Rounded
from derive.sources.posts.items import EQUALITIES, Item, clean, unwrap
from derive.sources.posts.kinds import CLAIM, DEFINITION, NOT_A_CLAIM, is_plain_name
from derive.sources.posts.latex import nodes as ast
from derive.sources.posts.latex.grammar import parse_row
from derive.sources.posts.latex.tokens import LatexError
from derive.sources.posts.names import BuildError, Name
from derive.sources.posts.numbers import (
    decimal_texts,
    is_instance,
    numbers_only,
    short,
    tuple_row,
)
from derive.sources.posts.ranges import letter_of


class ValuesMixin:
    """The values of :class:`~derive.sources.posts.chains.ChainReader` (``self.values``:
    a name or an entry -> its value, in force at the row being read)."""

    values: dict[Basic, Expr]
    value_sections: dict[Basic, int]  # the section each value was given in
    shown_values: dict[Basic, tuple[Expr, Expr]]  # a chain's last decimal, its computation

    def _values(self) -> dict[Basic, Expr]:
        if not hasattr(self, "values"):
            self.values, self.value_sections, self.shown_values = {}, {}, {}
            self.value_groups: dict[Basic, int] = {}
        return self.values

    def _give(self, target: Basic, value: Expr, offset: int) -> None:
        self._values()[target] = value
        self.value_sections[target] = bisect.bisect_right(self.sections, offset)
        # values given between the same two displays are one statement (one example)
        self.value_groups[target] = getattr(self, "displays_read", 0)

    def _given(self, chain: ast.Chain) -> bool:
        """Record the values of ``name (= name)* = number``; True if the chain is one."""
        parts = chain.parts
        if len(parts) < 2 or parts[0] is None or any(op not in EQUALITIES for op in chain.ops):
            return False
        *names, number = parts
        if not numbers_only(number) or not all(self._value_name(n) for n in names):
            return False
        builder = self.builder
        texts = decimal_texts(number)
        chosen = len(texts) == 1 and short(texts[0])  # w_1 = 0.2: an input, exact
        added = chosen and texts[0] not in builder.given_decimals
        if added:
            builder.given_decimals.add(texts[0])
        try:
            targets = [builder.build(n) for n in names]
            value = builder.build(number)
        except BuildError:
            targets, value = [], None
        if not targets or not all(isinstance(t, (Symbol, Indexed)) for t in targets):
            if added:
                builder.given_decimals.discard(texts[0])
            return False
        for target in targets:
            self._give(target, value, builder.offset + chain.pos)
        return True

    def _value_name(self, node: ast.Node) -> bool:
        """A name a value can be given to: not an index, not ``e^{...}``."""
        node = unwrap(node)
        if not is_plain_name(node) or letter_of(node) in self._index_letters():
            return False
        return not (isinstance(node, ast.Scripted) and getattr(node.base, "name", "") == "e")

    def _tuple_size(self, base, count: int, where: int) -> None:
        """The size the array's entries run to (``K`` of ``\\sum_{j=1}^{K} e^{z_j}``) is the
        number of entries a tuple gives, for the worked example that follows."""
        found = self.builder.slot_range(base, 0)
        if found is None or found[0] != 1:
            return
        size = found[1]
        if size in set(self.builder.scope.sizes.values()) and size not in self._values():
            self._give(size, Integer(count), where)

    def _tuple(self, row) -> bool:
        """``z = (2.0, 1.0, 0.1)``, which the grammar does not read: the entries z_1, z_2, z_3
        get the values (inline or displayed; a display is reported as a definition)."""
        found = tuple_row(row.row.tokens)
        if found is None:
            return False
        block = row.block
        try:
            head = parse_row(found.name, block.text).chains
        except LatexError:
            return False
        if len(head) != 1 or len(head[0].parts) != 1:
            return False
        node = unwrap(head[0].parts[0])
        if not isinstance(node, ast.Letter) or node.name in self._index_letters():
            return False
        builder = self.builder
        name = builder.aliases.get(Name(node.name), Name(node.name))
        base = builder.scope.symbol(name, 1)
        offset = builder.offset
        for index, text in enumerate(found.entries, start=1):
            digits = text.lstrip("-")
            chosen = short(digits)  # an input the author chose: exact
            where = offset + found.equal.start_pos
            if "." not in text:
                self._give(base[index], Integer(text), where)
                continue
            value = Rounded(digits, where + index, chosen)
            self._give(base[index], -value if text.startswith("-") else value, where)
            if chosen:
                builder.given_decimals.add(digits)
        self._tuple_size(base, len(found.entries), offset + found.equal.start_pos)
        if not block.inline:
            line, column = self._position(block, found.equal.start_pos)
            text = clean(block.text[row.row.tokens[0].start_pos : row.row.tokens[-1].end_pos])
            message = f"defines {name.shown()} by its entries"
            lhs, _, rhs = text.partition("=")
            chain = f"line {line}"
            item = Item(line, column, NOT_A_CLAIM, message, chain, 0, lhs.strip(), rhs.strip())
            self.items.append(dataclasses.replace(item, kind=DEFINITION))
        return True

    def _instances(self, start: int, chain: ast.Chain) -> None:
        """The claims read from ``chain`` (items from ``start`` on) are instances at the values
        in force, if the chain has a side computed in numbers."""
        if not is_instance(chain):
            return
        values = tuple(self._values().items())
        stale = tuple(k for k, _ in values if self.value_sections[k] < self.section)
        last = max((self.value_groups[k] for k, _ in values), default=None)
        latest = tuple(k for k, _ in values if self.value_groups[k] == last)
        shown = tuple(self.shown_values.items())
        for index in range(start, len(self.items)):
            item = self.items[index]
            if item.kind == CLAIM and item.status is None:
                self.items[index] = dataclasses.replace(
                    item, instance=True, values=values, stale=stale, shown=shown, latest=latest
                )

    def _shown(self, chain: ast.Chain) -> None:
        """``out_{h1} = \\frac{1}{1+e^{-0.47}} = ... = 0.615384``: the value the chain shows
        for its name (with the computation in numbers it rounds), for later rows whose inputs
        the text gives in no readable way (a figure): a proof may use it where that
        computation agrees with it; a refutation never does."""
        parts = chain.parts
        if len(parts) < 3 or parts[0] is None or not self._value_name(parts[0]):
            return
        last = unwrap(parts[-1])
        negative = isinstance(last, ast.Add) and len(last.terms) == 1 and last.terms[0][0] < 0
        number = unwrap(last.terms[0][1]) if negative else last
        if not (isinstance(number, ast.Number) and "." in number.text):
            return
        if not numbers_only(parts[-2]):  # the value must come from a computation it checks
            return
        try:
            target = self.builder.build(parts[0])
            computation = self.builder.build(parts[-2])
        except BuildError:
            return
        if isinstance(target, (Symbol, Indexed)):
            value = Rounded(number.text, self.builder.offset + number.pos)
            self._values()  # the tables exist from the first use on
            self.shown_values[target] = (-value if negative else value, computation)
