"""Proofs on a curve an equality defines, by a parametrization: the branches put in.

Under ``x**2 + y**2 = 1`` every point has y = s or y = -s with s >= 0 and s**2 = 1 - x**2. In
general, an equality that is quadratic in an atom y, a y**2 + b y + c = 0 with a a nonzero
number (so that no value of the other atoms loses the y**2 term), holds exactly where y = (-b +
s) / (2a) for some s with s**2 = b**2 - 4ac: the quadratic formula, with s any square root of
the discriminant. So a claim that holds with that put in for y, under s**2 = b**2 - 4ac as an
equality in place of the original one, holds at every point of the curve. When y, a and b are
real, s is real too, and the two branches s >= 0 and -s (s >= 0) cover the curve; with s >= 0
known, |s| = s and sqrt(s**2) = s simplify away. Otherwise s is a complex symbol and one branch
covers both roots.

Equalities of higher degree are left to the Gröbner method of ``ideal.py``: Cardano's formulas
are undefined at some values of the other atoms, so their branches would miss points.
"""

from __future__ import annotations

from collections.abc import Sequence

import sympy
from sympy import Basic, Dummy

from derive.checker.instances import free_atoms
from derive.checker.limits import Work
from derive.checker.prove import attempt

_DUMMY_INDEX = 3 * 10**9  # a fixed index: the order of the symbols stays the same every run


def _quadratic(eq: Basic) -> tuple[Basic, Basic, Basic, Basic] | None:
    """(atom, a, b, c) when ``eq`` is a y**2 + b y + c = 0 in one of its atoms y (the last one
    in canonical order that is), with a a nonzero number and no atom linear in it."""
    numerator = sympy.expand(sympy.together(eq.lhs - eq.rhs).as_numer_denom()[0])
    atoms = sorted(free_atoms(numerator), key=sympy.default_sort_key)
    for atom in reversed(atoms):
        if atom.is_integer:
            continue
        try:
            polynomial = sympy.Poly(numerator, atom)
        except sympy.polys.polyerrors.PolynomialError:
            continue
        if polynomial.degree() != 2 or any(atom in c.free_symbols for c in polynomial.coeffs()):
            continue
        a, b, c = polynomial.all_coeffs()
        if a.is_number and a != 0:
            return atom, a, b, c
    return None


def parametrizations(eq: Basic) -> tuple[Basic, list[tuple[Basic, Basic]], Basic] | None:
    """(atom, [(its value, the equality the parameter meets)], how it reads) for a quadratic
    equality, see the module's doc; None otherwise."""
    found = _quadratic(eq)
    if found is None:
        return None
    atom, a, b, c = found
    real = bool(atom.is_extended_real and a.is_extended_real and b.is_extended_real)
    if real:
        s = Dummy("s", nonnegative=True, dummy_index=_DUMMY_INDEX)
        signs = (1, -1)
    else:
        s = Dummy("s", dummy_index=_DUMMY_INDEX + 1)
        signs = (1,)
    meets = sympy.Eq(s**2, sympy.expand(b**2 - 4 * a * c))
    values = [(sympy.expand((-b + sign * s) / (2 * a)), meets) for sign in signs]
    shown = " or ".join(f"{atom} = {value}" for value, _ in values)
    where = f"{s} >= 0, " if real else ""
    return atom, values, f"{shown}, {where}{s}**2 = {meets.rhs}"


def prove_on_branches(
    diffs: Sequence[Basic], assumptions: Sequence[Basic], work: Work
) -> tuple[str, tuple[Basic, ...]] | None:
    """Prove ``diffs`` are 0 on each branch of the first quadratic equality among the
    assumptions: (method, needs), or None. Each branch is proved by the rewriting strategies
    with the other assumptions (the branch put in) and the parameter's own equality."""
    for eq in assumptions:
        if not isinstance(eq, sympy.Eq) or _linear(eq):
            continue
        found = parametrizations(eq)
        if found is None:
            continue
        atom, values, shown = found
        others = [a for a in assumptions if a is not eq]
        used: set[Basic] = {eq}
        methods = []
        for value, meets in values:
            local = [sympy.sympify(d).xreplace({atom: value}) for d in diffs]
            given = [a.xreplace({atom: value}) for a in others]
            method, needs = attempt(local, [*given, meets], work)
            if method is None:
                return None
            used.update(a for a, g in zip(others, given, strict=True) if g in needs)
            methods.append(method)
        method = f"on the curve {eq} ({shown}): " + "/".join(sorted(set(methods)))
        return method, tuple(a for a in assumptions if a in used)
    return None


def _linear(eq: Basic) -> bool:
    """Whether an atom solves ``eq`` linearly (the rewriting's substitution does that)."""
    difference = eq.lhs - eq.rhs
    for atom in free_atoms(difference):
        slope = sympy.expand(difference.diff(atom))
        if not atom.is_integer and slope != 0 and atom not in slope.free_symbols:
            return True
    return False
