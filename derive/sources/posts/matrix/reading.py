"""Reading a post's shapes: the statements, the evidence, the table (see the package's doc)."""

from __future__ import annotations

import re
from collections.abc import Callable

from derive.sources.posts.items import Item
from derive.sources.posts.matrix.evidence import bold_letters, find_evidence
from derive.sources.posts.matrix.stated import prose_statements, statements
from derive.sources.posts.matrix.table import PostShapes

NEVER_VECTORS = frozenset(["e", "π", "d", "∂", "T", "I"])  # I: the identity


def read_shapes(
    blocks: list,
    rows: list,
    text: str,
    place: Callable[[int], str],
    declared,
    ranges,
    scope,
    prose: frozenset[int] = frozenset(),
) -> PostShapes:
    """The shape table of a post (``active`` when the post writes matrix notation).

    Args:
        blocks: the post's math blocks; rows: every row's tree with where its offsets are.
        text: the whole post (prose statements); place: a file offset as "line N".
        declared: the declarations block's content; ranges: the index ranges found.
        scope: the post's names (sizes are made there).
        prose: the ``id`` of each of ``rows``' trees that is inline math.
    """
    table = PostShapes(layout=declared.layout or "denominator")
    said = None if declared.layout else stated_layout(text)
    if said is not None:  # "we use the numerator layout"
        table.layout, table.layout_source = said[0], f"stated at {place(said[1])}"
    for statement in declared.shapes:
        table.state(statement, scope.size)
    texts = [(block.text, block.offset) for block in blocks]
    found = statements(texts, place, scope.labels) + prose_statements(text, place, scope.labels)
    for statement in sorted(found, key=lambda s: s.offset):
        table.state(statement, scope.size)
    bold = bold_letters(block.text for block in blocks)
    sizes = (set(ranges.size_letters) | set(scope.sizes)) - bold  # h, also the vector \mathbf{h}
    skip = set(ranges.index_letters) | sizes | set(scope.index_ranges) | NEVER_VECTORS
    table.active = find_evidence(rows, table, skip, scope.labels, bold, prose)
    table.softmax = softmax_axis(text)
    table.prose = text
    return table


# how prose says a softmax of a matrix acts: "applied to each row", "row-wise", "by columns"
_AXIS = {
    "rows": re.compile(
        r"row[- ]?wise|(?:each|every|per|by|along|over|across|of each|of every)\s+rows?\b"
        r"|\brows? by rows?\b",
        re.IGNORECASE,
    ),
    "columns": re.compile(
        r"column[- ]?wise|(?:each|every|per|by|along|over|across|of each|of every)\s+"
        r"columns?\b|\bcolumns? by columns?\b",
        re.IGNORECASE,
    ),
}
_SOFTMAX = re.compile(r"softmax", re.IGNORECASE)
_MATH = re.compile(
    r"\$\$.*?\$\$|\$[^$]*\$|\\\[.*?\\\]|\\\(.*?\\\)"
    r"|\\begin\{(equation|align|gather)\*?\}.*?\\end\{\1\*?\}",
    re.DOTALL,
)
AXIS_WINDOW = 200  # characters either side of a "softmax" in which the prose says its axis


def softmax_axis(text: str) -> str | None:
    """ "rows" or "columns" when the prose near every softmax says one and only one (a post
    that says both, or neither, leaves a softmax of a matrix unread: which one is meant?)."""
    # prose only (not ``\sum_{rows}`` in math); a piece of math with a softmax is the word
    prose = _MATH.sub(lambda m: " softmax " if _SOFTMAX.search(m.group(0)) else " ", text)
    found = set()
    for match in _SOFTMAX.finditer(prose):
        near = prose[max(0, match.start() - AXIS_WINDOW) : match.end() + AXIS_WINDOW]
        found |= {axis for axis, pattern in _AXIS.items() if pattern.search(near)}
    return found.pop() if len(found) == 1 else None


# how prose names a layout: Wikipedia's "numerator layout (Jacobian formulation)" and
# "denominator layout (Hessian / gradient formulation)"
_LAYOUT = re.compile(
    r"\b(numerator|denominator)[- ]layout|\b(jacobian|hessian|gradient)\s+formulation",
    re.IGNORECASE,
)
_LAYOUT_OF = {"jacobian": "numerator", "hessian": "denominator", "gradient": "denominator"}
_NOT_THIS = re.compile(
    r"\b(?:not|no|never|instead\s+of|rather\s+than|unlike|versus|vs\.?|or|than|and)\s+"
    r"(?:in\s+|the\s+|a\s+|with\s+)*\Z",
    re.IGNORECASE,
)


# a sentence that says the layout is the post's own ("we use", "here", "throughout"), and
# none that speaks of other texts' ("some authors use the numerator layout", "would be")
_OURS = re.compile(
    r"\b(?:we|us|our|here|throughout|this (?:post|note|article|page|section))\b", re.I
)
_OTHERS = re.compile(r"\b(?:some|other|others|would|alternative(?:ly)?|unlike)\b", re.I)


def _sentence(text: str, start: int, end: int) -> str:
    left = max(text.rfind(".", 0, start), text.rfind("\n\n", 0, start))
    right = min(
        (i for i in (text.find(".", end), text.find("\n\n", end)) if i >= 0), default=len(text)
    )
    return text[left + 1 : right]


def stated_layout(text: str) -> tuple[str, int] | None:
    """(layout, offset) when the prose names one layout as the post's ("we use the numerator
    layout", "here, in the Jacobian formulation"); None when it names none, when the sentence
    does not make it the post's ("some texts use the numerator layout"), or names both
    without setting one aside ("numerator or denominator layout": which one is meant?)."""
    found: dict[str, int] = {}
    for match in _LAYOUT.finditer(text):
        before = text[max(0, match.start() - 40) : match.start()]
        sentence = _sentence(text, match.start(), match.end())
        if _NOT_THIS.search(before) or not _OURS.search(sentence) or _OTHERS.search(sentence):
            continue
        word = (match.group(1) or match.group(2)).lower()
        found.setdefault(_LAYOUT_OF.get(word, word), match.start())
    if len(found) != 1:
        return None
    return next(iter(found.items()))


def shape_problems(table: PostShapes, position: Callable[[int], tuple[int, int]]) -> list:
    """A report at each shape the text states with a size that is not read (``0``,
    ``10^{9}``): "cannot read", where the statement is."""
    found = []
    for offset, text, problem in table.bad:
        line, column = position(max(offset, 0))
        found.append(Item(line, column, "cannot read", problem, f"line {line}", 0, "", text))
    return found
