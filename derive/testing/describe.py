"""Exceptions of the user's code in one line, and text from the child made safe to print.

An exception is described by its type, the first line of its message and the innermost frame
in the user's own code (never one of derive's or NumPy's). Its message is the user's code too:
``__str__`` may raise (then the message is left out and that is said) or never end (the
parent's time limit stops it). Text that comes back from the child is shown as one printable
line: control characters (a carriage return or a terminal escape that would overwrite the
report's headline on screen) are written as ``\\xNN``, and its length is capped.
"""

from __future__ import annotations

import os
import traceback

import numpy

_DERIVE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_NUMPY = os.path.dirname(os.path.abspath(numpy.__file__))
LINE_LIMIT = 400  # characters of one line of the user's text in a report


def own_frame(error: BaseException) -> traceback.FrameSummary | None:
    """The innermost frame of the error outside derive and NumPy (else the innermost)."""
    try:
        frames = traceback.extract_tb(error.__traceback__)
    except Exception:  # a frame whose source cannot be read
        return None
    own = [f for f in frames if not os.path.abspath(f.filename).startswith((_DERIVE, _NUMPY))]
    return (own or frames or [None])[-1]


def where(error: BaseException) -> str:
    """ " (file.py:12 in name)" for the innermost frame in the user's code, or ""."""
    frame = own_frame(error)
    if frame is None:
        return ""
    return f" ({os.path.basename(frame.filename)}:{frame.lineno} in {frame.name})"


def _message(error: BaseException) -> str:
    try:
        text = str(error)
    except BaseException as inner:  # the user's __str__ raised
        return f"(its message could not be shown: str() raised {type(inner).__name__})"
    if not isinstance(text, str):
        return ""
    lines = text.strip().splitlines()
    return lines[0] if lines else ""


def describe(error: BaseException, located: bool = True) -> str:
    """One line: the exception's type, message and (``located``) where in the user's code it
    came from."""
    message = _message(error)
    text = type(error).__name__ + (f": {message}" if message else "")
    return text + where(error) if located else text


def printable(text: object, limit: int = LINE_LIMIT) -> str:
    """``text`` as one printable line of at most ``limit`` characters."""
    if not isinstance(text, str):
        text = "" if text is None else repr(text)
    out = []
    for ch in text[: limit * 2]:
        if ch == "\n" or ch == "\t":
            out.append(" ")
        elif ch.isprintable():
            out.append(ch)
        else:
            out.append(f"\\x{ord(ch):02x}" if ord(ch) < 256 else f"\\u{ord(ch):04x}")
    line = "".join(out)
    return line if len(line) <= limit else line[: limit - 3] + "..."


def printable_block(text: str, lines: int, width: int = 200) -> list[str]:
    """The first ``lines`` lines of ``text``, each printable (for the child's output)."""
    rows = text.splitlines()
    shown = [printable(row, width) for row in rows[:lines]]
    if len(rows) > lines:
        shown.append(f"... ({len(rows) - lines} more lines)")
    return shown
