"""Sums written out with an ellipsis: ``y_1 + y_2 + \\dots + y_n`` is the sum of ``y_i`` for
i from 1 to n, ``e^{z_1} + \\cdots + e^{z_K}`` the sum of ``e^{z_c}``.

The terms before the ellipsis and the last one must be the same expression but for one place,
a number in the first terms (1, 2, ... in order) and the bound in the last (``n``, ``K``,
``K-1``); anything else (a term that breaks the pattern, a minus sign) is not read, as before.
Terms around the run are added to it as written (``\\theta_0 x_0 + \\dots + \\theta_n x_n -
y``).
"""

from __future__ import annotations

import dataclasses

from derive.sources.posts.latex import nodes as ast

Path = tuple[tuple[str, int | None], ...]


def differences(a: ast.Node, b: ast.Node, path: Path = ()) -> list[tuple[Path, ast.Node, ast.Node]]:
    """The places where two trees differ (positions aside), outermost first; a node of another
    kind or another text is one difference."""
    if type(a) is not type(b):
        return [(path, a, b)]
    found: list[tuple[Path, ast.Node, ast.Node]] = []
    for item in dataclasses.fields(a):
        if item.name in ("pos", "end", "sup_text"):  # sup_text follows the sup compared
            continue
        left, right = getattr(a, item.name), getattr(b, item.name)
        if isinstance(left, ast.Node) and isinstance(right, ast.Node):
            found += differences(left, right, (*path, (item.name, None)))
        elif isinstance(left, tuple) and isinstance(right, tuple) and len(left) == len(right):
            for index, (x, y) in enumerate(zip(left, right, strict=True)):
                if isinstance(x, ast.Node) and isinstance(y, ast.Node):
                    found += differences(x, y, (*path, (item.name, index)))
                elif x != y:
                    return [(path, a, b)]
        elif left != right:
            return [(path, a, b)]
    return found


def replaced(node: ast.Node, path: Path, new: ast.Node) -> ast.Node:
    """``node`` with the node at ``path`` replaced by ``new``."""
    if not path:
        return new
    (name, index), rest = path[0], path[1:]
    value = getattr(node, name)
    if index is None:
        return dataclasses.replace(node, **{name: replaced(value, rest, new)})
    items = list(value)
    items[index] = replaced(items[index], rest, new)
    return dataclasses.replace(node, **{name: tuple(items)})


def written_sum(node: ast.Add) -> tuple[ast.Node, ast.Node, ast.Node, list[Path]] | None:
    """(the last term, the first value, the last value, the places to sum over) of
    ``a_1 + a_2 + \\dots + a_n`` (a place may occur more than once: ``\\frac{\\partial L}{\\partial
    p_1} \\frac{\\partial p_1}{\\partial x_k} + \\dots``); None when the terms follow no pattern."""
    terms = node.terms
    places = [i for i, (_, t) in enumerate(terms) if isinstance(t, ast.Ellipsis)]
    if len(places) != 1 or any(sign < 0 for sign, _ in terms):
        return None
    k = places[0]
    if k == 0 or k != len(terms) - 2:
        return None
    last = terms[-1][1]
    found = [differences(term, last) for _, term in terms[:k]]
    paths = [path for path, _, _ in found[0]]
    if not paths or any([p for p, _, _ in d] != paths for d in found):
        return None
    ends = {repr(_stripped(b)) for d in found for _, _, b in d}
    values = []
    for d in found:
        numbers = {a.text for _, a, _ in d if isinstance(a, ast.Number) and a.text.isdigit()}
        if len(numbers) != 1 or any(not isinstance(a, ast.Number) for _, a, _ in d):
            return None
        values.append(int(numbers.pop()))
    if len(ends) != 1 or values != list(range(values[0], values[0] + len(values))):
        return None
    return last, found[0][0][1], found[0][0][2], paths


def split_run(node: ast.Add) -> tuple[tuple, ast.Add, tuple] | None:
    """(the terms before, the written sum, the terms after) of a sum with one ellipsis whose
    run of terms follows a pattern (the longest such run ending at the ellipsis's last term),
    or None."""
    terms = node.terms
    places = [i for i, (_, t) in enumerate(terms) if isinstance(t, ast.Ellipsis)]
    if len(places) != 1 or places[0] + 1 >= len(terms):
        return None
    k = places[0]
    for start in range(k):
        run = dataclasses.replace(node, terms=terms[start : k + 2])
        if written_sum(run) is not None:
            before = terms[:start]
            if any(_patterned(term, terms[k + 1][1]) for _, term in before):
                return None  # x_1 + x_3 + \dots + x_n: every other term? not guessed
            return before, run, terms[k + 2 :]
    return None


def _patterned(term: ast.Node, last: ast.Node) -> bool:
    """Whether ``term`` is the last term with numbers in some places (a term of the pattern
    that breaks it, not another term such as a bias)."""
    found = differences(term, last)
    return bool(found) and all(isinstance(a, ast.Number) for _, a, _ in found)


def _stripped(node: ast.Node) -> object:
    """A node without its positions, to compare the last values of the places."""
    if not isinstance(node, ast.Node):
        return node
    return tuple(
        (f.name, _stripped(getattr(node, f.name)))
        if not isinstance(getattr(node, f.name), tuple)
        else (f.name, tuple(_stripped(x) for x in getattr(node, f.name)))
        for f in dataclasses.fields(node)
        if f.name not in ("pos", "end", "sup_text")
    )
