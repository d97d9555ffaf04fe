r"""Operator names a document declares for itself: ``\DeclareMathOperator{\swish}{swish}`` in a
TeX preamble, ``\newcommand{\softmax}{\operatorname{softmax}}`` (or ``\mathrm``, ``\text``)
in a preamble or a MathJax setup.

Undeclared, ``\swish(x)`` is an unknown command and every row that uses it is "cannot read".
Declared, the command is the word it prints: each use is read as ``\operatorname{swish}``,
which the reader already knows (a function word such as softmax, else one name, defined by
the document or applied as an unknown function). Only a command that takes no argument and
prints a plain word is read; anything else (``\DeclareMathOperator{\E}{\mathbb{E}}``, a
``\newcommand`` with parameters) stays an unknown command, reported where it is used.
"""

from __future__ import annotations

import re
from dataclasses import replace

from derive.sources.posts.blocks import Block

_WORD = r"\{\s*(?:\\(?:operatorname|mathrm|text|textrm)\s*\{\s*)?([A-Za-z]+)\s*\}?\s*\}"
_DECLARED = re.compile(
    r"\\DeclareMathOperator\*?\s*\{?\s*\\([A-Za-z]+)\s*\}?\s*"
    + _WORD
    + r"|\\(?:re)?newcommand\*?\s*\{?\s*\\([A-Za-z]+)\s*\}?\s*"
    + r"\{\s*\\(?:operatorname|mathrm|text|textrm)\s*\{\s*([A-Za-z]+)\s*\}\s*\}"
)
MAX_OPERATORS = 200  # declarations read from one document


def declared_operators(text: str) -> dict[str, str]:
    """The commands ``text`` declares as operator words: ``{"swish": "swish"}``."""
    found: dict[str, str] = {}
    for match in _DECLARED.finditer(text):
        command = match.group(1) or match.group(3)
        word = match.group(2) or match.group(4)
        found.setdefault(command, word)
        if len(found) >= MAX_OPERATORS:
            break
    return found


def with_operators(blocks: list[Block], operators: dict[str, str]) -> list[Block]:
    """``blocks`` with each use of a declared command written ``\\operatorname{word}``; every
    character of the replacement is placed where the command is written."""
    if not operators:
        return blocks
    names = "|".join(re.escape(c) for c in sorted(operators, key=len, reverse=True))
    use = re.compile(r"\\(" + names + r")(?![A-Za-z])")
    return [_replaced(block, use, operators) for block in blocks]


def _replaced(block: Block, use: re.Pattern, operators: dict[str, str]) -> Block:
    if not use.search(block.text):
        return block
    text: list[str] = []
    offsets: list[int] = []
    cursor = 0
    for match in use.finditer(block.text):
        text.append(block.text[cursor : match.start()])
        offsets.extend(block.offsets[cursor : match.start()])
        written = "\\operatorname{" + operators[match.group(1)] + "}"
        text.append(written)
        offsets.extend([block.offsets[match.start()]] * len(written))
        cursor = match.end()
    text.append(block.text[cursor:])
    offsets.extend(block.offsets[cursor:])  # the rest, and the offset one past the end
    return replace(block, text="".join(text), offsets=tuple(offsets))
