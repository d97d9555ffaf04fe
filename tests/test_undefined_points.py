"""A point where a side is undefined (0/0, log 0, a pole) is unusable, never the end of the
evidence: the sampler moves on and draws another, so that enough usable points remain to
refute a false claim and to cross-check a proof of a true one."""

from __future__ import annotations

import pytest
import sympy
from sympy import Max, Min, Symbol, exp, gamma, log

from derive import check_equal
from derive.checker.compiled import Compiler
from derive.checker.evidence import gather

x = Symbol("x", real=True)
y = Symbol("y", real=True)


def test_a_failed_operation_makes_the_whole_value_undefined_without_raising():
    expr = exp(log(1 - 1 / x)) + 1 / (x - 1)  # log 0, then exp of it, at x = 1
    program = Compiler(expr).program({})
    assert program({x: sympy.Integer(1)}, 30) == (None, False)
    value, _ = program({x: sympy.Integer(2)}, 30)
    assert abs(complex(value) - 1.5) < 1e-25


def test_the_sampler_crash_case_is_refuted_and_its_true_twin_proved():
    false = check_equal(1 / (1 - 1 / x), 2 * x / (x - 1))
    assert false.status == "refuted" and false.certified
    assert false.counterexample[x] not in (0, 1)
    true = check_equal(1 / (1 - 1 / x), x / (x - 1))
    assert true.status == "proved"


def test_unusable_points_are_replaced_so_every_point_counts():
    entries = [("", 1 / (1 - 1 / x), x / (x - 1))]
    evidence = gather(entries, [], seed=0, count=10)
    assert evidence.counterexample is None and evidence.points == 10


# (lhs, rhs, status): each side has a pole, a 0/0 or a log 0 at a simple sample value
POLES = [
    (1 / (x * (x - 1)), 1 / (x - 1) - 1 / x, "proved"),
    (1 / (x * (x - 1)), 1 / (x - 1) + 1 / x, "refuted"),
    ((x**2 - 1) / (x - 1), x + 1, "proved"),
    ((x**2 - 1) / (x - 1), x - 1, "refuted"),
    (gamma(x + 1), x * gamma(x), "proved"),
    (gamma(x + 1), gamma(x), "refuted"),
    (log(x**2) / (x + 1), log(x**2) / (x + 1) + 1 / (x + 2), "refuted"),
    (1 / (x - y) + 1 / (y - x), 0, "proved"),
    (1 / (x - y), 1 / (y - x), "refuted"),
    (1 / (1 + 1 / (1 + 1 / x)), (x + 1) / (2 * x + 1), "proved"),
    (1 / (1 + 1 / (1 + 1 / x)), (x + 1) / (2 * x - 1), "refuted"),
]


@pytest.mark.parametrize(("lhs", "rhs", "status"), POLES)
def test_claims_with_poles_get_their_verdict(lhs, rhs, status):
    verdict = check_equal(lhs, rhs)
    assert verdict.status == status, verdict.method
    if status == "refuted":
        assert verdict.certified


def test_a_side_undefined_everywhere_says_so():
    nowhere = 1 / (Max(x, 0) + Min(x, 0) - x)  # the denominator is 0 at every x
    evidence = gather([("", nowhere, x)], [], seed=0, count=10)
    assert evidence.points == 0 and "undefined at every point tried" in evidence.problem
    verdict = check_equal(nowhere, x)
    assert verdict.status == "undecided"
    assert "undefined at every point tried" in verdict.method
