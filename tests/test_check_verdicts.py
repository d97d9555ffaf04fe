"""What a verdict says besides its status: the assumptions a proof needs, the conventions at
kinks it rests on, a proof the numbers contradict, how simple and how certain a counterexample
is (exact coordinates, a certified size, the region and the matrix entry where the sides
differ), and the documented path where interval arithmetic cannot judge a side."""

from __future__ import annotations

import dataclasses

import pytest
import sympy
from check_support import (
    CERTIFIED,
    E3,
    Q,
    a1,
    independent_gap,
    sum_t3,
    t1,
    t2,
    t3,
    w,
    x,
    y,
    z1,
)
from sympy import Derivative, Heaviside, Matrix, Max, besselj, diff, exp, log

import derive.checker.prove
from derive import check_equal
from derive.checker.verdict import Verdict


def test_normalized_targets_step_names_the_assumption_it_needs() -> None:
    verdict = check_equal(a1 * (t1 + t2 + t3) - t1, a1 - t1, assume=[sum_t3, x > 0])
    assert verdict.status == "proved"
    assert verdict.needs == (sum_t3,)


def test_a_piecewise_decided_by_either_of_two_relations_names_them_both() -> None:
    """p <= 2 and p < 1 each settle p < 3: neither is needed without the other, and the
    proof named none, so its numbers, drawn without assumptions, met p = 37/3 and left
    the true step undecided (and an instance of it would have been proved without them)."""
    p, y = sympy.symbols("p y", real=True)
    claim = sympy.Piecewise((y, p < 3), (0, True))
    verdict = check_equal(claim, y, assume=[p <= 2, p < 1])
    assert verdict.status == "proved"
    assert set(verdict.needs) == {p <= 2, p < 1}


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


def test_many_nonnegative_atoms_under_one_sum_still_get_sampled() -> None:
    """40 targets t_d >= 0 with sum 1: points exist only with small t_d; the sampler finds
    them (it once gave up: "too few points to cross-check")."""
    ts = sympy.symbols("t1:41", nonnegative=True)
    x = sympy.Symbol("x", real=True)
    total = sympy.Eq(sympy.Add(*ts), 1)
    verdict = check_equal(x * sympy.Add(*ts) - ts[0], x - ts[0], assume=[total], timeout=30)
    assert verdict.status == "proved", str(verdict)
    assert verdict.needs == (total,)


def test_a_tiny_exact_difference_is_refuted_with_its_exact_size() -> None:
    # a relative 1e-40: invisible to floats and to 30-digit numbers, exact in fractions
    verdict = check_equal(x**2, x**2 + x**6 / 10**40)
    assert verdict.refuted and verdict.certified
    point = verdict.counterexample[x]
    exact = point**6 / 10**40  # |lhs - rhs| at the point, by hand
    bound = float(CERTIFIED.match(verdict.method).group(1))
    assert 0.999 * float(exact) <= bound <= float(exact)


def test_a_difference_below_fifty_digits_is_certified_without_the_evalf_confirmation() -> None:
    verdict = check_equal(exp(x), exp(x) + exp(-x) / 10**60)
    assert verdict.refuted and verdict.certified
    assert "confirmed at 50 digits" not in verdict.method
    assert CERTIFIED.match(verdict.method)


def test_a_difference_confined_to_a_region_is_found_inside_it() -> None:
    verdict = check_equal(y * Heaviside(y - Q(1, 4)), Max(0, y))  # differ for 0 < y < 1/4
    assert verdict.refuted and verdict.certified
    assert 0 < verdict.counterexample[y] < Q(1, 4)
    assert verdict.counterexample[y].q <= 8  # the simplest rational there, for hand-checking


def test_a_matrix_entry_that_differs_in_one_region_is_named() -> None:
    lhs = Matrix([[x, Max(0, x)], [y * Heaviside(y - Q(1, 4)), 1]])
    verdict = check_equal(lhs, Matrix([[x, Max(0, x)], [Max(0, y), 1]]))
    assert verdict.refuted and verdict.certified
    assert "(entry [1, 0])" in verdict.method
    assert 0 < verdict.counterexample[y] < Q(1, 4)


def test_a_side_interval_arithmetic_cannot_enclose_is_refuted_uncertified_and_says_so() -> None:
    # Arb's table in derive has no Bessel function: the documented path (docs/limits.md)
    verdict = check_equal(besselj(0, x), 1)
    assert verdict.refuted and not verdict.certified
    assert verdict.method.startswith("numeric: the sides differ, confirmed at 50 digits; ")
    assert "not certified by interval arithmetic (no interval enclosure" in verdict.method
    assert abs(independent_gap(besselj(0, x), 1, verdict.counterexample)) > 1e-10


def test_only_a_refutation_can_be_certified() -> None:
    for status in ("proved", "undecided"):
        with pytest.raises(ValueError, match="certified"):
            Verdict(status, certified=True)
    assert not check_equal(exp(x + y), exp(x) * exp(y)).certified
