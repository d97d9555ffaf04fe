r"""What a relation between matrices is, when it is not a claim.

- ``\mathbf{1}^T \mathbf{y} = 1``: data the post does not define, a 1x1 product, related to a
  number: an assumption (like ``\sum_k y_k = 1``), used by every claim; its relation is between
  numbers (the 1x1 matrix's entry), which the matrix checker reads as a relation between sums.
- ``X^T X \theta = X^T y``: alone in its row, no derivative and no function in it, and each side
  has a name the other lacks: an equation in an unknown (the normal equations), which the text
  sets; if it is not an identity it is a condition, never refuted.
"""

from __future__ import annotations

from sympy import Basic, Eq, Number, Trace
from sympy.matrices.expressions import (
    MatAdd,
    MatMul,
    MatrixExpr,
    MatrixSymbol,
    OneMatrix,
    Transpose,
)

from derive.checker.matrix.nodes import scalar
from derive.sources.posts.latex import nodes as ast
from derive.sources.posts.matrix.building import is_matrix, is_one_by_one
from derive.sources.posts.names import BuildError

_DATA = (MatMul, MatAdd, Transpose, Trace)


def relation(left: Basic, right: Basic) -> Basic:
    """``left = right``; a 1x1 matrix beside a number is its entry."""
    if is_one_by_one(left) and not is_matrix(right):
        left = scalar(left)
    if is_one_by_one(right) and not is_matrix(left):
        right = scalar(right)
    return Eq(left, right, evaluate=False) if is_matrix(left) else Eq(left, right)


def matrix_assumption(left: Basic, right: Basic, defined: set[Basic], objects) -> bool | None:
    """Whether ``left = right`` states data (``1^T y = 1``); None when no side is a matrix
    (the reader's own rule decides)."""
    if not (is_matrix(left) or is_matrix(right)):
        return None
    data, number = (left, right) if is_matrix(left) else (right, left)
    if isinstance(number, OneMatrix) and data.has(OneMatrix):  # Y 1 = 1: rows summing to 1
        return not (objects(data) & defined) and _data(data)
    if isinstance(data, OneMatrix) and number.has(OneMatrix) and is_matrix(number):
        return not (objects(number) & defined) and _data(number)
    if not (isinstance(number, Number) and is_one_by_one(data)):
        return False
    if objects(data) & defined:
        return False
    return _data(data)


def _data(expr: Basic) -> bool:
    """Products, sums and transposes of undefined matrices and vectors of ones."""
    todo = [expr]
    while todo:
        node = todo.pop()
        if isinstance(node, (MatrixSymbol, OneMatrix, Number)):
            continue
        if isinstance(node, _DATA):
            todo.extend(node.args)
            continue
        if isinstance(node, MatrixExpr) or not node.is_number:
            return False
    return True


def sets_equation(builder, chain: ast.Chain, left: Basic, alone: bool) -> bool:
    """``X^T X \\theta = X^T y``: an equation the text sets (see the module's doc)."""
    if not (alone and builder.matrix_mode and len(chain.parts) == 2):
        return False
    for part in chain.parts:
        for node in ast.walk(part):
            if isinstance(node, (ast.Partial, ast.Nabla, ast.Call, ast.Apply, ast.Frac)):
                return False
    try:
        right = builder.build(chain.parts[1])
    except BuildError:
        return False
    if not (is_matrix(left) or is_matrix(right)):
        return False
    if _single(chain.parts[0]) or _single(chain.parts[1]):
        return False
    objects = builder.definitions.objects
    mine, theirs = objects(left), objects(right)
    return bool(mine - theirs) and bool(theirs - mine)


def _single(node: ast.Node) -> bool:
    while isinstance(node, ast.Group):
        node = node.inner
    return isinstance(node, (ast.Letter, ast.Scripted))
