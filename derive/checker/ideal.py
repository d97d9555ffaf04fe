"""Zero on the curve an equality defines: ideal membership by a Gröbner basis.

Under ``x**2 + y**2 = 1`` the claim (5x^3 + 21x^2 + ...)/(7x^3 - x^2 y + ...) = (1 + 5y -
5x)/(8y - 6x) holds although its difference is not 0 as a rational function: its numerator is
a multiple of x^2 + y^2 - 1 plus nothing. In general, if the numerator N of ``lhs - rhs`` lies
in the ideal the equalities' polynomials P_1, ..., P_m generate (N = sum q_i P_i), then N is 0
wherever every P_i is, so the claim holds at every point of the assumptions where it is
defined. The remainder of N on division by a Gröbner basis of the P_i is 0 exactly when N is in
the ideal, which makes this a decision, not a heuristic.

Parts of N that are not polynomial (exp, sin, sqrt, a sum) become fresh symbols first
(``exponentials.Abstraction``): a membership that holds for every value of those symbols holds
for the values the parts take.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

import sympy
from sympy import Basic, Expr

from derive.checker.exponentials import Abstraction
from derive.checker.instances import free_atoms

MAX_GENERATORS = 8  # symbols of the polynomial ring (Gröbner bases grow fast with them)
MAX_DEGREE = 12  # total degree of the numerator and of each equality


@functools.lru_cache(maxsize=256)
def polynomial(difference: Expr) -> Expr | None:
    """The numerator of an equality's ``lhs - rhs`` when it is a polynomial in its atoms."""
    numerator = sympy.together(difference).as_numer_denom()[0]
    atoms = sorted(free_atoms(numerator), key=sympy.default_sort_key)
    if not atoms or not numerator.is_polynomial(*atoms):
        return None
    return sympy.expand(numerator)


def in_ideal(expr: Basic, generators: Sequence[Expr]) -> bool:
    """Whether the numerator of ``expr`` lies in the ideal of the polynomials ``generators``
    (see the module's doc): True proves ``expr`` is 0 wherever they all are."""
    abstraction = Abstraction(expr)
    numerator = sympy.together(abstraction.result).as_numer_denom()[0]
    numerator = sympy.expand(numerator)
    if numerator == 0:
        return True
    atoms = set(free_atoms(numerator))
    for g in generators:
        atoms |= free_atoms(g)
    gens = sorted(atoms, key=sympy.default_sort_key)
    if len(gens) > MAX_GENERATORS or not numerator.is_polynomial(*gens):
        return False
    polys = [sympy.Poly(p, *gens) for p in (numerator, *generators)]
    if any(p.total_degree() > MAX_DEGREE for p in polys):
        return False
    basis = sympy.groebner(polys[1:], *gens, order="grevlex")
    _, remainder = basis.reduce(numerator)
    if isinstance(remainder, sympy.Poly):
        return remainder.is_zero
    return sympy.expand(remainder) == 0
