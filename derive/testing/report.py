"""CodeReport: the verdict on a function, as text (for people and pytest) and as JSON rows.

One run checks one or several quantities; the report is one table either way. With one
quantity it reads as it always has: the headline, the evidence, every input. With several,
a row per quantity comes first, then each failing quantity's evidence, then the inputs with
what went wrong at each. What the code under test printed is shown at the end (escaped, one
line each), and in JSON as the field ``output``: never on the report's own stream.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy

from derive.testing.describe import printable_block
from derive.testing.diagnosis import Finding
from derive.testing.run import CaseRun, Run

MAX_SHOWN = 24  # input arrays up to this many numbers are printed in the text report
OUTPUT_LINES = 20  # lines of the code's own output shown in the text report


@dataclass(frozen=True)
class CaseLine:
    """One input of the suite and how the function did there (for one quantity, or the worst
    over the quantities).

    Attributes:
        kind: what the input is chosen to break.
        B: its batch size.
        status: "ok", "wrong", "raised", "hung", "exited", "returned" or "not run".
        relative: the worst relative difference (None where nothing was compared).
        detail: the error, the wrong shape, ... in words ("" when ok).
        used: the largest difference over the allowed one (how much of the tolerance a
            passing answer uses; None where nothing was compared).
    """

    kind: str
    B: int
    status: str
    relative: float | None
    detail: str
    used: float | None = None

    @classmethod
    def of(cls, result: CaseRun) -> CaseLine:
        detail = ""
        if result.status == "raised":
            stage = result.outcome.stage
            detail = f"{stage}: {result.outcome.error}" if stage else result.outcome.error
        elif result.status == "returned":
            detail = result.answer.problem
        elif result.status == "hung":
            detail = "did not return in time"
        elif result.status == "exited":
            detail = f"did not return ({result.outcome.ended})"
        if result.kink is not None and result.kink.value is not None:
            detail = (detail + "; " if detail else "") + f"relu'(0) = {result.kink.text()}"
        comparison = result.comparison
        relative = comparison.relative if comparison is not None else None
        used = None
        if comparison is not None:
            used = comparison.error / comparison.allowed if comparison.allowed else None
        return cls(result.case.kind, result.case.B, result.status, relative, detail, used)


@dataclass(frozen=True)
class QuantityReport:
    """One quantity of the run: passed, what is wrong, every input."""

    name: str
    passed: bool
    findings: tuple[Finding, ...]
    cases: tuple[CaseLine, ...]

    def worst(self) -> float | None:
        values = [c.relative for c in self.cases if c.relative is not None]
        return max(values) if values else None


_ORDER = ("ok", "not run", "wrong", "returned", "raised", "exited", "hung")


@dataclass(frozen=True)
class CodeReport:
    """The result of :func:`derive.testing.check_gradient_code`.

    Attributes:
        function: the function's name (module and qualified name).
        quantity: the quantity checked, or the quantities, comma-separated.
        layout: the sizes and conventions, in words.
        passed: every quantity matched the derivation at every input, with the input's dtype.
        findings: what is wrong, the headline first ((): nothing), every quantity's.
        cases: every input of the suite and the outcome there (the worst over quantities).
        notes: things worth knowing that are not failures (a square layer, in-place changes
            to the inputs, warnings, conventions found).
        quantities: each quantity's own report.
        output: what the code under test printed (the first part), "" if nothing.
        output_bytes: how many bytes it printed in all.
    """

    function: str
    quantity: str
    layout: str
    passed: bool
    findings: tuple[Finding, ...]
    cases: tuple[CaseLine, ...]
    notes: tuple[str, ...]
    quantities: tuple[QuantityReport, ...] = ()
    output: str = ""
    output_bytes: int = 0

    @property
    def ok(self) -> bool:
        """Same as ``passed``."""
        return self.passed

    def __bool__(self) -> bool:
        """True iff the function passed, so ``assert report`` reads as it should."""
        return self.passed

    @property
    def diagnosis(self) -> Finding | None:
        """The headline finding, None if the function passed."""
        return self.findings[0] if self.findings else None

    def headline(self) -> str:
        if self.passed:
            return (
                f"{self.quantity}: {self.function} matches the derivation at all "
                f"{len(self.cases)} inputs"
            )
        return self.findings[0].message

    def __str__(self) -> str:
        lines = [self.headline(), f"  function: {self.function} ({self.layout})"]
        if len(self.quantities) > 1:
            lines += _quantity_table(self.quantities)
            for q in self.quantities:
                if q.findings:
                    lines += _quantity_findings(q, q.findings[0] is not self.findings[0])
        else:
            lines += [f"  also: {finding.message}" for finding in self.findings[1:]]
            lines += _evidence(self.findings[0]) if self.findings else []
        lines += _inputs(self.cases)
        lines += [f"  note: {note}" for note in self.notes]
        if self.output:
            more = len(self.output.encode()) < self.output_bytes
            lines.append(
                f"  output of your code (stdout and stderr{', the first part' if more else ''}):"
            )
            lines += [f"    | {row}" for row in printable_block(self.output, OUTPUT_LINES)]
        return "\n".join(lines)

    def to_dict(self) -> dict:
        """JSON-ready: floats as numbers, non-finite ones as the strings "nan", "inf", "-inf"."""
        return {
            "function": self.function,
            "quantity": self.quantity,
            "layout": self.layout,
            "passed": self.passed,
            "diagnosis": self.findings[0].name if self.findings else None,
            "findings": [_finding_dict(f) for f in self.findings],
            "cases": [_case_dict(c) for c in self.cases],
            "quantities": [
                {
                    "name": q.name,
                    "passed": q.passed,
                    "diagnosis": q.findings[0].name if q.findings else None,
                    "worst_relative_difference": _number(q.worst()),
                    "cases": [_case_dict(c) for c in q.cases],
                }
                for q in self.quantities
            ],
            "notes": list(self.notes),
            "output": self.output,
            "output_bytes": self.output_bytes,
        }


def _case_dict(c: CaseLine) -> dict:
    return {
        "kind": c.kind,
        "B": c.B,
        "status": c.status,
        "relative_difference": _number(c.relative),
        "tolerance_used": _number(c.used),
        "detail": c.detail,
    }


def _quantity_table(quantities: tuple[QuantityReport, ...]) -> list[str]:
    width = max(len(q.name) for q in quantities)
    lines = ["  quantities:"]
    for q in quantities:
        worst = q.worst()
        shown = "" if worst is None else f"  worst relative difference {worst:.3g}"
        verdict = "ok" if q.passed else (q.findings[0].name if q.findings else "wrong")
        lines.append(f"    {q.name:<{width}}  {verdict:<15}{shown}")
    return lines


def _quantity_findings(q: QuantityReport, say_headline: bool) -> list[str]:
    """A quantity's findings; its input's arrays only under the headline (the quantities
    after it show where they differ)."""
    lines = [f"  {q.findings[0].message}"] if say_headline else []
    lines += [f"  also: {finding.message}" for finding in q.findings[1:]]
    return lines + _evidence(q.findings[0], arrays=not say_headline)


def _inputs(cases: tuple[CaseLine, ...]) -> list[str]:
    lines = ["  inputs:"]
    width = max(len(c.kind) for c in cases) if cases else 0
    for case in cases:
        shown = "" if case.relative is None else f"  relative difference {case.relative:.3g}"
        detail = f"  {case.detail}" if case.detail else ""
        lines.append(f"    {case.kind:<{width}}  B = {case.B:<3} {case.status:<8}{shown}{detail}")
    return lines


def combined(reports: tuple[QuantityReport, ...]) -> tuple[CaseLine, ...]:
    """Per input, the worst status over the quantities, and which quantities failed there."""
    if len(reports) == 1:
        return reports[0].cases
    lines = []
    for rows in zip(*(q.cases for q in reports), strict=True):
        worst = max(rows, key=lambda c: _ORDER.index(c.status) if c.status in _ORDER else 0)
        relative = [c.relative for c in rows if c.relative is not None]
        failing = [q.name for q, c in zip(reports, rows, strict=True) if c.status != "ok"]
        detail = worst.detail
        if failing and worst.status != "not run":
            detail = f"{', '.join(failing)}" + (f": {detail}" if detail else "")
        lines.append(
            CaseLine(rows[0].kind, rows[0].B, worst.status, max(relative, default=None), detail)
        )
    return tuple(lines)


def _number(value: float | None) -> float | str | None:
    if value is None:
        return None
    value = float(value)
    return value if math.isfinite(value) else str(value)


def _array(array: numpy.ndarray | None) -> object:
    if array is None:
        return None
    array = numpy.asarray(array)
    if array.dtype.kind in "iu":  # class labels stay integers
        return array.tolist()
    return numpy.vectorize(_number, otypes=[object])(array.astype(float)).tolist()


def _finding_dict(finding: Finding) -> dict:
    out: dict = {"name": finding.name, "message": finding.message}
    r, c = finding.case, finding.comparison
    if r is not None:
        out["input"] = {
            "kind": r.case.kind,
            "B": r.case.B,
            "arrays": {p: _array(v) for p, v in _received(r).items()},
        }
    if c is not None and r is not None and r.answer is not None:
        out["yours"] = _array(r.answer.array)
        out["derivation"] = _array(c.expected)
        out["worst_entry"] = list(c.worst)
        out["worst_relative_difference"] = _number(c.relative)
        out["allowed_difference"] = c.allowed
    return out


def _received(r: CaseRun) -> dict[str, numpy.ndarray]:
    """The arrays the function received at this case, by its parameter names."""
    return dict(r.inputs) if r.inputs else {}


def _evidence(finding: Finding, arrays: bool = True) -> list[str]:
    """The smallest input that shows the finding, both values where they differ most, and
    (``arrays``) what the function received there."""
    r, c = finding.case, finding.comparison
    if r is None:
        return []
    lines = [f"  smallest input that shows it: {r.case.kind}, B = {r.case.B}"]
    if c is not None and r.answer is not None and r.answer.array is not None:
        at = "[" + ", ".join(map(str, c.worst)) + "]" if c.worst else ""
        yours = r.answer.array[c.worst] if c.worst else r.answer.array
        lines.append(
            f"    where they differ most, {finding_quantity(finding)}{at}: yours "
            f"{float(yours):.6g}, the derivation's {float(c.expected[c.worst]):.6g}"
        )
    for name, value in _received(r).items() if arrays else ():
        value = numpy.asarray(value)
        if value.size <= MAX_SHOWN:
            text = numpy.array2string(value, precision=4, separator=", ").replace("\n", "")
            lines.append(f"    {name} = {text}")
        else:
            lines.append(f"    {name}: shape {value.shape} (the values are in --json / to_dict())")
    return lines


def finding_quantity(finding: Finding) -> str:
    return finding.message.split(" ", 1)[0].rstrip(":")


def quantity_report(run: Run, findings: list[Finding]) -> QuantityReport:
    return QuantityReport(
        run.options.quantity.name,
        run.passed,
        tuple(findings),
        tuple(CaseLine.of(r) for r in run.results),
    )
