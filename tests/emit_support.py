"""Helpers for the tests of ``derive emit FILE...``: inputs for a function, and its value
computed independently, from the proved expression at 50 digits (SymPy's evalf over the
written-out sums), never from the emitted code."""

from __future__ import annotations

import itertools

import numpy as np
from sympy import Integer, Rational, Symbol

from derive.emit.function import Printed

DIGITS = 50


def inputs(printed: Printed, show, sizes, rng, params: float, data: float, dtype=np.float64):
    """Arguments for ``printed``: parameters of magnitude up to ``params``, per-example data up
    to ``data``, all exactly representable in float32 (k/8 times a power of ten), targets-like
    data (nonnegative arrays) one-hot per example. With params = 1e4 and data = 1 the scores
    sum_i w_i x_i reach 1e4; with the reverse the data itself does."""
    values = {}
    for argument in printed.arguments:
        dims = _dims(argument, show, sizes)
        if argument.batched and argument.symbol.is_nonnegative and len(dims) > 1:
            values[argument.name] = _one_hot(dims, rng).astype(dtype)
        elif dims:
            scale = data if argument.batched else params
            values[argument.name] = (_grid(rng, dims) * scale).astype(dtype)
        else:  # a Python float, or a NumPy float32 scalar (a Python float takes the arrays' dtype)
            value = float(_grid(rng, ()) * params)
            values[argument.name] = value if dtype == np.float64 else np.dtype(dtype).type(value)
    return values


def _grid(rng, shape) -> np.ndarray:
    """Values k/8 for k in -8..8: exact in float32, so both sides see the same numbers."""
    return rng.integers(-8, 9, size=shape) / 8


def _one_hot(dims, rng) -> np.ndarray:
    rows = np.zeros(dims)
    flat = rows.reshape(dims[0], -1)
    flat[np.arange(dims[0]), rng.integers(0, flat.shape[1], dims[0])] = 1.0
    return rows


def _dims(argument, show, sizes: dict[str, int]) -> tuple[int, ...]:
    dims = [sizes["B"]] if argument.batched else []
    for domain in argument.domains:  # a size, a number, or a size plus a number (0..n)
        known = {symbol: sizes[show(symbol)] for symbol in domain.size.free_symbols}
        dims.append(int(domain.size.xreplace(known)))
    return tuple(dims)


def size_values(printed: Printed, show, sizes: dict[str, int]) -> dict[Symbol, int]:
    """Size symbol -> value, by the user's names (``{"J": 3}``)."""
    found = {}
    for argument in printed.arguments:
        for domain in argument.domains:
            for symbol in domain.size.free_symbols:
                found[symbol] = sizes[show(symbol)]
    return found


def reference(printed: Printed, result, values: dict, sizes: dict[str, int]) -> np.ndarray:
    """The result at ``values`` (per example, then summed if the function sums), at 50
    digits, rounded to float64 at the end."""
    known = size_values(printed, result.show, sizes)
    batch = sizes["B"] if printed.batched else None
    examples = range(batch) if batch is not None else [None]
    per_example = [_one(printed, result, known, values, b) for b in examples]
    if printed.batched and printed.reduce:
        return np.sum(per_example, axis=0)
    return np.array(per_example if batch is not None else per_example[0], dtype=float)


def _one(printed: Printed, result, known, values, example) -> np.ndarray:
    expr = result.expr.xreplace(known).doit()
    substitution = {}
    for argument in printed.arguments:
        value = np.asarray(values[argument.name], dtype=float)
        if argument.batched:
            value = value[example]
        if argument.domains:
            lows = [int(d.lo.xreplace(known)) for d in argument.domains]
            for index in itertools.product(*(range(n) for n in value.shape)):
                entry = argument.symbol[tuple(i + lo for i, lo in zip(index, lows, strict=True))]
                substitution[entry] = Rational(float(value[index]))
        else:
            substitution[argument.symbol] = Rational(float(value))
    ranges = []
    for label in printed.output:
        domain = result.ranges[label]
        lo, hi = int(domain.lo.xreplace(known)), int(domain.hi.xreplace(known))
        ranges.append(range(lo, hi + 1))
    out = np.zeros([len(r) for r in ranges])
    for point in itertools.product(*ranges):
        at = dict(zip(printed.output, map(Integer, point), strict=True))
        value = expr.xreplace(at).doit().xreplace(substitution).evalf(DIGITS)
        position = tuple(p - r[0] for p, r in zip(point, ranges, strict=True))
        out[position] = float(value)
    return out
