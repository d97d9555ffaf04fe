"""Subscripts that name a quantity after the data it is about: ``S_{xy}``, ``S_{xx}``,
``\\mu_x``, ``W_{xh}``.

Statistics and network posts name sums, means and weights after their variables: with data
``x_i`` and ``y_i`` (summed over i), ``S_{xy}`` is the sum of products of x and y, not the entry
(x, y) of an array S; ``S_{xx}`` is another quantity, not the entry (x, x) of the same array.
A subscript made only of such letters (each the name of an array that some sum runs over the
entries of, none a letter a sum runs over) is read as part of the name, as
``E_{\\text{total}}`` is; any other subscript keeps its meaning (``W_{kj}`` with k and j
summed).

This is a pass over the rows' trees, before the range pass reads them: it needs the whole
post (which letters are summed, which are arrays of data).
"""

from __future__ import annotations

import dataclasses

from derive.sources.posts.latex import nodes as ast
from derive.sources.posts.ranges import index_items, letter_of, sum_limits


def data_subscripts(lines: list[ast.Line]) -> list[ast.Line]:
    """The rows with every subscript of data letters written as part of its name."""
    summed, data = _letters(lines)
    tagged = data - summed
    if not tagged:
        return lines
    return [_rewrite(line, tagged, summed) for line in lines]


def _letters(lines: list[ast.Line]) -> tuple[set[str], set[str]]:
    """(the letters sums run over, the letters of arrays indexed by one of them)."""
    summed: set[str] = set()
    nodes = [node for line in lines for node in ast.walk(line)]
    for node in nodes:
        if isinstance(node, ast.Sum):
            letter = sum_limits(node).letter
            if letter is not None:
                summed.add(letter)
    data = set()
    for node in nodes:
        if isinstance(node, ast.Scripted) and isinstance(node.base, ast.Letter) and node.sub:
            letters = [letter_of(i) for i in index_items(node.sub)[0]]
            if letters and any(letter in summed for letter in letters):
                data.add(node.base.name)
    return summed, data


def _named(node: ast.Scripted, tagged: set[str], summed: set[str]) -> ast.Scripted:
    """``S_{xy}`` with its subscript as a name suffix, if it is made of data letters only."""
    if not (isinstance(node.base, ast.Letter) and node.sub):
        return node
    indices, suffix = index_items(node.sub)
    letters = [letter_of(i) for i in indices]
    if suffix or not letters or any(x is None or x not in tagged for x in letters):
        return node
    if node.base.name in summed:
        return node
    note = ast.Note(node.sub[0].pos, "".join(letters))
    return dataclasses.replace(node, sub=(note,))


def _rewrite(node: ast.Node, tagged: set[str], summed: set[str]) -> ast.Node:
    """``node`` with :func:`_named` applied to every scripted name inside it."""
    changes = {}
    for field in dataclasses.fields(node):
        value = getattr(node, field.name)
        new = _value(value, tagged, summed)
        if new is not value:
            changes[field.name] = new
    if changes:
        node = dataclasses.replace(node, **changes)
    return _named(node, tagged, summed) if isinstance(node, ast.Scripted) else node


def _value(value, tagged: set[str], summed: set[str]):
    if isinstance(value, ast.Node):
        return _rewrite(value, tagged, summed)
    if isinstance(value, tuple):
        items = tuple(_value(v, tagged, summed) for v in value)
        return value if all(a is b for a, b in zip(items, value, strict=True)) else items
    return value
