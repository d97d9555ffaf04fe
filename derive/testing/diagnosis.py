"""Why a function is wrong: the first of the usual mistakes that fits, and what else went wrong.

Order of work. A function that hung, raised, or returned no usable array is reported as such;
but first, if it receives weights, it is run once more with the weights in the other layout:
a function written for W as (in, out) fails the (out, in) suite in every way, and "your
function takes the weights transposed" is the useful answer. Answers whose shape is the
expected one reversed are transposed back and diagnosed further. Answers of the right shape
that differ are explained by the first mistake of :data:`derive.testing.mistakes.MISTAKES`
that fits every failing input; non-finite answers (and answers wrong only at logits of 1e4)
are overflow; a dtype other than the input's comes last.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy

from derive.testing.compare import Comparison, compare
from derive.testing.layout import alternatives, flipped, shape_names
from derive.testing.mistakes import MISTAKES, facts, fits
from derive.testing.run import CaseRun, Run


@dataclass(frozen=True)
class Finding:
    """One thing wrong with the function.

    Attributes:
        name: "transposed", "convention" (another layout or bias shape fits), "batch-mean",
            "sign", "sum-t", "single-path", "missing-reg", "reg-constant", "relu-convention",
            "precision" (right to float32's rounding only, in a float64 check), "unplaced" (a
            part taken for the quantity by its shape alone matches nothing), "overflow",
            "dtype", "raised", "hung",
            "exited" (the process ended without an answer), "returned" or "wrong" (none of
            the usual mistakes fits).
        message: one line, as the report prints it.
        case: the smallest input that shows it (None for a dtype alone).
        comparison: the answer against the derivation there (None if there is none to show).
    """

    name: str
    message: str
    case: CaseRun | None = None
    comparison: Comparison | None = None


def _values(run: Run, results: list[CaseRun]) -> list[Finding]:
    """Findings for answers of the right shape that differ from the derivation."""
    wrong = [r for r in results if r.status == "wrong"]
    infinite = [r for r in wrong if not r.comparison.finite]
    finite = [r for r in wrong if r.comparison.finite]
    explained = _first_fit(run, finite)
    large = [r for r in finite if r.case.large_logits]
    rest = [r for r in finite if not r.case.large_logits]
    if explained is None and large and (not rest or _first_fit(run, rest)):
        # wrong only at large logits (beyond a mistake that explains the rest): overflow
        infinite, finite = infinite + large, rest
        explained = _first_fit(run, rest)
    found = []
    if explained is not None:
        r = finite[0]
        found.append(Finding(explained.name, explained.says(run, r), r, r.comparison))
    elif finite:
        r = finite[0]
        part = dict(run.options.guessed).get(run.options.quantity.name)
        if part is not None:
            found.append(Finding("unplaced", _unplaced(run, r, part), r, r.comparison))
        else:
            found.append(Finding("wrong", _unexplained(run, r), r, r.comparison))
    if infinite:
        r = batch_shift(run.results, NEAR) or min(infinite, key=results.index)
        found.append(Finding("overflow", _overflow(run, r), r, r.comparison))
    return found


def _first_fit(run: Run, failing: list[CaseRun]):
    return next((m for m in MISTAKES if fits(m, run, failing)), None)


def _unexplained(run: Run, r: CaseRun) -> str:
    q = run.options.quantity.name
    stepped = ""
    if run.options.update is not None and run.options.quantity.kind in ("weights", "bias"):
        stepped = (
            "; read off a step, a layer's error computed with weights the code has already "
            "stepped (W2 updated before W2.T @ delta) shows so"
        )
    return (
        f"{q} does not match the derivation, and none of the usual mistakes fits (transposed, "
        "a factor 1/B, the sign, the Σt = 1 step, the single-path softmax derivative): "
        f"smallest input {r.case.kind} {facts(r)}{stepped}"
    )


def _unplaced(run: Run, r: CaseRun, part: str) -> str:
    q = run.options.quantity.name
    return (
        f"{q}: cannot tell whether {part} is {q}: it was taken for {q} by its shape alone "
        f"(no name says so), and it matches neither {q} nor a usual mistake of it; either it "
        f"is {q} and wrong, or it is another gradient (dE/da, w.r.t. the probabilities, is "
        f"not one check-code knows): say which part is {q} with --result {q}=PART "
        f"(smallest input {r.case.kind}, {facts(r)[1:]}"
    )


APART = "rows 1e3 apart"
NEAR = "logits near +1e4"


def batch_shift(results: list[CaseRun], near: str) -> CaseRun | None:
    """The input that shows a max shift over the whole batch: wrong where rows lie 1e3
    apart, right where every row is near 1e4 (input kind ``near``), so the code does shift,
    by a common max."""
    apart = [r for r in results if r.case.kind == APART and r.status == "wrong"]
    close = [r for r in results if r.case.kind == near]
    if apart and close and all(r.status == "ok" for r in close):
        return apart[0]
    return None


def large_input_failure(r: CaseRun, inputs: str) -> str:
    """What goes wrong at large ``inputs`` (logits, inputs): a wrong finite value or an
    overflow to inf/NaN where the derivation's value is finite, with NumPy's warning."""
    if r.comparison.finite:
        what = f"is wrong at large {inputs} only: at {r.case.kind} {facts(r)}"
    else:
        bad = "NaN" if numpy.isnan(r.answer.array).any() else "inf"
        what = (
            f"overflows at large {inputs}: your function returns {bad} at {r.case.kind} "
            f"(B = {r.case.B}), where the derivation's value is finite"
        )
    warned = [w for w in r.outcome.warnings if "RuntimeWarning" in w]
    return what + (f" (NumPy warned: {warned[0]})" if warned else "")


def _overflow(run: Run, r: CaseRun) -> str:
    q = run.options.quantity.name
    shifted = batch_shift(run.results, NEAR)
    if shifted is not None:
        r = shifted
    what = large_input_failure(r, "logits")
    if shifted is not None:
        return (
            f"{q} {what}; it is right where every row is near 1e4, so it shifts the "
            "logits by the largest of the whole batch: a row 1e3 below it underflows to 0. "
            "Take m = max_c z_c of each row (max(axis=1, keepdims=True))"
        )
    hint = (
        "; compute with m = max_c z_c and log a_k = z_k - m - log Σ_c e^(z_c - m) instead of "
        "exponentials that overflow or probabilities that are divided by or logged at 0"
    )
    return f"{q} {what}{hint}"


def _untransposed(run: Run, results: list[CaseRun]) -> list[CaseRun] | None:
    """If every wrong shape is the expected one reversed (2-D), the answers transposed back."""
    if not any(r.status == "returned" for r in results):
        return None
    fixed = []
    for index, r in enumerate(results):
        if r.status != "returned":
            fixed.append(r)
            continue
        if r.answer.array is None or r.answer.shape is None or len(r.answer.shape) != 2:
            return None
        back, reference = r.answer.array.T, run.reference(index)
        if back.shape != reference.value.shape:
            return None
        comparison = compare(back, reference, run.options, r.case)
        answer = replace(r.answer, array=back, problem=None)
        fixed.append(replace(r, answer=answer, comparison=comparison))
    return fixed


def _transposed(run: Run, results: list[CaseRun]) -> Finding:
    index, r = next((i, r) for i, r in enumerate(run.results) if r.status == "returned")
    q = run.options.quantity.name
    want = run.expected(index).shape
    clean = all(x.status == "ok" for x in results)
    return Finding(
        "transposed",
        f"{q} is transposed: your function returns shape {r.answer.shape}, the derivation's "
        f"{q} is {shape_names(run.options)} = {want} (weights {run.options.weights})"
        + ("; transposed back, it matches at every input" if clean else ""),
        r,
    )


def _failures(run: Run, results: list[CaseRun]) -> list[Finding]:
    """Calls that gave nothing to compare: hung, ended, raised, returned something else."""
    q = run.options.quantity.name
    found = []
    hung = [r for r in results if r.status == "hung"]
    if hung:
        text = (
            f"{q}: your function did not return within {run.options.timeout:g} s at "
            f"{hung[0].label()} (the inputs after it were not run)"
        )
        found.append(Finding("hung", text, hung[0]))
    ended = [r for r in results if r.status == "exited"]
    if ended:
        text = (
            f"{q}: your function did not return ({ended[0].outcome.ended}) at "
            f"{ended[0].label()} (the inputs after it were not run)"
        )
        found.append(Finding("exited", text, ended[0]))
    raised = [r for r in results if r.status == "raised"]
    if raised:
        who = raised[0].outcome.stage or "your function"
        text = f"{q}: {who} raised {raised[0].outcome.error} at {raised[0].label()}"
        text += _where_else(results, raised) + _layout_hint(run, raised)
        text += _labels_hint(run, results, raised)
        found.append(Finding("raised", text, raised[0]))
    returned = [r for r in results if r.status == "returned"]
    if returned:
        text = f"{q}: your function {returned[0].answer.problem} at {returned[0].label()}"
        found.append(Finding("returned", text, returned[0]))
    return found


SHAPE_ERRORS = ("not aligned", "matmul", "could not be broadcast", "shapes")


def _layout_hint(run: Run, raised: list[CaseRun]) -> str:
    """A shape error at every input, in code that receives weights: most often W held in
    the other layout (the weights' layout is not read off a call that raised)."""
    error = str(raised[0].outcome.error or "")
    if len(raised) != len(run.results) or not any(w in error for w in SHAPE_ERRORS):
        return ""
    other = flipped(run.execution.options)
    if other is None:
        return ""
    other = other.weights
    shape = "(in, out)" if other == "in-out" else "(out, in)"
    return f"; if your code keeps the weights as {shape}, check with --weights {other}"


def _labels_hint(run: Run, results: list[CaseRun], raised: list[CaseRun]) -> str:
    """Raised exactly where no label is the last class: the code counts its classes from
    the labels (``np.zeros((y.size, y.max() + 1))``), which a batch without that class breaks."""
    if run.options.targets != "labels" or len(raised) == len(results):
        return ""
    last = run.options.sizes["K"] - 1

    def lacks_last(r: CaseRun) -> bool:
        labels = [
            v
            for v in (r.inputs or {}).values()
            if isinstance(v, numpy.ndarray) and v.dtype.kind in "iu"
        ]
        return bool(labels) and all(v.size and int(v.max()) < last for v in labels)

    answered = [r for r in results if r.outcome is not None and r.status != "raised"]
    if all(lacks_last(r) for r in raised) and not any(lacks_last(r) for r in answered):
        return (
            f"; it raised only where no example has the last class ({last}): does your code "
            "count the classes from the labels (y.max() + 1) instead of taking K?"
        )
    return ""


def _where_else(results: list[CaseRun], raised: list[CaseRun]) -> str:
    if len(raised) == len(results):
        return " (and at every other input)"
    kinds = ", ".join(dict.fromkeys(r.case.kind for r in raised))
    return f" (at {len(raised)} of {len(results)} inputs: {kinds})"


def _dtype(run: Run) -> list[Finding]:
    got = run.dtype_problem()
    if got is None:
        return []
    q, want = run.options.quantity.name, run.options.dtype.name
    if want == "float32":
        text = (
            f"{q} is computed in {got} where float32 came in: your function returns {got} for "
            "float32 inputs (keep the arrays in float32, e.g. np.zeros(..., dtype=X.dtype))"
        )
    else:
        text = f"{q} is returned as {got} where float64 came in: precision is lost"
    return [Finding("dtype", text)]


def _flipped(run: Run) -> list[Finding] | None:
    """If the function does better with the weights in the other layout, say so first."""
    if any(r.status in ("hung", "exited") for r in run.results):
        return None
    other = run.flipped()
    if other is None:
        return None
    before = sum(r.status != "ok" for r in run.results)
    if not other.passed and sum(r.status != "ok" for r in other.results) >= before:
        return None
    q = run.options.quantity.name
    shape = "(in, out)" if other.options.weights == "in-out" else "(out, in)"
    rest = diagnose(other, flip=False)
    text = (
        f"{q}: your function takes the weights transposed, as {shape}, where the arguments "
        f"declare weights {run.options.weights}; with weights {other.options.weights} it "
        + ("matches the derivation at every input" if not rest else "does better, but:")
    )
    return [Finding("transposed", text, other.results[0]), *rest]


def _other_convention(run: Run) -> list[Finding] | None:
    """If nothing the function returned could be compared, and another layout of the
    examples or shape of the bias makes it pass, name that convention."""
    if any(r.status not in ("raised", "returned") for r in run.results):
        return None
    for flag, options in alternatives(run.execution.options):
        other = run.other(options)
        if other.passed:
            q = run.options.quantity.name
            text = (
                f"{q}: your function takes another convention: with {flag} it matches the "
                f"derivation at every input (declared: {run.options.describe()})"
            )
            return [Finding("convention", text, other.results[0])]
    return None


def diagnose(run: Run, *, flip: bool = True) -> list[Finding]:
    """Everything wrong with the run, the headline first; [] if it passed.

    Args:
        run: the function over the suite.
        flip: try the other weight layout when the declared one fails (not when diagnosing
            that other run itself).
    """
    if run.passed:
        return []
    results = _untransposed(run, run.results)
    found = []
    if results is not None:
        found.append(_transposed(run, results))
        run = run.with_results(results)
    else:
        results = run.results
        other = _flipped(run) if flip and any(r.status != "ok" for r in results) else None
        if other is None and flip:
            other = _other_convention(run)
        if other is not None:
            return other
    return found + _failures(run, results) + _values(run, results) + _dtype(run)
