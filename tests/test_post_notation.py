"""The notation of real ML posts, read as its authors mean it: decorated and styled names,
colours, words as names, applications and products, several arguments, the gradient,
partial derivatives of a whole numerator, sums as posts write them, sizes with subscripts,
products written with a period, chains continued in the next display, and math where MathJax
finds it (HTML blocks, kramdown). Each construct is proved where it is right and refuted where
it is wrong, so the reading is not vacuous."""

from __future__ import annotations

import pytest
from post_support import check, check_all, read

SOFTMAX = r"""
$$ p_i = \frac{e^{o_i}}{\sum_k e^{o_k}} $$

$$ L = -\sum_k y_k \log p_k $$
"""


def _statuses(text: str) -> list[str]:
    return [r.status for r in check(text)]


@pytest.mark.parametrize(
    ("text", "status"),
    [
        (r"$$ \hat{y} = 2 x $$" + "\n\n" + r"$$ \hat{y} - y = 2x - y $$", "proved"),
        (r"$$ \hat{y} = 2 x $$" + "\n\n" + r"$$ \hat{y} = y $$", "refuted"),
        (r"$$ \bar{x} + x = x + \bar x $$", "proved"),
        (r"$$ \mathbf{x} + \boldsymbol{\theta} = x + \theta $$", "proved"),
        (r"$$ \bm{w} \cdot \textbf{x} = \mathbb{w} x $$", "proved"),
        (r"$$ \mathbb{\theta} = \vec{\theta} + 0 $$", "proved"),
        (r"$$ \tilde{x} + 0 = x $$", "refuted"),  # a decorated name is another name
        (r"$$ \mathcal{L} + L = L + \mathcal{L} $$", "proved"),
        (r"$$ \textcolor{red}{a + b} = \color{blue} b + a $$", "proved"),
        (r"$$ \hat{x_i} + \hat{x}_i = 2 \hat{x}_i $$", "proved"),
    ],
)
def test_decorated_and_styled_names(text: str, status: str) -> None:
    assert _statuses(text)[-1] == status


def test_a_word_is_one_name_never_a_product_of_letters() -> None:
    text = r"$$ Loss = a^2 $$" + "\n\n" + r"$$ 2 Loss = Loss + a \cdot a $$"
    assert _statuses(text) == ["proved"]
    text = r"$$ \text{loss} = a^2 $$" + "\n\n" + r"$$ \text{loss} = a $$"
    assert _statuses(text) == ["refuted"]
    # a pair of letters is still a product
    assert _statuses(r"$$ wx + b = b + w x $$") == ["proved"]


@pytest.mark.parametrize(
    "spelling", ["Softmax", "SoftMax", r"\mathrm{softmax}", r"\operatorname{softmax}"]
)
def test_the_spellings_of_softmax(spelling: str) -> None:
    text = rf"$$ a_k = {spelling}(z_k) $$" + "\n\n"
    text += r"$$ a_k = \frac{e^{z_k}}{\sum_{c=1}^{K} e^{z_c}} $$"
    assert _statuses(text) == ["proved"]


def test_a_function_defined_in_the_post_is_applied_with_its_arguments() -> None:
    text = r"$$ f(x) = \frac{1}{1 + e^{-x}} $$" + "\n\n"
    text += r"$$ f'(z) = f(z)(1 - f(z)) $$" + "\n\n" + r"$$ f(z) + f(-z) = 2 $$"
    assert _statuses(text) == ["proved", "refuted"]


def test_a_function_defined_later_in_the_prose_is_used_where_it_is_applied() -> None:
    text = r"$$ a = f(z) $$" + "\n\nwhere $f(z) = \\max(0, z)$ is the ReLU.\n\n"
    text += r"$$ a = \max(0, z) $$"
    assert _statuses(text) == ["proved"]


def test_a_product_that_looks_like_an_application() -> None:
    assert _statuses(r"$$ p_i(1 - p_i) = p_i - p_i^2 $$") == ["proved"]
    assert _statuses(r"$$ \eta(a - b) + x^2(1 - x) = \eta a - \eta b + x^2 - x^3 $$") == ["proved"]


@pytest.mark.parametrize(
    "row",
    [
        r"$$ H(y, p) = H(y, p) + 0 $$",
        r"$$ J(W, b; x, y) = J(W, b; x, y) \cdot 1 $$",
        r"$$ \ell(a, y) = \ell(a, y) $$",
        r"$$ P(y \mid x) = P(y \mid x) $$",
        r"$$ CE(y, p) + 0 = CE(y, p) $$",
        r"$$ g(z) = g(z) $$",
    ],
)
def test_an_unknown_function_is_never_a_product(row: str) -> None:
    results = check_all(row)
    assert all(r.status in ("cannot check", "not a claim") for r in results)
    assert any("a function the text does not define" in r.detail for r in results) or all(
        r.status == "not a claim" for r in results
    )


def test_a_cost_of_several_arguments_is_a_definition_and_its_name_is_its_body() -> None:
    text = r"$$ J(w, b) = \frac{1}{2} (w x + b - y)^2 $$" + "\n\n"
    text += r"$$ \frac{\partial J}{\partial w} = (w x + b - y) x $$"
    results = check_all(text)
    assert [(r.kind, r.status) for r in results] == [
        ("definition", "not a claim"),
        ("claim", "proved"),
    ]


def test_the_gradient_with_respect_to_a_variable() -> None:
    text = r"$$ f = w^2 x $$" + "\n\n" + r"$$ \nabla_{w} f = 2 w x $$"
    assert _statuses(text) == ["proved"]
    assert _statuses(r"$$ f = w^2 x $$" + "\n\n" + r"$$ \nabla_w f = w x $$") == ["refuted"]
    (result,) = check(r"$$ \nabla f = 0 $$")
    assert result.status == "cannot check"


@pytest.mark.parametrize(
    ("row", "status"),
    [
        (
            r"\frac{\partial \log p_i}{\partial o_j} = "
            r"\frac{1}{p_i} \frac{\partial p_i}{\partial o_j}",
            "proved",
        ),
        (r"\frac{\partial y_1 \log p_1}{\partial o_1} = y_1 (1 - p_1)", "proved"),
        (r"\frac{\partial \sum_k e^{o_k}}{\partial o_j} = e^{o_j}", "proved"),
        (r"\frac{\partial \sum_k e^{o_k}}{\partial o_j} = e^{o_k}", "refuted"),
    ],
)
def test_partial_of_a_whole_numerator(row: str, status: str) -> None:
    assert _statuses(SOFTMAX + f"\n$$ {row} $$\n")[-1] == status


def test_a_bare_sum_names_the_sum_of_the_denominator_just_written() -> None:
    text = r"$$ S_i = \frac{e^{a_i}}{\sum_k e^{a_k}} $$" + "\n\n"
    right = text + r"$$ \frac{e^{a_i}}{\sum} = S_i $$"
    (result,) = check(right)
    assert result.status == "proved" and "read as" in result.detail
    wrong = text + r"$$ \frac{e^{a_i}}{\sum^2} = S_i $$"
    (result,) = check(wrong)
    assert result.status == "cannot check" and "a guess" in result.detail  # never refuted


def test_sums_as_posts_write_them() -> None:
    text = SOFTMAX + "\n$$ \\frac{\\partial L}{\\partial o_i} = p_i \\sum y_k - y_i $$\n"
    assert _statuses(text) == ["proved"]
    text = r"$$ \sum_{k \neq j} y_k + y_j = \sum_{k=1}^{K} y_k $$"
    assert _statuses(text) == ["proved"]
    text = r"$$ \sum_{k \neq j} y_k = \sum_{k=1}^{K} y_k $$"
    assert _statuses(text) == ["refuted"]


def test_sums_bounded_by_sizes_with_subscripts_and_their_declaration() -> None:
    text = r"$$ z_j = \sum_{i=1}^{n_{L-1}} w_{ji} a_i $$" + "\n\n"
    text += r"$$ \frac{\partial z_j}{\partial a_i} = w_{ji} $$"
    assert _statuses(text) == ["proved"]
    post = read(text)
    assert any("n_{L-1}" in line for line in post.defaults)
    declared = '<!-- derive\n[symbols]\n"n_{L-1}" = 3\n"s_l" = "positive integer"\n-->\n'
    concrete = declared + r"$$ \sum_{i=1}^{n_{L-1}} a_i = a_1 + a_2 + a_3 $$"
    assert _statuses(concrete) == ["proved"]


def test_hadamard_products_of_scalars_and_entries() -> None:
    assert _statuses(r"$$ a_i \odot (b_i + c_i) = a_i b_i + a_i c_i $$") == ["proved"]
    assert _statuses(r"$$ a \odot b = a + b $$") == ["refuted"]


def test_a_chain_continued_in_the_next_display() -> None:
    text = r"$$ f = (x + 1)^2 $$" + "\n\nExpanding,\n\n"
    text += r"$$ = x^2 + 2x + 1 $$" + "\n\nand wrongly\n\n" + r"$$ = x^2 + 1 $$"
    results = check(text)
    assert [r.status for r in results] == ["proved", "refuted"]
    assert results[0].lhs == "(x + 1)^2" and results[1].lhs == "x^2 + 2x + 1"


def test_math_in_html_blocks_and_kramdown_brackets() -> None:
    text = '<div class="eq">\n$$ 2 a = a + a $$\n</div>\n\nText.\n\n\\\\[ 3 b = b + b \\\\]\n'
    assert _statuses(text) == ["proved", "refuted"]


def test_a_period_between_factors_is_a_product() -> None:
    assert _statuses("$$ q = 3 $$\n\n$$ 3 x = q.x $$") == ["proved"]  # under q = 3
    assert _statuses("$$ q = 3 $$\n\n$$ 3 x = q.x.x $$") == ["refuted"]
    assert _statuses(r"$$ -p_j.p_i = -p_i p_j $$") == ["proved"]


def test_a_typo_on_e_stays_in_its_row() -> None:
    text = r"$$ S_1 = \frac{e^a_1}{\sum_{k=1}^{N} e^{a_k}} $$" + "\n\n"
    text += r"$$ e^{a} e^{b} = e^{a + b} $$"
    results = check(text)
    assert [r.status for r in results] == ["cannot read", "proved"]
    assert "e with a subscript and a superscript" in results[0].detail


def test_two_equations_separated_by_a_quad() -> None:
    text = r"$$ \delta = 2 u \qquad u = v + 1 $$" + "\n\n" + r"$$ \delta = 2 v + 2 $$"
    results = check_all(text)
    assert [r.kind for r in results] == ["definition", "definition", "claim"]
    assert results[-1].status == "proved"


def test_what_stays_unread_is_reported_where_it_is() -> None:
    (result,) = check(r"$$ x = \int_0^1 f $$")
    assert result.status == "cannot read" and r"\int" in result.detail
    (result,) = check(r"$$ \|v\|^2 = v^2 $$")  # the square of a vector
    assert result.status == "cannot check" and "size 1" in result.detail


def test_functions_can_be_declared() -> None:
    text = '<!-- derive\n[functions]\ng = "sigmoid"\n-->\n'
    assert _statuses(text + r"$$ g(x) + g(-x) = 1 $$") == ["proved"]
    assert _statuses(text + r"$$ \frac{dg}{dx} = g(x)(1 - g(x)) $$") == ["proved"]


def test_sums_written_out_with_an_ellipsis() -> None:
    assert _statuses(r"$$ \sum_{i=1}^{n} y_i = y_1 + y_2 + \dots + y_n $$") == ["proved"]
    assert _statuses(r"$$ a_1 b_1 + \cdots + a_K b_K = \sum_{c=1}^{K} a_c b_c $$") == ["proved"]
    assert _statuses(r"$$ y_1 + \dots + y_n = n y_1 $$") == ["refuted"]
    (result,) = check(r"$$ x_1 + x_3 + \dots + x_n = 0 $$")  # no pattern: not guessed
    assert result.status == "cannot read" and "no pattern" in result.detail


def test_the_post_may_say_what_a_bare_sum_stands_for() -> None:
    text = r"$$ e_i = e^{x_i}, \qquad \sum = \sum_{j=1}^{n} e_j $$" + "\n\n"
    text += r"$$ p_i = \frac{e_i}{\sum} $$" + "\n\n" + r"$$ \sum_{i=1}^{n} p_i = 1 $$"
    results = check_all(text)
    assert [r.kind for r in results][:3] == ["definition"] * 3
    assert results[-1].status == "proved" and "read as" not in results[-1].detail


def test_an_example_superscript_is_an_entry() -> None:
    text = r"$$ J(w) = \frac{1}{2m} \sum_{i=1}^{m} (w x^{(i)} - y^{(i)})^2 $$" + "\n\n"
    gradient = r"\frac{1}{m} \sum_{i=1}^{m} (w x^{(i)} - y^{(i)}) x^{(i)}"
    right = text + r"$$ \frac{\partial J}{\partial w} = " + gradient + " $$"
    assert _statuses(right) == ["proved"]
    # read as one symbol x^{(i)}, every example would be the same and this slip would be proved
    wrong = text + r"$$ \frac{\partial J}{\partial w} = (w x^{(1)} - y^{(1)}) x^{(1)} $$"
    assert _statuses(wrong) == ["refuted"]


def test_a_vector_parameter_takes_the_entries_of_its_argument() -> None:
    text = r"$$ h(x) = \sum_{j=1}^{n} \theta_j x_j $$" + "\n\n"
    text += r"$$ h(x^{(i)}) = \sum_{j=1}^{n} \theta_j x^{(i)}_j $$" + "\n\n"
    text += r"$$ \sum_{i=1}^{m} h(x^{(i)}) = \sum_{i=1}^{m} \sum_{j=1}^{n} \theta_j x_j^{(i)} $$"
    assert _statuses(text) == ["proved", "proved"]


def test_a_function_at_an_entry_and_second_derivatives() -> None:
    text = r"$$ q_k = \mathrm{softmax}(\mathbf{z})_k $$" + "\n\n"
    text += r"$$ q_k = \frac{e^{z_k}}{\sum_{c=1}^{K} e^{z_c}} $$"
    assert _statuses(text) == ["proved"]
    assert _statuses(
        r"$$ f = x^3 y $$" + "\n\n" + r"$$ \frac{\partial^2 f}{\partial x^2} = 6 x y $$"
    ) == ["proved"]
    text = (
        r"$$ f = x^3 y $$" + "\n\n" + r"$$ \frac{\partial^2 f}{\partial x \, \partial y} = 3 x $$"
    )
    assert _statuses(text) == ["refuted"]


def test_gradient_names_as_code_writes_them() -> None:
    text = r"$$ dZ = A - Y $$" + "\n\n" + r"$$ dZ + Y = A $$"
    assert _statuses(text) == ["proved"]
    assert _statuses(r"$$ \frac{dy}{dx} = \frac{d y}{d x} $$") == ["cannot check"]  # y: no x in it


def test_an_operator_the_document_declares_is_a_name() -> None:
    preamble = (
        "\\documentclass{article}\n\\DeclareMathOperator{\\gelu}{gelu}\n"
        "\\newcommand{\\act}{\\mathrm{act}}\n\\begin{document}\n"
    )
    body = (
        "\\[ \\gelu(u) = u^2 + 3 u \\]\n"
        "\\[ \\frac{d}{du}\\gelu(u) = 2 u + 3 \\]\n"
        "\\[ \\frac{d}{du}\\gelu(u) = 2 u \\]\n"
        "\\[ \\act(u) = \\gelu(u) - 3 u \\]\n"
        "\\[ \\act(2) = 4 \\]\n"
        "\\end{document}\n"
    )
    results = check(preamble + body, "tex")
    assert [r.status for r in results] == ["proved", "refuted", "proved"]
    assert [r.line for r in results] == [6, 7, 9]
    undeclared = check("\\begin{document}\n" + body, "tex")
    assert {r.status for r in undeclared} == {"cannot read"}


_OPERATOR = (
    "$$ r_i = e^{2 u_i} \\qquad i = 1, \\dots, M $$\n\n"
    "We write $G_k r_i$ for the derivative of the $i$-th entry by the $k$-th input, "
    "$\\frac{\\partial r_i}{\\partial u_{k}}$.\n\n"
)


def test_an_operator_the_prose_names_is_the_derivative_it_names() -> None:
    rows = (
        "$$ G_k r_i = 2 e^{2 u_i} \\delta_{ik} $$\n\n"
        "$$ \\sum_{i=1}^{M} G_k r_i = 2 e^{2 u_k} $$\n\n"
        "$$ G_i r_i = e^{2 u_i} $$\n\n"
        "$$ G_k r_i \\, r_i = 0 $$\n"
    )
    results = check(_OPERATOR + rows)
    assert [r.status for r in results] == ["proved", "proved", "refuted", "cannot check"]
    # a pair that does not match (another index in the derivative) names nothing
    loose = _OPERATOR.replace("u_{k}", "u_{j}")
    assert "refuted" not in {r.status for r in check(loose + rows)}
    assert "proved" not in {r.status for r in check(loose + rows)}


def test_a_maximum_over_an_index_is_a_number_whose_value_is_never_used() -> None:
    """``\\max_i q_i`` proves what holds for any number (the shift of a log-sum-exp); a claim
    false only for some values of it, and its derivative, are not judged."""
    text = (
        "$$ v = \\max_i q_i $$\n\n"
        "$$ \\log \\sum_{i=1}^{n} e^{q_i} = v + \\log \\sum_{i=1}^{n} e^{q_i - v} $$\n\n"
        "$$ \\log \\sum_{i=1}^{n} e^{q_i} = \\max_i q_i + \\log \\sum_{i=1}^{n} e^{q_i - v} $$\n\n"
        "$$ \\max_i q_i = q_1 $$\n\n"
        "$$ \\frac{\\partial v}{\\partial q_1} = 0 $$\n"
    )
    results = check(text)
    assert [r.status for r in results] == ["proved", "proved", "cannot check", "cannot check"]
    assert "as any number" in results[2].detail


def test_a_row_may_open_with_an_implication_and_where_is_prose() -> None:
    text = (
        "$$ f(x) = x^3 $$\n\n$$ \\Rightarrow f'(x) = 3 x^2 $$\n\n"
        "$$ \\therefore \\quad f'(2) = 12 $$\n\n$$ \\implies f'(1) = 2 $$\n\n"
        "$$ E = -\\sum_{k=1}^{K} y_k \\log p_k, \\quad \\text{where } \\sum_{k=1}^{K} y_k = 1 $$"
        "\n\n$$ \\sum_{k=1}^{K} y_k p_j = p_j $$\n"
    )
    assert [r.status for r in check(text)] == ["proved", "proved", "refuted", "proved"]


def test_plain_tex_over_is_a_fraction() -> None:
    text = (
        "$$ q = {1 \\over 1 + e^{-x}} $$\n\n"
        "$$ {d q \\over d x} = q (1 - q) $$\n\n"
        "$$ {1 \\over {2 \\over x}} = {x \\over 2} $$\n\n"
        "$$ {1 \\over {2 \\over x}} = 2 x $$\n\n"
        "$$ {a \\over b \\over c} = 1 $$\n"
    )
    results = check(text)
    assert [r.status for r in results] == ["proved", "proved", "refuted", "cannot read"]
    assert "\\over" in results[3].detail


_CONVENTION = (
    "Repeated indices are summed (the summation convention).\n\n"
    "$$ y_a = A_{ab} u_b + c_a $$\n\n"
    "$$ R = \\frac{1}{2} (y_a - s_a)(y_a - s_a) $$\n\n"
    "$$ \\frac{\\partial R}{\\partial u_d} = (y_a - s_a) A_{ad} $$\n\n"
    "$$ \\frac{\\partial y_a}{\\partial u_d} = A_{ab} \\delta_{bd} = A_{ad} $$\n\n"
    "$$ \\frac{\\partial R}{\\partial u_d} = (y_a - s_a) A_{da} $$\n\n"
    "$$ \\frac{\\partial R}{\\partial u_d} = (y_a - s_a) A_{ad} A_{ad} $$\n"
)


def test_the_summation_convention_when_the_post_states_it() -> None:
    """A repeated index is summed when the prose says so, counted per term of a bracket (the
    bracket ``(y_a - s_a)`` times ``A_{ad}`` sums over a); three times is not the convention;
    without the statement a definition that repeats an index is not read."""
    results = check(_CONVENTION)
    assert [r.status for r in results] == [
        "proved",
        "proved",
        "proved",
        "refuted",
        "cannot read",
    ]
    unstated = check(
        _CONVENTION.replace("Repeated indices are summed (the summation convention).", "")
    )
    assert {r.status for r in unstated} == {"cannot check"}


def test_a_case_value_may_end_with_a_comma_before_its_condition() -> None:
    text = (
        "$$ q(u) = \\begin{cases} u^2, & \\text{if } u > 0 \\\\ 0, & \\text{otherwise} "
        "\\end{cases} $$\n\n"
        "$$ q(2) = 4 $$\n\n$$ q(-2) = 4 $$\n"
    )
    assert [r.status for r in check(text)] == ["proved", "refuted"]


def test_an_evaluation_bar_is_the_expression_at_its_point() -> None:
    from derive.render.latex.source import math_latex

    typeset = math_latex(r"\left. u^2 \right|_{u=2} = 4")
    assert typeset.startswith(r"\left.") and r"\right|_{u = 2}" in typeset
    text = (
        "$$ \\left.\\frac{d}{dv} \\tanh v \\right|_{v=0} = 1 $$\n\n"
        "$$ \\left. \\frac{d}{du} u^3 \\right|_{u=2} = 12 $$\n\n"
        "$$ \\left. \\frac{d}{du} u^3 \\right|_{u=2} = 8 $$\n\n"
        "$$ \\left( u + 1 \\right)^2 = \\left[ u^2 + 2u + 1 \\right] $$\n\n"
        "$$ \\left. u^2 \\right|_{2} = 4 $$\n"
    )
    assert [r.status for r in check(text)] == [
        "proved",
        "proved",
        "refuted",
        "proved",
        "cannot read",
    ]


def test_an_index_free_in_one_term_is_free_in_the_whole_claim_under_the_convention() -> None:
    """``a_i - a_i^2``: i is free in the first term, so the claim is one output's identity,
    not a sum of squares beside a free entry; a reader that cannot tell says so (cannot
    read), and never refutes the true row or proves the slip."""
    text = (
        "We use the summation convention.\n\n"
        "$$ a_i = \\sigma(z_i) $$\n\n"
        "$$ \\frac{\\partial a_i}{\\partial z_i} = a_i - a_i^2 $$\n\n"
        "$$ \\frac{\\partial a_i}{\\partial z_i} = a_i + a_i^2 $$\n"
    )
    true_row, slip = (r.status for r in check(text))
    assert true_row in ("proved", "cannot read") and slip in ("refuted", "cannot read")
