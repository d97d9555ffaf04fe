"""Equality assumptions beyond linear ones: points are sampled on the curve an assumption
defines (solved for one atom, on every branch), the proof works on that curve (an ideal
membership, or the branches put in), and an assumption no atom can be solved for says
"cannot sample points where ..." instead of guessing."""

from __future__ import annotations

import pytest
import sympy
from sympy import Eq, I, Rational, exp, log, sqrt, symbols

from derive import check_equal
from derive.checker.algebraic import branches, is_zero_exactly
from derive.checker.sampling import Sampler

x, y = symbols("x y", real=True)
u, v = symbols("u v")  # complex
CIRCLE = Eq(x**2 + y**2, 1)


def test_exact_zero_is_decided_for_gaussian_rationals_and_algebraic_numbers():
    z = 1 + 4 * I
    assert is_zero_exactly(z / (z**5 - 1) * z**5 - z / (z**5 - 1) - z) is True
    assert is_zero_exactly(sqrt(2) + sqrt(3) - sqrt(5 + 2 * sqrt(6))) is True
    assert is_zero_exactly(sqrt(2) + sqrt(3) - sqrt(5 + 2 * sqrt(7))) is False
    assert is_zero_exactly(Rational(1, 4) + (sqrt(3) / 2) ** 2 - 1) is True
    assert is_zero_exactly(sympy.pi - 3) is None  # no exact argument: not decided here


def test_a_circle_has_two_branches_and_every_point_lies_on_it_exactly():
    found, unsolved = branches([CIRCLE])
    assert unsolved == "" and len(found) == 2
    sampler = Sampler([x * y], [CIRCLE], seed=0)
    points = list(sampler.points(10, 5))
    assert len(points) == 10
    for point in points:
        assert is_zero_exactly(point.values[x] ** 2 + point.values[y] ** 2 - 1) is True
    signs = {sympy.sign(point.values[y]) for point in points}
    assert {1, -1} <= signs  # both halves of the circle are sampled


# SymPy's test_ratsimpmodprime: (lhs, rhs, the equalities), x and y complex there
RATSIMPMODPRIME = [
    (
        (v**5 + u + v) / (u - v),
        (-(u**2) - u * v - u - v) / (-(u**2) + u * v),
        [Eq(u * v**5 - u - v, 0)],
    ),
    ((u + v**2 - 2) / (u + v**2 - v - 1), (1 + v - u) / (v - u), [Eq(u * v - 1, 0)]),
    (
        (5 * u**3 + 21 * u**2 + 4 * u * v + 23 * u + 12 * v + 15)
        / (7 * u**3 - v * u**2 + 31 * u**2 + 2 * u * v + 15 * v + 37 * u + 21),
        (1 + 5 * v - 5 * u) / (8 * v - 6 * u),
        [Eq(u**2 + v**2 - 1, 0)],
    ),
    ((u * v - u - 2 * v + 4) / (u + v**2 - 2 * v), Rational(2, 5), [Eq(u - 2, 0), Eq(v - 3, 0)]),
]


@pytest.mark.parametrize(("lhs", "rhs", "assume"), RATSIMPMODPRIME)
def test_sympys_reductions_modulo_a_prime_ideal_are_proved_with_the_equalities(lhs, rhs, assume):
    verdict = check_equal(lhs, rhs, assume=assume)
    assert verdict.status == "proved", verdict.method
    assert set(verdict.needs) == set(assume)


@pytest.mark.parametrize(("lhs", "rhs", "assume"), RATSIMPMODPRIME)
def test_a_slip_in_a_reduction_modulo_an_ideal_is_refuted_on_the_curve(lhs, rhs, assume):
    verdict = check_equal(lhs, 2 * rhs, assume=assume)
    assert verdict.status == "refuted" and verdict.certified
    point = verdict.counterexample
    for eq in assume:
        assert is_zero_exactly((eq.lhs - eq.rhs).xreplace(point)) is True


def test_a_polynomial_claim_on_the_circle_is_proved_by_its_ideal():
    verdict = check_equal(x**4 + 2 * x**2 * y**2 + y**4, 1, assume=[CIRCLE])
    assert verdict.status == "proved" and verdict.needs == (CIRCLE,)
    assert "ideal" in verdict.method
    wrong = check_equal(x**4 + y**4, 1, assume=[CIRCLE])
    assert wrong.status == "refuted" and wrong.certified


def test_an_off_curve_claim_is_refuted_at_an_algebraic_point_of_the_curve():
    verdict = check_equal(x**2 + y**2, 2, assume=[CIRCLE])
    assert verdict.status == "refuted" and verdict.certified


def test_a_transcendental_claim_on_a_quadratic_curve_is_proved_branch_by_branch():
    golden = Eq(y**2 - y - 1, 0)
    verdict = check_equal(exp(y**2), exp(y + 1), assume=[golden])
    assert verdict.status == "proved" and verdict.needs == (golden,)
    assert verdict.method.startswith("on the curve")
    assert check_equal(log(1 + y**2), log(2 + y), assume=[golden]).status == "proved"
    wrong = check_equal(exp(y**2), exp(y + 2), assume=[golden])
    assert wrong.status == "refuted" and wrong.certified
    complex_golden = Eq(u**2 - u - 1, 0)
    assert check_equal(exp(u**2), exp(u + 1), assume=[complex_golden]).status == "proved"


def test_a_cubic_with_three_roots_is_sampled_at_each():
    roots = Eq(x**3 - x, 0)
    assert check_equal(x**4, x**2, assume=[roots]).status == "proved"
    wrong = check_equal(x**2, 1, assume=[roots])
    assert wrong.status == "refuted" and wrong.counterexample[x] == 0


@pytest.mark.parametrize(
    "assumption",
    [Eq(exp(x) + x, 2), Eq(x**5 + x * y**3 + y**7 + 1, 0)],
)
def test_an_equality_no_atom_solves_is_undecided_and_says_where(assumption):
    verdict = check_equal(x * y, 1, assume=[assumption])
    assert verdict.status == "undecided"
    assert f"cannot sample points where {assumption}" in verdict.method


def test_an_equality_is_solved_for_an_atom_only_where_its_slope_cannot_vanish():
    """x y = 0 leaves y free where x = 0, so it never proves y = 0 (eliminating y = 0 / x
    did, and the points, solved the same way, never met x = 0); x y = x never proves y = 1.
    x y = 1 makes x nonzero, so y = 1 / x is eliminated and x y^2 = y proved."""
    for claim, assumption in [(y, Eq(x * y, 0)), (y - 1, Eq(x * y, x)), (y, Eq(x**2 * y, 0))]:
        assert check_equal(claim, 0, assume=[assumption], timeout=30).status != "proved"
    assert check_equal(x * y**2, y, assume=[Eq(x * y, 1)], timeout=30).status == "proved"
    assert check_equal(x * y, x, assume=[Eq(x * y, x)], timeout=30).status == "proved"
