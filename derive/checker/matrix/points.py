"""Concrete sizes and explicit matrices for the cross-check and for naming slips.

The sizes of a claim get three assignments: all 1; the sizes 2 and 3 alternating (non-square:
m = 2, n = 3); and the other order for two sizes (m = 3, n = 2), or each size its own value for
three or more (2, 3, 4, ...: with two values alternating, the first and the third sizes are
always equal). Each explicit point costs a gradient's worth of SymPy arithmetic: three
assignments cover size 1, non-square and distinct sizes. Those that break a
relation between sizes (``m >= 2``) are left out. The entries are small exact rationals drawn
from a seeded generator, so the same claim gets the same points on every run; rows that an
assumption normalizes (``T 1 = 1``) are divided by their sums.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence

import sympy
from sympy import Basic, ImmutableMatrix, MatrixSymbol, Rational, Symbol

from derive.checker.matrix.assumptions import Normalization

PATTERNS = ((1,), (2, 3), None)  # None: (3, 2) for two sizes, else 2, 3, 4, ... (each its own)


def assignments(sizes: Sequence[Basic], relations: Sequence[Basic]) -> list[dict[Basic, Basic]]:
    """Size values, one dict per assignment, each satisfying the relations among sizes."""
    found: list[dict[Basic, int]] = []
    for pattern in PATTERNS:
        pattern = pattern or ((3, 2) if len(sizes) <= 2 else tuple(range(2, 2 + len(sizes))))
        values = {s: sympy.Integer(pattern[n % len(pattern)]) for n, s in enumerate(sizes)}
        if values in found:
            continue
        sized = [r.xreplace(values) for r in relations]
        if all(r is sympy.true for r in sized if r.free_symbols == set()):
            found.append(values)
    return found


def _value(rng: random.Random, symbol: Basic) -> Rational:
    if getattr(symbol, "is_integer", None):  # an entry's index (y_i of a post): the first
        return sympy.Integer(1)
    value = Rational(rng.randint(-9, 9) or 1, rng.choice((1, 2, 3, 4, 5, 7)))
    if getattr(symbol, "is_positive", None):
        return abs(value)
    if getattr(symbol, "is_nonnegative", None):
        return abs(value)
    return value


def _matrix(symbol: MatrixSymbol, sizes: dict[Basic, int], rng: random.Random) -> ImmutableMatrix:
    rows, cols = (int(sympy.sympify(d).xreplace(sizes)) for d in symbol.shape)
    return ImmutableMatrix(rows, cols, lambda r, c: _value(rng, symbol))


DIGITS = 60  # the precision of the explicit cross-check's numbers


def as_floats(values: dict) -> dict:
    """The values as 60-digit floats: the cross-check computes with numbers (an exact
    rational point makes SymPy keep every exp(3/7) symbolic, and the entries grow)."""
    return {
        key: value.applyfunc(lambda x: sympy.Float(x, DIGITS))
        if isinstance(value, ImmutableMatrix)
        else sympy.Float(value, DIGITS)
        for key, value in values.items()
    }


def points(
    symbols: Sequence[MatrixSymbol],
    scalars: Sequence[Symbol],
    sizes: dict[Basic, int],
    normalizations: dict[MatrixSymbol, Normalization],
    seed: int,
    count: int,
) -> Iterator[tuple[dict[MatrixSymbol, ImmutableMatrix], dict[Symbol, Rational]]]:
    """``count`` points (matrix values, scalar values) at these sizes."""
    rng = random.Random(f"matrix points {seed} {sorted(sizes.values())}")
    made = 0
    for _ in range(4 * count):
        if made == count:
            return
        values = {m: _matrix(m, sizes, rng) for m in symbols}
        for symbol, normalization in normalizations.items():
            values[symbol] = normalization.of_matrix(values[symbol])
        if any(v is None for v in values.values()):
            continue
        made += 1
        yield values, {s: _value(rng, s) for s in scalars}
