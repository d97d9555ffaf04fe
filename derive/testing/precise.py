"""Evaluate proved SymPy expressions with mpmath, whole index ranges at a time.

The reference a user's gradient code is compared with must not share its weaknesses: no
float64, no overflow at logits of 1e4, no cancellation. This evaluator walks the proved
expression itself (``Sum``, ``Indexed``, ``exp``, ``log``, ``Heaviside``, ...) at 40 significant
digits, where exp(1e4) is an ordinary number. It is not lambdify: nothing is printed or
executed, so no name can run as code.

Each node is evaluated once over the whole range of its free indices, as a NumPy object array
of mpf (einsum style), so a nested expression such as delta_i = relu'(z_i) sum_j W_ji delta_j
costs what a forward pass costs, not a product of its sums. Beside each value the evaluator
carries a *magnitude*: the same expression with every sum taken over absolute values. It says
how large the terms are that cancel, which is what rounding in the user's float code is
proportional to (:mod:`derive.testing.compare` turns it into the tolerance).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import mpmath
import numpy
from sympy import (
    Abs,
    Add,
    Basic,
    Expr,
    Heaviside,
    Indexed,
    IndexedBase,
    Integer,
    KroneckerDelta,
    Max,
    Min,
    Mul,
    Number,
    Piecewise,
    Pow,
    Sum,
    Symbol,
    asinh,
    atan,
    cos,
    cosh,
    exp,
    log,
    sign,
    sin,
    sinh,
    tan,
    tanh,
)
from sympy.logic.boolalg import And, BooleanFalse, BooleanTrue, Not, Or

from derive.checker.sums import karr_range
from derive.model.primitives import relu_prime

DIGITS = 40
CONTEXT = mpmath.MPContext()  # a private context: the global mpmath.mp is left alone
CONTEXT.dps = DIGITS
ZERO, ONE = CONTEXT.mpf(0), CONTEXT.mpf(1)

_exp = numpy.frompyfunc(CONTEXT.exp, 1, 1)
_log = numpy.frompyfunc(CONTEXT.log, 1, 1)
_abs = numpy.frompyfunc(abs, 1, 1)
_mpf = numpy.frompyfunc(CONTEXT.mpf, 1, 1)


class EvaluationError(ValueError):
    """An expression holds something this evaluator has no exact rule for."""


@dataclass(frozen=True)
class Value:
    """A node's value and magnitude over its free indices ``axes`` (object arrays of mpf)."""

    axes: tuple[Symbol, ...]
    value: numpy.ndarray
    magnitude: numpy.ndarray


def to_mp(array: numpy.ndarray) -> numpy.ndarray:
    """Float or integer array -> object array of mpf, exactly (no rounding)."""
    return _mpf(numpy.asarray(array).astype(object)).astype(object)


def to_float(array: numpy.ndarray) -> numpy.ndarray:
    """Object array of mpf -> float64, correctly rounded."""
    return numpy.asarray(array, dtype=object).astype(float)


def _scalar(value: object) -> numpy.ndarray:
    return numpy.array(value, dtype=object)


def _align(values: list[Value]) -> tuple[tuple[Symbol, ...], list[Value]]:
    """Broadcast every value to the union of their axes (in order of first appearance)."""
    axes: list[Symbol] = []
    for v in values:
        axes += [a for a in v.axes if a not in axes]
    out = []
    for v in values:
        order = [v.axes.index(a) for a in axes if a in v.axes]
        shape = [v.value.shape[v.axes.index(a)] if a in v.axes else 1 for a in axes]
        value = numpy.transpose(v.value, order).reshape(shape)
        magnitude = numpy.transpose(v.magnitude, order).reshape(shape)
        out.append(Value(tuple(axes), value, magnitude))
    return tuple(axes), out


class Evaluator:
    """Evaluates expressions over named arrays at 40 digits.

    Args:
        arrays: IndexedBase -> (value, magnitude) object arrays, 0-based (``z[1]`` is
            element 0); a magnitude of None means the absolute value.
        scalars: Symbol -> (value, magnitude) for named scalars (sizes are given separately).
        sizes: size Symbol (K, J, ...) -> int, for sums with symbolic bounds.
        heaviside_at_0: relu'(0) and Heaviside(0) where the expression does not fix it.
        offsets: IndexedBase -> the first index of each axis (default 1: ``z[1]`` is element
            0); an array over 0..K-1 has offset 0.

    After an evaluation, ``largest_exponent`` is the largest |argument| of an exponential or
    a hyperbolic function met: the scale at which a float program's rounding of that argument
    shows (:mod:`derive.testing.against` reads it for its tolerance).
    """

    def __init__(
        self,
        arrays: Mapping[IndexedBase, tuple[numpy.ndarray, numpy.ndarray | None]],
        scalars: Mapping[Symbol, tuple[object, object]] | None = None,
        sizes: Mapping[Symbol, int] | None = None,
        heaviside_at_0: object = 0,
        offsets: Mapping[IndexedBase, tuple[int, ...]] | None = None,
    ) -> None:
        self.arrays = {
            base: (value, _abs(value) if magnitude is None else magnitude)
            for base, (value, magnitude) in arrays.items()
        }
        self.scalars = dict(scalars or {})
        self.sizes = dict(sizes or {})
        self.heaviside_at_0 = CONTEXT.mpf(heaviside_at_0)
        self.offsets = dict(offsets or {})
        self.largest_exponent = ZERO
        self._domains: dict[Symbol, tuple[int, int]] = {}
        self._memo: dict[tuple[Basic, tuple], Value] = {}
        self._free: dict[Basic, tuple[Symbol, ...]] = {}

    def evaluate(self, expr: Expr, ranges: Mapping[Symbol, tuple[int, int]] | None = None) -> Value:
        """``expr`` over the free indices in ``ranges`` (symbol -> (first, last), inclusive);
        the result's axes are in the order of ``ranges``, broadcast where expr lacks one."""
        ranges = dict(ranges or {})
        saved, self._domains = self._domains, {**self._domains, **ranges}
        try:
            result = self._eval(expr)
        finally:
            self._domains = saved
        want = tuple(ranges)
        full = [hi - lo + 1 for lo, hi in ranges.values()]
        extra = [a for a in result.axes if a not in want]
        if extra:
            raise EvaluationError(f"{expr}: indices {extra} have no range")
        shell = Value(want, numpy.empty(full, dtype=object), numpy.empty(full, dtype=object))
        _, (aligned, _) = _align([result, shell])
        order = [aligned.axes.index(a) for a in want]
        value = numpy.broadcast_to(numpy.transpose(aligned.value, order), full).copy()
        magnitude = numpy.broadcast_to(numpy.transpose(aligned.magnitude, order), full).copy()
        return Value(want, value, magnitude)

    def _eval(self, expr: Basic) -> Value:
        free = self._free.get(expr)
        if free is None:
            free = self._free[expr] = tuple(sorted(expr.free_symbols, key=str))
        bound = tuple((s, self._domains[s]) for s in free if s in self._domains)
        key = (expr, bound)
        if key not in self._memo:
            self._memo[key] = self._compute(expr)
        return self._memo[key]

    # rules a subclass adds, tried before the built-in ones: (type, rule(evaluator, expr))
    extra_rules: tuple = ()

    def _compute(self, expr: Basic) -> Value:
        for kind, rule in (*self.extra_rules, *_RULES):
            if isinstance(expr, kind):
                return rule(self, expr)
        raise EvaluationError(f"no exact evaluation rule for {type(expr).__name__}: {expr}")

    def integer(self, expr: Basic) -> int:
        """A sum bound or a fixed index: an integer, possibly a size symbol."""
        value = expr.xreplace({s: Integer(v) for s, v in self.sizes.items()})
        if not value.is_Integer:
            raise EvaluationError(f"{expr} is not a concrete integer here")
        return int(value)


def _number(ev: Evaluator, expr: Number) -> Value:
    value = CONTEXT.mpf(expr.p) / expr.q if expr.is_Rational else CONTEXT.mpf(str(expr))
    return Value((), _scalar(value), _scalar(abs(value)))


def _symbol(ev: Evaluator, expr: Symbol) -> Value:
    if expr in ev._domains:
        lo, hi = ev._domains[expr]
        values = numpy.array([CONTEXT.mpf(i) for i in range(lo, hi + 1)], dtype=object)
        return Value((expr,), values, _abs(values))
    if expr in ev.scalars:
        value, magnitude = ev.scalars[expr]
        return Value((), _scalar(value), _scalar(magnitude))
    if expr in ev.sizes:
        value = CONTEXT.mpf(ev.sizes[expr])
        return Value((), _scalar(value), _scalar(value))
    raise EvaluationError(f"{expr} has no value")


def _indexed(ev: Evaluator, expr: Indexed) -> Value:
    if expr.base not in ev.arrays:
        raise EvaluationError(f"no array for {expr.base}")
    value, magnitude = ev.arrays[expr.base]
    if len(expr.indices) != value.ndim:
        raise EvaluationError(f"{expr}: the array has {value.ndim} axes")
    offsets = ev.offsets.get(expr.base) or (1,) * value.ndim
    picks, axes = [], []
    for index, first in zip(expr.indices, offsets, strict=True):
        if isinstance(index, Symbol) and index in ev._domains:
            if index in axes:
                raise EvaluationError(f"{expr}: a repeated index")
            lo, hi = ev._domains[index]
            if lo < first or hi - first >= value.shape[len(picks)]:
                raise EvaluationError(f"{expr}: {index} in {lo}..{hi} is outside the array")
            picks.append(slice(lo - first, hi - first + 1))
            axes.append(index)
        else:
            at = ev.integer(index) - first
            if not 0 <= at < value.shape[len(picks)]:
                raise EvaluationError(f"{expr}: the entry is outside the array")
            picks.append(at)
    return Value(tuple(axes), value[tuple(picks)], magnitude[tuple(picks)])


def _add(ev: Evaluator, expr: Add) -> Value:
    axes, terms = _align([ev._eval(arg) for arg in expr.args])
    value, magnitude = terms[0].value, terms[0].magnitude
    for term in terms[1:]:
        value, magnitude = value + term.value, magnitude + term.magnitude
    return Value(axes, value, magnitude)


def _mul(ev: Evaluator, expr: Mul) -> Value:
    axes, factors = _align([ev._eval(arg) for arg in expr.args])
    value, magnitude = factors[0].value, factors[0].magnitude
    for factor in factors[1:]:
        value, magnitude = value * factor.value, magnitude * factor.magnitude
    return Value(axes, value, magnitude)


def _pow(ev: Evaluator, expr: Pow) -> Value:
    base, power = ev._eval(expr.base), expr.exp
    if not power.is_Rational:
        raise EvaluationError(f"{expr}: only rational powers are evaluated exactly")
    p = CONTEXT.mpf(power.p) / power.q
    value = numpy.frompyfunc(lambda x: CONTEXT.power(x, p), 1, 1)(base.value)
    if power.is_Integer and power > 0:
        magnitude = numpy.frompyfunc(lambda x: CONTEXT.power(x, p), 1, 1)(base.magnitude)
    else:
        magnitude = _abs(value)
    return Value(base.axes, value, magnitude)


def _exponent(ev: Evaluator, arg: Value) -> None:
    """Note the largest |argument| of an exponential-like function (see Evaluator)."""
    found = max((abs(v) for v in numpy.ravel(arg.value)), default=ZERO)
    ev.largest_exponent = max(ev.largest_exponent, found)


def _exp_rule(ev: Evaluator, expr: exp) -> Value:
    arg = ev._eval(expr.args[0])
    _exponent(ev, arg)
    value = _exp(arg.value)
    return Value(arg.axes, value, value)


# bounded or slowly growing functions: the value's size is the magnitude; the rounding of the
# argument shows through the argument's scale (largest_exponent, or the inputs' size)
_UNARY = {
    tanh: (CONTEXT.tanh, True),
    sinh: (CONTEXT.sinh, True),
    cosh: (CONTEXT.cosh, True),
    sin: (CONTEXT.sin, False),
    cos: (CONTEXT.cos, False),
    tan: (CONTEXT.tan, False),
    atan: (CONTEXT.atan, False),
    asinh: (CONTEXT.asinh, False),
    sign: (lambda x: CONTEXT.sign(x), False),
}


def _unary(ev: Evaluator, expr: Expr) -> Value:
    function, exponential = _UNARY[type(expr)]
    arg = ev._eval(expr.args[0])
    if exponential:
        _exponent(ev, arg)
    value = numpy.frompyfunc(function, 1, 1)(arg.value)
    return Value(arg.axes, value, _abs(value))


def _log_rule(ev: Evaluator, expr: log) -> Value:
    arg = ev._eval(expr.args[0])
    value = _log(arg.value)
    return Value(arg.axes, value, _abs(value))


def _abs_rule(ev: Evaluator, expr: Abs) -> Value:
    arg = ev._eval(expr.args[0])
    return Value(arg.axes, _abs(arg.value), arg.magnitude)


def _sum_over(term: Value, index: Symbol) -> Value:
    if index not in term.axes:
        raise EvaluationError(f"sum over {index}, which the term does not use")
    axis = term.axes.index(index)
    axes = term.axes[:axis] + term.axes[axis + 1 :]
    value = numpy.sum(term.value, axis=axis, initial=ZERO)
    magnitude = numpy.sum(term.magnitude, axis=axis, initial=ZERO)
    return Value(axes, numpy.asarray(value, dtype=object), numpy.asarray(magnitude, dtype=object))


def _sum_rule(ev: Evaluator, expr: Sum) -> Value:
    """Sum(f, inner, ..., outer): the limits from the outermost in (SymPy merges nested sums
    into one Sum with several limits)."""
    return _summed(ev, expr.function, list(expr.limits))


def _summed(ev: Evaluator, function: Expr, limits: list) -> Value:
    (index, lo, hi), inner = limits[-1], limits[:-1]
    values, sign = karr_range(ev.integer(lo), ev.integer(hi))  # the checker's meaning
    saved = ev._domains.get(index)
    ev._domains[index] = (values.start, values.stop - 1)
    try:
        term = _summed(ev, function, inner) if inner else ev._eval(function)
        if index not in term.axes:  # a term that does not depend on the index
            count = CONTEXT.mpf(len(values))
            return Value(term.axes, sign * term.value * count, term.magnitude * count)
        found = _sum_over(term, index)
        return Value(found.axes, sign * found.value, found.magnitude) if sign < 0 else found
    finally:
        if saved is None:
            del ev._domains[index]
        else:
            ev._domains[index] = saved


def _step(ev: Evaluator, u: Value, at_0: object) -> Value:
    value = numpy.frompyfunc(lambda x: ONE if x > 0 else ZERO if x < 0 else at_0, 1, 1)(u.value)
    return Value(u.axes, value, value)


def _heaviside(ev: Evaluator, expr: Heaviside) -> Value:
    at_0 = ev.heaviside_at_0
    if len(expr.args) > 1:
        at_0 = _number(ev, expr.args[1]).value.item()
    return _step(ev, ev._eval(expr.args[0]), at_0)


def _relu_prime(ev: Evaluator, expr: relu_prime) -> Value:
    return _step(ev, ev._eval(expr.args[0]), ev.heaviside_at_0)


def _kronecker(ev: Evaluator, expr: KroneckerDelta) -> Value:
    axes, (i, j) = _align([ev._eval(arg) for arg in expr.args])
    value = numpy.frompyfunc(lambda x, y: ONE if x == y else ZERO, 2, 1)(i.value, j.value)
    return Value(axes, value, value)


def _max(ev: Evaluator, expr: Max) -> Value:
    axes, args = _align([ev._eval(arg) for arg in expr.args])
    value, magnitude = args[0].value, args[0].magnitude
    pick = numpy.frompyfunc(lambda x, y: x if x >= y else y, 2, 1)
    for arg in args[1:]:
        value, magnitude = pick(value, arg.value), pick(magnitude, arg.magnitude)
    return Value(axes, value, magnitude)


def _min(ev: Evaluator, expr: Min) -> Value:
    axes, args = _align([ev._eval(arg) for arg in expr.args])
    value, magnitude = args[0].value, args[0].magnitude
    pick = numpy.frompyfunc(lambda x, y: x if x <= y else y, 2, 1)
    larger = numpy.frompyfunc(lambda x, y: x if x >= y else y, 2, 1)
    for arg in args[1:]:
        value, magnitude = pick(value, arg.value), larger(magnitude, arg.magnitude)
    return Value(axes, value, magnitude)


# a relation's test on two values, and a connective's on truth values (object arrays of bool)
_TESTS = {
    "==": lambda x, y: x == y,
    "!=": lambda x, y: x != y,
    ">": lambda x, y: x > y,
    ">=": lambda x, y: x >= y,
    "<": lambda x, y: x < y,
    "<=": lambda x, y: x <= y,
}


def _truth(ev: Evaluator, condition: Basic) -> Value:
    """A condition of a Piecewise over its free indices: an object array of bool."""
    if isinstance(condition, BooleanTrue | BooleanFalse):
        flag = _scalar(bool(condition))
        return Value((), flag, flag)
    if isinstance(condition, And | Or):
        axes, parts = _align([_truth(ev, c) for c in condition.args])
        joined = parts[0].value
        both = numpy.frompyfunc(
            (lambda x, y: x and y) if isinstance(condition, And) else (lambda x, y: x or y), 2, 1
        )
        for part in parts[1:]:
            joined = both(joined, part.value)
        return Value(axes, joined, joined)
    if isinstance(condition, Not):
        inner = _truth(ev, condition.args[0])
        flipped = numpy.frompyfunc(lambda x: not x, 1, 1)(inner.value)
        return Value(inner.axes, flipped, flipped)
    test = _TESTS.get(getattr(condition, "rel_op", None))
    if test is None:
        raise EvaluationError(f"no exact evaluation rule for the condition {condition}")
    axes, (left, right) = _align([ev._eval(condition.lhs), ev._eval(condition.rhs)])
    flag = numpy.frompyfunc(test, 2, 1)(left.value, right.value)
    return Value(axes, flag, flag)


def _piecewise(ev: Evaluator, expr: Piecewise) -> Value:
    """The first piece whose condition holds, entry by entry (as SymPy reads it)."""
    pieces = [(ev._eval(e), _truth(ev, c)) for e, c in expr.args]
    axes, aligned = _align([v for pair in pieces for v in pair])
    shape = numpy.broadcast_shapes(*(v.value.shape for v in aligned))
    value = numpy.full(shape, None, dtype=object)
    magnitude = numpy.full(shape, None, dtype=object)
    for n in range(len(pieces) - 1, -1, -1):  # the first true piece wins: fill it last
        piece, holds = aligned[2 * n], aligned[2 * n + 1]
        mask = numpy.broadcast_to(holds.value, shape).astype(bool)
        value[mask] = numpy.broadcast_to(piece.value, shape)[mask]
        magnitude[mask] = numpy.broadcast_to(piece.magnitude, shape)[mask]
    if any(v is None for v in value.ravel()):
        raise EvaluationError(f"{expr}: no piece holds at some entries")
    return Value(axes, value, magnitude)


# The rule for each kind of node, most specific first (relu_prime before the generic types).
_RULES = (
    (relu_prime, _relu_prime),
    (Heaviside, _heaviside),
    (KroneckerDelta, _kronecker),
    (Number, _number),
    (Symbol, _symbol),
    (Indexed, _indexed),
    (Add, _add),
    (Mul, _mul),
    (Pow, _pow),
    (exp, _exp_rule),
    (log, _log_rule),
    (Abs, _abs_rule),
    (Sum, _sum_rule),
    (Max, _max),
    (Min, _min),
    (Piecewise, _piecewise),
    *((kind, _unary) for kind in _UNARY),
)
