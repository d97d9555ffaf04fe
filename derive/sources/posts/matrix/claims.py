"""A claim of a post between matrices, made ready for the matrix checker.

1. Sizes: the unknown sizes the post's definitions decide are replaced (``table.resolved``),
   then those the claim's own products, sums and ``⊙`` decide (``infer.solve``); a size that
   nothing decides stays one symbol for all the sizes that must equal it, and the claim is
   checked for every value of it (the text never says it).
2. A size the text writes but that is not read (``\\mathbb{R}^{10^9}``, a size 0) makes the
   claim "cannot check", naming it, before any work.
3. Sides of different shapes are refuted by the checker only when every shape in them is
   stated (by the text, or by a definition from stated shapes); otherwise the shapes may be a
   misreading (a vector read where the author meant its entries, a row read as a column), and
   the claim is "cannot check", never refuted.
"""

from __future__ import annotations

from collections.abc import Sequence

from sympy import Basic, MatrixSymbol

from derive.checker.matrix.infer import UnknownSize, solve
from derive.checker.matrix.shapes import ShapeProblem, has_matrices, shape
from derive.checker.verdict import Verdict
from derive.sources.posts.display import show

CANNOT_CHECK = "cannot check: "


def prepared(post, lhs: Basic, rhs: Basic, assume: Sequence[Basic]) -> tuple | Verdict:
    """(lhs, rhs, assume) ready for ``check_equal``, or a Verdict when the claim is not
    judged (its method says why, starting with "cannot check: ")."""
    table = post.scope.matrices
    if table is None or not has_matrices(lhs, rhs, *assume):
        return lhs, rhs, tuple(assume)
    lhs, rhs = table.resolved(lhs), table.resolved(rhs)
    assume = tuple(table.resolved(a) for a in assume)
    problem = _bad_size(post, (lhs, rhs))
    if problem:
        return _cannot(problem)
    solution = solve(lhs, rhs, *assume)
    if solution:
        lhs, rhs = lhs.xreplace(solution), rhs.xreplace(solution)
        assume = tuple(a.xreplace(solution) for a in assume)
    try:
        left, right = shape(lhs), shape(rhs)
    except ShapeProblem:
        return lhs, rhs, assume  # the checker reports it ("do not conform")
    if left != right:
        guessed = _inferred(post, (lhs, rhs))
        scalar = not has_matrices(lhs) or not has_matrices(rhs)
        if guessed or scalar:
            return _cannot(_shapes_differ(post, left, right, guessed, scalar))
    return lhs, rhs, assume


def _cannot(message: str) -> Verdict:
    return Verdict("undecided", method=CANNOT_CHECK + message)


def _bad_size(post, sides) -> str:
    table, scope = post.scope.matrices, post.scope
    for side in sides:
        for matrix in sorted(side.atoms(MatrixSymbol), key=str):
            for size in matrix.shape:
                if size in table.problems:
                    key = scope.keys.get(matrix)
                    name = key[0].shown() if key else str(matrix)
                    stated = table.stated.get(key[0]) if key else None
                    where = f" ({stated.where})" if stated else ""
                    return f"the shape of {name}{where}: {table.problems[size]}"
    return ""


def _inferred(post, sides) -> list[str]:
    """The names in ``sides`` whose shape is not stated (inferred from their uses)."""
    scope, table, definitions = post.scope, post.scope.matrices, post.definitions
    found = set()
    for side in sides:
        for matrix in side.atoms(MatrixSymbol):
            key = scope.keys.get(matrix)
            if key is None:
                continue  # a derivative's own variable: its definition is in the claim
            reached = [matrix, *definitions.depends(matrix)]
            for obj in reached:
                name = scope.keys.get(obj, (None,))[0]
                plain = isinstance(obj, MatrixSymbol) and obj not in definitions.table
                if plain and name is not None and not table.is_stated(name):
                    found.add(name.shown())
    return sorted(found)


def _shapes_differ(post, left, right, guessed: list[str], scalar: bool) -> str:
    why = "a number on one side" if scalar else f"the shape of {', '.join(guessed)} is inferred"
    return (
        f"the sides are {_dims(post, left)} and {_dims(post, right)} ({why}, not stated in "
        "the text: a refutation by shapes needs stated shapes)"
    )


def _dims(post, shape_) -> str:
    return "×".join(
        "?" if isinstance(size, UnknownSize) else show(post.scope, size) for size in shape_
    )


def is_cannot_check(verdict: Verdict) -> bool:
    return verdict.status == "undecided" and verdict.method.startswith(CANNOT_CHECK)
