"""A claim's conditions, applied to its two sides before it is checked.

An equality with a name on one side is substituted (``i = j``, ``y = 1``, ``y_c = 1``); an
inequality between two indices (``i \\neq j``) sets their Kronecker delta to 0 (SymPy does not
use the assumption there); every relation that is not substituted is also assumed (the sample
points respect it).
"""

from __future__ import annotations

from sympy import Basic, Eq, Expr, Indexed, KroneckerDelta, Ne, Piecewise, S, Symbol


class Applied:
    """A claim's conditions: an equality with a name on one side is substituted (``i = j``,
    ``y = 1``); ``i ≠ j`` between indices sets their Kronecker delta to 0; every relation
    that is not substituted is assumed."""

    def __init__(self, relations: tuple[Basic, ...]) -> None:
        self.substitute: dict[Basic, Basic] = {}
        self.unequal: list[tuple[Basic, Basic]] = []
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

    def apply(self, expr: Expr) -> Expr:
        expr = expr.xreplace(self.substitute) if self.substitute else expr
        for a, b in self.unequal:
            expr = expr.replace(
                lambda e, a=a, b=b: isinstance(e, KroneckerDelta) and set(e.args) == {a, b},
                lambda e: 0,
            )
        return expr


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
