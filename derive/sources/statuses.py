"""The statuses of a step, beyond the checker's verdicts (``proved``, ``refuted``, ``undecided``),
and which of them fail a run. A light module: the shells (the CLI, JUnit, reports, the file
cache) read it without importing the checker.
"""

from __future__ import annotations

NOT_CHECKED = "not checked"  # an = in a note after &&: reported, never judged
# what reading a post reports instead of a verdict
POST_STATUSES = ("cannot read", "cannot check", NOT_CHECKED)
# statuses that are not failures: a proof, and an = in a note (not a claim)
QUIET_STATUSES = ("proved", NOT_CHECKED)
