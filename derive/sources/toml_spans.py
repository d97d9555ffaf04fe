"""Where values are written in a TOML file: tomllib returns values without positions.

A small scanner over the raw text (already validated by tomllib) records every string literal:
its decoded value and the file offset of each decoded character, so a column inside an
expression maps to the file's column even across escapes and multi-line strings. It also
records table headers, so a value can be looked up inside its table: the loader asks for "the
first literal with this value, not yet claimed, inside the n-th ``[[derivation]]``".
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

_HEADER = re.compile(r"(\[\[?)\s*([^\]#]*?)\s*\]")
_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+(?=[ \t]*[=.])")
_KEY_END = re.compile(r"[ \t]*[=.]")
_ESCAPES = {
    "b": "\b",
    "t": "\t",
    "n": "\n",
    "f": "\f",
    "r": "\r",
    '"': '"',
    "\\": "\\",
    "e": "\x1b",
}
_HEX_WIDTH = {"x": 2, "u": 4, "U": 8}

Region = tuple[int, int]


@dataclass(frozen=True)
class Literal:
    """A string literal: its value and, per character of the value, the offset in the file."""

    value: str
    offsets: tuple[int, ...]  # one per character of value, then one past the last
    start: int  # the opening quote
    key: str = ""  # the key it is the value of (for an array item, the array's key)

    def offset(self, index: int) -> int:
        """The file offset of character ``index`` of the value (clamped to the literal)."""
        return self.offsets[max(0, min(index, len(self.offsets) - 1))]


@dataclass(frozen=True)
class Header:
    path: str  # "symbols", "derivation", "derivation.steps"
    start: int


class Spans:
    """Positions in one TOML text: literals, headers, and offset -> (line, column)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._line_starts = [0] + [i + 1 for i, ch in enumerate(text) if ch == "\n"]
        self.literals, self.headers = _scan(text)
        self._claimed: set[int] = set()

    def position(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of a file offset."""
        line = bisect.bisect_right(self._line_starts, offset)
        return line, offset - self._line_starts[line - 1] + 1

    def region(self, path: str, index: int = 0) -> Region:
        """The text of table ``path`` (the ``index``-th of an array of tables) and its subtables.

        The whole file when there is no such header (the table was written inline).
        """
        matching = [h for h in self.headers if h.path == path]
        if index >= len(matching):
            return 0, len(self.text)
        start = matching[index].start
        following = (
            h.start for h in self.headers if h.start > start and not h.path.startswith(path + ".")
        )
        return start, next(following, len(self.text))

    def find(self, value: str, region: Region, keys: tuple[str, ...]) -> Literal | None:
        """The first unclaimed literal with this value, the value of one of ``keys``, inside
        ``region``; it is then claimed (so equal values written twice are found in order)."""
        for number, literal in enumerate(self.literals):
            inside = region[0] <= literal.start < region[1] and literal.key in keys
            if inside and literal.value == value and number not in self._claimed:
                self._claimed.add(number)
                return literal
        return None

    def key_line(self, key: str, region: Region) -> int:
        """The line where ``key =`` is written inside ``region`` (else the region's first)."""
        name = re.escape(key)
        pattern = re.compile(rf"^[ \t]*(?:{name}|\"{name}\"|'{name}')[ \t]*=", re.MULTILINE)
        match = pattern.search(self.text, region[0], region[1])
        return self.position(match.start() if match else region[0])[0]


def _scan(text: str) -> tuple[list[Literal], list[Header]]:
    literals: list[Literal] = []
    headers: list[Header] = []
    i, depth, line_start, key = 0, 0, True, ""
    while i < len(text):
        ch = text[i]
        if ch in " \t\r\n":
            line_start = line_start or ch == "\n"
            i += 1
        elif ch == "#":
            i = _line_end(text, i)
        elif ch == "[" and depth == 0 and line_start:
            match = _HEADER.match(text, i)
            path = re.sub(r"\s*\.\s*", ".", match.group(2)).replace('"', "") if match else ""
            headers.append(Header(path, i))
            i = _line_end(text, i)
        elif ch in "\"'":
            literal, i = _string(text, i, key)
            if _KEY_END.match(text, i):  # a quoted key, not a value
                key = literal.value
            else:
                literals.append(literal)
            line_start = False
        elif bare := _BARE_KEY.match(text, i):
            key = bare.group()
            i = bare.end()
            line_start = False
        else:
            depth += (ch in "[{") - (ch in "]}")
            line_start = False
            i += 1
    return literals, headers


def _line_end(text: str, i: int) -> int:
    end = text.find("\n", i)
    return len(text) if end < 0 else end


def _string(text: str, i: int, key: str) -> tuple[Literal, int]:
    """Decode the literal whose opening quote is at ``i``; return it and the offset after it."""
    quote = text[i]
    multi = text.startswith(quote * 3, i)
    j = i + (3 if multi else 1)
    if multi and text.startswith("\n", j):  # a newline right after the opening is trimmed
        j += 1
    chars: list[str] = []
    offsets: list[int] = []
    while j < len(text):
        if text[j] == quote:
            run = _run(text, j, quote) if multi else 1
            if run >= (3 if multi else 1):
                for extra in range(run - 3 if multi else 0):  # """a""""" holds a"" (TOML)
                    chars.append(quote)
                    offsets.append(j + extra)
                offsets.append(j + run - (3 if multi else 1))
                return Literal("".join(chars), tuple(offsets), i, key), j + run
        if quote == '"' and text[j] == "\\":
            j = _escape(text, j, multi, chars, offsets)
            continue
        chars.append(text[j])
        offsets.append(j)
        j += 1
    offsets.append(len(text))
    return Literal("".join(chars), tuple(offsets), i, key), len(text)


def _run(text: str, j: int, quote: str) -> int:
    end = j
    while end < len(text) and text[end] == quote:
        end += 1
    return end - j


def _escape(text: str, j: int, multi: bool, chars: list[str], offsets: list[int]) -> int:
    code = text[j + 1 : j + 2]
    if code in _ESCAPES:
        chars.append(_ESCAPES[code])
        offsets.append(j)
        return j + 2
    if code in _HEX_WIDTH:
        width = _HEX_WIDTH[code]
        chars.append(chr(int(text[j + 2 : j + 2 + width], 16)))
        offsets.append(j)
        return j + 2 + width
    if multi:  # a line-ending backslash swallows the line break and following whitespace
        k = j + 1
        while k < len(text) and text[k] in " \t\r\n":
            k += 1
        return k
    chars.append("\\")
    offsets.append(j)
    return j + 1
