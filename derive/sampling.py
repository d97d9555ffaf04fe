"""The numeric side of the checker: points in the symbols' domains, projected onto the assumptions,
and lhs / rhs evaluated independently at high precision (SymPy's evalf, which runs on mpmath).

Points are exact SymPy numbers (integers, small rationals, Gaussian rationals), so a counterexample
can be re-checked by hand. Sampling runs in two phases: integer symbols first (they can be sum
bounds and indices: ``K``, ``k``), then ``doit()`` expands sums and derivatives, and the atoms that
remain (symbols, ``z[2]``) get values; equality assumptions are met by solving each one for an
atom it contains linearly.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

import mpmath
import sympy
from sympy import (
    Basic,
    Expr,
    I,
    Indexed,
    Rational,
    Symbol,
)
from sympy.core.assumptions import check_assumptions
from sympy.core.relational import Relational

from derive.kinks import kink_arguments

_SIMPLE_REALS = [1, -1, 2, Rational(1, 2), -2, 3, Rational(-1, 2), 0, Rational(3, 2), -3]
_SIMPLE_POSITIVE = [1, 2, Rational(1, 2), 3, Rational(1, 3), Rational(3, 2), 4]
_SIMPLE_COMPLEX = [1 + 4 * I, -2 + 5 * I, Rational(1, 2) - 4 * I, 3 * I, 2 - 7 * I, -1 + I]
_DENOMINATORS = [3, 5, 7, 11, 13]


class CannotSample(Exception):
    """No point in the domains meets the assumptions (or they are not linear in any atom)."""


@dataclass(frozen=True)
class Point:
    """One sample: integer symbols first, then every other atom; ``values`` holds both."""

    integers: dict[Basic, Basic]
    values: dict[Basic, Basic]
    kink: bool = field(default=False, compare=False)

    def merged(self) -> dict[Basic, Basic]:
        return {**self.integers, **self.values}


def free_atoms(expr: Basic) -> set[Basic]:
    """Free symbols and indexed elements, without the labels of IndexedBase objects."""
    atoms = set(expr.free_symbols)
    labels = {indexed.base.label for indexed in expr.atoms(Indexed)}
    return {a for a in atoms if a not in labels or isinstance(a, Indexed)}


def _integer_symbols(exprs: Sequence[Basic]) -> list[Symbol]:
    found: set[Symbol] = set()
    for e in exprs:
        found |= {a for a in free_atoms(e) if isinstance(a, Symbol) and a.is_integer}
    return sorted(found, key=sympy.default_sort_key)


def _candidate(atom: Basic, rng: random.Random, simple: bool) -> Basic:
    if atom.is_integer:
        if atom.is_nonnegative:
            return sympy.Integer(rng.randint(1 if atom.is_positive else 0, 5))
        if atom.is_nonpositive:
            return sympy.Integer(-rng.randint(1 if atom.is_negative else 0, 5))
        return sympy.Integer(rng.randint(-3, 5))
    if atom.is_extended_real:
        if atom.is_nonnegative or atom.is_nonpositive:
            magnitude = (
                rng.choice(_SIMPLE_POSITIVE)
                if simple
                else Rational(rng.randint(1, 40), rng.choice(_DENOMINATORS))
            )
            if not atom.is_positive and not atom.is_negative and rng.random() < 0.15:
                magnitude = sympy.Integer(0)
            return magnitude if atom.is_nonnegative else -magnitude
        if simple:
            return sympy.sympify(rng.choice(_SIMPLE_REALS))
        return Rational(rng.randint(-40, 40), rng.choice(_DENOMINATORS))
    if simple:
        return rng.choice(_SIMPLE_COMPLEX)
    real = Rational(rng.randint(-30, 30), rng.choice(_DENOMINATORS))
    return real + I * Rational(rng.choice([-1, 1]) * rng.randint(1, 45), rng.choice(_DENOMINATORS))


def sample_value(atom: Basic, rng: random.Random, simple: bool) -> Basic:
    """A value in the atom's domain (its assumptions), simple ones first for hand-checkability."""
    for _ in range(50):
        value = _candidate(atom, rng, simple)
        if check_assumptions(value, atom) is not False:
            return value
    raise CannotSample(f"no value found in the domain of {atom}")


def _truth(relation: Basic) -> bool | None:
    """Truth of a relation whose atoms are all numbers; None when it cannot be evaluated."""
    if relation in (sympy.true, sympy.false):
        return bool(relation)
    if isinstance(relation, Relational):
        difference = to_mp(sympy.N(relation.lhs - relation.rhs, 30))
        if difference is None or abs(difference.imag) > 1e-25:
            return None
        value = sympy.Float(difference.real, 30)
        return bool(relation.func(value, 0))
    return None


class Sampler:
    """Draws points for ``exprs`` in their symbols' domains that satisfy ``assume``."""

    def __init__(self, exprs: Sequence[Basic], assume: Sequence[Basic], seed: int = 0) -> None:
        self.exprs = list(exprs)
        self.assume = list(assume)
        self.rng = random.Random(seed)
        self.integer_symbols = _integer_symbols([*self.exprs, *self.assume])
        self._instances: dict[tuple, list[Basic]] = {}

    def instances(self, integers: dict[Basic, Basic]) -> list[Basic]:
        """``exprs`` then ``assume`` with integers substituted and doit() applied (None: failed)."""
        key = tuple(sorted(integers.items(), key=sympy.default_sort_key))
        if key not in self._instances:
            self._instances[key] = [_instance(e, integers) for e in [*self.exprs, *self.assume]]
        return self._instances[key]

    def _integers(self, simple: bool) -> dict[Basic, Basic]:
        integer_only = [
            a for a in self.assume if free_atoms(a) and free_atoms(a) <= set(self.integer_symbols)
        ]
        for _ in range(200):
            values = {s: sample_value(s, self.rng, simple) for s in self.integer_symbols}
            if all(_truth(a.xreplace(values)) is True for a in integer_only):
                return values
        raise CannotSample("no integer values satisfy the index assumptions")

    def points(self, count: int, simple: int) -> Iterator[Point]:
        """Yield up to ``count`` points, the first ``simple`` from small hand-checkable values."""
        misses = 0
        produced = 0
        while produced < count and misses < 20 * count + 20:
            point = self._point(produced < simple)
            if point is None:
                misses += 1
                continue
            produced += 1
            yield point
        if produced == 0:
            raise CannotSample("could not find a point that satisfies the assumptions")

    def _point(self, simple: bool) -> Point | None:
        integers = self._integers(simple)
        instances = self.instances(integers)
        exprs, relations = instances[: len(self.exprs)], instances[len(self.exprs) :]
        if any(r is None or r is sympy.false for r in relations):
            return None
        exprs = [e for e in exprs if e is not None]
        solved = _solve_equalities([r for r in relations if isinstance(r, sympy.Eq)])
        atoms: set[Basic] = set()
        for e in [*exprs, *relations]:
            atoms |= free_atoms(e)
        atoms -= set(solved)
        values = {
            a: sample_value(a, self.rng, simple) for a in sorted(atoms, key=sympy.default_sort_key)
        }
        for atom, solution in reversed(solved.items()):
            value = solution.xreplace(values)
            if check_assumptions(value, atom) is False:
                return None
            values[atom] = value
        if not all(_truth(r.xreplace(values)) is True for r in relations):
            return None
        return Point(integers, values, kink=_at_kink(exprs, values))


def _instance(expr: Basic, integers: dict[Basic, Basic]) -> Basic | None:
    try:
        return expr.xreplace(integers).doit()
    except Exception:  # e.g. a derivative SymPy cannot take: this point is not evaluable
        return None


def _solve_equalities(equalities: list[Basic]) -> dict[Basic, Expr]:
    """Solve each equality for one atom it contains linearly; later ones see earlier solutions."""
    solved: dict[Basic, Expr] = {}
    for eq in equalities:
        difference = (eq.lhs - eq.rhs).xreplace(solved)
        candidates = sorted(free_atoms(difference) - set(solved), key=sympy.default_sort_key)
        for atom in reversed(candidates):  # the last atom (t_K), as people write t_K = 1 - ...
            slope = sympy.expand(difference.diff(atom))
            if slope != 0 and atom not in slope.free_symbols and not atom.is_integer:
                rest = difference.xreplace({atom: 0})
                solved = {a: s.xreplace({atom: -rest / slope}) for a, s in solved.items()}
                solved[atom] = -rest / slope
                break
        else:
            raise CannotSample(f"cannot meet the assumption {eq}: it is not linear in any atom")
    return solved


def _at_kink(exprs: Sequence[Basic], values: dict[Basic, Basic]) -> bool:
    for e in exprs:
        for u in kink_arguments(e):
            v = u.xreplace(values)
            if v == 0 or (v.is_number and abs(sympy.N(v, 30)) < 1e-25):
                return True
    return False


def to_mp(value: Basic) -> mpmath.mpc | None:
    """A finite SymPy number as an mpmath complex, or None (not a number, infinite, NaN)."""
    if not isinstance(value, Basic) or not value.is_number or value.has(sympy.zoo, sympy.nan):
        return None
    try:
        re, im = (sympy.Float(part, mpmath.mp.dps) for part in value.as_real_imag())
        result = mpmath.mpc(mpmath.mpf(re._mpf_), mpmath.mpf(im._mpf_))
    except (AttributeError, TypeError, ValueError):
        return None
    return result if mpmath.isfinite(result) else None


def evaluate(instance: Basic | None, values: dict[Basic, Basic], digits: int) -> mpmath.mpc | None:
    """``instance`` (integers substituted, doit applied) at ``values`` to ``digits``, or None."""
    if instance is None:
        return None
    with mpmath.workdps(digits + 5):
        try:
            return to_mp(sympy.N(instance.xreplace(values), digits))
        except Exception:  # not a number at this point (undefined function, 0/0, ...)
            return None
