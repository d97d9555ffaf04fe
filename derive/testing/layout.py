"""Between the derivation's layout and the user's: weights (out, in) or transposed, targets as
rows or labels, one example or a batch.

The suite and the reference work in the derivation's layout (W is (out, in), t is one row per
example, a leading batch axis); these functions turn a case into the arrays the function
receives, and the reference into the shape its answer must have.
"""

from __future__ import annotations

import numpy

from derive.testing.inputs import Case
from derive.testing.spec import ARRAYS, Options


def user_arrays(options: Options, case: Case) -> dict[str, object]:
    """The function's keyword arguments for ``case``: fresh copies, in the user's layout."""
    known = ARRAYS[options.layer]
    passed: dict[str, object] = {}
    for parameter, name in options.arguments.items():
        spec = known[name]
        if name == "t" and options.targets == "labels":
            value = case.arrays["labels"].astype(numpy.int64)
        else:
            value = case.arrays[name]
            if spec.weights and options.weights == "in-out":
                value = value.T
        value = numpy.array(value, copy=True, order="C")
        if spec.per_example and not options.batched:
            value = value[0]
        passed[parameter] = value
    return passed


def expected_shape(options: Options, B: int) -> tuple[int, ...]:
    """The shape of the function's answer, in the user's layout."""
    q = options.quantity
    shape = tuple(options.sizes[axis] for axis in q.axes)
    if q.weights and options.weights == "in-out":
        shape = shape[::-1]
    if q.per_example and options.batched:
        shape = (B, *shape)
    return shape


def to_user(options: Options, array: numpy.ndarray) -> numpy.ndarray:
    """A reference array in the derivation's layout -> the user's (B axis as in
    :func:`expected_shape`)."""
    q = options.quantity
    if q.weights and options.weights == "in-out":
        array = array.T
    if q.per_example and not options.batched:
        array = array[0]
    return array


def flipped(options: Options) -> Options | None:
    """The same options with the other weight layout, if the function receives weights."""
    known = ARRAYS[options.layer]
    if not any(known[name].weights for name in options.arguments.values()):
        return None
    other = "out-in" if options.weights == "in-out" else "in-out"
    return options.__class__(**{**options.__dict__, "weights": other})
