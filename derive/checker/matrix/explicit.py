"""Matrix expressions at concrete sizes, with explicit matrices: the independent witness.

The proof for every size goes through the index form (``indexed.py``); this module takes the
other road: sizes become numbers, every matrix symbol an explicit SymPy matrix, and the
expression is computed with SymPy's matrix arithmetic (products, transposes, inverses). A
gradient is the derivative of the explicit scalar by each entry, taken with the other matrices
already numbers. Agreement of the two roads at several sizes (non-square ones, size 1) is the
numeric cross-check of a proof; the slips (``slips.py``) are recognised here too.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import mpmath
import sympy
from sympy import Basic, ImmutableMatrix, MatrixSymbol, S, Symbol
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

Values = Mapping[MatrixSymbol, ImmutableMatrix]


class NotExplicit(Exception):
    """The expression has no explicit value here (a singular inverse, an unknown node)."""


def _dims(expr: Basic, sizes: Mapping[Basic, int]) -> tuple[int, int]:
    rows, cols = (sympy.sympify(d).xreplace(sizes) for d in expr.shape)
    if not (rows.is_Integer and cols.is_Integer):
        raise NotExplicit(f"no concrete size for {expr.shape}")
    return int(rows), int(cols)


def _product(expr: MatMul, values: Values, sizes: Mapping[Basic, int]) -> ImmutableMatrix:
    coefficient, factors = expr.as_coeff_matrices()
    result = explicit(factors[0], values, sizes)
    for factor in factors[1:]:
        result = result * explicit(factor, values, sizes)
    return ImmutableMatrix(result * scalar_value(coefficient, values, sizes))


def _hadamard(expr: HadamardProduct, values: Values, sizes: Mapping) -> ImmutableMatrix:
    result = explicit(expr.args[0], values, sizes)
    for arg in expr.args[1:]:
        result = result.multiply_elementwise(explicit(arg, values, sizes))
    return ImmutableMatrix(result)


def _inverse(matrix: ImmutableMatrix) -> ImmutableMatrix:
    if matrix.det() == 0:
        raise NotExplicit("a singular matrix has no inverse")
    return ImmutableMatrix(matrix.inv())


def _power(expr: MatPow, values: Values, sizes: Mapping) -> ImmutableMatrix:
    base = explicit(expr.base, values, sizes)
    power = expr.exp
    if power.is_Integer and power < 0:
        return _inverse(base) ** int(-power)
    if power.is_Integer:
        return base ** int(power)
    raise NotExplicit(f"the power {power}")


def _elementwise(expr: ElementwiseApplyFunction, values: Values, sizes: Mapping) -> ImmutableMatrix:
    return ImmutableMatrix(explicit(expr.expr, values, sizes).applyfunc(expr.function))


def _softmax(expr: Softmax, values: Values, sizes: Mapping) -> ImmutableMatrix:
    Z = explicit(expr.arg, values, sizes)
    E = Z.applyfunc(sympy.exp)
    if expr.axis == "rows":
        return ImmutableMatrix(Z.rows, Z.cols, lambda r, c: E[r, c] / sum(E.row(r)))
    return ImmutableMatrix(Z.rows, Z.cols, lambda r, c: E[r, c] / sum(E.col(c)))


STEP = sympy.Float("1e-22", 60)  # the step of the central difference (60-digit points)


def _step(entry: sympy.Float) -> sympy.Float:
    """The central difference's step at an entry's precision: a third of its digits (1e-22 at
    60 digits, STEP), so that the truncation (the step squared) and the rounding (the digits
    over the step) are both far below the 30 digits the sides are compared to."""
    digits = mpmath.libmp.prec_to_dps(entry._prec)
    return STEP if digits <= 66 else sympy.Float(f"1e-{digits // 3}", digits)


def _partial(expr: Gradient, values: Values, sizes: Mapping, r: int, c: int) -> ImmutableMatrix:
    """The derivative of the explicit function by the entry (r, c) of W, as a central
    difference at the point: with 60-digit numbers and a step of 1e-22 its error is below
    1e-37 (the truncation is of the order of the step squared), while the sides are compared
    to 25 digits. A symbolic derivative of the explicit function would cost far more, and the
    proof is symbolic already: this is the independent witness. The derivative of a
    derivative (a Hessian) takes its differences at twice the digits: a difference of
    differences loses half of them."""
    wrt, f = expr.wrt, expr.function
    if not values[wrt][r, c].is_Float:
        return _exact_partial(expr, values, sizes, r, c)
    if f.has(Gradient) and mpmath.libmp.prec_to_dps(values[wrt][r, c]._prec) <= 66:
        values = {k: _more_digits(v) for k, v in values.items()}
    step = _step(values[wrt][r, c])
    sides = []
    for sign in (1, -1):
        entries = values[wrt].as_mutable()
        entries[r, c] = entries[r, c] + sign * step
        at = {**values, wrt: ImmutableMatrix(entries)}
        if not isinstance(f, MatrixExpr) or f.shape == (1, 1):
            sides.append(ImmutableMatrix([[scalar_value(f, at, sizes)]]))
        else:
            sides.append(explicit(f, at, sizes))
    return (sides[0] - sides[1]) / (2 * step)


HESSIAN_DIGITS = 150  # the digits of the points of a derivative of a derivative


def _more_digits(value):
    def wider(x):
        return sympy.Float(x, HESSIAN_DIGITS) if getattr(x, "is_Float", False) else x

    return value.applyfunc(wider) if isinstance(value, ImmutableMatrix) else wider(value)


def _exact_partial(
    expr: Gradient, values: Values, sizes: Mapping, r: int, c: int
) -> ImmutableMatrix:
    """The derivative by the entry (r, c) at an exact point (a refutation by exact
    arithmetic): that entry alone a symbol, differentiated, then put back."""
    wrt, w = expr.wrt, Symbol("w", real=True)  # never a user's name: the rest is numbers
    entries = values[wrt].as_mutable()
    entries[r, c] = w
    at = {**values, wrt: ImmutableMatrix(entries)}
    f = expr.function
    if not isinstance(f, MatrixExpr) or f.shape == (1, 1):
        function = ImmutableMatrix([[scalar_value(f, at, sizes)]])
    else:
        function = explicit(f, at, sizes)
    return function.applyfunc(lambda v: sympy.diff(v, w).xreplace({w: values[wrt][r, c]}))


def _gradient(expr: Gradient, values: Values, sizes: Mapping) -> ImmutableMatrix:
    """Denominator layout: entry (r, c) of the gradient of a scalar is df/dW_rc; of a column
    vector f by a column vector w, entry (r, c) is df_c/dw_r. The numerator layout transposes."""
    rows, cols = _dims(expr.wrt, sizes)
    partials = {
        (r, c): _partial(expr, values, sizes, r, c) for r in range(rows) for c in range(cols)
    }
    f = expr.function
    if not isinstance(f, MatrixExpr) or f.shape == (1, 1):
        gradient = ImmutableMatrix(rows, cols, lambda r, c: partials[r, c][0, 0])
    else:
        size = partials[0, 0].rows
        gradient = ImmutableMatrix(rows, size, lambda r, c: partials[r, 0][c, 0])
    return gradient if expr.layout == "denominator" else gradient.T


def _at(expr: At, values: Values, sizes: Mapping) -> ImmutableMatrix:
    inner, symbol, value = expr.args
    return explicit(inner, {**values, symbol: explicit(value, values, sizes)}, sizes)


def _diag(expr: DiagMatrix, values: Values, sizes: Mapping) -> ImmutableMatrix:
    vector = explicit(expr.args[0], values, sizes)
    return ImmutableMatrix(sympy.diag(*list(vector)))


_RULES: dict[type, Callable[[Basic, Values, Mapping], ImmutableMatrix]] = {
    MatrixSymbol: lambda e, v, s: v[e],
    MatMul: _product,
    MatAdd: lambda e, v, s: ImmutableMatrix(
        sum((explicit(a, v, s) for a in e.args[1:]), explicit(e.args[0], v, s))
    ),
    Transpose: lambda e, v, s: explicit(e.arg, v, s).T,
    HadamardProduct: _hadamard,
    HadamardPower: lambda e, v, s: explicit(e.base, v, s).applyfunc(lambda x: x**e.exp),
    Identity: lambda e, v, s: ImmutableMatrix(sympy.eye(_dims(e, s)[0])),
    OneMatrix: lambda e, v, s: ImmutableMatrix(sympy.ones(*_dims(e, s))),
    ZeroMatrix: lambda e, v, s: ImmutableMatrix(sympy.zeros(*_dims(e, s))),
    Inverse: lambda e, v, s: _inverse(explicit(e.arg, v, s)),
    MatPow: _power,
    DiagMatrix: _diag,
    ElementwiseApplyFunction: _elementwise,
    Softmax: _softmax,
    Gradient: _gradient,
    At: _at,
}


def explicit(expr: Basic, values: Values, sizes: Mapping[Basic, int]) -> ImmutableMatrix:
    """The explicit matrix of ``expr`` (a 1x1 matrix for a scalar) at these sizes and values."""
    if not isinstance(expr, MatrixExpr):
        return ImmutableMatrix([[scalar_value(expr, values, sizes)]])
    for kind in type(expr).__mro__:
        rule = _RULES.get(kind)
        if rule is not None:
            return rule(expr, values, sizes)
    raise NotExplicit(f"no explicit value for {type(expr).__name__}")


def scalar_value(expr: Basic, values: Values, sizes: Mapping[Basic, int]) -> Basic:
    """A scalar expression with its matrix parts (traces, 1x1 products) computed."""
    if isinstance(expr, MatrixExpr):
        matrix = explicit(expr, values, sizes)
        if matrix.shape != (1, 1):
            raise NotExplicit("a matrix used as a number")
        return matrix[0, 0]
    if isinstance(expr, Trace):
        return explicit(expr.arg, values, sizes).trace()
    if isinstance(expr, MatrixElement):
        i, j = (sympy.sympify(k).xreplace(sizes).xreplace(values) for k in (expr.i, expr.j))
        matrix = explicit(expr.parent, values, sizes)
        if not (i.is_Integer and j.is_Integer and 0 <= i < matrix.rows and 0 <= j < matrix.cols):
            raise NotExplicit("an entry outside the matrix")
        return matrix[int(i), int(j)]
    if isinstance(expr, sympy.Sum):
        return _written_out(expr, values, sizes)
    if not expr.args:
        return expr.xreplace(sizes) if expr in sizes else expr
    if not expr.has(MatrixSymbol, Identity, OneMatrix, ZeroMatrix):
        return expr.xreplace(sizes)
    return expr.func(*(scalar_value(a, values, sizes) for a in expr.args))


def _written_out(s: sympy.Sum, values: Values, sizes: Mapping[Basic, int]) -> Basic:
    """A sum over concrete bounds, written out term by term (entries need integer indices),
    the outermost index first (an inner range may depend on it)."""
    *inner, (var, lo, hi) = s.limits
    lo, hi = (sympy.sympify(b).xreplace(sizes) for b in (lo, hi))
    if not (lo.is_Integer and hi.is_Integer):
        raise NotExplicit("a sum without concrete bounds")
    body = sympy.Sum(s.function, *inner) if inner else s.function
    return sympy.Add(
        *(scalar_value(body.xreplace({var: k}), values, sizes) for k in range(int(lo), int(hi) + 1))
    )


def difference_zero(lhs: ImmutableMatrix, rhs: ImmutableMatrix) -> bool | None:
    """True when every entry agrees (exactly, or to 30 digits), False when one clearly differs,
    None when the numbers cannot tell (an entry that does not evaluate)."""
    if lhs.shape != rhs.shape:
        return False
    unclear = False
    for a, b in zip(lhs, rhs, strict=True):
        gap = (a - b).doit()  # relu' and the like evaluate to Heaviside
        if gap == 0:
            continue
        if gap.is_Rational:
            return False
        value, size = sympy.N(gap, 40), sympy.N(abs(a.doit()) + abs(b.doit()) + 1, 20)
        if not (value.is_number and size.is_number) or value.has(S.NaN, sympy.zoo):
            unclear = True
            continue
        # a value left symbolic (an entry of a number: 3.5[1]) passes is_number, never decides
        larger = abs(value) > 1e-25 * size
        if larger not in (S.true, S.false):
            unclear = True
        elif larger is S.true:
            return False
    return None if unclear else True
