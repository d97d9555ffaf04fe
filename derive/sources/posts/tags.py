"""Subscripts that name a quantity after the data it is about: ``S_{xy}``, ``S_{xx}``,
``\\mu_x``, ``W_{xh}``.

Statistics and network posts name sums, means and weights after their variables: with data
``x_i`` and ``y_i`` (summed over i), ``S_{xy}`` is the sum of products of x and y, not the entry
(x, y) of an array S; ``S_{xx}`` is another quantity, not the entry (x, x) of the same array.
A subscript made only of such letters (each the name of an array that some sum runs over the
entries of, none a letter a sum runs over) is read as part of the name, as
``E_{\\text{total}}`` is; any other subscript keeps its meaning (``W_{kj}`` with k and j
summed).

A subscript of two letters or more is also a name when each letter is a quantity of the post:
the letter of an array (``x_i``, ``h_t``) that no sum runs over and that no entry uses as its
one index (``W_{xh}`` in a recurrent post whose time steps ``h_t`` are never summed).

This is a pass over the rows' trees, before the range pass reads them: it needs the whole
post (which letters are summed, which are arrays of data).
"""

from __future__ import annotations

import dataclasses

from derive.sources.posts.latex import nodes as ast
from derive.sources.posts.ranges import index_items, letter_of, sum_limits


def data_subscripts(lines: list[ast.Line]) -> list[ast.Line]:
    """The rows with every subscript of data letters written as part of its name."""
    summed, data, quantities = _letters(lines)
    tagged = _Tagged(data - summed, quantities)
    if not (tagged.data or tagged.quantities):
        return lines
    return [_rewrite(line, tagged, summed) for line in lines]


@dataclasses.dataclass(frozen=True)
class _Tagged:
    data: set[str]  # arrays indexed by a letter a sum runs over, never summed themselves
    quantities: set[str]  # arrays that are never an index (in a subscript of two or more)

    def names(self, letters: list[str | None]) -> bool:
        if not letters or any(x is None for x in letters):
            return False
        if all(x in self.data for x in letters):
            return True
        return len(letters) >= 2 and all(x in self.quantities for x in letters)


def _letters(lines: list[ast.Line]) -> tuple[set[str], set[str], set[str]]:
    """(the letters sums run over, the letters of arrays indexed by one of them, the letters
    of arrays that no sum runs over and no entry uses as its one index)."""
    summed: set[str] = set()
    indices: set[str] = set()
    arrays: set[str] = set()
    nodes = [node for line in lines for node in ast.walk(line)]
    for node in nodes:
        if isinstance(node, ast.Sum):
            letter = sum_limits(node).letter
            if letter is not None:
                summed.add(letter)
        elif isinstance(node, ast.Scripted) and node.sub:
            if isinstance(node.base, ast.Letter) and not node.primes:
                arrays.add(node.base.name)
            if len(node.sub) == 1 and isinstance(node.sub[0], ast.Letter):
                indices.add(node.sub[0].name)
    data = set()
    for node in nodes:
        if isinstance(node, ast.Scripted) and isinstance(node.base, ast.Letter) and node.sub:
            letters = [letter_of(i) for i in index_items(node.sub)[0]]
            if letters and any(letter in summed for letter in letters):
                data.add(node.base.name)
    return summed, data - _related(nodes), arrays - indices - summed


def _related(nodes: list[ast.Node]) -> set[str]:
    """Letters related to one another as indices (``i \\neq k``, ``i = j``, ``d = k`` of an
    indicator): indices, even when the same letter names an array (``k_{jm}``, the keys of an
    attention post, beside ``z_k``)."""
    found: set[str] = set()
    for node in nodes:
        if isinstance(node, ast.Chain) and len(node.parts) >= 2:
            parts = [letter_of(p) if isinstance(p, ast.Letter) else None for p in node.parts]
        elif isinstance(node, ast.Relation):
            parts = [
                letter_of(p) if isinstance(p, ast.Letter) else None for p in (node.lhs, node.rhs)
            ]
        else:
            continue
        if all(p is not None for p in parts):
            found.update(parts)
    return found


def _named(node: ast.Scripted, tagged: _Tagged, summed: set[str]) -> ast.Scripted:
    """``S_{xy}`` with its subscript as a name suffix, if it is made of data letters only."""
    if not (isinstance(node.base, ast.Letter) and node.sub):
        return node
    indices, suffix = index_items(node.sub)
    letters = [letter_of(i) for i in indices]
    if suffix or not tagged.names(letters):
        return node
    if node.base.name in summed:
        return node
    note = ast.Note(node.sub[0].pos, "".join(letters))
    return dataclasses.replace(node, sub=(note,))


def _rewrite(node: ast.Node, tagged: _Tagged, summed: set[str]) -> ast.Node:
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


def _value(value, tagged: _Tagged, summed: set[str]):
    if isinstance(value, ast.Node):
        return _rewrite(value, tagged, summed)
    if isinstance(value, tuple):
        items = tuple(_value(v, tagged, summed) for v in value)
        return value if all(a is b for a, b in zip(items, value, strict=True)) else items
    return value
