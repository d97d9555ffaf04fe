"""The function's answer against the reference: what it returned, and whether it is close enough.

Tolerance. The reference is exact to far below float precision, so what is allowed is the
rounding a correct float program makes. It grows with the length of the sums (n, every size
plus the batch) and with the logits' magnitude L: exp(z_k - m) inherits an error of eps |z|
from a logit rounded at |z| = 1e4. And it is measured against the quantity's *magnitude*
(the same sums over absolute values, :mod:`derive.testing.precise`), not its value, since a
value can cancel to 0 while the terms that cancel are large:

    |yours - derivation| <= SAFETY * eps(dtype) * (n + L) * max magnitude

with eps 2.2e-16 (float64) or 1.2e-7 (float32). Correct implementations (vectorised, loops,
float32) use at most about 1/40 of it; tests/test_testing_correct.py holds them to 1/10. The
usual mistakes are wrong by a fraction of the value, millions of times more.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy

from derive.testing.inputs import Case
from derive.testing.layout import expected_shape, to_user
from derive.testing.precise import to_float
from derive.testing.reference import Exact
from derive.testing.spec import Options

SAFETY = 8.0


@dataclass(frozen=True)
class Answer:
    """The function's return value as an array, or why it is not one.

    Attributes:
        array: the answer in float64 (None if unusable).
        problem: why it cannot be compared, in words ("returned None", a wrong shape, ...).
        shape: the shape it had (None if it was not an array).
        dtype: its dtype name (None for a Python number, which carries none).
    """

    array: numpy.ndarray | None
    problem: str | None = None
    shape: tuple[int, ...] | None = None
    dtype: str | None = None


def _select(value: object, result: int | str | None, name: str) -> tuple[object, str | None]:
    if result is None:
        if isinstance(value, tuple):
            return None, (
                f"returned a tuple of {len(value)} values: say which one is {name} (result=INDEX)"
            )
        if isinstance(value, Mapping):
            keys = ", ".join(map(repr, list(value)[:8]))
            return None, f"returned a dict ({keys}): say which entry is {name} (result=KEY)"
        return value, None
    try:
        return value[result], None  # type: ignore[index]
    except (KeyError, IndexError, TypeError):
        return None, f"returned {type(value).__name__}, which has no part {result!r}"


def answer(value: object, options: Options, B: int) -> Answer:
    """Check what the function returned: a real array of the expected shape."""
    name = options.quantity.name
    value, problem = _select(value, options.result, name)
    if problem:
        return Answer(None, problem)
    if value is None:
        return Answer(None, "returned None (is a return statement missing?)")
    python_number = isinstance(value, int | float) and not isinstance(value, bool)
    try:
        array = numpy.asarray(value)
    except (ValueError, TypeError) as error:
        return Answer(None, f"returned {type(value).__name__}, not an array ({error})")
    if array.dtype.kind not in "fiu" or array.dtype == bool:
        return Answer(None, f"returned {type(value).__name__} of {array.dtype}, not real numbers")
    shape = tuple(array.shape)
    dtype = None if python_number else array.dtype.name
    want = expected_shape(options, B)
    if shape != want:
        return Answer(array.astype(numpy.float64), _shape_text(shape, want, options), shape, dtype)
    return Answer(array.astype(numpy.float64), None, shape, dtype)


def shape_names(options: Options) -> str:
    """The expected shape in size names, e.g. "(B, K)" or "(J, K)"."""
    q = options.quantity
    axes = list(q.axes)
    if q.weights and options.weights == "in-out":
        axes.reverse()
    if q.per_example and options.batched:
        axes.insert(0, "B")
    return "(" + ", ".join(axes) + (",)" if len(axes) == 1 else ")")


def _shape_text(shape: Sequence[int], want: Sequence[int], options: Options) -> str:
    if not want:
        return f"returned shape {tuple(shape)}, expected a scalar"
    return f"returned shape {tuple(shape)}, expected {shape_names(options)} = {tuple(want)}"


def tolerance(options: Options, case: Case, exact: Exact) -> float:
    """The allowed difference relative to the largest magnitude (see the module docstring)."""
    eps = float(numpy.finfo(options.dtype).eps)
    n = sum(options.sizes.values()) + case.B
    return SAFETY * eps * (n + exact.logit_scale)


@dataclass(frozen=True)
class Comparison:
    """One answer against one reference.

    Attributes:
        expected: the reference in float64, in the user's layout.
        tolerance: the allowed difference relative to the largest magnitude.
        allowed: the largest difference accepted.
        error: the largest difference (inf where the answer is NaN or infinite).
        relative: error / the largest |expected| (the "worst relative difference").
        worst: index of the largest difference.
        finite: the answer has no NaN or infinity.
    """

    expected: numpy.ndarray
    tolerance: float
    allowed: float
    error: float
    relative: float
    worst: tuple[int, ...]
    finite: bool

    @property
    def ok(self) -> bool:
        return self.finite and self.error <= self.allowed


def expected_array(options: Options, exact: Exact) -> numpy.ndarray:
    """The reference in float64, in the user's layout."""
    return to_user(options, to_float(exact.value))


def compare(
    got: numpy.ndarray, expected: numpy.ndarray, exact: Exact, options: Options, case: Case
) -> Comparison:
    """``got`` (the user's layout, float64) against ``expected`` (from ``exact``)."""
    magnitude = to_float(exact.magnitude)
    scale = float(numpy.max(magnitude, initial=0.0))
    relative = tolerance(options, case, exact)
    allowed = relative * scale
    finite = bool(numpy.all(numpy.isfinite(got)))
    difference = numpy.abs(got - expected)
    difference = numpy.where(numpy.isfinite(difference), difference, numpy.inf)
    worst = numpy.unravel_index(int(numpy.argmax(difference)), difference.shape) if got.size else ()
    error = float(numpy.max(difference, initial=0.0))
    # relative to the largest entry; an answer that is all but 0 is measured against what
    # rounding allows instead, so that noise in a correct 0 is not a "relative difference 1e9"
    largest = max(float(numpy.max(numpy.abs(expected), initial=0.0)), allowed) or 1.0
    worst = tuple(map(int, worst))
    return Comparison(expected, relative, allowed, error, error / largest, worst, finite)
