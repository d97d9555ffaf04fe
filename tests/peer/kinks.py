"""Max, Min, Piecewise, Heaviside and |x| against each other: SymPy's test_miscellaneous.py
(rewrites of Max and Min, their evaluation) and test_piecewise.py (piecewise_fold, simplify,
piecewise_exclusive), with real symbols where Max and Min need them."""

from __future__ import annotations

from sympy import (
    Abs,
    And,
    Eq,
    Heaviside,
    Max,
    Min,
    Piecewise,
    Rational,
    S,
    cos,
    symbols,
)

from peer import group

x, y, z, a, b, w, v = symbols("x y z a b w v", real=True)
p = symbols("p", positive=True)
nn = symbols("nn", nonnegative=True)
n = symbols("n", negative=True)

MAXMIN = group(
    "test_miscellaneous.py::test_rewrite_MaxMin_as_Piecewise, _as_Heaviside, test_Max, test_Min",
    [
        (Max(a, b), Piecewise((a, a >= b), (b, True))),
        (Max(x, y, z), Piecewise((x, (x >= y) & (x >= z)), (y, y >= z), (z, True))),
        (
            Max(x, y, a, b),
            Piecewise(
                (a, (a >= b) & (a >= x) & (a >= y)),
                (b, (b >= x) & (b >= y)),
                (x, x >= y),
                (y, True),
            ),
        ),
        (Min(a, b), Piecewise((a, a <= b), (b, True))),
        (Min(x, y, z), Piecewise((x, (x <= y) & (x <= z)), (y, y <= z), (z, True))),
        (
            Min(x, y, a, b),
            Piecewise(
                (a, (a <= b) & (a <= x) & (a <= y)),
                (b, (b <= x) & (b <= y)),
                (x, x <= y),
                (y, True),
            ),
        ),
        (Max(0, x), x * Heaviside(x)),
        (Max(3, x), x * Heaviside(x - 3) + 3 * Heaviside(-x + 3)),
        (
            Max(0, x + 2, 2 * x),
            2 * x * Heaviside(2 * x) * Heaviside(x - 2)
            + (x + 2) * Heaviside(-x + 2) * Heaviside(x + 2),
        ),
        (Min(0, x), x * Heaviside(-x)),
        (Min(3, x), x * Heaviside(-x + 3) + 3 * Heaviside(x - 3)),
        (
            Min(x, -x, -2),
            x * Heaviside(-2 * x) * Heaviside(-x - 2)
            - x * Heaviside(2 * x) * Heaviside(x - 2)
            - 2 * Heaviside(-x + 2) * Heaviside(x + 2),
        ),
        (Max(x, y), (x + y + Abs(x - y)) / 2),
        (Min(x, y, z), Min(x, y, z).rewrite(Abs)),
        (Max(x, y, z), Max(x, y, z).rewrite(Abs)),
        (Min(Max(w, x), Max(y, z)), Min(Max(w, x), Max(y, z)).rewrite(Abs)),
        (Max(Min(w, x), Min(y, z)), Max(Min(w, x), Min(y, z)).rewrite(Abs)),
        (Min(x, y), (x + y - Abs(x - y)) / 2),
        (Min(x, y, z), Min(z, y, x)),
        (Min(x, Min(y, z)), Min(z, y, x)),
        (Min(0, x, 1, y), Min(0, x, y)),
        (Min(1000, 100, -100, x, p, n), Min(n, x, -100)),
        (Min(a, b, x, Max(a, b)), Min(a, b, x)),
        (Min(a, b, Max(a, b, x)), Min(a, b)),
        (Max(Min(a, b), Min(a, b, x)), Min(a, b)),
        (Min(Max(x, y), Max(x, z)), Max(x, Min(y, z))),
        (Min(x, Max(x, y)), x),
        (Max(x, Min(x, y)), x),
        (Min(Max(x, y), Max(x, z), w), Min(w, Max(x, Min(y, z)))),
        (Min(w, Max(x, y), Max(v, x, z)), Min(w, Max(x, Min(y, Max(v, z))))),
        (Max(n, nn), nn),
        (Min(p, n), n),
        (Max(1, x).diff(x), Heaviside(x - 1)),
        (Min(1, x).diff(x), Heaviside(1 - x)),
    ],
)

PIECEWISE = group(
    "test_piecewise.py::test_piecewise_fold, test_piecewise_simplify, test_piecewise_exclusive",
    [
        (x * Piecewise((x, x < 1), (1, True)), Piecewise((x**2, x < 1), (x, x >= 1))),
        (
            Piecewise((x, x < 1), (1, True)) + Piecewise((x, x < 1), (1, True)),
            Piecewise((2 * x, x < 1), (2, x >= 1)),
        ),
        (
            Piecewise((1, x < 0), (2, True)) + Piecewise((10, x < 0), (-10, True)),
            Piecewise((11, x < 0), (-8, True)),
        ),
        (
            Piecewise((1, x > 3), (2, x < 2), (3, x > 1), (4, True)),
            Piecewise((1, x > 3), (2, x < 2), (3, x > 1), (4, True)),
        ),
        (
            Piecewise((1, x < 2), (2, x < 1), (3, True)),
            Piecewise((1, x < 2), (3, True)),
        ),
        (
            Piecewise((1, x < 2), (2, (x > 1) & (x < 3)), (3, True)),
            Piecewise((1, x < 2), (2, x < 3), (3, True)),
        ),
        (
            Piecewise((1, x < 2), (2, (x <= 3) & (x > 1)), (3, True)),
            Piecewise((1, x < 2), (2, x <= 3), (3, True)),
        ),
        (
            Piecewise((1, x < 2), (2, (x >= 1) & (x <= 3)), (3, True)),
            Piecewise((1, x < 2), (2, x <= 3), (3, True)),
        ),
        (
            Piecewise((0, x < 0), (S.Half, x <= 0), (1, True)),
            Piecewise((0, x < 0), (S.Half, Eq(x, 0)), (1, x > 0)),
        ),
        (
            Piecewise((0, x < 0), (S.Half, x <= 0), (1, True)),
            Heaviside(x, S.Half),
        ),
        (
            Piecewise((1, y <= 0), (-Piecewise((2, y >= 0), (0, True)), True)),
            Piecewise((1, y <= 0), (-2, y >= 0)),
        ),
        (
            (1 - x) * Piecewise((1, And(x >= 0, x <= 1)), (0, True)),
            Piecewise((1 - x, And(x >= 0, x <= 1)), (0, True)),
        ),
        (Piecewise((x, x < 0), (-x, True)), -Abs(x)),
        (Piecewise((cos(x), x < 0), (cos(-x), True)), cos(x)),
        (
            Piecewise((x**2, x < 0), (x, x < 1), (Rational(1, 2) + x / 2, True)),
            Piecewise((x**2, x < 0), (x, x < 1), ((x + 1) / 2, True)),
        ),
    ],
)

CASES = MAXMIN + PIECEWISE
