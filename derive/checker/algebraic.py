"""Exact numbers at a sample point, and points on the curves that equality assumptions define.

A point that satisfies ``x**2 + y**2 = 1`` has an algebraic coordinate (y = sqrt(3)/2 at x =
1/2), and one that satisfies ``x*y**5 - x - y = 0`` with complex y has a Gaussian rational
x = y/(y**5 - 1) that SymPy keeps as a tower of powers. Deciding such an equality by 30-digit
evaluation is no decision at all (an exact 0 has no relative accuracy; evalf raises its
precision until it gives up), so equalities are decided here exactly: Gaussian rationals by
expansion into a + b i, algebraic numbers by their minimal polynomial (an exact algorithm:
the number is 0 exactly when its minimal polynomial is X).

``branches`` solves an equality for one atom: linearly (one solution) where it can, else as a
polynomial of degree at most ``MAX_DEGREE`` in the atom, all of whose roots SymPy writes in
radicals (x**2 + y**2 = 1 gives y = ±sqrt(1 - x**2)). Each root is a branch; together they are
every point of the curve where the leading coefficient is not 0 (``complete``).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass

import sympy
from sympy import Basic, Expr

from derive.checker.instances import free_atoms

MAX_DEGREE = 4  # an equality of higher degree in every atom is not solved
MAX_ROOT_SIZE = 80  # operations in a root (Cardano's formulas grow beyond use quickly)
MAX_BRANCHES = 8  # branches of all the equalities together


def exact_number(value: Basic) -> Basic:
    """A number built from Gaussian rationals, expanded to a + b i (else unchanged)."""
    if value.is_Rational or not value.is_number or not value.has(sympy.I):
        return value
    expanded = sympy.expand(value)
    re, im = expanded.as_real_imag()
    return expanded if re.is_Rational and im.is_Rational else value


def is_zero_exactly(value: Basic) -> bool | None:
    """Whether a number is exactly 0: True, False, or None when no exact argument decides it
    (a transcendental number, or one too large for its minimal polynomial)."""
    if not value.is_number:
        return None
    value = exact_number(value)
    if value.is_Rational:
        return value == 0
    expanded = sympy.expand(value)
    if expanded.is_Rational:
        return expanded == 0
    if expanded.is_algebraic and sympy.count_ops(expanded) <= 4 * MAX_ROOT_SIZE:
        try:
            polynomial = sympy.minimal_polynomial(expanded, sympy.Dummy("X"), polys=True)
        except (NotImplementedError, ValueError, sympy.polys.polyerrors.PolynomialError):
            return None
        return polynomial.degree() == 1 and polynomial.TC() == 0
    return None


@dataclass(frozen=True)
class Solution:
    """An equality solved for ``atom``: its ``roots`` (one when it is linear in the atom), and
    whether they are every solution (``complete``: the leading coefficient is a nonzero
    number, so no value of the other atoms loses or gains a root)."""

    atom: Basic
    roots: tuple[Expr, ...]
    complete: bool


def solve_for_atom(difference: Expr, excluded: Sequence[Basic] = ()) -> Solution | None:
    """Solve ``difference = 0`` for one of its atoms (not an integer, not in ``excluded``):
    linearly if some atom allows it (the last in canonical order, as people write t_K = 1 -
    ...), else as a polynomial in the atom of the lowest degree. None if neither works."""
    return _solve(difference, tuple(excluded))


@functools.lru_cache(maxsize=256)
def _solve(difference: Expr, excluded: tuple[Basic, ...]) -> Solution | None:
    atoms = sorted(free_atoms(difference) - set(excluded), key=sympy.default_sort_key)
    atoms = [a for a in atoms if not a.is_integer]
    for atom in reversed(atoms):
        slope = sympy.expand(difference.diff(atom))
        if slope != 0 and atom not in slope.free_symbols:
            root = -difference.xreplace({atom: 0}) / slope
            return Solution(atom, (root,), bool(slope.is_number))
    numerator = sympy.together(difference).as_numer_denom()[0]
    found = []
    for atom in reversed(atoms):
        solution = _polynomial_roots(sympy.expand(numerator), atom)
        if solution is not None:
            found.append(solution)
    if not found:
        return None
    return min(found, key=lambda s: (len(s.roots), -s.complete))


def _polynomial_roots(numerator: Expr, atom: Basic) -> Solution | None:
    try:
        polynomial = sympy.Poly(numerator, atom)
    except sympy.polys.polyerrors.PolynomialError:
        return None
    degree = polynomial.degree()
    if not 1 <= degree <= MAX_DEGREE or any(atom in c.free_symbols for c in polynomial.coeffs()):
        return None
    try:
        found = sympy.roots(polynomial, multiple=True)
    except Exception:  # SymPy fails on odd coefficients: not solved
        return None
    if len(found) != degree or any(sympy.count_ops(r) > MAX_ROOT_SIZE for r in found):
        return None  # not every root in radicals
    unique = tuple(sorted(set(found), key=sympy.default_sort_key))
    return Solution(atom, unique, bool(polynomial.LC().is_number))


def branches(equalities: Sequence[Basic]) -> tuple[list[dict[Basic, Expr]], str]:
    """The equalities solved one after another, each later one with the earlier solutions put
    in: a list of branches (atom -> value), and "" or the equality no atom could be solved for.
    Every branch solves the same atoms."""
    found: list[dict[Basic, Expr]] = [{}]
    for eq in equalities:
        grown = []
        for solved in found:
            difference = (eq.lhs - eq.rhs).xreplace(solved)
            if sympy.expand(difference) == 0:
                grown.append(solved)
                continue  # implied by the earlier ones (the same assumption given twice, say)
            solution = solve_for_atom(difference, tuple(solved))
            if solution is None:
                return [], str(eq)
            for root in solution.roots:
                earlier = {a: v.xreplace({solution.atom: root}) for a, v in solved.items()}
                grown.append({**earlier, solution.atom: root})
        found = grown[:MAX_BRANCHES]
    return found, ""
