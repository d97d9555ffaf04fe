"""Shapes inferred from the products they must conform to: ``W x`` with W m×n makes x n×1.

A reader that does not know a matrix's size (``\\mathbf{1}`` and ``I`` never say it; a post
may use a vector it never declared) builds it with an unknown size: a symbol of
``unknown_size``. ``infer`` walks the expression the way ``shapes.shape`` checks it, and where
a product, a sum or ``⊙`` pairs an unknown size with another size, the unknown one takes it
(union-find: unknown sizes paired with each other are one size). Sizes that are known and
differ are left for ``shapes.shape`` to report as sides that do not conform; a size that stays
unknown is a :class:`ShapeProblem` naming the matrix ("the shape of `x` is unknown").
"""

from __future__ import annotations

import itertools
from collections.abc import Callable

from sympy import Basic, Dummy, MatrixSymbol, S, Trace
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
    Transpose,
    ZeroMatrix,
)
from sympy.matrices.expressions.applyfunc import ElementwiseApplyFunction
from sympy.matrices.expressions.diagonal import DiagMatrix

from derive.checker.matrix.nodes import At, Gradient, Shape, Softmax
from derive.checker.matrix.shapes import ShapeProblem
from derive.checker.matrix.text import matrix_text

_counter = itertools.count()


class UnknownSize(Dummy):
    """A size the reader does not know yet (``unknown_size()``)."""


def unknown_size() -> UnknownSize:
    """A fresh unknown size (an integer >= 1)."""
    return UnknownSize(f"size{next(_counter)}", integer=True, positive=True)


class _Sizes:
    """Union-find over sizes: a known size (a number, a declared symbol) is a class's root."""

    def __init__(self) -> None:
        self.parent: dict[Basic, Basic] = {}

    def find(self, size: Basic) -> Basic:
        root = size
        while root in self.parent:
            root = self.parent[root]
        return root

    def unify(self, a: Basic, b: Basic) -> None:
        a, b = self.find(a), self.find(b)
        if a == b:
            return
        if isinstance(a, UnknownSize):
            self.parent[a] = b
        elif isinstance(b, UnknownSize):
            self.parent[b] = a
        # two known sizes that differ: shapes.shape reports them


def _same(sizes: _Sizes, shapes: list[Shape]) -> Shape:
    for other in shapes[1:]:
        sizes.unify(shapes[0][0], other[0])
        sizes.unify(shapes[0][1], other[1])
    return shapes[0]


def _product(sizes: _Sizes, expr: MatMul) -> Shape:
    _, factors = expr.as_coeff_matrices()
    shapes = [_walk(sizes, f) for f in factors]
    for left, right in itertools.pairwise(shapes):
        sizes.unify(left[1], right[0])
    return (shapes[0][0], shapes[-1][1])


def _square(sizes: _Sizes, shape: Shape) -> Shape:
    sizes.unify(*shape)
    return shape


def _diag(sizes: _Sizes, expr: DiagMatrix) -> Shape:
    rows, cols = _walk(sizes, expr.args[0])
    size = rows if cols == 1 else cols
    return (size, size)


_RULES: dict[type, Callable[[_Sizes, Basic], Shape]] = {
    MatMul: _product,
    MatAdd: lambda s, e: _same(s, [_walk(s, a) for a in e.args]),
    HadamardProduct: lambda s, e: _same(s, [_walk(s, a) for a in e.args]),
    HadamardPower: lambda s, e: _walk(s, e.base),
    Transpose: lambda s, e: tuple(reversed(_walk(s, e.arg))),
    Inverse: lambda s, e: _square(s, _walk(s, e.arg)),
    MatPow: lambda s, e: _square(s, _walk(s, e.base)),
    Trace: lambda s, e: (_square(s, _walk(s, e.arg)), (S.One, S.One))[1],
    DiagMatrix: _diag,
    ElementwiseApplyFunction: lambda s, e: _walk(s, e.expr),
    Softmax: lambda s, e: _walk(s, e.arg),
    Gradient: lambda s, e: (_walk(s, e.function), e.shape)[1],
    At: lambda s, e: (_same(s, [_walk(s, e.args[1]), _walk(s, e.args[2])]), _walk(s, e.args[0]))[1],
}


def _walk(sizes: _Sizes, expr: Basic) -> Shape:
    for kind in type(expr).__mro__:
        rule = _RULES.get(kind)
        if rule is not None:
            return rule(sizes, expr)
    if isinstance(expr, (MatrixSymbol, Identity, OneMatrix, ZeroMatrix)):
        return expr.shape
    if isinstance(expr, MatrixExpr):
        return expr.shape
    for arg in expr.args:  # a scalar made of matrices: its matrices are 1x1 where used so
        if isinstance(arg, MatrixExpr):
            shape = _walk(sizes, arg)
            sizes.unify(shape[0], S.One)
            sizes.unify(shape[1], S.One)
        elif isinstance(arg, Basic):
            _walk(sizes, arg)
    return (S.One, S.One)


def solve(*exprs: Basic) -> dict[Basic, Basic]:
    """Every unknown size in ``exprs`` -> what their products, sums and ``⊙`` make it equal,
    jointly: a known size, or one unknown size standing for all that must be equal (a size
    nothing decides, which a claim may hold for every value of)."""
    sizes = _Sizes()
    for expr in exprs:
        _walk(sizes, expr)
    unknown = {u for e in exprs for u in e.atoms(UnknownSize)}
    return {u: sizes.find(u) for u in unknown}


def infer(*exprs: Basic) -> dict[Basic, Basic]:
    """The value of every unknown size in ``exprs`` that their products, sums and ``⊙``
    decide, jointly (a claim's two sides and its assumptions share their matrices).

    Raises:
        ShapeProblem: a size that nothing decides, naming its matrix.
    """
    solution = solve(*exprs)
    for u, value in sorted(solution.items(), key=lambda item: item[0].dummy_index):
        if isinstance(value, UnknownSize):
            owner = next(
                (m for e in exprs for m in e.atoms(MatrixExpr) if u in getattr(m, "shape", ())),
                None,
            )
            name = matrix_text(owner) if owner is not None else str(u)
            raise ShapeProblem(f"the shape of `{name}` is unknown: nothing it multiplies says it")
    return solution
