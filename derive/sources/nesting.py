"""Nesting depth, measured before a recursive parser sees the text.

tomllib (TOML arrays and inline tables) and pylatexenc (TeX groups and environments) parse
nested structures by recursion: 500 nested ``[`` or ``{`` end in Python's RecursionError, a
traceback instead of a report. Real files nest a few levels. So the depth is measured first, in
one linear pass that knows only what hides a bracket (TOML strings and comments; TeX escapes and
comments), and a file nested deeper than ``MAX_NESTING`` is refused at the place where it goes
too deep: ``file:line:col: nested too deep (limit 100)``. A RecursionError that still happens is
reported the same way, at the file's start (:class:`NestedTooDeep` with offset 0).
"""

from __future__ import annotations

import re

MAX_NESTING = 100  # brackets, braces and environments open at once

# what can hide a bracket in TOML (strings, comments), and the brackets themselves
_TOML = re.compile(
    r'"""(?:[^"\\]|\\[\s\S]|"(?!""))*"""'  # multi-line basic string
    r"|'''[\s\S]*?'''"  # multi-line literal string
    r'|"(?:[^"\\\n]|\\.)*"'  # basic string
    r"|'[^'\n]*'"  # literal string
    r"|#[^\n]*"  # comment
    r"|[\[\]{}]"
)
# what opens and closes in TeX: environments, groups; escapes and comments hide braces
_TEX = re.compile(r"\\begin(?![A-Za-z])|\\end(?![A-Za-z])|\\[\s\S]|%[^\n]*|[{}]")
_OPENS = {"[": 1, "{": 1, "]": -1, "}": -1, "\\begin": 1, "\\end": -1}


class NestedTooDeep(ValueError):
    """Text nested deeper than ``MAX_NESTING``; ``offset`` is where (0 if unknown)."""

    def __init__(self, offset: int = 0) -> None:
        super().__init__(f"nested too deep (limit {MAX_NESTING})")
        self.offset = offset


def text_place(text: str, offset: int) -> tuple[int, int]:
    """1-based (line, column) of ``offset`` in ``text``."""
    return text.count("\n", 0, offset) + 1, offset - text.rfind("\n", 0, offset)


def _deepest(pattern: re.Pattern[str], text: str) -> int | None:
    depth = 0
    for found in pattern.finditer(text):
        depth += _OPENS.get(found.group(), 0)
        if depth > MAX_NESTING:
            return found.start()
    return None


def toml_too_deep(text: str) -> int | None:
    """The offset where TOML ``text`` nests deeper than ``MAX_NESTING``, or None.

    >>> toml_too_deep('a = "[[[["  # [[[[') is None
    True
    >>> toml_too_deep("a = " + "[" * 101 + "]" * 101)
    104
    """
    return _deepest(_TOML, text)


def tex_too_deep(text: str) -> int | None:
    r"""The offset where TeX ``text`` nests groups and environments deeper than
    ``MAX_NESTING``, or None (``\{``, ``\}`` and ``%`` comments do not count).

    >>> tex_too_deep(r"\{" * 500 + "% {{{{") is None
    True
    >>> tex_too_deep(r"\begin{a}" * 101)
    897
    """
    return _deepest(_TEX, text)
