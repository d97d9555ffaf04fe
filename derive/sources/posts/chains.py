"""Chains ``A = B = C``, row by row: which ``=`` defines, which claims, and where each is.

An equality whose left side is a symbol not yet defined (plain or indexed with index letters,
``E``, ``z_k^L``, ``\\Delta W^L_{kj}``) defines it; every further ``=`` of the chain is a claim,
B from A, then C from B; a row starting with ``=`` continues the chain of the row above. A
left side that is the indicator or the Kronecker delta (``\\mathbb{1}_{d=k} = \\begin{cases}
...``) states what the notation means: it is checked against the reader's meaning and reported
only if they differ.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass

from sympy import Basic, Expr, Indexed

from derive.sources.posts.blocks import Block, Lines
from derive.sources.posts.build import Builder
from derive.sources.posts.latex import nodes as ast
from derive.sources.posts.latex.grammar import parse_row
from derive.sources.posts.latex.tokens import MAX_ROW_TOKENS, LatexError
from derive.sources.posts.names import BuildError, Name, label_kind
from derive.sources.posts.ranges import index_items, letter_of
from derive.sources.statuses import NOT_CHECKED

BROKEN = "broken"  # the chain's last expression could not be read


@dataclass(frozen=True)
class Item:
    """A claim to check (``status`` None) or a problem found while reading.

    Attributes:
        line, column: where its ``=`` is (or, for a row without one, where reading stopped).
        status: None, "cannot read", "cannot check" or "not checked" (an ``=`` in a note after
            ``&&``); message: why (for a problem).
        chain: "eq. (3)" or "line 107"; step: the claim's number in its chain (1-based).
        lhs_text, rhs_text: both sides as written; lhs, rhs: as built (definitions kept).
        kind: "step", "notation" (a stated meaning of the indicator) or "definition".
    """

    line: int
    column: int
    status: str | None
    message: str
    chain: str
    step: int
    lhs_text: str
    rhs_text: str
    lhs: Expr | None = None
    rhs: Expr | None = None
    kind: str = "step"


class ChainReader:
    """Reads the rows of one display after another into :class:`Item` s."""

    def __init__(self, builder: Builder, lines: Lines, path: str) -> None:
        self.builder, self.lines, self.path = builder, lines, path
        self.items: list[Item] = []
        self.defined: list[tuple[str, str]] = []  # (left, right) of each definition, as written

    def block(self, parsed: list) -> None:
        first_item = len(self.items)
        self.previous: tuple[Expr, str] | str | None = None
        self.block_tag = ""
        self.chain_tags: dict[str, str] = {}
        for row in parsed:
            self._row(row)
        tags = {k: v for k, v in self.chain_tags.items() if v}
        chains = list(dict.fromkeys(i.chain for i in self.items[first_item:]))
        if self.block_tag and chains and chains[-1] not in tags:
            tags[chains[-1]] = self.block_tag
        for index in range(first_item, len(self.items)):
            item = self.items[index]
            if item.chain in tags:
                self.items[index] = dataclasses.replace(item, chain=f"eq. ({tags[item.chain]})")

    def _position(self, block: Block, pos: int) -> tuple[int, int]:
        return self.lines.position(block.offset(pos))

    def _row(self, row) -> None:
        self._rows(row)
        if not row.block.inline:
            for equal, start, end in row.row.notes:
                self._note(row.block, equal, start, end)

    def _note(self, block: Block, equal: int, start: int, end: int) -> None:
        """A note after ``&&`` holding an ``=``: not a claim, never dropped silently."""
        line, column = self._position(block, equal)
        chain = getattr(self, "current_chain", f"line {line}")
        text = _clean(block.text[start:end])
        self.items.append(Item(line, column, NOT_CHECKED, "a note", chain, 0, "", text))

    def _rows(self, row) -> None:
        block = row.block
        if row.line is None:
            if row.error is not None and not row.row.tokens:  # the whole display: never silent
                self._unlexed(row)
            elif row.error is not None and row.row.equals:
                self._unreadable(row)
            elif row.error is None and row.row.tag:
                self.block_tag = row.row.tag
            return
        if block.inline:
            return  # inline math is read for errors, never checked
        text = block.text
        for chain in row.line.chains:
            name = f"line {self._position(block, chain.pos)[0]}"
            if chain.parts[0] is None and self.previous is not None:
                name = self.current_chain
            self.current_chain = name
            self.chain_tags.setdefault(name, row.row.tag)
            if row.row.tag:
                self.chain_tags[name] = row.row.tag
            self._chain(chain, block, _texts(chain, text, chain.end), name)

    def _unreadable(self, row) -> None:
        block, error = row.block, row.error
        equal = row.row.equals[0]
        line, column = self._position(block, equal.start_pos)
        where_line, where_column = self._position(block, error.pos)
        message = error.message
        if (where_line, where_column) != (line, column):
            message += f" (at {where_line}:{where_column})"
        if block.inline:
            message += "; inline math, read but not checked"
        raw = block.text[row.row.tokens[0].start_pos : row.row.tokens[-1].end_pos]
        chain = f"line {line}" if block.inline else getattr(self, "current_chain", f"line {line}")
        self.items.append(Item(line, column, "cannot read", message, chain, 0, "", _clean(raw)))
        if not block.inline:
            self.previous = BROKEN
            self._unreadable_definition(row, equal, f"line {line}")

    def _unlexed(self, row) -> None:
        """A display that is not read at all (too long, not lexed): one report at its place."""
        line, column = self._position(row.block, row.error.pos)
        name = f"line {line}"
        self.items.append(Item(line, column, "cannot read", row.error.message, name, 0, "", ""))
        if not row.block.inline:
            self.previous = BROKEN

    def _unreadable_definition(self, row, equal, where: str) -> None:
        """``f = max(0, x`` still says that f is defined: later uses of f cannot be checked
        (f must not become a free variable, which would prove things about any f)."""
        before = tuple(t for t in row.row.tokens if t.start_pos < equal.start_pos)
        if not before or len(before) > MAX_ROW_TOKENS:  # the row limit, before the parser
            return
        try:
            line = parse_row(before, row.block.text)
        except LatexError:
            return
        if len(line.chains) != 1 or len(line.chains[0].parts) != 1:
            return
        node = line.chains[0].parts[0]
        target = None if _is_notation(node) else self._definable(node)
        if target is not None:
            text = _clean(row.block.text[before[0].start_pos : before[-1].end_pos])
            placeholder = self.builder.definitions._placeholder(
                f"the definition of {text} ({where}) cannot be read", None, ()
            )
            self.builder.definitions.define(*target, placeholder, where)

    def _chain(self, chain: ast.Chain, block: Block, texts: list[str], name: str) -> None:
        parts, equals = chain.parts, chain.equals
        step = 0 if chain.parts[0] is not None else self._steps_so_far(name)
        start = 1
        if parts[0] is not None:
            defined = self._definition(chain, block, texts, name)
            if defined:
                start = 2
            else:
                self.previous = self._value(
                    parts[0], block, texts[0], equals[0] if equals else None, name, 0
                )
        kind = "notation" if parts[0] is not None and _is_notation(parts[0]) else "step"
        for index in range(start, len(parts)):
            position = self._position(block, equals[index - 1])
            step += 1
            self._claim(parts[index], block, texts[index], position, name, step, kind)

    def _steps_so_far(self, name: str) -> int:
        return sum(1 for i in self.items if i.chain == name and i.kind == "step")

    def _value(self, node, block, text, equal, name, step):
        try:
            return (self.builder.build(node), text)
        except BuildError as error:
            if equal is not None:
                self._problem(error, block, equal, name, step, text)
            return BROKEN

    def _problem(
        self, error: BuildError, block: Block, equal: int, name, step, text, lhs=""
    ) -> None:
        line, column = self._position(block, equal)
        where = self._position(block, error.pos)
        message = error.message + (
            f" (at {where[0]}:{where[1]})" if where != (line, column) else ""
        )
        self.items.append(Item(line, column, error.kind, message, name, step, lhs, text))

    def _claim(self, node, block, text, position, name, step, kind="step") -> None:
        previous = self.previous
        line, column = position
        if previous is None:
            message = "nothing before this = in this display"
            self.items.append(Item(line, column, "cannot check", message, name, step, "", text))
        elif previous == BROKEN and not any((i.line, i.column) == position for i in self.items):
            message = "the expression before this = cannot be read"
            self.items.append(Item(line, column, "cannot check", message, name, step, "", text))
        try:
            value = self.builder.build(node)
        except BuildError as error:
            where = self.lines.position(block.offset(error.pos))
            message = error.message + (f" (at {where[0]}:{where[1]})" if where != position else "")
            if isinstance(previous, tuple):
                lhs_text = previous[1]
                self.items.append(
                    Item(line, column, error.kind, message, name, step, lhs_text, text)
                )
            self.previous = BROKEN
            return
        if isinstance(previous, tuple):
            self.items.append(
                Item(
                    line, column, None, "", name, step, previous[1], text, previous[0], value, kind
                )
            )
        self.previous = (value, text)

    def _definition(self, chain: ast.Chain, block: Block, texts: list[str], name: str) -> bool:
        """Define the chain's left side if it is an undefined symbol; True if it did."""
        if len(chain.parts) < 2:
            return False
        lhs, rhs = chain.parts[0], chain.parts[1]
        if _is_notation(lhs):
            return False
        target = self._definable(lhs)
        if target is None:
            return False
        obj, params = target
        where = f"line {self._position(block, chain.pos)[0]}"
        equal = chain.equals[0]
        try:
            body = self.builder.build(rhs)
        except BuildError as error:
            self._problem(error, block, equal, name, 0, texts[1], texts[0])
            placeholder = self.builder.definitions._placeholder(
                f"the definition of {texts[0]} ({where}) cannot be read", None, ()
            )
            self.builder.definitions.define(obj, params, placeholder, where)
            self.previous = BROKEN
            return True
        if not self.builder.definitions.define(obj, params, body, where):
            return False
        self.defined.append((texts[0], texts[1]))
        missing = self.builder.definitions.placeholders(body)
        if missing:
            line, column = self._position(block, equal)
            message = "; ".join(
                dict.fromkeys(self.builder.definitions.missing[p].message for p in missing)
            )
            self.items.append(
                Item(
                    line,
                    column,
                    "cannot check",
                    message,
                    name,
                    0,
                    texts[0],
                    texts[1],
                    kind="definition",
                )
            )
        self.previous = (body, texts[1])
        return True

    def _definable(self, node: ast.Node) -> tuple[Basic, tuple] | None:
        builder = self.builder
        letter = letter_of(node)
        scope = builder.scope
        if letter is not None:
            if letter in builder.ranges.index_letters or letter in builder.ranges.size_letters:
                return None
            if letter in ("e", "π") or letter in scope.index_ranges or letter in scope.sizes:
                return None
            obj = scope.symbol(builder.aliases.get(Name(letter), Name(letter)), 0)
            return None if obj in builder.definitions.table else (obj, ())
        if not (isinstance(node, ast.Scripted) and isinstance(node.base, ast.Letter)):
            return None
        if node.sup is not None and label_kind(node.sup_text, scope.labels) != "label":
            return None
        if node.base.name == "δ" or (node.base.name == "e" and builder.euler):
            return None
        indices = index_items(node.sub or ())[0]
        letters = [letter_of(i) for i in indices]
        if any(x is None for x in letters) or len(set(letters)) != len(letters):
            return None
        try:
            value = builder.build(node)
        except (BuildError, LatexError):
            return None
        obj = value.base if isinstance(value, Indexed) else value
        if obj in builder.definitions.table or obj not in scope.keys:
            return None
        params = tuple(value.indices) if isinstance(value, Indexed) else ()
        return obj, params


def _is_notation(node: ast.Node) -> bool:
    if isinstance(node, ast.Scripted) and isinstance(node.base, (ast.Indicator, ast.Number)):
        return node.sub is not None
    if isinstance(node, ast.Indicator):
        return True
    return (
        isinstance(node, ast.Scripted)
        and isinstance(node.base, ast.Letter)
        and (node.base.name == "δ" and node.sup is None)
    )


def _texts(chain: ast.Chain, text: str, end: int) -> list[str]:
    """Each part of the chain as written."""
    bounds = [chain.pos, *chain.equals, end]
    found = []
    for index in range(len(chain.parts)):
        start = bounds[index] + (1 if index else 0)
        found.append(_clean(text[start : bounds[index + 1]]))
    return found


def _clean(text: str) -> str:
    text = re.sub(r"\\(?:left|right|[bB]ig+[lr]?)\b\s*", "", text.replace("&", " "))
    return " ".join(text.split()).strip(" ,.;")
