"""SymPy functions -> NumPy ufuncs, as tables; and the stable forms, each a few NumPy calls.

The composite builders take the vectorizer (:class:`derive.emit.vectorize.Vectorizer`) through
the small interface they use, declared here so that the tables do not import the builder.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

import sympy
from sympy import Abs, Basic, Symbol

from derive.emit import markers
from derive.emit.graph import Graph


class Builder(Protocol):
    """What the composite builders need of the vectorizer."""

    graph: Graph

    def ufunc(self, name: str, *args: int) -> int: ...

    def const(self, value: float | int) -> int: ...

    def axes(self, *nodes: int) -> tuple[Symbol, ...]: ...


# SymPy function -> the NumPy ufunc of the same name
UNARY: dict[type, str] = {
    sympy.exp: "exp",
    sympy.log: "log",
    sympy.tanh: "tanh",
    sympy.sinh: "sinh",
    sympy.cosh: "cosh",
    sympy.sin: "sin",
    sympy.cos: "cos",
    sympy.tan: "tan",
    sympy.atan: "arctan",
    sympy.asinh: "arcsinh",
    Abs: "absolute",
    sympy.sign: "sign",
    markers.softplus: "softplus",  # the stable forms: COMPOSITE below
    markers.log_sigmoid: "log_sigmoid",
    markers.sigmoid: "sigmoid",
    markers.xlogx: "xlogx",
}
RELATIONS: dict[type, str] = {
    sympy.Ge: "greater_equal",
    sympy.Gt: "greater",
    sympy.Le: "less_equal",
    sympy.Lt: "less",
    sympy.Eq: "equal",
    sympy.Ne: "not_equal",
    sympy.And: "logical_and",
    sympy.Or: "logical_or",
}
CONSTANTS: dict[Basic, float] = {sympy.pi: float(sympy.pi), sympy.E: float(sympy.E)}


# ---- composite ufuncs: the stable forms, each a few NumPy calls ------------------------------


def _softplus(v: Builder, x: int) -> int:
    return v.ufunc("logaddexp", v.const(0.0), x)


def _log_sigmoid(v: Builder, x: int) -> int:
    return v.ufunc("negative", v.ufunc("logaddexp", v.const(0.0), v.ufunc("negative", x)))


def _sigmoid(v: Builder, x: int) -> int:
    # (1 + tanh(x/2)) / 2: tanh is bounded, so nothing overflows (derive.emit.stable)
    half = v.const(0.5)
    tanh = v.ufunc("tanh", v.ufunc("multiply", x, half))
    return v.ufunc("add", v.ufunc("multiply", tanh, half), half)


def _xlogx(v: Builder, x: int) -> int:
    # log of 1 where x = 0: the product is then 0, the limit of x log x
    zero = v.ufunc("equal", x, v.const(0))
    safe = v.graph.add("where", (zero, v.const(1.0), x), v.axes(zero, x))
    return v.ufunc("multiply", x, v.ufunc("log", safe))


COMPOSITE: dict[str, Callable[[Builder, int], int]] = {
    "softplus": _softplus,
    "log_sigmoid": _log_sigmoid,
    "sigmoid": _sigmoid,
    "xlogx": _xlogx,
}
