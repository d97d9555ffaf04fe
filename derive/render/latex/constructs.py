r"""The SymPy constructs the LaTeX printer typesets, as data.

A class listed here is typeset by the printer's method for it (``True``: SymPy's
``LatexPrinter`` method, or ``DerivePrinter``'s own), or by the function given, called as
``function(printer, expr, **kwargs)``. Each listed method writes fixed commands and the LaTeX of
its arguments, printed again through the printer; the one kind of text in an expression, a
name, goes through ``DerivePrinter._deal_with_super_sub``. A class not listed (nor a subclass of
one listed) is shown verbatim, as escaped ``\texttt``: a construct nobody has looked at is never
typeset by guesswork.

Adding a construct is one entry here, after checking that its printer method passes no text
through (``tests/test_latex_safety.py`` runs every entry on hostile names).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

from sympy import (
    Abs,
    Add,
    And,
    Derivative,
    DiracDelta,
    Float,
    Heaviside,
    Idx,
    Indexed,
    IndexedBase,
    Integer,
    KroneckerDelta,
    Max,
    Min,
    Mul,
    Not,
    Or,
    Piecewise,
    Pow,
    Product,
    Rational,
    Sum,
    Symbol,
    Tuple,
    ceiling,
    conjugate,
    cos,
    cosh,
    exp,
    factorial,
    floor,
    im,
    log,
    re,
    sign,
    sin,
    sinh,
    tan,
    tanh,
)
from sympy.core.function import AppliedUndef
from sympy.core.numbers import (
    ComplexInfinity,
    ImaginaryUnit,
    Infinity,
    NaN,
    NegativeInfinity,
    NumberSymbol,
)
from sympy.core.relational import Relational
from sympy.core.symbol import Str
from sympy.functions.elementary.piecewise import ExprCondPair
from sympy.logic.boolalg import BooleanFalse, BooleanTrue

from derive.model.primitives import relu_prime

Construct = Callable[..., str]

CONSTRUCTS: dict[type, Construct | bool] = {
    # numbers: digits and fixed symbols
    Integer: True,
    Rational: True,
    Float: True,
    NumberSymbol: True,  # pi, e
    ImaginaryUnit: True,
    Infinity: True,
    NegativeInfinity: True,
    ComplexInfinity: True,
    NaN: True,
    BooleanTrue: True,
    BooleanFalse: True,
    # names: through the printer's name rule
    Symbol: True,  # and Dummy
    Str: True,
    IndexedBase: True,
    Indexed: True,
    Idx: True,
    AppliedUndef: True,  # a function of a file: sigma(u)
    # arithmetic, relations, logic
    Add: True,
    Mul: True,
    Pow: True,
    Relational: True,
    And: True,
    Or: True,
    Not: True,
    Tuple: True,
    # calculus and sums
    Derivative: True,
    Sum: True,
    Product: True,
    # functions
    exp: True,
    log: True,
    sin: True,
    cos: True,
    tan: True,
    sinh: True,
    cosh: True,
    tanh: True,
    Abs: True,
    sign: True,
    Max: True,
    Min: True,
    floor: True,
    ceiling: True,
    re: True,
    im: True,
    conjugate: True,
    factorial: True,
    Heaviside: True,
    DiracDelta: True,
    KroneckerDelta: True,
    Piecewise: True,
    ExprCondPair: True,
    relu_prime: True,
}


def register(cls: type, how: Construct | bool = True) -> None:
    """Add a construct (see the module docstring); for a module that brings new classes."""
    CONSTRUCTS[cls] = how
    construct_of.cache_clear()


@cache
def construct_of(cls: type) -> Construct | bool | None:
    """How instances of ``cls`` are typeset: the entry of the nearest listed class in its
    method resolution order, or None (not a known construct: shown verbatim)."""
    for base in cls.__mro__:
        if base in CONSTRUCTS:
            return CONSTRUCTS[base]
    return None
