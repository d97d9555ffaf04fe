"""The inputs a function is run at when it is checked against the user's own derivation.

Today's suite (:mod:`derive.testing.inputs`) knows the softmax layer's arrays by name; a
derivation of the user's own has arrays that only their declarations describe. So the kinds
are the same, chosen by role rather than by name:

- **data** are the arguments with a batch axis (``--data``, or the ``data`` marks); without a
  batch, every argument that is free to take any real value;
- **constrained** arrays are those an assumption the proof used fixes a sum of
  (``sum(t[d], (d, 1, K)) == 1``): their rows are nonnegative and sum to it, one-hot or soft,
  and they are never scaled;
- **positive** and **nonnegative** symbols (a temperature, a step size, a variance) keep their
  sign and their size (about 1), also in the large kinds.

The kinds: random, one example and a small batch; data near +1e4 and near -1e4 (every
exponential overflows without a shift, every sigmoid saturates); data spread over +-1e4;
parameters spread over +-1e4 (scores w.x of 1e4 from small data); rows 1e3 apart (a shift by
the largest value of the whole batch leaves a row whose exponentials all underflow); and a
larger batch. The batch sizes avoid the sizes, so a (B, K) answer cannot pass for (K, B).

Every number is a multiple of 1/64 (1/1024 in the constrained rows) below 2^17, exact in
float32 and float64: the function and the 40-digit reference see the same numbers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy
from sympy import Basic, Eq, Indexed, IndexedBase, Integer, Rational, Sum, Symbol

from derive.emit.vectorize import Argument
from derive.testing.inputs import Case, batch_sizes

LARGE = 1e4
APART = 1e3
STEP = 64  # values are multiples of 1/STEP
SOFT = 1024  # constrained rows are multiples of c/SOFT
DEFAULT_SIZES = (4, 5, 6, 7, 8, 9)
MAX_SIZE = 64

RANDOM = "random"
NEAR_PLUS = "data near +1e4"
NEAR_MINUS = "data near -1e4"
SPREAD = "data spread over ±1e4"
PARAMETERS = "parameters spread over ±1e4"
ROWS_APART = "rows 1e3 apart"
LARGER = "random, a larger batch"


@dataclass(frozen=True)
class Constraint:
    """An assumption that fixes a sum of an array's entries along one axis to ``total``."""

    axis: int  # the axis of the argument's own domains (without the batch axis)
    total: Rational


@dataclass(frozen=True)
class Layout:
    """What the suite needs to know about the function's arguments.

    Attributes:
        arguments: the emitted function's parameters, in order.
        sizes: each size symbol's value.
        dims: each argument's shape for one example (its own axes).
        constraints: argument name -> the sum an assumption fixes.
        batched: whether data has a batch axis.
    """

    arguments: tuple[Argument, ...]
    sizes: Mapping[Symbol, int]
    dims: Mapping[str, tuple[int, ...]]
    constraints: Mapping[str, Constraint]
    batched: bool


def size_values(symbols: Sequence[Symbol], show, given: Mapping[str, int]) -> dict[Symbol, int]:
    """A value for every size: the one given by its name (``--size J=3``), else small
    distinct defaults (4, 5, 6, ...), so that no two axes can be mistaken for each other.

    Raises:
        ValueError: a given size that names no size of the result, or is out of range.
    """
    by_name = {show(s): s for s in symbols}
    for name, value in given.items():
        if name not in by_name:
            known = ", ".join(sorted(by_name)) or "none"
            raise ValueError(f"--size {name}: the result has no size {name} (its sizes: {known})")
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_SIZE:
            raise ValueError(f"--size {name}={value!r}: a size is an integer from 1 to {MAX_SIZE}")
    values: dict[Symbol, int] = {}
    taken = {v for v in given.values()}
    defaults = iter(v for v in DEFAULT_SIZES if v not in taken)
    for symbol in sorted(symbols, key=show):
        name = show(symbol)
        values[symbol] = given[name] if name in given else next(defaults)
    return values


def constraints(arguments: Sequence[Argument], relations: Sequence[Basic]) -> dict[str, Constraint]:
    """The arrays whose sum along one axis an assumption fixes (``sum(t[d], (d, 1, K)) ==
    1``), by argument name."""
    found = {}
    bases = {a.symbol: a for a in arguments if isinstance(a.symbol, IndexedBase)}
    for relation in relations:
        if not isinstance(relation, Eq):
            continue
        for total, value in ((relation.lhs, relation.rhs), (relation.rhs, relation.lhs)):
            if not (isinstance(total, Sum) and value.is_Rational and len(total.limits) == 1):
                continue
            entry, (index, _, _) = total.function, total.limits[0]
            if isinstance(entry, Indexed) and entry.base in bases and index in entry.indices:
                argument = bases[entry.base]
                found[argument.name] = Constraint(entry.indices.index(index), Rational(value))
    return found


def _dyadic(values: numpy.ndarray, step: int = STEP) -> numpy.ndarray:
    """Values rounded to multiples of 1/step, never exactly 0 (an input at a kink such as
    relu's would test a convention, not the derivation)."""
    rounded = numpy.round(numpy.asarray(values, dtype=float) * step) / step
    return numpy.where(rounded == 0, 1.0 / step, rounded)


def _constrained(rng, shape: tuple[int, ...], constraint: Constraint, soft: bool, batched: bool):
    """Rows (along the constraint's axis) of nonnegative multiples of total/SOFT summing to
    total, one-hot unless ``soft``."""
    axis = constraint.axis + (1 if batched else 0)
    moved = list(shape)
    n = moved.pop(axis)
    rows = int(numpy.prod(moved, dtype=numpy.int64))
    total = float(constraint.total)
    if soft and n > 1:
        cuts = numpy.sort(rng.integers(0, SOFT + 1, size=(rows, n - 1)), axis=1)
        edges = numpy.concatenate(
            [numpy.zeros((rows, 1), int), cuts, numpy.full((rows, 1), SOFT)], axis=1
        )
        counts = numpy.diff(edges, axis=1)
    else:
        counts = numpy.zeros((rows, n), int)
        counts[numpy.arange(rows), rng.integers(0, n, size=rows)] = SOFT
    values = counts * (total / SOFT)
    return numpy.moveaxis(values.reshape([*moved, n]), -1, axis)


def _sign_of(argument: Argument) -> str:
    symbol = argument.symbol
    if symbol.is_positive:
        return "positive"
    if symbol.is_nonnegative:
        return "nonnegative"
    if symbol.is_negative:
        return "negative"
    if symbol.is_nonpositive:
        return "nonpositive"
    return "real"


def _kept_sign(values: numpy.ndarray, sign: str) -> numpy.ndarray:
    """Values of about 1 with the declared sign (never 0 where it must be strictly signed)."""
    if sign == "real":
        return values
    size = numpy.abs(values) + (0.5 if sign in ("positive", "negative") else 0.0)
    return -size if sign in ("negative", "nonpositive") else size


def _value(rng, argument: Argument, layout: Layout, B: int, kind: str, index: int):
    shape = ((B,) if argument.batched else ()) + layout.dims[argument.name]
    constraint = layout.constraints.get(argument.name)
    if constraint is not None:
        return _constrained(rng, shape, constraint, index % 2 == 1, argument.batched)
    base = rng.standard_normal(shape)
    sign = _sign_of(argument)
    if sign != "real":
        return _dyadic(_kept_sign(base, sign))
    data = argument.batched or not layout.batched
    if kind == NEAR_PLUS and data:
        base = LARGE + base
    elif kind == NEAR_MINUS and data:
        base = -LARGE + base
    elif (kind == SPREAD and data) or (kind == PARAMETERS and not argument.batched):
        base = rng.uniform(-LARGE, LARGE, shape)
    elif kind == ROWS_APART and argument.batched and len(shape) > 1:
        offsets = (numpy.arange(B) - (B - 1) / 2) * APART
        base = base + offsets.reshape((B,) + (1,) * (len(shape) - 1))
    return _dyadic(base)


def kinds(layout: Layout) -> list[tuple[str, int]]:
    """(kind, B) of every input, in order: the smallest first."""
    if not layout.batched:
        return [(RANDOM, 1), (NEAR_PLUS, 1), (NEAR_MINUS, 1), (SPREAD, 1)]
    small, large = batch_sizes({str(s): v for s, v in layout.sizes.items()})
    found = [(RANDOM, 1), (RANDOM, small), (NEAR_PLUS, small), (NEAR_MINUS, small)]
    found.append((SPREAD, small))
    if any(not a.batched for a in layout.arguments if _sign_of(a) == "real"):
        found.append((PARAMETERS, small))
    if any(a.batched and layout.dims[a.name] for a in layout.arguments):
        found.append((ROWS_APART, small))
    found.append((LARGER, large))
    return found


def suite(layout: Layout, seed: int) -> list[Case]:
    """The inputs, in float64 (every value exact in float32 too)."""
    cases = []
    for index, (kind, B) in enumerate(kinds(layout)):
        rng = numpy.random.default_rng([seed, index])
        arrays = {
            a.name: numpy.asarray(_value(rng, a, layout, B, kind, index), dtype=float)
            for a in layout.arguments
        }
        # without a batch every free argument is scaled: the kinds say "inputs", not "data"
        label = kind if layout.batched else kind.replace("data ", "inputs ")
        cases.append(Case(label, B, arrays, large_logits="1e" in kind))
    return cases


def dims_of(
    arguments: Sequence[Argument], sizes: Mapping[Symbol, int]
) -> dict[str, tuple[int, ...]]:
    """Each argument's shape for one example, from its domains and the sizes' values."""
    found = {}
    values = {s: Integer(v) for s, v in sizes.items()}
    for argument in arguments:
        found[argument.name] = tuple(int(d.size.xreplace(values)) for d in argument.domains)
    return found
