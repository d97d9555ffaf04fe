"""A relation in brackets set apart by ``\\quad`` at the end of a row (``f'(x) = \\frac{1}{2} \\quad
(x < 0)``) is the row's condition, like ``\\quad x < 0``: the row is judged where it holds, and
a slip there is still refuted. A bracketed number there stays an equation number."""

from __future__ import annotations

from post_support import check

POST = r"""
$$ f(x) = \max(\frac{x}{2}, x) $$

$$ f'(x) = \frac{1}{2} \quad (x < 0) $$

$$ f'(x) = 1 \quad (x > 0). $$

$$ f'(x) = \frac{x}{2} \quad (x < 0) $$
"""


def test_a_bracketed_relation_after_quad_is_the_rows_condition() -> None:
    assert [r.status for r in check(POST)] == ["proved", "proved", "refuted"]


def test_the_condition_is_named_in_the_report() -> None:
    assert "x < 0" in check(POST)[0].message()


def test_a_bracketed_number_after_quad_is_still_an_equation_number() -> None:
    text = "$$ f(x) = 2 x $$\n\n$$ f'(x) = 2 \\qquad (6) $$\n"
    assert [r.status for r in check(text)] == ["proved"]
