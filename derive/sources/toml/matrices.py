"""Matrices in the file syntax: ``X.T @ (X @ theta - y)``, ``hadamard(A, B)``, ``grad(L, W)``.

A name declared ``"matrix m x n"``, ``"vector n"`` or ``"row vector n"`` is a SymPy
``MatrixSymbol``; the operators and functions here build matrix expressions from it, and every
one is checked for shape as it is built (``derive.checker.matrix.shapes``), so a product that
does not conform is an error at the place where it is written (`` `X^T theta`: (n×m)·(n×1) do
not conform ``), like a division by zero.

``*`` and ``@`` are the matrix product (``*`` as in SymPy; a number times a matrix scales it;
the entrywise product is ``hadamard(A, B)``), ``.T`` and ``transpose(A)`` transpose, ``A**-1``,
``A.I`` and ``inv(A)`` invert; functions of one argument (``exp``, ``log``, ``tanh``, a
``[define]``d ``sigma(u)``) apply to every entry of a matrix.
"""

from __future__ import annotations

import ast
from collections.abc import Callable

import sympy
from sympy import Add, Basic, Expr, Lambda, MatrixSymbol, Symbol, Trace
from sympy.matrices.expressions import (
    HadamardProduct,
    Identity,
    Inverse,
    MatAdd,
    MatMul,
    MatrixExpr,
)
from sympy.matrices.expressions.diagonal import DiagMatrix
from sympy.matrices.expressions.matexpr import MatrixElement

from derive.checker.matrix.nodes import (
    Gradient,
    Softmax,
    elementwise,
    norm,
    ones,
    outer,
    relu,
    relu_derivative,
    scalar,
)
from derive.checker.matrix.shapes import ShapeProblem, shape
from derive.model.primitives import relu_prime

Handler = Callable[..., Expr]


def is_matrix(value: object) -> bool:
    return isinstance(value, MatrixExpr)


def checked(builder: object, node: ast.AST, build: Callable[[], Basic]) -> Basic:
    """Build a matrix expression and check its shape; a problem is an error at ``node``."""
    result = builder.call(node, build)
    try:
        shape(result)
    except ShapeProblem as problem:
        raise builder.error(node, str(problem)) from None
    return result


def product(builder: object, node: ast.AST, left: Basic, right: Basic) -> Basic:
    """``left @ right``, one product of all the factors (``X.T @ X @ theta`` is not
    ``(X^T X) theta``: the same matrix, written without brackets)."""
    factors = [*_factors(left), *_factors(right)]
    return checked(builder, node, lambda: MatMul(*factors))


def _one_by_one(expr: Basic) -> bool:
    try:
        return tuple(shape(expr)) == (1, 1)
    except ShapeProblem:
        return False


def _factors(expr: Basic) -> tuple[Basic, ...]:
    return expr.args if isinstance(expr, MatMul) else (expr,)


def combine(builder: object, node: ast.AST, kind: str, operands: list[Basic]) -> Basic:
    """``a + b - c`` or ``a * b / c`` with a matrix among the operands: ``*`` is the matrix
    product, as in SymPy (``@`` too); a 1x1 product among the factors that does not conform
    otherwise is a number (``x.T * y * A`` scales A by x^T y)."""
    if kind == "add":
        if not all(is_matrix(o) for o in operands):
            if all(_one_by_one(o) for o in operands if is_matrix(o)):  # w^T a - t: numbers
                return Add(*(scalar(o) if is_matrix(o) else o for o in operands))
            raise builder.error(node, "a number added to a matrix: write it times ones(m, n)")
        return checked(builder, node, lambda: MatAdd(*operands))
    if any(_inverted_matrix(o) for o in operands):
        raise builder.error(node, "a division by a matrix: write A**-1 or inv(A)")
    factors = [f for o in operands for f in _factors(o)]
    try:
        shape(MatMul(*factors))
    except ShapeProblem as problem:
        scaled = _with_scalars(factors)
        if scaled is None:
            hint = " (the entrywise product is hadamard(A, B))"
            raise builder.error(node, f"{problem}{hint}") from None
        factors = scaled
    return checked(builder, node, lambda: MatMul(*factors))


def _with_scalars(factors: list[Basic]) -> list[Basic] | None:
    """The factors with the first runs whose product is 1x1 read as numbers, if the rest
    then conforms; None otherwise."""
    result, start = [], 0
    while start < len(factors):
        for end in range(len(factors), start, -1):
            run = [f for f in factors[start:end] if is_matrix(f)]
            if len(run) > 1 and _is_one_by_one(run) and end - start < len(factors):
                result.append(scalar(MatMul(*factors[start:end])))
                start = end
                break
        else:
            result.append(factors[start])
            start += 1
    try:
        shape(MatMul(*result))
    except ShapeProblem:
        return None
    return result


def _is_one_by_one(run: list[Basic]) -> bool:
    try:
        return shape(MatMul(*run)) == (1, 1)
    except ShapeProblem:
        return False


def _inverted_matrix(operand: Basic) -> bool:
    return isinstance(operand, sympy.Pow) and is_matrix(operand.base)


def power(builder: object, node: ast.AST, base: Basic, exponent: Basic) -> Basic:
    if exponent == -1:
        return checked(builder, node, lambda: Inverse(base))
    if exponent.is_Integer and exponent > 0:
        return checked(builder, node, lambda: base**exponent)
    raise builder.error(
        node,
        "a matrix power is A**k (k a positive integer) or A**-1; hadamard(A, A) squares entries",
    )


def entry(builder: object, node: ast.AST, matrix: MatrixExpr, indices: tuple) -> Expr:
    """``X[i, j]`` counts from 1, as the file's arrays do (SymPy's ``X[i - 1, j - 1]``); a
    vector takes one index."""
    rows, cols = matrix.shape
    if len(indices) == 2:
        return MatrixElement(matrix, indices[0] - 1, indices[1] - 1)
    if len(indices) == 1 and (rows == 1 or cols == 1):
        at = indices[0] - 1
        return MatrixElement(matrix, 0, at) if rows == 1 else MatrixElement(matrix, at, 0)
    raise builder.error(node, "a matrix takes two subscripts X[i, j]; a vector takes one")


def apply_elementwise(builder: object, node: ast.AST, function: Callable, argument: Basic) -> Basic:
    """A function of one number applied to every entry of a matrix."""
    u = Symbol("u", real=True)
    return checked(builder, node, lambda: elementwise(Lambda(u, function(u)), argument))


def _count(builder: object, node: ast.Call, least: int, most: int, usage: str) -> None:
    if not least <= len(node.args) <= most:
        raise builder.error(node, f"wrong number of arguments ({len(node.args)}): write {usage}")


def _one(builder: object, node: ast.Call, usage: str) -> Basic:
    _count(builder, node, 1, 1, usage)
    return builder.expr(node.args[0])


def _matrix_argument(builder: object, node: ast.Call, usage: str) -> Basic:
    value = _one(builder, node, usage)
    if not is_matrix(value):
        raise builder.error(node, f"{usage} takes a matrix or a vector")
    return value


def _unary(build: Callable[[Basic], Basic], usage: str) -> Handler:
    def handler(builder: object, node: ast.Call) -> Basic:
        value = _matrix_argument(builder, node, usage)
        return checked(builder, node, lambda: build(value))

    return handler


def _binary(build: Callable[[Basic, Basic], Basic], usage: str) -> Handler:
    def handler(builder: object, node: ast.Call) -> Basic:
        if len(node.args) != 2:
            raise builder.error(
                node, f"wrong number of arguments ({len(node.args)}): write {usage}"
            )
        left, right = (builder.expr(a) for a in node.args)
        if not (is_matrix(left) and is_matrix(right)):
            raise builder.error(node, f"{usage} takes two matrices")
        return checked(builder, node, lambda: build(left, right))

    return handler


def _sized(build: Callable[..., Basic], usage: str, most: int) -> Handler:
    """``ones(n)``, ``ones(m, n)``, ``eye(n)``: sizes are numbers or declared sizes."""

    def handler(builder: object, node: ast.Call) -> Basic:
        if not 1 <= len(node.args) <= most:
            raise builder.error(
                node, f"wrong number of arguments ({len(node.args)}): write {usage}"
            )
        sizes = [builder.expr(a) for a in node.args]
        if any(is_matrix(s) or s.is_integer is not True for s in sizes):
            raise builder.error(node, f"{usage}: the sizes are integers")
        return checked(builder, node, lambda: build(*sizes))

    return handler


def _gradient(builder: object, node: ast.Call) -> Basic:
    """``grad(f, W)``: the gradient in the file's layout (``[options] layout``)."""
    _count(builder, node, 2, 2, "grad(f, W)")
    function, variable = (builder.expr(a) for a in node.args)
    return gradient(builder, node, function, variable)


def gradient(builder: object, node: ast.AST, function: Basic, variable: Basic) -> Basic:
    if not isinstance(variable, MatrixSymbol):
        raise builder.error(node, "a gradient is taken with respect to a declared matrix or vector")
    layout = getattr(builder, "layout", "denominator")
    return checked(builder, node, lambda: Gradient(function, variable, layout))


def _softmax(axis: str, usage: str) -> Handler:
    def handler(builder: object, node: ast.Call) -> Basic:
        value = _matrix_argument(builder, node, usage)
        rows, cols = value.shape
        chosen = axis
        if axis == "vector":
            if cols != 1 and rows != 1:
                raise builder.error(
                    node, "softmax of a matrix: write softmax_rows(Z) or softmax_cols(Z)"
                )
            chosen = "columns" if cols == 1 else "rows"
        return checked(builder, node, lambda: Softmax(value, chosen))

    return handler


MATRIX_FUNCTIONS: dict[str, Handler] = {
    "transpose": _unary(lambda a: a.T, "transpose(A)"),
    "inv": _unary(Inverse, "inv(A)"),
    "trace": _unary(Trace, "trace(A)"),
    "diag": _unary(DiagMatrix, "diag(v)"),
    "norm": _unary(norm, "norm(v)"),
    "hadamard": _binary(HadamardProduct, "hadamard(A, B)"),
    "outer": _binary(outer, "outer(a, b)"),
    "ones": _sized(ones, "ones(n) or ones(m, n)", 2),
    "eye": _sized(Identity, "eye(n)", 1),
    "softmax": _softmax("vector", "softmax(v)"),
    "softmax_rows": _softmax("rows", "softmax_rows(Z)"),
    "softmax_cols": _softmax("columns", "softmax_cols(Z)"),
    "grad": _gradient,
}


def relu_handler(builder: object, node: ast.Call) -> Basic:
    """``relu(x)`` = max(0, x), of a number or of every entry of a matrix."""
    value = _one(builder, node, "relu(x)")
    if is_matrix(value):
        return checked(builder, node, lambda: relu(value))
    return builder.call(node, sympy.Max, sympy.S.Zero, value)


def relu_prime_handler(builder: object, node: ast.Call) -> Basic:
    """``relu_prime(x)``: relu's derivative (1 for x > 0, 0 for x < 0)."""
    value = _one(builder, node, "relu_prime(x)")
    if is_matrix(value):
        return checked(builder, node, lambda: relu_derivative(value))
    return builder.call(node, relu_prime, value)


MATRIX_FUNCTIONS |= {"relu": relu_handler, "relu_prime": relu_prime_handler}
# SymPy's names for the same (the file syntax is SymPy-like)
MATRIX_FUNCTIONS |= {
    "Transpose": MATRIX_FUNCTIONS["transpose"],
    "Inverse": MATRIX_FUNCTIONS["inv"],
    "Trace": MATRIX_FUNCTIONS["trace"],
    "HadamardProduct": MATRIX_FUNCTIONS["hadamard"],
    "Identity": MATRIX_FUNCTIONS["eye"],
}
