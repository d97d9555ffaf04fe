"""The matrix notation's own nodes, beside SymPy's matrix expressions.

SymPy already has the product, sum, transpose, inverse, Hadamard product, trace, identity,
ones, ``DiagMatrix`` and elementwise application (``ElementwiseApplyFunction``). Three things
it lacks, or gets wrong, are nodes here:

- ``Gradient(f, W, layout)``: the derivative of a scalar (or a vector) with respect to a matrix
  symbol, in the denominator layout (the gradient has W's shape) or the numerator layout (the
  transposed shape). SymPy's own matrix derivative mixes the layouts on some inputs (the
  derivative of ``(X th - y)^T (X th - y)`` comes back with a term that does not conform), so
  the checker never uses it: a Gradient is differentiated entry by entry in index form.
- ``Softmax(Z, axis)``: the softmax of a vector, or of every row ("rows") or every column
  ("columns") of a matrix; it is not elementwise, so SymPy's elementwise node cannot hold it.
- ``At(M, Z, value)``: ``M`` with the matrix symbol ``Z`` replaced by ``value`` after any
  derivative inside ``M`` was taken (``dE/dZ`` with Z defined as ``A W^T + 1 b^T``).

The helpers (``elementwise``, ``outer``, ``ones``, ``norm``, ``scalar``) build the usual
notation out of these and SymPy's nodes.
"""

from __future__ import annotations

from sympy import Basic, Expr, Lambda, Max, Symbol, Trace, sqrt, sympify
from sympy.core.symbol import Str
from sympy.matrices.expressions import MatrixExpr, MatrixSymbol, OneMatrix
from sympy.matrices.expressions.applyfunc import ElementwiseApplyFunction

from derive.model.primitives import relu_prime

LAYOUTS = ("denominator", "numerator")
AXES = ("rows", "columns")

Shape = tuple[Basic, Basic]


def _word(value: object, allowed: tuple[str, ...], what: str) -> Str:
    text = value.name if isinstance(value, Str) else value
    if text not in allowed:
        raise ValueError(f"{what} must be one of {', '.join(allowed)}, got {text!r}")
    return Str(text)


def shape_of(expr: Basic) -> Shape:
    """(rows, cols) of a matrix expression; (1, 1) for a scalar."""
    if isinstance(expr, MatrixExpr):
        return expr.shape
    return (sympify(1), sympify(1))


class Gradient(MatrixExpr):
    """The derivative of ``f`` with respect to the matrix symbol ``wrt``.

    ``f`` is a scalar (an expression, or a 1x1 matrix) or a column vector. In the denominator
    layout, the default, the gradient of a scalar has ``wrt``'s shape and the derivative of an
    m-vector by an n-vector is n x m; the numerator layout transposes both.

    >>> from sympy import MatrixSymbol, symbols
    >>> m, n = symbols("m n", integer=True, positive=True)
    >>> X, th = MatrixSymbol("X", m, n), MatrixSymbol("theta", n, 1)
    >>> Gradient((X * th).T * (X * th), th).shape
    (n, 1)
    >>> Gradient((X * th).T * (X * th), th, "numerator").shape
    (1, n)
    """

    def __new__(cls, f: Basic, wrt: MatrixSymbol, layout: str | Str = "denominator") -> Gradient:
        if not isinstance(wrt, MatrixSymbol):
            raise TypeError(f"a gradient is taken with respect to a matrix symbol, not {wrt}")
        return Basic.__new__(cls, sympify(f), wrt, _word(layout, LAYOUTS, "layout"))

    @property
    def function(self) -> Basic:
        return self.args[0]

    @property
    def wrt(self) -> MatrixSymbol:
        return self.args[1]

    @property
    def layout(self) -> str:
        return self.args[2].name

    @property
    def shape(self) -> Shape:
        f_rows, f_cols = shape_of(self.function)
        w_rows, w_cols = self.wrt.shape
        # a scalar: W's shape; a column vector f (m x 1) by a column vector w (n x 1): n x m
        shape = (w_rows, w_cols) if f_rows == 1 and f_cols == 1 else (w_rows, f_rows)
        return shape if self.layout == "denominator" else (shape[1], shape[0])


class Softmax(MatrixExpr):
    """The softmax of each row ("rows") or each column ("columns") of ``Z``: entry (i, j) is
    ``exp(Z_ij) / sum_c exp(Z_ic)`` by rows. A column vector's softmax is by columns."""

    def __new__(cls, Z: MatrixExpr, axis: str | Str = "columns") -> Softmax:
        return Basic.__new__(cls, Z, _word(axis, AXES, "axis"))

    @property
    def arg(self) -> MatrixExpr:
        return self.args[0]

    @property
    def axis(self) -> str:
        return self.args[1].name

    @property
    def shape(self) -> Shape:
        return self.arg.shape


class At(MatrixExpr):
    """``M`` with the matrix symbol ``Z`` replaced by ``value``, after the derivatives in ``M``
    were taken with Z as a variable: ``dE/dZ`` where Z is defined as ``A W^T + 1 b^T``."""

    def __new__(cls, M: MatrixExpr, Z: MatrixSymbol, value: MatrixExpr) -> At:
        return Basic.__new__(cls, M, Z, value)

    @property
    def shape(self) -> Shape:
        return self.args[0].shape


def elementwise(function: Lambda | type, M: MatrixExpr) -> ElementwiseApplyFunction:
    """``function`` applied to every entry of ``M`` (a Lambda of one variable, or exp, log...)."""
    if not isinstance(function, Lambda):
        u = Symbol("u", real=True)
        function = Lambda(u, function(u))
    return ElementwiseApplyFunction(function, M)


def relu(M: MatrixExpr) -> ElementwiseApplyFunction:
    u = Symbol("u", real=True)
    return ElementwiseApplyFunction(Lambda(u, Max(0, u)), M)


def relu_derivative(M: MatrixExpr) -> ElementwiseApplyFunction:
    u = Symbol("u", real=True)
    return ElementwiseApplyFunction(Lambda(u, relu_prime(u)), M)


def ones(rows: Basic | int, cols: Basic | int = 1) -> OneMatrix:
    """The vector (or matrix) of ones, ``\\mathbf{1}``."""
    return OneMatrix(sympify(rows), sympify(cols))


def outer(a: MatrixExpr, b: MatrixExpr) -> MatrixExpr:
    """``a ⊗ b = a b^T`` for column vectors."""
    return a * b.T


def scalar(M: MatrixExpr) -> Expr:
    """A 1x1 matrix as a scalar (its one entry): ``(x^T y) A`` scales A by the number x^T y."""
    return Trace(M)


def norm(M: MatrixExpr) -> Expr:
    """The Euclidean norm of a vector, the Frobenius norm of a matrix: ``sqrt(tr(M^T M))``;
    its square is ``tr(M^T M)`` (SymPy squares a square root away)."""
    return sqrt(Trace(M.T * M))
