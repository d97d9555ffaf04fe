"""A claim's conditions, applied to its two sides before it is checked.

An equality with a name on one side is substituted (``i = j``, ``y = 1``, ``y_c = 1``); an
inequality between two indices (``i \\neq j``) sets their Kronecker delta to 0 (SymPy does not
use the assumption there); every relation that is not substituted is also assumed (the sample
points respect it).
"""

from __future__ import annotations

import copy

from sympy import (
    Basic,
    Eq,
    Expr,
    Indexed,
    KroneckerDelta,
    Ne,
    Piecewise,
    S,
    Symbol,
    sympify,
)
from sympy.matrices.expressions.matexpr import MatrixElement


class Applied:
    """A claim's conditions: an equality with a name on one side is substituted (``i = j``,
    ``y = 1``); ``i ≠ j`` between indices sets their Kronecker delta to 0; every relation
    that is not substituted is assumed."""

    def __init__(self, relations: tuple[Basic, ...]) -> None:
        self.substitute: dict[Basic, Basic] = {}
        self.unequal: list[tuple[Basic, Basic]] = []
        self.every: dict[Basic, Basic] = {}  # a name whose every entry is set (for_claim)
        assume: list[Basic] = []
        for relation in relations:
            if isinstance(relation, Eq) and _atom(relation.lhs):
                self.substitute[relation.lhs] = relation.rhs
            elif isinstance(relation, Eq) and _atom(relation.rhs):
                self.substitute[relation.rhs] = relation.lhs
            else:
                if isinstance(relation, Ne) and relation.lhs.is_integer and relation.rhs.is_integer:
                    self.unequal.append((relation.lhs, relation.rhs))
                assume.append(relation)
        self.assume = tuple(a.xreplace(self.substitute) for a in assume)

    def for_claim(self, lhs: Expr, rhs: Expr) -> Applied:
        """These conditions for one claim: an entry's condition whose index the claim does not
        have free ("with all $g_i = 1$" before a sum over i) is about every entry, so every
        entry of that name is substituted; substituting only ``g_i`` for a free i would leave
        the sum's terms free, and a true claim refuted."""
        if not (self.substitute or self.assume):
            return self
        free = lhs.free_symbols | rhs.free_symbols  # two sides of other kinds (a shape error)
        pairs = [*self.substitute.items()]
        pairs += [(r.lhs, r.rhs) for r in self.assume if isinstance(r, Eq)]
        every = {_base(key): value for key, value in pairs if _about_every(key, value, free)}
        if not every:
            return self
        applied = copy.copy(self)
        applied.every = every
        applied.assume = tuple(
            r for r in self.assume if not (isinstance(r, Eq) and _about_every(r.lhs, r.rhs, free))
        )
        return applied

    def apply(self, expr: Expr) -> Expr:
        if self.every:
            expr = expr.replace(
                lambda e: isinstance(e, (Indexed, MatrixElement)) and _base(e) in self.every,
                lambda e: self.every[_base(e)],
            )
        expr = expr.xreplace(self.substitute) if self.substitute else expr
        for a, b in self.unequal:
            expr = expr.replace(
                lambda e, a=a, b=b: isinstance(e, KroneckerDelta) and set(e.args) == {a, b},
                lambda e: 0,
            )
        return expr


def _about_every(key: Basic, value: Basic, free: set[Basic]) -> bool:
    """``g_i = 1`` with i not free in the claim: a condition on every entry of g."""
    if not isinstance(key, (Indexed, MatrixElement)):
        return False
    letters = set().union(*(sympify(i).free_symbols for i in _indices(key)))
    return bool(letters) and not letters & free and not value.free_symbols & letters


def _base(entry: Indexed | MatrixElement) -> Basic:
    return entry.base if isinstance(entry, Indexed) else entry.parent


def _indices(entry: Indexed | MatrixElement) -> tuple[Basic, ...]:
    return tuple(entry.indices) if isinstance(entry, Indexed) else (entry.i, entry.j)


def _atom(expr: Basic) -> bool:
    return isinstance(expr, (Symbol, Indexed))


def index_cases(expr: Expr) -> list[tuple[Expr, Basic]] | None:
    """The cases of a right side written as cases over indices (``p_i(1 - p_i)`` if i = j,
    ``-p_i p_j`` if i ≠ j), each with its condition; None for anything else (SymPy judges
    other cases whole)."""
    if not isinstance(expr, Piecewise):
        return None
    cases: list[tuple[Expr, Basic]] = []
    for value, condition in expr.args:
        if condition is S.true or condition == True:  # noqa: E712
            if len(cases) != 1 or not isinstance(cases[0][1], Eq):
                return None
            condition = Ne(*cases[0][1].args)  # otherwise, after a single i = j
        if not (isinstance(condition, (Eq, Ne)) and all(a.is_integer for a in condition.args)):
            return None
        cases.append((value, condition))
    return cases
