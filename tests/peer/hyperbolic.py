"""Hyperbolic functions and their inverses: SymPy's test_hyperbolic.py (rewrites, compositions
of a function with an inverse), with the symbols the tests use (complex unless stated)."""

from __future__ import annotations

from sympy import (
    I,
    Rational,
    S,
    acosh,
    acoth,
    acsch,
    asech,
    asinh,
    atanh,
    cosh,
    coth,
    csch,
    exp,
    log,
    pi,
    sech,
    sinh,
    sqrt,
    symbols,
    tanh,
)

from peer import group

x, y = symbols("x y")  # complex
xr = symbols("x", real=True)
xp = symbols("x", positive=True)

REWRITES = group(
    "test_hyperbolic.py::test_*_rewrite",
    [
        (asinh(x), log(x + sqrt(x**2 + 1))),
        (acosh(x), log(x + sqrt(x - 1) * sqrt(x + 1))),
        (atanh(x), (log(1 + x) - log(1 - x)) / 2),
        (acoth(x), (log(1 + 1 / x) - log(1 - 1 / x)) / 2),
        (asech(x), log(1 / x + sqrt(1 / x - 1) * sqrt(1 / x + 1))),
        (acsch(x), log(1 / x + sqrt(1 / x**2 + 1))),
        (acoth(x), atanh(1 / x)),
        (acsch(x), asinh(1 / x)),
        (asech(x), acosh(1 / x)),
        (sinh(x), (exp(x) - exp(-x)) / 2),
        (cosh(x), (exp(x) + exp(-x)) / 2),
        (tanh(x), (exp(x) - exp(-x)) / (exp(x) + exp(-x))),
        (coth(x), (exp(x) + exp(-x)) / (exp(x) - exp(-x))),
        (csch(x), 1 / (exp(x) / 2 - exp(-x) / 2)),
        (sech(x), 1 / (exp(x) / 2 + exp(-x) / 2)),
        (sinh(x), -I * cosh(x + I * pi / 2)),
        (sinh(x), 2 * tanh(x / 2) / (1 - tanh(x / 2) ** 2)),
        (cosh(x), (1 + tanh(x / 2) ** 2) / (1 - tanh(x / 2) ** 2)),
        (coth(x), 1 / tanh(x)),
        (csch(x), (1 - tanh(x / 2) ** 2) / (2 * tanh(x / 2))),
        (sech(x), (1 - tanh(x / 2) ** 2) / (1 + tanh(x / 2) ** 2)),
        (sech(x), (coth(x / 2) ** 2 - 1) / (coth(x / 2) ** 2 + 1)),
    ],
)

COMPOSITIONS = group(
    "test_hyperbolic.py::test_simplifications, test_atanh (inverse composition)",
    [
        (sinh(asinh(x)), x),
        (sinh(acosh(x)), sqrt(x - 1) * sqrt(x + 1)),
        (sinh(atanh(x)), x / sqrt(1 - x**2)),
        (cosh(asinh(x)), sqrt(1 + x**2)),
        (cosh(atanh(x)), 1 / sqrt(1 - x**2)),
        (tanh(asinh(x)), x / sqrt(1 + x**2)),
        (tanh(acosh(x)), sqrt(x - 1) * sqrt(x + 1) / x),
        (tanh(atanh(x)), x),
        (tanh(acoth(x)), 1 / x),
        (coth(asinh(x)), sqrt(1 + x**2) / x),
        (csch(asinh(x)), 1 / x),
        (sech(asinh(x)), 1 / sqrt(1 + x**2)),
        (sech(acosh(x)), 1 / x),
        (sech(atanh(x)), sqrt(1 - x**2)),
        (atanh(tanh(xr)), xr),
        (asinh(sinh(xr)), xr),
        (acosh(cosh(xp)), xp),
        (asinh(Rational(-1, 2)), -asinh(S.Half)),
        (atanh(I * (2 - sqrt(3))), pi * I / 12),
        (atanh(-I * sqrt(5 + 2 * sqrt(5))), I * pi * Rational(-2, 5)),
        (asinh(sinh(15 + 11 * I)), 15 - 4 * I * pi + 11 * I),
        (atanh(tanh(4 + 5 * I)), 4 - 2 * I * pi + 5 * I),
    ],
)

EXPANSIONS = group(
    "test_hyperbolic.py::test_*_expansion",
    [
        (sinh(x + y), sinh(x) * cosh(y) + sinh(y) * cosh(x)),
        (sinh(2 * x), 2 * sinh(x) * cosh(x)),
        (sinh(3 * x), 4 * sinh(x) * cosh(x) ** 2 - sinh(x)),
        (cosh(x + y), sinh(x) * sinh(y) + cosh(x) * cosh(y)),
        (cosh(2 * x), 2 * cosh(x) ** 2 - 1),
        (cosh(3 * x), 4 * cosh(x) ** 3 - 3 * cosh(x)),
        (tanh(x + y), (tanh(x) + tanh(y)) / (1 + tanh(x) * tanh(y))),
        (tanh(2 * x), 2 * tanh(x) / (tanh(x) ** 2 + 1)),
        (coth(x + y), (coth(x) * coth(y) + 1) / (coth(x) + coth(y))),
        (cosh(x) ** 2 - sinh(x) ** 2, 1),
    ],
)

CASES = REWRITES + COMPOSITIONS + EXPANSIONS
