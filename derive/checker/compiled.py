"""Expressions compiled once per integer instantiation into straight-line mpmath programs.

The numeric evidence evaluates the same side of a claim, for the same integer values (sizes K,
indices k), at many points. Substituting the integers into the SymPy tree, writing its sums out
and calling ``evalf`` at every point rebuilds large trees each time. Here the tree is walked
once per integer instantiation: sums with integer bounds are unrolled, indices and Kronecker
deltas are decided, and every *distinct* subexpression becomes one operation (a softmax
denominator shared by K terms is computed once a point). A point then costs one pass over a
list of mpmath operations.

No source text is generated and nothing is executed: the operations are a fixed table of mpmath
functions (``_FUNCTIONS``), so symbol names from a user's file never reach an interpreter. An
expression with a part outside the table (an unevaluated derivative, an undefined function) is
:class:`Unsupported`, and the caller falls back to SymPy. A point where a Heaviside, Max, |x|,
sign or piecewise condition is at its kink (its argument is 0) gives :data:`AT_KINK`: rounding
must not choose the side of a kink, so the caller evaluates that point exactly.
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Callable, Mapping
from fractions import Fraction

import mpmath
import sympy
from sympy import Basic, Indexed, Symbol
from sympy.core.relational import Relational
from sympy.logic.boolalg import And, BooleanFalse, BooleanTrue, Not, Or

from derive.model.primitives import relu_prime

GUARD_DIGITS = 10  # extra working digits beyond those asked for, at first
MAX_WORKING_DIGITS = 1000  # the precision is doubled until two agree, up to this
KINK_TOLERANCE = mpmath.mpf(10) ** -25  # |argument| below this at a kink function: exactly 0
MAX_OPERATIONS = 200_000  # a larger unrolled program is Unsupported (SymPy's route decides)


class Unsupported(Exception):
    """The expression has a part the compiled form cannot evaluate (use SymPy's evalf)."""


class _AtKink(Exception):
    pass


class _Kink:
    """The marker a program returns at a point on a kink."""

    def __repr__(self) -> str:
        return "AT_KINK"


AT_KINK = _Kink()


class _Inaccurate:
    """The marker a program returns when no working precision gave stable digits."""

    def __repr__(self) -> str:
        return "INACCURATE"


INACCURATE = _Inaccurate()


class _Undefined:
    """The value of an operation that failed: any use of it fails too (TypeError), so it
    spreads to the result unless a Piecewise does not choose it."""

    def __bool__(self) -> bool:
        raise TypeError("an undefined value has no truth value")


UNDEFINED = _Undefined()


# Values are exact Fractions while only rational arithmetic made them (the affine argument of a
# ReLU, say), so the side of a kink is decided exactly; mpmath numbers otherwise.
_touched = [False]  # whether the running evaluation met a kink exactly (not re-entrant)


def _mp(value: object) -> object:
    if type(value) is Fraction:
        return mpmath.mpf(value.numerator) / value.denominator
    return value


def _numeric(function: Callable[..., object]) -> Callable[..., object]:
    """``function`` of mpmath numbers, given exact or mpmath values."""
    return lambda *values: function(*[_mp(v) for v in values])


def _real(value: object) -> object:
    if isinstance(value, mpmath.mpc):
        if value.imag != 0:
            raise ValueError("a real-only function at a complex value")
        return value.real
    return value


def _kink_argument(u: object) -> object:
    """``u`` as a real number; an exact 0 is noted as a kink, an inexact one near 0 is
    _AtKink (rounding cannot tell the side)."""
    u = _real(u)
    if type(u) is Fraction:
        if u == 0:
            _touched[0] = True
        return u
    if abs(u) < KINK_TOLERANCE:
        raise _AtKink
    return u


def _heaviside(u: object, at_zero: object) -> object:
    u = _kink_argument(u)
    if u == 0:
        return at_zero
    return Fraction(1) if u > 0 else Fraction(0)


def _sign(u: object) -> object:
    if isinstance(u, mpmath.mpc) and u.imag != 0:
        return u / abs(u)
    u = _kink_argument(u)
    return Fraction(0) if u == 0 else Fraction(1) if u > 0 else Fraction(-1)


def _abs(u: object) -> object:
    if isinstance(u, mpmath.mpc) and u.imag != 0:
        return abs(u)
    return abs(_kink_argument(u))


def _max(*values: object) -> object:
    reals = [_real(v) for v in values]
    for position, a in enumerate(reals):
        for b in reals[position + 1 :]:
            _kink_argument(_add(a, _negate(b)))
    return max(reals, key=_mp)


def _min(*values: object) -> object:
    return _negate(_max(*(_negate(_real(v)) for v in values)))


def _negate(u: object) -> object:
    return -u


def _log(u: object) -> object:
    if u == 0:
        raise ValueError("log(0)")
    return mpmath.log(_mp(u))


def _power(base: object, exponent: object) -> object:
    if base == 0 and _real(_mp(exponent)) < 0:
        raise ZeroDivisionError("0 to a negative power")
    if type(base) is Fraction and type(exponent) is Fraction and exponent.denominator == 1:
        return base ** int(exponent)
    return _mp(base) ** _mp(exponent)


def _add(*values: object) -> object:
    if all(type(v) is Fraction for v in values):
        return sum(values, Fraction(0))
    return mpmath.fsum([_mp(v) for v in values])


def _mul(*values: object) -> object:
    exact = all(type(v) is Fraction for v in values)
    result = values[0] if exact else _mp(values[0])
    for value in values[1:]:
        result = result * (value if exact else _mp(value))
    return result


def _part(function: Callable[[object], object], exact: Callable[[Fraction], object]):
    return lambda u: exact(u) if type(u) is Fraction else function(u)


def _choose(*pieces_and_conditions: object) -> object:
    for position in range(0, len(pieces_and_conditions), 2):
        if pieces_and_conditions[position + 1]:
            return pieces_and_conditions[position]
    raise ValueError("no piece of a Piecewise applies")


def _compare(function: Callable[[object, object], bool]) -> Callable[[object], bool]:
    return lambda u: function(_kink_argument(u), 0)


_FUNCTIONS: dict[type, Callable[..., object]] = {
    sympy.exp: _numeric(mpmath.exp),
    sympy.log: _log,
    sympy.sin: _numeric(mpmath.sin),
    sympy.cos: _numeric(mpmath.cos),
    sympy.tan: _numeric(mpmath.tan),
    sympy.sinh: _numeric(mpmath.sinh),
    sympy.cosh: _numeric(mpmath.cosh),
    sympy.tanh: _numeric(mpmath.tanh),
    sympy.atan: _numeric(mpmath.atan),
    sympy.asin: _numeric(mpmath.asin),
    sympy.acos: _numeric(mpmath.acos),
    sympy.Abs: _abs,
    sympy.sign: _sign,
    sympy.re: _part(mpmath.re, lambda u: u),
    sympy.im: _part(mpmath.im, lambda u: Fraction(0)),
    sympy.conjugate: _part(mpmath.conj, lambda u: u),
    sympy.Max: _max,
    sympy.Min: _min,
    sympy.Add: _add,
    sympy.Mul: _mul,
    sympy.Pow: _power,
}

_RELATIONS: dict[str, Callable[[object, object], bool]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "==": operator.eq,
    "!=": operator.ne,
}


@functools.lru_cache(maxsize=16384)
def _integer_symbols(e: Basic) -> tuple[Symbol, ...]:
    """The integer symbols free in ``e`` (a sum's own index is bound, not free), sorted."""
    if isinstance(e, Symbol):
        return (e,) if e.is_integer else ()
    if not e.args:
        return ()
    found = set().union(*(_integer_symbols(a) for a in e.args))
    if isinstance(e, (sympy.Sum, sympy.Product)):
        found -= {limit[0] for limit in e.limits}
    return tuple(sorted(found, key=sympy.default_sort_key))


def _integer(e: Basic, env: Mapping[Symbol, int]) -> int | None:
    """The value of an integer expression of the integer symbols in ``env``, else None."""
    if e.is_Integer:
        return int(e)
    if isinstance(e, Symbol):
        return env.get(e)
    if isinstance(e, (sympy.Add, sympy.Mul)):
        values = [_integer(a, env) for a in e.args]
        if None in values:
            return None
        return sum(values) if isinstance(e, sympy.Add) else _product(values)
    return None


def _product(values: list[int]) -> int:
    result = 1
    for value in values:
        result *= value
    return result


@functools.lru_cache(maxsize=16384)
def _element(base: sympy.IndexedBase, indices: tuple[int, ...]) -> Indexed:
    return base[indices if len(indices) > 1 else indices[0]]


class Program:
    """``expr`` at the integer values ``integers``, as mpmath operations over its atoms.

    ``atoms`` lists the symbols and indexed elements (``z[2]``) it reads, in the order met.

    >>> x = sympy.Symbol("x", real=True)
    >>> program = Program(sympy.exp(x) / (1 + sympy.exp(x)))
    >>> value, kink = program({x: sympy.Integer(0)}, 30)
    >>> float(value.real), kink
    (0.5, False)
    """

    def __init__(self, expr: Basic, integers: Mapping[Symbol, int] | None = None) -> None:
        """Compile ``expr``; raises Unsupported if a part has no mpmath operation."""
        self.atoms: list[Basic] = []
        self._inputs: list[int] = []  # the atoms' slots
        self._constants: list[tuple[int, Basic]] = []  # (slot, exact number)
        self._operations: list[tuple[int, Callable[..., object], tuple[int, ...]]] = []
        self._slots: dict[tuple, int] = {}
        self._size = 0
        self.result = self._slot(expr, dict(integers or {}))

    def _new(self) -> int:
        self._size += 1
        if self._size > MAX_OPERATIONS:
            raise Unsupported("the unrolled expression is too large")
        return self._size - 1

    def _operation(self, function: Callable[..., object], args: tuple[int, ...]) -> int:
        slot = self._new()
        self._operations.append((slot, function, args))
        return slot

    def _constant(self, value: Basic) -> int:
        key = ("constant", value)
        if key not in self._slots:
            if value.has(sympy.zoo, sympy.nan, sympy.oo, -sympy.oo):
                raise Unsupported(f"{value} is not a finite number")
            self._slots[key] = self._new()
            self._constants.append((self._slots[key], value))
        return self._slots[key]

    def _atom(self, atom: Basic) -> int:
        key = ("atom", atom)
        if key not in self._slots:
            self._slots[key] = self._new()
            self.atoms.append(atom)
            self._inputs.append(self._slots[key])
        return self._slots[key]

    def _slot(self, e: Basic, env: dict[Symbol, int]) -> int:
        key = (e, tuple(env.get(s) for s in _integer_symbols(e)))
        found = self._slots.get(key)
        if found is None:
            found = self._slots[key] = self._compile(e, env)
        return found

    def _compile(self, e: Basic, env: dict[Symbol, int]) -> int:
        value = _integer(e, env) if _integer_symbols(e) else None
        if value is not None:
            return self._constant(sympy.Integer(value))
        if e.is_Number or e.is_NumberSymbol or e is sympy.I:
            return self._constant(e)
        if isinstance(e, Symbol):
            if e.is_integer:
                raise Unsupported(f"the integer symbol {e} has no value")
            return self._atom(e)
        if isinstance(e, Indexed):
            indices = tuple(_integer(i, env) for i in e.indices)
            if None in indices:
                raise Unsupported(f"the indices of {e} are not integers here")
            return self._atom(_element(e.base, indices))
        if isinstance(e, sympy.KroneckerDelta):
            i, j = (_integer(a, env) for a in e.args[:2])
            if i is None or j is None:
                raise Unsupported(f"{e} is not decided by the integers")
            return self._constant(sympy.Integer(int(i == j)))
        if isinstance(e, (sympy.Sum, sympy.Product)):
            return self._loop(e, env)
        if isinstance(e, (sympy.Heaviside, relu_prime)):
            at_zero = e.args[1] if len(e.args) > 1 else sympy.S.Half
            return self._operation(_heaviside, self._args((e.args[0], at_zero), env))
        if isinstance(e, sympy.Piecewise):
            return self._piecewise(e, env)
        function = _FUNCTIONS.get(type(e))
        if function is None:
            raise Unsupported(f"cannot compile {type(e).__name__}")
        return self._operation(function, self._args(e.args, env))

    def _args(self, args: tuple[Basic, ...], env: dict[Symbol, int]) -> tuple[int, ...]:
        return tuple(self._slot(a, env) for a in args)

    def _loop(self, e: sympy.Sum | sympy.Product, env: dict[Symbol, int]) -> int:
        """A sum (product) with integer bounds, written out; limits listed first are inner."""
        combine = _FUNCTIONS[sympy.Add if isinstance(e, sympy.Sum) else sympy.Mul]
        empty = sympy.S.Zero if isinstance(e, sympy.Sum) else sympy.S.One

        def terms(limits: tuple, inner_env: dict[Symbol, int]) -> list[int]:
            var, lo, hi = limits[-1]
            low, high = _integer(lo, inner_env), _integer(hi, inner_env)
            if low is None or high is None:
                raise Unsupported(f"the bounds of {e} are not integers here")
            slots = []
            for value in range(low, high + 1):
                scope = {**inner_env, var: value}
                if len(limits) == 1:
                    slots.append(self._slot(e.function, scope))
                else:
                    slots += terms(limits[:-1], scope)
            return slots

        slots = terms(e.limits, env)
        if not slots:
            return self._constant(empty)
        return slots[0] if len(slots) == 1 else self._operation(combine, tuple(slots))

    def _condition(self, cond: Basic, env: dict[Symbol, int]) -> int:
        if isinstance(cond, (BooleanTrue, BooleanFalse)):
            return self._operation(functools.partial(bool, bool(cond)), ())
        if isinstance(cond, Relational) and cond.rel_op in _RELATIONS:
            compare = _RELATIONS[cond.rel_op]
            decided = _integer(cond.lhs - cond.rhs, env)
            if decided is not None:
                return self._operation(functools.partial(bool, compare(decided, 0)), ())
            difference = self._slot(cond.lhs - cond.rhs, env)
            return self._operation(_compare(compare), (difference,))
        if isinstance(cond, (And, Or, Not)):
            parts = tuple(self._condition(a, env) for a in cond.args)
            combine = {And: all, Or: any, Not: lambda values: not values[0]}[type(cond)]
            return self._operation(lambda *v, f=combine: f(v), parts)
        raise Unsupported(f"cannot compile the condition {type(cond).__name__}")

    def _piecewise(self, e: sympy.Piecewise, env: dict[Symbol, int]) -> int:
        # every piece and condition is computed (straight-line); the first true one is chosen.
        # A piece that fails to evaluate where it is not chosen is not an error.
        slots = []
        for piece, cond in e.args:
            slots += [self._slot(piece, env), self._condition(cond, env)]
        return self._operation(_choose, tuple(slots))

    def __call__(self, values: Mapping[Basic, Basic], digits: int) -> tuple[object, bool]:
        """``(value, kink)`` at ``values`` (atom -> exact number) to ``digits``.

        The value is an mpmath complex; None where the expression is undefined (a division by
        zero, log 0, a complex value where a real one is needed); AT_KINK where a kink argument
        is 0 but not exactly known to be; INACCURATE when no working precision up to
        ``MAX_WORKING_DIGITS`` gives ``digits`` that two precisions agree on. ``kink`` is True
        when a kink argument was exactly 0 (the value then follows SymPy's conventions).

        Like SymPy's evalf, the precision adapts: a result counts once it is the same to
        ``digits`` at two working precisions, so cancellation (1 - 1/(1 + e^-z) at z = 900)
        raises the precision instead of returning noise.
        """
        working = digits + GUARD_DIGITS
        before, kink, exact = self._run(values, working)
        if exact:  # rational arithmetic only
            return before, kink
        while working < MAX_WORKING_DIGITS:
            working = 2 * working
            now, kink, _ = self._run(values, working)
            if _same(before, now, digits):
                return now, kink
            before = now
        return INACCURATE, kink

    def _run(self, values: Mapping[Basic, Basic], working: int) -> tuple[object, bool, bool]:
        """(the value at this working precision, whether a kink was met exactly, whether the
        value is exact)."""
        _touched[0] = False
        with mpmath.workdps(working):
            slots: list[object] = [None] * self._size
            for slot, number in self._constants:
                slots[slot] = _number(number)
            for slot, atom in zip(self._inputs, self.atoms, strict=True):
                slots[slot] = _number(values[atom])
            try:
                for slot, function, args in self._operations:
                    try:
                        slots[slot] = function(*[slots[a] for a in args])
                    except (ValueError, ZeroDivisionError, TypeError, OverflowError):
                        slots[slot] = UNDEFINED  # fine in a piece that is not chosen
            except _AtKink:
                return AT_KINK, _touched[0], False
            result = slots[self.result]
            return _finished(result), _touched[0], type(result) is Fraction


def _finished(result: object) -> object:
    """A raw result as the checker takes it (at the working precision): a finite mpmath
    complex, or None."""
    if result is UNDEFINED or result is None or isinstance(result, bool):
        return None
    value = mpmath.mpc(_mp(result))
    return value if mpmath.isfinite(value) else None


def _same(a: object, b: object, digits: int) -> bool:
    """Whether two evaluations agree to ``digits`` (relative; values below 10**-digits are
    0 to the checker, which compares relative to max(1, |value|))."""
    if not isinstance(a, mpmath.mpc) or not isinstance(b, mpmath.mpc):
        return a is b
    tolerance = mpmath.mpf(10) ** -digits
    scale = max(abs(a), abs(b))
    return scale < tolerance or abs(a - b) <= tolerance * scale


def _number(value: Basic) -> object:
    """An exact SymPy number: a Fraction if rational, else mpmath at the working precision."""
    if value.is_Rational:
        return Fraction(int(value.p), int(value.q))
    re, im = value.as_real_imag()
    if im == 0:
        return mpmath.mpf(sympy.Float(re, mpmath.mp.dps)._mpf_)
    return mpmath.mpc(_mp(_number(re)), _mp(_number(im)))
