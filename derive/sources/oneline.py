"""User text in one-line reports, with control characters escaped.

Reports such as ``file:line: refuted: name, step 2: ...`` are read line by line: by people, by
problem matchers, and by CI runners that act on lines of their own. GitHub Actions, for one,
runs a line that starts with ``::`` as a workflow command (``::error file=...::``, ``::stop-
commands::``, ...). Derivation names, titles, justifications and file names come from pull
requests, so a newline in one would start such a line; ESC would drive the terminal. Every
piece of user text in a one-line report goes through :func:`one_line` (the file's path through
:func:`one_line_path`), so each report stays exactly one line and shows its text as written.
"""

from __future__ import annotations

import unicodedata

# invisible characters that reorder what a reader sees (Trojan Source, CVE-2021-42574)
_BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(char: str) -> str:
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def _is_control(char: str) -> bool:
    # Cc: C0, DEL and C1 (NEL among them); Zl, Zp: the Unicode line and paragraph separators
    return char in _BIDI or unicodedata.category(char) in ("Cc", "Zl", "Zp")


def one_line(text: str) -> str:
    """``text`` with every control character escaped as ``\\n``, ``\\x1b``, ``\\u2028``, ...

    Printable text, backslashes included, is left as it is: the result differs from ``text``
    only where ``text`` could break a line, drive a terminal or reorder what is shown.

    >>> one_line("dE/dz\\n::error::x\\x1b[2J")
    'dE/dz\\\\n::error::x\\\\x1b[2J'
    """
    if text.isprintable():  # the usual case: nothing to escape (bidi marks are not printable)
        return text
    return "".join(_escape(c) if _is_control(c) else c for c in text)


def one_line_path(path: str) -> str:
    """A file name at the start of a report line: escaped, and never starting with ``::``
    (``./::error...`` names the same file, and no runner reads it as a command)."""
    shown = one_line(path)
    return "./" + shown if shown.startswith(":") else shown
