"""Why a function is wrong against the user's own result: the usual mistakes that carry over
from today's check-code (:mod:`derive.testing.diagnosis`) to any derivation.

In order: a call that hung, ended, raised or returned no usable array is said as such, but an
answer with one row per example where the derivation reduces the batch is reduced first
(``per-example``), and one whose shape is the result's reversed is transposed back first
(``transposed``); then,
for answers of the right shape that differ, the first mistake that explains every failing
input within the same tolerance: the transpose of a square result, a factor 1/B (a mean where
the derivation sums a batch, or the reverse: ``batch-mean``), the sign (``sign``); answers
that are NaN or infinite where the derivation is finite, or wrong only at the inputs of
magnitude 1e4, overflow (``overflow``; right near +1e4 but wrong where rows lie 1e3 apart: a
shift by the largest value of the whole batch); a dtype other than the input's comes last.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy

from derive.testing.against.suite import NEAR_PLUS
from derive.testing.compare import Comparison
from derive.testing.diagnosis import Finding, batch_shift, large_input_failure
from derive.testing.mistakes import facts
from derive.testing.run import CaseRun


@dataclass
class OwnRun:
    """One result's answers over the suite.

    Attributes:
        name: the result's function name (the quantity).
        results: one CaseRun per input.
        compare: (answer, input number) -> its Comparison with the reference there.
        reduced: a batch of the result is summed or averaged (so a factor B can be wrong).
        batch: "sum", "mean" or "none".
        dtype: the dtype the inputs came in.
        shape_text: the result's shape in words, e.g. "(J,)" or "(B, K)".
        timeout: seconds per call.
        sizes: the derivation's sizes by name, their values in the suite (a factor of one is
            a usual mistake too: 1/m in matrix notation is the batch's mean).
    """

    name: str
    results: list[CaseRun]
    compare: Callable[[numpy.ndarray, int], Comparison]
    reduced: bool
    batch: str
    dtype: str
    shape_text: str
    timeout: float
    sizes: dict[str, int] | None = None

    @property
    def passed(self) -> bool:
        return all(r.status == "ok" for r in self.results) and self.dtype_problem() is None

    def dtype_problem(self) -> str | None:
        for r in self.results:
            got = r.answer.dtype if r.answer is not None else None
            if got is not None and got != self.dtype and r.answer.problem is None:
                return got
        return None


def _untransposed(run: OwnRun) -> list[CaseRun] | None:
    """If every wrong shape is the expected one reversed, the answers transposed back."""
    if not any(r.status == "returned" for r in run.results):
        return None
    fixed = []
    for index, r in enumerate(run.results):
        if r.status != "returned":
            fixed.append(r)
            continue
        shape = r.answer.shape
        if r.answer.array is None or shape is None or len(shape) < 2:
            return None
        back = numpy.transpose(r.answer.array)
        comparison = run.compare(back, index)
        if back.shape != comparison.expected.shape:
            return None
        answer = replace(r.answer, array=back, problem=None)
        fixed.append(replace(r, answer=answer, comparison=comparison))
    return fixed


# name, what a function making the mistake returns (None: cannot be told apart here), message
def _transpose(run: OwnRun, r: CaseRun) -> numpy.ndarray | None:
    expected = r.comparison.expected
    if expected.ndim < 2 or expected.shape != expected.shape[::-1]:
        return None
    return numpy.transpose(expected)


def _batch(run: OwnRun, r: CaseRun) -> numpy.ndarray | None:
    if not run.reduced or r.case.B == 1:
        return None
    B = r.case.B
    return r.comparison.expected / B if run.batch == "sum" else r.comparison.expected * B


def _sign(run: OwnRun, r: CaseRun) -> numpy.ndarray | None:
    return -r.comparison.expected


def _says_transposed(run: OwnRun, r: CaseRun) -> str:
    return f"{run.name} is transposed: your function returns the transpose of the result {facts(r)}"


def _says_batch(run: OwnRun, r: CaseRun) -> str:
    if run.batch == "sum":
        return (
            f"{run.name} is off by a factor 1/B: your function averages over the batch, the "
            f"derivation sums {facts(r)} (or check with --batch-loss mean)"
        )
    return (
        f"{run.name} is off by a factor B: your function sums over the batch, the derivation "
        f"averages (--batch-loss mean) {facts(r)}"
    )


def _fitting_size(run: OwnRun, r: CaseRun, power: int) -> str | None:
    """The size n whose factor n^power times the derivation's value is the answer at ``r``."""
    for name, value in sorted((run.sizes or {}).items()):
        if value == 1:
            continue
        wrong = r.comparison.expected * float(value) ** power
        if numpy.all(numpy.abs(r.answer.array - wrong) <= r.comparison.allowed):
            return name
    return None


def _factor_mistakes() -> tuple:
    """A factor of a size, each way: expected * n (the derivation divides by n, the code does
    not) or expected / n (the code divides by n, the derivation does not)."""
    found = []
    for power, words in (
        (1, "the derivation divides by {n}, your function does not"),
        (-1, "your function divides by {n}, the derivation does not"),
    ):

        def wrong(run: OwnRun, r: CaseRun, power=power) -> numpy.ndarray | None:
            name = _fitting_size(run, r, power)
            if name is None:
                return None
            return r.comparison.expected * float(run.sizes[name]) ** power

        def says(run: OwnRun, r: CaseRun, power=power, words=words) -> str:
            n = _fitting_size(run, r, power)
            factor = n if power == 1 else f"1/{n}"
            return (
                f"{run.name} is off by a factor {factor}: {words.format(n=n)} ({n} = "
                f"{run.sizes[n]}, {facts(r)[1:-1]})"
            )

        found.append(("factor", wrong, says))
    return tuple(found)


def _says_sign(run: OwnRun, r: CaseRun) -> str:
    return f"{run.name} has its sign flipped {facts(r)}"


MISTAKES = (
    ("transposed", _transpose, _says_transposed),
    ("batch-mean", _batch, _says_batch),
    ("sign", _sign, _says_sign),
    *_factor_mistakes(),
)


def _fits(wrong: Callable, run: OwnRun, failing: list[CaseRun]) -> bool:
    for r in failing:
        value = wrong(run, r)
        if value is None:
            return False
        difference = numpy.abs(r.answer.array - value)
        if not numpy.all(difference <= r.comparison.allowed):
            return False
    return bool(failing)


def _first_fit(run: OwnRun, failing: list[CaseRun]):
    return next((m for m in MISTAKES if _fits(m[1], run, failing)), None)


def _overflow(run: OwnRun, infinite: list[CaseRun], results: list[CaseRun]) -> Finding:
    shifted = batch_shift(results, NEAR_PLUS)
    r = shifted or infinite[0]
    what = large_input_failure(r, "inputs")
    if shifted:
        hint = (
            "; it is right where every row is near 1e4, so it shifts by the largest value of "
            "the whole batch: a row 1e3 below it underflows. Shift each row by its own maximum"
        )
    else:
        hint = (
            "; compute it in a stable form: log-sum-exp with the maximum subtracted, "
            "logaddexp(0, x) for log(1 + e^x), the sigmoid through tanh or its two branches"
        )
    return Finding("overflow", f"{run.name} {what}{hint}", r, r.comparison)


def _values(run: OwnRun, results: list[CaseRun]) -> list[Finding]:
    wrong = [r for r in results if r.status == "wrong"]
    infinite = [r for r in wrong if not r.comparison.finite]
    finite = [r for r in wrong if r.comparison.finite]
    explained = _first_fit(run, finite)
    large = [r for r in finite if r.case.large_logits]
    rest = [r for r in finite if not r.case.large_logits]
    if explained is None and large and (not rest or _first_fit(run, rest)):
        infinite, finite = infinite + large, rest  # wrong only at large inputs: overflow
        explained = _first_fit(run, rest)
    found = []
    if explained is not None:
        name, _, says = explained
        found.append(Finding(name, says(run, finite[0]), finite[0], finite[0].comparison))
    elif finite:
        r = finite[0]
        text = (
            f"{run.name} does not match the derivation, and none of the usual mistakes fits "
            f"(transposed, a factor 1/B, the sign): smallest input {r.case.kind} {facts(r)}"
        )
        found.append(Finding("wrong", text, r, r.comparison))
    if infinite:
        found.append(_overflow(run, infinite, results))
    return found


def _failures(run: OwnRun, results: list[CaseRun]) -> list[Finding]:
    q, found = run.name, []
    for status, text in (
        ("hung", "did not return within {t:g} s at {at} (the inputs after it were not run)"),
        ("exited", "did not return ({ended}) at {at} (the inputs after it were not run)"),
    ):
        hit = [r for r in results if r.status == status]
        if hit:
            r = hit[0]
            words = text.format(t=run.timeout, at=r.label(), ended=r.outcome.ended)
            found.append(Finding(status, f"{q}: your function {words}", r))
    raised = [r for r in results if r.status == "raised"]
    if raised:
        r = raised[0]
        who = r.outcome.stage or "your function"
        more = f" (at {len(raised)} of {len(results)} inputs)" if len(raised) > 1 else ""
        found.append(
            Finding("raised", f"{q}: {who} raised {r.outcome.error} at {r.label()}{more}", r)
        )
    returned = [r for r in results if r.status == "returned"]
    if returned:
        r = returned[0]
        found.append(
            Finding("returned", f"{q}: your function {r.answer.problem} at {r.label()}", r)
        )
    return found


def _dtype(run: OwnRun) -> list[Finding]:
    got = run.dtype_problem()
    if got is None:
        return []
    if run.dtype == "float32":
        text = (
            f"{run.name} is computed in {got} where float32 came in: your function returns "
            f"{got} for float32 inputs (keep the arrays in float32)"
        )
    else:
        text = f"{run.name} is returned as {got} where float64 came in: precision is lost"
    return [Finding("dtype", text)]


def _summed_back(run: OwnRun) -> list[CaseRun] | None:
    """If the result is reduced over the batch and every wrong shape is one row per example
    ((B, ...) for the result's shape), the answers reduced as the derivation reduces them."""
    if not run.reduced or not any(r.status == "returned" for r in run.results):
        return None
    fixed = []
    for index, r in enumerate(run.results):
        if r.status != "returned":
            fixed.append(r)
            continue
        shape = r.answer.shape
        if r.answer.array is None or shape is None or not shape or shape[0] != r.case.B:
            return None
        total = r.answer.array.sum(axis=0)
        back = total / r.case.B if run.batch == "mean" else total
        comparison = run.compare(back, index)
        if back.shape != comparison.expected.shape:
            return None
        answer = replace(r.answer, array=back, problem=None, shape=back.shape)
        fixed.append(replace(r, answer=answer, comparison=comparison))
    return fixed


def diagnose(run: OwnRun) -> list[Finding]:
    """Everything wrong with the run, the headline first; [] if it passed."""
    if run.passed:
        return []
    results, found = _summed_back(run), []
    if results is not None:
        r = next(r for r in run.results if r.status == "returned")
        clean = all(x.status == "ok" for x in results)
        how, done = ("averages", "averaged") if run.batch == "mean" else ("sums", "summed")
        text = (
            f"{run.name} has one row per example: your function returns shape "
            f"{r.answer.shape}, the derivation {how} over the batch to {run.shape_text}"
            + (f"; {done}, it matches at every input" if clean else "")
        )
        return [Finding("per-example", text, r), *_failures(run, results), *_values(run, results)]
    results = _untransposed(run)
    if results is not None:
        r = next(r for r in run.results if r.status == "returned")
        clean = all(x.status == "ok" for x in results)
        text = (
            f"{run.name} is transposed: your function returns shape {r.answer.shape}, the "
            f"derivation's {run.name} is {run.shape_text}"
            + ("; transposed back, it matches at every input" if clean else "")
        )
        found.append(Finding("transposed", text, r))
    else:
        results = run.results
    return found + _failures(run, results) + _values(run, results) + _dtype(run)
