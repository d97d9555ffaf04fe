"""Shapes: every matrix expression's (rows, cols), and the reasons an expression has none.

A product ``A B`` needs A's columns to be B's rows, a sum and ``⊙`` equal shapes, an inverse
and a trace a square matrix. Sizes are symbols (a claim for every value) or numbers; two
different size symbols are different sizes, so ``X^T θ`` with X m x n and θ n x 1 does not
conform although it would if m happened to equal n. A problem is a :class:`ShapeProblem`, whose
message is the one-line report ("`X^T θ`: (n x m)·(n x 1) do not conform", written with the
multiplication sign): such a claim is not judged.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable

import sympy
from sympy import Basic, MatrixSymbol, S
from sympy.matrices import MatrixBase
from sympy.matrices.expressions import (
    HadamardPower,
    HadamardProduct,
    Identity,
    Inverse,
    KroneckerProduct,
    MatAdd,
    MatMul,
    MatPow,
    MatrixExpr,
    OneMatrix,
    Trace,
    Transpose,
    ZeroMatrix,
)
from sympy.matrices.expressions.applyfunc import ElementwiseApplyFunction
from sympy.matrices.expressions.diagonal import DiagMatrix
from sympy.matrices.expressions.matexpr import MatrixElement

from derive.checker.matrix.nodes import At, Gradient, Shape, Softmax, shape_of
from derive.checker.matrix.text import dims_text, matrix_text

MAX_CONCRETE_SIZE = 64  # a size written as a number; larger ones: write a symbol


class ShapeProblem(ValueError):
    """A matrix expression without a shape (or with sizes the checker refuses); the message is
    one line. ``expr`` is the offending subexpression."""

    def __init__(self, message: str, expr: Basic | None = None) -> None:
        super().__init__(message)
        self.expr = expr


def is_scalar_shape(shape: Shape) -> bool:
    return shape[0] == 1 and shape[1] == 1


def check_size(size: Basic, where: Basic) -> None:
    """A size is a positive integer up to MAX_CONCRETE_SIZE, or built from symbols."""
    if size.is_number:
        if not (size.is_Integer and size >= 1):
            raise ShapeProblem(f"`{matrix_text(where)}` has a size {size}: sizes are >= 1", where)
        if size > MAX_CONCRETE_SIZE:
            raise ShapeProblem(
                f"`{matrix_text(where)}` has a size {size}, over the limit of "
                f"{MAX_CONCRETE_SIZE} for a size written as a number (write a symbol such as "
                "n to check every size at once)",
                where,
            )
        return
    if size.is_positive is False or size.is_integer is False or not _count_like(size):
        raise ShapeProblem(f"`{matrix_text(where)}` has a size {size} that is not a count", where)


def _count_like(size: Basic) -> bool:
    """Built from symbols and integers by + and * (n, n + 1, 2 m)."""
    if size.is_Integer or isinstance(size, sympy.Symbol):
        return True
    return isinstance(size, (sympy.Add, sympy.Mul)) and all(_count_like(a) for a in size.args)


def _conform(expr: Basic, left: Shape, right: Shape, sign: str) -> None:
    if left[1] != right[0]:
        raise ShapeProblem(
            f"`{matrix_text(expr)}`: ({dims_text(left)}){sign}({dims_text(right)}) do not conform",
            expr,
        )


def _product(expr: MatMul) -> Shape:
    _, factors = expr.as_coeff_matrices()
    shapes = [shape(f) for f in factors]
    for left, right in itertools.pairwise(shapes):
        _conform(expr, left, right, "·")
    return (shapes[0][0], shapes[-1][1])


def _same(expr: Basic, sign: str) -> Shape:
    shapes = [shape(a) for a in expr.args if isinstance(a, MatrixExpr)]
    for other in shapes[1:]:
        if other != shapes[0]:
            text = sign.join(f"({dims_text(s)})" for s in shapes)
            raise ShapeProblem(f"`{matrix_text(expr)}`: {text} do not conform", expr)
    return shapes[0]


def _square(expr: Basic, of: Basic, what: str) -> Shape:
    found = shape(of)
    if found[0] != found[1]:
        raise ShapeProblem(
            f"`{matrix_text(expr)}`: {what} needs a square matrix, `{matrix_text(of)}` is "
            f"{dims_text(found)}",
            expr,
        )
    return found


def _symbol(expr: MatrixSymbol) -> Shape:
    for size in expr.shape:
        check_size(size, expr)
    return expr.shape


def _vector_only(expr: Basic, of: Basic, what: str) -> Shape:
    found = shape(of)
    if found[1] != 1 and found[0] != 1:
        raise ShapeProblem(
            f"`{matrix_text(expr)}`: {what} of `{matrix_text(of)}` ({dims_text(found)}), "
            "which is not a vector",
            expr,
        )
    return found


def _diag(expr: DiagMatrix) -> Shape:
    rows, cols = _vector_only(expr, expr.args[0], "diag")
    size = rows if cols == 1 else cols
    return (size, size)


def _gradient(expr: Gradient) -> Shape:
    f_shape = shape(expr.function)
    w_shape = _symbol(expr.wrt)
    if not is_scalar_shape(f_shape) and (f_shape[1] != 1 or w_shape[1] != 1):
        raise ShapeProblem(
            f"`{matrix_text(expr)}`: the derivative of a {dims_text(f_shape)} matrix by a "
            f"{dims_text(w_shape)} one has four indices (only a scalar by a matrix, or a "
            "column vector by a column vector)",
            expr,
        )
    return expr.shape


def _kronecker(expr: KroneckerProduct) -> Shape:
    for arg in expr.args:
        _vector_only(expr, arg, "⊗ (an outer product)")
    return expr.shape


def _at(expr: At) -> Shape:
    inner, symbol, value = expr.args
    if shape(value) != _symbol(symbol):
        raise ShapeProblem(
            f"`{matrix_text(expr)}`: {symbol} is {dims_text(symbol.shape)}, its value "
            f"{dims_text(shape(value))}",
            expr,
        )
    return shape(inner)


def _elementwise(expr: ElementwiseApplyFunction) -> Shape:
    return shape(expr.expr)


def _element(expr: MatrixElement) -> Shape:
    shape(expr.parent)
    return (S.One, S.One)


_RULES: dict[type, Callable[[Basic], Shape]] = {
    MatrixElement: _element,
    MatrixSymbol: _symbol,
    MatMul: _product,
    MatAdd: lambda e: _same(e, " + "),
    HadamardProduct: lambda e: _same(e, " ⊙ "),
    HadamardPower: lambda e: shape(e.base),
    Transpose: lambda e: tuple(reversed(shape(e.arg))),
    Inverse: lambda e: _square(e, e.arg, "an inverse"),
    MatPow: lambda e: _square(e, e.base, "a power"),
    Trace: lambda e: (_square(e, e.arg, "a trace"), (S.One, S.One))[1],
    DiagMatrix: _diag,
    KroneckerProduct: _kronecker,
    ElementwiseApplyFunction: _elementwise,
    Softmax: lambda e: shape(e.arg),
    Gradient: _gradient,
    At: _at,
}


def _sized(expr: Basic) -> Shape:
    for size in expr.shape:
        check_size(size, expr)
    return expr.shape


for _kind in (Identity, OneMatrix, ZeroMatrix):
    _RULES[_kind] = _sized


def shape(expr: Basic) -> Shape:
    """The shape of ``expr`` ((1, 1) for a scalar), every part checked.

    Raises:
        ShapeProblem: a part does not conform, or has a size that is not allowed.
    """
    for kind in type(expr).__mro__:
        rule = _RULES.get(kind)
        if rule is not None:
            return rule(expr)
    if isinstance(expr, MatrixExpr):
        raise ShapeProblem(f"`{matrix_text(expr)}`: the checker does not know this matrix form")
    for arg in expr.args:  # a scalar made of matrices: tr(A B) + x^T y ...
        if isinstance(arg, MatrixExpr) and not is_scalar_shape(shape(arg)):
            raise ShapeProblem(
                f"`{matrix_text(arg)}` ({dims_text(shape(arg))}) is used as a number", arg
            )
        if isinstance(arg, Basic):
            shape(arg)
    return shape_of(expr)


def _symbolic(e: Basic) -> bool:
    return isinstance(e, MatrixExpr) and not isinstance(e, MatrixBase)


def has_matrices(*exprs: Basic) -> bool:
    """Whether any of ``exprs`` is a matrix expression or contains one (a trace, a norm);
    explicit matrices (``Matrix([[x, 1]])``) are not: they are compared entry by entry."""
    return any(_symbolic(e) or any(_symbolic(a) for a in e.atoms(MatrixExpr)) for e in exprs)


def sizes_of(*exprs: Basic) -> list[sympy.Symbol]:
    """The size symbols of the matrices in ``exprs``, sorted."""
    found: set[sympy.Symbol] = set()
    for e in exprs:
        for m in e.atoms(MatrixSymbol, Identity, OneMatrix, ZeroMatrix):
            for size in m.shape:
                found |= {s for s in size.free_symbols if isinstance(s, sympy.Symbol)}
    return sorted(found, key=sympy.default_sort_key)
