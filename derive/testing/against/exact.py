"""The reference of a user's own result, computed so that no cancellation can fool it.

A proved result written as the author wrote it can cancel catastrophically at the inputs that
matter: ``log(1 - 1/(1 + e^{-z}))`` at z = 1e4 is -1e4, but 1 - 1/(1 + e^{-z}) is 0 at 40
digits (and at 4000). So the reference is evaluated from the result's stable form
(:func:`derive.emit.stable.stable_form`: each rewrite an identity the step checker proves),
whose markers have exact rules here (``log(1 + e^x)`` as max(x, 0) + log(1 + e^{-|x|}), the
sigmoid by its sign, the row maximum of a shifted sum), and it is evaluated twice, at 40 and
at 80 significant digits (at 160 if those differ): a value that still differs between the two
is not trusted, and the input is left out of the comparison with a note, never judged.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy
from sympy import Expr, Sum

from derive.emit.markers import RowMax, log_sigmoid, sigmoid, softplus, xlogx
from derive.testing.precise import CONTEXT, EvaluationError, Evaluator, Value

DIGITS = (40, 80, 160)
AGREE = 30  # digits two precisions must share for a value to be trusted


def _softplus_value(x):
    return max(x, 0) + CONTEXT.log(1 + CONTEXT.exp(-abs(x)))


def _sigmoid_value(x):
    if x >= 0:
        return 1 / (1 + CONTEXT.exp(-x))
    e = CONTEXT.exp(x)
    return e / (1 + e)


def _xlogx_value(x):
    return x * CONTEXT.log(x) if x != 0 else CONTEXT.mpf(0)


_POINTWISE = {
    softplus: _softplus_value,
    log_sigmoid: lambda x: -_softplus_value(-x),
    sigmoid: _sigmoid_value,
    xlogx: _xlogx_value,
}


def _pointwise(ev: Evaluator, expr: Expr) -> Value:
    arg = ev._eval(expr.args[0])
    found = max((abs(v) for v in numpy.ravel(arg.value)), default=CONTEXT.mpf(0))
    ev.largest_exponent = max(ev.largest_exponent, found)
    value = numpy.frompyfunc(_POINTWISE[type(expr)], 1, 1)(arg.value)
    return Value(arg.axes, value, numpy.frompyfunc(abs, 1, 1)(value))


def _row_max(ev: Evaluator, expr: RowMax) -> Value:
    """max_c g_c of ``Sum(exp(g), (c, lo, hi))``, over the sum's range."""
    total = expr.args[0]
    if not isinstance(total, Sum) or len(total.limits) != 1:
        raise EvaluationError(f"{expr}: not the maximum of one sum's exponents")
    index, lo, hi = total.limits[0]
    saved = ev._domains.get(index)
    ev._domains[index] = (ev.integer(lo), ev.integer(hi))
    try:
        exponent = ev._eval(total.function.args[0])
    finally:
        if saved is None:
            del ev._domains[index]
        else:
            ev._domains[index] = saved
    if index not in exponent.axes:
        return exponent
    axis = exponent.axes.index(index)
    value = numpy.asarray(numpy.max(exponent.value, axis=axis), dtype=object)
    axes = exponent.axes[:axis] + exponent.axes[axis + 1 :]
    return Value(axes, value, numpy.frompyfunc(abs, 1, 1)(value))


class StableEvaluator(Evaluator):
    """The evaluator with exact rules for the stable forms' markers."""

    extra_rules = (
        *((kind, _pointwise) for kind in _POINTWISE),
        (RowMax, _row_max),
    )


def _close(a: numpy.ndarray, b: numpy.ndarray) -> bool:
    """Two evaluations agree to AGREE digits, relative to the larger entry."""
    pairs = list(zip(numpy.ravel(a), numpy.ravel(b), strict=True))
    if all(x == y for x, y in pairs):
        return True  # also the same infinity
    try:
        scale = max((abs(y) for _, y in pairs), default=0)
        worst = max((abs(x - y) for x, y in pairs), default=0)
    except TypeError:
        return False
    return bool(worst <= scale * CONTEXT.mpf(10) ** -AGREE) if scale else worst == 0


def trusted(make: callable, expr: Expr, ranges: Mapping) -> tuple[Value, Evaluator] | None:
    """``expr`` evaluated by ``make()`` at 40 and 80 digits (160 if they differ): the value
    two precisions agree on, and its evaluator; None if none do (cancellation beyond reach).

    Raises ZeroDivisionError and EvaluationError as the evaluator does."""
    found = []
    for digits in DIGITS:
        with CONTEXT.workdps(digits):
            ev = make()
            value = ev.evaluate(expr, ranges)
        if found and _close(found[-1], value.value):
            return value, ev
        found.append(value.value)
    return None
