"""Worked examples in posts: numbers pushed through the formulas and shown rounded are judged to
the digits shown, at the values the text gives (inline, displayed, as tuples); a row about
values the text does not give is never refuted."""

from __future__ import annotations

from post_support import check, check_all

SIGMOID_BY_HAND = r"""
# One logistic unit, by hand

Inputs $x_1 = 0.4$ and $x_2 = 0.9$, weights $w_1 = 0.3$ and $w_2 = -0.2$, bias $b = 0.1$.

$$ z = w_1 x_1 + w_2 x_2 + b $$

$$ z = 0.3 \cdot 0.4 + (-0.2) \cdot 0.9 + 0.1 = 0.04 $$

$$ a = \frac{1}{1 + e^{-z}} = \frac{1}{1 + e^{-0.04}} = \frac{1}{1 + 0.960789} = 0.509999 $$

$$ a (1 - a) = 0.509999 (1 - 0.509999) = 0.249901 $$

$$ a (1 - a) = 0.509999 (1 - 0.509999) = 0.294901 $$
"""


def _by_line(results) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    for result in results:
        found.setdefault(result.line, []).append(result.status)
    return found


def test_a_worked_example_is_proved_to_the_digits_shown_and_its_slip_refuted() -> None:
    results = check(SIGMOID_BY_HAND)
    lines = _by_line(results)
    assert lines[8] == ["proved", "proved"]  # at the values given inline
    assert lines[10] == ["proved", "proved", "proved"]  # e^{-0.04} = 0.9607894, rounded
    assert lines[12] == ["proved", "proved"]
    assert lines[14] == ["proved", "refuted"]  # 0.249901 with two digits swapped
    slip = [r for r in results if r.line == 14][1]
    assert "no values within one unit of the last place of" in slip.detail
    rounded = [r for r in results if r.line == 10][2]
    assert "to the digits shown" in rounded.detail


SOFTMAX_BY_HAND = r"""
Three scores $s = (1.0, 0.5, -1.0)$ and the label $y = (0, 1, 0)$.

$$ q_i = \frac{e^{s_i}}{\sum_{c=1}^{3} e^{s_c}} $$

$$ q_2 = \frac{e^{0.5}}{e^{1.0} + e^{0.5} + e^{-1.0}} = \frac{1.6487}{4.7349} = 0.3482 $$

$$ \ell = -\sum_{c=1}^{3} y_c \log q_c = -\log q_2 = 1.0550 $$

$$ \frac{\partial \ell}{\partial s_2} = q_2 - 1 = -0.6518 $$

$$ \frac{\partial \ell}{\partial s_1} = q_1 = 0.5471 $$
"""


def test_tuples_give_values_to_entries_for_the_rows_that_follow() -> None:
    lines = _by_line(check(SOFTMAX_BY_HAND))
    assert lines[6] == ["proved", "proved", "proved"]
    assert lines[8] == ["proved", "proved"]  # -sum y_c log q_c is -log q_2 only at y = (0, 1, 0)
    assert lines[10] == ["proved", "proved"]
    assert lines[12] == ["proved", "refuted"]  # q_1 = 0.5741: digits swapped


def test_a_tuple_in_a_display_is_reported_as_a_definition_of_its_entries() -> None:
    text = "$$ s = (1.0, 0.5, -1.0) $$\n\n$$ s_1 + s_2 + s_3 = 0.5 $$\n"
    results = check_all(text)
    assert [(r.kind, r.status) for r in results] == [
        ("definition", "not a claim"),
        ("claim", "proved"),
    ]
    assert "defines s by its entries" in results[0].detail


UNREAD_VALUES = r"""
$$ \mathrm{net} = v_1 u_1 + v_2 u_2 $$

The weights are in the figure above.

$$ \mathrm{net} = 0.15 \cdot 0.05 + 0.2 \cdot 0.1 = 0.0275 $$
"""


def test_an_instance_at_values_the_text_does_not_give_is_not_refuted() -> None:
    first, second = check(UNREAD_VALUES)
    assert first.status == "cannot check"
    assert "the text gives no value" in first.detail and "v_1" in first.detail
    assert second.status == "proved"


MAZUR_STYLE = r"""
Start from $i_1 = 0.05$, $w_1 = 0.15$, $b_1 = 0.35$ and $target = 0.01$.

$$ \text{net}_{h1} = w_1 * i_1 + b_1 * 1 $$

$$ \text{net}_{h1} = 0.15 * 0.05 + 0.35 * 1 = 0.3575 $$

$$ \text{out}_{h1} = \frac{1}{1+e^{-\text{net}_{h1}}} = \frac{1}{1+e^{-0.3575}} = 0.588435 $$

$$ E = \frac{1}{2}(target - \text{out}_{h1})^2 = \frac{1}{2}(0.01 - 0.588435)^2 = 0.167294 $$

$$ \frac{\partial E}{\partial \text{out}_{h1}} = -(target - \text{out}_{h1}) = 0.578435 $$
"""


def test_unit_tags_and_word_names_of_a_worked_backprop_are_read() -> None:
    results = check_all(MAZUR_STYLE)
    definitions = [r.detail for r in results if r.kind == "definition"]
    assert "defines net_{h1}" in definitions[0]  # h1 names the unit: not an index
    claims = [r.status for r in results if r.kind == "claim"]
    assert claims == ["proved"] * 8


CODE_NAMES = r"""
Two examples, $m = 2$: $x_1 = 1$, $y_1 = 2$ and $x_2 = 3$, $y_2 = 5$, from $w = 0$ with
learning rate $\alpha = 0.05$.

$$ dw = \frac{1}{m} \sum_{i=1}^{m} (w x_i - y_i) x_i $$

$$ dw = \frac{1}{2} \left[ (0 - 2) \cdot 1 + (0 - 5) \cdot 3 \right] = -8.5 $$

$$ w = 0 - 0.05 \cdot (-8.5) = 0.425 $$

$$ w = 0 - 0.05 \cdot (-8.5) = 0.475 $$
"""


def test_code_names_and_updates_with_numbers_are_definitions_then_claims() -> None:
    results = check_all(CODE_NAMES)
    lines = {}
    for result in results:
        lines.setdefault(result.line, []).append((result.kind, result.status))
    assert lines[7] == [("claim", "proved"), ("claim", "proved")]  # at m, x, y and w given
    assert lines[9] == [("definition", "not a claim"), ("claim", "proved")]
    # 0.05 repeats the learning rate the text gives: an exact input, so 0.475 is a slip
    assert lines[11][1] == ("claim", "refuted")


INPUTS_IN_A_FIGURE = r"""
The starting weights are in the figure above.

$$ \text{net}_{o1} = w_5 \cdot out_{h1} + w_6 \cdot out_{h2} + b_2 $$

$$ \text{net}_{o1} = 0.4 \cdot 0.593270 + 0.45 \cdot 0.596884 + 0.6 = 1.105906 $$

$$ \text{out}_{o1} = \frac{1}{1 + e^{-\text{net}_{o1}}} = \frac{1}{1 + e^{-1.105906}} = 0.751365 $$

$$ \text{out}_{o1} (1 - \text{out}_{o1}) = 0.751365 (1 - 0.751365) = 0.186816 $$

$$ \text{out}_{o1} (1 - \text{out}_{o1}) = 0.75 (1 - 0.75) $$
"""


def test_a_value_a_chain_showed_proves_later_rows_and_never_refutes_them() -> None:
    results = check(INPUTS_IN_A_FIGURE)
    by_line = _by_line(results)
    assert by_line[6] == ["cannot check", "proved"]  # the weights are not in the text
    assert by_line[8] == ["proved", "proved"]  # net_{o1} as the row above showed it
    assert by_line[10] == ["proved", "proved"]
    shown = next(r for r in results if r.line == 10)
    assert "at the values the text showed for out_{o1}" in shown.detail
    # 0.75 (1 - 0.75) = 0.1875 against 0.186816: not with the value shown, but the value shown
    # is not the text's definition of out_{o1}: never a refutation
    assert by_line[12] == ["cannot check"]


REGRESSION_SUMS = r"""
$$ \hat{\beta} = \frac{S_{xy}}{S_{xx}} $$

where $S_{xy} = \sum_{i=1}^{n} (x_i - \bar{x})(y_i - \bar{y})$ and
$S_{xx} = \sum_{i=1}^{n} (x_i - \bar{x})^2$.

$$ S_{xx} = \sum_{i=1}^{n} x_i^2 - 2 \bar{x} \sum_{i=1}^{n} x_i + n \bar{x}^2 $$

$$ S_{xy} = \sum_{i=1}^{n} x_i y_i - \bar{y} \sum_{i=1}^{n} x_i
          - \bar{x} \sum_{i=1}^{n} y_i + n \bar{x} \bar{y} $$

$$ W_{kj} = \sum_{i=1}^{n} x_{ik} x_{ij} $$

$$ W_{jk} = W_{kj} $$
"""


def test_a_subscript_of_data_letters_is_part_of_a_name_not_an_index() -> None:
    results = check(REGRESSION_SUMS)
    assert [r.status for r in results] == ["proved", "proved", "proved"]
    post_names = {r.lhs for r in results}
    assert {"S_{xx}", "S_{xy}"} <= post_names  # two quantities, not entries of one array S


STALE_VALUES = r"""
## First example

With $u = 2$:

$$ f = u^2 + 1 $$

$$ f = 2^2 + 1 = 5 $$

## Second example

Now the input is three.

$$ 2 f = 2 (3^2 + 1) = 20 $$

$$ 2 f = 2 (3^2 + 1) = 22 $$
"""


def test_values_of_an_earlier_section_never_refute_a_later_example() -> None:
    by_line = _by_line(check(STALE_VALUES))
    assert by_line[8] == ["proved", "proved"]
    assert by_line[14][0] == "cannot check"  # u = 2 was the first example's value
    assert by_line[14][1] == "proved"
    assert by_line[16] == ["cannot check", "refuted"]  # 3^2 + 1 is 10: a slip in numbers


def test_iterates_of_a_worked_example_are_written_out_from_the_start_the_text_gives() -> None:
    """``u_2`` of a worked example is ``u_{k+1} = u_k - \\alpha (u_k - 5)`` written out from
    ``$u_0 = 1$`` at ``$\\alpha = 0.5$``: proved to the digits shown, and a slip refuted;
    without the start stated, the same rows are not judged."""
    text = r"""
Minimising $\frac{1}{2}(u - 5)^2$ with step $\alpha = 0.5$ from $u_0 = 1$:

$$ u_{k+1} = u_k - \alpha (u_k - 5) $$

$$ u_1 = 1 - 0.5 (1 - 5) = 3 $$

$$ u_2 = 3 - 0.5 (3 - 5) = 4 $$

$$ u_3 = 4 + 0.5 (4 - 5) = 3.5 $$
"""
    results = check(text)
    assert [(r.line, r.status) for r in results] == [
        (6, "proved"),
        (6, "proved"),
        (8, "proved"),
        (8, "proved"),
        (10, "refuted"),
        (10, "proved"),
    ]
    unstated = check(text.replace("from $u_0 = 1$", "from one"))
    assert "refuted" not in {r.status for r in unstated}


def test_an_approximation_to_a_decimal_is_equal_to_the_digits_shown() -> None:
    """``= \\frac{14}{3} \\approx 4.667``: the approximation is a claim to the digits shown
    (a wrong one refuted); one to anything but a decimal is no equality to check."""
    text = (
        "$$ q = \\frac{1 + 4 + 9}{3} = \\frac{14}{3} \\approx 4.667 $$\n\n"
        "$$ r = \\frac{7}{3} \\approx 2.5 $$\n\n"
        "$$ e^{x} = 1 + x + \\frac{x^2}{2} \\approx 1 + x $$\n"
    )
    assert [r.status for r in check(text)] == ["proved", "proved", "refuted", "cannot read"]


def test_a_stated_value_against_a_default_domain_does_not_stop_claims_without_it() -> None:
    """ "$\\epsilon = 0$" contradicts the positive epsilon the reader assumes: the claims that
    do not use epsilon are still checked."""
    text = (
        "$$ v = \\frac{s}{\\sqrt{s^2 + \\epsilon}} $$\n\n"
        "With three numbers and, to keep it short, $\\epsilon = 0$:\n\n"
        "$$ \\frac{1 + 2 + 6}{3} = 3 $$\n"
    )
    assert [r.status for r in check(text)] == ["proved"]


def test_the_exponential_at_a_number_is_a_claim_not_a_value_given() -> None:
    text = (
        "$$ e^{1.0} = 2.718, \\quad e^{0.5} = 1.649 $$\n\n"
        "$$ e^{1.0} + e^{0.5} = 2.718 + 1.649 = 4.367 $$\n\n"
        "$$ e^{2} = 7.0 $$\n"
    )
    assert [r.status for r in check(text)] == ["proved"] * 4 + ["refuted"]


def test_iterates_of_a_later_example_do_not_use_an_earlier_sections_start() -> None:
    text = r"""
From $u_0 = 1$ with $\alpha = 0.5$:

$$ u_{k+1} = u_k - \alpha (u_k - 5) $$

$$ u_1 = 3 $$

## Another start

Starting from four instead,

$$ u_1 = 4 - 0.5 (4 - 5) = 4.5 $$
"""
    results = check(text)
    assert [r.status for r in results if r.line == 12] == ["cannot check", "proved"]
