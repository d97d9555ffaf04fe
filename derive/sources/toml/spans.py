"""Where values are written in a TOML file: tomllib returns values without positions.

A small scanner over the raw text (already validated by tomllib) records every string literal
(its decoded value, its key and where it starts) and every table header, in one pass. A value
is then looked up inside its table: the loader asks for "the first literal with this value, not
yet claimed, inside the n-th ``[[derivation]]``". Lookups go through an index by key and value
and headers through an index by path, so loading stays linear in the size of the file (a scan of
every literal per lookup made 16,000 derivations take minutes). Per-character file offsets, for
a column inside an expression across escapes and multi-line strings, are decoded again on
demand, for the few literals that need them: kept for every literal they cost about 60 bytes a
character.
"""

from __future__ import annotations

import bisect
import re
from array import array
from collections.abc import Callable
from dataclasses import dataclass, field

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
_SPECIAL = {'"': re.compile(r'["\\]'), "'": re.compile("'")}

Region = tuple[int, int]


@dataclass(frozen=True, slots=True)
class Literal:
    """A string literal: its value, where it starts and the key it belongs to."""

    value: str
    start: int  # the opening quote
    key: str = ""  # the key it is the value of (for an array item, the array's key)
    text: str = field(default="", repr=False, compare=False)  # the file, to decode offsets

    def offset(self, index: int) -> int:
        """The file offset of character ``index`` of the value (clamped to the literal)."""
        offsets: list[int] = []
        _string(self.text, self.start, self.key, offsets, max(0, index) + 1)
        return offsets[min(max(0, index), len(offsets) - 1)]


@dataclass(frozen=True, slots=True)
class Header:
    path: str  # "symbols", "derivation", "derivation.steps"
    start: int


class Spans:
    """Positions in one TOML text: literals, headers, and offset -> (line, column)."""

    def __init__(self, text: str) -> None:
        self.text = text
        # offsets where lines start, as machine integers (a list of ints costs 9 MB a million)
        self._line_starts = array("q", [0])
        self._line_starts.extend(m.end() for m in re.finditer("\n", text))
        # (key, value) -> where literals with it start, in file order: one offset, or a list
        # (most values are written once; a list each would double the memory of loading)
        self._by_value: dict[tuple[str, str], int | list[int]] = {}
        self.headers = _scan(text, self._add)
        self._by_path: dict[str, list[int]] = {}  # path -> header numbers, in order
        for number, header in enumerate(self.headers):
            self._by_path.setdefault(header.path, []).append(number)
        self._claimed: set[int] = set()  # starts of claimed literals written once
        self._next: dict[tuple[str, str], list[int]] = {}  # see _unclaimed

    def _add(self, key: str, value: str, start: int) -> None:
        entry = (key, value)
        known = self._by_value.get(entry)
        if known is None:
            self._by_value[entry] = start
        elif isinstance(known, int):
            self._by_value[entry] = [known, start]
        else:
            known.append(start)

    def position(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of a file offset."""
        line = bisect.bisect_right(self._line_starts, offset)
        return line, offset - self._line_starts[line - 1] + 1

    def region(self, path: str, index: int = 0) -> Region:
        """The text of table ``path`` (the ``index``-th of an array of tables) and its subtables.

        The whole file when there is no such header (the table was written inline).
        """
        matching = self._by_path.get(path, [])
        if index >= len(matching):
            return 0, len(self.text)
        number = matching[index]
        following = number + 1  # subtables ([[derivation.steps]]) belong to the region
        while following < len(self.headers) and self.headers[following].path.startswith(path + "."):
            following += 1
        end = self.headers[following].start if following < len(self.headers) else len(self.text)
        return self.headers[number].start, end

    def find(self, value: str, region: Region, keys: tuple[str, ...]) -> Literal | None:
        """The first unclaimed literal with this value, the value of one of ``keys``, inside
        ``region``; it is then claimed (so equal values written twice are found in order)."""
        best: tuple[int, str, int] | None = None  # start, key, position in the key's list
        for key in keys:
            starts = self._by_value.get((key, value))
            if isinstance(starts, int):
                found = None if starts in self._claimed else (starts, -1)
            elif starts is not None:
                at = self._unclaimed((key, value), bisect.bisect_left(starts, region[0]))
                found = (starts[at], at) if at < len(starts) else None
            else:
                found = None
            inside = found is not None and region[0] <= found[0] < region[1]
            if inside and (best is None or found[0] < best[0]):
                best = (found[0], key, found[1])
        if best is None:
            return None
        start, key, at = best
        if at < 0:
            self._claimed.add(start)
        else:
            self._next[key, value][at] = at + 1  # claimed: lookups skip to the next one
        return Literal(value, start, key, self.text)

    def _unclaimed(self, entry: tuple[str, str], at: int) -> int:
        """The first position >= ``at`` in ``entry``'s list that is not claimed (a disjoint-set
        "next free" array with path halving: a value written 100,000 times stays linear)."""
        following = self._next.get(entry)
        if following is None:
            count = len(self._by_value[entry])  # type: ignore[arg-type]
            following = self._next[entry] = list(range(count + 1))
        while following[at] != at:
            following[at] = following[following[at]]
            at = following[at]
        return at

    def key_line(self, key: str, region: Region) -> int:
        """The line where ``key =`` is written inside ``region`` (else the region's first)."""
        name = re.escape(key)
        pattern = re.compile(rf"^[ \t]*(?:{name}|\"{name}\"|'{name}')[ \t]*=", re.MULTILINE)
        match = pattern.search(self.text, region[0], region[1])
        return self.position(match.start() if match else region[0])[0]


def _scan(text: str, add: Callable[[str, str, int], None]) -> list[Header]:
    """Every table header, in order; every string value is handed to ``add`` (key, value,
    start), not kept: the file's literals would cost more memory than the file."""
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
                add(literal.key, literal.value, literal.start)
            line_start = False
        elif bare := _BARE_KEY.match(text, i):
            key = bare.group()
            i = bare.end()
            line_start = False
        else:
            depth += (ch in "[{") - (ch in "]}")
            line_start = False
            i += 1
    return headers


def _line_end(text: str, i: int) -> int:
    end = text.find("\n", i)
    return len(text) if end < 0 else end


def _string(
    text: str, i: int, key: str, offsets: list[int] | None = None, upto: int | None = None
) -> tuple[Literal, int]:
    """Decode the literal whose opening quote is at ``i``; return it and the offset after it.

    With ``offsets``, also record the file offset of each decoded character (then one past
    the last), stopping once ``upto`` are recorded; without, whole runs of plain characters are
    copied at once (the scanner's pass over the file)."""
    quote = text[i]
    multi = text.startswith(quote * 3, i)
    j = i + (3 if multi else 1)
    if multi and text.startswith("\n", j):  # a newline right after the opening is trimmed
        j += 1
    chars: list[str] = []
    special = _SPECIAL[quote]
    while j < len(text):
        if offsets is not None and upto is not None and len(offsets) >= upto:
            return Literal("".join(chars), i, key, text), j
        if text[j] == quote:
            run = _run(text, j, quote) if multi else 1
            if run >= (3 if multi else 1):
                extra = run - 3 if multi else 0  # """a""""" holds a"" (TOML)
                chars.append(quote * extra)
                if offsets is not None:
                    offsets.extend(range(j, j + extra))
                    offsets.append(j + run - (3 if multi else 1))
                return Literal("".join(chars), i, key, text), j + run
        if quote == '"' and text[j] == "\\":
            j = _escape(text, j, multi, chars, offsets)
            continue
        if offsets is None:  # copy up to the next quote or backslash in one piece
            found = special.search(text, j + 1)
            stop = found.start() if found else len(text)
            chars.append(text[j:stop])
            j = stop
            continue
        chars.append(text[j])
        offsets.append(j)
        j += 1
    if offsets is not None:
        offsets.append(len(text))
    return Literal("".join(chars), i, key, text), len(text)


def _run(text: str, j: int, quote: str) -> int:
    end = j
    while end < len(text) and text[end] == quote:
        end += 1
    return end - j


def _escape(text: str, j: int, multi: bool, chars: list[str], offsets: list[int] | None) -> int:
    code = text[j + 1 : j + 2]
    if code in _ESCAPES:
        chars.append(_ESCAPES[code])
        if offsets is not None:
            offsets.append(j)
        return j + 2
    if code in _HEX_WIDTH:
        width = _HEX_WIDTH[code]
        chars.append(chr(int(text[j + 2 : j + 2 + width], 16)))
        if offsets is not None:
            offsets.append(j)
        return j + 2 + width
    if multi:  # a line-ending backslash swallows the line break and following whitespace
        k = j + 1
        while k < len(text) and text[k] in " \t\r\n":
            k += 1
        return k
    chars.append("\\")
    if offsets is not None:
        offsets.append(j)
    return j + 1
