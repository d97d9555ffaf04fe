"""A result in matrix notation (``X.T @ (X @ theta - y) / m``) -> the same result entry by
entry, in the index form the emitter vectorizes.

Entry (i, j) of each matrix operation is written out: a matrix ``X`` (m x n) is ``X[i, j]``,
a column vector ``theta`` (n x 1) is ``theta[i]`` and a row vector ``r`` (1 x n) ``r[j]`` (a
length-1 axis is no axis), a product is a sum over the inner index, a transpose swaps the
indices, a Hadamard product multiplies entries, a function applied elementwise (``sigma(X @ w)``)
is applied to the entry, ``ones(m)`` is 1 and the identity a Kronecker delta. Indices count from
0, as NumPy's do: the result's rows are ``i_row`` in 0..rows-1, its columns ``j_col`` (a
vector's only axis is its rows', a 1 x 1 result is a scalar). The emitter then prints
``X.T @ (X @ theta - y) / m`` back as matrix products (its contraction rules), and the stable
rewrites see the sigmoid inside ``log(sigma(X @ w))``.

A matrix inverse has no entry-by-entry form: a result holding one is refused with
:class:`EmitError` (solve the system in your code: ``numpy.linalg.solve``).
"""

from __future__ import annotations

from dataclasses import replace
from itertools import count

from sympy import (
    Basic,
    Expr,
    Identity,
    IndexedBase,
    Integer,
    KroneckerDelta,
    Lambda,
    MatAdd,
    MatMul,
    MatrixExpr,
    MatrixSymbol,
    Mul,
    OneMatrix,
    Sum,
    Symbol,
    Transpose,
    ZeroMatrix,
)
from sympy.matrices.expressions.applyfunc import ElementwiseApplyFunction
from sympy.matrices.expressions.hadamard import HadamardProduct

from derive.emit.graph import Domain
from derive.emit.proofs import EmitError
from derive.emit.results import Result

ROW = Symbol("i_row", integer=True, nonnegative=True)
COL = Symbol("j_col", integer=True, nonnegative=True)


class _Entries:
    """Entry (i, j) of matrix expressions, with one IndexedBase per MatrixSymbol."""

    def __init__(self, show) -> None:
        self.show = show
        self.bases: dict[MatrixSymbol, IndexedBase] = {}
        self.fresh = count()

    def base(self, matrix: MatrixSymbol) -> IndexedBase:
        if matrix not in self.bases:
            self.bases[matrix] = IndexedBase(f"{matrix.name}_entries", real=True)
        return self.bases[matrix]

    def entry(self, expr: Basic, i: Expr, j: Expr) -> Expr:
        if not isinstance(expr, MatrixExpr):
            return expr  # a scalar factor
        rule = _RULES.get(type(expr))
        if rule is None:
            for kind, found in _RULES.items():
                if isinstance(expr, kind):
                    rule = found
                    break
        if rule is None:
            raise EmitError(
                f"{self.show(expr)}: no entry-by-entry form for {type(expr).__name__} in "
                "matrix notation"
            )
        return rule(self, expr, i, j)

    def index(self) -> Symbol:
        return Symbol(f"k_inner{next(self.fresh)}", integer=True, nonnegative=True)


def _symbol(e: _Entries, expr: MatrixSymbol, i: Expr, j: Expr) -> Expr:
    rows, cols = expr.shape
    base = e.base(expr)
    if cols == 1 and rows == 1:
        return base[Integer(0)]
    if cols == 1:
        return base[i]
    if rows == 1:
        return base[j]
    return base[i, j]


def _transpose(e: _Entries, expr: Transpose, i: Expr, j: Expr) -> Expr:
    return e.entry(expr.arg, j, i)


def _product(e: _Entries, expr: MatMul, i: Expr, j: Expr) -> Expr:
    """(A B C)[i, j] = sum_k sum_l A[i, k] B[k, l] C[l, j] (an inner length 1 is index 0)."""
    scalars = [a for a in expr.args if not isinstance(a, MatrixExpr)]
    matrices = [a for a in expr.args if isinstance(a, MatrixExpr)]
    if len(matrices) < 2:
        return Mul(*scalars, *(e.entry(m, i, j) for m in matrices))
    points, limits = [i], []
    for matrix in matrices[:-1]:
        inner = matrix.shape[1]
        if inner == 1:
            points.append(Integer(0))
            continue
        index = e.index()
        points.append(index)
        limits.append((index, Integer(0), inner - 1))
    points.append(j)
    found = Mul(*(e.entry(m, points[n], points[n + 1]) for n, m in enumerate(matrices)))
    for limit in reversed(limits):
        found = Sum(found, limit)
    return Mul(*scalars, found)


def _sum(e: _Entries, expr: MatAdd, i: Expr, j: Expr) -> Expr:
    return sum((e.entry(a, i, j) for a in expr.args), Integer(0))


def _hadamard(e: _Entries, expr: HadamardProduct, i: Expr, j: Expr) -> Expr:
    return Mul(*(e.entry(a, i, j) for a in expr.args))


def _apply(e: _Entries, expr: ElementwiseApplyFunction, i: Expr, j: Expr) -> Expr:
    function, inner = expr.function, e.entry(expr.expr, i, j)
    if isinstance(function, Lambda):
        (variable,) = function.variables
        return function.expr.xreplace({variable: inner})
    return function(inner)


def _identity(e: _Entries, expr: Identity, i: Expr, j: Expr) -> Expr:
    return KroneckerDelta(i, j)


def _constant(value: int):
    return lambda e, expr, i, j: Integer(value)


_RULES: dict[type, object] = {
    MatrixSymbol: _symbol,
    Transpose: _transpose,
    MatMul: _product,
    MatAdd: _sum,
    HadamardProduct: _hadamard,
    ElementwiseApplyFunction: _apply,
    Identity: _identity,
    OneMatrix: _constant(1),
    ZeroMatrix: _constant(0),
}


def entries(result: Result) -> Result:
    """``result`` entry by entry if it is in matrix notation (see the module docstring); else
    as it is. Raises EmitError for what has no entry-by-entry form (an inverse)."""
    expr = result.expr
    if not isinstance(expr, MatrixExpr):
        return result
    e = _Entries(result.show)
    rows, cols = expr.shape
    i = ROW if rows != 1 else Integer(0)
    j = COL if cols != 1 else Integer(0)
    if rows != 1 and cols == 1:
        j = Integer(0)
    written = e.entry(expr, i, j)
    lost = [
        axis for axis in (i, j) if isinstance(axis, Symbol) and axis not in written.free_symbols
    ]
    if lost:
        raise EmitError(
            f"it is {result.show(written)} in every entry of a {rows} x {cols} matrix: no "
            "argument's shape gives its size"
        )
    ranges = dict(result.ranges)
    if rows != 1:
        ranges[ROW] = Domain(Integer(0), rows - 1)
    if cols != 1:
        ranges[COL] = Domain(Integer(0), cols - 1)
    shown = {base: result.show(matrix) for matrix, base in e.bases.items()}
    names = {**result.names, **{b: result.names.get(m, shown[b]) for m, b in e.bases.items()}}
    outer = result.show

    def show(obj: Basic) -> str:
        return shown[obj] if obj in shown else outer(obj)

    data = frozenset(e.bases.get(s, s) for s in result.data)
    wrt = result.wrt
    if isinstance(wrt, MatrixSymbol):
        wrt = _symbol(e, wrt, ROW, COL)
    return replace(result, expr=written, ranges=ranges, show=show, names=names, data=data, wrt=wrt)
