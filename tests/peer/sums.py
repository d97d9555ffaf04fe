"""Sums and products: SymPy's test_sums_products.py (Karr's convention, arithmetic, polynomial,
geometric, telescoping and harmonic sums, products, simplify_sum, change_index, reverse_order).
SymPy's tests take bounds from sympy.abc; a sum's bounds are integers, so they are integer
symbols here."""

from __future__ import annotations

from sympy import (
    Eq,
    Piecewise,
    Product,
    Rational,
    RisingFactorial,
    S,
    Sum,
    cos,
    factorial,
    gamma,
    harmonic,
    pi,
    sin,
    symbols,
)

from peer import group

a, b, c, d, k, m, n, u, v, w = symbols("a b c d k m n u v w", integer=True)
i, j, t = symbols("i j t", integer=True)
x, y = symbols("x y", integer=True)  # summation indices and bounds
z = symbols("z")  # complex
bp = symbols("b", integer=True, positive=True)

KARR = group(
    "test_sums_products.py::test_karr_convention, test_karr_proposition_2a/2b",
    [
        (Sum(i**2, (i, k, k + j - 1)) + Sum(i**2, (i, k + j, k - 1)), 0),
        (Sum(i**2, (i, k, k - 1)), 0),
        (
            Sum(3 * i**2 + 7 * i, (i, u, u + v - 1)),
            (u + v) ** 3 + 2 * (u + v) ** 2 - 3 * (u + v) - (u**3 + 2 * u**2 - 3 * u),
        ),
        (
            Sum(3 * i**2 + 7 * i, (i, u + v, u - 1)),
            u**3 + 2 * u**2 - 3 * u - ((u + v) ** 3 + 2 * (u + v) ** 2 - 3 * (u + v)),
        ),
        (
            Sum(i**3, (i, u, u + v + w - 1)),
            Sum(i**3, (i, u, u + v - 1)) + Sum(i**3, (i, u + v, u + v + w - 1)),
        ),
        (
            Sum(i**3, (i, u + v, u - 1)),
            Sum(i**3, (i, u + v, u + w - 1)) + Sum(i**3, (i, u + w, u - 1)),
        ),
        (
            Sum(i**3, (i, u + v + w, u - 1)),
            Sum(i**3, (i, u + v + w, u + v - 1)) + Sum(i**3, (i, u + v, u - 1)),
        ),
        (Sum(i, (i, 5, 2)), -7),
        (Sum(i, (i, 11, 1)), -(2 + 3 + 4 + 5 + 6 + 7 + 8 + 9 + 10)),
    ],
)

ARITHMETIC = group(
    "test_sums_products.py::test_arithmetic_sums, test_polynomial_sums",
    [
        (Sum(1, (n, a, b)), b - a + 1),
        (Sum(z, (n, 1, a)), a * z),
        (Sum(cos(n), (n, x, x + 2)), cos(x) + cos(x + 1) + cos(x + 2)),
        (Sum(n**2, (n, 3, 8)), 199),
        (Sum(n, (n, a, b)), ((a + b) * (b - a + 1) / 2).expand()),
        (Sum(n**2, (n, 1, b)), ((2 * b**3 + 3 * b**2 + b) / 6).expand()),
        (Sum(n**3, (n, 1, b)), ((b**4 + 2 * b**3 + b**2) / 4).expand()),
        (Sum(n**6, (n, 1, b)), ((6 * b**7 + 21 * b**6 + 21 * b**5 - 7 * b**3 + b) / 42).expand()),
        (Sum(4 * n * m, (n, a, 1), (m, 1, d)), (2 - a) * (a + 1) * d * (d + 1)),
        (Sum(2 * n, (n, 0, 10**3)), 1001000),
    ],
)

GEOMETRIC = group(
    "test_sums_products.py::test_geometric_sums",
    [
        (Sum(pi**n, (n, 0, b)), (1 - pi ** (b + 1)) / (1 - pi)),
        (Sum(2 * 3**n, (n, 0, b)), 3 ** (b + 1) - 1),
        (Sum(2**n, (n, 0, b)), 2 ** (b + 1) - 1),
        (Sum(2 ** (n + 1), (n, 1, b)), 4 * (2**b - 1)),
        (Sum((-1) ** (2 * x + 2), (x, 0, n)), n + 1),
        (Sum((-2) ** (2 * x + 2), (x, 0, n)), 4 * 4 ** (n + 1) / S(3) - Rational(4, 3)),
        (Sum((-1) ** x, (x, 0, n)), -((-1) ** (n + 1)) / S(2) + S.Half),
        (
            Sum(z**x, (x, a, b)),
            Piecewise((-a + b + 1, Eq(z, 1)), ((z**a - z ** (b + 1)) / (-z + 1), True)),
        ),
        (Sum(Rational(1, 2) ** n, (n, 1, b)), 1 - Rational(1, 2) ** b),
    ],
)

PRODUCTS = group(
    "test_sums_products.py::test_geometric_sums (products), test_rational_products, test_wallis",
    [
        (Product(2, (n, a, b)), 2 ** (b - a + 1)),
        (Product(n, (n, 1, bp)), factorial(bp)),
        (Product(n**3, (n, 1, bp)), factorial(bp) ** 3),
        (
            Product(3 ** (2 + n), (n, a, b)),
            3 ** (2 * (1 - a + b) + b / 2 + (b**2) / 2 + a / 2 - (a**2) / 2),
        ),
        (Product(cos(n), (n, 3, 5)), cos(3) * cos(4) * cos(5)),
        (Product(cos(n), (n, x, x + 2)), cos(x) * cos(x + 1) * cos(x + 2)),
        (Product(1 + 1 / n, (n, a, b)), (1 + b) / a),
        (Product(n + 1, (n, a, b)), gamma(2 + b) / gamma(1 + a)),
        (Product((n + 1) / (n - 1), (n, a, b)), b * (1 + b) / (a * (a - 1))),
        (Product(n / (n + 1) / (n + 2), (n, a, b)), a * gamma(a + 2) / (b + 1) / gamma(b + 3)),
        (
            Product(4 * n**2 / (4 * n**2 - 1), (n, 1, bp)),
            pi * gamma(bp + 1) ** 2 / (2 * gamma(bp + S.Half) * gamma(bp + Rational(3, 2))),
        ),
        (Product(z, (n, 1, a)), z**a),
    ],
)

PRODUCTS_KARR = group(
    "test_products.py::test_karr_convention, test_simple_products, test__eval_product, ...",
    [
        (Product(i**2, (i, k, k + bp - 1)) * Product(i**2, (i, k + bp, k - 1)), 1),
        (Product(i**2, (i, k, k - 1)), 1),
        (Product(2, (k, a, n)), 2 ** (n - a + 1)),
        (Product(k + 1, (k, 0, bp - 1)), factorial(bp)),
        (Product(k + 1, (k, a, n - 1)), RisingFactorial(1 + a, n - a)),
        (Product(1 + 1 / k, (k, 1, bp)), RisingFactorial(2, bp) / factorial(bp)),
        (
            Product((4 * k) ** 2 / (4 * k**2 - 1), (k, 1, bp)),
            4**bp
            * factorial(bp) ** 2
            / RisingFactorial(S.Half, bp)
            / RisingFactorial(Rational(3, 2), bp),
        ),
        (Product(2**i, (i, 1, n)), 2 ** (n * (n + 1) / 2)),
        (Product(2**i, (i, k, m)), 2 ** (-(k**2) / 2 + k / 2 + m**2 / 2 + m / 2)),
        (Product(z, (n, 1, k), (k, 1, m)), z ** (m**2 / 2 + m / 2)),
        (Product(x, (x, k + 1, a)) * Product(x, (x, n, k)), Product(x, (x, n, a))),
        (Product(sin(t) ** 2 + cos(t) ** 2 + 1, (t, a, b)), Product(2, (t, a, b))),
        (Product(x, (x, a, b)), Product(1 / x, (x, b + 1, a - 1))),
        (Product(x, (x, 1, a)), Product(1 / x, (x, a + 1, 0))),
    ],
)

TELESCOPING = group(
    "test_sums_products.py::test_telescopic_sums, test_harmonic_sums",
    [
        (Sum(1 / k - 1 / (k + 1), (k, 1, n)), 1 - 1 / (1 + n)),
        (
            Sum(cos(k) - cos(k + 3), (k, 1, n)),
            -cos(1 + n) - cos(2 + n) - cos(3 + n) + cos(1) + cos(2) + cos(3),
        ),
        (Sum(1 / x / (x - 1), (x, a, b)), 1 / (a - 1) - 1 / b),
        (Sum(1 / k, (k, 1, n)), harmonic(n)),
        (Sum(m / k, (k, 1, m)), m * harmonic(m)),
        (Sum(1 / k, (k, 5, n)), harmonic(n) - harmonic(4)),
        (Sum(k * factorial(k), (k, 1, n)), factorial(n + 1) - 1),
        (Sum(2 * k + 1, (k, 0, n - 1)), n**2),
    ],
)

SIMPLIFY_SUM = group(
    "test_sums_products.py::test_simplify_sum, _change_index, _reverse_order, _factor_expand_subs",
    [
        (
            Sum(x * y, (x, n, m), (y, a, k)) + Sum(y, (x, n, m), (y, a, k)),
            Sum(y * (x + 1), (x, n, m), (y, a, k)),
        ),
        (Sum(x, (x, n, m)) + Sum(x, (x, m + 1, a)), Sum(x, (x, n, a))),
        (Sum(x, (x, k + 1, a)) + Sum(x, (x, n, k)), Sum(x, (x, n, a))),
        (3 * Sum(x**2, (x, a, b)) + Sum(x, (x, a, b)), Sum(x * (3 * x + 1), (x, a, b))),
        (Sum(x, (x, a, b)) + 1 + Sum(x, (x, b + 1, c)), 1 + Sum(x, (x, a, c))),
        (Sum(z * x, (x, a, b)) - z * Sum(x, (x, a, b)), 0),
        (Sum(sin(t) ** 2 + cos(t) ** 2 + 1, (t, a, b)), 2 * Sum(1, (t, a, b))),
        (Sum(x, (x, a, b)), Sum(y - 1, (y, a + 1, b + 1))),
        (Sum(x**2, (x, a, b)), Sum((x + 1) ** 2, (x, a - 1, b - 1))),
        (Sum(x**2, (x, a, b)), Sum((-y) ** 2, (y, -b, -a))),
        (Sum(x, (x, a, b)), Sum(-x - 1, (x, -b - 1, -a - 1))),
        (Sum(x, (x, 0, 3)), Sum(-x, (x, 4, -1))),
        (Sum(x, (x, a, b)), Sum(-x, (x, b + 1, a - 1))),
        (Sum(x, (x, 1, a)), Sum(-x, (x, a + 1, 0))),
        (Sum(x, (x, a, 5)), Sum(-x, (x, 6, a - 1))),
        (Sum(4 * x, (x, 1, y)), 4 * Sum(x, (x, 1, y))),
        (Sum(x * z, (x, 1, y)), z * Sum(x, (x, 1, y))),
        (Sum(x + 1, (x, 1, y)), Sum(x, (x, 1, y)) + Sum(1, (x, 1, y))),
    ],
)

CASES = KARR + ARITHMETIC + GEOMETRIC + PRODUCTS + PRODUCTS_KARR + TELESCOPING + SIMPLIFY_SUM
