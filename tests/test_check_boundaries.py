"""Index ranges at their ends, and Kronecker deltas at values no index takes: the numbers
reach l = n of every l <= n (k = n - 1 of k < n), whatever the seed, so a symbolic rule that
misreads a range's end is contradicted there; and a delta summed over an integer index picks
an entry only at an integer value of it."""

from __future__ import annotations

import pytest
import sympy
from sympy import IndexedBase, KroneckerDelta, Sum, Symbol

from derive import check_equal
from derive.checker.facts import Facts
from derive.checker.limits import Limits, Work
from derive.checker.prove import attempt
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


def _symbolic_proof(difference, assume=()):
    """The symbolic side alone (the numbers would refute these false claims, and hide a
    false proof behind them)."""
    return attempt([difference], list(assume), Work(Limits()))[0]


def test_a_delta_at_a_value_no_integer_index_takes_is_never_summed_to_its_entry():
    """[i = r] for a real r in 0..n, and [2 i = m] for an odd m, are 0 at every index i:
    SymPy's delta summation takes the solution for an index value, and the delta rule did
    too, so both proved these false claims."""
    r = Symbol("r", real=True)
    m = Symbol("m", integer=True, positive=True)
    assert (
        _symbolic_proof(Sum(i**2 * KroneckerDelta(i, r), (i, 0, n)) - r**2, [r >= 0, r <= n])
        is None
    )
    assert _symbolic_proof(Sum(i * KroneckerDelta(2 * i, m), (i, 0, n)) - m / 2, [m <= n]) is None
    assert _symbolic_proof(Sum(i * KroneckerDelta(2 * i, 2 * m), (i, 0, n)) - m, [m <= n])
    assert _symbolic_proof(Sum(i**2 * KroneckerDelta(i, l), (i, 0, n)) - l**2, [l <= n])
