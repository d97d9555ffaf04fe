"""Chains ``A = B = C``, row by row: what each ``=`` is (``kinds``), and where it is.

The first relation of a chain is read by the rules of ``kinds`` (a definition, a condition, an
assumption, the meaning of a notation, or a claim); every further ``=`` is a claim, B from A,
then C from B. A row starting with ``=`` continues the chain of the row above, also across
displays (``$$ A = B $$`` then ``$$ = C $$``). Conditions written after a claim in its row
(``\\quad i = j``, ``\\text{if } i = j``, ``, \\; k \\neq j``) restrict the claims of the row; a
condition standing alone (``$$ i = j $$``, or inline ``$i \\neq j$`` in the prose) restricts the
claims of the next display. Every ``=`` becomes an :class:`Item`: a claim to check, or a
report of what it is.
"""

from __future__ import annotations

import bisect
import dataclasses
import re
from dataclasses import dataclass

from sympy import Basic, Expr, Indexed

from derive.sources.posts.blocks import Block, Lines
from derive.sources.posts.build import _RELATIONS, POWERED, Builder
from derive.sources.posts.defined_functions import DefinedFunction
from derive.sources.posts.kinds import (
    ASSUMPTION,
    CLAIM,
    CONDITION,
    DEFINITION,
    NOT_A_CLAIM,
    function_parameters,
    has_derivative,
    is_assumption,
    is_condition,
    is_plain_name,
    powered,
    shown_name,
)
from derive.sources.posts.latex import nodes as ast
from derive.sources.posts.latex.grammar import parse_row
from derive.sources.posts.latex.tokens import LatexError
from derive.sources.posts.latex.vocabulary import SIGMA
from derive.sources.posts.names import BuildError, Name, label_kind
from derive.sources.posts.ranges import index_items, letter_of

BROKEN = "broken"  # the chain's last expression could not be read
EQUALITIES = ("=", ":=", "≡", "≜")
OVERRIDDEN = {
    SIGMA: "the sigmoid",
    "softmax": "the softmax",
    "relu": "ReLU",
    "sigmoid": "the sigmoid",
}


@dataclass(frozen=True)
class Item:
    """A claim to check (``status`` None) or a report of what an ``=`` is.

    Attributes:
        line, column: where its ``=`` is (or, for a row without one, where reading stopped).
        status: None (a claim to check), "not a claim", "cannot read" or "cannot check";
            message: what it is, or why it is not checked.
        chain: "eq. (3)" or "line 107"; step: the claim's number in its chain (1-based; 0
            for what is not a claim).
        lhs_text, rhs_text: both sides as written; lhs, rhs: as built (definitions kept).
        kind: "claim", "notation" (a stated meaning of the indicator), "definition",
            "condition", "assumption" or "note".
        conditions: relations the claim holds under (its row's, or the prose's before its
            display), and condition_text: them as written.
        guesses: readings guessed while building it (a guess never refutes).
        introduces: symbols written for the first time on its left side only: if it is not
            an identity it introduces them (``\\log C = -m`` chooses C), it is not a claim.
        redefines: a name defined in an earlier section and written again: a claim if it is
            proved (a restatement), else a definition of the name from here on.
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
    kind: str = CLAIM
    conditions: tuple[Basic, ...] = ()
    condition_text: str = ""
    guesses: tuple[str, ...] = ()
    introduces: tuple[str, ...] = ()
    redefines: str = ""


@dataclass(frozen=True)
class Side:
    """The expression before the next ``=`` of a chain: as built, as written, and the
    readings guessed to build it."""

    value: Expr
    text: str
    guesses: tuple[str, ...] = ()


@dataclass(frozen=True)
class Conditions:
    """Relations that restrict claims, as built and as written (``problem``: one could not be
    read, so the claims cannot be checked)."""

    relations: tuple[Basic, ...] = ()
    texts: tuple[str, ...] = ()
    problem: str = ""

    def __add__(self, other: Conditions) -> Conditions:
        return Conditions(
            self.relations + other.relations,
            self.texts + other.texts,
            self.problem or other.problem,
        )


class ChainReader:
    """Reads the rows of one display after another into :class:`Item` s.

    Args:
        builder: the post's builder (its scope, definitions and functions).
        lines: file offsets to line and column.
        path: the file name, for messages.
        sections: file offsets where sections start (headings): a name defined in an earlier
            section may be defined again.
    """

    def __init__(self, builder: Builder, lines: Lines, path: str, sections=()) -> None:
        self.builder, self.lines, self.path = builder, lines, path
        self.sections = sorted(sections)
        self.items: list[Item] = []
        self.defined: list[tuple[str, str]] = []  # (left, right) of each definition, as written
        self.assumptions: list[tuple[Basic, str]] = []  # stated in the text: relation, where
        self.pending = Conditions()  # stated in the prose, for the next display
        self.carry: tuple[Side, str] | None = None  # the last display's chain, to continue
        self.section_of: dict[Basic, int] = {}
        self.function_sections: dict[str, int] = {}  # function name -> section it was defined in
        self.section = 0
        self.previous: Side | str | None = None
        self.current_chain = ""
        self.introducing: tuple[str, ...] = ()  # new on the left of the chain's first claim

    # --- displays and rows ------------------------------------------------------------

    def block(self, parsed: list) -> None:
        block = parsed[0].block
        if block.inline:
            for row in parsed:
                self._inline(row)
            return
        self.section = bisect.bisect_right(self.sections, block.offset(0))
        self.block_conditions, self.pending = self.pending, Conditions()
        first_item = len(self.items)
        self.previous = None
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
        if isinstance(self.previous, Side):
            self.carry = (self.previous, self.current_chain)

    def _position(self, block: Block, pos: int) -> tuple[int, int]:
        return self.lines.position(block.offset(pos))

    def _row(self, row) -> None:
        block = row.block
        if row.line is None:
            if row.error is not None and row.row.equals:
                self._unreadable(row)
            elif row.error is None and row.row.tag:
                self.block_tag = row.row.tag
            return
        chains = row.line.chains
        letters = self._index_letters()
        main = [
            c
            for i, c in enumerate(chains)
            if not (c.conditional or (i and is_condition(c, letters)))
        ]
        in_row = self._row_conditions(
            [c for c in chains if c not in main], block, row.line, main_chains=main
        )
        for chain in main:
            name = f"line {self._position(block, chain.pos)[0]}"
            if chain.parts[0] is None and (self.previous is not None or self.carry):
                name = self.current_chain if self.previous is not None else self.carry[1]
            self.current_chain = name
            self.chain_tags.setdefault(name, row.row.tag)
            if row.row.tag:
                self.chain_tags[name] = row.row.tag
            texts = _texts(chain, block.text, chain.end)
            self._chain(chain, block, texts, name, self.block_conditions + in_row)
        self._condition_items(chains, main, block)

    def _index_letters(self) -> set[str]:
        return set(self.builder.ranges.index_letters) | set(self.builder.scope.index_ranges)

    # --- conditions ---------------------------------------------------------------------

    def _row_conditions(self, chains, block: Block, line, main_chains) -> Conditions:
        found = Conditions()
        for chain in chains:
            found = found + self._relations(chain, block)
        return found

    def _relations(self, chain: ast.Chain, block: Block) -> Conditions:
        """A condition chain (``i = j``, ``1 \\le k \\le K``) as relations."""
        parts, ops = chain.parts, chain.ops
        if len(parts) < 2 or parts[0] is None:
            return Conditions()
        text = _clean(block.text[chain.pos : chain.end])
        try:
            values = [self.builder.build(p) for p in parts]
        except BuildError as error:
            return Conditions(problem=f"its condition {text} cannot be read ({error.message})")
        relations = tuple(
            _RELATIONS[op](values[i], values[i + 1]) for i, op in enumerate(ops) if op in _RELATIONS
        )
        relations = tuple(r for r in relations if r is not True and r != True)  # noqa: E712
        if any(r is False or r == False for r in relations):  # noqa: E712
            return Conditions(problem=f"its condition {text} never holds")
        return Conditions(relations, (text,))

    def _condition_items(self, chains, main, block: Block) -> None:
        """The ``=`` of a row's conditions: each reported as what it is."""
        for chain in chains:
            if chain in main or chain.parts[0] is None:
                continue
            for equal in chain.equals:
                line, column = self._position(block, equal)
                text = _clean(block.text[chain.pos : chain.end])
                message = "a condition of the claims before it in its row"
                self.items.append(
                    Item(
                        line,
                        column,
                        NOT_A_CLAIM,
                        message,
                        self.current_chain,
                        0,
                        "",
                        text,
                        kind=CONDITION,
                    )
                )

    def _standalone_condition(self, chain: ast.Chain, block: Block, name: str) -> None:
        """``$$ i = j $$``: a condition of the formulas that follow (the rest of this display
        and the next one)."""
        found = self._relations(chain, block)
        self.pending = self.pending + found
        self.block_conditions = self.block_conditions + found
        text = _clean(block.text[chain.pos : chain.end])
        for equal in chain.equals:
            line, column = self._position(block, equal)
            message = "a condition of the formulas that follow"
            self.items.append(
                Item(line, column, NOT_A_CLAIM, message, name, 0, "", text, kind=CONDITION)
            )

    # --- inline math: conditions, assumptions and definitions of the prose --------------

    def _inline(self, row) -> None:
        if row.line is None:
            if row.error is not None and row.row.equals:
                self._unreadable(row)
            return
        letters = self._index_letters()
        chains = row.line.chains
        for chain in chains:
            if len(chain.parts) < 2 or chain.parts[0] is None:
                continue
            if is_condition(chain, letters):
                if len(chains) == 1 and _relates_indices(chain, letters):
                    self.pending = self.pending + self._relations(chain, row.block)
            elif len(chain.parts) == 2 and set(chain.ops) <= set(EQUALITIES):
                self._inline_relation(chain, row.block)

    def _inline_relation(self, chain: ast.Chain, block: Block) -> None:
        """``$z = Wx + b$`` defines z; ``$\\sum_k y_k = 1$`` is an assumption; anything else
        inline is prose, not read."""
        lhs, rhs = chain.parts
        where = f"line {self._position(block, chain.pos)[0]}"
        builder = self.builder
        target = self._definable(lhs)
        try:
            if target is not None:
                body = builder.build(rhs)
                if not builder.definitions.placeholders(body):
                    self._record_definition(target, body, where, lhs)
                return
            if function_parameters(lhs) is None and not has_derivative(lhs):
                left, right = builder.build(lhs), builder.build(rhs)
                if self._is_assumption(left, right):
                    self.assumptions.append((_relation(left, right), where))
        except BuildError:
            return

    # --- chains ---------------------------------------------------------------------------

    def _chain(self, chain, block: Block, texts: list[str], name: str, conditions) -> None:
        parts, equals = chain.parts, chain.equals
        other = next((op for op in chain.ops if op not in EQUALITIES), None)
        if other is not None:
            self._inequality(chain, block, name, other)
            return
        if parts[0] is None and self.previous is None and self.carry is not None:
            self.previous = self.carry[0]
        step = 0 if parts[0] is not None else self._steps_so_far(name)
        start = 1
        kind = CLAIM
        if parts[0] is not None:
            if len(parts) == 2 and is_condition(chain, self._index_letters()):
                self._standalone_condition(chain, block, name)
                return
            kind = "notation" if _is_notation(parts[0]) else CLAIM
            first_item = len(self.items)
            start = self._first(chain, block, texts, name, kind)
            step = sum(1 for i in self.items[first_item:] if i.kind == CLAIM)
        for index in range(start, len(parts)):
            position = self._position(block, equals[index - 1])
            step += 1
            self._claim(parts[index], block, texts[index], position, name, step, kind, conditions)
            self.introducing = ()

    def _inequality(self, chain, block: Block, name: str, op: str) -> None:
        if is_condition(chain, self._index_letters()):
            self._standalone_condition(chain, block, name)
            return
        shown = {"!=": "≠", "<=": "≤", ">=": "≥"}.get(op, op)
        position = chain.equals[chain.ops.index(op)]
        line, column = self._position(block, position)
        message = f"{shown} is not checked: only = chains are"
        text = _clean(block.text[chain.pos : chain.end])
        self.items.append(Item(line, column, "cannot read", message, name, 0, "", text))
        self.previous = BROKEN

    def _first(self, chain, block: Block, texts: list[str], name: str, kind: str) -> int:
        """Read the chain's first relation; the index of the first part that is a claim."""
        lhs = chain.parts[0]
        equal = chain.equals[0] if chain.equals else None
        if equal is None:
            self.previous = self._value(lhs, block, texts[0], None, name, 0)
            return 1
        if kind == CLAIM:
            function = function_parameters(lhs)
            if function is not None and self._function(function, chain, block, texts, name):
                return 2
            if self._definition(chain, block, texts, name):
                return 2
        scope = self.builder.scope
        before = set(scope.objects)
        self.previous = self._value(lhs, block, texts[0], equal, name, 0)
        stated = kind == CLAIM and isinstance(self.previous, Side)
        if stated and self._stated(chain, block, texts, name, before):
            return 2
        return 1

    def _steps_so_far(self, name: str) -> int:
        return sum(1 for i in self.items if i.chain == name and i.kind in (CLAIM, "notation"))

    def _value(self, node, block, text, equal, name, step):
        self.builder.guesses = []
        try:
            value = self.builder.build(node)
        except BuildError as error:
            if equal is not None:
                self._problem(error, block, equal, name, step, text)
            return BROKEN
        return Side(value, text, tuple(self.builder.guesses))

    def _problem(
        self, error: BuildError, block: Block, equal: int, name, step, text, lhs=""
    ) -> None:
        line, column = self._position(block, equal)
        where = self._position(block, error.pos)
        message = error.message + (
            f" (at {where[0]}:{where[1]})" if where != (line, column) else ""
        )
        self.items.append(Item(line, column, error.kind, message, name, step, lhs, text))

    def _claim(self, node, block, text, position, name, step, kind, conditions) -> None:
        previous = self.previous
        line, column = position
        if previous is None:
            message = "nothing before this = in this display"
            self.items.append(Item(line, column, "cannot check", message, name, step, "", text))
        elif previous == BROKEN and not any((i.line, i.column) == position for i in self.items):
            message = "the expression before this = cannot be read"
            self.items.append(Item(line, column, "cannot check", message, name, step, "", text))
        self.builder.guesses = []
        try:
            value = self.builder.build(node)
        except BuildError as error:
            where = self.lines.position(block.offset(error.pos))
            message = error.message + (f" (at {where[0]}:{where[1]})" if where != position else "")
            if isinstance(previous, Side):
                self.items.append(
                    Item(line, column, error.kind, message, name, step, previous.text, text)
                )
            self.previous = BROKEN
            return
        current = Side(value, text, tuple(self.builder.guesses))
        if isinstance(previous, Side):
            if conditions.problem:
                item = Item(
                    line,
                    column,
                    "cannot check",
                    conditions.problem,
                    name,
                    step,
                    previous.text,
                    text,
                )
            else:
                item = Item(
                    line,
                    column,
                    None,
                    "",
                    name,
                    step,
                    previous.text,
                    text,
                    previous.value,
                    value,
                    kind,
                    conditions.relations,
                    ", ".join(conditions.texts),
                    previous.guesses + current.guesses,
                    self.introducing,
                )
            self.items.append(item)
        self.previous = current

    # --- definitions --------------------------------------------------------------------

    def _report(self, block: Block, equal: int, name: str, texts, message: str, kind: str) -> None:
        line, column = self._position(block, equal)
        self.items.append(
            Item(line, column, NOT_A_CLAIM, message, name, 0, texts[0], texts[1], kind=kind)
        )

    def _function(self, function, chain, block: Block, texts, name: str) -> bool:
        """``f(x) = body``: the function f from here on. False if its parameters are not names,
        or if the post defined f already in this section (then the row is a claim)."""
        fname, param_nodes = function
        builder = self.builder
        if self.function_sections.get(fname, -1) == self.section:
            return False
        where = f"line {self._position(block, chain.pos)[0]}"
        try:
            params = tuple(builder.build(p) for p in param_nodes)
        except BuildError:
            return False
        if any(not (p.is_Symbol or isinstance(p, Indexed)) for p in params):
            return False
        equal = chain.equals[0]
        try:
            body = builder.build(chain.parts[1])
        except BuildError as error:
            self._problem(error, block, equal, name, 0, texts[1], texts[0])
            problem = f"the definition of {fname} ({where}) cannot be read"
            builder.functions.define(DefinedFunction(fname, params, None, where, problem))
            self.previous = BROKEN
            return True
        builder.functions.define(DefinedFunction(fname, params, body, where))
        self.function_sections[fname] = self.section
        self.defined.append((texts[0], texts[1]))
        builder.remember_denominator(body, where)
        overridden = OVERRIDDEN.get(fname)
        message = f"defines the function {fname}" + (
            f", from here on instead of {overridden}" if overridden else ""
        )
        self._report(block, equal, name, texts, message + self._unknown_note(body), DEFINITION)
        self.previous = Side(body, texts[1])
        return True

    def _definition(self, chain, block: Block, texts, name: str) -> bool:
        """Define the chain's left side if it is a name not yet defined (in this section);
        True if it did."""
        lhs, rhs = chain.parts[0], chain.parts[1]
        if _is_notation(lhs):
            return False
        builder = self.builder
        introduced = ""
        if powered(lhs, POWERED, builder.scope.labels):
            introduced = builder.powered_name(_unwrap(lhs))
            builder.powered.add(introduced)
        target = self._definable(lhs)
        if target is None:
            if introduced:
                builder.powered.discard(introduced)
            return False
        where = f"line {self._position(block, chain.pos)[0]}"
        equal = chain.equals[0]
        try:
            body = builder.build(rhs)
        except BuildError as error:
            self._problem(error, block, equal, name, 0, texts[1], texts[0])
            placeholder = builder.definitions._placeholder(
                f"the definition of {texts[0]} ({where}) cannot be read", None, ()
            )
            self._record_definition(target, placeholder, where, lhs)
            self.previous = BROKEN
            return True
        old = target[0]
        obj = self._record_definition(target, body, where, lhs)
        if obj is None:
            return False
        self.defined.append((texts[0], texts[1]))
        builder.remember_denominator(body, where)
        if target[2]:
            self._restated(lhs, old, obj, body, block, equal, name, texts)
            return True
        missing = [
            p
            for p in builder.definitions.placeholders(body)
            if p not in builder.definitions.unknown
        ]
        line, column = self._position(block, equal)
        if missing:
            message = "; ".join(
                dict.fromkeys(builder.definitions.missing[p].message for p in missing)
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
                    kind=DEFINITION,
                )
            )
        else:
            again = ", again: from here on" if target[2] else ""
            message = f"defines {shown_name(lhs)}{again}" + self._unknown_note(body)
            self._report(block, equal, name, texts, message, DEFINITION)
        self.previous = Side(body, texts[1])
        return True

    def _restated(self, lhs, old, new, body, block: Block, equal: int, name: str, texts) -> None:
        """A name defined in an earlier section, written again with ``=``: a claim if the two
        meanings agree (a restatement), else a new definition from here on (``redefines``)."""
        value = self.builder.build(lhs)  # the new version, built as the left side reads
        before = (
            value.xreplace({new: old}) if not isinstance(value, Indexed) else old[value.indices]
        )
        line, column = self._position(block, equal)
        shown = shown_name(lhs)
        self.items.append(
            Item(
                line,
                column,
                None,
                "",
                name,
                1,
                texts[0],
                texts[1],
                before,
                body,
                CLAIM,
                redefines=shown,
            )
        )
        self.previous = Side(body, texts[1])

    def _unknown_note(self, body: Expr) -> str:
        definitions = self.builder.definitions
        unknown = [p for p in definitions.placeholders(body) if p in definitions.unknown]
        if not unknown:
            return ""
        return "; " + "; ".join(dict.fromkeys(definitions.missing[p].message for p in unknown))

    def _record_definition(self, target, body: Expr, where: str, lhs) -> Basic | None:
        """Record a definition (a new version of the name when it is defined again)."""
        obj, params, again = target
        definitions, scope = self.builder.definitions, self.builder.scope
        if again:
            obj = scope.renew(obj)
        if not definitions.define(obj, params, body, where):
            return None
        self.section_of[obj] = self.section
        letter = letter_of(_unwrap(lhs))
        if letter is not None:
            self.builder.functions.table.pop(letter, None)
        return obj

    def _stated(self, chain, block: Block, texts, name: str, before: set) -> bool:
        """An assumption (``\\sum_k y_k = 1``): reported, not claimed; True if the relation
        is one. Symbols written here for the first time, on the left only (``\\log C = ...``),
        are remembered: if the relation is not an identity, it introduces them."""
        builder = self.builder
        lhs, rhs = chain.parts[0], chain.parts[1]
        left = self.previous.value
        introduced = {k for k in builder.scope.objects if k not in before}
        self.builder.guesses = []
        try:
            right = builder.build(rhs)
        except BuildError:
            right = None
        equal = chain.equals[0]
        if right is not None and self._is_assumption(left, right):
            where = f"line {self._position(block, chain.pos)[0]}"
            self.assumptions.append((_relation(left, right), where))
            message = "an assumption: it holds for every claim of the post"
            self._report(block, equal, name, texts, message, ASSUMPTION)
            self.previous = Side(right, texts[1])
            return True
        if right is not None and _chooses(lhs):
            left_only = [k for k in introduced if builder.scope.objects[k] not in _objects(right)]
            self.introducing = tuple(sorted(k[0].shown() for k in left_only))
        return False

    def _is_assumption(self, left: Expr, right: Expr) -> bool:
        definitions = self.builder.definitions
        if definitions.placeholders(left) or definitions.placeholders(right):
            return False
        return is_assumption(left, right, set(definitions.table), definitions.objects)

    def _definable(self, node: ast.Node) -> tuple[Basic, tuple, bool] | None:
        """(the object a definition of ``node`` defines, its parameters, whether it defines it
        again), or None when ``node`` is not a name that can be defined here."""
        builder = self.builder
        node = _unwrap(node)
        letter = letter_of(node)
        scope = builder.scope
        if letter is not None:
            if letter in builder.ranges.index_letters or letter in builder.ranges.size_letters:
                return None
            if letter in ("e", "π") or letter in scope.index_ranges or letter in scope.sizes:
                return None
            obj = scope.symbol(builder.aliases.get(Name(letter), Name(letter)), 0)
            return self._fresh(obj, ())
        if not (isinstance(node, ast.Scripted) and isinstance(node.base, ast.Letter)):
            return None
        powered_name = node.sup is not None and builder.powered_name(node) in builder.powered
        labelled = node.sup is None or label_kind(node.sup_text, scope.labels) == "label"
        if not (labelled or powered_name):
            return None
        indices = index_items(node.sub or ())[0]
        if node.base.name == "δ" and node.sup is None and len(indices) == 2:
            return None  # δ_{kj}: the Kronecker delta
        if node.base.name == "e" and node.sup is not None:
            return None
        letters = [letter_of(i) for i in indices]
        if any(x is None for x in letters) or len(set(letters)) != len(letters):
            return None
        try:
            value = builder.build(node)
        except (BuildError, LatexError):
            return None
        obj = value.base if isinstance(value, Indexed) else value
        if obj not in scope.keys:
            return None
        params = tuple(value.indices) if isinstance(value, Indexed) else ()
        return self._fresh(obj, params)

    def _fresh(self, obj: Basic, params: tuple) -> tuple[Basic, tuple, bool] | None:
        if obj not in self.builder.definitions.table:
            return obj, params, False
        if self.section_of.get(obj, self.section) < self.section:
            return obj, params, True
        return None

    # --- rows that cannot be read ---------------------------------------------------------

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
        chain = f"line {line}" if block.inline else (self.current_chain or f"line {line}")
        self.items.append(Item(line, column, "cannot read", message, chain, 0, "", _clean(raw)))
        if not block.inline:
            self.previous = BROKEN
            self._unreadable_definition(row, equal, f"line {line}")

    def _unreadable_definition(self, row, equal, where: str) -> None:
        """``f = max(0, x`` still says that f is defined: later uses of f cannot be checked
        (f must not become a free variable, which would prove things about any f)."""
        before = tuple(t for t in row.row.tokens if t.start_pos < equal.start_pos)
        if not before:
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
            self._record_definition(target, placeholder, where, node)


def _relates_indices(chain: ast.Chain, letters: set[str]) -> bool:
    """``i = j``, ``k \\neq j``: a relation between two index letters (the condition prose
    states before a display: "if $i = j$")."""
    return len(chain.parts) == 2 and all(letter_of(_unwrap(p)) in letters for p in chain.parts)


def _relation(left: Expr, right: Expr) -> Basic:
    return _RELATIONS["="](left, right)


def _chooses(node: ast.Node) -> bool:
    """``\\log C``, ``\\exp(c)``, ``e^{c}``: a function of one name on the left, the form of a
    relation that chooses that name (``\\log C = -\\max_j a_j``)."""
    node = _unwrap(node)
    if isinstance(node, ast.Call) and len(node.args) == 1:
        return is_plain_name(node.args[0])
    if isinstance(node, ast.Scripted) and isinstance(node.base, ast.Letter):
        return node.base.name == "e" and node.sub is None and is_plain_name(node.sup)
    return False


def _objects(expr: Basic) -> set[Basic]:
    found = {i.base for i in expr.atoms(Indexed)}
    return found | expr.free_symbols


def _unwrap(node: ast.Node) -> ast.Node:
    while isinstance(node, ast.Group):
        node = node.inner
    return node


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
        start = bounds[index] + (_op_length(text, bounds[index]) if index else 0)
        found.append(_clean(text[start : bounds[index + 1]]))
    return found


def _op_length(text: str, position: int) -> int:
    """The length of a relation as written at ``position`` (``=``, ``:=``, ``\\equiv``)."""
    found = re.match(r"\\[A-Za-z]+|:=|.", text[position:])
    return len(found.group()) if found else 1


def _clean(text: str) -> str:
    text = re.sub(r"\\(?:left|right|[bB]ig+[lr]?)\b\s*", "", text.replace("&", " "))
    return " ".join(text.split()).strip(" ,.;")
