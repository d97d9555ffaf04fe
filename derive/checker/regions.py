"""Points in every region between the breakpoints of kinks, so no region goes unsampled.

Random points miss a bounded region: ``y * Heaviside(y - 1/4)`` and ``Max(0, y)`` differ only
for 0 < y < 1/4. So the sampler also takes, per variable, the breakpoints of the kinks it
meets (the zeros of Heaviside, sign and |.| arguments, of the differences of Max and Min
arguments and of piecewise conditions), one point inside each interval between and beyond
them (the simplest rational there, for hand-checking), and the rational breakpoints
themselves, where a convention (Heaviside(0) = 1/2) decides the value. A kink in several
variables gives breakpoints along each of them with the others at a base point: the points
along those lines come first, then combinations of the variables' values, each kept only when
it reaches a combination of the kinks' signs not seen before.

Everything here is exact (rational roots from the factors over Q, isolating intervals with
rational ends for the others) and bounded: a kink that is not a polynomial of degree at most
``MAX_DEGREE`` in each of its variables gives no breakpoints, and at most ``limit`` points
come out (the ``regions`` limit, docs/limits.md). These are only sample points: a point is
used only if it satisfies every assumption, so nothing here can make a verdict unsound.
"""

from __future__ import annotations

import functools
import itertools
import math
from collections.abc import Iterator, Mapping, Sequence
from fractions import Fraction

import sympy
from sympy import Basic, Expr, Rational

from derive.checker.compiled import rational_value
from derive.checker.instances import free_atoms

MAX_DEGREE = 4  # a kink of higher degree in a variable gives it no breakpoints
TRIES = 8  # combinations tried per point wanted, at most


def simplest_between(lo: Fraction | None, hi: Fraction | None) -> Fraction:
    """The rational with the smallest denominator (then the smallest size) in the open
    interval (lo, hi); None for an end means unbounded.

    >>> simplest_between(Fraction(0), Fraction(1, 4)), simplest_between(None, Fraction(-1, 2))
    (Fraction(1, 5), Fraction(-1, 1))
    """
    if lo is not None and hi is not None and lo >= hi:
        raise ValueError(f"empty interval ({lo}, {hi})")
    if (lo is None or lo < 0) and (hi is None or hi > 0):
        return Fraction(0)
    if hi is not None and hi <= 0:  # mirror a negative interval
        return -simplest_between(-hi, None if lo is None else -lo)
    floor = math.floor(lo)
    if hi is None or floor + 1 < hi:
        return Fraction(floor + 1)
    # lo and hi lie in [floor, floor + 1]: the simplest is floor + 1/(simplest beyond)
    below = None if lo == floor else 1 / (lo - floor)
    return floor + 1 / simplest_between(1 / (hi - floor), below)


def _polynomial(u: Expr, atoms: set[Basic]) -> sympy.Poly | None:
    """``u`` as a polynomial over Q in the atoms it has (None: not one, or of too high a
    degree in one of them)."""
    gens = sorted(atoms, key=sympy.default_sort_key)
    if not gens:
        return None
    try:
        poly = sympy.Poly(u, *gens)
    except sympy.PolynomialError:
        return None
    if poly.domain not in (sympy.QQ, sympy.ZZ) or max(poly.degree_list()) > MAX_DEGREE:
        return None
    return poly


def _obstacles(poly: sympy.Poly) -> list[tuple[Fraction, Fraction]]:
    """The real zeros of a polynomial in one variable over Q: (r, r) for a rational zero, an
    isolating interval (a, b) for another."""
    if poly.degree() < 1:
        return []
    found = []
    for factor, _ in poly.factor_list()[1]:
        if factor.degree() == 1:
            a, b = factor.all_coeffs()
            root = Fraction(-Rational(b) / Rational(a))
            found.append((root, root))
        else:
            for (a, b), _ in factor.intervals():
                found.append((Fraction(Rational(a)), Fraction(Rational(b))))
    return sorted(found)


def _representatives(
    obstacles: list[tuple[Fraction, Fraction]], atom: Basic, breakpoints: list[Fraction]
) -> list[Rational]:
    """One value inside each interval between and beyond the zeros (within the atom's sign),
    and the ``breakpoints`` (rational zeros where a convention decides the value)."""
    low = Fraction(0) if atom.is_nonnegative else None
    high = Fraction(0) if atom.is_nonpositive else None
    ends = [low, *(end for pair in obstacles for end in pair), high]
    values = []
    for lo, hi in zip(ends[::2], ends[1::2], strict=True):
        lo = lo if low is None or (lo is not None and lo > low) else low
        hi = hi if high is None or (hi is not None and hi < high) else high
        if lo is None or hi is None or lo < hi:
            values.append(simplest_between(lo, hi))
    values += [v for v in breakpoints if (low is None or v >= low) and (high is None or v <= high)]
    unique = sorted(set(values), key=lambda v: (v.denominator, abs(v), v < 0))
    return [Rational(v.numerator, v.denominator) for v in unique]


def _sign(u: Expr, values: Mapping[Basic, Basic]) -> int | None:
    value = rational_value(u, values)  # exact, by a compiled program (cached per kink)
    return None if value is None else (value.p > 0) - (value.p < 0)


def region_values(
    kinks: Sequence[Expr],
    conventions: Sequence[Expr],
    atoms: Sequence[Basic],
    base: Mapping[Basic, Basic],
    limit: int,
) -> list[dict[Basic, Basic]]:
    """Values for ``atoms`` in the regions between the kinks' breakpoints, at most ``limit``.

    Args:
        kinks: expressions that vanish at the kinks, in the atoms (after the integers and
            the solved atoms are substituted).
        conventions: those of the kinks whose value at 0 is a convention (Heaviside, sign, a
            piecewise condition): their rational breakpoints are sampled too.
        atoms: the free real atoms, in canonical order.
        base: a value for each atom: where a kink in several variables is cut along one.
        limit: the most value sets to return.

    Returns:
        dicts atom -> exact rational, each reaching a new combination of the kinks' signs.
        (Cached: the samplers of one claim often ask for the same.)
    """
    found = _region_values(
        tuple(kinks), frozenset(conventions), tuple(atoms), tuple(base.items()), limit
    )
    return [dict(values) for values in found]


@functools.lru_cache(maxsize=256)
def _region_values(
    kinks: tuple[Expr, ...],
    conventions: frozenset[Expr],
    atoms: tuple[Basic, ...],
    base_items: tuple[tuple[Basic, Basic], ...],
    limit: int,
) -> tuple[tuple[tuple[Basic, Basic], ...], ...]:
    base = dict(base_items)
    polynomials = {u: _polynomial(u, set(atoms) & free_atoms(u)) for u in kinks}
    axes: list[tuple[Basic, list[Rational]]] = []
    for atom in atoms:
        obstacles, breakpoints = [], []
        for u, poly in polynomials.items():
            if poly is not None and atom in poly.gens:
                others = {g: base[g] for g in poly.gens if g != atom}
                found = _obstacles(poly.eval(others) if others else poly)
                obstacles += found
                breakpoints += [a for a, b in found if a == b and u in conventions]
        if obstacles:
            axes.append((atom, _representatives(sorted(obstacles), atom, breakpoints)))
    if not axes:
        return ()
    seen: set[tuple] = set()
    produced = []
    lines = [[base[atom], *values] for atom, values in axes]  # the base value first
    for choice in itertools.islice(_combinations(lines), TRIES * limit):
        values = {**base, **{atom: v for (atom, _), v in zip(axes, choice, strict=True)}}
        signs = tuple(_sign(u, values) for u in kinks)
        if None not in signs and signs in seen:
            continue
        seen.add(signs)
        produced.append(tuple(values.items()))
        if len(produced) >= limit:
            break
    return tuple(produced)


def _combinations(axes: list[list[Rational]]) -> Iterator[tuple[Rational, ...]]:
    """Each axis's values first, along the line through the base point (the first value of
    every axis), where they were computed; then every variable's i-th value together; then
    the whole product, in order."""
    base = tuple(values[0] for values in axes)
    done: set[tuple[Rational, ...]] = set()
    lines = [
        (*base[:i], value, *base[i + 1 :]) for i, values in enumerate(axes) for value in values[1:]
    ]
    longest = max(len(values) for values in axes)
    diagonal = [tuple(values[i % len(values)] for values in axes) for i in range(1, longest)]
    for choice in itertools.chain(lines, diagonal, itertools.product(*axes)):
        if choice not in done:
            done.add(choice)
            yield choice
