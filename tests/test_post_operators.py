"""A second derivative written as an operator before its function
(``\\frac{\\partial^2}{\\partial w_1^2} J(w)``, ``\\frac{\\partial^2}{\\partial w_1 \\partial
w_2} J(w)``) is read like ``\\frac{\\partial^2 J}{\\partial w_1^2}``: proved when true, refuted
when it is a slip."""

from __future__ import annotations

from post_support import check

POST = r"""
$$ J(w) = \frac{1}{2}(w_1 x_1 + w_2 x_2 - y)^2 $$

$$ \frac{\partial^2}{\partial w_{1}^2}J(w) = x_1^2 $$

$$ \frac{\partial^2}{\partial w_{1}\,\partial w_{2}}J(w) = x_1 x_2 $$

$$ \frac{\partial^2}{\partial w_{2}^2}J(w) = x_2 $$

$$ \frac{\partial^2 J}{\partial w_{2}^2} = x_2^2 $$
"""


def test_a_second_derivative_operator_applies_to_what_follows() -> None:
    assert [r.status for r in check(POST)] == ["proved", "proved", "refuted", "proved"]
