"""A sum written out with an ellipsis among other terms (``w_1 x_1 + \\dots + w_n x_n - y``,
``b + w_1 x_1 + \\dots + w_n x_n``): the run that follows a pattern is the sum, the other
terms are added as written (the row was "elided terms that follow no pattern")."""

from __future__ import annotations

from post_support import check

POST = r"""
$$ f = \sum_{j=1}^{n} w_j x_j $$

$$ \frac{\partial}{\partial w_{j}}\left(w_{1}x_{1}+\dots+w_{n}x_{n}-y\right)
   = \frac{\partial f}{\partial w_j} $$

$$ b + w_{1}x_{1}+\dots+w_{n}x_{n} - y = f + b - y $$

$$ w_{1}x_{1}+w_{2}x_{2}+\dots+w_{n}x_{n} + b = f - b $$
"""


def test_terms_around_a_written_sum_are_added_to_it() -> None:
    assert [r.status for r in check(POST)] == ["proved", "proved", "refuted"]
