"""What the checker refuses and where it stops: inputs that are not SymPy expressions or
relations, the deterministic limits on its work, and the time guard against a hang."""

from __future__ import annotations

import time

import pytest
import sympy
from sympy import Abs, Eq, Heaviside, Matrix, Max, Rational, exp, symbols

import derive.checker.prove
from derive import check_equal
from derive.checker.limits import Limits

x, y = symbols("x y", real=True)


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


def test_the_regions_limit_bounds_the_points_between_kinks() -> None:
    third = Rational(1, 3)
    claim = (Max(0, x - third) * Heaviside(y), (x - third + Abs(x - third)) / 2 * Heaviside(y))
    many = check_equal(*claim, limits=Limits(regions=16))
    few = check_equal(*claim, limits=Limits(regions=1))
    assert many.proved and few.proved
    assert few.points <= 10 + 1  # the search's points and one between the kinks
    assert many.points > few.points
