"""Certified refutations, exact differences and region points, tested on their own: the
certificate refuses what is not a difference, a bound is never above the true gap, region
points land in every interval, and the rewrites to exponentials and logs prove only what
holds (test the tester: wrong inputs are rejected)."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from fractions import Fraction

import pytest
import sympy
from hypothesis import given
from hypothesis import strategies as st
from sympy import Eq, Heaviside, Max, Rational, Symbol, exp, log, symbols, tanh

import derive.checker.evidence
import derive.checker.sampling
from derive import check_equal
from derive.checker.certify import Certificate, certify, holds, lower_text
from derive.checker.exponentials import split_logs, zero_as_rational_function
from derive.checker.regions import region_values, simplest_between

x, y = symbols("x y", real=True)
p = Symbol("p", positive=True)
w = Symbol("w")
FRACTIONS = st.fractions(min_value=-20, max_value=20, max_denominator=50)


def test_a_certificate_encloses_the_difference_from_below() -> None:
    found = certify((exp(y), exp(y) + y**4 / 10**30), {}, {y: sympy.Integer(2)}, [])
    assert found.differ is True
    assert 0 < float(found.lower) <= 16e-30 and found.gap <= 16e-30


def test_equal_sides_are_never_certified_as_different() -> None:
    # equal at the point (exactly, or only up to every precision the balls try)
    assert certify((x**2, x * x + 0), {}, {x: sympy.Integer(3)}, []).differ is False
    sides = ((exp(x) + 1) * (exp(x) - 1), exp(2 * x) - 1)  # equal, never exact in balls
    found = certify(sides, {}, {x: Rational(1, 3)}, [])
    assert found.differ is False and "no precision" in found.reason


def test_a_point_outside_an_assumption_is_not_certified() -> None:
    found = certify((x, x + 1), {}, {x: sympy.Integer(2)}, [x < 1])
    assert found.differ is None and "assumption" in found.reason


def test_a_coordinate_outside_its_domain_is_not_certified() -> None:
    found = certify((p, p + 1), {}, {p: sympy.Integer(-1)}, [])
    assert found.differ is None and "domain" in found.reason and found.outside


def test_a_point_outside_its_domain_is_never_a_counterexample(monkeypatch) -> None:
    # a sampler that draws an odd n at 0: no refutation, certified or not, may come of it
    monkeypatch.setattr(derive.checker.sampling, "nearest_zero", lambda s: sympy.Integer(0))
    n = Symbol("n", odd=True)
    verdict = check_equal((-1) ** (3 * n / 2), -(sympy.I**n))
    assert not verdict.refuted, verdict


def test_a_solved_irrational_coordinate_enters_exactly() -> None:
    # t = 1 - e solves x + t = 2 - e exactly; it is substituted, never rounded
    t = Symbol("t", real=True)
    values = {x: sympy.Integer(1), t: 1 - sympy.E}
    relations = [Eq(x + t, 2 - sympy.E), t < 0]
    assert all(holds(r, values) for r in relations)
    assert certify((exp(x) + t, sympy.Integer(1)), {}, values, relations).differ is False
    assert certify((exp(x) + t, sympy.Integer(2)), {}, values, relations).differ is True


def test_assumptions_are_decided_exactly_or_by_a_ball() -> None:
    assert holds(x <= Rational(1, 3), {x: Rational(1, 3)})
    assert not holds(x < Rational(1, 3), {x: Rational(1, 3)})
    assert holds(x < sympy.pi, {x: Rational(314159, 100000)})
    assert not holds(x > sympy.pi, {x: Rational(314159, 100000)})
    assert not holds(Eq(x, sympy.pi), {x: Rational(314159, 100000)})


@given(st.fractions(min_value=Fraction(1, 10**6), max_value=10**6))
def test_lower_text_never_rounds_up(value: Fraction) -> None:
    text = lower_text(value)
    assert Fraction(text) <= value
    assert Fraction(text) > value * Fraction(99, 100)  # three significant digits


@given(st.integers(min_value=13, max_value=400), st.integers(min_value=1, max_value=9))
def test_a_tiny_offset_of_any_size_is_refuted_and_certified(digits: int, mantissa: int) -> None:
    offset = Rational(mantissa, 10**digits)
    verdict = check_equal(exp(x), exp(x) + offset * x**2)
    assert verdict.refuted and verdict.certified, str(verdict)
    point = verdict.counterexample[x]
    bound = Rational(verdict.method.split("≥ ")[1].split(" ")[0])
    assert 0 < bound <= offset * point**2  # exactly |lhs - rhs| at the point, from below


@given(FRACTIONS, FRACTIONS)
def test_a_band_between_two_breakpoints_is_sampled(a: Fraction, b: Fraction) -> None:
    lo, hi = sorted((Rational(a.numerator, a.denominator), Rational(b.numerator, b.denominator)))
    if lo == hi:
        return
    verdict = check_equal(Heaviside(x - lo) - Heaviside(x - hi), 0)
    assert verdict.refuted and verdict.certified, str(verdict)
    assert lo <= verdict.counterexample[x] <= hi


@given(st.one_of(st.none(), FRACTIONS), st.one_of(st.none(), FRACTIONS))
def test_simplest_between_lies_inside_and_has_the_smallest_denominator(lo, hi) -> None:
    if lo is not None and hi is not None and lo >= hi:
        with pytest.raises(ValueError, match="empty"):
            simplest_between(lo, hi)
        return
    found = simplest_between(lo, hi)
    assert (lo is None or lo < found) and (hi is None or found < hi)
    if lo is None or hi is None:
        assert found.denominator == 1  # an unbounded interval holds an integer
        return
    for q in range(1, found.denominator):  # no fraction with a smaller denominator inside
        assert Fraction(math.floor(lo * q) + 1, q) >= hi, (lo, hi, found, q)


def test_region_values_cover_every_interval_and_the_convention_breakpoints() -> None:
    kinks = [x - Rational(1, 4), x]
    found = list(region_values(kinks, [x - Rational(1, 4)], [x], {x: sympy.Integer(7)}, 16))
    values = sorted(v[x] for v in found)
    assert any(v < 0 for v in values)
    assert any(0 < v < Rational(1, 4) for v in values)
    assert any(v > Rational(1, 4) for v in values)
    assert Rational(1, 4) in values  # Heaviside's convention is looked at
    assert 0 not in values  # Max(0, x) is continuous at 0: no convention to look at


def test_region_values_respect_the_limit_and_the_sign_of_an_atom() -> None:
    kinks = [p - Rational(k, 7) for k in range(-3, 12)]
    found = list(region_values(kinks, [], [p], {p: sympy.Integer(1)}, 5))
    assert len(found) == 5
    assert all(v[p] > 0 for v in found)


def test_a_difference_the_balls_do_not_see_is_never_reported(monkeypatch) -> None:
    # a search that claims every point differs: certification must throw each one away
    monkeypatch.setattr(derive.checker.evidence, "_compare", lambda lv, rv: ("differ", 1.0))
    verdict = check_equal((x + 1) ** 2, x**2 + 2 * x + 1)
    assert not verdict.refuted


def test_a_certificate_that_evalf_contradicts_is_not_a_refutation(monkeypatch) -> None:
    # a certifier that claims a large difference where evalf sees none: one engine is wrong
    fake = Certificate(True, "1", 1 + 0j, 0j, 1.0)
    monkeypatch.setattr(derive.checker.evidence, "_compare", lambda lv, rv: ("differ", 1.0))
    monkeypatch.setattr(derive.checker.evidence, "certify", lambda *args: fake)
    verdict = check_equal((x + 1) ** 2, x**2 + 2 * x + 1)
    assert not verdict.refuted


@pytest.mark.parametrize(
    ("claim", "holds_there"),
    [
        (log(1 + exp(x)) - log(1 + exp(-x)) - x, True),
        (log(Max(x, 1)) - log(Max(x, 1)), True),
        (log(x**2) - 2 * log(x), False),  # x < 0: not split (x is not positive)
        (log(w * w) - 2 * log(w), False),  # complex: never split
        (log(1 + exp(w)) - log(1 + exp(-w)) - w, False),
    ],
)
def test_logs_are_split_only_where_that_is_valid(claim, holds_there: bool) -> None:
    assert zero_as_rational_function(split_logs(claim)) is holds_there


def test_rewrites_to_exponentials_prove_the_sigmoid_and_refute_its_slips() -> None:
    sigmoid = 1 / (1 + exp(-y))
    proved = check_equal(sigmoid, (1 + tanh(y / 2)) / 2)
    assert proved.proved and "exponentials" in proved.method
    assert check_equal(sigmoid, (1 + tanh(y)) / 2).refuted
    assert check_equal(sigmoid, (1 + tanh(y / 2)) / 2 + y**2 / 10**35).refuted


NEW_KINDS = """\
[symbols]
y = "real"

[[derivation]]
name = "region only"
start = "y * Heaviside(y - 1/4)"
steps = [{ expr = "max(0, y)", why = "wrong between 0 and 1/4" }]

[[derivation]]
name = "tiny"
start = "exp(y)"
steps = [{ expr = "exp(y) + y**4 / 10**30", why = "wrong by 1e-30" }]

[[derivation]]
name = "sigmoid"
start = "1 / (1 + exp(-y))"
steps = [{ expr = "(1 + tanh(y / 2)) / 2", why = "tanh in exponentials" }]
"""


@pytest.mark.slow
def test_new_kinds_get_the_same_verdict_under_any_hash_seed(tmp_path) -> None:
    path = tmp_path / "kinds.toml"
    path.write_text(NEW_KINDS, encoding="utf-8")
    found = []
    for seed in (1, 2):
        done = subprocess.run(
            [sys.executable, "-m", "derive", "check", "--json", str(path)],
            capture_output=True,
            text=True,
            timeout=300,
            env={**os.environ, "PYTHONHASHSEED": str(seed)},
        )
        assert done.returncode == 1, done.stderr[-2000:]
        rows = [r for r in json.loads(done.stdout) if r["type"] == "step"]
        found.append([(r["status"], r["method"], r["counterexample"]) for r in rows])
    assert found[0] == found[1]
    assert [status for status, _, _ in found[0]] == ["refuted", "refuted", "proved"]
    assert all(method.startswith("certified: ") for _, method, _ in found[0][:2])
