"""Rational functions, separation of variables and nested radicals: SymPy's test_simplify.py
(simplify, separatevars, nthroot, nsimplify), test_ratsimp.py and test_sqrtdenest.py, with the
assumptions of each test (complex symbols unless stated)."""

from __future__ import annotations

from sympy import (
    GoldenRatio,
    I,
    Rational,
    cos,
    exp,
    factorial,
    gamma,
    log,
    pi,
    root,
    sin,
    sqrt,
    symbols,
)

from peer import group

x, y, z, a, b, c, t, n, m, k, w = symbols("x y z a b c t n m k w")  # complex
p = symbols("p", positive=True)
xp, yp = symbols("x y", positive=True)
r2, r3, r5 = sqrt(2), sqrt(3), sqrt(5)

SIMPLIFY = group(
    "test_simplify.py::test_simplify_expr, test_simplify_other, test_simplify_ratio",
    [
        (1 / x + 1 / y, (x + y) / (x * y)),
        ((4 + 4 * x - 2 * (2 + 2 * x)) / (2 + 2 * x), 0),
        ((-4 * x * y**2 - 2 * y**3 - 2 * x**2 * y) / (x + y) ** 2, -2 * y),
        (-x - y - (x + y) ** (-1) * y**2 + (x + y) ** (-1) * x**2, -2 * y),
        ((x + x * y) / x, 1 + y),
        ((2 * (1 / n - cos(n * pi) / n)) / pi, (-cos(pi * n) + 1) / (pi * n) * 2),
        (
            -x + y / (z + t) + z * x / (z + t) + z * a / (z + t) + t * x / (z + t),
            (y + a * z) / (z + t),
        ),
        (log(2) + log(3), log(6)),
        (sin(x) ** 2 + cos(x) ** 2, 1),
        (gamma(x + 1) / gamma(x), x),
        (sin(x) ** 2 + cos(x) ** 2 + factorial(x) / gamma(x), 1 + x),
        (2 ** (2 + x) / 4, 2**x),
        (
            (cos(x) + I * sin(x)) * (-I * (exp(I * x) - exp(-I * x)) / (exp(I * x) + exp(-I * x))),
            sin(x) * exp(I * x) / cos(x),
        ),
        (factorial(x) / x, gamma(x)),
        ((x**2 - 1) / (x - 1), x + 1),
        ((x**3 + 1) / (x + 1), x**2 - x + 1),
        (x / (x + y) + y / (x + y), 1),
        ((a**2 - b**2) / (a - b), a + b),
    ],
)

SEPARATEVARS = group(
    "test_simplify.py::test_separatevars",
    [
        (2 * n * x * z + 2 * x * y * z, 2 * x * z * (n + y)),
        (x * z + x * y * z, x * z * (1 + y)),
        (pi * x * z + pi * x * y * z, pi * x * z * (1 + y)),
        (x * y**2 * sin(x) + x * sin(x) * sin(y), x * (sin(y) + y**2) * sin(x)),
        (x * exp(x + y) + x * exp(x), x * (1 + exp(y)) * exp(x)),
        (1 + x + y + x * y, (x + 1) * (y + 1)),
        (y / pi * exp(-(z - x) / cos(n)), y * exp(x / cos(n)) * exp(-z / cos(n)) / pi),
        ((x + y) * (x - y) + y**2 + 2 * x + 1, (x + 1) ** 2),
        (sqrt(p**2 + x * p**2), p * sqrt(1 + x)),
        (sqrt(y * (p**2 + x * p**2)), p * sqrt(y * (1 + x))),
        (m + n * m, (1 + n) * m),
        (1 + log(x) * log(y) + log(x) + log(y), (log(x) + 1) * (log(y) + 1)),
    ],
)

r6, r7, r29 = sqrt(6), sqrt(7), sqrt(29)
NESTED = group(
    "test_sqrtdenest.py::test_sqrtdenest, _rec; test_simplify.py::test_nsimplify",
    [
        (sqrt(5 + 2 * r6), r2 + r3),
        (sqrt(3 + 2 * r3), 3 ** Rational(3, 4) * (r6 / 2 + 3 * r2 / 2) / 3),
        (sqrt(16 - 2 * r29 + 2 * sqrt(55 - 10 * r29)), r5 + sqrt(11 - 2 * r29)),
        (sqrt(-4 * sqrt(14) - 2 * r6 + 4 * sqrt(21) + 33), -r2 + r3 + 2 * r7),
        (sqrt(-28 * r7 - 14 * r5 + 4 * sqrt(35) + 82), -7 + r5 + 2 * r7),
        (sqrt(468 * r3 + 3024 * r2 + 2912 * r6 + 19735), 9 * r3 + 26 + 56 * r6),
        (sqrt(-8 * r2 - 2 * r5 + 18), -sqrt(10) + 1 + r2 + r5),
        (sqrt(4 * sqrt(15) + 8 * r5 + 12 * r3 + 24), 1 + r3 + r5 + sqrt(15)),
        (sqrt(sqrt(2 * r6 + 5) + sqrt(2 * r7 + 8)), sqrt(1 + r2 + r3 + r7)),
        (1 - GoldenRatio, (1 - r5) / 2),
        (2 / GoldenRatio, 2 * GoldenRatio - 2),
        (sqrt(xp * yp), sqrt(xp) * sqrt(yp)),
        (1 / (sqrt(5) - 2), sqrt(5) + 2),
        (root(2, 3) * root(4, 3), 2),
    ],
)

CASES = SIMPLIFY + SEPARATEVARS + NESTED
