"""Between the derivation's layout and the user's: examples as rows or columns, weights (out, in)
or transposed, the bias as (K,), (K, 1) or (1, K), targets as rows or labels, one example or a
batch.

The suite and the reference work in the derivation's layout (one row per example, W is
(out, in), b is (out,), t one row per example); these functions turn a case into the arrays
the function receives, and a reference into the shape its answer must have.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

import numpy

from derive.testing.inputs import Case
from derive.testing.spec import ARRAYS, BIAS, LOSS, PER_EXAMPLE, TARGETS, WEIGHTS, Options, Quantity


def _per_example(options: Options, value: numpy.ndarray) -> numpy.ndarray:
    if not options.batched:
        return value[0]
    return value.T if options.layout == "columns" else value


def _bias(options: Options, value: numpy.ndarray) -> numpy.ndarray:
    if options.bias == "column":
        return value[:, None]
    if options.bias == "row":
        return value[None, :]
    return value


def _weights(options: Options, value: numpy.ndarray) -> numpy.ndarray:
    return value.T if options.weights == "in-out" else value


_BY_KIND = {PER_EXAMPLE: _per_example, WEIGHTS: _weights, BIAS: _bias}


def user_arrays(
    options: Options, case: Case, forward: Mapping[str, numpy.ndarray]
) -> dict[str, numpy.ndarray]:
    """Every array of ``case`` (and the forward values, already rounded to the dtype), by the
    derivation's names, in the user's layout: fresh C-ordered copies."""
    known = ARRAYS[options.layer]
    out: dict[str, numpy.ndarray] = {}
    for name, spec in known.items():
        if spec.kind == BIAS and options.bias == "none":
            continue
        if name == "t" and options.targets == "labels":
            labels = case.arrays["labels"].astype(numpy.int64)
            value = labels if options.batched else labels[0]
        elif spec.kind == TARGETS:
            value = _per_example(options, case.arrays[name])
        elif spec.forward:
            value = _per_example(options, forward[name])
        else:
            value = _BY_KIND[spec.kind](options, case.arrays[name])
        out[name] = numpy.array(value, copy=True, order="C")
    return out


def expected_shape(options: Options, B: int, quantity: Quantity | None = None) -> tuple[int, ...]:
    """The shape of the function's answer, in the user's layout."""
    q = quantity or options.quantity
    shape = tuple(options.sizes[axis] for axis in q.axes)
    if q.kind == LOSS:
        return ()
    if q.kind == PER_EXAMPLE:
        if not options.batched:
            return shape
        return (*shape[::-1], B) if options.layout == "columns" else (B, *shape)
    if q.kind == WEIGHTS:
        return shape[::-1] if options.weights == "in-out" else shape
    return {"column": (*shape, 1), "row": (1, *shape)}.get(options.bias, shape)


def shape_names(options: Options, quantity: Quantity | None = None) -> str:
    """The expected shape in size names, e.g. "(B, K)", "(J, K)" or "(K, 1)"."""
    q = quantity or options.quantity
    axes = list(q.axes)
    if q.kind == PER_EXAMPLE and options.batched:
        axes = [*axes, "B"] if options.layout == "columns" else ["B", *axes]
    elif q.kind == WEIGHTS and options.weights == "in-out":
        axes.reverse()
    elif q.kind == BIAS and options.bias in ("column", "row"):
        axes = [*axes, "1"] if options.bias == "column" else ["1", *axes]
    return "(" + ", ".join(axes) + (",)" if len(axes) == 1 else ")")


def to_user(
    options: Options, array: numpy.ndarray, quantity: Quantity | None = None
) -> numpy.ndarray:
    """A reference array in the derivation's layout -> the user's."""
    q = quantity or options.quantity
    if q.kind == LOSS:
        return array
    return _BY_KIND[q.kind](options, array)


def flipped(options: Options) -> Options | None:
    """The same options with the other weight layout, if the function receives weights."""
    known = ARRAYS[options.layer]
    if not any(known[name].weights for name in options.uses if name in known):
        return None
    other = "out-in" if options.weights == "in-out" else "in-out"
    return options.__class__(**{**options.__dict__, "weights": other})


def _layout(options: Options) -> Options | None:
    if not options.batched or not any(ARRAYS[options.layer][n].per_example for n in options.uses):
        return None
    other = "columns" if options.layout == "rows" else "rows"
    bias = options.bias
    if bias != "none" and bias == ("vector" if options.layout == "rows" else "column"):
        bias = "column" if other == "columns" else "vector"  # the other layout's usual bias
    return replace(options, layout=other, bias=bias)


def _biases(options: Options) -> list[Options]:
    if options.bias == "none" or not any(
        ARRAYS[options.layer][n].kind == BIAS for n in options.uses
    ):
        return []
    return [replace(options, bias=b) for b in ("vector", "column", "row") if b != options.bias]


def alternatives(options: Options) -> list[tuple[str, Options]]:
    """Other conventions to try when nothing the function returned could be compared: the
    examples as the other of rows and columns, the bias in another shape (with the flag that
    says so)."""
    found = []
    layout = _layout(options)
    if layout is not None:
        found.append((f"--layout {layout.layout}", layout))
    flags = {"vector": "(K,)", "column": "(K,1)", "row": "(1,K)"}
    found += [(f"--bias '{flags[o.bias]}'", o) for o in _biases(options)]
    return found
