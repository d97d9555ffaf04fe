"""Subscripts made of the post's quantities are names: ``S_{xy}``, ``S_{xx}``, ``W_{xh}``.

Each letter of a subscript is an index (``W_{kj}`` is the entry k, j of W), unless every letter
of a subscript of two or more is a quantity of the post: the letter of an array (``x_i``,
``y_i``, ``h_t``) that no sum runs over and that no entry uses as its one index. Then
``S_{xy}`` (the sum of products of x and y) and ``S_{xx}`` are two names, as the text means
them, not the entries (x, y) and (x, x) of one array S: read so, a worked example's
``S_{xy} = 9.7`` made ``S_{xx}`` 9.7 too. A one-letter subscript (``h_t``) stays an index.

The rows' trees are rewritten once, before the range pass: such a subscript becomes a name
suffix (as ``E_{\\text{total}}`` is), so every later stage reads the same name.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

from derive.sources.posts.latex import nodes as ast
from derive.sources.posts.ranges import sum_limits


def quantity_letters(lines: Iterable[ast.Line]) -> frozenset[str]:
    """The letters the post uses as quantities: array letters, never summed over, never an
    entry's one index."""
    arrays: set[str] = set()
    indices: set[str] = set()
    for line in lines:
        for node in ast.walk(line):
            if isinstance(node, ast.Sum):
                indices.add(sum_limits(node).letter or "")
            elif isinstance(node, ast.Scripted) and node.sub:
                if isinstance(node.base, ast.Letter) and not node.primes:
                    arrays.add(node.base.name)
                if len(node.sub) == 1 and isinstance(node.sub[0], ast.Letter):
                    indices.add(node.sub[0].name)
    return frozenset(arrays - indices)


def _named(sub: tuple[ast.Node, ...], quantities: frozenset[str]) -> str:
    """The name suffix a subscript of quantities stands for (``xy``), or ""."""
    letters: list[ast.Node] = []
    for item in sub:
        letters.extend(item.factors if isinstance(item, ast.Mul) else (item,))
    if len(letters) < 2 or not all(isinstance(x, ast.Letter) for x in letters):
        return ""
    names = [x.name for x in letters]
    return "".join(names) if all(n in quantities for n in names) else ""


def relabelled(line: ast.Line, quantities: frozenset[str]) -> ast.Line:
    """``line`` with every subscript of quantities written as a name suffix."""
    if not quantities or not any(
        isinstance(n, ast.Scripted) and n.sub and _named(n.sub, quantities) for n in ast.walk(line)
    ):
        return line
    return _rewrite(line, quantities)


def _rewrite(node: ast.Node, quantities: frozenset[str]) -> ast.Node:
    if isinstance(node, ast.Scripted) and node.sub:
        suffix = _named(node.sub, quantities)
        if suffix:
            node = dataclasses.replace(node, sub=(ast.Note(node.sub[0].pos, suffix),))
    changes = {}
    for field in dataclasses.fields(node):
        value = getattr(node, field.name)
        new = _value(value, quantities)
        if new is not value:
            changes[field.name] = new
    return dataclasses.replace(node, **changes) if changes else node


def _value(value, quantities: frozenset[str]):
    if isinstance(value, ast.Node):
        return _rewrite(value, quantities)
    if isinstance(value, tuple):
        items = tuple(_value(v, quantities) for v in value)
        return items if any(a is not b for a, b in zip(items, value, strict=True)) else value
    return value
