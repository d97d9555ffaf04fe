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
from derive.sources.toml.file import DerivationFile
from derive.steps import Derivation, Step

CLAIM_WIDTH = 120
NOT_A_CLAIM = "not a claim"  # a post's definition, condition or assumption: reported, not judged
JSON_FIELDS = (
    "derivation",
    "step",
    "lhs",
    "rhs",
    "status",
    "needs",
    "counterexample",
    "seconds",
    "file",
    "line",
    "needs_detail",
    "method",
    "guard",
    "certified",
)


@dataclass(frozen=True)
class StepResult:
    """The verdict on one step of a file, with everything shown in the user's names.

    Attributes:
        file, line: where the step is written.
        derivation: the derivation's name; step: the step's number in it (1-based).
        text: the step's expression as written; lhs, rhs: the previous line and this one.
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

    @property
    def status(self) -> str:
        return self.verdict.status

    def row(self) -> dict[str, object]:
        """A JSON-ready dict with the fields of ``derive prove --json`` plus file and line;
        ``needs`` as text (``label: relation``), ``needs_detail`` machine-readable."""
        return {
            "derivation": self.derivation,
            "step": self.step,
            "lhs": self.lhs,
            "rhs": self.rhs,
            "status": self.status,
            "needs": self.verdict.needs_text(self.labels),
            "file": self.file,
            "line": self.line,
            "needs_detail": [assumption_record(n, self.labels.get(n)) for n in self.verdict.needs],
            **self.verdict.record(),
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
    results = []
    for number, derivation in enumerate(loaded.derivations):
        report = derivation.check(timeout=timeout, seed=seed, limits=limits)
        claims = zip(derivation.claims(), report.verdicts, strict=True)
        for index, ((previous, step), verdict) in enumerate(claims):
            results.append(_result(loaded, number, index, previous, step, verdict))
    return results


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
    alone = Derivation(chain.name, previous, (claimed,), assume=chain.assume)
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
    )
    return StepResult(
        file=loaded.path,
        line=where.line,
        derivation=loaded.derivations[number].name,
        step=index + 1,
        text=where.text,
        lhs=str(loaded.show(previous)),
        rhs=str(loaded.show(step.expr)),
        verdict=shown,
        labels={loaded.show(n): label for n, label in loaded.labels.items()},
    )


def passes(status: str) -> bool:
    """Whether a row with ``status`` passes (exit 0, no JUnit failure): proved, or, in a
    post, not a claim (a definition, a condition, an assumption: reported, never judged)."""
    return status in ("proved", NOT_A_CLAIM)


def summary(results: Sequence[StepResult], files: int, seconds: float) -> str:
    """``2 files, 9 steps: 8 proved, 1 refuted, 0 undecided (3.1 s)``."""
    counts = Counter(r.status for r in results)
    posts = ("cannot read", "cannot check", NOT_A_CLAIM)
    shown = [*STATUSES, *(s for s in posts if counts[s])]
    statuses = ", ".join(f"{counts[s]} {s}" for s in shown)
    files_text = f"{files} file" + ("" if files == 1 else "s")
    steps_text = f"{len(results)} step" + ("" if len(results) == 1 else "s")
    return f"{files_text}, {steps_text}: {statuses} ({seconds:.1f} s)"
