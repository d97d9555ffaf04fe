"""Rows of real posts that must not turn a true claim false: hand-written equation numbers,
conditions stated in the prose before a continued display, names redefined in inline math."""

from __future__ import annotations

import pytest
from post_support import check, check_all, only, statuses
from sympy import Float, ImmutableMatrix, IndexedBase, Rational

from derive.checker.matrix.explicit import difference_zero


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
    """Q_1 = e^{u_1}/S defines the entry (not judged); a true row through it is read with
    the entry's formula (proved), a slip through it refuted."""
    assert [r.status for r in check(THREE)] == ["proved"]
    slip = THREE.replace("= Q_1 - Q_1^2", "= Q_1 + Q_1^2")
    assert [r.status for r in check(slip)] == ["refuted"]


def test_an_entry_of_a_name_defined_for_every_index_is_still_a_claim() -> None:
    text = THREE.replace("$$ Q_1 = ", "$$ Q_k = \\frac{e^{u_k}}{S} $$\n\n$$ Q_1 = ")
    assert [(r.line, r.status) for r in check(text)] == [(6, "proved"), (8, "proved")]


def test_a_display_not_read_ends_the_chain_that_a_later_display_continues() -> None:
    """``= ...`` after a display that cannot be read is not compared with an older side."""
    text = "$$ a = b + 1 $$\n\n$$ c = \\frac{1}{2} \\quad ( $$\n\n$$ = b + 2 $$\n"
    results = check(text)
    assert [r.status for r in results] == ["cannot read", "cannot check"]


def test_a_row_ending_with_equals_is_continued_by_the_next_display() -> None:
    text = "$$ f = (x + 1)^2 $$\n\n$$ f = (x + 1)(x + 1) = $$\n\n$$ = x^2 + 2x + 1 $$\n"
    assert statuses(text) == ["proved", "proved"]
    slip = text.replace("= x^2 + 2x + 1", "= x^2 + x + 1")
    assert statuses(slip) == ["proved", "refuted"]


GAIN = r"""
$$ r = \sqrt{\frac{1}{n}\sum_{k=1}^{n} x_k^2} $$

$$ y_i = \frac{g_i x_i}{r} $$

With all $g_i = 1$,

$$ \frac{1}{n}\sum_{i=1}^{n} y_i^2 = \frac{1}{n r^2}\sum_{i=1}^{n} x_i^2 = 1 $$
"""


@pytest.mark.parametrize("kind", ["md", "tex"])
def test_a_prose_condition_on_an_entry_whose_index_is_summed_holds_for_every_entry(kind) -> None:
    """ "With all $g_i = 1$" before a sum over i: every g_i is 1 (the vector form too: in a
    .tex post with $x \\in \\mathbb{R}^n$ the entries are a vector's)."""
    text = GAIN if kind == "md" else _as_tex("For $x, g \\in \\mathbb{R}^n$:\n" + GAIN)
    assert statuses(text, kind) == ["proved", "proved"]
    slip = text.replace(r"\sum_{i=1}^{n} x_i^2 = 1", r"\sum_{i=1}^{n} x_i^2 = 2")
    assert statuses(slip, kind) == ["proved", "refuted"]


def _as_tex(text: str) -> str:
    """``$$ a $$`` displays as ``\\[ a \\]``."""
    parts = text.split("$$")
    return "".join(p if i % 2 == 0 else f"\\[{p}\\]" for i, p in enumerate(parts))


def test_a_difference_left_symbolic_is_unclear_not_a_crash() -> None:
    """An entry of a number (``3.5[1]``, from a value put for a name also used with indices)
    passes SymPy's is_number but never compares: the cross-check says it cannot tell."""
    entry = IndexedBase(Float(3.5))[1]
    gap = ImmutableMatrix([[Rational(8, 90) * entry + Rational(3, 101)]])
    assert difference_zero(gap, ImmutableMatrix([[0]])) is None


def test_an_entry_at_given_indices_that_earlier_claims_use_is_not_redefined() -> None:
    """``\\beta_1 = ...`` after claims about \\beta_1 is the solution of equations: a slip
    before it is still refuted."""
    text = r"$$ \frac{d}{d b_1} (b_1 x - y)^2 = 2 (b_1 x - y) $$" + "\n\n"
    text += r"$$ b_1 = \frac{y}{x} $$" + "\n"
    assert statuses(text)[0] == "refuted"


@pytest.mark.parametrize("note", [r"\text{(wrong!)}", r"\quad \text{incorrect}", r"\text{a typo}"])
def test_a_formula_its_row_calls_wrong_is_not_a_claim(note: str) -> None:
    text = f"$$ x + x = 3x \\quad {note} $$\n\n$$ = 6x $$\n"
    results = check_all(text)
    assert [r.status for r in results] == ["not a claim", "cannot check"]
    assert "wrong" in results[0].message()


def test_a_note_that_does_not_disown_the_formula_leaves_it_a_claim() -> None:
    assert only(r"$$ x + x = 3x \quad \text{(collect terms)} $$").status == "refuted"


@pytest.mark.parametrize("word", [r"\text{QED}", r"\text{check}", r"\mbox{done}"])
def test_a_word_set_apart_at_the_end_of_a_row_is_an_annotation(word: str) -> None:
    assert only(f"$$ x + x = 2x \\qquad {word} $$").status == "proved"


@pytest.mark.parametrize("written", ["E[X]", r"\mathbb{E}[X]", "E [X]"])
def test_the_expectation_is_not_read_as_a_product(written: str) -> None:
    result = only(f"$$ {written} = \\sum_x x\\, p(x) $$")
    assert result.status == "cannot read" and "expectation" in result.message()


def test_a_where_clause_after_a_formula_defines_rather_than_multiplies() -> None:
    text = r"$$ L = -\sum_{k=1}^{K} y_k \log p_k, \quad \text{where } "
    text += r"p_k = \frac{e^{z_k}}{\sum_{j=1}^{K} e^{z_j}} $$" + "\n\n"
    text += r"$$ \frac{\partial L}{\partial z_i} = p_i \sum_{k=1}^{K} y_k - y_i $$" + "\n"
    results = check_all(text)
    assert [r.status for r in results] == ["not a claim", "not a claim", "proved"]


def test_the_hyperbolic_functions_are_read() -> None:
    chain = r"$$ \tanh'(z) = \frac{1}{\cosh^2 z} = \text{sech}^2(z) = 1 - \tanh^2 z $$"
    assert statuses(chain) == ["proved", "proved", "proved"]
    assert statuses(r"$$ \cosh^2 x - \sinh^2 x = 2 $$") == ["refuted"]


def test_an_error_named_e_is_a_name_and_e_with_letters_stays_the_exponential() -> None:
    text = "$$ e = y - \\hat{y} $$\n\n$$ -e = \\hat{y} - y $$\n\n"
    text += "$$ \\frac{d}{dz} \\frac{1}{1 + e^{-z}} = \\frac{e^{-z}}{(1 + e^{-z})^2} $$\n\n"
    text += "$$ e^2 = (y - \\hat{y})^2 $$\n"
    results = check_all(text)
    assert [r.status for r in results] == ["not a claim", "proved", "proved", "cannot read"]
    assert only(r"$$ e = \lim_{n} (1 + 1/n)^n $$").status != "proved"


PER_SECTION = r"""
Throughout, $a = g(z)$ is the unit's output.

## Logistic

$$ g(z) = \frac{1}{1 + e^{-z}} $$

$$ g'(z) = a(1 - a) $$

## Hyperbolic tangent

$$ g(z) = \tanh(z) $$

$$ g'(z) = 1 - a^2 $$
"""


def test_a_name_defined_before_its_function_follows_each_section_s_function() -> None:
    """``a = g(z)`` in the introduction, before any g: in each section, g is that section's."""
    assert statuses(PER_SECTION) == ["proved", "proved"]
    assert statuses(PER_SECTION.replace("= 1 - a^2", "= 1 + a^2")) == ["proved", "refuted"]


EXAMPLES = r"""
With $p = \sigma(z)$, the loss is

$$ L = -y \log p - (1 - y) \log (1 - p) $$

When $y = 1$ the loss is $-\log p$. Setting $z = 0$ gives $p = 0.5$ and

$$ L = \log 2 = 0.693 $$

A one-hot target $y = (0, 1, 0)$ and $p = (0.2, 0.7, 0.1)$ give

$$ L = -\log 0.7 = 0.357 $$
"""


def test_a_row_of_a_new_example_is_not_refuted_at_an_earlier_example_s_values() -> None:
    """The last values the text gives (the entries of y and p) are not those the row is
    computed from (z = 0): the row belongs to a new example, not read as such."""
    results = check(EXAMPLES)
    assert [r.status for r in results] == ["proved", "proved", "cannot check", "proved"]
    assert "a new example" in results[2].message()
    slip = EXAMPLES.replace(r"L = \log 2 = 0.693", r"L = \log 3 = 1.099")
    assert check(slip)[0].status == "refuted"


def test_a_closed_form_from_the_start_given_inline_is_not_read_but_respected() -> None:
    text = r"The schedule $\eta_t = \eta_0 / (1 + kt)$ gives" + "\n\n"
    text += r"$$ \eta_1 = \frac{\eta_0}{1 + k} $$" + "\n"
    result = only(text)
    assert result.status == "cannot check" and "η" in result.message()


def test_a_derivative_that_mixes_matrices_and_numbers_is_reported_not_raised() -> None:
    text = r"With $z = wx + b$, $a = \sigma(z)$, $C = \frac{1}{2}(a - y)^2$ and "
    text += r"$\delta = (a - y) \odot \sigma'(z)$:" + "\n\n"
    text += r"$$ \frac{\partial C}{\partial b} = (a - y) a (1 - a) $$" + "\n"
    assert only(text).status in ("proved", "cannot check", "cannot read")


def test_commas_that_end_the_values_and_conditions_of_cases_are_punctuation() -> None:
    text = "$$ g(z) = \\max(0, z) $$\n\n"
    text += r"$$ g'(z) = \begin{cases} 0, & z < 0, \\ 1, & z > 0 \end{cases} $$" + "\n"
    assert statuses(text) == ["proved"]
    assert statuses(text.replace("0, & z < 0", "1, & z < 0")) == ["refuted"]
