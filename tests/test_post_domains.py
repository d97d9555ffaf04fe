"""``, \\quad z \\in \\mathbb{R}`` after a formula says its names are real numbers, as the
reader assumes anyway: the row is read without the clause (it was "\\in is not read"). Any
other set would restrict the row, and stays unread."""

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
