r"""Matrix expressions in LaTeX, as a derivation in this notation writes them: ``X^\top``,
``W^{\top} \delta``, ``\delta \odot \sigma'(z)``, ``\frac{\partial E}{\partial W}``,
``\operatorname{tr}``, ``\mathbf{1}``.

Each construct is an entry of the printer's table (``constructs.register``): fixed commands
around the LaTeX of its parts, printed again through the printer, so a matrix's name goes
through the printer's name rule like any other name.
"""

from __future__ import annotations

from sympy import Basic, Lambda, MatrixSymbol, Symbol, Trace, exp
from sympy.matrices.expressions import (
    HadamardPower,
    HadamardProduct,
    Identity,
    Inverse,
    MatAdd,
    MatMul,
    MatPow,
    OneMatrix,
    Transpose,
    ZeroMatrix,
)
from sympy.matrices.expressions.applyfunc import ElementwiseApplyFunction
from sympy.matrices.expressions.diagonal import DiagMatrix
from sympy.matrices.expressions.matexpr import MatrixElement

from derive.checker.matrix.nodes import At, Gradient, Softmax
from derive.model.primitives import relu_prime
from derive.render.latex.constructs import register

_ATOMIC = (MatrixSymbol, Identity, OneMatrix, ZeroMatrix, Transpose, Inverse, Symbol)


def _part(printer: object, expr: Basic) -> str:
    """A factor: bracketed unless it is a name, a transpose or an inverse."""
    text = printer._print(expr)
    if isinstance(expr, (*_ATOMIC, ElementwiseApplyFunction, Softmax)):
        return text
    return rf"\left({text}\right)"


def _symbol(printer: object, expr: MatrixSymbol, **kwargs: object) -> str:
    return printer._print(Symbol(str(expr.name)))


def _product(printer: object, expr: MatMul, **kwargs: object) -> str:
    coefficient, factors = expr.as_coeff_matrices()
    text = " ".join(_part(printer, f) for f in factors)
    if coefficient == 1:
        return text
    if coefficient == -1:
        return f"-{text}"
    return f"{printer._print(coefficient)} {text}"


def _sum(printer: object, expr: MatAdd, **kwargs: object) -> str:
    """The terms in SymPy's order, except a leading negative term (SymPy writes -T + P, a
    derivation P - T): the same sum."""
    terms = list(expr.args)
    positive = [t for t in terms if not printer._print(t).startswith("-")]
    if positive and printer._print(terms[0]).startswith("-"):
        terms.remove(positive[0])
        terms.insert(0, positive[0])
    text = ""
    for term in terms:
        part = printer._print(term)
        if not text:
            text = part
        elif part.startswith("-"):
            text += f" - {part[1:]}"
        else:
            text += f" + {part}"
    return text


_SIGMOID = Lambda(Symbol("u", real=True), 1 / (1 + exp(-Symbol("u", real=True))))


def _function_name(printer: object, function: Basic) -> str:
    r"""``\sigma`` for the sigmoid, ``\exp``, ``\log``, ``\tanh``, ``\operatorname{relu}``."""
    if isinstance(function, Lambda) and len(function.variables) == 1:
        (u,) = function.variables
        body = function.expr
        if body == _SIGMOID.expr.xreplace({_SIGMOID.variables[0]: u}):
            return r"\sigma"
        if body.func.__name__ == "Max" and set(body.args) == {0, u}:
            return r"\operatorname{relu}"
        if isinstance(body, relu_prime):
            return r"\operatorname{relu}'"
        known = {"exp": r"\exp", "log": r"\log", "tanh": r"\tanh"}  # fixed names only
        if len(body.args) == 1 and body.args[0] == u and body.func.__name__ in known:
            return known[body.func.__name__]
        return rf"\left({printer._print(u)} \mapsto {printer._print(body)}\right)"
    return printer._print(function)


def _elementwise(printer: object, expr: ElementwiseApplyFunction, **kwargs: object) -> str:
    name = _function_name(printer, expr.function)
    return rf"{name}\left({printer._print(expr.expr)}\right)"


def _gradient(printer: object, expr: Gradient, **kwargs: object) -> str:
    numerator = printer._print(expr.function)
    denominator = printer._print(expr.wrt)
    if isinstance(expr.function, (Symbol, MatrixSymbol)):
        return rf"\frac{{\partial {numerator}}}{{\partial {denominator}}}"
    return rf"\frac{{\partial}}{{\partial {denominator}}} \left({numerator}\right)"


def _at(printer: object, expr: At, **kwargs: object) -> str:
    inner, symbol, value = expr.args
    where = rf"{printer._print(symbol)} = {printer._print(value)}"
    return rf"\left.{printer._print(inner)}\right|_{{{where}}}"


def _element(printer: object, expr: MatrixElement, **kwargs: object) -> str:
    i, j = (printer._print(k + 1) for k in (expr.i, expr.j))
    return rf"{_part(printer, expr.parent)}_{{{i}, {j}}}"


for _cls, _how in {
    MatrixSymbol: _symbol,
    MatMul: _product,
    MatAdd: _sum,
    Transpose: lambda p, e, **k: rf"{_part(p, e.arg)}^{{\top}}",
    Inverse: lambda p, e, **k: rf"{_part(p, e.arg)}^{{-1}}",
    MatPow: lambda p, e, **k: rf"{_part(p, e.base)}^{{{p._print(e.exp)}}}",
    HadamardProduct: lambda p, e, **k: r" \odot ".join(_part(p, a) for a in e.args),
    HadamardPower: lambda p, e, **k: rf"{_part(p, e.base)}^{{\circ {p._print(e.exp)}}}",
    Identity: lambda p, e, **k: "I",
    OneMatrix: lambda p, e, **k: r"\mathbf{1}",
    ZeroMatrix: lambda p, e, **k: r"\mathbf{0}",
    Trace: lambda p, e, **k: rf"\operatorname{{tr}}\left({p._print(e.arg)}\right)",
    DiagMatrix: lambda p, e, **k: rf"\operatorname{{diag}}\left({p._print(e.args[0])}\right)",
    ElementwiseApplyFunction: _elementwise,
    Softmax: lambda p, e, **k: rf"\operatorname{{softmax}}\left({p._print(e.arg)}\right)",
    Gradient: _gradient,
    At: _at,
    MatrixElement: _element,
}.items():
    register(_cls, _how)
