"""Claims with decimals are judged to the digits shown: a decimal written with d places stands
for any value within one unit of its last place. Proved when some such values make the sides
equal (certified), refuted only when none can, undecided in between."""

from __future__ import annotations

from fractions import Fraction

import pytest
from sympy import Rational, Symbol, exp, log, tanh

from derive.checker.digits import judge
from derive.checker.equal import check_equal
from derive.checker.rounded import Rounded, plain, rounded_atoms

_places = iter(range(1, 10_000))


def d(text: str, given: bool = False) -> Rounded:
    """A decimal at a place of its own."""
    return Rounded(text, next(_places), given)


def verdict(lhs, rhs):
    return judge(lhs, rhs, lambda left, right: check_equal(left, right, timeout=20))


def test_a_decimal_stands_for_the_values_within_one_unit_of_its_last_place() -> None:
    assert d("0.6225").interval() == (Fraction(6224, 10000), Fraction(6226, 10000))
    assert d("2.0").interval() == (Fraction(19, 10), Fraction(21, 10))
    assert d("0.1", given=True).interval() == (Fraction(1, 10), Fraction(1, 10))
    assert [d(t).significant for t in ("0.150", "2.0", "0.0001", "11.212")] == [3, 2, 1, 5]


def test_decimals_stay_apart_from_exact_numbers_until_written_plain() -> None:
    half, tenth = d("0.5"), d("0.1")
    expr = half * tenth + Rational(1, 2)
    assert set(rounded_atoms(expr)) == {half, tenth} and expr.free_symbols == set()
    assert plain(expr) == Rational(11, 20)
    assert str(expr) == "0.1*0.5 + 1/2"


@pytest.mark.parametrize(
    ("lhs", "rhs"),
    [
        (1 / (1 + exp(-Rational(47, 100))), d("0.615384")),  # rounded to six places
        (Rational(1, 2) * (d("0.9") - d("0.680647")) ** 2, d("0.02405")),  # cut off, not rounded
        (tanh(1), d("0.7616")),
        (7 * log(d("0.7")) + 3 * log(d("0.3")), -d("6.109")),
        (1 / (1 + exp(-d("1.0")) + exp(-d("1.9"))), 1 / (1 + d("0.368") + d("0.150"))),
    ],
)
def test_a_value_right_to_the_digits_shown_is_proved_so(lhs, rhs) -> None:
    found = verdict(lhs, rhs)
    assert found.status == "proved" and found.method.startswith("to the digits shown")


def test_decimals_that_agree_as_written_are_proved_exactly() -> None:
    found = verdict(d("2.1") - d("2.09"), d("0.01"))
    assert found.proved and "to the digits shown" not in found.method


def test_a_value_further_off_than_its_digits_is_refuted_with_a_certificate() -> None:
    found = verdict(d("0.680647") * (1 - d("0.680647")), d("0.271367"))  # 0.217367, swapped
    assert found.refuted and found.certified
    assert "no values within one unit of the last place of 0.680647, 0.271367" in found.method
    assert found.lhs_value == pytest.approx(0.2173666614) and found.rhs_value == 0.271367


def test_a_short_decimal_inside_a_side_is_not_widened_to_prove_a_slip() -> None:
    # 1.08 + 0.1 * 3.84 = 1.464: 1.364 is a slip; 0.1 widened to [0, 0.2] would excuse it
    lhs = d("1.08") - d("0.1") * 2 * (d("1.08") - 3)
    assert verdict(lhs, d("1.364")).status == "undecided"  # the rule alone cannot tell
    given = d("1.08") - d("0.1", given=True) * 2 * (d("1.08") - 3)  # eta = 0.1, an input
    assert verdict(given, d("1.364")).refuted


def test_a_result_shown_is_widened_even_when_it_repeats_a_given_value() -> None:
    # sigma(0.01) = 0.5025: "0.5" to one place is right, though 0.5 is also an input
    assert verdict(1 / (1 + exp(-d("0.01"))), d("0.5", given=True)).proved


def test_between_shown_equal_and_shown_apart_is_undecided() -> None:
    # 1/1.37 = 0.72993 needs 0.37 near 0.3678: its two digits are not widened for a proof,
    # and widened they cannot show the sides apart
    found = verdict(1 / (1 + d("0.37")), d("0.7311"))
    assert found.status == "undecided" and "neither shown equal nor shown apart" in found.method


def test_a_claim_with_symbols_keeps_a_refutation_only_apart_within_the_digits() -> None:
    x = Symbol("x", real=True)
    far = verdict(d("0.5") * x, x / 3)
    assert far.refuted and any("within the digits shown" in c for c in far.caveats)
    near = verdict(d("0.333") * x, x / 3)  # 1/3 to three places: never refuted
    assert near.status == "undecided"
