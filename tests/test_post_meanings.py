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


def test_equations_set_to_zero_in_words_are_conditions_of_the_functions_parameters() -> None:
    """Set to zero in words ("setting both derivatives to zero gives"), no derivative
    written: the unknowns are the parameters of the function the post defines (S of beta_0
    and beta_1)."""
    text = r"""
$$ S(\beta_0, \beta_1) = \sum_{i=1}^{n} (y_i - \beta_0 - \beta_1 x_i)^2 $$

Setting both partial derivatives to zero gives

$$ \sum_{i=1}^{n} (y_i - \beta_0 - \beta_1 x_i) = 0 $$

$$ n \beta_0 + \beta_1 \sum_{i=1}^{n} x_i = \sum_{i=1}^{n} y_i $$

$$ \sum_{i=1}^{n} (x_i - 1)^2 = \sum_{i=1}^{n} x_i^2 - 2 \sum_{i=1}^{n} x_i $$
"""
    assert _kinds(text)[1:] == [
        ("condition", "not a claim"),
        ("condition", "not a claim"),
        ("claim", "refuted"),  # a slip about the data alone stays a claim
    ]


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


DESCENT = r"""
# Descent on a parabola

$$ g(\theta) = a (\theta - c)^2 $$

$$ \theta_{k+1} = \theta_k - \alpha g'(\theta_k) $$

$$ \theta_{k+1} - c = (1 - 2 a \alpha)(\theta_k - c) $$

$$ \theta_{k+1} - c = (1 + 2 a \alpha)(\theta_k - c) $$

$$ \theta_k - c = (1 - 2 a \alpha)^k (\theta_0 - c) $$

$$ \theta_k - c = (1 - 2 a \alpha)^{k+1} (\theta_0 - c) $$

$$ \theta_2 = c + (1 - 2 a \alpha)^2 (\theta_0 - c) $$

$$ \theta_2 = c + (1 - 2 a \alpha)^3 (\theta_0 - c) $$

## Heavy ball

$$ m_k = \mu m_{k-1} + g'(\theta_{k-1}) $$

$$ \theta_k = \theta_{k-1} - \alpha m_k $$

$$ \theta_k - \theta_{k-1} = \mu (\theta_{k-1} - \theta_{k-2}) - \alpha g'(\theta_{k-1}) $$

$$ \theta_k - \theta_{k-1} = \mu (\theta_{k-1} - \theta_{k-2}) + \alpha g'(\theta_{k-1}) $$
"""


def test_a_recurrence_defines_the_iterates_and_claims_about_them_are_read_with_it() -> None:
    """``theta_{k+1} = theta_k - alpha g'(theta_k)`` is a definition, a sequence; a claim
    about the iterates is proved by its steps, or by induction from the start, and refuted
    only where the iterates written out from the start disagree; at a concrete step it is
    never refuted (its numbers usually come from the prose)."""
    results = check_all(DESCENT)
    found = [(r.line, r.kind, r.status) for r in results if r.line != 4]
    assert found == [
        (6, "definition", "not a claim"),
        (8, "claim", "proved"),  # by one step
        (10, "claim", "refuted"),  # a slip: refuted at k = 1, written out from the start
        (12, "claim", "proved"),  # by induction on k
        (14, "claim", "refuted"),  # a slip: refuted at the start, k = 0
        (16, "claim", "proved"),  # a concrete step, written out to the start
        (18, "claim", "undecided"),  # a concrete step is never refuted
        (22, "definition", "not a claim"),  # momentum: a system of recurrences
        (24, "definition", "not a claim"),  # theta's steps again, another section
        (26, "claim", "proved"),
        (28, "claim", "refuted"),
    ]
    details = {r.line: r.detail for r in results}
    assert "by induction on k" in details[12]
    assert "for k = 1" in details[10] and "written out by the recurrence at line 6" in details[10]
    assert "by the recurrences at line 22, line 24" in details[26]


def test_a_claim_about_iterates_is_never_refuted_as_unrelated_numbers() -> None:
    """Without a start in the claim and no proof, the iterates are not judged as free
    symbols: a true claim the steps cannot reach is undecided, not refuted."""
    text = r"""
$$ w_{t+1} = w_t - \eta (w_t - 3) $$

$$ (w_{t+1} - 3)^2 = (1 - \eta)^2 (w_t - 3)^2 $$

$$ w_{t+2} - 3 = (1 - \eta)^2 (w_t - 3) $$

$$ (w_t - 3)^2 = (1 - \eta)^{2t} (w_0 - 3)^2 $$
"""
    assert _statuses(text) == ["proved", "proved", "undecided"]


def test_a_residual_named_e_is_squared_and_e_stays_the_exponential_elsewhere() -> None:
    text = r"""
$$ r_i = \beta_0 + \beta_1 x_i $$

$$ e_i = y_i - r_i $$

$$ S = \sum_{i=1}^{n} e_i^2 = \sum_{i=1}^{n} (y_i - \beta_0 - \beta_1 x_i)^2 $$

$$ \frac{\partial S}{\partial \beta_1} = -2 \sum_{i=1}^{n} x_i e_i $$

$$ \frac{\partial S}{\partial \beta_1} = -\sum_{i=1}^{n} x_i e_i $$

$$ p = \frac{1}{1 + e^{-x}} = \frac{e^{x}}{1 + e^{x}} $$
"""
    assert _statuses(text) == ["proved", "proved", "refuted", "proved"]
    # without a definition of e_i, e_k^2 is still the typo it usually is (e^a_k for e^{a_k})
    assert _statuses(r"$$ q = e_k^2 $$" + "\n\n" + r"$$ q = 1 $$") == ["cannot read"]


def test_sigma_written_as_a_name_is_a_standard_deviation() -> None:
    """``\\sigma`` not applied is a scale (a Gaussian's standard deviation, or a sigmoid's
    value): positive, and listed among the defaults; applied it is still the sigmoid."""
    text = r"""
For a normal density
$p(y \mid \mu, \sigma) = \frac{1}{\sqrt{2\pi}\,\sigma} e^{-(y - \mu)^2 / (2\sigma^2)}$,

$$
\log p(y \mid \mu, \sigma) = -\frac{1}{2} \log (2 \pi \sigma^2) - \frac{(y - \mu)^2}{2 \sigma^2}
$$

$$ \log p(y \mid \mu, \sigma) = -\log (2 \pi \sigma) - \frac{(y - \mu)^2}{2 \sigma^2} $$

$$ \sigma(0) = \frac{1}{2} $$
"""
    results = check(text)
    assert [r.status for r in results] == ["proved", "refuted", "proved"]
    assert any("standard deviation" in d and "σ" in d for d in results[0].defaults)


def test_a_loss_swapped_in_its_own_section_is_defined_again() -> None:
    """The same name given a loss of another form (the squared error, then the log loss):
    a new definition from there on, and the claims after it use it."""
    text = r"""
$$ y = \sigma(z), \qquad z = w x + b $$

$$ E = \frac{1}{2} (y - t)^2 $$

$$ \frac{\partial E}{\partial z} = (y - t) y (1 - y) $$

If we swap the loss for

$$ E = -t \log y - (1 - t) \log (1 - y) $$

$$ \frac{\partial E}{\partial z} = y - t $$

$$ \frac{\partial E}{\partial z} = (y - t) y $$
"""
    results = check_all(text)
    assert [(r.kind, r.status) for r in results if r.line >= 10] == [
        ("definition", "not a claim"),
        ("claim", "proved"),
        ("claim", "refuted"),
    ]


def test_iterates_written_with_a_superscript_are_steps_not_labels_or_powers() -> None:
    """``x^{(k+1)}`` from ``x^{(k)}`` (and ``x^{(0)}``, the start), ``w^{t+1}`` from ``w^t``:
    the steps of a sequence, as with subscripts; a layer ``a^{(l+1)}`` and a power
    ``\\beta^t`` keep their readings."""
    text = r"""
$$ f(x) = a x^2 + b x + c $$

$$ x^{(k+1)} = x^{(k)} - \alpha f'(x^{(k)}) $$

$$ x^{(k)} + \frac{b}{2a} = (1 - 2 a \alpha)^k \left(x^{(0)} + \frac{b}{2a}\right) $$

$$ x^{(k)} + \frac{b}{2a} = (1 - a \alpha)^k \left(x^{(0)} + \frac{b}{2a}\right) $$

$$ w^{t+1} = w^t - \eta (w^t - 1) $$

$$ w^{t+1} - 1 = (1 - \eta)(w^t - 1) $$

$$ \theta_j^{(t+1)} = \theta_j^{(t)} - \eta \theta_j^{(t)} $$

$$ \theta_j^{(t+2)} = (1 - \eta)^2 \theta_j^{(t)} $$

$$ \beta^{t+1} = \beta \cdot \beta^t $$
"""
    assert _statuses(text) == ["proved", "refuted", "proved", "proved", "proved"]
    layers = r"$$ z^{(l+1)} = W^{(l)} a^{(l)} $$" + "\n\n" + r"$$ a^{(l+1)} = 2 z^{(l+1)} $$"
    layers += "\n\n" + r"$$ a^{(l+1)} = 2 W^{(l)} a^{(l)} $$"
    results = check_all(layers)
    assert [r.status for r in results] == ["not a claim", "not a claim", "proved"]
    assert "recurrence" not in results[1].detail  # the next layer, not a step


def test_a_zero_that_holds_under_a_hidden_condition_stays_a_claim() -> None:
    """The gradient's entries sum to zero when the targets do: a claim that needs an unstated
    condition (named), not an equation the text solves; a derivative before an implication
    is a claim too, refuted when it is a slip."""
    text = r"""
$$ p_k = \frac{e^{z_k}}{\sum_{c=1}^{K} e^{z_c}} $$

$$ L = -\sum_{k=1}^{K} y_k \log p_k $$

$$ \sum_{j=1}^{K} \frac{\partial L}{\partial z_j} = \sum_{j=1}^{K} (p_j - y_j) = 0 $$

$$ \frac{d}{dw} (w - 3)^2 = 2 (w + 3) \implies w = -3 $$
"""
    results = check(text)
    assert [r.status for r in results] == ["refuted", "refuted", "refuted"]
    assert all("proved if Σ_d y_d = 1" in r.detail for r in results[:2])
    assert results[2].kind == "claim"


def test_a_derivative_through_a_recurrence_and_between_unrelated_steps() -> None:
    """``\\partial h_t / \\partial h_{t-1}`` writes h_t out by its recurrence (never 0, never
    an assumption); for entries with no recurrence, another step is another variable: the
    derivative is not taken as 0 (cannot check), as for any symbol the expression lacks."""
    text = r"""
$$ h_t = \tanh(a h_{t-1} + b x_t) $$

$$ \frac{\partial h_t}{\partial h_{t-1}} = (1 - h_t^2) a $$

$$ \frac{\partial h_t}{\partial h_{t-2}} = (1 - h_t^2) (1 - h_{t-1}^2) a^2 $$

$$ \frac{\partial h_t}{\partial h_{t-1}} = (1 - h_t^2) b $$

$$ \frac{\partial x_t}{\partial x_{t-1}} = 0 $$
"""
    results = check(text)
    assert [(r.kind, r.status) for r in results] == [
        ("claim", "proved"),
        ("claim", "proved"),
        ("claim", "refuted"),
        ("claim", "cannot check"),
    ]
    assert "does not depend on x_{t-1}" in results[3].detail


def test_higher_derivatives_written_with_d() -> None:
    """``\\frac{d^2 \\ell}{d\\lambda^2}`` and the operator ``\\frac{d^2}{d\\lambda^2}`` are second
    derivatives (d was a symbol, and a true curvature was refuted at d = 0)."""
    text = r"""
$$ \ell(\lambda) = n \log \lambda - \lambda s $$

$$ \frac{d^2 \ell}{d \lambda^2} = -\frac{n}{\lambda^2} $$

$$ \frac{d^2}{d \lambda^2} \ell(\lambda) = -\frac{n}{\lambda^2} $$

$$ \frac{d^2 \ell}{d \lambda^2} = \frac{n}{\lambda^2} $$

$$ \frac{d^3}{dx^3} x^4 = 24 x $$
"""
    assert _statuses(text) == ["proved", "proved", "refuted", "proved"]


def test_a_subscript_of_the_posts_quantities_is_a_name_not_two_indices() -> None:
    """``S_{xy}`` and ``S_{xx}`` with x and y the data (``x_i``, ``y_i``): two names; with
    index letters (``W_{kj}``) the subscript stays two indices."""
    text = r"""
$$ S_{xy} = \sum_{i=1}^{n} x_i y_i $$

$$ S_{xx} = \sum_{i=1}^{n} x_i^2 $$

$$ S_{xx} - S_{xy} = \sum_{i=1}^{n} x_i (x_i - y_i) $$

$$ S_{xx} = S_{xy} $$

$$ W_{kj} = a_k b_j $$

$$ W_{jk} = a_j b_k $$
"""
    assert _statuses(text) == ["proved", "refuted", "proved"]


_AVERAGE = r"""
A running average of the inputs, started at zero, $u_0 = 0$:

$$ u_t = \gamma u_{t-1} + (1 - \gamma) q_t $$

$$ u_t = (1 - \gamma) \sum_{s=1}^{t} \gamma^{t-s} q_s $$

$$ \frac{u_2}{1 - \gamma^2} = \frac{\gamma q_1 + q_2}{1 + \gamma} $$

$$ \frac{u_2}{1 - \gamma^2} = \frac{\gamma q_1 + q_2}{1 - \gamma} $$

With $\gamma = 0.5$:

$$ u_1 = 0.5 q_1 $$
"""


def test_a_start_the_text_states_decides_the_claims_at_concrete_steps() -> None:
    """``$u_0 = 0$`` in the prose is the start: a claim at a concrete step written out to it is
    proved, or refuted when it writes every letter it rests on; an unrolled sum is proved by
    induction (the sum to the next step is the sum to this one and its last term); a claim
    whose written-out form has a letter it does not write (the worked example's gamma, given in
    the prose) is never refuted."""
    results = check(_AVERAGE)
    assert [(r.line, r.status) for r in results] == [
        (6, "proved"),
        (8, "proved"),
        (10, "refuted"),
        (14, "undecided"),
    ]
    assert "written out to the start the text states" in results[2].detail
    unstated = _AVERAGE.replace("started at zero, $u_0 = 0$", "started somewhere")
    assert "refuted" not in {r.status for r in check(unstated)}
    # a start an earlier section stated may prove, never refute (this section may start anew)
    later = _AVERAGE.replace(
        "$$ \\frac{u_2}{1 - \\gamma^2} = \\frac{\\gamma q_1 + q_2}{1 + \\gamma} $$", "## Later"
    )
    assert later != _AVERAGE and "refuted" not in {r.status for r in check(later)}


_LAYERS = r"""
The loss of one example is

$$Q = \frac{1}{2}\sum_i (h^L_i - t_i)^2$$

and each layer computes

$$u^l_i = \sum_m v^l_{im} h^{l-1}_m + c^l_i, \qquad h^l_i = \tanh(u^l_i)$$

Call the error of unit $i$ in layer $l$

$$r^l_i = \frac{\partial Q}{\partial u^l_i}$$

$$r^L_i = (h^L_i - t_i)(1 - \tanh^2(u^L_i))$$

$$r^l_i = \sum_p r^{l+1}_p v^{l+1}_{pi} (1 - \tanh^2(u^l_i))$$

$$\frac{\partial Q}{\partial c^l_i} = r^l_i$$

$$\frac{\partial Q}{\partial v^l_{im}} = r^l_i h^{l-1}_m$$

$$\frac{\partial Q}{\partial v^l_{im}} = r^l_m h^{l-1}_i$$
"""


def test_definitions_for_every_layer_and_the_chain_rule_through_the_layers() -> None:
    """In index notation, ``h^L_i`` is ``h^l_i`` at the last layer, the error defined for every
    layer is the error at the layer written, and the cost reaches a layer's weights through its
    z: the four equations of backprop are proved; a slip among them is not refuted (the error
    of the highest layer stands for any numbers)."""
    results = check(_LAYERS)
    assert [(r.line, r.status) for r in results] == [
        (14, "proved"),
        (16, "proved"),
        (18, "proved"),
        (20, "proved"),
        (22, "cannot check"),
    ]
    assert "as any number" in results[-1].detail
    # without the error defined for every layer, the cost does not reach a layer of its own
    alone = _LAYERS.replace(r"$$r^l_i = \frac{\partial Q}{\partial u^l_i}$$", "")
    assert "proved" not in {r.status for r in check(alone) if r.line > 16}
