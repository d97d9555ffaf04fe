"""The usual mistakes in softmax cross-entropy gradient code, as data, in the order tried.

Each :class:`Mistake` computes what a function making it would return at a case, in the
user's layout: the derivation's value transposed, divided (or multiplied) by B, negated; with
sum_d t_d taken as 1 or summed over the whole batch, with the post's single-path dE/dz_k, with
relu'(0) = 1 or 1/2 (these evaluated at 40 digits like the reference: the variants of
:mod:`derive.testing.reference`). ``wrong`` returns None where the mistake cannot be told
apart from the derivation (a factor 1/B at B = 1), so it cannot be named there.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy

from derive.testing.regularization import CONVENTIONS, factor
from derive.testing.run import CaseRun, Run
from derive.testing.spec import OUTPUT_ERROR


def facts(result: CaseRun) -> str:
    """ "(B = 3, worst relative difference 0.667)" for a case."""
    comparison = result.comparison
    text = f"B = {result.case.B}"
    if comparison is not None and comparison.finite:
        text += f", worst relative difference {comparison.relative:.3g}"
    return f"({text})"


def _index(run: Run, r: CaseRun) -> int:
    return run.index(r)


def _transposed(run: Run, r: CaseRun) -> numpy.ndarray | None:
    expected = r.comparison.expected
    if expected.ndim != 2 or expected.shape[0] != expected.shape[1]:
        return None  # a non-square transpose shows as a wrong shape (see _transposed_shapes)
    return expected.T


def _batch(run: Run, r: CaseRun) -> numpy.ndarray | None:
    if r.case.B == 1 or not run.options.batched:
        return None
    B = r.case.B
    return (
        r.comparison.expected / B if run.options.batch_loss == "sum" else r.comparison.expected * B
    )


def _batch_twice(run: Run, r: CaseRun) -> numpy.ndarray | None:
    """Under a mean batch loss, divided by B once more: a layer that divides its weight
    gradient by N where the error it received was the mean's already (dout / N)."""
    if r.case.B == 1 or not run.options.batched or run.options.batch_loss != "mean":
        return None
    return r.comparison.expected / r.case.B


def _batch_twice_says(run: Run, r: CaseRun) -> str:
    q = run.options.quantity.name
    return (
        f"{q} is off by a factor 1/B: your function divides by B twice (the error it "
        f"receives is the mean's gradient, divided by B already) {facts(r)}"
    )


def _sign(run: Run, r: CaseRun) -> numpy.ndarray | None:
    return -r.comparison.expected


def _variant(name: str, when: Callable[[Run, CaseRun], bool]) -> Callable:
    def wrong(run: Run, r: CaseRun) -> numpy.ndarray | None:
        return run.expected(_index(run, r), name) if when(run, r) else None

    return wrong


def _relu_variant(name: str) -> Callable:
    """relu'(0) taken as another value than the one declared (0 or 1; under "any" the fit
    says it)."""

    def when(run: Run, r: CaseRun) -> bool:
        declared = {"0": "relu=0", "1": "relu=1"}.get(run.options.relu_at_zero)
        return _network_kink(run, r) and declared is not None and declared != name

    return _variant(name, when)


def _l2_factor(which: str) -> Callable:
    """The L2 term left out ("none"), or with another convention's factor ("other")."""

    def wrong(run: Run, r: CaseRun) -> numpy.ndarray | None:
        if run.convention is None or not _regularized(run):
            return None
        index = _index(run, r)
        if which == "none":
            return run.reference(index, l2=0).value
        own = factor(run.convention, r.case.B)
        for convention in CONVENTIONS:
            other = factor(convention, r.case.B)
            if other != own:
                candidate = run.reference(index, l2=other).value
                if _close(r, candidate):
                    return candidate
        return None

    return wrong


def _regularized(run: Run) -> bool:
    return run.options.quantity.weights or run.options.quantity.name == "E"


def _close(r: CaseRun, wrong: numpy.ndarray) -> bool:
    if wrong.shape != r.answer.array.shape:
        return False
    largest = float(numpy.max(numpy.abs(wrong), initial=0.0))
    limit = max(r.comparison.allowed, r.comparison.tolerance * largest)
    return bool(numpy.max(numpy.abs(r.answer.array - wrong), initial=0.0) <= limit)


def _l2_other_says(run: Run, r: CaseRun) -> str:
    q = run.options.quantity.name
    index = _index(run, r)
    own = factor(run.convention, r.case.B)
    used = next(
        c.name
        for c in CONVENTIONS
        if factor(c, r.case.B) != own
        and _close(r, run.reference(index, l2=factor(c, r.case.B)).value)
    )
    return (
        f"{q} has the L2 term with the other constant: your function's {q} fits {used}, but "
        f"the rest of the run fits {run.convention.name} {facts(r)}"
    )


def _l2_missing_says(run: Run, r: CaseRun) -> str:
    q = run.options.quantity.name
    part = "gradient" if q != "E" else "term"
    return (
        f"{q} is missing the regularization {part}: your function returns the data "
        f"{'loss' if q == 'E' else 'gradient'} alone, where the L2 term "
        f"{run.convention.name} adds {'to the loss' if q == 'E' else 'its gradient'} "
        f"(reg = {run.options.regularization.value:g}) {facts(r)}"
    )


def _sums_not_one(run: Run, r: CaseRun) -> bool:
    return not run.options.normalized_targets


def _batch_sum_t(run: Run, r: CaseRun) -> bool:
    return r.case.B > 1 and run.options.quantity.name != "E"


def _not_loss(run: Run, r: CaseRun) -> bool:
    return run.options.quantity.name != "E"


def _network_kink(run: Run, r: CaseRun) -> bool:
    layer, name = run.options.layer, run.options.quantity.name
    return layer != "output" and name not in ("E", OUTPUT_ERROR[layer])


def _kink_outside(run: Run, r: CaseRun) -> numpy.ndarray | None:
    """Under relu'(0) "any": the answer is the reference at an h outside [0, 1]."""
    kink = r.kink
    if kink is None or kink.value is None or 0.0 <= kink.value <= 1.0:
        return None
    index = _index(run, r)
    zero, one = run.expected(index, "relu=0"), run.expected(index, "relu=1")
    return zero + kink.value * (one - zero)


def _kink_outside_says(run: Run, r: CaseRun) -> str:
    q = run.options.quantity.name
    return (
        f"{q} uses relu'(0) = {r.kink.text()} in layer {r.kink.layer}, outside [0, 1] (no "
        f"one-sided derivative of relu) {facts(r)}"
    )


_FLOAT32_TO_64 = float(numpy.finfo(numpy.float32).eps / numpy.finfo(numpy.float64).eps)


def _single_precision(run: Run, r: CaseRun) -> numpy.ndarray | None:
    """In a float64 check, an answer within float32's rounding of the derivation is what code
    that rounds to float32 on the way (or adds a tiny constant) returns: itself."""
    if run.options.dtype != numpy.float64:
        return None
    error = float(numpy.max(numpy.abs(r.answer.array - r.comparison.expected), initial=0.0))
    return r.answer.array if error <= r.comparison.allowed * _FLOAT32_TO_64 else None


def _single_precision_says(run: Run, r: CaseRun) -> str:
    q = run.options.quantity.name
    return (
        f"{q} matches the derivation only to float32's precision, not float64's: your "
        "function rounds to float32 on the way (cs231n's FullyConnectedNet casts X to its "
        "dtype, float32 unless built with dtype='float64') or adds a tiny constant (an epsilon "
        "in a log, a clip); check it with --dtype float32, or let it compute in float64 "
        f"{facts(r)}"
    )


def _say(template: str, loss: str | None = None) -> Callable[[Run, CaseRun], str]:
    """A message from a template ({q}, {B}, {sums}: the targets' row sums); ``loss``: the
    template for the loss E, where it reads differently."""

    def say(run: Run, r: CaseRun) -> str:
        q = run.options.quantity.name
        totals = numpy.sum(r.case.arrays["t"], axis=1)
        sums = ", ".join(f"{v:g}" for v in dict.fromkeys(totals.tolist()))
        text = (loss if loss and q == "E" else template).format(q=q, B=r.case.B, sums=sums)
        return f"{text} {facts(r)}"

    return say


def _batch_says(run: Run, r: CaseRun) -> str:
    q = run.options.quantity.name
    if run.options.batch_loss == "sum":
        text = "is off by a factor 1/B: your function averages over the batch, the derivation sums"
    else:
        text = "is off by a factor B: your function sums over the batch, the derivation averages"
    return f"{q} {text} {facts(r)}"


@dataclass(frozen=True)
class Mistake:
    """A usual wrong answer: its name, what it computes at a case (None: cannot be told apart
    there), and how the report says it."""

    name: str
    wrong: Callable[[Run, CaseRun], numpy.ndarray | None]
    says: Callable[[Run, CaseRun], str]


MISTAKES: tuple[Mistake, ...] = (
    Mistake(
        "transposed",
        _transposed,
        _say("{q} is transposed: your function returns the transpose of the derivation's {q}"),
    ),
    Mistake("batch-mean", _batch, _batch_says),
    Mistake("batch-mean", _batch_twice, _batch_twice_says),
    Mistake(
        "sign",
        _sign,
        _say("{q} has its sign flipped: your function returns minus the derivation's value"),
    ),
    Mistake(
        "sum-t",
        _variant("sum-t-one", _sums_not_one),
        _say(
            "{q} is missing the Σ_d t_d factor (the Σt = 1 step does not hold here): your "
            "function computes a_k - t_k, but these targets sum to {sums}; without that step "
            "the derivation is a_k Σ_d t_d - t_k",
            loss="E is missing the Σ_d t_d factor (the Σt = 1 step does not hold here): your "
            "function computes log Σ_c e^(z_c) - Σ_d t_d z_d, but these targets sum to {sums}; "
            "the derivation is (Σ_d t_d) log Σ_c e^(z_c) - Σ_d t_d z_d",
        ),
    ),
    Mistake(
        "sum-t",
        _variant("sum-t-batch", _batch_sum_t),
        _say(
            "{q} sums the targets over the whole batch (the Σt = 1 step, taken per example): "
            "your function multiplies a_k by the sum of every example's t, where the "
            "derivation has Σ_d t_d of the example's own row (1 for these targets)"
        ),
    ),
    Mistake(
        "single-path",
        _variant("single-path", _not_loss),
        _say(
            "{q} follows a single path through the softmax: your function uses "
            "dE/da_k · da_k/dz_k = t_k (a_k - 1), the reference post's slip, but z_k reaches "
            "E through every a_c: dE/dz_k = a_k Σ_d t_d - t_k"
        ),
    ),
    Mistake("missing-reg", _l2_factor("none"), _l2_missing_says),
    Mistake("reg-constant", _l2_factor("other"), _l2_other_says),
    Mistake(
        "relu-convention",
        _relu_variant("relu=1"),
        _say(
            "{q} uses relu'(0) = 1, where the derivation's convention is relu'(0) = 0 "
            "(docs/network.md); they differ only at pre-activations exactly 0 (say "
            "--relu-at-zero 1 or any if that is your convention)"
        ),
    ),
    Mistake(
        "relu-convention",
        _relu_variant("relu=0"),
        _say(
            "{q} uses relu'(0) = 0, where --relu-at-zero 1 declares relu'(0) = 1; they differ "
            "only at pre-activations exactly 0"
        ),
    ),
    Mistake(
        "relu-convention",
        _relu_variant("relu=1/2"),
        _say(
            "{q} uses relu'(0) = 1/2 (SymPy's Heaviside(0)), where the derivation's "
            "convention is relu'(0) = 0 (docs/network.md); they differ only at "
            "pre-activations exactly 0"
        ),
    ),
    Mistake("relu-convention", _kink_outside, _kink_outside_says),
    Mistake("precision", _single_precision, _single_precision_says),
)


def fits(mistake: Mistake, run: Run, failing: list[CaseRun]) -> bool:
    """The function's answer is the mistake's, within the comparison's tolerance, at every
    failing case (and there is one)."""
    for r in failing:
        wrong = mistake.wrong(run, r)
        if wrong is None or wrong.shape != r.answer.array.shape:
            return False
        # the comparison's tolerance, or as much relative to the mistake's own size, where the
        # derivation's value (and so its allowance) is 0
        largest = float(numpy.max(numpy.abs(wrong), initial=0.0))
        limit = max(r.comparison.allowed, r.comparison.tolerance * largest)
        if not numpy.max(numpy.abs(r.answer.array - wrong), initial=0.0) <= limit:
            return False
    return bool(failing)
