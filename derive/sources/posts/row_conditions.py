"""The conditions of a post's claims, as read: a condition written after a claim in its row
(``\\quad i = j``, ``\\text{if } i = j``, ``, \\; k \\neq j``) restricts the claims of the row;
one standing alone (``$$ i = j $$``, or inline "if $i = j$" in the prose) restricts the claims
of the next display. Inline math also defines names (``$z = Wx + b$``) and states assumptions
(``$\\sum_k y_k = 1$``); anything else inline is prose, never judged.
"""

from __future__ import annotations

import bisect

from sympy import Indexed, MatrixSymbol

from derive.sources.posts.blocks import Block
from derive.sources.posts.build import _RELATIONS
from derive.sources.posts.defined_functions import DefinedFunction
from derive.sources.posts.defining import OVERRIDDEN
from derive.sources.posts.items import EQUALITIES, Conditions, Item, clean, equality, unwrap
from derive.sources.posts.kinds import (
    CONDITION,
    NOT_A_CLAIM,
    function_parameters,
    has_derivative,
    is_condition,
    is_number,
    is_plain_name,
)
from derive.sources.posts.latex import nodes as ast
from derive.sources.posts.names import BuildError
from derive.sources.posts.ranges import letter_of


class ConditionsMixin:
    """The conditions and the inline math of :class:`~derive.sources.posts.chains.ChainReader`."""

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
        text = clean(block.text[chain.pos : chain.end])
        try:
            values = [self.builder.build(p) for p in parts]
        except BuildError as error:
            return Conditions(problem=f"its condition {text} cannot be read ({error.message})")
        relations = tuple(
            _RELATIONS[op](values[i], values[i + 1]) for i, op in enumerate(ops) if op in _RELATIONS
        )
        relations = tuple(r for r in relations if r is not True and r != True)  # noqa: E712
        if any(r is False or r == False for r in relations):  # noqa: E712
            about = frozenset().union(*(getattr(v, "free_symbols", set()) for v in values))
            return Conditions(problem=f"its condition {text} never holds", about=about)
        return Conditions(relations, (text,))

    def _condition_items(self, chains, main, block: Block) -> None:
        """The ``=`` of a row's conditions: each reported as what it is."""
        for chain in chains:
            if chain in main or chain.parts[0] is None:
                continue
            for equal in _equalities(chain):
                line, column = self._position(block, equal)
                text = clean(block.text[chain.pos : chain.end])
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
        text = clean(block.text[chain.pos : chain.end])
        for equal in _equalities(chain):
            line, column = self._position(block, equal)
            message = "a condition of the formulas that follow"
            self.items.append(
                Item(line, column, NOT_A_CLAIM, message, name, 0, "", text, kind=CONDITION)
            )

    # --- inline math: conditions, assumptions and definitions of the prose --------------

    def _inline(self, row) -> None:
        if row.line is None:
            if row.error is not None and self._tuple(row):
                return  # $z = (2.0, 1.0, 0.1)$: values of the entries
            if row.error is not None and row.row.equals:
                self._unreadable(row)
            return
        letters = self._index_letters()
        chains = row.line.chains
        for chain in chains:
            if len(chain.parts) < 2 or chain.parts[0] is None:
                continue
            if len(chains) == 1 and _case_of_next(chain):  # "For $y = +1$", "($y s < 1$)"
                self.pending = self.pending + self._relations(chain, row.block)
            if self._given(chain):  # $w_1 = 0.2$: a value for the rows that follow
                continue
            if is_condition(chain, letters):
                if len(chains) == 1 and _relates_indices(chain, letters):
                    self.pending = self.pending + self._relations(chain, row.block)
            elif len(chain.parts) == 2 and set(chain.ops) <= set(EQUALITIES):
                self._inline_relation(chain, row.block)

    def _inline_function(self, function, rhs: ast.Node, where: str) -> None:
        """``$\\ell(\\theta) = y^T \\log h + ...$`` in the prose of a post in matrix notation:
        the function from here on, as a display defines it (not if this section defined it)."""
        fname, param_nodes = function
        builder = self.builder
        if self.function_sections.get(fname, -1) == self.section:
            return
        params = tuple(builder.build(p) for p in param_nodes)
        if any(not (p.is_Symbol or isinstance(p, (Indexed, MatrixSymbol))) for p in params):
            return
        body = builder.build(rhs)
        builder.functions.define(DefinedFunction(fname, params, body, where))
        self.in_bodies |= builder.definitions.objects(body)
        self.function_sections[fname] = self.section

    def _inline_index_function(self, function, rhs: ast.Node, block: Block, where: str) -> None:
        """``$g(z) = \\max(0, z)$`` in the prose of a post in index notation: a section picks
        another activation in a sentence as often as in a display. The function from here on;
        a second meaning in the same section, or a body that cannot be read, leaves the function
        unknown from here on (its earlier meaning is stale: checked against it, a true row
        about the new one would be refuted). A display of the same section may define it
        again: the prose often announces the definition the display then gives."""
        fname, param_nodes = function
        builder = self.builder
        section = bisect.bisect_right(self.sections, block.offset(0))
        try:
            params = tuple(builder.build(p) for p in param_nodes)
        except BuildError:
            return
        if any(not p.is_Symbol for p in params):
            return  # $g(0) = 0$: a value, not a definition
        prior = builder.functions.get(fname)
        try:
            body = builder.build(rhs)
        except BuildError:
            body = None
        if body is not None and _same_function(prior, params, body):
            return  # the display's definition, restated in the prose
        # a display of this section may still define it (the prose often announces it first)
        if body is not None and self.function_sections.get(fname, -1) != section:
            builder.functions.define(DefinedFunction(fname, params, body, where))
            self.in_bodies |= builder.definitions.objects(body)
            return
        if prior is not None or fname in OVERRIDDEN:
            problem = (
                f"{fname} is defined again in the prose ({where}) in a way not read"
                if body is None
                else f"the prose ({where}) gives {fname} a second meaning in this section"
            )
            builder.functions.define(DefinedFunction(fname, params, None, where, problem))

    def _inline_relation(self, chain: ast.Chain, block: Block) -> None:
        """``$z = Wx + b$`` defines z; ``$\\sum_k y_k = 1$`` is an assumption; anything else
        inline is prose, not read."""
        lhs, rhs = chain.parts
        where = f"line {self._position(block, chain.pos)[0]}"
        builder = self.builder
        if builder.matrix_mode:  # $\delta^l = \partial C / \partial z^l$: for every layer
            builder.register_layers(unwrap(lhs), rhs, where)
        # in matrix notation a name defined again inline with other functions is a new
        # meaning ("now the cross-entropy, $C = -y^T \\log a - ...$"), as in a display
        target = self._definable(lhs, rhs if builder.matrix_mode else None)
        try:
            if target is not None:
                body = builder.build_definition(rhs)
                if builder.definitions.placeholders(body):
                    return
                if builder.matrix_mode:  # $\delta = \partial C / \partial z$: a vector
                    used = target[0] in self.claimed or target[0] in self.in_bodies
                    target = builder.matrix_target(target, body, rhs.pos, used)
                recorded = self._record_definition(target, body, where, lhs, rhs)
                if recorded is None and _from_a_start(builder.build(lhs), body):
                    # $\eta_t = \eta_0 / (1 + kt)$: a closed form from the start, not read;
                    # a claim about \eta_1 through a free \eta is not refuted
                    builder.definitions.unread.setdefault(target[0], where)
                return
            function = function_parameters(lhs)
            if function is not None and builder.matrix_mode:
                self._inline_function(function, rhs, where)
                return
            if function is not None:  # "for the ReLU, $g(z) = \max(0, z)$": g from here on
                self._inline_index_function(function, rhs, block, where)
                return
            if _entry_at_numbers(builder.build(lhs)):  # $\hat{\theta}_0 = \log y$: not read
                builder.definitions.unread.setdefault(builder.build(lhs), where)
                builder.build(rhs)  # its names are written here first, not in the display
                return
            if function is None and not has_derivative(lhs):
                left, right = builder.build(lhs), builder.build(rhs)
                if self._is_assumption(left, right):
                    self.assumptions.append((equality(left, right), where))
        except BuildError:
            return


def _from_a_start(entry, body) -> bool:
    """``\\eta_t = \\eta_0 / (1 + kt)``: an entry at a free index, written with the same name
    at given indices only (its start), not at that index (an update)."""
    if not isinstance(entry, Indexed) or not all(i.is_Symbol for i in entry.indices):
        return False
    same = [a for a in body.atoms(Indexed) if a.base == entry.base]
    return bool(same) and all(all(i.is_Integer for i in a.indices) for a in same)


def _same_function(prior: DefinedFunction | None, params: tuple, body) -> bool:
    """Whether ``prior`` has the same body at the same parameters (renamed in order)."""
    if prior is None or prior.body is None or len(prior.params) != len(params):
        return False
    renamed = body.xreplace(dict(zip(params, prior.params, strict=True)))
    return renamed == prior.body


def _case_of_next(chain: ast.Chain) -> bool:
    """A relation the prose states alone before a display, which the claims there hold
    under: a name set to an integer (a label's value: ``y = +1``, ``t = 0``) or an inequality
    (``y s < 1``, ``z > 0``). A decimal is a worked example's value, not a case."""
    parts = chain.parts
    if all(op in ("<", ">", "≤", "≥", "<=", ">=", "\\le", "\\ge") for op in chain.ops):
        # of plain quantities: an entry (``r_i > \\delta`` "for every i") is about the terms
        # of a sum, which a condition on one free i does not reach
        entries = any(isinstance(n, ast.Scripted) and n.sub for p in parts for n in ast.walk(p))
        return not entries and not any(has_derivative(p) for p in parts)
    if len(parts) != 2 or chain.ops != ("=",) or not is_plain_name(parts[0]):
        return False
    number = parts[1]
    return is_number(number) and "." not in _digits(number)


def _digits(node: ast.Node) -> str:
    if isinstance(node, ast.Number):
        return node.text
    if isinstance(node, ast.Add) and len(node.terms) == 1:
        return _digits(node.terms[0][1])
    return "."  # a fraction: not an integer label


def _entry_at_numbers(value) -> bool:
    """``\\theta_0``, ``w_1``: an entry at concrete indices (a name the reader cannot define)."""
    return isinstance(value, Indexed) and all(i.is_Integer for i in value.indices)


def _relates_indices(chain: ast.Chain, letters: set[str]) -> bool:
    """``i = j``, ``k \\neq j``: a relation between two index letters (the condition prose
    states before a display: "if $i = j$")."""
    return len(chain.parts) == 2 and all(letter_of(unwrap(p)) in letters for p in chain.parts)


def _equalities(chain: ast.Chain) -> list[int]:
    """Where the ``=`` signs of a condition are (a ``>`` or ``\\neq`` is no equality to report)."""
    return [pos for pos, op in zip(chain.equals, chain.ops, strict=True) if op in EQUALITIES]
