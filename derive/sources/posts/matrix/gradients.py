r"""Derivatives by a matrix or a vector, as posts write them: ``\frac{\partial L}{\partial W}``,
``\nabla_{\mathbf{w}} L``, ``\frac{\partial \mathbf{p}}{\partial \mathbf{z}}``, ``\nabla^2_w L``.

The derivative is the checker's :class:`~derive.checker.matrix.nodes.Gradient`, in the post's
layout (the denominator layout unless declared: the gradient of a number by W has W's shape, the
derivative of an m-vector by an n-vector is n x m). What is differentiated is written in the
variable through the post's definitions (``Definitions.derivative``). A variable that is itself
defined (``\frac{\partial L}{\partial \mathbf{y}}`` with ``\mathbf{y} = W\mathbf{x} + \mathbf{b}``)
is a variable of its own while differentiating, and the result is taken at its definition
(:class:`~derive.checker.matrix.nodes.At`): written out later, the definition replaces it only
there, never inside the derivative.
"""

from __future__ import annotations

from sympy import Basic, MatrixSymbol
from sympy.matrices.expressions.matexpr import MatrixElement

from derive.checker.matrix.nodes import At, Gradient


def matrix_derivative(definitions, f: Basic, v: MatrixSymbol) -> Basic:
    """∂f/∂v for ``f`` written in ``v`` (a number, a 1x1 matrix or a column vector; the
    derivative of a matrix has four indices, which the shape check reports)."""
    scope = definitions.scope
    layout = scope.matrices.layout if scope.matrices is not None else "denominator"
    if isinstance(v, MatrixElement):  # ∂f/∂θ_j: entry j of the gradient by θ
        gradient = matrix_derivative(definitions, f, v.parent)
        at = (v.i, v.j) if layout == "denominator" else (v.j, v.i)
        return MatrixElement(gradient, *at)
    if v not in definitions.table:
        return Gradient(f, v, layout)
    variable = MatrixSymbol(scope.generated(), *v.shape)
    scope.display[variable] = scope.display.get(v, v)
    scope.shown_names[variable] = scope.shown_names.get(v, str(v))
    return At(Gradient(f.xreplace({v: variable}), variable, layout), variable, v)


def is_derivative(body: Basic) -> bool:
    """Whether a definition's body is a derivative by a vector or matrix, maybe scaled
    (``\\partial C / \\partial z``, ``m \\, \\partial J / \\partial Z``): what an error or a
    code-style gradient name (``\\delta``, ``dW``) is defined as."""
    factors = body.args if body.is_Mul or type(body).__name__ == "MatMul" else (body,)
    found = [f for f in factors if f.has(Gradient)]
    if len(found) != 1 or any(f.free_symbols for f in factors if f not in found):
        return False
    top = found[0]
    while isinstance(top, At):  # taken at a definition, or with δ^{l+1} put in (layers)
        top = top.args[0]
    return isinstance(top, Gradient)
