"""What a post means by its rows when they are not identities, and by letters it gives a meaning
of its own: an equation the text sets and solves (a stationarity condition, the normal
equations, their solution) is a condition, never refuted; a recurrence (``w_{t+1} = ...``)
defines the iterates, and claims about them are read with it; a letter the post defines again
(``e_i`` a residual, ``y`` an output, a loss swapped) means what the post says from there on.
Each rule still refutes the slips it can see, so the reading is not vacuous."""

from __future__ import annotations

from post_support import check, check_all


def _statuses(text: str) -> list[str]:
    return [r.status for r in check(text)]


def _kinds(text: str) -> list[tuple[str, str]]:
    return [(r.kind, r.status) for r in check_all(text)]


def test_a_second_derivative_through_a_function_of_a_sum() -> None:
    """SymPy differentiates ``F(w x_n + b)`` into its own ``Subs``; a second derivative of it
    keeps the ``F''`` term (a nested ``Subs`` lost it and refuted a true Hessian entry)."""
    text = r"""
$$ L = -\frac{1}{N} \sum_n \left[ y_n \log p_n + (1 - y_n) \log (1 - p_n) \right] $$

where $p_n = \sigma(w x_n + b)$

$$ \frac{\partial^2 L}{\partial b^2} = \frac{1}{N} \sum_n p_n (1 - p_n) $$

$$ \frac{\partial^2 L}{\partial w^2} = \frac{1}{N} \sum_n p_n (1 - p_n) x_n^2 $$

$$ \frac{\partial^2 L}{\partial w^2} = \frac{1}{N} \sum_n p_n (1 - p_n) x_n $$
"""
    assert _statuses(text) == ["proved", "proved", "refuted"]
