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

from sympy import Basic, Ge, Gt, Le, Lt

from derive.checker.matrix.nodes import Gradient
from derive.sources.posts.blocks import Block, Lines
from derive.sources.posts.build import Builder
from derive.sources.posts.defined_functions import DefinedFunction
from derive.sources.posts.defining import DefiningMixin
from derive.sources.posts.definitions import TooDeep
from derive.sources.posts.implied import ImpliedMixin, once_letters
from derive.sources.posts.items import (
    BROKEN,
    EQUALITIES,
    Conditions,
    Item,
    Side,
    clean,
    texts_of,
    unwrap,
)
from derive.sources.posts.kinds import CLAIM, CONDITION, function_parameters, is_condition
from derive.sources.posts.latex.grammar import parse_row
from derive.sources.posts.latex.tokens import MAX_ROW_TOKENS, LatexError
from derive.sources.posts.matrix.kinds import sets_equation
from derive.sources.posts.names import BuildError
from derive.sources.posts.ranges import letter_of
from derive.sources.posts.recurrence_rows import RecurrencesMixin
from derive.sources.posts.row_conditions import ConditionsMixin
from derive.sources.posts.solving import SolvingMixin, before_arrow
from derive.sources.posts.values import ValuesMixin
from derive.sources.statuses import NOT_A_CLAIM, NOT_CHECKED

__all__ = ["ChainReader", "Item"]


class ChainReader(
    ConditionsMixin, DefiningMixin, SolvingMixin, RecurrencesMixin, ValuesMixin, ImpliedMixin
):
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
        # each display's last side, its chain and the relations it was written under
        self.carried: list[tuple[Side, str, tuple]] = []
        self.section_of: dict[Basic, int] = {}
        self.renewed = 0  # names defined again so far (a derivative's meaning may be stale)
        self.renewed_at: dict[Basic, int] = {}  # each definition: ``renewed`` when it was made
        self.derivatives: dict[Basic, object] = {}  # a name defined as a derivative: its tree
        self.function_sections: dict[str, int] = {}  # function name -> section it was defined in
        self.section = 0
        self.previous: Side | str | None = None
        self.current_chain = ""
        self.otherwise: tuple[str, str, str] = ()  # what the chain's first claim is if not one
        self.alone = False  # the chain being read is alone in its row
        self.premise = False  # the chain being read is followed by \implies in its row
        self.claimed: set[Basic] = set()  # the objects earlier claims are about
        self.varied: set[Basic] = set()  # the variables earlier claims differentiate by
        self.row_conditions = Conditions()  # the conditions of the chain being read
        self.in_bodies: set[Basic] = set()  # the objects earlier definitions use
        self.heads_of: dict[Basic, set[str]] = {}  # a defined name -> the functions it applies
        self.equations: list[tuple] = []  # set or solved: (section, unknowns, where)
        self.recurrences: dict[Basic, tuple] = {}  # array -> (its recurrence, section)
        self.chain_free: frozenset[str] = frozenset()  # the left side's indices (``implied``)

    # --- displays and rows ------------------------------------------------------------

    def block(self, parsed: list) -> None:
        block = parsed[0].block
        self.builder.text = block.text  # a bold 1 is the vector of ones
        self.builder.restate(block.offset(0))  # "for square $X \in \mathbb{R}^{n \times n}$"
        self.builder.offset = block.offset(0)  # the places of its decimals
        if block.inline:
            for row in parsed:
                self._inline(row)
            return
        self.section = bisect.bisect_right(self.sections, block.offset(0))
        self.displays_read = getattr(self, "displays_read", 0) + 1
        self.block_conditions, self.pending = self.pending.consistent(), Conditions()
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
            relations = self.block_conditions.relations
            self.carried.append((self.previous, self.current_chain, relations))
        elif self.previous == BROKEN or (parsed and parsed[-1].error is not None):
            # a display not read ends the chain: continued from an older display's side, a
            # "= ..." after it would be compared with the wrong expression
            self.carry = (BROKEN, self.current_chain)

    def _position(self, block: Block, pos: int) -> tuple[int, int]:
        return self.lines.position(block.offset(pos))

    def _row(self, row) -> None:
        self._rows(row)
        if not row.block.inline:
            for equal, start, end in row.row.notes:
                self._note(row.block, equal, start, end)

    def _disowned(self, row) -> None:
        """A formula its row calls wrong (``\\text{(wrong!)}``): shown to be avoided, not
        claimed; each ``=`` is reported as such, and nothing continues from it."""
        block = row.block
        for equal in row.row.equals:
            line, column = self._position(block, equal.start_pos)
            tokens = row.row.tokens
            text = clean(block.text[tokens[0].start_pos : tokens[-1].end_pos])
            message = "the text marks this formula as wrong"
            chain = f"line {line}"
            item = Item(line, column, NOT_A_CLAIM, message, chain, 0, "", text, kind="note")
            self.items.append(item)
        self.previous = BROKEN

    def _note(self, block: Block, equal: int, start: int, end: int) -> None:
        """A note after ``&&`` holding an ``=``: not a claim, never dropped silently."""
        line, column = self._position(block, equal)
        chain = self.current_chain or f"line {line}"
        text = clean(block.text[start:end])
        item = Item(line, column, NOT_CHECKED, "a note", chain, 0, "", text, kind="note")
        self.items.append(item)

    def _rows(self, row) -> None:
        block = row.block
        if row.line is None:
            if row.error is not None and self._tuple(row):
                return  # z = (2.0, 1.0, 0.1): values of the entries
            if row.error is not None and not row.row.tokens:  # the whole display: never silent
                self._unlexed(row)
            elif row.error is not None and row.row.equals:
                self._unreadable(row)
            elif row.error is None and row.row.tag:
                self.block_tag = row.row.tag
            return
        if _disowned(row.row.tokens):
            self._disowned(row)
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
        self.alone = len(chains) == 1
        first_item = len(self.items)
        premises = Conditions()  # A \implies B: B is read under A
        for chain in main:
            name = f"line {self._position(block, chain.pos)[0]}"
            if chain.parts[0] is None and (self.previous is not None or self.carry):
                name = self.current_chain if self.previous is not None else self.carry[1]
            self.current_chain = name
            self.chain_tags.setdefault(name, row.row.tag)
            if row.row.tag:
                self.chain_tags[name] = row.row.tag
            texts = texts_of(chain, block.text, chain.end)
            self.premise = before_arrow(chain, chains, block.text)
            start = len(self.items)
            self._chain(chain, block, texts, name, self.block_conditions + in_row + premises)
            self._instances(start, chain)
            self._shown(chain)
            if self.premise:
                premises = premises + self._premise(chain, block)
        for chain in chains:
            self._given(chain)  # w_1 = 0.2: a value for the rows that follow
        if not any(i.kind == CLAIM for i in self.items[first_item:]):
            self._parameter_ranges(in_row, block, row.line)
        self._condition_items(chains, main, block)

    def _parameter_ranges(self, conditions: Conditions, block: Block, line) -> None:
        """``LeakyReLU(z) = \\max(\\alpha z, z), \\quad 0 < \\alpha < 1``: inequalities written
        beside a definition hold for the rest of the post (assumptions it states)."""
        where = f"line {self._position(block, line.pos)[0]}"
        for relation in conditions.relations:
            if isinstance(relation, (Lt, Le, Gt, Ge)) and not relation.free_symbols & set(
                self.builder.scope.free.values()
            ):
                self.assumptions.append((relation, where))

    # --- chains ---------------------------------------------------------------------------

    def _chain(self, chain, block: Block, texts: list[str], name: str, conditions) -> None:
        parts, equals = chain.parts, chain.equals
        other = next((op for op in chain.ops if op not in EQUALITIES), None)
        if other is not None:
            self._inequality(chain, block, name, other)
            return
        if parts[0] is None and self.previous is None and self.carry is not None:
            self.previous = self._carried(conditions, block, equals[0], name, texts)
        step = 0 if parts[0] is not None else self._steps_so_far(name)
        if parts[0] is not None:
            self.chain_free = once_letters(parts[0])
        start = 1
        kind = CLAIM
        if parts[0] is not None:
            condition = len(parts) == 2 and is_condition(chain, self._index_letters())
            if condition and not self._first_use(parts[0]):
                self._standalone_condition(chain, block, name)
                return
            kind = "notation" if self._notation(parts[0]) else CLAIM
            first_item = len(self.items)
            self.row_conditions = conditions
            start = self._first(chain, block, texts, name, kind)
            step = sum(1 for i in self.items[first_item:] if i.kind == CLAIM)
        for index in range(start, len(parts)):
            position = self._position(block, equals[index - 1])
            step += 1
            if not self.otherwise:
                self._zero_step(chain, index, block)  # ... = 0: set to zero
            self._claim(parts[index], block, texts[index], position, name, step, kind, conditions)
            self.otherwise = ()

    def _carried(self, conditions: Conditions, block: Block, equal: int, name: str, texts):
        """What a display that starts with ``=`` continues: the last display's last side, unless
        the prose put this display under a condition that the last one was not written under
        ("If $i = j$, [= ... = p_j(1 - p_j)]. If instead $i \\neq j$, [= ...]"): then the last
        side of the chain written under conditions that still hold (the case split's common
        start). None such: the row is not checked (compared with a side that holds in the other
        case, a true row would be refuted)."""
        if not isinstance(self.carry[0], Side):
            return self.carry[0]
        relations = set(conditions.relations)
        last = self.carried[-1] if self.carried else None
        if not relations or last is None or set(last[2]) <= relations:
            return self.carry[0]
        for side, chain, under in reversed(self.carried):
            if chain != last[1]:
                break
            if set(under) <= relations:
                return side
        line, column = self._position(block, equal)
        message = "it continues a display written under another condition"
        self.items.append(Item(line, column, "cannot check", message, name, 0, "", texts[1]))
        return BROKEN

    def _inequality(self, chain, block: Block, name: str, op: str) -> None:
        if is_condition(chain, self._index_letters()):
            self._standalone_condition(chain, block, name)
            return
        shown = {"!=": "≠", "<=": "≤", ">=": "≥"}.get(op, op)
        position = chain.equals[chain.ops.index(op)]
        line, column = self._position(block, position)
        message = f"{shown} is not checked: only = chains are"
        text = clean(block.text[chain.pos : chain.end])
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
            if self._recurrence(chain, block, texts, name):
                return 2
            if self._definition(chain, block, texts, name):
                return 2
        scope = self.builder.scope
        before = set(scope.objects)
        self.previous = self._value(lhs, block, texts[0], equal, name, 0)
        stated = kind == CLAIM and isinstance(self.previous, Side)
        if stated and (self._zero_first(chain, block) or self._zero_second(chain, block)):
            return 1
        if stated and self._stated(chain, block, texts, name, before):
            return 2
        if stated and not self.otherwise and self._sets(chain):
            self.otherwise = ("refuted", CONDITION, "an equation the text sets (a condition)")
            self.pending = self.pending + self._relations(chain, block)  # so, next: s_j = t_j
        elif stated and not self.otherwise and not self._solves(chain, block):
            self._premised(chain)
            if not self.otherwise and self._sets_equation(chain):
                self.otherwise = ("refuted", CONDITION, "an equation the text sets (a condition)")
        return 1

    def _sets_equation(self, chain) -> bool:
        """``X^T X \\theta = X^T y`` (matrix.kinds)."""
        return sets_equation(self.builder, chain, self.previous.value, self.alone)

    def _first_use(self, node) -> bool:
        """Whether a name set to a number is written here for the first time: then it is a
        definition (``a^{(0)} = 0``, ``K = 3``); a name used before is a condition (``y = 1``
        for a label y: "when y = 1")."""
        if letter_of(unwrap(node)) in self._index_letters():
            return False
        scope = self.builder.scope
        before = set(scope.objects)
        try:
            self.builder.build(node)
        except BuildError:
            return False
        return any(key not in before for key in scope.objects)

    def _steps_so_far(self, name: str) -> int:
        return sum(1 for i in self.items if i.chain == name and i.kind in (CLAIM, "notation"))

    def _value(self, node, block, text, equal, name, step):
        self.builder.guesses = []
        try:
            value = self.implied(self.builder.build(node), once_letters(node), node)
        except BuildError as error:
            if equal is not None:
                self._problem(error, block, equal, name, step, text)
            return BROKEN
        return Side(value, text, tuple(self.builder.guesses))

    def _symbols(self, value) -> set:
        """The symbols of ``value`` with its definitions written out (all, if too deep)."""
        try:
            return set(self.builder.definitions.expand(value).free_symbols)
        except TooDeep:
            return set(self.builder.scope.keys)

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
        before = set(self.builder.scope.objects)
        try:
            value = self.implied(self.builder.build(node), self.chain_free, node)
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
        if isinstance(previous, Side) and not self.otherwise:
            self._introduces(before, previous.value, value)  # = \frac{S_{xy}}{S_{xx}}: names
        if isinstance(previous, Side):
            objects = self.builder.definitions.objects
            self.claimed |= objects(previous.value) | objects(value)
            for side in (previous.value, value):  # θ of \nabla_\theta J: what claims vary
                self.varied |= {g.args[1] for g in side.atoms(Gradient)}
            if (
                conditions.problem
                and conditions.about
                and not conditions.about & (self._symbols(previous.value) | self._symbols(value))
            ):  # "$\epsilon = 0$" against a default: no concern of a claim without epsilon
                conditions = Conditions(conditions.relations, conditions.texts)
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
                    self.otherwise,
                    self.builder.in_force(),
                    self._recurrences_in_force(),
                )
            self.items.append(item)
        self.previous = current

    # --- definitions --------------------------------------------------------------------

    # --- rows that cannot be read ---------------------------------------------------------

    def _unreadable(self, row) -> None:
        block, error = row.block, row.error
        if block.inline and "elided" in error.message:
            return  # "for $i = 1, \dots, n$": a range in the prose, not a claim
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
        self.items.append(Item(line, column, "cannot read", message, chain, 0, "", clean(raw)))
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

    def _unreadable_function(self, node, where: str, row) -> bool:
        """``g(z) = \\max(0.01z, z) \\quad (z < 0)`` not read: g is still (re)defined there, and
        unknown from here on (its earlier meaning, kept, would judge rows about the new one)."""
        function = function_parameters(node)
        if function is None:
            return False
        fname, param_nodes = function
        try:
            params = tuple(self.builder.build(p) for p in param_nodes)
        except BuildError:
            return False
        if any(not p.is_Symbol for p in params):
            return False
        problem = f"the definition of {fname} ({where}) cannot be read"
        self.builder.functions.define(DefinedFunction(fname, params, None, where, problem))
        self.function_sections[fname] = bisect.bisect_right(self.sections, row.block.offset(0))
        return True

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
        if self._unreadable_function(node, where, row):
            return
        target = None if self._notation(node) else self._definable(node)
        if target is not None:
            text = clean(row.block.text[before[0].start_pos : before[-1].end_pos])
            placeholder = self.builder.definitions._placeholder(
                f"the definition of {text} ({where}) cannot be read", None, ()
            )
            self._record_definition(target, placeholder, where, node)


# words with which a row's own annotation disowns its formula: "(wrong!)", "\\text{incorrect}"
_DISOWNING = ("wrong", "incorrect", "mistake", "not correct", "typo", "bug")


def _disowned(tokens) -> bool:
    """Whether a note in the row (``\\text{...}``) says that the formula is wrong."""
    notes = (str(t).lower() for t in tokens if t.type == "NOTE")
    return any(word in note for note in notes for word in _DISOWNING)
