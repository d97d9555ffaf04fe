"""Habits of real posts beyond the basic notation: a loss written as a function of a weight
vector and differentiated by one of its entries (``\\frac{\\partial L}{\\partial w_j}`` with
``L(w) = ...``), a function with a subscripted name named alone (``J_2``), the identity's
entries ``I_{kj}`` of textbooks, and word tags in a superscript (``y^{LS}_k``,
``\\theta^{MLE}``). Each reading proves the true rows and still refutes the planted slip, and
none of them refutes a row on a guess."""

from __future__ import annotations

from post_support import check, check_all

PENALTY = r"""
$$ L(w) = \frac{1}{2n}\sum_{i=1}^{n}\left(\sum_{j=1}^{d} w_j x_{ij} - y_i\right)^2 $$

$$ J(w) = L(w) + \frac{\lambda}{2}\sum_{j=1}^{d} w_j^2 $$

$$ \frac{\partial J}{\partial w_j} = \frac{\partial L}{\partial w_j} + \lambda w_j $$

$$ \frac{\partial L}{\partial w_j}
   = \frac{1}{n}\sum_{i=1}^{n}\left(\sum_{k=1}^{d} w_k x_{ik} - y_i\right) x_{ij} $$

$$ J_2(w) = L(w) + \lambda\sum_{j=1}^{d} w_j^2 $$

$$ \frac{\partial J_2}{\partial w_j} = \frac{\partial L}{\partial w_j} + \lambda w_j $$

$$ \frac{\partial J_2}{\partial w_j} = \frac{\partial L}{\partial w_j} + 2 \lambda w_j $$
"""


def test_a_function_of_a_vector_is_differentiated_by_its_entry_not_applied_to_it() -> None:
    """``L(w)`` by ``w_j``: the body by the entry (applying L to w_j made L constant in w_j,
    or, in matrix notation, an entry of an entry: a crash)."""
    assert [r.status for r in check(PENALTY)] == ["proved", "proved", "refuted", "proved"]


def test_a_subscripted_function_named_alone_is_its_body() -> None:
    refuted = [r for r in check(PENALTY) if r.status == "refuted"]
    assert [r.line for r in refuted] == [13]  # the dropped factor 2 of the unhalved penalty


def test_a_norm_in_the_prose_leaves_the_rows_of_entries_as_they_read() -> None:
    """Inline ``\\|w\\|^2`` names the vector in words; the displays write its entries, and
    read as without it: the true rows proved, the slip refuted."""
    text = "The penalty is $\\frac{\\lambda}{2}\\|w\\|^2$, written out:\n" + PENALTY
    assert [r.status for r in check(text)] == [r.status for r in check(PENALTY)]


BISHOP = r"""
The outputs are $y_k = \frac{e^{a_k}}{\sum_{j=1}^{K} e^{a_j}}$ and the targets sum to one,
$\sum_{k=1}^{K} t_k = 1$.

$$ \frac{\partial y_k}{\partial a_j} = y_k (I_{kj} - y_j) $$

$$ \frac{\partial y_k}{\partial a_j} = y_j (I_{kj} - y_k) $$

$$ -\sum_{k=1}^{K} \frac{t_k}{y_k} y_k (I_{kj} - y_j) = y_j - t_j $$

$$ \frac{\partial y_k}{\partial a_j} = y_k (I_{kj} - y_k) $$
"""


def test_the_identity_entries_of_textbooks_are_the_kronecker_delta() -> None:
    results = check(BISHOP)
    assert [r.status for r in results[:3]] == ["proved", "proved", "proved"]
    assert "identity" in results[0].message()


def test_a_claim_false_only_under_the_identity_guess_is_not_refuted() -> None:
    """``I_{kj}`` is a guess (a post may name data I): a refutation under it is withheld."""
    last = check(BISHOP)[3]
    assert last.status == "cannot check" and "guess" in last.message()


def test_an_array_the_post_defines_is_not_the_identity() -> None:
    text = r"""
$$ I_{kj} = a_k b_j $$

$$ \sum_{k=1}^{K} I_{kj} c_k = b_j \sum_{k=1}^{K} a_k c_k $$

$$ \sum_{k=1}^{K} I_{kj} c_k = c_j $$
"""
    assert [r.status for r in check(text)] == ["proved", "refuted"]


def test_a_word_in_a_superscript_is_a_tag_not_a_power() -> None:
    """``y^{LS}_k`` is the smoothed target (not y to the power L·S), ``\\theta^{MLE}`` an
    estimate: defined without a refutation, and the claims about them proved or refuted."""
    text = r"""
Here $\sum_{k=1}^{K} y_k = 1$.

$$ y^{LS}_k = (1 - \epsilon)\, y_k + \frac{\epsilon}{K} $$

$$ \sum_{k=1}^{K} y^{LS}_k = (1 - \epsilon)\sum_{k=1}^{K} y_k + \epsilon = 1 $$

$$ \sum_{k=1}^{K} y^{LS}_k = 1 - \epsilon $$
"""
    results = check_all(text)
    kinds = [(r.kind, r.status) for r in results if r.kind != "assumption"]
    assert kinds == [
        ("definition", "not a claim"),
        ("claim", "proved"),
        ("claim", "proved"),
        ("claim", "refuted"),
    ]


HUBER = r"""
$$ L_\delta(r) = \begin{cases} \frac{1}{2} r^2 & \text{if } |r| \le \delta \\
   \delta \left(|r| - \frac{1}{2}\delta\right) & \text{otherwise} \end{cases} $$

With $\hat{y}_i = w x_i + b$, $r_i = y_i - \hat{y}_i$ and
$J = \frac{1}{n}\sum_{i=1}^{n} L_\delta(r_i)$, when every residual is beyond the
threshold ($r_i > \delta$ for every $i$):

$$ \frac{\partial J}{\partial w} = -\frac{\delta}{n}\sum_{i=1}^{n} x_i $$

$$ \frac{\partial J}{\partial w} = \frac{\delta}{n}\sum_{i=1}^{n} x_i^2 $$
"""


def test_a_gradient_written_for_one_case_of_a_kinked_loss_is_not_refuted() -> None:
    """The gradient in one region of a function defined by cases (the region said in the prose)
    is not refuted; a slip that holds in no case still is."""
    first, second = check(HUBER)
    assert first.status == "cannot check" and "one case" in first.message()
    assert second.status == "refuted"


def test_relu_said_for_positive_inputs_is_not_refuted_but_a_wrong_slope_is() -> None:
    text = r"""
$$ f(z) = \max(0, z) $$

$$ f'(z) = 1 $$

$$ f'(z) = 2 $$
"""
    assert [r.status for r in check(text)] == ["cannot check", "refuted"]


def test_an_entry_at_a_number_given_a_formula_in_the_prose_is_never_a_free_symbol() -> None:
    """``$\\hat{\\theta}_0 = \\log y$`` is not read as a definition (an entry at a number): the
    claims through it are not refuted as if it were any number."""
    text = r"""
Setting the derivative to zero gives $\hat{\theta}_0 = \log y$, and the rate is the count:

$$ \hat{\lambda} = e^{\hat{\theta}_0} = y $$

$$ e^{\hat{\theta}_1} = y $$
"""
    first, second = check(text)
    assert first.status == "cannot check" and "not read" in first.message()
    assert second.status == "refuted"


def test_a_claim_that_writes_its_own_cases_is_judged_as_written() -> None:
    """An indicator or cases on the claim's side state its regions: a wrong one is refuted."""
    text = r"""
$$ f(z) = \max(0, z) $$

$$ f'(z) = \mathbb{1}[z < 0] $$

$$ r = \begin{cases} z & \text{if } z > 0 \\ 0 & \text{otherwise} \end{cases} = z $$
"""
    assert [r.status for r in check(text)] == ["refuted", "refuted"]


OPERATOR = r"""
$$ S_i = \frac{e^{a_i}}{\sum_{k=1}^{N} e^{a_k}} \qquad \forall i \in 1, \dots, N $$

We write $D_j S_i$ for the derivative of $S_i$ by $a_j$.

$$ D_j S_i = S_i (\delta_{ij} - S_j) $$

$$ \frac{\partial S_i}{\partial a_j} = S_i (\delta_{ij} - S_j) $$

$$ \frac{\partial S_i}{\partial a_j} = S_j (S_i - \delta_{ij}) $$
"""


def test_a_quantifier_over_a_set_after_a_definition_is_a_note() -> None:
    """``\\qquad \\forall i \\in 1, \\dots, N`` says where i runs: the definition is read."""
    first = check_all(OPERATOR)[0]
    assert (first.kind, first.status) == ("definition", "not a claim")


def test_a_capital_array_that_the_text_never_explains_does_not_refute() -> None:
    """``D_j S_i``, D_j the text's operator for a derivative: read as a product it would refute
    a true row; the derivative written out is still judged, the slip refuted."""
    operator, proved, slip = check(OPERATOR)
    assert operator.status == "cannot check" and "never says" in operator.message()
    assert (proved.status, slip.status) == ("proved", "refuted")


def test_a_row_that_writes_two_entries_out_is_read_at_that_size() -> None:
    """``s_1 = e^{a_1} / (e^{a_1} + e^{a_2})`` under a softmax over N entries: true "for two
    classes", said in words; not refuted for N = 4. A wrong two-class row is still refuted."""
    text = r"""
$$ s_i = \frac{e^{a_i}}{\sum_{k=1}^{N} e^{a_k}} $$

For two classes:

$$ s_1 = \frac{1}{1 + e^{-(a_1 - a_2)}} $$

$$ s_1 = \frac{1}{1 + e^{a_1 - a_2}} $$
"""
    right, slip = check(text)
    assert right.status == "cannot check" and "N = 2" in right.message()
    assert slip.status == "refuted"


def test_a_letter_related_as_an_index_stays_an_index_beside_an_array_of_that_name() -> None:
    """``k_{jm}`` (the keys of attention) and ``z_k`` with ``i \\neq k``: k indexes z; it is not
    a data tag such as the x of ``\\mu_x``."""
    text = r"""
$$ p_i = \frac{e^{z_i}}{\sum_{j=1}^{K} e^{z_j}} $$

$$ \frac{\partial p_i}{\partial z_k} = -p_i p_k, \quad i \neq k $$

$$ s_j = \frac{1}{\sqrt{d}} \sum_{m=1}^{d} q_m k_{jm} $$

$$ \frac{\partial s_j}{\partial q_m} = \frac{k_{jm}}{\sqrt{d}} $$
"""
    assert [r.status for r in check(text)] == ["proved", "proved"]


def test_a_tuple_of_values_gives_the_size_of_the_sums_over_its_entries() -> None:
    text = r"""
$$ S(z) = \log \sum_{j=1}^{K} e^{z_j} $$

For $z = (2.0, 1.0, 0.1)$:

$$ S(z) = \log(e^{2} + e^{1} + e^{0.1}) = 2.417 $$
"""
    assert [r.status for r in check(text)] == ["proved", "proved"]


KL = r"""
$$ H(p) = -\sum_{i=1}^{K} p_i \log p_i $$

$$ H(p, q) = -\sum_{i=1}^{K} p_i \log q_i $$

$$ D_{KL}(p \,\|\, q) = \sum_{i=1}^{K} p_i \log \frac{p_i}{q_i} $$

$$ D_{KL}(p \,\|\, q) = -\sum_{i=1}^{K} p_i \log q_i + \sum_{i=1}^{K} p_i \log p_i
   = H(p, q) - H(p) $$

$$ \frac{\partial D_{KL}(p \,\|\, q)}{\partial q_j} = -\frac{p_j}{q_j} $$

$$ \frac{\partial D_{KL}(p \,\|\, q)}{\partial q_j} = \frac{p_j}{q_j} $$
"""


def test_functions_of_one_name_and_two_arities_and_a_double_bar_between_arguments() -> None:
    """H(p) and H(p, q) are two functions; ``D_{KL}(p \\| q)`` is a call of two arguments. The
    split of the logarithm, true for the probabilities the text means, is refuted only at a
    negative q (a complex logarithm): not refuted."""
    results = check(KL)
    assert [r.status for r in results] == ["cannot check", "proved", "proved", "refuted"]
    assert "not a real number" in results[0].message()


def test_a_quarto_label_after_the_closing_dollars_closes_the_display() -> None:
    text = "$$\n\\mu = \\frac{1}{H}\\sum_{i=1}^{H} a_i\n$$ {#eq-mean}\n\n" + (
        "$$\n\\frac{\\partial \\mu}{\\partial a_j} = \\frac{1}{H}\n$$ {#eq-dmean}\n"
    )
    assert [r.status for r in check(text)] == ["proved"]


def test_a_derivative_through_a_definition_not_read_is_never_taken() -> None:
    """mu's definition cannot be read: the derivative of (a_i - mu)/sigma by a_j must not treat
    mu as a constant (that proved the slip that forgets mu)."""
    text = r"""
$$ \mu = \frac{1}{H}\sum_{i=1}^{H} a_i! $$

$$ \hat{a}_i = \frac{a_i - \mu}{s} $$

$$ \frac{\partial \hat{a}_i}{\partial a_j} = \frac{\delta_{ij}}{s} $$
"""
    assert [r.status for r in check(text)][-1] == "cannot check"


def test_a_label_value_or_an_inequality_said_before_a_display_is_its_case() -> None:
    """ "For $y = +1$" and "inside the margin ($y s < 1$)": the claims of the next display hold
    in that case; a slip there is still refuted."""
    text = r"""
$$ \ell(w, b) = \log\left(1 + e^{-y (w x + b)}\right) $$

For $y = +1$ this is the familiar form:

$$ \frac{\partial \ell}{\partial b} = \sigma(w x + b) - 1 $$

$$ \frac{\partial \ell}{\partial b} = \sigma(w x + b) $$
"""
    assert [r.status for r in check(text)] == ["proved", "refuted"]


def test_a_sum_over_every_layer_is_not_differentiated_as_another_array() -> None:
    text = r"""
$$ R = \frac{\lambda}{2} \sum_{l=1}^{L} \sum_{i=1}^{n} \sum_{j=1}^{n} \left(W^{(l)}_{ij}\right)^2 $$

$$ \frac{\partial R}{\partial W^{(1)}_{ij}} = 0 $$
"""
    assert [r.status for r in check(text)] == ["cannot check"]


def test_a_definition_in_the_summation_convention_is_not_read_as_a_free_index() -> None:
    """``z_i = W_{ij} x_j + b_i`` sums over j by the convention the prose states: read with a
    free j it refuted true gradients. A square of one output's error is no such product."""
    text = r"""
$$ z_i = W_{ij} x_j + b_i $$

$$ \frac{\partial z_i}{\partial W_{kl}} = \delta_{ik} x_l $$

$$ E = \frac{1}{2}(a_k - t_k)^2 $$

$$ \frac{\partial E}{\partial a_k} = a_k - t_k $$
"""
    first, second = check(text)
    assert first.status == "cannot check" and "summation convention" in first.message()
    assert second.status == "proved"


def test_a_tag_subscript_twice_in_a_product_is_no_summation_convention() -> None:
    """``\\mu_B`` and ``\\sigma_B`` (the batch's statistics) in one formula: B is a tag."""
    text = r"""
$$ \mu_B = \frac{1}{m} \sum_{i=1}^{m} x_i $$

$$ \hat{x}_i = \frac{x_i - \mu_B}{\sqrt{\sigma_B^2 + \epsilon}} $$

$$ \frac{\partial \hat{x}_i}{\partial \epsilon}
   = -\frac{x_i - \mu_B}{2 (\sigma_B^2 + \epsilon)^{3/2}} $$
"""
    assert [r.status for r in check(text)] == ["proved"]
