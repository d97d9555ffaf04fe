"""The stable forms as SymPy functions: what a rewrite puts into a result for the printer.

Each one stands for a value that a result computes in an unstable way (``log(1 + e^x)``
overflows at x = 710) and that NumPy can compute stably; :mod:`derive.emit.stable` proves once
that the value is the same, and :mod:`derive.emit.vectorize` turns each into whole-array code.
They are never differentiated or checked themselves: a rewrite's claim is stated in plain SymPy.

``RowMax(S)`` is the shift of a log-sum-exp: for ``S = Sum(exp(g), (c, lo, hi))`` it is
max_c g (for a sum written out, ``e^a + e^b``, max(a, b)). Its free symbols are those of S, so
a shifted sum ``Sum(exp(g - RowMax(S)), ...)`` is an ordinary SymPy expression, and the
vectorizer computes max_c g once for every use.
"""

from __future__ import annotations

from sympy import Add, Expr, Function, Sum, exp


class softplus(Function):  # lowercase like SymPy's own functions
    """log(1 + e^x), computed as ``logaddexp(0, x)``."""

    nargs = 1
    is_real = True


class log_sigmoid(Function):
    """log(1 / (1 + e^{-x})), computed as ``-logaddexp(0, -x)``."""

    nargs = 1
    is_real = True


class sigmoid(Function):
    """1 / (1 + e^{-x}), computed as (1 + tanh(x/2)) / 2 (tanh cannot overflow)."""

    nargs = 1
    is_real = True


class xlogx(Function):
    """x log x, with the value 0 (its limit) at x = 0."""

    nargs = 1
    is_real = True


class RowMax(Function):
    """max_c g for a sum ``Sum(exp(g), (c, lo, hi))`` (see the module docstring)."""

    nargs = 1
    is_real = True


def exponent(total: Sum) -> Expr:
    """g of ``Sum(exp(g), ...)``."""
    summand = total.function
    if not isinstance(summand, exp):
        raise ValueError(f"not a sum of exponentials: {total}")
    return summand.args[0]


def shifted(total: Expr) -> Expr:
    """``Sum(exp(g - RowMax(S)), ...)`` for S = ``total``: every term at most 1, one term 1;
    for a sum written out, ``e^a + e^b``, each term shifted: ``e^{a - m} + e^{b - m}``."""
    if isinstance(total, Add):
        return Add(*(exp(term.args[0] - RowMax(total)) for term in total.args))
    return Sum(exp(exponent(total) - RowMax(total)), *total.limits)


MARKERS = (softplus, log_sigmoid, sigmoid, xlogx, RowMax)
