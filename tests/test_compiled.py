"""Compiled numeric evidence: the same values as SymPy's exact evaluation, kinks decided
exactly or handed back, cancellation paid for in precision; concrete steps proved as instances
of the proof for every size, and refused where the instance does not match."""

from __future__ import annotations

import mpmath
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st
from sympy import (
    Eq,
    Heaviside,
    IndexedBase,
    KroneckerDelta,
    Max,
    Piecewise,
    Rational,
    Sum,
    Symbol,
    exp,
    log,
    sqrt,
    symbols,
)

from derive.checker.compiled import Compiler
from derive.checker.doit import light_doit
from derive.checker.equal import check_equal
from derive.checker.methods import General
from derive.checker.program import AT_KINK
from derive.derivations import build
from derive.steps import Derivation, Step

x, y = symbols("x y", real=True)
w = Symbol("w")
K, k, c = symbols("K k c", integer=True, positive=True)
z = IndexedBase("z", real=True)

EXPRESSIONS = [
    exp(x) / (1 + exp(x)) - y**3,
    log(1 + x**2) * sqrt(2 + y**2),
    Max(x, y) - Heaviside(x - y) * (x - y),
    (x - y) ** 5 / (1 + x**4),
    log(w) + sqrt(w) * exp(w),  # complex principal branches, as SymPy's
]
RATIONALS = st.fractions(min_value=-20, max_value=20, max_denominator=13)


def _program_value(expr, values, integers=None):
    value, kink = Compiler(expr).program(integers or {})(values, 30)
    return value, kink


@settings(max_examples=60, deadline=None)
@given(a=RATIONALS, b=RATIONALS, choice=st.integers(0, len(EXPRESSIONS) - 1))
def test_a_compiled_side_has_the_value_sympy_gives(a, b, choice) -> None:
    expr = EXPRESSIONS[choice]
    values = {x: Rational(a.numerator, a.denominator), y: Rational(b.numerator, b.denominator)}
    values[w] = values[x] + sympy.I * values[y] if values[y] != 0 else values[x] + sympy.I
    value, _ = _program_value(expr, values)
    exact = sympy.N(expr.xreplace({s: v for s, v in values.items() if s in expr.free_symbols}), 40)
    if value is AT_KINK or exact.has(sympy.zoo, sympy.nan):
        return
    expected = mpmath.mpc(complex(exact)) if value is None else None
    assert value is not None, expected
    with mpmath.workdps(40):
        gap = abs(value - mpmath.mpc(str(sympy.re(exact)), str(sympy.im(exact))))
        assert gap <= mpmath.mpf(10) ** -28 * max(1, abs(value))


def test_cancellation_costs_precision_not_accuracy() -> None:
    # (1 - 1/(1 + e^-z)) e^z at z = 900 is 1/(1 + e^-900), about 1: 390 digits cancel first
    expr = (1 - 1 / (1 + exp(-x))) * exp(x)
    value, _ = _program_value(expr, {x: sympy.Integer(900)})
    exact = sympy.N(1 / (1 + exp(-900)), 40)
    assert abs(value.real - mpmath.mpf(str(exact))) < 1e-28


def test_a_kink_at_an_exact_zero_is_decided_exactly_and_reported() -> None:
    expr = Max(0, x + y) + Heaviside(x + y)  # 0 + 1/2 at the kink, as SymPy says
    value, kink = _program_value(expr, {x: Rational(1, 3), y: Rational(-1, 3)})
    assert kink and value == mpmath.mpf(1) / 2


def test_a_kink_whose_side_rounding_cannot_tell_is_handed_back() -> None:
    value, _ = _program_value(Heaviside(exp(x) - 1), {x: sympy.Integer(0)})
    assert value is AT_KINK


def test_undefined_values_are_none_but_an_unchosen_undefined_piece_is_fine() -> None:
    assert _program_value(1 / x, {x: sympy.Integer(0)})[0] is None
    assert _program_value(log(x), {x: sympy.Integer(0)})[0] is None
    chosen = Piecewise((1 / x, x > 0), (7, True))
    assert _program_value(chosen, {x: sympy.Integer(0)})[0] == 7


def test_sums_and_deltas_are_written_out_for_the_integer_values() -> None:
    expr = Sum(z[c] * KroneckerDelta(c, k), (c, 1, K)) + Sum(exp(z[c]), (c, 1, K))
    values = {z[1]: sympy.Integer(1), z[2]: Rational(1, 2), z[3]: sympy.Integer(-2)}
    value, _ = _program_value(expr, values, {K: 3, k: 2})
    expected = Rational(1, 2) + exp(1) + exp(Rational(1, 2)) + exp(-2)
    with mpmath.workdps(40):
        assert abs(value.real - mpmath.mpf(str(sympy.N(expected, 40)))) < 1e-28


def test_light_doit_evaluates_simple_symbolic_sums_exactly() -> None:
    t = IndexedBase("t", real=True)
    assert light_doit(Sum(t[c] * KroneckerDelta(c, k), (c, 1, K))).has(t[k])
    assert light_doit(Sum(3, (c, 1, K))) == 3 * K
    assert light_doit(Sum(c, (c, 1, K))).equals(K * (K + 1) / 2)
    assert light_doit(Sum(exp(z[c]), (c, 1, K))) == Sum(exp(z[c]), (c, 1, K))  # stays a sum


def test_concrete_output_steps_are_instances_of_the_symbolic_proofs() -> None:
    concrete = build("output", 5, 2)
    assert all(d.general is not None for d in concrete)
    report = concrete[3].check()  # dE/dz_k, five steps
    assert report.proved
    assert all(
        v.method.startswith("for every J, K (") and "at J = 2, K = 5" in v.method
        for v in report.verdicts
    )


def test_an_instance_whose_sides_differ_from_the_general_claim_is_not_instantiated() -> None:
    lhs, rhs = Sum(z[c] * KroneckerDelta(c, k), (c, 1, K)), z[k]
    general = check_equal(lhs, rhs, assume=[k <= K])
    assert general.proved and general.needs == (k <= K,)
    claimed = General.of(general, lhs, rhs, {K: 3})
    # a different claim at K = 3 (it is false): the general proof must not be borrowed
    wrong = check_equal(z[1] + z[2], z[k], assume=[k <= 3], instance_of=claimed)
    assert wrong.refuted
    # the claim itself at K = 3 is an instance, needing k <= 3 as the general one needs k <= K
    right = check_equal(lhs.xreplace({K: 3}), rhs, assume=[k <= 3], instance_of=claimed)
    assert right.proved and right.method.startswith("for every K") and right.needs == (k <= 3,)
    # without k <= 3 offered, the instance is not borrowed (and the claim is false: k = 4)
    assert check_equal(lhs.xreplace({K: 3}), rhs, instance_of=claimed).refuted


def test_a_derivation_that_is_not_its_twin_at_the_sizes_is_rejected() -> None:
    general = Derivation("s", Sum(z[c], (c, 1, K)), (Step(Sum(z[c], (c, 1, K))),))
    with pytest.raises(ValueError, match="not its general twin"):
        Derivation("s", z[1] + z[2], (Step(z[1] + z[2] + z[3]),), general=general, sizes={K: 2})


def test_an_assumption_the_general_proof_needs_must_be_offered_to_the_instance() -> None:
    t = IndexedBase("t", nonnegative=True)
    total = Eq(Sum(t[c], (c, 1, K)), 1)
    lhs, rhs = x * Sum(t[c], (c, 1, K)), x
    general = General.of(check_equal(lhs, rhs, assume=[total]), lhs, rhs, {K: 3})
    concrete = (lhs.xreplace({K: 3}), rhs)
    without = check_equal(*concrete, instance_of=general)
    assert without.refuted  # not borrowed: sum t = 1 was not offered here, and it is false
