"""Where the math is in a Markdown post or a TeX file, with the file offset of every character.

Markdown is read by markdown-it-py with mdit-py-plugins: ``dollarmath`` (``$$...$$``, also
inside a paragraph, and ``$...$``, with ``allow_digits=False`` so "$5 and $10" stay prose),
``texmath`` (``\\[...\\]``), ``amsmath`` (``align``, ``equation``, ``gather`` ...), fences
with info ``math`` (GitHub), and ``front_matter``. TeX is read by pylatexenc's LatexWalker
(environments and ``\\[...\\]`` / ``$$...$$`` display math; ``%`` comments skipped). Both
libraries know the syntax around the math (code spans and fences, escaped dollars, comments),
which a regular expression would get wrong.

markdown-it gives a block's content and its source lines, not character offsets; the content
is located in those lines (a block quote or list item strips its markers from every line, so
each line is found on its own). The result is a :class:`Block` whose ``offsets`` map every
character of its text to the file.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from markdown_it import MarkdownIt
from mdit_py_plugins.amsmath import amsmath_plugin
from mdit_py_plugins.dollarmath import dollarmath_plugin
from mdit_py_plugins.front_matter import front_matter_plugin
from mdit_py_plugins.texmath import texmath_plugin
from pylatexenc.latexwalker import (
    LatexCommentNode,
    LatexEnvironmentNode,
    LatexMathNode,
    LatexWalker,
    LatexWalkerError,
)

from derive.sources.nesting import NestedTooDeep, tex_too_deep
from derive.sources.posts.latex.vocabulary import CONTAINERS

DECLARATIONS = "derive"  # <!-- derive ... --> in Markdown, "% derive" then % lines in TeX
# Display math that markdown-it leaves in the text: inside HTML blocks (MathJax renders it on
# the page) and kramdown's \\[ ... \\] (its escaped \[ ... \]).
_HTML_MATH = re.compile(
    r"\$\$(?P<dollars>.+?)\$\$|\\\\\[(?P<kramdown>.+?)\\\\\]|\\\[(?P<brackets>.+?)\\\]"
    r"|(?P<env>\\begin\{(?P<name>align\*?|equation\*?|gather\*?)\}.+?\\end\{(?P=name)\})",
    re.DOTALL,
)
_KRAMDOWN = re.compile(r"\\\\\[(?P<kramdown>.+?)\\\\\]", re.DOTALL)
_HEADING = re.compile(
    r"^[ \t]*\\(?:part|chapter|section|subsection|subsubsection)\*?\s*[{\[]", re.M
)


@dataclass(frozen=True)
class Block:
    """A piece of math: its text, the file offset of each character (and one past the end),
    and whether it is inline (``$...$``: read for errors, never checked)."""

    text: str
    offsets: tuple[int, ...]
    inline: bool = False

    def offset(self, index: int) -> int:
        return self.offsets[max(0, min(index, len(self.offsets) - 1))]


class Lines:
    """File offset -> 1-based (line, column); columns count characters."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = [0] + [i + 1 for i, ch in enumerate(text) if ch == "\n"]

    def position(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(self.starts, offset)
        return line, offset - self.starts[line - 1] + 1

    def line_span(self, number: int) -> tuple[int, int]:
        """Offsets of the first character of line ``number`` (0-based) and of its end."""
        start = self.starts[min(number, len(self.starts) - 1)]
        end = self.text.find("\n", start)
        return start, len(self.text) if end < 0 else end


def _markdown() -> MarkdownIt:
    return (
        MarkdownIt("commonmark")
        .use(front_matter_plugin)
        .use(dollarmath_plugin, allow_digits=False, double_inline=True, allow_labels=True)
        .use(texmath_plugin, delimiters="brackets")
        .use(amsmath_plugin)
    )


def locate(content: str, lines: Lines, first_line: int, start: int) -> tuple[int, ...] | None:
    """The file offset of each character of ``content``, found line by line from
    ``first_line`` (0-based) and not before offset ``start``; None if it is not there."""
    offsets: list[int] = []
    line = first_line
    position = max(start, lines.line_span(line)[0])
    last = content.count("\n")  # once: counted in the loop it made locating quadratic
    for number, piece in enumerate(content.split("\n")):
        found = lines.text.find(piece, position) if piece else position
        if found < 0:
            return None
        offsets.extend(range(found, found + len(piece)))
        end_of_line = lines.text.find("\n", found + len(piece))
        end_of_line = len(lines.text) if end_of_line < 0 else end_of_line
        if number < last:
            offsets.append(end_of_line)
        position = end_of_line + 1
        line += 1
    offsets.append(offsets[-1] + 1 if offsets else start)
    return tuple(offsets)


# Quarto and pandoc label a display after its closing dollars: `$$ {#eq-softmax}`; blanked
# (same length: positions stay) so that the display closes there
_QUARTO_LABEL = re.compile(r"\$\$[ \t]*\{#[\w:.-]+\}[ \t]*$", re.MULTILINE)


def markdown_blocks(text: str) -> tuple[list[Block], list[Block]]:
    """The display math and the declarations comments of a Markdown text.

    Returns:
        (math blocks in file order, inline ones included with ``inline=True``; declaration
        blocks: the TOML text inside ``<!-- derive ... -->``).
    """
    text = _QUARTO_LABEL.sub(lambda m: "$$" + " " * (len(m.group()) - 2), text)
    # CommonMark reads NUL as U+FFFD: look for the blocks in the text as markdown-it saw it,
    # and take each block's characters from the file (a NUL in math is then "cannot read")
    lines = Lines(text.replace("\x00", "\ufffd"))
    math: list[Block] = []
    declarations: list[Block] = []
    cursor = 0
    for token in _markdown().parse(text):
        first = token.map[0] if token.map else lines.position(cursor)[0] - 1
        if token.type == "html_block" and token.content.lstrip().startswith("<!--"):
            found = _declarations(token.content, lines, first)
            if found:
                declarations.append(found)
            continue
        if token.type == "html_block":
            cursor = _in_text(token.content, _HTML_MATH, lines, first, math, cursor)
            continue
        if token.type == "inline" and token.children:
            start = cursor
            cursor = _inline(token, lines, first, math, cursor, text)
            cursor = max(cursor, _in_text(token.content, _KRAMDOWN, lines, first, math, start))
            continue
        content = _display_content(token)
        if content is None:
            continue
        offsets = locate(content, lines, first, cursor)
        if offsets is not None:
            math.append(Block(_from_file(content, offsets, text), offsets))
            cursor = offsets[-1]
    math.sort(key=lambda block: block.offsets[0])  # kramdown's blocks amid a paragraph's math
    return math, declarations


def _from_file(content: str, offsets: tuple[int, ...], text: str) -> str:
    """``content`` with each U+FFFD that markdown-it put for a NUL taken back from the file."""
    if "\ufffd" not in content:
        return content
    return "".join(text[o] if c == "\ufffd" else c for c, o in zip(content, offsets, strict=False))


def _display_content(token) -> str | None:
    if token.type in ("math_block", "math_block_label", "math_block_eqno", "amsmath"):
        return token.content
    if token.type == "fence" and token.info.strip().split()[:1] == ["math"]:
        return token.content.rstrip("\n")
    return None


def _inline(token, lines: Lines, first: int, math: list[Block], cursor: int, text: str) -> int:
    """Math inside a paragraph: ``$$...$$`` is display math, ``$...$`` inline."""
    position = max(cursor, lines.line_span(first)[0])
    for child in token.children:
        if child.type not in ("math_inline", "math_inline_double"):
            continue
        offsets = locate(child.content, lines, first, position)
        if offsets is None:
            continue
        inline = child.type == "math_inline"
        math.append(Block(_from_file(child.content, offsets, text), offsets, inline=inline))
        position = offsets[-1]
    return max(cursor, position)


def _in_text(
    content: str, pattern, lines: Lines, first: int, math: list[Block], cursor: int
) -> int:
    """Display math written in text that markdown-it does not parse as math (HTML blocks,
    kramdown's ``\\\\[ ... \\\\]``), located in the file."""
    position = max(cursor, lines.line_span(first)[0])
    for found in pattern.finditer(content):
        group = next(g for g, value in found.groupdict().items() if value and g != "name")
        offsets = locate(found.group(group), lines, first, position)
        if offsets is None:
            continue
        math.append(Block(found.group(group), offsets))
        position = offsets[-1]
    return max(cursor, position)


def section_starts(text: str, kind: str) -> list[int]:
    """File offsets where sections start (Markdown headings, ``\\section`` and the like)."""
    if kind != "md":
        return [m.start() for m in _HEADING.finditer(text)]
    lines = Lines(text)
    return [
        lines.line_span(token.map[0])[0]
        for token in _markdown().parse(text)
        if token.type == "heading_open" and token.map
    ]


def _declarations(content: str, lines: Lines, first: int) -> Block | None:
    body = content.strip()
    opening = body[4:].lstrip()
    if not opening.startswith(DECLARATIONS) or not body.endswith("-->"):
        return None
    head, _, rest = opening.partition("\n")
    if head.strip() != DECLARATIONS:
        return None
    inner = rest[: rest.rfind("-->")]
    offsets = locate(inner, lines, first + 1, 0)
    return Block(inner, offsets) if offsets else None


def tex_blocks(text: str) -> tuple[list[Block], list[Block]]:
    """The display math and the declarations (``% derive`` and the ``%`` lines after it) of a
    TeX text: math environments (``align``, ``equation``, ``gather`` ... with ``\\begin`` and
    ``\\end``), ``\\[...\\]`` and ``$$...$$``; inline ``$...$`` with ``inline=True``.
    Raises NestedTooDeep (at its offset) for groups nested past ``nesting.MAX_NESTING``."""
    deep = tex_too_deep(text)  # before pylatexenc, which recurses into groups
    if deep is not None:
        raise NestedTooDeep(deep)
    walker = LatexWalker(text, tolerant_parsing=True)
    try:
        nodes, _, _ = walker.get_latex_nodes(pos=0)
    except RecursionError:
        raise NestedTooDeep() from None
    except LatexWalkerError:  # pragma: no cover - tolerant parsing does not raise
        nodes = []
    math: list[Block] = []
    comments: list[LatexCommentNode] = []
    _walk(nodes, text, math, comments)
    return math, _comment_blocks(comments, Lines(text))


def _walk(nodes, text: str, math: list[Block], comments: list) -> None:
    for node in nodes or ():
        if node is None:
            continue
        if isinstance(node, LatexCommentNode):
            comments.append(node)
        elif isinstance(node, LatexEnvironmentNode) and node.envname in CONTAINERS:
            start, end = node.pos, node.pos + node.len
            math.append(Block(text[start:end], (*range(start, end), end)))
        elif isinstance(node, LatexMathNode):
            opening, closing = node.delimiters
            start, end = node.pos + len(opening), node.pos + node.len - len(closing)
            inline = node.displaytype != "display"
            math.append(Block(text[start:end], (*range(start, end), end), inline=inline))
        else:
            _walk(getattr(node, "nodelist", None), text, math, comments)
            for argument in getattr(getattr(node, "nodeargd", None), "argnlist", None) or ():
                _walk([argument], text, math, comments)


def _comment_blocks(comments: list, lines: Lines) -> list[Block]:
    """``% derive`` starts a declarations block; it runs over the comment lines right after."""
    blocks: list[Block] = []
    index = 0
    while index < len(comments):
        if comments[index].comment.strip() != DECLARATIONS:
            index += 1
            continue
        line = lines.position(comments[index].pos)[0]
        pieces: list[tuple[str, int]] = []
        index += 1
        while index < len(comments) and lines.position(comments[index].pos)[0] == line + 1:
            node = comments[index]
            body_start = node.pos + 1
            pieces.append((node.comment, body_start))
            line += 1
            index += 1
        text = "\n".join(p for p, _ in pieces)
        offsets: list[int] = []
        for piece, start in pieces:
            offsets += [*range(start, start + len(piece)), start + len(piece)]
        blocks.append(Block(text, tuple(offsets) if offsets else (0,)))
    return blocks
