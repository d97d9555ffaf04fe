"""One step of a post as reported: :class:`PostResult`, in the post's names and positions
(``check`` makes them; reports, JSON and JUnit read them)."""

from __future__ import annotations

from dataclasses import dataclass

from derive.checker.verdict import Verdict
from derive.sources.oneline import one_line, one_line_path
from derive.sources.posts.kinds import CLAIM
from derive.sources.statuses import POST_STATUSES

CLAIM_WIDTH = 120


@dataclass(frozen=True)
class PostResult:
    """The outcome of one step of a post.

    Attributes:
        file, line, column: where the step's ``=`` is.
        derivation: its chain ("eq. (3)", "line 107"); step: its number in the chain.
        lhs, rhs: both sides as written (LaTeX); status: proved, refuted, undecided,
            cannot read or cannot check; detail: the rest of the report line.
        verdict: the checker's verdict in the post's names (for the JSON and JUnit fields);
            an empty "undecided" one when the checker was not asked. Its ``needs`` are text:
            ``label: relation`` for a declared ``[assume]``, else the relation (``k ≤ K``).
        defaults: what the file's check assumed without a declaration.
        needs_detail: per assumption used, its label, relation as shown and SymPy form.
        kind: what the ``=`` is: "claim", "definition", "condition", "assumption" or
            "note" (only claims are judged; the others have status "not a claim").
        conditions: the conditions the claim was checked under, as written.
    """

    file: str
    line: int
    column: int
    derivation: str
    step: int
    lhs: str
    rhs: str
    status: str
    detail: str
    verdict: Verdict
    defaults: tuple[str, ...] = ()
    needs_detail: tuple[dict[str, str | None], ...] = ()
    kind: str = CLAIM
    conditions: str = ""

    @property
    def text(self) -> str:
        claim = f"{self.lhs} = {self.rhs}" if self.lhs else self.rhs
        if len(claim) > CLAIM_WIDTH:
            claim = claim[: CLAIM_WIDTH - 3] + "..."
        return claim + (f" (if {self.conditions})" if self.conditions else "")

    def message(self) -> str:
        """``file:line:col: status: ...``, one line: the post's text in it with control
        characters escaped (``oneline``), as for a derivation file's steps; what is not a
        claim says what it is (``not a claim: defines sigma: ...``)."""
        where = f"{one_line_path(self.file)}:{self.line}:{self.column}: {self.status}: "
        if self.status in POST_STATUSES:
            return one_line(where + self.detail + (f": {self.text}" if self.text else ""))
        return one_line(where + f"{self.text}{self.detail}")

    def row(self) -> dict[str, object]:
        return {
            "derivation": self.derivation,
            "step": self.step,
            "lhs": self.lhs,
            "rhs": self.rhs,
            "status": self.status,
            "needs": [str(n) for n in self.verdict.needs],
            "file": self.file,
            "line": self.line,
            "needs_detail": list(self.needs_detail),
            **self.verdict.record(),
            "column": self.column,
            "detail": self.detail,
            "defaults": list(self.defaults),
            "kind": self.kind,
            "conditions": self.conditions,
        }
