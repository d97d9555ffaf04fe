"""The statuses of a step, beyond the checker's verdicts (``proved``, ``refuted``, ``undecided``),
and which of them fail a run. A light module: the shells (the CLI, JUnit, reports, the file
cache) read it without importing the checker.

A post's row may also be ``cannot read``, ``cannot check``, ``not a claim`` (a definition, a
condition, an assumption: reported, never judged) or ``not checked`` (an ``=`` in a note after
``&&``). A row passes (exit 0, no JUnit failure, a passing pytest item) when it is proved, not
a claim or not checked.
"""

from __future__ import annotations

NOT_CHECKED = "not checked"  # an = in a note after &&: reported, never judged
NOT_A_CLAIM = "not a claim"  # a definition, a condition, an assumption: reported, never judged
# what reading a post reports instead of a verdict
POST_STATUSES = ("cannot read", "cannot check", NOT_A_CLAIM, NOT_CHECKED)
# statuses that are not failures: a proof, and what is not a claim
QUIET_STATUSES = ("proved", NOT_A_CLAIM, NOT_CHECKED)
PASSING = QUIET_STATUSES


def passes(status: str) -> bool:
    """Whether a row with ``status`` passes."""
    return status in QUIET_STATUSES
