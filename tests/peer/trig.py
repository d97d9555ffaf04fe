"""Trigonometric identities: SymPy's test_trigsimp.py (trigsimp on sums, products and powers
of the six functions and their hyperbolic twins), symbols complex as in the test."""

from __future__ import annotations

from sympy import Rational, cos, cosh, cot, exp, sin, sinh, symbols, tan, tanh

from peer import group

x, y, a = symbols("x y a")

TRIGSIMP = group(
    "test_trigsimp.py::test_trigsimp1, test_trigsimp1a, test_issue_*",
    [
        (1 - sin(x) ** 2, cos(x) ** 2),
        (1 - cos(x) ** 2, sin(x) ** 2),
        (sin(x) ** 2 + cos(x) ** 2, 1),
        (1 + tan(x) ** 2, 1 / cos(x) ** 2),
        (1 / cos(x) ** 2 - 1, tan(x) ** 2),
        (1 / cos(x) ** 2 - tan(x) ** 2, 1),
        (1 + cot(x) ** 2, 1 / sin(x) ** 2),
        (1 / sin(x) ** 2 - 1, 1 / tan(x) ** 2),
        (5 * cos(x / 2) ** 2 + 2 * sin(x / 2) ** 2, 3 * cos(x) / 2 + Rational(7, 2)),
        (sin(x) / cos(x), tan(x)),
        (2 * tan(x) * cos(x), 2 * sin(x)),
        (cot(x) ** 3 * sin(x) ** 3, cos(x) ** 3),
        (y * tan(x) ** 2 / sin(x) ** 2, y / cos(x) ** 2),
        (cot(x) / cos(x), 1 / sin(x)),
        (sin(x + y) + sin(x - y), 2 * sin(x) * cos(y)),
        (sin(x + y) - sin(x - y), 2 * sin(y) * cos(x)),
        (cos(x + y) + cos(x - y), 2 * cos(x) * cos(y)),
        (cos(x + y) - cos(x - y), -2 * sin(x) * sin(y)),
        (tan(x + y) - tan(x) / (1 - tan(x) * tan(y)), sin(y) / (-sin(y) * tan(x) + cos(y))),
        (sinh(x + y) + sinh(x - y), 2 * sinh(x) * cosh(y)),
        (cosh(x + y) - cosh(x - y), 2 * sinh(x) * sinh(y)),
        (tanh(x + y) - tanh(x) / (1 + tanh(x) * tanh(y)), sinh(y) / (sinh(y) * tanh(x) + cosh(y))),
        (sin(2) ** 2 * cos(3) * exp(2) / cos(2) ** 2, tan(2) ** 2 * cos(3) * exp(2)),
        (cot(2) * cos(3) * exp(2) * tan(2), cos(3) * exp(2)),
        (tanh(2) * cos(3) * exp(2) * cosh(2), sinh(2) * cos(3) * exp(2)),
        (sin(x) ** 10 / cos(x) ** 10, tan(x) ** 10),
        (cos(x) ** 2 / sin(x) ** 2, 1 / tan(x) ** 2),
        (-2 * cos(x) ** 2 + cos(x) ** 4 - sin(x) ** 4, -1),
        (sin(x) * cos(y) + cos(x) * sin(y), sin(x + y)),
        (cos(x) ** 2 + cos(y) ** 2 * sin(x) ** 2 + sin(y) ** 2 * sin(x) ** 2, 1),
        (
            a**2 * sin(x) ** 2
            + a**2 * cos(y) ** 2 * cos(x) ** 2
            + a**2 * cos(x) ** 2 * sin(y) ** 2,
            a**2,
        ),
        (sin(x) ** 3 + cos(x) ** 2 * sin(x), sin(x)),
        (-(sin(x) ** 4) - 2 * sin(x) ** 2 * cos(x) ** 2 - cos(x) ** 4, -1),
        (x * cos(x) * tan(x), x * sin(x)),
        (cos(x) ** 4 - sin(x) ** 4, cos(2 * x)),
        (sin(3 * x), 3 * sin(x) - 4 * sin(x) ** 3),
    ],
)

CASES = TRIGSIMP
