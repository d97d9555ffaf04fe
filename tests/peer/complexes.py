"""Absolute values, signs and parts of complex numbers: SymPy's test_complexes.py, with the
symbols each test uses (complex, real, imaginary, positive, ...)."""

from __future__ import annotations

from sympy import (
    Abs,
    Heaviside,
    I,
    Piecewise,
    S,
    arg,
    atan,
    conjugate,
    exp,
    im,
    pi,
    re,
    sign,
    sqrt,
    symbols,
)
from sympy import (
    cos as sympy_cos,
)

from peer import group

x, y = symbols("x y")  # complex
xr, yr = symbols("x y", real=True)
p = symbols("p", positive=True)
n = symbols("n", negative=True)
m = symbols("m", negative=True)
xi = symbols("x", imaginary=True)
nz = symbols("nz", nonzero=True, real=True)
k = symbols("k", integer=True)
a = symbols("a", positive=True)

ABS = group(
    "test_complexes.py::test_Abs",
    [
        (Abs(I * x), Abs(x)),
        (Abs(-2 * x), 2 * Abs(x)),
        (Abs(2 * pi * x * y), 2 * pi * Abs(x * y)),
        (Abs(conjugate(x)), Abs(x)),
        (Abs(x), sqrt(re(x) ** 2 + im(x) ** 2)),
        (Abs(2 * pi * I * x * a), 2 * pi * a * Abs(x)),
        (Abs((-1) ** k), 1),
        (Abs(xr) ** 3, xr**2 * Abs(xr)),
        (Abs(xr) ** 4, xr**4),
        (1 / Abs(xr) ** 3, 1 / (xr**2 * Abs(xr))),
        (Abs(xr**3), xr**2 * Abs(xr)),
        (Abs(I**I), exp(-pi / 2)),
        (Abs(4 * exp(pi * I / 4)), 4),
        (Abs(3 ** (2 + I)), 9),
        (Abs((-3) ** (1 - I)), 3 * exp(pi)),
        (Abs(xr), Piecewise((xr, xr >= 0), (-xr, True))),
        (Abs(x), x / sign(x)),
        (Abs(x), sqrt(x * conjugate(x))),
        (Abs(xr + I * yr), sqrt(xr**2 + yr**2)),
        (Abs(exp(I * xr)), 1),
        (Abs(exp(xr + I * yr)), exp(xr)),
        (Abs(x * y), Abs(x) * Abs(y)),
        (Abs(x / y), Abs(x) / Abs(y)),
        (Abs(xr), xr * (2 * Heaviside(xr) - 1)),
    ],
)

SIGN = group(
    "test_complexes.py::test_sign",
    [
        (sign(3 * I), I),
        (sign(2 + 2 * I), sqrt(2) * (2 + 2 * I) / 4),
        (sign(2 * x), sign(x)),
        (sign(I * x), I * sign(x)),
        (sign(-2 * I * x), -I * sign(x)),
        (sign(conjugate(x)), conjugate(sign(x))),
        (sign(2 * p * x), sign(x)),
        (sign(n * x), -sign(x)),
        (sign(n * m * x), sign(x)),
        (sign(x), x / Abs(x)),
        (sign(xi), xi / Abs(xi)),
        (conjugate(sign(xi)), -sign(xi)),
        (sign(nz) ** 2, 1),
        (sign(xr), 2 * Heaviside(xr, S.Half) - 1),
        (sign(xr), Piecewise((1, xr > 0), (-1, xr < 0), (0, True))),
        (sign(sign(x)), sign(x)),
        (sign(x * y), sign(x) * sign(y)),
        (Abs(sign(x)) * Abs(x), Abs(x)),
    ],
)

PARTS = group(
    "test_complexes.py::test_re, test_im, test_conjugate, test_arg",
    [
        (re(conjugate(x)), re(x)),
        (im(conjugate(x)), -im(x)),
        (re(x + I * y), re(x) - im(y)),
        (im(x + I * y), im(x) + re(y)),
        (re(xr * I), 0),
        (im(xr + I * yr), yr),
        (x * conjugate(x), re(x) ** 2 + im(x) ** 2),
        (conjugate(x * y), conjugate(x) * conjugate(y)),
        (conjugate(x + I * y), conjugate(x) - I * conjugate(y)),
        (arg(1 + I), pi / 4),
        (arg(-1 + I), pi * 3 / 4),
        (arg(sqrt(3) + I), pi / 6),
        (arg(1 + 2 * I), atan(2)),
        (arg(p * (1 + I)), pi / 4),
        (re(exp(I * xr)), sympy_cos(xr)),
    ],
)


CASES = ABS + SIGN + PARTS
