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


LEAST_SQUARES = r"""
# Fitting a line

$$ \hat{y}_i = \beta_0 + \beta_1 x_i $$

$$ r_i = y_i - \hat{y}_i $$

$$ J(\beta_0, \beta_1) = \sum_{i=1}^{n} (y_i - \beta_0 - \beta_1 x_i)^2 $$

## The minimum

$$ \frac{\partial J}{\partial \beta_0} = -2 \sum_{i=1}^{n} (y_i - \beta_0 - \beta_1 x_i) = 0 $$

$$ \sum_{i=1}^{n} r_i = 0, \qquad \sum_{i=1}^{n} x_i r_i = 0 $$

$$
\begin{aligned}
n \beta_0 + \beta_1 \sum_{i=1}^{n} x_i &= \sum_{i=1}^{n} y_i \\
\beta_0 \sum_{i=1}^{n} x_i + \beta_1 \sum_{i=1}^{n} x_i^2 &= \sum_{i=1}^{n} x_i y_i
\end{aligned}
$$

$$ \beta_0 = \bar{y} - \beta_1 \bar{x} = \frac{C}{D} $$

with $\bar{x} = \frac{1}{n} \sum_{i=1}^{n} x_i$ and $\bar{y} = \frac{1}{n} \sum_{i=1}^{n} y_i$.

$$ \sum_{i=1}^{n} (x_i - \bar{x}) = 0 $$

$$ \sum_{i=1}^{n} (x_i - \bar{x}) \bar{y} = \bar{y} $$
"""


def test_equations_set_to_zero_and_solved_are_conditions_not_refuted_identities() -> None:
    """The real pattern of least squares and maximum likelihood: a derivative set to zero,
    the equations rearranged and solved. Each holds at the optimum, not for every beta."""
    results = check_all(LEAST_SQUARES)
    by_line = {}
    for result in results:
        by_line.setdefault(result.line, []).append((result.kind, result.status))
    assert by_line[12] == [("claim", "proved"), ("condition", "not a claim")]  # ... = 0
    assert by_line[14] == [("condition", "not a claim")] * 2  # r_i a residual here
    assert by_line[18] == by_line[19] == [("condition", "not a claim")]  # normal equations
    assert by_line[23][0] == ("condition", "not a claim")  # the solution
    assert by_line[23][1] == ("definition", "not a claim")  # = C / D: names written first
    assert "introduces C, D" in [r for r in results if r.line == 23][1].detail
    assert by_line[27] == [("claim", "proved")]  # an identity stays a claim, proved
    assert by_line[29] == [("claim", "refuted")]  # a slip without an unknown stays refuted


def test_a_stationarity_condition_rearranged_under_an_implication() -> None:
    text = r"""
$$ \ell(p) = k \log p + (n - k) \log (1 - p) $$

$$ \frac{d \ell}{d p} = \frac{k}{p} - \frac{n - k}{1 - p} = 0 $$

$$ k (1 - p) = (n - k) p \implies \hat{p} = \frac{k}{n} $$

$$ a b = c \implies 2 a b = 2 c $$

$$ 0 = \frac{k}{p} - \frac{n - k}{1 - p} $$

$$ \frac{d \ell}{d p} = \frac{k}{p} + \frac{n - k}{1 - p} = 0 $$
"""
    results = check_all(text)
    assert [(r.line, r.kind, r.status) for r in results if r.kind != "definition"] == [
        (4, "claim", "proved"),
        (4, "condition", "not a claim"),
        (6, "condition", "not a claim"),  # the premise, not an identity
        (8, "condition", "not a claim"),
        (8, "claim", "proved"),  # 2ab = 2c given ab = c
        (10, "condition", "not a claim"),  # 0 = ...: set to zero
        (12, "claim", "refuted"),  # the derivative itself is still a claim: a slip
        (12, "condition", "not a claim"),
    ]
