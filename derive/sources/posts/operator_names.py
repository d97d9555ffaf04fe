r"""Derivative operators the prose introduces: "write $D_j S_i$ for the partial derivative of
the $i$-th output with respect to the $j$-th input, $\frac{\partial S_i}{\partial a_j}$".

Some authors name the derivative by an input with an operator letter, ``D_j``, and then write
``D_j S_i``, ``D_j \Sigma``, ``D_i\, xent`` in every display. Unread, ``D`` is an unknown
letter and every such row is "cannot check". Read, ``D_x F`` is ``\partial F / \partial a_x``
for any index ``x`` and any ``F`` the operator is written before.

The reading is taken only from the text's own pair: inline ``$D_j F$`` and, later in the same
sentence, inline ``$\frac{\partial F}{\partial a_j}$`` with the same ``F`` and the same index,
the operator a single capital letter and the variable a letter with one index. Anything looser
(another index, another operand, a display between them) names nothing: a letter that the
reader does not know stays unknown, and its rows are not judged.
"""

from __future__ import annotations

import re

from derive.sources.posts.blocks import Block
from derive.sources.posts.latex.vocabulary import GREEK_TEXT


def _index_pattern() -> str:
    return r"_(?:\{\s*(?P<index>[a-z])\s*\}|(?P<index_bare>[a-z]))"


_APPLIED = re.compile(r"^\s*(?P<op>[A-Z])" + _index_pattern() + r"(?P<operand>.+)$", re.S)
_DERIVATIVE = re.compile(
    r"^\s*\\[dt]?frac\s*\{\s*\\partial\s*(?P<operand>[^{}]+?)\s*\}\s*"
    r"\{\s*\\partial\s*(?P<var>[A-Za-z]|\\[A-Za-z]+)\s*" + _index_pattern() + r"\s*\}\s*$"
)
_SPACING = re.compile(r"\\[,;:! ]|\s+")
_SENTENCE_END = re.compile(r"[.!?](?:\s|$)|\n\s*\n")
MAX_APART = 300  # characters of prose between the operator and the derivative it names


def derivative_operators(blocks: list[Block], text: str) -> dict[str, str]:
    """The operator letters the prose defines, each with the letter of its variable
    (``{"D": "a"}``: ``D_x F`` is ``\\partial F / \\partial a_x``). A letter given two
    variables names neither."""
    found: dict[str, set[str]] = {}
    inline = [b for b in blocks if b.inline]
    for index, block in enumerate(inline):
        applied = _APPLIED.match(block.text)
        if applied is None:
            continue
        for later in inline[index + 1 :]:
            between = text[block.offsets[-1] : later.offsets[0]]
            if len(between) > MAX_APART or _SENTENCE_END.search(between.strip("$\\()")):
                break
            variable = _names(applied, later.text)
            if variable is not None:
                found.setdefault(applied.group("op"), set()).add(variable)
                break
    return {op: next(iter(v)) for op, v in sorted(found.items()) if len(v) == 1}


def _names(applied: re.Match, written: str) -> str | None:
    """The variable's letter when ``written`` is the derivative that ``applied`` names."""
    derivative = _DERIVATIVE.match(written)
    if derivative is None:
        return None
    if _index(applied) != _index(derivative):
        return None
    if _plain(applied.group("operand")) != _plain(derivative.group("operand")):
        return None
    variable = derivative.group("var")
    if variable.startswith("\\"):
        variable = GREEK_TEXT.get(variable[1:], "")
    if not variable or variable == applied.group("op"):
        return None
    return variable


def _index(match: re.Match) -> str:
    return match.group("index") or match.group("index_bare")


def _plain(text: str) -> str:
    return _SPACING.sub("", text)
