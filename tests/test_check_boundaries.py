"""The numbers reach the ends of the index ranges: every sampler of a claim with an index
l <= n draws a set of integers with l = n (and a strict k < n one with k = n - 1), so a
symbolic rule that misreads a range's end is contradicted there, whatever the seed."""

from __future__ import annotations

import pytest
import sympy
from sympy import IndexedBase, KroneckerDelta, Sum, Symbol

from derive import check_equal
from derive.checker.facts import Facts
from derive.checker.sampling import Sampler

n = Symbol("n", integer=True, positive=True)
l = Symbol("l", integer=True, nonnegative=True)  # noqa: E741 (the index's name in the claim)
k = Symbol("k", integer=True, positive=True)
i = Symbol("i", integer=True, nonnegative=True)
x = IndexedBase("x", real=True)
PICK = Sum(x[i] * KroneckerDelta(i, l), (i, 0, n - 1))  # x[l] only for l <= n - 1


def _integer_sets(exprs, assume, seed):
    sampler = Sampler(exprs, assume, seed=seed)
    return [point.integers for point in sampler.points(12, 4)]


@pytest.mark.parametrize("seed", range(10))
def test_every_sampler_reaches_an_index_at_the_end_of_its_range(seed):
    sets = _integer_sets([PICK, x[l]], [l <= n], seed)
    assert any(values[l] == values[n] for values in sets)
    strict = _integer_sets([x[k]], [k < n], seed)
    assert any(values[k] == values[n] - 1 for values in strict)


@pytest.mark.parametrize("seed", range(6))
def test_a_delta_rule_that_misreads_the_range_is_contradicted_by_the_numbers(seed, monkeypatch):
    """With the range check made to say yes, the delta rule proves the false pick; the numbers
    at l = n must contradict that proof for every seed (they missed it for some before)."""
    monkeypatch.setattr(Facts, "within", lambda self, v, lo, hi: True)
    verdict = check_equal(PICK, x[l], assume=[l <= n], seed=seed, timeout=30)
    assert verdict.status != "proved"


def test_the_true_pick_stays_proved():
    assert check_equal(PICK, x[l], assume=[l <= n - 1], timeout=30).status == "proved"
    assert sympy.Le(l, n - 1) in check_equal(PICK, x[l], assume=[l <= n - 1], timeout=30).needs
