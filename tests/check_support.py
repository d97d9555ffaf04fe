"""What the checker's tests share: one vocabulary of symbols (the reference post's, plus a
few generic ones), the softmax and sigmoid families built from them, and independent re-checks
of a counterexample (100-digit evaluation of each side on its own, the assumptions at the
point)."""

from __future__ import annotations

import re

import sympy
from sympy import Eq, IndexedBase, Rational, Sum, Symbol, exp, log, symbols

x, y = symbols("x y", real=True)
p, q = symbols("p q", positive=True)
w = Symbol("w")  # no assumptions: complex
n = Symbol("n", integer=True, positive=True)
m = Symbol("m", real=True)
z1, z2, z3 = symbols("z1:4", real=True)
t1, t2, t3 = symbols("t1:4", nonnegative=True)
a_j = Symbol("a_j", real=True)
K = Symbol("K", integer=True, positive=True)
k, c, d = symbols("k c d", integer=True, positive=True)
z = IndexedBase("z", real=True)
t = IndexedBase("t", nonnegative=True)
Wb = IndexedBase("W", real=True)
ab = IndexedBase("a", real=True)

S3 = exp(z1) + exp(z2) + exp(z3)
a1, a2, a3 = exp(z1) / S3, exp(z2) / S3, exp(z3) / S3
SK = Sum(exp(z[c]), (c, 1, K))
a_k = exp(z[k]) / SK
sum_t3 = Eq(t1 + t2 + t3, 1)
sum_tK = Eq(Sum(t[d], (d, 1, K)), 1)
E3 = -(t1 * log(a1) + t2 * log(a2) + t3 * log(a3))
EK = -Sum(t[d] * (z[d] - log(SK)), (d, 1, K))
tt = Symbol("tt", nonnegative=True)  # a binary target


def sig(u: sympy.Basic) -> sympy.Basic:
    """The logistic sigmoid, as people write it."""
    return 1 / (1 + exp(-u))


s = sig(x)
BCE = -(tt * log(sig(z1)) + (1 - tt) * log(1 - sig(z1)))  # binary cross-entropy of a logit
Q = Rational


def holds(relation: sympy.Basic, point: dict) -> bool:
    integers = {s: v for s, v in point.items() if getattr(s, "is_integer", False)}
    instance = relation.xreplace(integers).doit().xreplace(point)
    if instance in (sympy.true, sympy.false):
        return bool(instance)
    gap = sympy.N(instance.lhs - instance.rhs, 40)
    if isinstance(instance, Eq):
        return abs(gap) < 1e-30
    return bool(instance.func(gap, 0))


def independent_gap(lhs: sympy.Basic, rhs: sympy.Basic, point: dict) -> float:
    """|lhs - rhs| at the point, each side substituted and evaluated on its own at 100 digits
    (enough for the tiny differences: 1e-60 of the sides' size)."""
    lhs, rhs = sympy.sympify(lhs), sympy.sympify(rhs)  # our own literals, e.g. 0 or 1
    integers = {s: v for s, v in point.items() if getattr(s, "is_integer", False)}
    lhs_value = sympy.N(lhs.xreplace(integers).doit().xreplace(point), 100)
    rhs_value = sympy.N(rhs.xreplace(integers).doit().xreplace(point), 100)
    return float(abs(lhs_value - rhs_value))


CERTIFIED = re.compile(r"^certified: \|lhs - rhs\| ≥ (\S+) by interval arithmetic")
