"""What a terminal gets beyond plain lines: colour and a progress line, never in a pipe.

Colour marks the status words of a report on a terminal (``isatty``), unless ``NO_COLOR`` is
set to anything non-empty (no-color.org) or ``TERM`` is ``dumb``; ``FORCE_COLOR`` asks for it
where there is no terminal (CI logs that show colour). The codes are added after the report's
user text is escaped (``oneline``), so user text never carries a code of its own.

The progress line goes to stderr, only on a terminal, only once a run has taken 2 s, and is
rewritten in place and wiped at the end: stdout, what a pipe or a file receives, is the same
with or without it.
"""

from __future__ import annotations

import os
import sys
import time
from typing import TextIO

STATUS_COLOURS = {
    "proved": "32",  # green
    "refuted": "31",  # red
    "undecided": "33",  # yellow
    "cannot read": "35",  # magenta
    "cannot check": "35",
    "error": "31;1",
}
PROGRESS_AFTER = 2.0  # seconds before a progress line appears
PROGRESS_EVERY = 0.1  # at most ten redraws a second


def wants_colour(stream: TextIO) -> bool:
    """Whether to colour what goes to ``stream`` (see the module docstring)."""
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    if os.environ.get("TERM") == "dumb":
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def paint(text: str, status: str, colour: bool) -> str:
    """``text`` in the colour of ``status`` (unchanged without colour or a known status)."""
    code = STATUS_COLOURS.get(status)
    return f"\x1b[{code}m{text}\x1b[0m" if colour and code else text


def paint_status(line: str, status: str, colour: bool) -> str:
    """A report line with its first ``: status:`` coloured."""
    if not colour:
        return line
    marker = f": {status}"
    at = line.find(marker + ":")
    if at < 0:
        return line
    start = at + 2
    return line[:start] + paint(status, status, True) + line[start + len(status) :]


class Progress:
    """``derive: checked 12/40 steps (posts/a.md)`` on stderr, for long runs on a terminal."""

    def __init__(self, total: int, stream: TextIO | None = None, enabled: bool = True) -> None:
        self.stream = sys.stderr if stream is None else stream
        isatty = getattr(self.stream, "isatty", None)
        self.enabled = enabled and bool(isatty and isatty()) and total > 0
        self.total, self.done = total, 0
        self.start = time.monotonic()
        self.drawn = 0.0  # when the line was last drawn (0: never)
        self.where = ""

    def at(self, where: str) -> None:
        """Name what is being checked now."""
        self.where = where

    def advance(self, steps: int) -> None:
        """``steps`` more steps are judged."""
        self.done += steps
        now = time.monotonic()
        if not self.enabled or now - self.start < PROGRESS_AFTER:
            return
        if now - self.drawn < PROGRESS_EVERY and self.done < self.total:
            return
        self.drawn = now
        text = f"derive: checked {self.done}/{self.total} steps"
        if self.where:
            text += f" ({self.where})"
        self.stream.write("\r\x1b[K" + text[:200])
        self.stream.flush()

    def close(self) -> None:
        """Wipe the line, if one was drawn."""
        if self.drawn:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self.drawn = 0.0
