"""The step checker: true steps are proved, false ones refuted with a counterexample that is
re-checked here independently, and it never says proved without a proof."""

from __future__ import annotations

import dataclasses
import time

import pytest
import sympy
from sympy import (
    Abs,
    Derivative,
    Eq,
    Heaviside,
    IndexedBase,
    KroneckerDelta,
    Matrix,
    Max,
    Min,
    Piecewise,
    Rational,
    Sum,
    Symbol,
    diff,
    exp,
    log,
    sqrt,
    symbols,
)
from sympy.core.assumptions import check_assumptions

import derive.checker.prove
from derive import check_equal
from derive.checker.limits import Limits

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

# (lhs, rhs, assume): each holds (under its assumptions)
TRUE_STEPS = {
    "log_exp_real": (log(exp(x)), x, ()),
    "exp_log_positive": (exp(log(p)), p, ()),
    "log_product_positive": (log(p * q), log(p) + log(q), ()),
    "exp_sum": (exp(x + y), exp(x) * exp(y), ()),
    "square": ((x + 1) ** 2, x**2 + 2 * x + 1, ()),
    "softmax_sums_to_one": (a1 + a2 + a3, 1, ()),
    "loss_log_softmax_K3": (
        -Sum(t[d] * log(exp(z[d]) / Sum(exp(z[c]), (c, 1, 3))), (d, 1, 3)),
        -Sum(t[d] * (z[d] - log(Sum(exp(z[c]), (c, 1, 3)))), (d, 1, 3)),
        (),
    ),
    "loss_log_softmax_symbolic_K": (-Sum(t[d] * log(exp(z[d]) / SK), (d, 1, K)), EK, ()),
    "normalized_targets_K3": (a1 * (t1 + t2 + t3) - t1, a1 - t1, (sum_t3,)),
    "normalized_targets_symbolic_K": (a_k * Sum(t[d], (d, 1, K)) - t[k], a_k - t[k], (sum_tK,)),
    "bound_index_renamed": (Sum(t[c], (c, 1, K)), Sum(t[d], (d, 1, K)), ()),
    "constant_out_of_sum": (Sum(x * t[c], (c, 1, K)), x * Sum(t[c], (c, 1, K)), ()),
    "delta_picks_index": (Sum(t[d] * KroneckerDelta(d, k), (d, 1, K)), t[k], (k <= K,)),
    "delta_concrete_sum": (Sum(KroneckerDelta(c, 2), (c, 1, 3)), 1, ()),
    "delta_diagonal": (KroneckerDelta(k, k), 1, ()),
    "piecewise_is_relu": (Piecewise((x, x > 0), (0, True)), Max(0, x), ()),
    "relu_parts_abs": (Max(0, x) + Max(0, -x), Abs(x), ()),
    "max_plus_min": (Max(x, y) + Min(x, y), x + y, ()),
    "relu_times_step": (x * Heaviside(x), Max(0, x), ()),
    "power_rule": (Derivative(x**3, x), 3 * x**2, ()),
    "exp_chain_rule": (Derivative(exp(2 * x), x), 2 * exp(2 * x), ()),
    "log_derivative": (Derivative(log(p), p), 1 / p, ()),
    "softmax_diagonal_jacobian": (Derivative(a1, z1), a1 * (1 - a1), ()),
    "softmax_cross_jacobian": (Derivative(a1, z2), -a1 * a2, ()),
    "grad_z_symbolic_K": (diff(EK, z[k]), a_k * Sum(t[d], (d, 1, K)) - t[k], (k <= K,)),
    "grad_z_concrete": (diff(E3, z1), a1 * (t1 + t2 + t3) - t1, ()),
    "matrix_product": (Matrix([[x, 1], [0, y]]) * Matrix([1, 1]), Matrix([x + 1, y]), ()),
    "matrix_entries": (Matrix([log(exp(x)), 2 * x]), Matrix([x, x + x]), ()),
    "softmax_shift_invariant": (exp(z1 - m) / (exp(z1 - m) + exp(z2 - m) + exp(z3 - m)), a1, ()),
    "log_softmax_shift_invariant": (
        z1 - log(S3),
        (z1 - m) - log(exp(z1 - m) + exp(z2 - m) + exp(z3 - m)),
        (),
    ),
    "gauss_sum": (Sum(c, (c, 1, n)), n * (n + 1) / 2, ()),
    "derivative_of_indexed_sum": (
        Derivative(Sum(t[d] * z[d], (d, 1, K)), z[k]),
        t[k],
        (k <= K,),
    ),
    "logit_weight_derivative": (Derivative(Sum(Wb[k, d] * ab[d], (d, 1, 4)), Wb[k, 2]), ab[2], ()),
}

# (lhs, rhs, assume): each is false somewhere inside the domains and assumptions
FALSE_STEPS = {
    "log_exp_complex": (log(exp(w)), w, ()),
    "log_square": (log(x**2), 2 * log(x), ()),
    "exp_of_sum_as_sum": (exp(x + y), exp(x) + exp(y), ()),
    "square_missing_cross_term": ((x + 1) ** 2, x**2 + 1, ()),
    "normalized_targets_unassumed_K3": (a1 * (t1 + t2 + t3) - t1, a1 - t1, ()),
    "normalized_targets_unassumed_symbolic_K": (
        a_k * Sum(t[d], (d, 1, K)) - t[k],
        a_k - t[k],
        (),
    ),
    "grad_z_sign_error": (diff(E3, z1), t1 - a1, (sum_t3,)),
    "grad_z_sign_error_symbolic_K": (diff(EK, z[k]), t[k] - a_k, (k <= K, sum_tK)),
    "swapped_weight_indices": (
        Derivative(Sum(Wb[k, d] * ab[d], (d, 1, 4)), Wb[k, 2]),
        ab[k],
        (k <= 4,),
    ),
    "dropped_softmax_cross_term": (Derivative(a1, z2), 0, ()),
    "single_path_through_a_k": (diff(E3, z1), -t1 * (1 - a1), (sum_t3,)),
    "relu_is_identity": (Max(0, x), x, ()),
    "step_is_one": (Heaviside(x), 1, ()),
    "relu_derivative_is_one": (Derivative(Max(0, x), x), 1, ()),
    "sum_is_first_term_times_three": (Sum(t[c], (c, 1, 3)), 3 * t[1], ()),
    "delta_without_index_range": (Sum(t[d] * KroneckerDelta(d, k), (d, 1, K)), t[k], ()),
    "delta_is_one": (KroneckerDelta(c, k), 1, ()),
    "relu_is_abs": (Piecewise((x, x > 0), (0, True)), Abs(x), ()),
    "matrix_entry_wrong": (Matrix([x, 2 * x]), Matrix([x, x + 1]), ()),
    "matrix_transposed": (Matrix([[1, x], [0, 1]]), Matrix([[1, 0], [x, 1]]), ()),
    "power_rule_wrong": (Derivative(x**3, x), 3 * x**3, ()),
    "exp_chain_rule_dropped": (Derivative(exp(2 * x), x), exp(2 * x), ()),
    "softmax_two_of_three": (a1 + a2, 1, ()),
    "log_softmax_half_shifted": (z1 - log(S3), z1 - m - log(S3), ()),
    "log_quotient_as_sum": (log(p / q), log(p) + log(q), ()),
    "sqrt_of_square": (sqrt(x**2), x, ()),
    "gauss_sum_wrong": (Sum(c, (c, 1, n)), n**2 / 2, ()),
    "loss_without_log_sum_exp": (E3, -(t1 * z1 + t2 * z2 + t3 * z3), (sum_t3,)),
    "max_is_first": (Max(x, y), x, ()),
    "step_mirrored": (Heaviside(x), Heaviside(-x), ()),
    "weight_gradient_wrong_index": ((a1 - t1) * a_j, (a1 - t1) * z1, ()),
    "commutativity_off_by_one": (x * y, y * x + 1, ()),
}


def _holds(relation: sympy.Basic, point: dict) -> bool:
    integers = {s: v for s, v in point.items() if getattr(s, "is_integer", False)}
    instance = relation.xreplace(integers).doit().xreplace(point)
    if instance in (sympy.true, sympy.false):
        return bool(instance)
    gap = sympy.N(instance.lhs - instance.rhs, 40)
    if isinstance(instance, Eq):
        return abs(gap) < 1e-30
    return bool(instance.func(gap, 0))


def _independent_gap(lhs: sympy.Basic, rhs: sympy.Basic, point: dict) -> float:
    """|lhs - rhs| at the point, each side substituted and evaluated on its own (40 digits)."""
    lhs, rhs = sympy.sympify(lhs), sympy.sympify(rhs)  # our own literals, e.g. 0 or 1
    integers = {s: v for s, v in point.items() if getattr(s, "is_integer", False)}
    lhs_value = sympy.N(lhs.xreplace(integers).doit().xreplace(point), 40)
    rhs_value = sympy.N(rhs.xreplace(integers).doit().xreplace(point), 40)
    return float(abs(lhs_value - rhs_value))


@pytest.mark.parametrize("name", sorted(TRUE_STEPS))
def test_true_step_is_proved(name: str) -> None:
    lhs, rhs, assume = TRUE_STEPS[name]
    verdict = check_equal(lhs, rhs, assume=assume)
    assert verdict.status == "proved", str(verdict)
    assert verdict.counterexample is None
    assert set(verdict.needs) <= set(assume)


@pytest.mark.parametrize("name", sorted(FALSE_STEPS))
def test_false_step_is_refuted_with_a_checkable_counterexample(name: str) -> None:
    lhs, rhs, assume = FALSE_STEPS[name]
    verdict = check_equal(lhs, rhs, assume=assume)
    assert verdict.status == "refuted", str(verdict)
    point = verdict.counterexample
    assert point
    for atom, value in point.items():  # inside the symbols' domains
        assert check_assumptions(value, atom) is not False, (atom, value)
    assert all(_holds(a, point) for a in assume)  # and inside the assumptions
    if isinstance(lhs, sympy.MatrixBase):
        gaps = [_independent_gap(l_, r_, point) for l_, r_ in zip(lhs, rhs, strict=True)]
        assert max(gaps) > 1e-10
    else:
        assert _independent_gap(lhs, rhs, point) > 1e-10


def test_normalized_targets_step_names_the_assumption_it_needs() -> None:
    verdict = check_equal(a1 * (t1 + t2 + t3) - t1, a1 - t1, assume=[sum_t3, x > 0])
    assert verdict.status == "proved"
    assert verdict.needs == (sum_t3,)


def test_step_true_without_assumptions_needs_none() -> None:
    verdict = check_equal(diff(E3, z1), a1 * (t1 + t2 + t3) - t1, assume=[sum_t3])
    assert verdict.status == "proved"
    assert verdict.needs == ()


def test_log_exp_verdict_depends_on_the_domain() -> None:
    assert check_equal(log(exp(x)), x).proved
    complex_verdict = check_equal(log(exp(w)), w)
    assert complex_verdict.refuted
    assert sympy.im(complex_verdict.counterexample[w]) != 0


def test_relu_derivative_names_the_kink_convention() -> None:
    verdict = check_equal(Derivative(Max(0, x), x), Heaviside(x))
    assert verdict.proved
    assert any("convention" in caveat and "x ≠ 0" in caveat for caveat in verdict.caveats)
    assert "convention" in str(verdict)


def test_framework_convention_holds_only_away_from_the_kink() -> None:
    verdict = check_equal(Derivative(Max(0, x), x), Heaviside(x, 0))
    assert verdict.proved
    assert any("only where x ≠ 0" in caveat for caveat in verdict.caveats)


def test_identity_that_needs_sympys_heaviside_value_says_so() -> None:
    verdict = check_equal(Heaviside(x) + Heaviside(-x), 1)
    assert verdict.proved
    assert any("Heaviside(0) = 1/2" in caveat for caveat in verdict.caveats)


def test_convention_free_identity_has_no_caveat() -> None:
    assert check_equal(x * Heaviside(x), Max(0, x)).caveats == ()


def test_no_symbolic_proof_means_undecided_not_proved(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(derive.checker.prove, "STRATEGIES", ())
    verdict = check_equal((x + 1) ** 2, x**2 + 2 * x + 1)
    assert verdict.status == "undecided"
    assert verdict.discrepancy is not None and verdict.discrepancy < 1e-20
    assert verdict.counterexample is None


def test_symbolic_proof_contradicted_by_numbers_is_undecided(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # a prover that claims zero without looking, and so without using sum t = 1
    monkeypatch.setattr(derive.checker.prove, "prove_all_zero", lambda *args: "bogus")
    verdict = check_equal(a1 * (t1 + t2 + t3) - t1, a1 - t1, assume=[sum_t3])
    assert verdict.status == "undecided"
    assert "bogus" in verdict.method and "differ" in verdict.method


def test_a_hang_is_stopped_by_the_time_guard_which_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    def stall(expr, facts):
        time.sleep(60)
        return expr

    stalling = (("stall", lambda e, f: True, stall, "never finishes"),)
    monkeypatch.setattr(derive.checker.prove, "STRATEGIES", stalling)
    start = time.monotonic()
    verdict = check_equal(exp(x + y), exp(x) * exp(y), timeout=0.5)
    assert time.monotonic() - start < 30  # not the 60 s sleep: the guard stopped it
    assert verdict.status == "undecided" and verdict.guard
    assert verdict.method == (
        "stopped by the 0.5 s time guard; the result may differ on a faster machine"
    )


def test_a_verdict_the_guard_did_not_stop_is_not_marked() -> None:
    assert not check_equal(exp(x + y), exp(x) * exp(y)).guard
    assert not check_equal(x, x + 1).guard


@pytest.mark.parametrize(
    ("limits", "name"),
    [({"rewrites": 2}, "rewrites"), ({"size": 3}, "size")],
)
def test_a_step_that_reaches_a_limit_is_undecided_naming_it(limits: dict, name: str) -> None:
    claim = (sympy.sin(x) ** 2 + sympy.cos(x) ** 2, 1)
    assert check_equal(*claim).proved  # with the default limits
    verdict = check_equal(*claim, limits=Limits(**limits))
    assert verdict.status == "undecided" and not verdict.guard
    value = limits[name]
    assert f"the {name} limit ({name} = {value})" in verdict.method


def test_a_case_split_beyond_its_limit_is_undecided_naming_it() -> None:
    i, j = symbols("i j", integer=True, positive=True)
    # zero only for i, j in 1..3: no rewrite shows it, the 9 cases do
    claim = ((i - 1) * (i - 2) * (i - 3) + (j - 1) * (j - 2) * (j - 3), 0)
    assume = [i <= 3, j <= 3]
    assert check_equal(*claim, assume=assume).proved
    verdict = check_equal(*claim, assume=assume, limits=Limits(cases=8))
    assert verdict.status == "undecided"
    assert "the cases limit (cases = 8)" in verdict.method


@pytest.mark.parametrize("bad", [{"rewrites": 0}, {"points": 3}, {"size": 1.5}, {"cases": True}])
def test_limits_out_of_range_are_rejected(bad: dict) -> None:
    with pytest.raises(ValueError, match=next(iter(bad))):
        Limits(**bad)


def test_counterexample_for_hand_checking_uses_simple_values() -> None:
    verdict = check_equal(Max(0, x), x)
    value = verdict.counterexample[x]
    assert value < 0 and isinstance(value, sympy.Rational) and value.q <= 13


def test_verdict_is_immutable_and_readable() -> None:
    verdict = check_equal(x * y, y * x + 1)
    with pytest.raises(dataclasses.FrozenInstanceError):
        verdict.status = "proved"
    text = str(verdict)
    assert text.startswith("refuted at x = ") and "lhs = " in text and "rhs = " in text


def test_verdicts_are_reproducible() -> None:
    first = check_equal(a1 * (t1 + t2 + t3) - t1, a1 - t1)
    second = check_equal(a1 * (t1 + t2 + t3) - t1, a1 - t1)
    assert first.counterexample == second.counterexample


def test_projected_points_meet_the_equality_assumption() -> None:
    verdict = check_equal(a1 * (t1 + t2 + t3) - t1, a1 - t1 + t2 / 2, assume=[sum_t3])
    assert verdict.refuted
    point = verdict.counterexample
    assert point[t1] + point[t2] + point[t3] == 1


@pytest.mark.parametrize("bad", ["x + 1", b"x", [x], {"x": 1}, None, True])
def test_non_sympy_side_is_a_type_error_saying_how_to_build_expressions(bad: object) -> None:
    with pytest.raises(TypeError, match="SymPy"):
        check_equal(bad, x)


def test_string_is_never_evaluated() -> None:
    with pytest.raises(TypeError, match="never evaluated"):
        check_equal("__import__('os').system('echo hacked')", 0)


def test_mismatched_matrix_shapes_are_named() -> None:
    with pytest.raises(ValueError, match=r"\(2, 1\).*\(1, 2\)"):
        check_equal(Matrix([x, y]), Matrix([[x, y]]))
    with pytest.raises(ValueError, match="scalar"):
        check_equal(Matrix([x, y]), x)


@pytest.mark.parametrize("bad", [[x], ["x > 0"], [True], x > 0, "x > 0"])
def test_assumption_that_is_not_a_relation_is_rejected(bad: object) -> None:
    with pytest.raises(TypeError, match="relation"):
        check_equal(x, x, assume=bad)


def test_false_assumption_is_rejected() -> None:
    with pytest.raises(ValueError, match="False"):
        check_equal(x, x, assume=[Eq(1, 2)])


def test_python_numbers_are_accepted() -> None:
    assert check_equal(Rational(1, 2) + Rational(1, 2), 1).proved
    assert check_equal(sympy.Integer(2), 3).refuted


def test_many_nonnegative_atoms_under_one_sum_still_get_sampled() -> None:
    """40 targets t_d >= 0 with sum 1: points exist only with small t_d; the sampler finds
    them (it once gave up: "too few points to cross-check")."""
    ts = sympy.symbols("t1:41", nonnegative=True)
    x = sympy.Symbol("x", real=True)
    total = sympy.Eq(sympy.Add(*ts), 1)
    verdict = check_equal(x * sympy.Add(*ts) - ts[0], x - ts[0], assume=[total], timeout=30)
    assert verdict.status == "proved", str(verdict)
    assert verdict.needs == (total,)
