""" "Did you mean ...?" for names a user types: commands, options, limits, configuration keys.

Pure standard library, at the bottom of the layering, so that every stage that rejects a name
(the CLI's commands and options, the limits of ``checker`` and ``sources``, the keys of
``[tool.derive]``) can offer the nearest known one in the same words.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

CUTOFF = 0.6  # difflib's ratio: "chek" ~ "check" (0.89), "rewrite" ~ "rewrites" (0.93)


def close_matches(word: str, known: Iterable[str], most: int = 3) -> list[str]:
    """The known names nearest to ``word``, best first (none that is not close).

    >>> close_matches("chek", ["prove", "check", "emit"])
    ['check']
    """
    return difflib.get_close_matches(word, list(known), n=most, cutoff=CUTOFF)


def did_you_mean(word: str, known: Iterable[str]) -> str:
    """``" (did you mean 'check'?)"`` for the nearest known name, or ``""`` if none is close.

    >>> did_you_mean("--jsn", ["--json", "--junit-xml"])
    " (did you mean '--json'?)"
    """
    found = close_matches(word, known)
    if not found:
        return ""
    return " (did you mean " + " or ".join(repr(name) for name in found) + "?)"
