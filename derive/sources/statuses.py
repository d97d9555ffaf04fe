"""The statuses of a checked row, and which of them pass (light: no SymPy, so that the command
line can answer from its file cache without loading the checker).

A verdict of the checker is ``proved``, ``refuted`` or ``undecided``; a post's row may also be
``cannot read``, ``cannot check`` or ``not a claim`` (a definition, a condition, an assumption:
reported, never judged). A row passes (exit 0, no JUnit failure, a passing pytest item) when it
is proved or is not a claim.
"""

from __future__ import annotations

NOT_A_CLAIM = "not a claim"
POST_STATUSES = ("cannot read", "cannot check", NOT_A_CLAIM)
PASSING = ("proved", NOT_A_CLAIM)


def passes(status: str) -> bool:
    """Whether a row with ``status`` passes."""
    return status in PASSING
