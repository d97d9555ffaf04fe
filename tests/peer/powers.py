"""Powers and radicals: SymPy's test_powsimp.py and test_radsimp.py (powsimp, powdenest,
radsimp, collect), each with the assumptions the test gives its symbols."""

from __future__ import annotations

from sympy import E, I, Rational, S, exp, log, sin, sqrt, symbols
from sympy import cos as sympy_cos

from peer import group

x, y, z, a, b, c, d, n = symbols("x y z a b c d n")  # complex, as sympy.abc
xn, yn = symbols("x y", nonnegative=True)
nr = symbols("n", real=True)
p, q = symbols("p q", positive=True)
xp, yp = symbols("x y", positive=True)
i, j = symbols("i j", integer=True)
w, nn, m = symbols("w n m", negative=True)
n1, n2, n3 = symbols("n1 n2 n3", negative=True)
ap, bp = symbols("a b", positive=True)
ar = symbols("a", real=True)
l_even = symbols("l", even=True, nonzero=True)
n_odd = symbols("n", odd=True)
cp, pp = symbols("c p", positive=True)
r2, r3, r5 = sqrt(2), sqrt(3), sqrt(5)

POWSIMP = group(
    "test_powsimp.py::test_powsimp",
    [
        (4**x * 2 ** (-x) * 2 ** (-x), 1),
        ((-4) ** x * (-2) ** (-x) * 2 ** (-x), 1),
        (exp(x) * exp(y), exp(x + y)),
        (exp(x) * exp(y) * 2**x * 2**y, (2 * E) ** (x + y)),
        (
            exp(x) * exp(y) * exp(2) * sin(x) + sin(y) + 2**x * 2**y,
            exp(2 + x + y) * sin(x) + sin(y) + 2 ** (x + y),
        ),
        (x**2 * x**y, x ** (2 + y)),
        ((1 + E * exp(E)) * exp(-E), (1 + exp(1 + E)) * exp(-E)),
        (yn**nr * (yn / xn) ** (-nr), xn**nr, [xn > 0, yn > 0]),
        (exp(x) / (1 + exp(x) * exp(y)), exp(x) / (1 + exp(x + y))),
        (x * y ** (z**x * z**y), x * y ** (z ** (x + y))),
        ((z**x * z**y) ** x, (z ** (x + y)) ** x),
        ((1 / xp) ** log(2) / xp, (1 / xp) ** (1 + log(2))),
        ((1 / p) ** log(2) / p, p ** (-1 - log(2))),
        (2 ** (2 * x), 4**x),
        ((-1) ** (2 * i), 1),
        (w ** (i / 3) * nn ** (i / 3) * m ** (i / 3), (-1) ** i * (-m * nn * w) ** (i / 3)),
        (xp**2 * yp**3 * (xp * yp**2) ** Rational(3, 2), xp * yp * (xp * yp**2) ** Rational(5, 2)),
    ],
)

POWDENEST = group(
    "test_powsimp.py::test_powdenest",
    [
        (exp(3 * x * log(2)), 2 ** (3 * x)),
        (sqrt(p**2), p),
        (p ** (2 * i) * q ** (4 * i), (p * q**2) ** (2 * i)),
        (exp(3 * y * log(x)), x ** (3 * y)),
        (exp(y * (log(ap) + log(bp))), (ap * bp) ** y),
        (exp(3 * (log(a) + log(b))), a**3 * b**3),
        ((p ** (2 * i) * q ** (4 * i)) ** j, (p * q**2) ** (2 * i * j)),
        ((xp**2 * yp**6) ** i, (xp * yp**3) ** (2 * i)),
        (
            (xp ** (i * Rational(2, 3)) * yp ** (i / 2)) ** (2 * i),
            (xp ** Rational(4, 3) * yp) ** (i**2),
        ),
        (sqrt(xp ** (2 * i) * yp ** (6 * i)), (xp * yp**3) ** i),
        (4**x, 2 ** (2 * x)),
        ((4**xp) ** yp, 2 ** (2 * xp * yp)),
        (4**x * y, 2 ** (2 * x) * y),
        (16 * 2**a * 8**b, 2 ** (a + 3 * b + 4)),
        (3**x * Rational(2, 3), 2 * 3 ** (x - 1)),
        (2 * 3**x / 3, 2 * 3 ** (x - 1)),
        ((-1 - ar**2) * sqrt(1 + ar**2), -((ar**2 + 1) ** Rational(3, 2))),
    ],
)

_b5728, _c5728 = x * sqrt(y), sqrt(sqrt(x) * y)
_a5728 = sqrt(_b5728)
POWSIMP_ISSUES = group(
    "test_powsimp.py::test_issue_5728 and others",
    [
        (_a5728 * _b5728, sqrt(_b5728) ** 3),
        (_a5728 * _b5728**2 * sqrt(y), sqrt(y) * _a5728**5),
        (x * _c5728**3 * y**2, _c5728**7),
        (sqrt(x) * _c5728**3 * y, _c5728**5),
        (_a5728**2 * _a5728 * x**2 * y, _a5728**7),
        (sqrt(n1) * sqrt(n2) * sqrt(n3), -I * sqrt(-n1) * sqrt(-n2) * sqrt(-n3)),
        ((-1) ** (l_even / 2), I**l_even),
        ((-1) ** (n_odd / 2), I**n_odd),
        ((-1) ** (n_odd * Rational(3, 2)), -(I**n_odd)),
        ((-1) ** (i * Rational(3, 2)), (-I) ** i),
        (sqrt(2 + r3) * sqrt(2 - r3) + 1, 2),
        (-5 * r2 / (2 * sqrt(2 * sqrt(29) + 29)) + sqrt(-sqrt(29) / 29 + S.Half), 0),
    ],
)

RADSIMP = group(
    "test_radsimp.py::test_radsimp",
    [
        (1 / (1 + r2), -1 + r2),
        (1 / (r2 + r3), -r2 + r3),
        (1 / (1 + r2 + r3), (-sqrt(6) + r2 + 2) / 4),
        (1 / (r2 + r3 + r5), (-sqrt(30) + 2 * r3 + 3 * r2) / 12),
        (1 / (r2 * 3), r2 / 6),
        (1 / (r2 * a + r2 * b + r2 * c + r2 * d), r2 / (2 * a + 2 * b + 2 * c + 2 * d)),
        ((y**2 - x) / (y - sqrt(x)), sqrt(x) + y),
        (-(y**2 - x) / (y - sqrt(x)), -(sqrt(x) + y)),
        (1 / (1 - I + a * I), (-I * a + 1 + I) / (a**2 - 2 * a + 2)),
        (1 / ((-x + y) * (x - sqrt(y))), (-x - sqrt(y)) / ((x - y) * (x**2 - y))),
        (1 + 1 / (1 + r3), (-1 + r3) / 2 + 1),
        (1 / sqrt(5 + 2 * sqrt(6)), -r2 + r3),
        (1 / sqrt(5 + 2 * sqrt(6)) ** 3, -((-r3 + r2) ** 3)),
        (1 / (-r5 / 2 - S.Half + (-r5 / 2 - S.Half) ** 2), 1),
        (1 / (r3 - r2) ** 3, (r3 + r2) ** 3),
        (1 / (r3 - r2) ** x, (r2 + r3) ** x),
        (sympy_cos(1 / (1 + r2)), sympy_cos(-r2 + 1)),
        (x / (1 + r2), -x * (-r2 + 1)),
        (
            (cp + I * pp - sqrt(cp**2 - pp**2)) / (cp + I * pp + sqrt(cp**2 - pp**2)),
            -I * (cp + I * pp - sqrt(cp**2 - pp**2)) ** 2 / (2 * cp * pp),
        ),
    ],
)

COLLECT = group(
    "test_radsimp.py::test_collect",
    [
        (x + y * x, x * (1 + y)),
        (x**2 + y * x**2, x**2 * (1 + y)),
        (2 * x**2 + y * x**2 + 3 * x * y, x**2 * (2 + y) + 3 * x * y),
        (2 * x**2 + y * x**2 + 3 * x * y, 2 * x**2 + y * (x**2 + 3 * x)),
        (-x / 8 + x * y, x * (y - Rational(1, 8))),
        (x * y + a * x * y, x * y * (1 + a)),
        (a * x * log(x) + b * (x * log(x)), x * (a + b) * log(x)),
        (a * x**c + b * x**c, x**c * (a + b)),
        (a * x ** (2 * c) + b * x ** (2 * c), x ** (2 * c) * (a + b)),
        (a * (x + 1) ** y + (x + 1) ** y, (1 + a) * (x + 1) ** y),
        (2 * sqrt(3) + 4 * a * sqrt(5), 2 * (sqrt(3) + 2 * a * sqrt(5))),
        (r2 * (1 + r2) + r3 + x * r2, r2 * (x + 1 + r2) + r3),
        (2 * x - 2 * y - 2 * z, 2 * (x - y - z)),
    ],
)

CASES = POWSIMP + POWDENEST + POWSIMP_ISSUES + RADSIMP + COLLECT
