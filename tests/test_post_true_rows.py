"""Rows of real posts that must not turn a true claim false: hand-written equation numbers,
conditions stated in the prose before a continued display, names redefined in inline math."""

from __future__ import annotations

import pytest
from post_support import check, only


@pytest.mark.parametrize(
    "text",
    [
        r"x + x = 2x \qquad (2)",
        r"x + x = 2x \quad (4.61)",
        r"x + x = 2x \qquad (7).",
        r"\sigma'(z) = \sigma(z)(1 - \sigma(z)) \qquad (3)",
    ],
)
def test_a_bracketed_number_set_apart_at_the_end_of_a_row_numbers_it(text: str) -> None:
    assert only(f"$$ {text} $$").status == "proved"


def test_a_bracketed_number_that_is_not_set_apart_stays_a_factor() -> None:
    assert only(r"$$ x (2) = 2x $$").status == "proved"
    assert only(r"$$ 2 + 2 = 2 (3) $$").status == "refuted"


CASES = r"""
$$ S = \sum_{k=1}^{K} e^{u_k} $$

$$ \frac{\partial q_j}{\partial u_i} = \frac{\partial}{\partial u_i} \frac{e^{u_j}}{S} $$

If $i = j$,

$$ = \frac{e^{u_j}}{S} - \frac{e^{2 u_j}}{S^2} $$

and if instead $i \neq j$,

$$ = -\frac{e^{u_j} e^{u_i}}{S^2} $$
"""


def test_a_continued_display_under_another_prose_condition_starts_from_the_common_side() -> None:
    """Each case continues the chain's start (true there), not the other case's last side."""
    results = [r for r in check(CASES) if r.line in (8, 12)]
    assert [(r.line, r.status) for r in results] == [(8, "proved"), (12, "proved")]


def test_a_continued_display_under_another_condition_is_still_judged() -> None:
    slip = CASES.replace(r"= -\frac{e^{u_j} e^{u_i}}", r"= \frac{e^{u_j} e^{u_i}}")
    assert [r.status for r in check(slip) if r.line == 12] == ["refuted"]


SECTIONS = r"""
## Logistic

$$ g(z) = \frac{1}{1 + e^{-z}} $$

## Rectified

For the rectifier, $g(z) = \max(0, z)$, so that for $z > 0$

$$ g'(z) = 1 $$

## Softplus

Finally let $g(z) = \ln(1 + e^{z})$. Then

$$ g'(z) = \frac{e^{z}}{1 + e^{z}} $$
"""


def test_a_function_defined_again_in_inline_math_has_its_new_meaning() -> None:
    assert [(r.line, r.status) for r in check(SECTIONS)] == [(10, "proved"), (16, "proved")]
    slip = SECTIONS.replace(r"\frac{e^{z}}{1 + e^{z}} $$", r"\frac{1}{1 + e^{z}} $$")
    assert [r.status for r in check(slip) if r.line == 16] == ["refuted"]


def test_a_function_defined_again_in_a_row_that_cannot_be_read_is_unknown_after() -> None:
    text = SECTIONS.replace(
        "For the rectifier, $g(z) = \\max(0, z)$, so that for $z > 0$",
        "For the rectifier,\n\n$$ g(z) = \\max(0, z) \\quad (z \\in \\R) $$\n\nso for $z > 0$",
    )
    results = [r for r in check(text) if r.status != "cannot read"]
    assert results[0].status == "cannot check" and "cannot be read" in results[0].message()


THREE = r"""
$$ S = e^{u_1} + e^{u_2} + e^{u_3} $$

$$ Q_1 = \frac{e^{u_1}}{S} $$

$$ \frac{e^{u_1}}{S} - \frac{e^{2 u_1}}{S^2} = Q_1 - Q_1^2 $$
"""


def test_an_entry_at_given_indices_defined_in_a_worked_example_is_a_definition() -> None:
    """Q_1 = e^{u_1}/S defines the entry; a true row through it is not refuted (the reader
    keeps no meaning per entry: cannot check), and the definition is not judged."""
    results = check(THREE)
    assert [r.status for r in results] == ["cannot check"]
    assert "Q_1" in results[0].message()


def test_an_entry_of_a_name_defined_for_every_index_is_still_a_claim() -> None:
    text = THREE.replace("$$ Q_1 = ", "$$ Q_k = \\frac{e^{u_k}}{S} $$\n\n$$ Q_1 = ")
    assert [(r.line, r.status) for r in check(text)] == [(6, "proved"), (8, "proved")]
