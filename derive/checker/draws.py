"""What one value of a sample point is drawn as: a value in a symbol's domain (simple ones
first, for counterexamples a person can check by hand), the truth of a relation at numbers, and
the classes of a sum's count of terms (and of a binomial's regimes) that the integer draws seek
(``sampling.py``)."""

from __future__ import annotations

import functools
import random
from collections.abc import Sequence

import sympy
from sympy import Basic, I, Rational
from sympy.core.assumptions import check_assumptions
from sympy.core.relational import Relational

from derive.checker.instances import to_mp

_SIMPLE_REALS = [1, -1, 2, Rational(1, 2), -2, 3, Rational(-1, 2), 0, Rational(3, 2), -3]
_SIMPLE_POSITIVE = [1, 2, Rational(1, 2), 3, Rational(1, 3), Rational(3, 2), 4]
_SIMPLE_COMPLEX = [1 + 4 * I, -2 + 5 * I, Rational(1, 2) - 4 * I, 3 * I, 2 - 7 * I, -1 + I]
_DENOMINATORS = [3, 5, 7, 11, 13]
SIMPLEST = (sympy.Integer(0), sympy.Integer(1), sympy.Integer(-1))  # simplest first


class CannotSample(Exception):
    """No point in the domains meets the assumptions (or an equality is solved for no atom)."""


def _candidate(atom: Basic, rng: random.Random, simple: bool) -> Basic:
    if atom.is_imaginary:  # i times a nonzero real
        magnitude = rng.choice(_SIMPLE_POSITIVE) if simple else Rational(rng.randint(1, 40), 7)
        return I * (magnitude if rng.random() < 0.5 else -magnitude)
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
        if in_domain(value, facts_of(atom)):
            return value
    raise CannotSample(f"no value found in the domain of {atom}")


@functools.lru_cache(maxsize=4096)
def facts_of(atom: Basic) -> tuple[tuple[str, bool], ...]:
    """The atom's assumptions, as a hashable key (many atoms share them: z[1], z[2], ...)."""
    return tuple(sorted(atom.assumptions0.items()))


@functools.lru_cache(maxsize=65536)
def in_domain(value: Basic, facts: tuple[tuple[str, bool], ...]) -> bool:
    return check_assumptions(value, **dict(facts)) is not False


def truth(relation: Basic) -> bool | None:
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


def nearest_zero(symbol: Basic) -> Basic | None:
    """The value of an integer symbol's domain nearest 0 (1 for a positive one, 1 for an odd
    one, 2 for a positive even one), the positive one first; None if none is near."""
    for magnitude in range(6):
        for value in (magnitude, -magnitude) if magnitude else (0,):
            if in_domain(sympy.Integer(value), facts_of(symbol)):
                return sympy.Integer(value)
    return None


def _binomial_regimes(binomial: Basic) -> list[Basic]:
    """For binomial(n, k) of integers, whether n >= 0, k >= 0 and n - k >= 0 (as signs of
    n + 1/2, ...: one class each side): the regimes of SymPy's definition (0 for k < 0;
    (-1)**k binomial(k - n - 1, k) for n < 0 <= k), where an identity of the gamma function's
    form may fail (binomial(n, k) = binomial(n, n - k) does for n < 0)."""
    n, k = binomial.args
    if n.is_integer is not True or k.is_integer is not True:
        return []
    half = Rational(1, 2)
    return [sympy.sign(e + half) for e in (n, k, n - k)]


def bound_orders(exprs: Sequence[Basic]) -> list[Basic]:
    """hi - lo + 1 for the sums and products whose bounds' order depends on integer symbols:
    its sign says whether the sum is plain, empty or reversed (Karr's convention, sums.py);
    and the regimes of binomials of integer symbols, alike."""
    candidates: list[Basic] = []
    for e in exprs:
        for loop in e.atoms(sympy.Sum, sympy.Product):
            candidates += [hi - lo + 1 for _, lo, hi in loop.limits]
        for binomial in e.atoms(sympy.binomial):
            candidates += _binomial_regimes(binomial)
    found = {c for c in candidates if c.free_symbols and c.is_nonnegative is not True}
    return sorted(found, key=sympy.default_sort_key)


def order_pattern(orders: Sequence[Basic], values: dict[Basic, Basic]) -> tuple[int, ...]:
    """Each of ``orders`` at the integer values, as a class: several terms (2), one term (1),
    empty (0), one term negated (-1), several negated (-2) by Karr's convention; 0 where it
    is not a number. A reversed sum of one term, Σ_{h=1}^{-1} |h| = -|0|, hides a slip that
    two terms show."""
    classes = []
    for count in orders:
        value = count.xreplace(values)
        classes.append(max(-2, min(2, int(value))) if value.is_Integer else 0)
    return tuple(classes)


def range_ends(assume: Sequence[Basic], integers: Sequence[Basic]) -> list[Basic]:
    """large - small for each inequality among integer symbols alone (small <= large, or
    small + 1 <= large for a strict one): it is 0 where the relation is tight, an index at
    the end of its range (l = n of l <= n), where a slip at a range's end shows (a delta the
    sum over 0..n-1 misses). The integer draws seek a set where each one is 0."""
    ends = []
    for relation in assume:
        if not isinstance(relation, Relational) or relation.rel_op not in ("<", "<=", ">", ">="):
            continue
        if not relation.free_symbols or not relation.free_symbols <= set(integers):
            continue
        less = relation.rel_op in ("<", "<=")
        small, large = (relation.lhs, relation.rhs) if less else (relation.rhs, relation.lhs)
        gap = large - small - (1 if relation.rel_op in ("<", ">") else 0)
        if gap.is_integer and gap.free_symbols:
            ends.append(gap)
    return sorted(set(ends), key=sympy.default_sort_key)


def tight_ends(ends: set[Basic], values: dict[Basic, Basic]) -> set[Basic]:
    """The ends of ``range_ends`` that the integer values reach (the gap is 0 there)."""
    return {gap for gap in ends if gap.xreplace(values) == 0}
