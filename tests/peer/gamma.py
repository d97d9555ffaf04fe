"""Factorials, binomials and the gamma function: SymPy's test_combsimp.py and
test_gammasimp.py, with the assumptions of each test (n, k integers there)."""

from __future__ import annotations

from sympy import (
    FallingFactorial,
    Rational,
    RisingFactorial,
    S,
    binomial,
    factorial,
    gamma,
    pi,
    sin,
    sqrt,
    symbols,
)

from peer import group

k, m, n = symbols("k m n", integer=True)
x, y = symbols("x y")  # complex
np_ = symbols("n", integer=True, nonnegative=True)

COMBSIMP = group(
    "test_combsimp.py::test_combsimp",
    [
        (factorial(n) / factorial(n - 3), n * (-1 + n) * (-2 + n)),
        (binomial(n + 1, k + 1) / binomial(n, k), (1 + n) / (1 + k)),
        (
            binomial(3 * n + 4, n + 1) / binomial(3 * n + 1, n),
            Rational(3, 2) * ((3 * n + 2) * (3 * n + 4) / ((n + 1) * (2 * n + 3))),
        ),
        (factorial(n) ** 2 / factorial(n - 3), factorial(n) * n * (-1 + n) * (-2 + n)),
        (factorial(n) * binomial(n + 1, k + 1) / binomial(n, k), factorial(n + 1) / (1 + k)),
        (gamma(n + 3), factorial(n + 2)),
        (factorial(x), gamma(x + 1)),
        ((n + 1) * factorial(n), factorial(n + 1)),
        (factorial(n) / n, factorial(n - 1)),
        (binomial(np_, np_ - k), binomial(np_, k)),
        (factorial(n) / (factorial(k) * factorial(n - k)), binomial(n, k)),
        (factorial(2 * n) / factorial(n) ** 2, binomial(2 * n, n)),
        (6 * FallingFactorial(-4, n) / factorial(n), (-1) ** n * (n + 1) * (n + 2) * (n + 3)),
        (6 * RisingFactorial(4, n) / factorial(n), (n + 1) * (n + 2) * (n + 3)),
        (6 * RisingFactorial(4, n - 1) / factorial(n - 1), n * (n + 1) * (n + 2)),
    ],
)

GAMMASIMP = group(
    "test_gammasimp.py::test_gammasimp",
    [
        (gamma(x + 1) / x, gamma(x)),
        (gamma(x) / (x - 1), gamma(x - 1)),
        (x * gamma(x), gamma(x + 1)),
        ((x + 1) * gamma(x + 1), gamma(x + 2)),
        (gamma(x + y) * (x + y), gamma(x + y + 1)),
        (x / gamma(x + 1), 1 / gamma(x)),
        ((x + 1) ** 2 / gamma(x + 2), (x + 1) / gamma(x + 1)),
        (x * gamma(x) + gamma(x + 3) / (x + 2), (x + 2) * gamma(x + 1)),
        (gamma(2 * x) * x, gamma(2 * x + 1) / 2),
        (gamma(2 * x) / (x - S.Half), 2 * gamma(2 * x - 1)),
        (gamma(x) * gamma(1 - x), pi / sin(pi * x)),
        (gamma(x) * gamma(-x), -pi / (x * sin(pi * x))),
        (factorial(n + 2), gamma(n + 3)),
        (gamma(Rational(-1, 4)) * gamma(Rational(-3, 4)), 16 * sqrt(2) * pi / 3),
        (gamma(Rational(1, 4)) / gamma(Rational(5, 4)), 4),
        (gamma(S.Half), sqrt(pi)),
        (gamma(x + S.Half) * gamma(x), 2 ** (1 - 2 * x) * sqrt(pi) * gamma(2 * x)),
        ((x + 1) * factorial(x) / gamma(y), gamma(x + 2) / gamma(y)),
    ],
)

CASES = COMBSIMP + GAMMASIMP
