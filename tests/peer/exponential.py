"""Exponentials and logarithms: SymPy's test_exponential.py and the log parts of
test_simplify.py (logcombine, simplify), with the assumptions each test gives its symbols."""

from __future__ import annotations

from sympy import (
    E,
    I,
    Rational,
    cos,
    cosh,
    exp,
    log,
    pi,
    sin,
    sinh,
    sqrt,
    symbols,
    tanh,
)

from peer import group

x, y, z, a = symbols("x y z a")  # complex
xr, yr = symbols("x y", real=True)
p, q = symbols("p q", positive=True)
r = symbols("r", real=True)
n = symbols("n", integer=True)
xp, yp, zp, wp = symbols("x y z w", positive=True)
b = symbols("b", real=True)

EXP = group(
    "test_exponential.py::test_exp_values, test_exp_log, test_exp_expand",
    [
        (exp(log(x)), x),
        (exp(2 * log(x)), x**2),
        (exp(pi * log(x)), x**pi),
        (exp(17 * log(x) + E * log(y)), x**17 * y**E),
        (exp(4 * log(x) * log(y) + 3 * log(x)), x**3 * exp(4 * log(x) * log(y))),
        (exp(x * log(x)), x**x),
        (exp(2 - I * pi * Rational(17, 5)), exp(2 + I * pi * Rational(3, 5))),
        (exp(log(3) + I * pi * Rational(29, 9)), 3 * exp(I * pi * Rational(-7, 9))),
        (exp((1 + 4 * n) * I * pi / 2), I),
        (exp((-1 + 4 * n) * I * pi / 2), -I),
        (log(exp(xr)), xr),
        (exp(log(Rational(2)) * (1 + x) - log(Rational(2)) * x), 2),
        (exp(x + y), exp(x) * exp(y)),
        (exp(I * pi * Rational(37, 8)) - exp(I * pi * Rational(-11, 8)), 0),
    ],
)

EXP_REWRITE = group(
    "test_exponential.py::test_exp_rewrite",
    [
        (exp(x), sinh(x) + cosh(x)),
        (exp(x * I), cos(x) + I * sin(x)),
        (exp(x), (1 + tanh(x / 2)) / (1 - tanh(x / 2))),
        (exp(pi * I / 4), sqrt(2) / 2 + sqrt(2) * I / 2),
        (exp(pi * I / 3), Rational(1, 2) + sqrt(3) * I / 2),
        (exp(x * log(y)), y**x),
        (exp(log(x) * log(y)), x ** log(y)),
        (exp(log(log(x)) * y), log(x) ** y),
    ],
)

LOG = group(
    "test_exponential.py::test_log_values, test_log_base, test_log_symbolic",
    [
        (log(-E), 1 + I * pi),
        (log(-pi), log(pi) + I * pi),
        (log(-17 * I), -I * pi / 2 + log(17)),
        (log(5 + 5 * I), log(5 * sqrt(2)) + I * pi / 4),
        (log(-1 + I * sqrt(3)), log(2) + I * pi * Rational(2, 3)),
        (log(6, 2), 1 + log(3) / log(2)),
        (log(Rational(2, 3), Rational(1, 3)), -log(2) / log(3) + 1),
        (log(Rational(8, 3), 2), -log(3) / log(2) + 3),
        (log(x, 2), log(x) / log(2)),
        (log(E, 2), 1 / log(2)),
        (log(p**2), 2 * log(p)),
        (log(exp(p)), p),
        (log(p * q), log(p) + log(q)),
        (log(-exp(r)), r + I * pi),
        (1 / log(p**-5), -1 / log(p) / 5),
        (log(1 - sqrt(2)), log(sqrt(2) - 1) + I * pi),
        (log(exp(-5 * I)), -5 * I + 2 * I * pi),
        (log(1 + I), log(2) / 2 + I * pi / 4),
    ],
)

LOG_EXPAND = group(
    "test_exponential.py::test_log_expand, test_log_simplify (positive symbols)",
    [
        (log(xp ** log(xp**2)), 2 * log(xp) ** 2),
        (log(xp ** (2 + log(2))), (2 + log(2)) * log(xp)),
        (log(sqrt(z)), log(z) / 2),
        (log(zp ** (log(2) - 1)), (log(2) - 1) * log(zp)),
        (log(zp ** (xr / (xr**2 + 1))), xr * log(zp) / (xr**2 + 1)),
        (log(xp * (yp + zp)), log(xp) + log(yp + zp)),
    ],
)

LOGCOMBINE = group(
    "test_simplify.py::test_logcombine_1, test_issue_5950",
    [
        (log(x) + log(2), log(2 * x)),
        (b * log(zp) + b * log(xp), log(zp**b) + b * log(xp)),
        (b * log(zp) - log(wp), log(zp**b / wp)),
        (3 * log(wp) + 3 * log(zp), log(wp**3 * zp**3)),
        (x * (y + 1) + log(2) + log(3), x * (y + 1) + log(6)),
        ((xr + yr) * log(wp) + (-xr - yr) * log(3), (xr + yr) * log(wp / 3)),
        (log(xp) - log(yp), log(xp / yp)),
        (log(3) - log(2), log(Rational(3, 2))),
        (log(2 * x) - log(2), log(x)),
        (log(2) + log(3), log(6)),
        (2 ** (2 + x) / 4, 2**x),
        (exp(Rational(-1, 2)) + exp(Rational(-3, 2)), exp(Rational(-1, 2)) * (1 + 1 / E)),
    ],
)

# assertions of "!=" whose two sides really differ for complex symbols
DIFFERENT = group(
    "test_exponential.py::test_log_symbolic (complex symbols: not equal)",
    [
        (log(x * y), log(x) + log(y)),
        (log(x / y), log(x) - log(y)),
        (log(x**y), y * log(x)),
        (log(exp(x)), x),
        (log(x**2), 2 * log(x)),
        (1 / log(x**-5), -1 / log(x) / 5),
        (log(xr**2), 2 * log(xr)),
    ],
    true=False,
)

CASES = EXP + EXP_REWRITE + LOG + LOG_EXPAND + LOGCOMBINE + DIFFERENT
