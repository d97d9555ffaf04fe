"""relu'(0) as the code takes it: the value at an exact kink, read off the answer.

relu has no derivative at 0; any value in [0, 1] is a valid one-sided choice (a subgradient),
and code takes 0 (``z > 0``), 1 (``z >= 0``, cs231n's ``relu_backward``) or 1/2 (SymPy's
Heaviside). The suite puts pre-activations exactly 0 in one hidden layer at a time, so at such
an input the derivation's value is affine in that layer's relu'(0) = h:

    reference(h) = reference(0) + h (reference(1) - reference(0))

and the h the answer takes is found by least squares, then checked like any answer: it must
lie in [0, 1], and the reference at that h must match within the tolerance. A quantity that
does not depend on h there (the output layer's gradients) says nothing about it.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy

from derive.testing.compare import Expected, tolerance

NICE = (Fraction(0), Fraction(1, 2), Fraction(1))
_PREFIX = "ReLU pre-activations exactly 0 in layer "


def kink_layer(case: object) -> int | None:
    """The hidden layer whose pre-activations are exactly 0 at this case (1 or 2), or None."""
    kind = getattr(case, "kind", "")
    return int(kind[len(_PREFIX) :]) if kind.startswith(_PREFIX) else None


@dataclass(frozen=True)
class KinkFit:
    """relu'(0) as one answer takes it.

    Attributes:
        layer: the hidden layer with the kinks.
        value: the fitted h (None: the quantity does not depend on it here).
        reference: the reference at h (clamped to [0, 1]), to compare the answer with.
    """

    layer: int
    value: float | None
    reference: Expected

    def text(self) -> str:
        if self.value is None:
            return "any"
        for nice in NICE:
            if abs(self.value - float(nice)) <= 1e-9:
                return str(nice)
        return f"{self.value:.6g}"


def fit(run, index: int, got: numpy.ndarray) -> KinkFit | None:
    """The h that ``got`` takes at case ``index`` of ``run`` (a kink case), and the reference
    there."""
    case = run.cases[index]
    layer = kink_layer(case)
    zero, one = run.reference(index, "relu=0"), run.reference(index, "relu=1")
    slope = one.value - zero.value
    scale = max(zero.scale, one.scale)
    allowed = tolerance(run.options, case, max(zero.logit_scale, one.logit_scale)) * scale
    if (
        not numpy.all(numpy.isfinite(got))
        or float(numpy.max(numpy.abs(slope), initial=0)) <= allowed
    ):
        return KinkFit(layer, None, zero)
    h = float(numpy.sum((got - zero.value) * slope) / numpy.sum(slope * slope))
    for nice in NICE:
        if abs(h - float(nice)) <= 1e-9:
            h = float(nice)
    clamped = min(max(h, 0.0), 1.0)
    if clamped in (0.0, 1.0):
        reference = zero if clamped == 0.0 else one
    else:
        reference = Expected(zero.value + clamped * slope, scale, zero.logit_scale)
    return KinkFit(layer, h, reference)
