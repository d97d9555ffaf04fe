"""Check a loaded derivation file: one :class:`StepResult` per step, in the user's names.

Shared by ``derive check`` (text, JSON, JUnit XML) and the pytest plugin, so both print the
same ``file:line: status: ...`` line for a step.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from sympy import Basic

from derive.checker.equal import DEFAULT_TIMEOUT
from derive.checker.limits import Limits
from derive.checker.verdict import STATUSES, Verdict
from derive.notation import assumption_record
from derive.sources.oneline import one_line, one_line_path
from derive.sources.statuses import POST_STATUSES
from derive.sources.toml.file import DerivationFile
from derive.steps import Derivation, Step

CLAIM_WIDTH = 120


@dataclass(frozen=True)
class StepResult:
    """The verdict on one step of a file, with everything shown in the user's names.

    Attributes:
        file, line: where the step is written; column: where its expression starts.
        derivation: the derivation's name; step: the step's number in it (1-based).
        text: the step's expression as written; lhs, rhs: the previous line and this one, in
            SymPy's form with the user's names; before: the previous line as written.
        verdict: the checker's verdict, its symbols renamed back to the user's names.
        labels: the labels of the file's assumptions (``[assume]`` keys), by relation as shown.
    """

    file: str
    line: int
    derivation: str
    step: int
    text: str
    lhs: str
    rhs: str
    verdict: Verdict
    labels: Mapping[Basic, str] = field(default_factory=dict, compare=False)
    column: int = 1
    before: str = ""

    @property
    def status(self) -> str:
        return self.verdict.status

    def row(self) -> dict[str, object]:
        """A JSON-ready dict with the fields of ``derive prove --json`` plus file, line and
        column: ``lhs`` and ``rhs`` as the file writes them (``lhs_sympy``, ``rhs_sympy``: as
        derive read them), ``needs`` as text (``label: relation``), ``needs_detail``
        machine-readable."""
        return {
            "derivation": self.derivation,
            "step": self.step,
            "lhs": self.before,
            "rhs": self.text,
            "status": self.status,
            "needs": self.verdict.needs_text(self.labels),
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "needs_detail": [assumption_record(n, self.labels.get(n)) for n in self.verdict.needs],
            **self.verdict.record(),
            "lhs_sympy": self.lhs,
            "rhs_sympy": self.rhs,
        }

    def message(self) -> str:
        """``file:line: status: derivation, step n: claim <verdict details>``, one line: the
        user's text in it (file, name, claim, details) with control characters escaped."""
        claim = self.text if len(self.text) <= CLAIM_WIDTH else self.text[: CLAIM_WIDTH - 3] + "..."
        details = self.verdict.text(self.labels)[len(self.status) :]
        where = f"{one_line_path(self.file)}:{self.line}: {self.status}"
        return one_line(f"{where}: {self.derivation}, step {self.step}: {claim}{details}")


def check_file(
    loaded: DerivationFile,
    *,
    timeout: float | None = DEFAULT_TIMEOUT,
    seed: int = 0,
    limits: Limits | None = None,
) -> list[StepResult]:
    """Check every derivation of a loaded file (``Derivation.check``); one result per step.
    ``timeout`` is the time guard per step; ``limits`` the deterministic limits."""
    return [
        result
        for number in range(len(loaded.derivations))
        for result in check_derivation(loaded, number, timeout=timeout, seed=seed, limits=limits)
    ]


def check_derivation(
    loaded: DerivationFile,
    number: int,
    *,
    timeout: float | None = DEFAULT_TIMEOUT,
    seed: int = 0,
    limits: Limits | None = None,
) -> list[StepResult]:
    """Check derivation ``number`` (0-based) of a loaded file; one result per step."""
    derivation = loaded.derivations[number]
    report = derivation.check(timeout=timeout, seed=seed, limits=limits)
    claims = zip(derivation.claims(), report.verdicts, strict=True)
    return [
        _result(loaded, number, index, previous, step, verdict)
        for index, ((previous, step), verdict) in enumerate(claims)
    ]


def check_step(
    loaded: DerivationFile,
    derivation: int,
    step: int,
    *,
    timeout: float | None = DEFAULT_TIMEOUT,
    seed: int = 0,
    limits: Limits | None = None,
) -> StepResult:
    """Check one step (0-based indices) alone, exactly as ``check_file`` would."""
    chain = loaded.derivations[derivation]
    previous, claimed = list(chain.claims())[step]
    alone = Derivation(chain.name, previous, (claimed,), assume=chain.assume, layout=chain.layout)
    verdict = alone.check(timeout=timeout, seed=seed, limits=limits).verdicts[0]
    return _result(loaded, derivation, step, previous, claimed, verdict)


def _result(
    loaded: DerivationFile, number: int, index: int, previous: Basic, step: Step, verdict: Verdict
) -> StepResult:
    where = loaded.where[number][index]
    counterexample = verdict.counterexample
    shown = dataclasses.replace(
        verdict,
        needs=tuple(loaded.show(n) for n in verdict.needs),
        counterexample=None
        if counterexample is None
        else {loaded.show(k): v for k, v in counterexample.items()},
        method=loaded.text(verdict.method),
        caveats=tuple(loaded.text(c) for c in verdict.caveats),
        slip=loaded.text(verdict.slip),
    )
    before = loaded.where[number][index - 1].text if index else " ".join(_start(loaded, number))
    return StepResult(
        file=loaded.path,
        line=where.line,
        column=where.column,
        before=before,
        derivation=loaded.derivations[number].name,
        step=index + 1,
        text=where.text,
        lhs=str(loaded.show(previous)),
        rhs=str(loaded.show(step.expr)),
        verdict=shown,
        labels={loaded.show(n): label for n, label in loaded.labels.items()},
    )


def _start(loaded: DerivationFile, number: int) -> list[str]:
    """The words of derivation ``number``'s start as written (none if unknown)."""
    return loaded.starts[number].split() if number < len(loaded.starts) else []


def summary(results: Sequence[StepResult], files: int, seconds: float) -> str:
    """``2 files, 9 steps: 8 proved, 1 refuted, 0 undecided (3.1 s)``."""
    counts = Counter(r.status for r in results)
    shown = [*STATUSES, *(s for s in POST_STATUSES if counts[s])]
    statuses = ", ".join(f"{counts[s]} {s}" for s in shown)
    files_text = f"{files} file" + ("" if files == 1 else "s")
    steps_text = f"{len(results)} step" + ("" if len(results) == 1 else "s")
    return f"{files_text}, {steps_text}: {statuses} ({seconds:.1f} s)"
