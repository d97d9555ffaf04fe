"""More operations for compiled programs: inverse functions by reciprocals, factorials,
binomials, rising and falling factorials, harmonic numbers and Lambert's W, each as SymPy
defines it, in exact fractions where the arguments are integers and in Arb balls elsewhere.

They join ``balls.FUNCTIONS`` (see ``compiled.py``) so that claims with these functions are
compared by enclosures and their refutations certified. Every rule is SymPy's own definition:

- acoth(z) = atanh(1/z), asech(z) = acosh(1/z), acsch(z) = asinh(1/z), acot(z) = atan(1/z),
  asec(z) = acos(1/z), acsc(z) = asin(1/z) (the reciprocal forms mpmath and SymPy evaluate);
- factorial(z) = gamma(z + 1); binomial(n, k) for an integer k is n (n - 1) ... (n - k + 1) / k!
  (0 for k < 0), else gamma(n + 1) / (gamma(k + 1) gamma(n - k + 1));
- RisingFactorial(x, k) = x (x + 1) ... (x + k - 1) for an integer k >= 0, 1 / ((x - 1) ... (x + k))
  for k < 0, gamma(x + k) / gamma(x) otherwise; FallingFactorial likewise;
- harmonic(n) = 1 + 1/2 + ... + 1/n for an integer n >= 0, digamma(n + 1) + Euler's gamma else;
- floor, ceiling and frac of a real value (a ball around an integer is a kink, evaluated
  exactly by the caller), arg (the principal argument) and atan2(y, x) = arg(x + i y).

A pole raises ZeroDivisionError or ValueError: the value there is undefined.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from fractions import Fraction

import sympy
from flint import acb, arb

from derive.checker.balls import AtKink, _real, add, ball, multiply


def _integer(u: object) -> int | None:
    """The integer an exact value holds (a Fraction, or an exact real ball), else None."""
    if type(u) is Fraction:
        return int(u) if u.denominator == 1 else None
    if u.is_exact() and u.imag.is_zero():
        found = u.real.unique_fmpz()
        return None if found is None else int(found)
    return None


def _reciprocal(name: str) -> Callable[[object], object]:
    def apply(u: object) -> object:
        if (type(u) is Fraction and u == 0) or (type(u) is not Fraction and u.is_zero()):
            raise ZeroDivisionError(f"{name} of 1/0")
        return getattr(ball(1) / ball(u), name)()

    return apply


def _finite(value: acb) -> acb:
    if not value.is_finite():
        raise ValueError("a pole")
    return value


def factorial(u: object) -> object:
    n = _integer(u)
    if n is not None:
        if n < 0:
            raise ValueError("factorial of a negative integer")
        return Fraction(math.factorial(n))
    return _finite(ball(_shifted(u, 1)).gamma())


def _product(terms: list[object]) -> object:
    return multiply(Fraction(1), *terms)


def _inverse(value: object) -> object:
    if type(value) is Fraction:
        return Fraction(1) / value
    if value.is_zero():
        raise ZeroDivisionError("1/0")
    return 1 / value


def _shifted(x: object, j: int) -> object:
    return add(x, Fraction(j))


def rising(x: object, k: object) -> object:
    m = _integer(k)
    if m is None:
        return _finite(ball(add(x, k)).gamma() * ball(x).rgamma())
    if m >= 0:
        return _product([_shifted(x, j) for j in range(m)])
    return _inverse(_product([_shifted(x, -j) for j in range(1, -m + 1)]))


def falling(x: object, k: object) -> object:
    m = _integer(k)
    if m is None:
        return _finite(ball(_shifted(x, 1)).gamma() * ball(add(x, -k, Fraction(1))).rgamma())
    if m >= 0:
        return _product([_shifted(x, -j) for j in range(m)])
    return _inverse(_product([_shifted(x, j) for j in range(1, -m + 1)]))


def binomial(n: object, k: object) -> object:
    m = _integer(k)
    if m is not None:
        if m < 0:
            return Fraction(0)
        return multiply(falling(n, k), Fraction(1, math.factorial(m)))
    top = ball(_shifted(n, 1)).gamma()
    return _finite(top * ball(_shifted(k, 1)).rgamma() * ball(add(n, -k, Fraction(1))).rgamma())


def harmonic(n: object, order: object = Fraction(1)) -> object:
    m, r = _integer(n), _integer(order)
    if m is not None and m >= 0 and r is not None and r >= 1:
        return sum((Fraction(1, j**r) for j in range(1, m + 1)), Fraction(0))
    if r == 1:
        return _finite(ball(_shifted(n, 1)).digamma() + acb(arb.const_euler()))
    s = ball(order)
    return _finite(s.zeta() - s.zeta(ball(_shifted(n, 1))))


def lambert_w(u: object) -> object:
    return _finite(ball(u).lambertw())


def _rounded(u: object, round_down: bool) -> object:
    """floor (or ceiling) of a real value: exact for a Fraction; for a ball that holds no
    integer, the integer below (above) it; a ball around an integer is a kink (AtKink)."""
    u = _real(u)
    if type(u) is Fraction:
        return Fraction(math.floor(u) if round_down else math.ceil(u))
    if u.contains_integer():
        raise AtKink
    found = (u.floor() if round_down else u.ceil()).unique_fmpz()
    if found is None:
        raise AtKink
    return acb(int(found))


def floor(u: object) -> object:
    return _rounded(u, True)


def ceiling(u: object) -> object:
    return _rounded(u, False)


def frac(u: object) -> object:
    return add(u, multiply(Fraction(-1), floor(u)))


def argument(u: object) -> object:
    """The principal argument in (-pi, pi]: exactly 0 or pi for a Fraction."""
    if type(u) is Fraction:
        if u == 0:
            raise ValueError("arg(0)")
        return Fraction(0) if u > 0 else acb(arb.pi())
    return acb(ball(u).arg())


def atan2(y: object, x: object) -> object:
    """The argument of x + i y (x, y real), as SymPy's atan2."""
    return argument(add(_real(x), multiply(acb(0, 1), _real(y))))


def _kept_kind(function: Callable[..., object]) -> Callable[..., object]:
    """``function`` giving a ball when an argument is a ball (a program that runs on balls
    only never meets a Fraction), and its exact Fraction when every argument is one."""

    def apply(*args: object) -> object:
        value = function(*args)
        if type(value) is Fraction and any(type(a) is not Fraction for a in args):
            return ball(value)
        return value

    return apply


FUNCTIONS: dict[type, Callable[..., object]] = {
    sympy.acoth: _reciprocal("atanh"),
    sympy.asech: _reciprocal("acosh"),
    sympy.acsch: _reciprocal("asinh"),
    sympy.acot: _reciprocal("atan"),
    sympy.asec: _reciprocal("acos"),
    sympy.acsc: _reciprocal("asin"),
    sympy.factorial: _kept_kind(factorial),
    sympy.binomial: _kept_kind(binomial),
    sympy.RisingFactorial: _kept_kind(rising),
    sympy.FallingFactorial: _kept_kind(falling),
    sympy.harmonic: _kept_kind(harmonic),
    sympy.LambertW: lambert_w,
    sympy.floor: _kept_kind(floor),
    sympy.ceiling: _kept_kind(ceiling),
    sympy.frac: _kept_kind(frac),
    sympy.arg: argument,
    sympy.atan2: atan2,
}
