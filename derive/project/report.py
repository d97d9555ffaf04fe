"""The report of checking files: what ``derive check`` prints and ``derive.check_file`` returns.

A :class:`FileReport` holds the step results of one or more files (derivation files, posts,
papers), the files with nothing to check, and the time taken. ``str()`` is ``derive check``'s
text (the steps not proved, then the summary line); Jupyter shows it as a table.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from derive.render.records import VERDICTS
from derive.render.results import results_html, results_latex, results_markdown
from derive.sources.oneline import one_line, one_line_path
from derive.sources.statuses import POST_STATUSES, QUIET_STATUSES

if TYPE_CHECKING:
    from derive.checker.verdict import Verdict
    from derive.project.run import Result


@dataclass(frozen=True)
class FileReport:
    """The results of checking files, one per step, in file order.

    Attributes:
        files: the files checked, in order (those with nothing to check too).
        results: per step, a ``StepResult`` (derivation files) or ``PostResult`` (posts):
            ``file``, ``line``, ``derivation``, ``step``, ``status``, ``verdict``,
            ``message()`` (the one-line report) and ``row()`` (the JSON fields).
        nothing: file -> why there is nothing to check in it.
        defaults: file -> what a post's check assumed without a declaration.
        seconds: the time taken (not part of the verdicts).
    """

    files: tuple[str, ...]
    results: tuple[Result, ...]
    nothing: Mapping[str, str] = field(default_factory=dict)
    defaults: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def proved(self) -> bool:
        """True iff a step is proved and every step is (an = in a note, not checked, is no
        step to prove; nothing checked is not a pass)."""
        proved = any(r.status == "proved" for r in self.results)
        return proved and all(r.status in QUIET_STATUSES for r in self.results)

    @property
    def status(self) -> str:
        """ "proved", "refuted" if any step is, else "undecided" (also for "cannot read"...);
        "nothing to check" when no file had a step."""
        if not self.results:
            return "nothing to check"
        if self.proved:
            return "proved"
        return "refuted" if any(r.status == "refuted" for r in self.results) else "undecided"

    @property
    def verdicts(self) -> tuple[Verdict, ...]:
        return tuple(r.verdict for r in self.results)

    @property
    def failed(self) -> tuple[Result, ...]:
        """The steps not proved (an = in a note, not checked, is not a failure)."""
        return tuple(r for r in self.results if r.status not in QUIET_STATUSES)

    def rows(self) -> list[dict[str, object]]:
        """The JSON fields of every step (docs/ci.md)."""
        return [r.row() for r in self.results]

    def summary(self) -> str:
        """``2 files, 9 steps: 8 proved, 1 refuted, 0 undecided; 1 file with nothing to
        check (3.1 s)``."""
        counts = Counter(r.status for r in self.results)
        shown = [*VERDICTS, *(s for s in POST_STATUSES if counts[s])]
        statuses = ", ".join(f"{counts[s]} {s}" for s in shown)
        files = len(self.files)
        text = f"{files} file{'' if files == 1 else 's'}, {_steps(len(self.results))}: {statuses}"
        if self.nothing:
            empty = len(self.nothing)
            text += f"; {empty} file{'' if empty == 1 else 's'} with nothing to check"
        return f"{text} ({self.seconds:.1f} s)"

    def lines(self, verbose: bool = False) -> list[str]:
        """The report lines: a note per file with nothing to check, then every step not
        proved (``verbose``: every step), as ``derive check`` prints them."""
        notes = [f"{one_line_path(path)}: {one_line(why)}" for path, why in self.nothing.items()]
        steps = [r.message() for r in self.results if verbose or r.status not in QUIET_STATUSES]
        return [*notes, *steps]

    def __str__(self) -> str:
        return "\n".join([*self.lines(), self.summary()])

    def _repr_html_(self) -> str:
        return results_html(self.results, self.summary())

    def _repr_markdown_(self) -> str:
        return results_markdown(self.results, self.summary())

    def _repr_latex_(self) -> str:
        return results_latex(self.results, self.summary())


def _steps(count: int) -> str:
    return f"{count} step" + ("" if count == 1 else "s")
