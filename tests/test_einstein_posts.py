"""Index notation with implied summation in posts: summed only when the text (or its
declarations) says repeated indices are summed; each additive term read on its own; a row the
convention does not read is "cannot read", naming the index, never a refutation."""

from __future__ import annotations

import pytest
from post_support import check
from sympy import Add, IndexedBase, Sum, symbols

from derive.sources.einstein import ImpliedSumError, implied_sums

i, j, k, ll, n = symbols("i j k l n", integer=True, positive=True)
W, x, z, t, a, b, c, d = (IndexedBase(s) for s in "Wxztabcd")
RANGES = {s: (1, n) for s in (i, j, k, ll)}

LAYER = """\
# A layer

{said}

$$ z_i = W_{{ij}} x_j + b_i $$

$$ E = \\frac{{1}}{{2}} (z_i - t_i)(z_i - t_i) $$

$$ \\frac{{\\partial z_i}}{{\\partial x_k}} = W_{{ij}} \\delta_{{jk}} = W_{{ik}} $$

$$ \\frac{{\\partial E}}{{\\partial x_l}} = (z_k - t_k) W_{{kl}} $$

$$ \\frac{{\\partial E}}{{\\partial x_l}} = (z_k - t_k) W_{{lk}} $$
"""

SAID = "Repeated indices are summed over their range."


def _by_line(results) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    for result in results:
        found.setdefault(result.line, []).append(result.status)
    return found


def test_each_term_of_a_product_multiplied_out_sums_its_repeated_index_once():
    # (z_k - t_k) W_kl is z_k W_kl - t_k W_kl: k twice in each term, so summed (not 3 times)
    read = implied_sums((z[k] - t[k]) * W[k, ll], RANGES, frozenset({ll}))
    assert read == Sum((z[k] - t[k]) * W[k, ll], (k, 1, n))


def test_terms_that_sum_different_indices_are_summed_apart():
    read = implied_sums((a[j] * b[j] + 3) * d[i], RANGES, frozenset({i}))
    assert read == Add(3 * d[i], Sum(a[j] * b[j] * d[i], (j, 1, n)))


def test_a_product_written_twice_is_summed_and_a_kronecker_delta_counts():
    square = implied_sums((z[i] - t[i]) * (z[i] - t[i]), RANGES)
    assert square == Sum((z[i] - t[i]) ** 2, (i, 1, n))
    from sympy import KroneckerDelta

    delta = implied_sums(W[i, j] * KroneckerDelta(j, k), RANGES, frozenset({i, k}))
    assert delta == Sum(W[i, j] * KroneckerDelta(j, k), (j, 1, n))


@pytest.mark.parametrize(
    ("expr", "index", "why"),
    [
        ((a[j] * b[j] + c[i]) * d[j], j, "occurs 3 times"),
        ((z[k] + 1) * W[k, ll], k, "summed in one term and free in another"),
        (W[i, j] * x[j] + x[j], j, "summed in one term and free in another"),
    ],
)
def test_what_the_convention_does_not_read_is_an_error_naming_the_index(expr, index, why):
    with pytest.raises(ImpliedSumError) as error:
        implied_sums(expr, RANGES, frozenset({i, ll}) & expr.free_symbols)
    assert error.value.index == index
    assert why in str(error.value)


def test_a_written_power_of_a_summable_index_is_not_read():
    power = (z[i] - t[i]) ** 2
    with pytest.raises(ImpliedSumError, match="under a power"):
        implied_sums(power, RANGES, written_powers={power})
    assert implied_sums(power, RANGES, frozenset({i}), written_powers={power}) == power


def test_a_post_that_says_repeated_indices_are_summed_is_read_by_the_convention():
    lines = _by_line(check(LAYER.format(said=SAID)))
    assert lines[9] == ["proved", "proved"]  # W_ij δ_jk = W_ik
    assert lines[11] == ["proved"]  # (z_k - t_k) W_kl: k summed once per term
    assert lines[13] == ["refuted"]  # the transposed index


@pytest.mark.parametrize(
    "said",
    [
        "We use the Einstein summation convention.",
        "Summation over repeated indices is implied.",
        "Indices follow Einstein notation throughout.",
    ],
)
def test_the_ways_a_post_states_the_convention(said):
    lines = _by_line(check(LAYER.format(said=said)))
    assert lines[11] == ["proved"]


def test_without_the_statement_a_repeated_index_is_not_summed():
    for said in (
        "",
        "We do not use the summation convention here.",
        "Unlike in physics, repeated indices are not summed.",
        "Physicists often use the summation convention; every sum here is written.",
    ):
        results = check(LAYER.format(said=said))
        assert all(r.status not in ("proved", "refuted") for r in results)


def test_a_declaration_states_the_convention_and_a_bad_value_is_named():
    declared = '<!-- derive\n[options]\nsummation = "einstein"\n-->\n'
    lines = _by_line(check(LAYER.format(said=declared)))
    assert lines[15] == ["proved"]  # the declaration block's lines come before
    from derive.sources.posts.file import load_post_text
    from derive.sources.toml.parse import ParseError

    with pytest.raises(ParseError, match='summation = "explicit" or "einstein"'):
        load_post_text(LAYER.format(said=declared.replace("einstein", "sideways")), "md")


def test_the_convention_stated_in_a_tex_display_with_text():
    tex = r"""\section{A layer}
\begin{equation} z_i = W_{ij} x_j \quad \text{(summation implied)} \end{equation}
\begin{equation} \frac{\partial z_i}{\partial W_{kl}} = \delta_{ik} x_l \end{equation}
\begin{equation} \frac{\partial z_i}{\partial W_{kl}} = \delta_{il} x_k \end{equation}
"""
    lines = _by_line(check(tex, "tex"))
    assert lines[3] == ["proved"]
    assert lines[4] == ["refuted"]


def test_an_ambiguous_row_is_cannot_read_naming_the_index_never_refuted():
    text = f"""{SAID}

$$ z_i = W_{{ij}} x_j $$

$$ \\frac{{\\partial z_i}}{{\\partial x_k}} = W_{{ij}} x_j W_{{jk}} $$

$$ E = \\frac{{1}}{{2}} (z_i - t_i)^2 $$
"""
    results = check(text)
    assert [(r.line, r.status) for r in results] == [(5, "cannot read"), (7, "cannot read")]
    assert "index j" in results[0].detail and "3 times" in results[0].detail
    assert "index i" in results[1].detail and "power" in results[1].detail


TWO_LAYERS = r"""# Backprop with indices

Throughout, we use Einstein notation: an index that appears twice in a term is summed.

The hidden layer is $h_j = \sigma(a_j)$ with $a_j = V_{jk} x_k$, the output $y_i = W_{ij} h_j$.

$$ L = \frac{1}{2} (y_i - t_i)(y_i - t_i) $$

$$ \frac{\partial L}{\partial W_{pq}} = (y_p - t_p) h_q $$

$$ \frac{\partial L}{\partial h_j} = (y_i - t_i) W_{ij} $$

$$ \frac{\partial L}{\partial V_{pq}} = (y_i - t_i) W_{ip} \sigma'(a_p) x_q $$

$$ \frac{\partial L}{\partial V_{pq}} = (y_i - t_i) W_{pi} \sigma'(a_p) x_q $$

$$ \frac{\partial L}{\partial x_q} = (y_i - t_i) W_{ij} \sigma'(a_j) V_{jq} $$
"""


def test_definitions_in_prose_are_read_by_the_convention_through_two_layers():
    results = check(TWO_LAYERS)
    assert [(r.line, r.status) for r in results] == [
        (9, "proved"),
        (11, "proved"),
        (13, "proved"),
        (15, "refuted"),  # W_{pi} for W_{ip}
        (17, "cannot read"),  # j three times (W_ij, σ'(a_j), V_jq): not the convention's
    ]
    assert "index j" in results[-1].detail


def test_a_subscript_letter_that_names_an_array_is_not_summed():
    # W_{hh} of a recurrent layer: h names the hidden state, W_{hh} is one matrix, no trace
    text = f"""{SAID}

$$ a_i = W_{{hh}} h_i + u_i $$

$$ \\frac{{\\partial a_i}}{{\\partial u_k}} = \\delta_{{ik}} $$
"""
    assert [r.status for r in check(text)] == ["proved"]
    from derive.sources.posts.file import load_post_text

    for letters, summed in (("hh", False), ("jj", True)):  # W_{jj}: the trace, summed
        post = load_post_text(text.replace("W_{hh}", "W_{" + letters + "}"), "md")
        bodies = [d.body for d in post.definitions.table.values()]
        assert any(b.has(Sum) for b in bodies) is summed


def test_the_chain_rule_in_index_form_sums_the_index_between_two_derivatives():
    # ∂L/∂y_i of L = Σ_i (y_i - t_i)²/2 is written out with the sum's own bound index: the
    # sum over i that the product implies must not capture it
    outer = r"\frac{\partial L}{\partial y_i}"
    by_h = r"\frac{\partial L}{\partial h_j} = " + outer + r" \frac{\partial y_i}{\partial h_j}"
    by_w = r"\frac{\partial L}{\partial W_{kl}} = " + outer
    by_w += r" \frac{\partial y_i}{\partial W_{kl}}"
    rows = [
        r"L = \frac{1}{2} (y_i - t_i)(y_i - t_i)",
        by_h + r" = (y_i - t_i) W_{ij}",
        by_w + r" = (y_k - t_k) h_l",
        r"\frac{\partial L}{\partial h_j} = (y_i - t_i) W_{ji}",
    ]
    text = SAID + "\n\nThe output is $y_i = W_{ij} h_j$.\n\n"
    text += "\n\n".join(f"$$ {row} $$" for row in rows) + "\n"
    statuses = [(r.line, r.status) for r in check(text)]
    assert statuses == [
        (7, "proved"),
        (7, "proved"),
        (9, "proved"),
        (9, "proved"),
        (11, "refuted"),
    ]


def test_a_post_that_denies_the_convention_before_or_after_naming_it_does_not_get_it() -> None:
    from derive.sources.posts.implied import states_convention

    assert states_convention("We use the summation convention: repeated indices") is not None
    assert states_convention("The summation convention is used; x is not bold.") is not None
    assert states_convention("We do not use the summation convention here.") is None
    assert states_convention("Einstein notation is not used below.") is None
    assert states_convention("The summation convention will not be used.") is None


def test_an_index_a_written_out_derivative_repeats_more_than_the_text_is_not_read():
    # t_i ∂p_i/∂z_j: i written twice, but ∂p_i/∂z_j = p_i (δ_ij - p_j) brings a third
    rows = [
        r"p_i = \frac{e^{z_i}}{\sum_k e^{z_k}}",
        r"L = -t_i \log p_i",
        r"\frac{\partial L}{\partial z_j} = -t_i \frac{\partial p_i}{\partial z_j}",
        r"\frac{\partial p_i}{\partial z_j} = p_i (\delta_{ij} - p_j)",
    ]
    text = SAID + "\n\n" + "\n\n".join(f"$$ {row} $$" for row in rows) + "\n"
    results = check(text)
    assert [(r.line, r.status) for r in results] == [(7, "cannot read"), (9, "proved")]
    assert "index i" in results[0].detail and "derivatives are written out" in results[0].detail


def test_entries_of_stated_matrices_are_summed_over_the_matrix_size():
    # W_{ij} of a stated m×n matrix: j runs over W's n columns, not an unranged sum's size
    text = (
        r"Let $W \in \mathbb{R}^{m \times n}$, $x \in \mathbb{R}^n$ and $z = W x$. In index "
        "notation, with repeated indices summed,\n\n$$ z_i = W_{ij} x_j $$\n\n"
        "$$ \\frac{\\partial z_i}{\\partial x_k} = W_{ik} $$\n\n"
        "$$ \\frac{\\partial z_i}{\\partial x_k} = W_{ki} $$\n"
    )
    assert [(r.line, r.status) for r in check(text)] == [
        (3, "proved"),
        (5, "proved"),
        (7, "refuted"),
    ]


def test_a_product_too_long_to_multiply_out_is_not_read():
    xs = symbols("x1:30")
    long = Add(*xs[:8], a[j] * b[j]) * Add(*xs[10:18]) * Add(*xs[20:28])
    with pytest.raises(ImpliedSumError, match="more than 64 terms"):
        implied_sums(long, RANGES)
