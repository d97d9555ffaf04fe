"""Matrix expressions in index form: the entry (r, c) of each side, as sums over named indices.

The index form is the language the checker already proves for symbolic sizes: ``IndexedBase``
arrays with real entries, ``Sum`` over integer indices from 1 to a size, Kronecker deltas. So
``X^T (X θ - y)`` at entry (i, 1) becomes ``Σ_s X[s, i] (Σ_q X[s, q] θ[q] - y[s])``, and a claim
about matrices of every size is proved as a claim about its entries (i, j) for every size and
every i <= rows, j <= cols.

A gradient is differentiated in index form, entry by entry: ``∂f/∂W`` at (i, j) is the
derivative of f's index form by ``W[i, j]`` (denominator layout; ``W[j, i]`` in the numerator
layout). That is SymPy's well-trodden path (the derivative of a sum by an indexed element gives
Kronecker deltas), where SymPy's matrix derivative mixes layouts, and its derivative of an
indexed matrix element (``MatrixElement``) by a matrix symbol is 0.

SymPy's ``convert_matrix_to_array`` / ``convert_array_to_indexed`` do the same translation, but
0-based and with scalar factors written as 0-index arrays (``(-1)[]``), which the checker's
numbers and rewrites do not know; the rules here are a table, one per node.

A dimension that is the number 1 takes no index: a column vector θ (n x 1) is ``θ[q]``. An
inverse has no index form: it is an opaque array of its own (``opaque``), which keeps proofs
sound (what holds for every matrix holds for the inverse) but not refutations.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field

import sympy
from sympy import (
    Basic,
    Dummy,
    Expr,
    Indexed,
    IndexedBase,
    KroneckerDelta,
    MatrixSymbol,
    S,
    Sum,
    Symbol,
    exp,
)
from sympy.matrices.expressions import (
    HadamardPower,
    HadamardProduct,
    Identity,
    Inverse,
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

from derive.checker.matrix.nodes import At, Gradient, Softmax
from derive.checker.matrix.shapes import ShapeProblem
from derive.checker.matrix.text import matrix_text
from derive.checker.sums import sum_deltas

_BOUND = 2 * 10**9  # dummy indices of the bound indices (fixed: the same input, the same names)
_FREE = 3 * 10**9
MAX_POWER = 8  # A^k is written out as k factors


def index_symbol(name: str, number: int, base: int = _BOUND) -> Dummy:
    """An integer index >= 1 that no user symbol can equal (a Dummy with a fixed number)."""
    return Dummy(name, dummy_index=base + number, integer=True, positive=True)


@dataclass
class IndexForm:
    """The translation of one claim: sizes as positive integer symbols, each matrix symbol as
    an array with real entries, and what could not be written exactly (``opaque``)."""

    sizes: dict[Basic, Symbol] = field(default_factory=dict)
    bases: dict[MatrixSymbol, IndexedBase] = field(default_factory=dict)
    opaque: list[Basic] = field(default_factory=list)
    taken: set[str] = field(default_factory=set)
    ranges: dict[Basic, Basic] = field(default_factory=dict)
    _counter: itertools.count = field(default_factory=itertools.count)

    def declare_sizes(self, *exprs: Basic) -> None:
        """Learn the size symbols of the matrices in ``exprs`` (before any scalar is read: a
        size written in a scalar, 1/m, is the same m)."""
        for e in exprs:
            for m in e.atoms(MatrixExpr):
                for size in getattr(m, "shape", ()):
                    self.size(sympy.sympify(size))

    def size(self, size: Basic) -> Basic:
        """A size as an integer expression of positive integer symbols."""
        mapping = {}
        for s in size.free_symbols:
            if not (s.is_integer and s.is_positive):
                twin = self.sizes.setdefault(s, Symbol(s.name, integer=True, positive=True))
                mapping[s] = twin
        return size.xreplace(mapping) if mapping else size

    def fresh(self, size: Basic) -> Dummy:
        """A new bound index over 1..size."""
        index = index_symbol("s", next(self._counter))
        self.ranges[index] = self.size(size)
        return index

    def within(self, x: Basic, lo: Basic, hi: Basic) -> bool:
        """Whether lo <= x <= hi for an index of this form: each one runs over 1..its size
        wherever it occurs (a bound index inside its sum, a free one by its range)."""
        return lo == 1 and x in self.ranges and self.ranges[x] == hi

    def base(self, symbol: MatrixSymbol) -> IndexedBase:
        if symbol not in self.bases:
            name = str(symbol.name)
            while name in self.taken:
                name += "'"
            self.taken.add(name)
            self.bases[symbol] = IndexedBase(name, real=True)
        return self.bases[symbol]

    def summed(self, body: Expr, index: Basic, size: Basic) -> Expr:
        return body if index == 1 else Sum(body, (index, 1, self.size(size)))

    def inner(self, size: Basic) -> Basic:
        """The index that runs over a contracted dimension: 1 when the size is 1."""
        return S.One if size == 1 else self.fresh(size)

    def entry(self, expr: Basic, r: Basic, c: Basic) -> Expr:
        """Entry (r, c) of a matrix expression (r, c: integer expressions; 1 for a size 1)."""
        for kind in type(expr).__mro__:
            rule = _ENTRY.get(kind)
            if rule is not None:
                return rule(self, expr, r, c)
        raise ShapeProblem(f"`{matrix_text(expr)}`: no index form for this matrix form", expr)

    def entry_or_scalar(self, expr: Basic, r: Basic, c: Basic) -> Expr:
        """Entry (r, c) of a matrix; a scalar as it is (the entry of a 1x1 claim)."""
        return self.entry(expr, r, c) if isinstance(expr, MatrixExpr) else self.scalar(expr)

    def scalar(self, expr: Basic) -> Expr:
        """A scalar expression, its matrix parts (traces, 1x1 products) in index form."""
        if isinstance(expr, MatrixExpr):
            return self.entry(expr, S.One, S.One)
        if isinstance(expr, Trace):
            return _trace(self, expr)
        if isinstance(expr, MatrixElement):  # SymPy's X[i, j] counts from 0
            return self.entry(expr.parent, expr.i + 1, expr.j + 1)
        if not expr.args:
            return self.sizes.get(expr, expr)
        if isinstance(expr, sympy.Sum):
            expr = _from_one(expr)
        args = [self.scalar(a) for a in expr.args]
        if all(a is b for a, b in zip(args, expr.args, strict=True)):
            return expr
        return expr.func(*args)

    def element(self, symbol: MatrixSymbol, r: Basic, c: Basic) -> Expr:
        """The entry of a matrix symbol: X[r, c], θ[r] for a column, a scalar for 1 x 1."""
        rows, cols = symbol.shape
        base = self.base(symbol)
        indices = [i for i, size in ((r, rows), (c, cols)) if size != 1]
        if not indices:
            return base[1]
        return base[tuple(indices)] if len(indices) > 1 else base[indices[0]]


def _from_one(s: sympy.Sum) -> sympy.Sum:
    """A sum's indices as integers from 1, like the index form's own: SymPy's ``(X*th)[i, 0]``
    sums over a Dummy with no integer assumption, from 0. Shifting an index keeps the value."""
    limits, body = [], s.function
    for var, lo, hi in s.limits:
        new = (
            var
            if var.is_integer and var.is_positive
            else Dummy(str(var), integer=True, positive=True)
        )
        if lo == 1 and new is var:
            limits.append((var, lo, hi))
            continue
        body = body.xreplace({var: new + lo - 1})
        limits.append((new, S.One, hi - lo + 1))
    return sympy.Sum(body, *limits)


def _product(form: IndexForm, expr: MatMul, r: Basic, c: Basic) -> Expr:
    coefficient, factors = expr.as_coeff_matrices()
    indices = [r, *(form.inner(f.shape[1]) for f in factors[:-1]), c]
    body = form.scalar(coefficient)
    for factor, (left, right) in zip(factors, itertools.pairwise(indices), strict=True):
        body *= form.entry(factor, left, right)
    for factor, index in reversed(list(zip(factors, indices[1:-1], strict=False))):
        body = form.summed(body, index, factor.shape[1])
    return body


def _trace(form: IndexForm, expr: Trace) -> Expr:
    index = form.inner(expr.arg.shape[0])
    return form.summed(form.entry(expr.arg, index, index), index, expr.arg.shape[0])


def _diag(form: IndexForm, expr: DiagMatrix, r: Basic, c: Basic) -> Expr:
    vector = expr.args[0]
    value = form.entry(vector, r, S.One) if vector.shape[1] == 1 else form.entry(vector, S.One, r)
    return KroneckerDelta(r, c) * value


def _power(form: IndexForm, expr: MatPow, r: Basic, c: Basic) -> Expr:
    power = expr.exp
    if power.is_Integer and 1 <= power <= MAX_POWER:
        return form.entry(MatMul(*[expr.base] * int(power)), r, c)
    if power == -1:
        return _opaque(form, Inverse(expr.base), r, c)
    raise ShapeProblem(f"`{matrix_text(expr)}`: no index form for the power {power}", expr)


def _opaque(form: IndexForm, expr: Basic, r: Basic, c: Basic) -> Expr:
    """A matrix without an index form (an inverse) as an array of its own."""
    if expr not in form.opaque:
        form.opaque.append(expr)
    symbol = MatrixSymbol(f"({matrix_text(expr)})", *expr.shape)
    return form.element(symbol, r, c)


def _softmax(form: IndexForm, expr: Softmax, r: Basic, c: Basic) -> Expr:
    Z = expr.arg
    rows, cols = Z.shape
    index = form.inner(cols if expr.axis == "rows" else rows)
    other = form.entry(Z, r, index) if expr.axis == "rows" else form.entry(Z, index, c)
    size = cols if expr.axis == "rows" else rows
    return exp(form.entry(Z, r, c)) / form.summed(exp(other), index, size)


def _log_softmax(form: IndexForm, expr: Softmax, r: Basic, c: Basic) -> Expr:
    """log of a softmax entry as ``z - log Σ exp``: the same value (z real, so e^z > 0), and
    the form whose derivative stays small (the quotient rule is never taken)."""
    softmax = _softmax(form, expr, r, c)
    numerator, denominator = softmax.as_numer_denom()
    return numerator.args[0] - sympy.log(denominator)


def _elementwise(form: IndexForm, expr: ElementwiseApplyFunction, r: Basic, c: Basic) -> Expr:
    function = expr.function
    if not isinstance(function, sympy.Lambda):
        function = sympy.Lambda(u := Dummy("u", real=True), function(u))
    (u,) = function.variables
    if function.expr == sympy.log(u) and isinstance(expr.expr, Softmax):
        return _log_softmax(form, expr.expr, r, c)
    return function.expr.xreplace({u: form.entry(expr.expr, r, c)})


def _gradient(form: IndexForm, expr: Gradient, r: Basic, c: Basic) -> Expr:
    """Denominator layout: entry (r, c) of df/dW is df/dW[r, c]; a vector f (m x 1) by a vector
    w (n x 1) has entry (r, c) = df_c/dw_r. The numerator layout swaps r and c."""
    if expr.layout == "numerator":
        r, c = c, r
    f, wrt = expr.function, expr.wrt
    if f.shape == (1, 1) if isinstance(f, MatrixExpr) else True:
        derivative = sympy.diff(form.scalar(f), form.element(wrt, r, c))
    else:
        derivative = sympy.diff(form.entry(f, c, S.One), form.element(wrt, r, S.One))
    return sum_deltas(derivative, form.within)  # the deltas the derivative brought, resolved


def _at(form: IndexForm, expr: At, r: Basic, c: Basic) -> Expr:
    inner, symbol, value = expr.args
    body = form.entry(inner, r, c)
    base = form.base(symbol)
    rows, cols = symbol.shape

    def replaced(element: Indexed) -> Expr:
        indices = list(element.indices)
        row = indices.pop(0) if rows != 1 else S.One
        col = indices.pop(0) if cols != 1 else S.One
        return form.entry(value, row, col)

    return body.replace(lambda e: isinstance(e, Indexed) and e.base == base, replaced)


_ENTRY: dict[type, Callable[[IndexForm, Basic, Basic, Basic], Expr]] = {
    MatrixSymbol: lambda f, e, r, c: f.element(e, r, c),
    MatMul: _product,
    MatAdd: lambda f, e, r, c: sympy.Add(*(f.entry(a, r, c) for a in e.args)),
    Transpose: lambda f, e, r, c: f.entry(e.arg, c, r),
    HadamardProduct: lambda f, e, r, c: sympy.Mul(*(f.entry(a, r, c) for a in e.args)),
    HadamardPower: lambda f, e, r, c: f.entry(e.base, r, c) ** f.scalar(e.exp),
    Identity: lambda f, e, r, c: KroneckerDelta(r, c),
    OneMatrix: lambda f, e, r, c: S.One,
    ZeroMatrix: lambda f, e, r, c: S.Zero,
    Inverse: _opaque,
    MatPow: _power,
    DiagMatrix: _diag,
    ElementwiseApplyFunction: _elementwise,
    Softmax: _softmax,
    Gradient: _gradient,
    At: _at,
}


def entry_indices(shape: tuple[Basic, Basic], form: IndexForm | None = None) -> tuple[Basic, Basic]:
    """The free indices (i, j) of an entry of a claim of this shape (1 for a size 1); ``form``
    learns their ranges."""
    indices = []
    for position, (name, size) in enumerate(zip("ij", shape, strict=True)):
        if size == 1:
            indices.append(S.One)
            continue
        index = index_symbol(name, position, _FREE)
        if form is not None:
            form.ranges[index] = form.size(size)
        indices.append(index)
    return indices[0], indices[1]
