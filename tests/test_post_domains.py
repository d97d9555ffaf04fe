"""Notes after a formula that say nothing to check: ``, \\quad z \\in \\mathbb{R}`` says its
names are real numbers, as the reader assumes anyway, so the row is read without the clause (it
was "\\in is not read"; any other set would restrict the row, and stays unread); a comment as
code writes one (``\\qquad // ...``) is prose."""

from __future__ import annotations

from post_support import check

POST = r"""
$$ \tanh(z) = 2\sigma(2z) - 1, \qquad z \in \mathbb{R} $$

$$ \sigma(-z) = 1 - \sigma(z), \quad z \in \R . $$

$$ \tanh(z) = 2\sigma(2z) + 1, \qquad z \in \mathbb{R} $$
"""


def test_a_clause_saying_names_are_real_is_dropped() -> None:
    assert [r.status for r in check(POST)] == ["proved", "proved", "refuted"]


def test_another_set_is_not_dropped() -> None:
    text = r"$$ \sqrt{x^2} = x, \quad x \in \mathbb{R}^+ $$"
    assert [r.status for r in check(text)] == ["cannot read"]


def test_a_code_comment_after_spacing_is_a_note() -> None:
    """``\\qquad // ...`` ends the row's formula; what follows is prose (here with a slash)."""
    text = r"""
$$ \frac{d}{dx} \ln(x^2) = \frac{2}{x} \qquad // the derivative of \ln(x) is 1/x $$

$$ \frac{d}{dx} \ln(x^2) = \frac{1}{x} \qquad // a slip $$
"""
    assert [r.status for r in check(text)] == ["proved", "refuted"]
