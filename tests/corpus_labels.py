"""The corpus of posts in real notation (tests/corpus/): where its display equalities are, and
what each one is expected to be.

Independent of the reader under test: the displays and their ``=`` signs are found here with a
small scanner of our own (the corpus is ours, written in a few regular layouts), so a reader
that misses a display (math in a ``<div>``, kramdown's ``\\\\[``) loses rows instead of
shrinking the yardstick. The labels live beside each post in ``NAME.expect.toml``, keyed by line
and the ordinal of the ``=`` on that line; the format is in tests/corpus/README.md.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

CORPUS = Path(__file__).resolve().parent / "corpus"
CLASSES = ("claim", "definition", "condition", "assumption", "note", "ill-formed")
NON_CLAIMS = ("definition", "condition", "assumption", "note")

# A brace group opened right after one of these holds no relation: sum bounds and indices
# (`\sum_{k=1}`, `\mathbb{1}_{d=k}`), text, labels and tags.
_QUIET_GROUP = re.compile(r"(?:[_^]|\\(?:text|mathrm|mbox|label|tag|operatorname|textrm|ref))$")
_IVERSON = re.compile(r"\\math(?:bb|bf)\{[1I]\}$")  # `\mathbb{1}[d = k]`: an index, not a row
_ENVIRONMENTS = "equation|align|gather|multline|eqnarray|flalign|alignat"
_OPENERS = (
    ("$$", "$$"),
    ("\\\\[", "\\\\]"),  # kramdown's escaped `\[`
    ("\\[", "\\]"),
)
_BEGIN = re.compile(r"\\begin\{(" + _ENVIRONMENTS + r")\*?\}")


@dataclass(frozen=True)
class Row:
    """One display equality of a post and what it is expected to be.

    ``cls`` is claim, definition, condition, assumption, note or ill-formed (a matrix claim whose
    shapes do not conform); ``true`` says, for a claim, whether it holds (False: an author slip).
    ``column`` is 1-based, in characters, at the ``=`` (as derive reports it).
    """

    line: int
    eq: int
    column: int
    cls: str
    true: bool | None
    text: str
    why: str = ""


@dataclass(frozen=True)
class Post:
    path: Path
    family: str
    notation: str
    matrix: bool
    rows: tuple[Row, ...]


def display_spans(text: str, kind: str) -> list[tuple[int, int]]:
    """Character spans (start, end) of the display math of a post, delimiters excluded."""
    spans: list[tuple[int, int]] = []
    i, n = 0, len(text)
    skipped = _skipped_spans(text, kind)
    while i < n:
        hole = next((end for start, end in skipped if start <= i < end), None)
        if hole is not None:
            i = hole
            continue
        opened = _open_at(text, i)
        if opened is None:
            i += 1
            continue
        start, close = opened
        end = text.find(close, start)
        if end < 0:
            break
        spans.append((start, end))
        i = end + len(close)
    return spans


def _open_at(text: str, i: int) -> tuple[int, str] | None:
    """The display opening at ``i``: (where its content starts, its closing delimiter)."""
    for opener, closer in _OPENERS:
        if text.startswith(opener, i):
            if opener == "\\[" and i > 0 and text[i - 1] == "\\":
                return None  # the second half of `\\[` (kramdown), handled at i - 1
            return i + len(opener), closer
    begin = _BEGIN.match(text, i)
    if begin:
        name = text[i + len("\\begin{") : begin.end() - 1]
        return begin.end(), "\\end{" + name + "}"
    if text.startswith('<script type="math/tex; mode=display">', i):
        return text.index(">", i) + 1, "</script>"
    return None


def _skipped_spans(text: str, kind: str) -> list[tuple[int, int]]:
    """Front matter, code, HTML comments (Markdown) or % comments (TeX): never math."""
    patterns = (
        [r"\A---\n.*?\n---\n", r"^```(?!math).*?^```", r"<!--.*?-->", r"(?<!\\)`[^`\n]*`"]
        if kind == "md"
        else [r"(?<!\\)%[^\n]*"]
    )
    spans = []
    for pattern in patterns:
        spans += [m.span() for m in re.finditer(pattern, text, re.DOTALL | re.MULTILINE)]
    inline = r"(?<![\\$])\$(?!\$)[^$\n]+\$" if kind == "md" else r"(?<![\\$])\$(?!\$)[^$]+?\$"
    spans += [m.span() for m in re.finditer(inline, text)]
    return sorted(spans)


def relation_offsets(text: str, start: int, end: int) -> list[int]:
    """Offsets of the ``=`` signs of ``text[start:end]`` that a reader sees as relations: not in
    a sub- or superscript group, text, label or Iverson bracket."""
    found, groups = [], []
    i = start
    while i < end:
        char = text[i]
        if char == "\\" and i + 1 < end and text[i + 1] in "{}[]$\\":
            i += 2
            continue
        before = text[start:i]
        if char == "{":
            groups.append(bool(_QUIET_GROUP.search(before)))
        elif char == "[" and _IVERSON.search(before):
            groups.append(True)
        elif char in "}]" and groups:
            groups.pop()
        elif char == "=" and not any(groups):
            found.append(i)
        i += 1
    return found


def display_equalities(text: str, kind: str) -> list[tuple[int, int, int]]:
    """(line, ordinal on the line, 1-based column) of every display equality, in file order."""
    starts = [0] + [m.end() for m in re.finditer("\n", text)]
    result, counts = [], {}
    for start, end in display_spans(text, kind):
        for offset in relation_offsets(text, start, end):
            line = _line_of(starts, offset)
            counts[line] = counts.get(line, 0) + 1
            result.append((line, counts[line], offset - starts[line - 1] + 1))
    return result


def _line_of(starts: list[int], offset: int) -> int:
    low, high = 0, len(starts)
    while high - low > 1:
        middle = (low + high) // 2
        low, high = (middle, high) if starts[middle] <= offset else (low, middle)
    return low + 1


def kind_of(path: Path) -> str:
    return "tex" if path.suffix == ".tex" else "md"


def load_post(path: Path) -> Post:
    """A post and its labels. Raises ValueError when a label does not fit the text."""
    text = path.read_text(encoding="utf-8")
    spec = tomllib.loads(path.with_suffix(".expect.toml").read_text(encoding="utf-8"))
    lines = text.split("\n")
    where = {(line, eq): column for line, eq, column in display_equalities(text, kind_of(path))}
    rows = tuple(_row(entry, where, lines, path.name) for entry in spec.get("row", ()))
    return Post(path, spec["family"], spec["notation"], bool(spec.get("matrix")), rows)


def _row(entry: dict, where: dict, lines: list[str], name: str) -> Row:
    line, eq, cls = entry["line"], entry.get("eq", 1), entry["class"]
    if cls not in CLASSES:
        raise ValueError(f"{name}:{line}: unknown class {cls!r}")
    if (cls == "claim") != ("true" in entry):
        raise ValueError(f"{name}:{line}: a claim, and only a claim, says true = ...")
    if (line, eq) not in where:
        raise ValueError(f"{name}:{line}: no display '=' number {eq} on this line")
    column, source = where[line, eq], lines[line - 1]
    text = entry["text"]
    begin = source.find(text)
    if begin < 0 or not begin < column <= begin + len(text):
        raise ValueError(f"{name}:{line}: the text {text!r} does not hold '=' number {eq}")
    return Row(line, eq, column, cls, entry.get("true"), text, entry.get("why", ""))


def corpus_posts(root: Path = CORPUS) -> list[Path]:
    return sorted(p for p in root.iterdir() if p.suffix in (".md", ".tex") and not p.stem.isupper())
