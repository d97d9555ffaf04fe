"""Matrix expressions as reports write them: ``X^T (X θ - y)``, ``δ ⊙ relu'(z)``, ``∂E/∂W``.

SymPy's own text (``X.T*(X*theta - y)``) reads as code; a one-line report quotes the notation
people write. ``names`` maps a matrix symbol to the name to show (derivation files give every
symbol a generated SymPy name).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from sympy import Basic, Lambda, MatrixSymbol, Symbol
from sympy.matrices.expressions import (
    HadamardPower,
    HadamardProduct,
    Identity,
    Inverse,
    KroneckerProduct,
    MatAdd,
    MatMul,
    MatPow,
    OneMatrix,
    Trace,
    Transpose,
    ZeroMatrix,
)
from sympy.matrices.expressions.applyfunc import ElementwiseApplyFunction
from sympy.matrices.expressions.diagonal import DiagMatrix

from derive.checker.matrix.nodes import At, Gradient, Softmax

Names = Mapping[Basic, str]


TIMES = "\u00d7"  # the multiplication sign, as in "n x m"


def dims_text(shape: tuple[Basic, Basic]) -> str:
    """``n x m``, with the multiplication sign."""
    return f"{shape[0]}{TIMES}{shape[1]}"


def _atomic(expr: Basic) -> bool:
    return isinstance(expr, (MatrixSymbol, Identity, OneMatrix, ZeroMatrix, Transpose, Inverse))


def _wrapped(expr: Basic, names: Names) -> str:
    text = matrix_text(expr, names)
    return text if _atomic(expr) or " " not in text else f"({text})"


def _function_name(function: Basic) -> str:
    """The name of an elementwise function: ``exp`` for exp(u), the body otherwise."""
    if isinstance(function, Lambda) and len(function.variables) == 1:
        body, (u,) = function.expr, function.variables
        if len(body.args) == 1 and body.args[0] == u and body.func.__name__ != "Mul":
            return str(body.func.__name__)
        return f"({u} ↦ {body})"
    return str(function)


def _product(expr: MatMul, names: Names) -> str:
    coefficient, factors = expr.as_coeff_matrices()
    text = " ".join(_wrapped(f, names) for f in factors)
    if coefficient == -1:
        return f"-{text}"
    return text if coefficient == 1 else f"{coefficient} {text}"


def _sum(expr: MatAdd, names: Names) -> str:
    text = ""
    for term in expr.args:
        part = matrix_text(term, names)
        if not text:
            text = part
        elif part.startswith("-"):
            text += f" - {part[1:]}"
        else:
            text += f" + {part}"
    return text


_RULES: dict[type, Callable[[Basic, Names], str]] = {
    MatMul: _product,
    MatAdd: _sum,
    Transpose: lambda e, n: f"{_wrapped(e.arg, n)}^T",
    Inverse: lambda e, n: f"{_wrapped(e.arg, n)}^{{-1}}",
    MatPow: lambda e, n: f"{_wrapped(e.base, n)}^{e.exp}",
    HadamardProduct: lambda e, n: " ⊙ ".join(_wrapped(a, n) for a in e.args),
    HadamardPower: lambda e, n: f"{_wrapped(e.base, n)}^(∘{e.exp})",
    KroneckerProduct: lambda e, n: " ⊗ ".join(_wrapped(a, n) for a in e.args),
    Identity: lambda e, n: "I",
    OneMatrix: lambda e, n: "1^T" if e.shape[0] == 1 and e.shape[1] != 1 else "1",
    ZeroMatrix: lambda e, n: "0",
    Trace: lambda e, n: (
        matrix_text(e.arg, n) if e.arg.shape == (1, 1) else f"tr({matrix_text(e.arg, n)})"
    ),
    DiagMatrix: lambda e, n: f"diag({matrix_text(e.args[0], n)})",
    ElementwiseApplyFunction: lambda e, n: (
        f"{_function_name(e.function)}({matrix_text(e.expr, n)})"
    ),
    Gradient: lambda e, n: (
        f"∂{_wrapped(e.function, n)}/∂{matrix_text(e.wrt, n)}"
        + ("" if e.layout == "denominator" else " (numerator layout)")
    ),
    Softmax: lambda e, n: f"softmax({matrix_text(e.arg, n)})",
    At: lambda e, n: (
        f"{matrix_text(e.args[0], n)} at {matrix_text(e.args[1], n)} = {matrix_text(e.args[2], n)}"
    ),
}


def matrix_text(expr: Basic, names: Names | None = None) -> str:
    """The expression in the notation of reports (one line)."""
    names = names or {}
    if isinstance(expr, MatrixSymbol):
        return names.get(expr, str(expr.name))
    for kind in type(expr).__mro__:
        rule = _RULES.get(kind)
        if rule is not None:
            return rule(expr, names)
    if expr.has(MatrixSymbol):  # a scalar built from matrices: tr(...) inside a sum
        mapping = {m: Symbol(matrix_text(m, names)) for m in expr.atoms(Trace)}
        return str(expr.xreplace(mapping)) if mapping else str(expr)
    return str(expr)
