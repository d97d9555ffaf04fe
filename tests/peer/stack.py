"""The published answer-test table of another symbolic checker: STACK's AlgEquiv results (the
Moodle question type's own test cases, doc/en/Authoring/Answer_Tests/Results/AlgEquiv.md).
Its rows with mark 1 are equivalent pairs, those with mark 0 not; Maxima reads symbols as
real, so they are real here (positive where a row needs a principal root to agree)."""

from __future__ import annotations

from sympy import (
    Abs,
    E,
    I,
    Rational,
    cos,
    cot,
    csc,
    exp,
    log,
    pi,
    sec,
    sin,
    sinh,
    sqrt,
    symbols,
    tan,
    tanh,
)

from peer import group

x, y, a, b, c, k, m, n, s, t, z, R = symbols("x y a b c k m n s t z R", real=True)
xp, ap, kp, mp, yp = symbols("x a k m y", positive=True)
ni = symbols("n", integer=True)

EQUIVALENT = group(
    "STACK AlgEquiv results (mark 1)",
    [
        (4 ** Rational(-1, 2), Rational(1, 2)),
        (4 ** Rational(1, 2), sqrt(4)),
        (sqrt(-1), I),
        (I, exp(I * pi / 2)),
        (xp ** Rational(1, 2), sqrt(xp)),
        (Abs(x), sqrt(x**2)),
        (1 / Abs(x) ** Rational(1, 3), (Abs(x) ** Rational(1, 3) / Abs(x)) ** Rational(1, 2)),
        (1 / sqrt(xp), sqrt(1 / xp)),
        (x - 1, (x**2 - 1) / (x + 1)),
        (a**b * a**c, a ** (b + c)),
        ((ap**b) ** c, ap ** (b * c)),
        (6 * (((x - 2) ** 2) ** ni), 6 * (x - 2) ** (2 * ni)),
        (2 + 2 * sqrt(3 + xp), 2 + sqrt(12 + 4 * xp)),
        (
            6 * E ** (6 * (y**2 + x**2)) + 72 * x**2 * E ** (6 * (y**2 + x**2)),
            (72 * x**2 + 6) * E ** (6 * (y**2 + x**2)),
        ),
        (sqrt(kp / mp) * sqrt(mp / kp), 1),
        ((2 * pi) * (mp / kp) ** Rational(1, 2), (2 * pi) / (kp / mp) ** Rational(1, 2)),
        (sqrt(2 * x / 10 + 1), sqrt((2 * x + 10) / 10)),
        (
            ((x + 3) ** 2 * (x + 3)) ** Rational(1, 3),
            ((x + 3) * (x**2 + 6 * x + 9)) ** Rational(1, 3),
        ),
        ((x - 1) ** 2, x**2 - 2 * x + 1),
        ((x - 1) * (x**2 + x + 1), x**3 - 1),
        ((x - 1) ** (-2), 1 / (x**2 - 2 * x + 1)),
        ((a - x) ** 60, (x - a) ** 60),
        ((4 * a - x) ** 60, (x - 4 * a) ** 60),
        (1 / n - 1 / (n + 1), 1 / (n * (n + 1))),
        (Rational(1, 2) * x**2 + 3 * x - 1, x**2 / 2 + 3 * x - 1),
        (
            512 * (2 * x + 5) ** 7 * (5 * x - 1) ** 5 * (70 * x + 67),
            (512 * (2 * x + 5) ** 7 * (5 * x - 1) ** 5 * (70 * x + 67)).expand(),
        ),
        (cos(x), cos(-x)),
        (cos(x) ** 2 + sin(x) ** 2, 1),
        (cos(x + y), cos(x) * cos(y) - sin(x) * sin(y)),
        (sin(x + y), sin(x) * cos(y) + cos(x) * sin(y)),
        (2 * cos(x) ** 2 - 1, cos(2 * x)),
        (exp(I * pi), -1),
        (2 * cos(2 * x) + x + 1, -(sin(x) ** 2) + 3 * cos(x) ** 2 + x),
        (1 / (1 + exp(-2 * x)), tanh(x) / 2 + Rational(1, 2)),
        (
            csc(6 * x) ** 2 * (7 * sin(6 * x) * cos(7 * x) - 6 * cos(6 * x) * sin(7 * x)),
            -(6 * cos(6 * x) * sin(7 * x) - 7 * sin(6 * x) * cos(7 * x)) / sin(6 * x) ** 2,
        ),
        (
            -(7 * x**6 + 4 * x**3) / sin(7 * y + x**7 + x**4 + 1) ** 2,
            -(7 * x**6 + 4 * x**3) * csc(7 * y + x**7 + x**4 + 1) ** 2,
        ),
        (sin((2 * pi * ni - pi) / 2), -cos(ni * pi)),
        (sin(x / 2) / (1 + tan(x) * tan(x / 2)), sin(x / 2) * cos(x)),
        (sin((2 * pi * ni - pi) / 2), -((-1) ** ni)),
        ((2 * sec(2 * t) ** 2 - 2) / 2, tan(2 * t) ** 2),
        (log(ap**2 * yp), 2 * log(ap) + log(yp)),
        (log(10**x, 10), x),
        (log(3**x, 3), x),
        (1 + log(27, 3), 4),
        (log(Rational(1, 8), 2), -3),
        (log(xp ** (1 / mp)), log(xp) / mp),
        (xp ** log(yp), yp ** log(xp)),
        (E**1 - E ** (-1), 2 * sinh(1)),
        (Rational(1, 10) * (2 * s**2 + 6 * s - 25) / s, (2 * s**2 + 6 * s - 25) / (10 * s)),
        (sqrt(12), 2 * sqrt(3)),
    ],
)

NOT_EQUIVALENT = group(
    "STACK AlgEquiv results (mark 0)",
    [
        (x, sqrt(x**2)),
        (sqrt((x - 3) * (x - 5)), sqrt(x - 3) * sqrt(x - 5)),
        ((a**b) ** c, a ** (b * c)),
        ((x - a) ** 60, (x - a) ** 59),
        ((k + 7) / (k**2 + 4 * k - 12), (k + 8) / (k**2 + 4 * k - 12)),
        (1 / (a - b) - 1 / (b - a), 1 / (a - b) + 1 / (b - a)),
        (Rational(1, 3) * x**2 - Rational(1, 10**15) * x**2, x**2 / 3),
        (
            Rational(1, 10) * (2 * s**2 + 6 * s - Rational(2500001, 100000)) / s,
            (2 * s**2 + 6 * s - 25) / (10 * s),
        ),
        (1 / (4 * x - (pi + sqrt(2))), 1 / (x + 1)),
        (cos(x + y), cos(x) * cos(y) + sin(x) * sin(y)),
        (sin(x + y), cos(x) * sin(y) - sin(x) * cos(y)),
        (4 * x * cos(x**12 / pi), x * cos(x**12 / pi)),
        (
            -4 * sec(4 * z) ** 2 * sin(6 * z) - 6 * tan(4 * z) * cos(6 * z),
            4 * sec(4 * z) ** 2 * sin(6 * z) + 6 * tan(4 * z) * cos(6 * z),
        ),
        (
            csc(6 * x) ** 2 * (7 * sin(6 * x) * cos(7 * x) - 6 * cos(6 * x) * sin(7 * x)),
            (6 * cos(6 * x) * sin(7 * x) - 7 * sin(6 * x) * cos(7 * x)) / sin(6 * x) ** 2,
        ),
        (1 + log(27, 3), 3),
        (log(xp ** (1 / mp)), log(xp, 10) / mp),
        ((2 * log(2 * xp) + xp) / (2 * xp), (log(2 * xp) + 2) / (2 * sqrt(xp))),
        (log(Abs(x**2 - 9)), log(Abs(x - 3)) + log(Abs(x + 3)) + 1),
        (1, 1 + x - x**2 / 10**6),
        (exp(-I), 2 * cos(1)),
        (1 / (R - z), 1),
        (cot(x), tan(x)),
    ],
    true=False,
)

CASES = EQUIVALENT + NOT_EQUIVALENT
