"""The values a compiled program computes with: exact fractions, and complex balls.

A value is a ``Fraction`` while only rational arithmetic made it (the affine argument of a
ReLU, a target t_K = 1 - t_1 - ...), so the side of a kink is decided exactly. Otherwise it is
an ``acb`` of python-flint (Arb): a complex ball, a midpoint and a radius that provably
contains the true value. Ball arithmetic is what makes compiled evidence trustworthy: a result
whose ball is not small enough is recomputed at a higher precision, so cancellation
(1 - 1/(1 + e^-z) at z = 900) costs precision, never accuracy; a kink whose argument's ball
contains 0 is not guessed (``_AtKink``: the caller evaluates that point exactly). Principal
branches (log, powers) are those of SymPy.

The functions here are the operations of ``compiled.Program``; they raise ValueError or
ZeroDivisionError where a value is undefined.
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Callable
from fractions import Fraction

import sympy
from flint import acb, arb, ctx, fmpq, fmpz
from sympy import Basic


class AtKink(Exception):
    """A kink function's argument is 0 within its ball: the side is not known."""


touched = [False]  # whether the running evaluation met a kink exactly (not re-entrant)


def ball(value: object) -> acb:
    """A value as a ball at the current precision."""
    if type(value) is Fraction:
        return acb(fmpq(value.numerator, value.denominator))
    return value


@functools.lru_cache(maxsize=65536)
def number(value: Basic, exact: bool, bits: int) -> object:
    """An exact SymPy number: a Fraction if rational (and ``exact``), else a ball at ``bits``
    that contains it."""
    if value.is_Rational:
        fraction = Fraction(int(value.p), int(value.q))
        return fraction if exact else ball(fraction)
    re, im = value.as_real_imag()
    return acb(_real_ball(re, bits), _real_ball(im, bits))


def _real_ball(value: Basic, bits: int) -> arb:
    if value.is_Rational or value.is_Float:  # a Float is an exact binary fraction
        exact = sympy.Rational(value)
        return arb(fmpq(int(exact.p), int(exact.q)))
    if value in _CONSTANTS:
        return _CONSTANTS[value]()
    digits = bits // 3 + 10  # decimal digits, more than the bits hold
    return arb(str(sympy.N(value, digits))) * arb(1, f"1e-{digits - 5}")  # with its rounding


# constants Arb encloses rigorously (at the current precision); others go through SymPy's evalf
_CONSTANTS = {
    sympy.pi: arb.pi,
    sympy.E: lambda: arb(1).exp(),
    sympy.EulerGamma: arb.const_euler,
    sympy.Catalan: arb.const_catalan,
    sympy.GoldenRatio: lambda: (1 + arb(5).sqrt()) / 2,
}


def rigorous(value: Basic) -> bool:
    """Whether ``number(value, ...)`` is a rigorous enclosure: a rational, a Float, one of the
    constants Arb knows, or a complex number made of them (others are rounded by evalf)."""
    re, im = value.as_real_imag()
    return all(part.is_Rational or part.is_Float or part in _CONSTANTS for part in (re, im))


def _real(value: object) -> object:
    """A real value: a Fraction or an arb (ValueError if it is surely not real)."""
    if type(value) is Fraction:
        return value
    if value.imag.is_zero():
        return value.real
    if value.imag.contains(0):
        raise AtKink  # it may be real: too close to the real axis to tell
    raise ValueError("a real-only function at a complex value")


def _kink_argument(u: object) -> object:
    """``u`` as a real number; an exact 0 is noted as a kink, a ball around 0 is AtKink."""
    u = _real(u)
    if type(u) is Fraction:
        if u == 0:
            touched[0] = True
        return u
    if u.contains(0):
        raise AtKink
    return u


def heaviside(u: object, at_zero: object) -> object:
    u = _kink_argument(u)
    if u == 0:
        return at_zero
    return Fraction(1) if u > 0 else Fraction(0)


def sign(u: object) -> object:
    if type(u) is not Fraction and not u.contains(0):  # away from the kink: u / |u|
        return u / acb(abs(u))
    u = _kink_argument(u)
    return Fraction(0) if u == 0 else Fraction(1) if u > 0 else Fraction(-1)


def absolute(u: object) -> object:
    # a ball that excludes 0 is away from the kink, even where it may be real or not
    if type(u) is not Fraction and not u.contains(0):
        return acb(abs(u))
    u = _kink_argument(u)
    return abs(u) if type(u) is Fraction else acb(abs(u))


def maximum(*values: object) -> object:
    reals = [_real(v) for v in values]
    for position, a in enumerate(reals):
        for b in reals[position + 1 :]:
            _kink_argument(add(a, -b))
    best = functools.reduce(lambda a, b: b if _above(b, a) else a, reals)
    return best if type(best) is Fraction else acb(best)


def minimum(*values: object) -> object:
    return -maximum(*(-v for v in values))


def _above(a: object, b: object) -> bool:
    if type(a) is Fraction and type(b) is Fraction:
        return a > b
    return (arb(fmpq(a.numerator, a.denominator)) if type(a) is Fraction else a) > (
        arb(fmpq(b.numerator, b.denominator)) if type(b) is Fraction else b
    )


def log(u: object) -> object:
    if u == 0 or (type(u) is not Fraction and u.is_zero()):
        raise ValueError("log(0)")
    return ball(u).log()


def power(base: object, exponent: object) -> object:
    exact_zero = base == 0 if type(base) is Fraction else base.is_zero()
    if type(exponent) is Fraction and exponent.denominator == 1:
        if exact_zero and exponent < 0:
            raise ZeroDivisionError("0 to a negative power")
        return base ** int(exponent)
    if exact_zero:  # as SymPy: 0**e is 0 for Re(e) > 0, undefined for Re(e) <= 0
        if _real(exponent) > 0:
            return Fraction(0) if type(base) is Fraction else acb(0)
        raise ZeroDivisionError("0 to a power with Re <= 0")
    return ball(base) ** ball(exponent)


def add(*values: object) -> object:
    if all(type(v) is Fraction for v in values):
        return sum(values, Fraction(0))
    return sum((ball(v) for v in values[1:]), ball(values[0]))


def multiply(*values: object) -> object:
    if all(type(v) is Fraction for v in values):
        return functools.reduce(operator.mul, values)
    return functools.reduce(operator.mul, (ball(v) for v in values))


def add_balls(*values: acb) -> acb:
    return sum(values[1:], values[0])


def multiply_balls(*values: acb) -> acb:
    return functools.reduce(operator.mul, values)


def _method(name: str) -> Callable[[object], acb]:
    return lambda u: getattr(ball(u), name)()


def _part(exact: Callable[[Fraction], object], inexact: Callable[[acb], object]):
    return lambda u: exact(u) if type(u) is Fraction else inexact(u)


real_part = _part(lambda u: u, lambda u: acb(u.real))
imaginary_part = _part(lambda u: Fraction(0), lambda u: acb(u.imag))
conjugate = _part(lambda u: u, lambda u: u.conjugate())


def choose(*pieces_and_conditions: object) -> object:
    for position in range(0, len(pieces_and_conditions), 2):
        if pieces_and_conditions[position + 1]:
            return pieces_and_conditions[position]
    raise ValueError("no piece of a Piecewise applies")


def compare(function: Callable[[object, object], bool]) -> Callable[[object], bool]:
    if function in (operator.eq, operator.ne):  # complex values compare too: u = 0 or not
        return lambda u: function(_zero(u), True)
    return lambda u: function(_kink_argument(u), 0)


def _zero(u: object) -> bool:
    """Whether a value (real or complex) is 0: exactly, or by a ball that excludes 0."""
    if type(u) is Fraction:
        if u == 0:
            touched[0] = True
        return u == 0
    if not u.contains(0):
        return False
    if u.is_zero():
        touched[0] = True
        return True
    raise AtKink


FUNCTIONS: dict[type, Callable[..., object]] = {
    sympy.exp: _method("exp"),
    sympy.log: log,
    sympy.sin: _method("sin"),
    sympy.cos: _method("cos"),
    sympy.tan: _method("tan"),
    sympy.sinh: _method("sinh"),
    sympy.cosh: _method("cosh"),
    sympy.tanh: _method("tanh"),
    sympy.atan: _method("atan"),
    sympy.asin: _method("asin"),
    sympy.acos: _method("acos"),
    sympy.cot: _method("cot"),
    sympy.sec: _method("sec"),
    sympy.csc: _method("csc"),
    sympy.coth: _method("coth"),
    sympy.sech: _method("sech"),
    sympy.csch: _method("csch"),
    sympy.asinh: _method("asinh"),
    sympy.acosh: _method("acosh"),
    sympy.atanh: _method("atanh"),
    sympy.erf: _method("erf"),
    sympy.erfc: _method("erfc"),
    sympy.gamma: _method("gamma"),
    sympy.loggamma: _method("lgamma"),
    sympy.Abs: absolute,
    sympy.sign: sign,
    sympy.re: real_part,
    sympy.im: imaginary_part,
    sympy.conjugate: conjugate,
    sympy.Max: maximum,
    sympy.Min: minimum,
    sympy.Add: add,
    sympy.Mul: multiply,
    sympy.Pow: power,
}
# functions defined at every complex number: a product of them with a factor 0 is 0
TOTAL = (add, multiply, FUNCTIONS[sympy.exp], FUNCTIONS[sympy.sin], FUNCTIONS[sympy.cos])
TOTAL += (FUNCTIONS[sympy.sinh], FUNCTIONS[sympy.cosh], absolute, conjugate)
KINKED = (heaviside, sign, absolute, maximum, minimum)  # functions that look at a kink
# functions that keep a rational argument rational (a power does when its exponent is an integer)
RATIONAL = (add, multiply, choose, real_part, imaginary_part, conjugate, *KINKED)
# where no value is a Fraction (a program without kinks), the cheaper ball-only forms
BALLS_ONLY = {add: add_balls, multiply: multiply_balls}


def accurate(value: acb, bits: int, digits: int) -> bool:
    """Whether a ball pins its value to ``bits`` relative bits, or to within 10**-digits of
    0 (the checker compares relative to max(1, |value|), so that is 0 to it)."""
    if not value.is_finite():
        return False
    if value.rel_accuracy_bits() >= bits:
        return True
    tolerance = arb(10) ** -digits
    small = value.real.rad() < tolerance and value.imag.rad() < tolerance
    return bool(small and abs(value) < tolerance)


class precision:
    """``with precision(bits):`` the working precision of the balls (restored after)."""

    def __init__(self, bits: int) -> None:
        self.bits = bits

    def __enter__(self) -> None:
        self.saved, ctx.prec = ctx.prec, self.bits

    def __exit__(self, *exc: object) -> None:
        ctx.prec = self.saved


def as_mpmath(value: acb | Fraction, digits: int) -> object:
    """A ball's midpoint (or a Fraction) as an mpmath complex of ``digits`` digits."""
    import mpmath

    with mpmath.workdps(digits):
        if type(value) is Fraction:
            return mpmath.mpc(mpmath.mpf(value.numerator) / value.denominator)
        parts = []
        for part in (value.real, value.imag):
            mantissa, exponent = part.mid().man_exp()
            parts.append(mpmath.mpf((int(mantissa), int(exponent))))
        return mpmath.mpc(*parts)


__all__ = ["FUNCTIONS", "KINKED", "AtKink", "accurate", "as_mpmath", "ball", "fmpz", "number"]
