"""CodeReport: the verdict on a function, as text (for people and pytest) and as JSON rows."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy

from derive.testing.diagnosis import Finding
from derive.testing.run import CaseRun, Run

MAX_SHOWN = 24  # input arrays up to this many numbers are printed in the text report


@dataclass(frozen=True)
class CaseLine:
    """One input of the suite and how the function did there.

    Attributes:
        kind: what the input is chosen to break.
        B: its batch size.
        status: "ok", "wrong", "raised", "hung", "returned" or "not run".
        relative: the worst relative difference (None where nothing was compared).
        detail: the error, the wrong shape, ... in words ("" when ok).
    """

    kind: str
    B: int
    status: str
    relative: float | None
    detail: str

    @classmethod
    def of(cls, result: CaseRun) -> CaseLine:
        detail = ""
        if result.status == "raised":
            detail = result.outcome.error
        elif result.status == "returned":
            detail = result.answer.problem
        elif result.status == "hung":
            detail = "did not return in time"
        relative = result.comparison.relative if result.comparison is not None else None
        return cls(result.case.kind, result.case.B, result.status, relative, detail)


@dataclass(frozen=True)
class CodeReport:
    """The result of :func:`derive.testing.check_gradient_code`.

    Attributes:
        function: the function's name (module and qualified name).
        quantity: the proved result it was checked against (``dE_dW``).
        layout: the sizes and layout options, in words.
        passed: every input matched the derivation, with the input's dtype.
        findings: what is wrong, the headline first ((): nothing).
        cases: every input of the suite and the outcome there.
        notes: things worth knowing that are not failures (a square layer, in-place changes
            to the inputs, warnings).
    """

    function: str
    quantity: str
    layout: str
    passed: bool
    findings: tuple[Finding, ...]
    cases: tuple[CaseLine, ...]
    notes: tuple[str, ...]

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
        for finding in self.findings[1:]:
            lines.append(f"  also: {finding.message}")
        lines += _evidence(self.findings[0]) if self.findings else []
        lines.append("  inputs:")
        width = max(len(c.kind) for c in self.cases) if self.cases else 0
        for case in self.cases:
            shown = "" if case.relative is None else f"  relative difference {case.relative:.3g}"
            detail = f"  {case.detail}" if case.detail else ""
            lines.append(
                f"    {case.kind:<{width}}  B = {case.B:<3} {case.status:<8}{shown}{detail}"
            )
        lines += [f"  note: {note}" for note in self.notes]
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
            "cases": [
                {
                    "kind": c.kind,
                    "B": c.B,
                    "status": c.status,
                    "relative_difference": _number(c.relative),
                    "detail": c.detail,
                }
                for c in self.cases
            ],
            "notes": list(self.notes),
        }


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
            "arrays": {p: _array(v) for p, v in _inputs(r).items()},
        }
    if c is not None and r is not None and r.answer is not None:
        out["yours"] = _array(r.answer.array)
        out["derivation"] = _array(c.expected)
        out["worst_entry"] = list(c.worst)
        out["worst_relative_difference"] = _number(c.relative)
        out["allowed_difference"] = c.allowed
    return out


def _inputs(r: CaseRun) -> dict[str, numpy.ndarray]:
    """The arrays the function received at this case, by its parameter names."""
    return dict(r.inputs) if r.inputs else {}


def _evidence(finding: Finding) -> list[str]:
    """The smallest input that shows the finding, and both values where they differ most."""
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
    for name, value in _inputs(r).items():
        value = numpy.asarray(value)
        if value.size <= MAX_SHOWN:
            text = numpy.array2string(value, precision=4, separator=", ").replace("\n", "")
            lines.append(f"    {name} = {text}")
        else:
            lines.append(f"    {name}: shape {value.shape} (the values are in --json / to_dict())")
    return lines


def finding_quantity(finding: Finding) -> str:
    return finding.message.split(" ", 1)[0].rstrip(":")


def build(function: str, run: Run, findings: list[Finding], notes: list[str]) -> CodeReport:
    """The report of ``run`` with its diagnosis."""
    return CodeReport(
        function=function,
        quantity=run.options.quantity.name,
        layout=run.options.describe(),
        passed=run.passed,
        findings=tuple(findings),
        cases=tuple(CaseLine.of(r) for r in run.results),
        notes=tuple(notes),
    )
