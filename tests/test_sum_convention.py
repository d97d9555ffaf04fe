"""One meaning for every sum: Karr's convention, as SymPy's ``Sum.doit`` follows it.

A sum whose upper bound is below its lower bound minus one is minus the sum over the gap
(Sum(x, (x, 5, 2)) = -(3 + 4) = -7), so that splitting a sum at any point is valid for all
integers. The proofs, the compiled numbers, the certificates and the 40-digit evaluator of
``derive.testing`` must read a sum the same way: a proof and the numbers that cross-check it
never disagree on the meaning of a sum, and a verdict on a subset of a domain never contradicts
the verdict on the whole domain.
"""

from __future__ import annotations

import numpy as np
import pytest
import sympy
from hypothesis import given
from hypothesis import strategies as st
from sympy import IndexedBase, KroneckerDelta, Piecewise, Product, Rational, Sum, symbols

from derive import check_equal
from derive.checker.evidence import gather
from derive.checker.sums import expand_finite_sums, karr_range
from derive.testing.precise import Evaluator, to_mp

x = sympy.Symbol("x", real=True)
i, j, k, u, v, w = symbols("i j k u v w", integer=True)
n = sympy.Symbol("n", integer=True, positive=True)


def _karr(body, index, lo: int, hi: int):
    """The sum by the definition, written out by hand (no helper of the checker)."""
    if hi >= lo - 1:
        return sum((body.subs(index, value) for value in range(lo, hi + 1)), sympy.S.Zero)
    return -sum((body.subs(index, value) for value in range(hi + 1, lo)), sympy.S.Zero)


def test_a_sum_with_reversed_bounds_is_minus_the_sum_over_the_gap():
    assert check_equal(Sum(x, (x, 5, 2)), -7).status == "proved"
    verdict = check_equal(Sum(x, (x, 5, 2)), 0)
    assert verdict.status == "refuted" and verdict.certified
    assert verdict.lhs_value == -7


def test_an_empty_sum_is_zero_and_a_reversed_product_is_a_reciprocal():
    assert check_equal(Sum(i**2, (i, 5, 4)), 0).status == "proved"
    assert check_equal(Product(i, (i, 5, 2)), Rational(1, 12)).status == "proved"
    assert check_equal(Product(i, (i, 5, 4)), 1).status == "proved"
    refuted = check_equal(Product(i, (i, 5, 2)), 1)
    assert refuted.status == "refuted" and refuted.certified


def test_the_three_karr_identities_of_sympys_tests_are_proved():
    # test_karr_convention: the normal sum plus the reversed one is 0
    normal, reversed_ = Sum(i**2, (i, k, k + j - 1)), Sum(i**2, (i, k + j, k - 1))
    assert check_equal(normal + reversed_, 0).status == "proved"
    # test_karr_proposition_2a, m > n: Sum_{m <= i < n} (g(i + 1) - g(i)) = g(n) - g(m)
    g = i**3 + 2 * i**2 - 3 * i
    step = sympy.expand(g.subs(i, i + 1) - g)
    assert check_equal(Sum(step, (i, u + v, u - 1)), g.subs(i, u) - g.subs(i, u + v)).proved
    # test_karr_proposition_2b, with the split point beyond both ends
    s1, s2 = Sum(i**3, (i, u, u - 1)), Sum(i**3, (i, u, u + v - 1))
    assert check_equal(s1, s2 + Sum(i**3, (i, u + v, u - 1))).status == "proved"


def test_the_probe_pair_gets_one_verdict_on_a_domain_and_its_subset():
    g = lambda t: t**3 + 2 * t**2 - 3 * t  # noqa: E731
    lhs, rhs = Sum(3 * i**2 + 7 * i, (i, u, u + v - 1)), g(u + v) - g(u)
    everywhere = check_equal(lhs, rhs)
    reversed_only = check_equal(lhs, rhs, assume=[v <= -1])
    assert everywhere.status == reversed_only.status == "proved"
    wrong = check_equal(lhs, rhs + 1, assume=[v <= -1])
    assert wrong.status == "refuted" and wrong.certified
    assert wrong.counterexample[v] <= -1


def test_a_delta_sum_over_bounds_of_unknown_order_carries_the_order():
    a, b = symbols("a b", integer=True)
    lhs = Sum(KroneckerDelta(i, 3), (i, a, b))
    # SymPy's own doit says 1 where a <= 3 <= b, 0 elsewhere: wrong for b < 2 < 4 <= a
    naive = Piecewise((1, (a <= 3) & (b >= 3)), (0, True))
    refuted = check_equal(lhs, naive)
    assert refuted.status == "refuted" and refuted.certified
    point = refuted.counterexample
    assert point[b] < 3 < point[a]
    karr = Piecewise((1, (a <= 3) & (b >= 3)), (-1, (b <= 2) & (a >= 4)), (0, True))
    assert check_equal(lhs, karr).status != "refuted"


def test_sum_limits_are_not_used_inside_a_sum_whose_bounds_may_be_reversed():
    a, b = symbols("a b", integer=True)
    body = Piecewise((1, i <= b), (0, True))
    # plain order: i <= b holds for every term; reversed: the terms are i = b+1..a-1, all 0
    refuted = check_equal(Sum(body, (i, a, b)), b - a + 1)
    assert refuted.status == "refuted" and refuted.certified
    inside = Piecewise((1, i <= n), (0, True))
    assert check_equal(Sum(inside, (i, 1, n)), n).status == "proved"


def test_the_40_digit_evaluator_of_gradient_code_reads_sums_alike():
    t = IndexedBase("t")
    values = to_mp(np.arange(1.0, 8.0))
    evaluator = Evaluator({t: (values, None)}, sizes={n: 5})
    # t_1 is the first element: the sum from 5 down to 2 is -(t_3 + t_4)
    assert float(evaluator.evaluate(Sum(t[k], (k, n, 2))).value) == -(3 + 4)
    assert float(evaluator.evaluate(Sum(t[k], (k, 2, n))).value) == 2 + 3 + 4 + 5
    assert float(evaluator.evaluate(Sum(t[k], (k, n, 4))).value) == 0


def test_karr_range_and_the_written_out_sum_agree_with_sympys_doit():
    for lo in range(-3, 4):
        for hi in range(-3, 4):
            values, sign = karr_range(lo, hi)
            by_hand = sign * sum(value**2 for value in values)
            assert (
                by_hand
                == Sum(i**2, (i, lo, hi)).doit()
                == expand_finite_sums(Sum(i**2, (i, lo, hi)))
            )


_coefficients = st.lists(st.integers(-4, 4), min_size=1, max_size=4)
_bound = st.integers(-6, 6)


def _polynomial(coefficients):
    return sum((c * i**power for power, c in enumerate(coefficients)), sympy.S.Zero)


@given(_coefficients, _bound, _bound)
def test_numeric_bounds_in_either_order_are_proved_at_the_value_by_hand(coefficients, a, b):
    f = _polynomial(coefficients)
    value = _karr(f, i, a, b)
    assert check_equal(Sum(f, (i, a, b)), value).status == "proved"
    wrong = check_equal(Sum(f, (i, a, b)), value + 1)
    assert wrong.status == "refuted" and wrong.certified


@given(_coefficients, _bound, _bound, _bound)
def test_splitting_a_sum_at_any_point_is_proved(coefficients, a, b, c):
    f = _polynomial(coefficients)
    split = Sum(f, (i, a, b)) + Sum(f, (i, b + 1, c))
    assert check_equal(split, Sum(f, (i, a, c))).status == "proved"
    if f != 0:  # off by one at the split point: the term f(b + 1) is counted twice or lost
        shifted = Sum(f, (i, a, b)) + Sum(f, (i, b, c))
        expected = "proved" if f.subs(i, b) == 0 else "refuted"
        assert check_equal(shifted, Sum(f, (i, a, c))).status == expected


@given(_coefficients, st.sampled_from([None, v >= 0, v <= -1, v <= -3]))
def test_symbolic_bounds_proof_and_evidence_agree_on_every_subset(coefficients, condition):
    f = _polynomial(coefficients)
    closed = sympy.summation(f, (i, u, u + v))  # SymPy's closed form (an antidifference)
    assume = [] if condition is None else [condition]
    entries = [("", Sum(f, (i, u, u + v)), closed)]
    evidence = gather(entries, assume, seed=3, count=10)
    assert evidence.counterexample is None and evidence.points == 10
    assert check_equal(Sum(f, (i, u, u + v)), closed, assume=assume).status == "proved"
    split = Sum(f, (i, u, w)) + Sum(f, (i, w + 1, u + v))
    assert check_equal(split, closed, assume=assume).status == "proved"


@pytest.mark.parametrize("shift", [1, -1])
def test_a_bound_off_by_one_is_refuted_whatever_the_order(shift):
    f = i**2 + 1
    closed = sympy.summation(f, (i, u, u + v))
    verdict = check_equal(Sum(f, (i, u, u + v + shift)), closed, assume=[v <= -3])
    assert verdict.status == "refuted" and verdict.certified


def test_kinks_of_a_sums_index_are_exact_values_not_sample_kinks():
    # the term h = 0 of a sum of |h| is at |.|'s kink at every point: its value is exact
    h, m = symbols("h m", integer=True)
    wrong = check_equal(Sum(sympy.Abs(h), (h, 1, m)), m * (m + 1) / 2)  # false for m <= -2
    assert wrong.status == "refuted" and wrong.certified and wrong.counterexample[m] <= -2
    signs = check_equal(Sum(sympy.sign(h), (h, 1, m)), m)  # m = -1: -sign(0) = 0
    assert signs.status == "refuted" and signs.certified
    relu = check_equal(Sum(sympy.Max(h, 0), (h, 1, m)), m * (m + 1) / 2)
    assert relu.status == "refuted" and relu.certified


def test_an_integer_bounded_on_one_side_is_proved_above_its_bound():
    # n >= 0 as n = m with m a nonnegative integer: the sum's bounds are then in order
    h, m = symbols("h m", integer=True)
    verdict = check_equal(Sum(sympy.Abs(h), (h, 1, m)), m * (m + 1) / 2, assume=[m >= 0])
    assert verdict.status == "proved" and verdict.needs == (m >= 0,)
    assert check_equal(Sum(1, (h, 1, m)), sympy.Max(m, 0), assume=[m >= 0]).proved
    assert check_equal(Sum(KroneckerDelta(h, 0), (h, -m, m)), 1, assume=[m >= 0]).proved
    # and without the bound: m = -1 gives -1 (Karr), not 0
    karr = Piecewise((1, m >= 0), (-1, True))
    assert check_equal(Sum(KroneckerDelta(h, 0), (h, -m, m)), karr).status != "refuted"
    assert check_equal(Sum(KroneckerDelta(h, 0), (h, -m, m)), 1).refuted


_REVERSED_FILE = """
[symbols]
i = "index 1..3"
x = "real[3] data"

[[derivation]]
name = "a reversed sum"
start = "-x[2]"
steps = ["sum(x[i], (i, 3, 1))"]
"""


def test_a_files_reversed_sum_is_proved_by_karr_and_never_emitted(tmp_path, capsys):
    from derive.cli import main

    path = tmp_path / "reversed.toml"
    path.write_text(_REVERSED_FILE)
    assert main(["check", str(path)]) == 0  # the sum from 3 down to 1 is -x[2]
    assert "1 proved" in capsys.readouterr().out
    slipped = path.with_name("slipped.toml")
    slipped.write_text(_REVERSED_FILE.replace('"-x[2]"', '"0"'))
    assert main(["check", str(slipped)]) == 1  # the plain reading (empty: 0) is refuted
    capsys.readouterr()
    out = tmp_path / "reversed.py"
    assert main(["emit", str(path), "-o", str(out)]) == 1  # code never sums a reversed range
    assert "the range 3..1 is reversed" in capsys.readouterr().out
    assert not out.exists()


def test_a_posts_reversed_sum_is_read_by_karr(tmp_path, capsys):
    from derive.cli import main

    post = tmp_path / "reversed.md"
    text = "# Sums\n\nLet $x_1, x_2, x_3$ be real numbers. Then\n\n"
    text += "$$\n\\sum_{i=3}^{1} x_i = {}\n$$\n"
    post.write_text(text.replace("{}", "-x_2"))
    assert main(["check", str(post)]) == 0
    assert "1 proved" in capsys.readouterr().out
    post.write_text(text.replace("{}", "x_2"))
    assert main(["check", str(post)]) == 1
    assert "1 refuted" in capsys.readouterr().out
