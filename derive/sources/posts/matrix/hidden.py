r"""The hidden assumption of matrix claims about probabilities: the rows (or columns) of the
targets sum to 1.

``\partial L / \partial Z = P - Y`` holds only when every row of the one-hot targets Y sums to
1. Posts say so in words ("one-hot targets", "each row of Y sums to one"), or not at all; a
refutation at a Y whose rows do not sum to 1 would judge the author by a meaning the author
never had. So a refuted matrix claim is checked again with each data matrix of the claim (a
matrix or vector the post does not define) normalized, its rows or its columns summing to 1
(at most ``MAX_TRIES`` checks, in a fixed order): if one of them proves it, the claim is
"cannot check" with that condition named, or proved when the prose states it near the name
("one-hot", "sums to one", "a probability distribution").
"""

from __future__ import annotations

import re

from sympy import Basic, Eq, MatrixSymbol, S
from sympy.matrices.expressions import OneMatrix
from sympy.matrices.expressions.applyfunc import ElementwiseApplyFunction

from derive.checker.matrix.nodes import At, Gradient, Softmax
from derive.sources.posts.items import equality

MAX_TRIES = 3  # re-checks of one refuted claim under a normalization (each a full check)
_STATED = re.compile(
    r"one[- ]hot|sums? to (?:one|1)\b|probability (?:distribution|vector)s?"
    r"|add (?:up )?to (?:one|1)|rows? sums?|columns? sums?",
    re.IGNORECASE,
)
NEAR = 160  # characters either side of a statement of a name in which the prose says it


def normalizations(post, lhs: Basic, rhs: Basic) -> list[tuple[str, Basic, MatrixSymbol]]:
    """(how it is shown, the assumption, the matrix) for each data matrix of the claim and
    each axis it may be normalized along, in a fixed order, at most ``MAX_TRIES``."""
    definitions, scope = post.definitions, post.scope
    found = []
    left, right = _outside_functions(lhs), _outside_functions(rhs)
    data = sorted(  # first those both sides weigh (Y of the loss and of P - Y)
        (m for m in left | right if m in scope.keys),
        key=lambda m: (not (m in left and m in right), scope.shown_names.get(m, str(m))),
    )
    for matrix in data:
        if matrix in definitions.table:
            continue
        rows, cols = matrix.shape
        name = scope.shown_names.get(matrix, str(matrix))
        if cols == 1 and rows != 1:  # a vector: its entries sum to 1
            found.append((f"1^T {name} = 1", equality(OneMatrix(1, rows) * matrix, S.One), matrix))
            continue
        if cols != 1:
            given = Eq(matrix * OneMatrix(cols, 1), OneMatrix(rows, 1), evaluate=False)
            found.append((f"the rows of {name} sum to 1 ({name} 1 = 1)", given, matrix))
        if rows != 1:
            given = Eq(OneMatrix(1, rows) * matrix, OneMatrix(1, cols), evaluate=False)
            found.append((f"the columns of {name} sum to 1 (1^T {name} = 1^T)", given, matrix))
    return found[:MAX_TRIES]


def _outside_functions(expr: Basic) -> set[MatrixSymbol]:
    """The matrices of ``expr`` that occur outside every function applied to entries (``Y`` of
    ``\\mathrm{tr}(Y^T \\log P)``, not ``X`` of ``\\mathrm{softmax}(X W)``): targets are
    data a loss weighs, never what a softmax or a log is taken of."""
    found, todo = set(), [expr]
    while todo:
        node = todo.pop()
        if isinstance(node, MatrixSymbol):
            found.add(node)
        elif isinstance(node, (At, Gradient)):  # what is differentiated, not where
            todo.append(node.args[0])
        elif not isinstance(node, (ElementwiseApplyFunction, Softmax)):
            todo.extend(a for a in node.args if isinstance(a, Basic))
    return found


def stated_in_prose(text: str, name: str) -> bool:
    """Whether the prose says, near a mention of ``name`` in math (``$Y$``, ``$\\mathbf{y}
    \\in ...$``), that it is one-hot or sums to one."""
    letter = re.escape(name.split("^")[0].split("_")[0])
    mention = re.compile(r"\$[^$]*?(?<![A-Za-z\\])" + letter + r"(?![A-Za-z])[^$]*\$")
    for match in mention.finditer(text):
        near = text[max(0, match.start() - NEAR) : match.end() + NEAR]
        if _STATED.search(near):
            return True
    return False
