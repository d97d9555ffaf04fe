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

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

import numpy

from derive.testing.calling import Part
from derive.testing.inputs import Case
from derive.testing.layout import expected_shape, shape_names, to_user
from derive.testing.precise import CONTEXT, to_float
from derive.testing.reference import Exact
from derive.testing.spec import Options

SAFETY = 8.0


@dataclass(frozen=True)
class Answer:
    """The function's answer for one quantity as an array, or why it is not one.

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


def answer(part: Part | None, options: Options, B: int) -> Answer:
    """Check what the function returned for ``options.quantity``: real numbers of the
    expected shape."""
    if part is None:
        return Answer(None, f"returned nothing for {options.quantity.name}")
    if part.problem is not None:
        return Answer(None, part.problem)
    shape = tuple(part.shape or ())
    want = expected_shape(options, B)
    if shape != want:
        return Answer(part.array, _shape_text(shape, want, options), shape, part.dtype)
    return Answer(part.array, None, shape, part.dtype)


def _shape_text(shape: Sequence[int], want: Sequence[int], options: Options) -> str:
    if not want:
        return f"returned shape {tuple(shape)}, expected a scalar"
    return f"returned shape {tuple(shape)}, expected {shape_names(options)} = {tuple(want)}"


@dataclass(frozen=True)
class Expected:
    """A reference ready to compare: float64 in the user's layout, the largest magnitude of
    the terms behind it, and the logits' scale on the way."""

    value: numpy.ndarray
    scale: float
    logit_scale: float


def expected(options: Options, exact: Exact, extra: Exact | None = None, factor=0) -> Expected:
    """The reference ``exact`` (plus ``factor`` times ``extra``, a term such as the L2
    term's, at 40 digits), in the user's layout."""
    value, magnitude = exact.value, exact.magnitude
    if extra is not None and factor:
        f = CONTEXT.mpf(Fraction(factor).numerator) / Fraction(factor).denominator
        value = value + extra.value * f
        magnitude = magnitude + extra.magnitude * abs(f)
    scale = float(numpy.max(to_float(numpy.asarray(magnitude, dtype=object)), initial=0.0))
    return Expected(to_user(options, to_float(value)), scale, exact.logit_scale)


def tolerance(options: Options, case: Case, logit_scale: float) -> float:
    """The allowed difference relative to the largest magnitude (see the module docstring)."""
    eps = float(numpy.finfo(options.dtype).eps)
    n = sum(options.sizes.values()) + case.B
    return SAFETY * eps * (n + logit_scale)


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


def compare(got: numpy.ndarray, reference: Expected, options: Options, case: Case) -> Comparison:
    """``got`` (the user's layout, float64) against ``reference``."""
    want = reference.value
    relative = tolerance(options, case, reference.logit_scale)
    allowed = relative * reference.scale
    finite = bool(numpy.all(numpy.isfinite(got)))
    with numpy.errstate(invalid="ignore", over="ignore"):
        difference = numpy.abs(got - want)
    difference = numpy.where(numpy.isfinite(difference), difference, numpy.inf)
    worst = numpy.unravel_index(int(numpy.argmax(difference)), difference.shape) if got.size else ()
    error = float(numpy.max(difference, initial=0.0))
    # relative to the largest entry; an answer that is all but 0 (terms that cancel) is
    # measured against the terms' magnitude instead, so that rounding noise in a correct 0 is
    # neither a "relative difference 1e9" nor a large share of a tiny tolerance
    largest = float(numpy.max(numpy.abs(want), initial=0.0))
    if largest < allowed:
        largest = max(reference.scale, allowed)
    largest = largest or 1.0
    worst = tuple(map(int, worst))
    return Comparison(want, relative, allowed, error, error / largest, worst, finite)
