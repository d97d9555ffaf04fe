"""The corpus of posts in real notation (tests/corpus/): its labels fit the text, and derive check
gives no wrong verdict on it (a true claim refuted, an author slip proved, a non-claim refuted).

The labels were judged independently of derive (by numbers at random points and SymPy, in a
throw-away script); benchmarks/corpus.py prints the shares per post. Each post is checked once
per test process, in this process (about 25 s for the whole corpus today, measured with
benchmarks/corpus.py; the per-post tests spread it over xdist's workers); each step runs under
derive's hang guard.
"""

from __future__ import annotations

import functools
from pathlib import Path

import pytest
from corpus_labels import CLASSES, corpus_posts, display_equalities, kind_of, load_post
from corpus_support import CRASH, Run, Score, run_posts, share

POSTS = corpus_posts()

# The share of claims with the right verdict that today's reader reaches on the corpus, a floor
# against regressions: the reader of real posts (issue "real posts") raises it as it improves;
# the target there is 0.80.
CLAIMS_RIGHT_AT_LEAST = 0.20  # 87 of 419 with the holdout posts (harder: 44 of 216 alone)
SLIPS_REFUTED_AT_LEAST = 10

# Wrong verdicts of today's reader, by place: each is a bug of the reader, listed so that a new
# one fails at once while these are being fixed (drop a line when its row becomes right).
KNOWN_WRONG = frozenset(
    {
        "activation_sections.md:27:13",  # definition: sigma(z) = tanh(z) = frac{e^{z} - e^{-z}}{e…
        "activation_sections.md:31:14",  # true claim: sigma'(z) = frac{(e^{z} + e^{-z})^2 - (e^{z…
        "activation_sections.md:31:83",  # true claim: sigma'(z) = frac{(e^{z} + e^{-z})^2 - (e^{z…
        "activation_sections.md:35:33",  # true claim: frac{partial a}{partial w} = left(1 - sigma…
        "activation_sections.md:41:13",  # definition: sigma(z) = max(0, z)
        "activation_sections.md:45:14",  # true claim: sigma'(z) = begin{cases} 1 & z > 0  0 & z <…
        "activations_notes.tex:9:9",  # definition: g(z) &= frac{1}{1 + e^{-z}}
        "activations_notes.tex:10:10",  # true claim: g'(z) &= g(z)left(1 - g(z)right)
        "activations_notes.tex:15:9",  # definition: g(z) &= frac{e^{z} - e^{-z}}{e^{z} + e^{-z}}
        "activations_notes.tex:16:10",  # true claim: g'(z) &= 1 - g(z)^2
        "activations_notes.tex:17:9",  # true claim: g(z) &= 2 sigma(2z) - 1
        "activations_notes.tex:23:9",  # definition: g(z) &= lnleft(1 + e^{z}right)
        "activations_notes.tex:24:10",  # true claim: g'(z) &= frac{e^{z}}{1 + e^{z}} = frac{1}{1…
        "activations_notes.tex:30:9",  # definition: g(z) &= frac{z}{1 + e^{-z}}
        "activations_notes.tex:37:9",  # definition: g(z) &= alpha left( e^{z} - 1 right)
        "activations_notes.tex:38:10",  # true claim: g'(z) &= alpha e^{z} = g(z) + alpha
        "activations_notes.tex:38:25",  # true claim: g'(z) &= alpha e^{z} = g(z) + alpha
        "batchnorm.md:9:14",  # definition: sigma_B^2 = frac{1}{m} sum_{i=1}^{m} (x_i - mu_B)^2
        "cheatsheet_slips.md:48:8",  # definition: J(w) = frac{1}{2m} sum_{i=1}^{m} (w x_i - y_i)^2
        "conditions_assumptions.md:9:22",  # stated assumption: sum_{k=1}^{K} t_k = 1
        "conditions_assumptions.md:20:5",  # condition: i = j
        "conditions_assumptions.md:24:37",  # true claim: frac{partial s_i}{partial a_j} = s_i - s…
        "conditions_assumptions.md:36:119",  # true claim: frac{partial E}{partial a_j} = -sum_{k=…
        "conditions_assumptions.md:60:13",  # condition: s_j - t_j = 0
        "conditions_assumptions.md:64:7",  # condition: s_j = t_j
        # The holdout posts (a red team's stand-in for the hidden real posts): rounded decimals
        # refuted, values given inline not used, sigma redefined as the softmax, e_i a residual,
        # iterates w_{t+1} and updates, equations set to zero, a cost swapped in its section.
        "holdout_gd_steps.md:5:8",  # definition: f(w) = (w - 3)^2
        "holdout_gd_steps.md:7:9",  # true claim: f'(w) = 2(w - 3)
        "holdout_gd_steps.md:11:11",  # definition: w_{t+1} = w_t - eta f'(w_t) = w_t - 2eta (w_t …
        "holdout_gd_steps.md:11:32",  # true claim: w_{t+1} = w_t - eta f'(w_t) = w_t - 2eta (w_t …
        "holdout_gd_steps.md:15:15",  # true claim: w_{t+1} - 3 = (1 - 2eta)(w_t - 3)
        "holdout_gd_steps.md:19:11",  # true claim: w_t - 3 = (1 - 2eta)^t (w_0 - 3)
        "holdout_gd_steps.md:27:7",  # true claim: w_1 = 0 - 0.1 cdot 2(0 - 3) = 0.6
        "holdout_gd_steps.md:29:7",  # true claim: w_2 = 0.6 - 0.1 cdot 2(0.6 - 3) = 1.08
        "holdout_gd_steps.md:31:7",  # true claim: w_3 = 1.08 - 0.1 cdot 2(1.08 - 3) = 1.364
        "holdout_gd_steps.md:35:10",  # true claim: w_{10} = 3 - 3(0.8)^{10} = 2.678
        "holdout_gd_steps.md:35:28",  # true claim: w_{10} = 3 - 3(0.8)^{10} = 2.678
        "holdout_gd_steps.md:39:6",  # definition: w := w - eta cdot 2(w - 3)
        "holdout_gd_steps.md:45:11",  # definition: v_{t+1} = beta v_t + f'(w_t), qquad w_{t+1} = …
        "holdout_gd_steps.md:45:49",  # definition: v_{t+1} = beta v_t + f'(w_t), qquad w_{t+1} = …
        "holdout_gd_steps.md:49:7",  # true claim: v_1 = 0.9 cdot 0 + 2(0 - 3) = -6
        "holdout_gd_steps.md:51:7",  # true claim: w_1 = 0 - 0.1 cdot (-6) = 0.6
        "holdout_nielsen_delta.md:34:14",  # true claim: delta^L_j = (a^L_j - y_j),sigma'(z^L_j)
        "holdout_nielsen_delta.md:72:14",  # true claim: delta^L_j = a^L_j - y_j
        "holdout_prose_bce.md:39:19",  # true claim: p = sigma(0.5) = 0.6225
        "holdout_prose_bce.md:43:11",  # true claim: -log p = 0.4741
        "holdout_prose_bce.md:47:48",  # true claim: frac{partial ell}{partial w} = (p - y) x = (0…
        "holdout_residuals_e.md:62:10",  # true claim: S_{xx} = 2.25 + 0.25 + 0.25 + 2.25 = 5
        "holdout_residuals_e.md:78:7",  # definition: SSE = 0.0001 + 0.0169 + 0.0529 + 0.0121 = 0.…
        "holdout_residuals_e.md:90:28",  # true claim: log frac{p_i}{1 - p_i} = beta_0 + beta_1 x_i
        "holdout_residuals_e.md:94:41",  # true claim: frac{partial p_i}{partial beta_1} = p_i (1 …
        "holdout_residuals_e.md:102:42",  # true claim: frac{partial ell}{partial beta_1} = sum_{i…
        "holdout_sigma_softmax.md:6:15",  # definition: sigma(A_k) = frac{e^{A_k}}{sumlimits_{j=1}…
        "holdout_sigma_softmax.md:14:30",  # true claim: sum_{k=1}^{C} sigma(A_k) = 1
        "holdout_sigma_softmax.md:18:20",  # true claim: log sigma(A_k) = A_k - log sum_{j=1}^{C} …
        "holdout_sigma_softmax.md:22:51",  # true claim: frac{partial log(sigma(A_k))}{partial A_i…
        "holdout_sigma_softmax.md:30:45",  # true claim: frac{partial sigma(A_k)}{partial A_i} = f…
        "holdout_sigma_softmax.md:34:45",  # true claim: frac{partial sigma(A_k)}{partial A_i} = -…
        "holdout_sigma_softmax.md:38:105",  # true claim: frac{partial H}{partial A_i} = -sum_{k=1…
        "holdout_sigma_softmax.md:38:194",  # true claim: frac{partial H}{partial A_i} = -sum_{k=1…
        "holdout_sigma_softmax.md:44:15",  # true claim: sigma(A_3) = frac{e^3}{e^1 + e^2 + e^3} =…
        "holdout_sigma_softmax.md:44:45",  # true claim: sigma(A_3) = frac{e^3}{e^1 + e^2 + e^3} =…
        "holdout_sigma_softmax.md:46:5",  # true claim: H = -log(0.665) = 0.408
        "holdout_sigma_softmax.md:46:20",  # true claim: H = -log(0.665) = 0.408
        "holdout_softmax_numbers.md:14:11",  # true claim: e^{2.0} = 7.389, quad e^{1.0} = 2.718, …
        "holdout_softmax_numbers.md:14:34",  # true claim: e^{2.0} = 7.389, quad e^{1.0} = 2.718, …
        "holdout_softmax_numbers.md:14:57",  # true claim: e^{2.0} = 7.389, quad e^{1.0} = 2.718, …
        "holdout_softmax_numbers.md:16:26",  # true claim: sum_{j=1}^{3} e^{z_j} = 7.389 + 2.718 +…
        "holdout_softmax_numbers.md:20:7",  # true claim: p_1 = frac{7.389}{11.212} = 0.659, quad …
        "holdout_softmax_numbers.md:20:30",  # true claim: p_1 = frac{7.389}{11.212} = 0.659, quad…
        "holdout_softmax_numbers.md:20:49",  # true claim: p_1 = frac{7.389}{11.212} = 0.659, quad…
        "holdout_softmax_numbers.md:20:72",  # true claim: p_1 = frac{7.389}{11.212} = 0.659, quad…
        "holdout_softmax_numbers.md:20:91",  # true claim: p_1 = frac{7.389}{11.212} = 0.659, quad…
        "holdout_softmax_numbers.md:30:36",  # true claim: L = -sum_{k=1}^{3} y_k log p_k = -log p…
        "holdout_softmax_numbers.md:30:48",  # true claim: L = -sum_{k=1}^{3} y_k log p_k = -log p…
        "holdout_softmax_numbers.md:30:62",  # true claim: L = -sum_{k=1}^{3} y_k log p_k = -log p…
        "holdout_softmax_numbers.md:34:35",  # true claim: frac{partial L}{partial z_1} = p_1 - 1 …
        "holdout_softmax_numbers.md:34:45",  # true claim: frac{partial L}{partial z_1} = p_1 - 1 …
        "holdout_softmax_numbers.md:34:93",  # true claim: frac{partial L}{partial z_1} = p_1 - 1 …
        "holdout_softmax_numbers.md:34:99",  # true claim: frac{partial L}{partial z_1} = p_1 - 1 …
        "holdout_softmax_numbers.md:50:45",  # true claim: frac{e^{0}}{e^{0} + e^{-1.0} + e^{-1.9}…
        "holdout_softmax_numbers.md:50:75",  # true claim: frac{e^{0}}{e^{0} + e^{-1.0} + e^{-1.9}…
        "holdout_tanh_over.md:25:6",  # definition: f(x) = tanh(x)
        "holdout_tanh_over.md:33:34",  # true claim: tanh'(0.5) = 1 + tanh^2(0.5) = 1.2136
        "holdout_tanh_over.md:37:12",  # true claim: tanh(1) = 0.7616
        "holdout_tanh_over.md:49:8",  # definition: g(x) = max(0.01x, x)
        "holdout_tanh_over.md:55:9",  # true claim: g(-3) = -0.03
        "holdout_worked_backprop.md:28:64",  # true claim: out_{h1} = frac{1}{1+e^{-net_{h1}}} = f…
        "holdout_worked_backprop.md:28:89",  # true claim: out_{h1} = frac{1}{1+e^{-net_{h1}}} = f…
        "holdout_worked_backprop.md:32:46",  # true claim: net_{h2} = w_3 * i_1 + w_4 * i_2 + b_1 …
        "holdout_worked_backprop.md:34:36",  # true claim: out_{h2} = frac{1}{1+e^{-0.33}} = frac{…
        "holdout_worked_backprop.md:34:57",  # true claim: out_{h2} = frac{1}{1+e^{-0.33}} = frac{…
        "holdout_worked_backprop.md:38:111",  # true claim: net_{o} = w_5 times out_{h1} + w_6 tim…
        "holdout_worked_backprop.md:40:11",  # definition: out_{o} = frac{1}{1 + e^{-0.756747}} = …
        "holdout_worked_backprop.md:40:41",  # true claim: out_{o} = frac{1}{1 + e^{-0.756747}} = …
        "holdout_worked_backprop.md:44:39",  # true claim: E = frac{1}{2}(target - out_{o})^2 = fr…
        "holdout_worked_backprop.md:44:71",  # true claim: E = frac{1}{2}(target - out_{o})^2 = fr…
        "holdout_worked_backprop.md:56:61",  # true claim: frac{partial E}{partial out_{o}} = -(ta…
        "holdout_worked_backprop.md:60:68",  # true claim: frac{partial out_{o}}{partial net_{o}} …
        "holdout_worked_backprop.md:68:69",  # true claim: frac{partial E}{partial w_5} = -0.21935…
        "holdout_worked_backprop.md:80:73",  # true claim: frac{partial out_{h1}}{partial net_{h1}…
        "holdout_worked_backprop.md:82:64",  # true claim: frac{partial E}{partial w_1} = -0.02384…
        "holdout_y_reuse_code.md:28:6",  # definition: w := w - alpha , dw, qquad b := b - alpha ,…
        "holdout_y_reuse_code.md:28:36",  # definition: w := w - alpha , dw, qquad b := b - alpha …
        "holdout_y_reuse_code.md:33:6",  # true claim: dw = frac{1}{2} left[ (0 - 3) cdot 1 + (0 -…
        "holdout_y_reuse_code.md:35:6",  # true claim: db = frac{1}{2} left[ (0 - 3) + (0 - 5) rig…
        "holdout_y_reuse_code.md:59:5",  # definition: E = -t log y - (1 - t) log (1 - y)
        "holdout_y_reuse_code.md:63:33",  # true claim: frac{partial E}{partial z} = y - t
        "holdout_cs229_logistic.tex:15:10",  # true claim: 1 - g(z) = g(-z),
        "holdout_cs229_logistic.tex:19:8",  # true claim: g'(z) &= frac{d}{dz} frac{1}{1 + e^{-z}}
        "holdout_cs229_logistic.tex:22:2",  # true claim: &= g(z)(1 - g(z)).
        "holdout_cs229_logistic.tex:63:11",  # definition: theta_j := theta_j + alpha left( y^{(i)…
        "linear_regression.md:5:20",  # definition: f_{w,b}(x^{(i)}) = w x^{(i)} + b tag{1}
        "logistic_regression.md:10:15",  # definition: h_theta(x) = frac{1}{1 + e^{-sum_{j=1}^{n}…
        "logistic_regression.md:34:13",  # definition: theta_j := theta_j - alpha frac{1}{m} sum_{…
        "logistic_regression.md:40:31",  # condition: sum_{j=1}^{n} theta_j x_j = 0
        "logistic_regression.md:44:15",  # true claim: h_theta(x) = frac{1}{1 + e^{0}} = frac{1}{2}
        "matrix_backprop.md:29:64",  # true claim: sum_{i=1}^{m} delta^{l}_{(i)} left(a^{l-1}_{(i)…
        "matrix_backprop.md:33:9",  # definition: a^{l} = mathrm{relu}(z^{l})
        "matrix_dZ.tex:24:13",  # definition: dZ^{[2]} &= A^{[2]} - Y (a code-style gradient name)
        "mse_notes.tex:34:26",  # condition: sum_{i=1}^{N} r^{(i)} = 0 .
        "slips_notes.tex:33:8",  # definition: Q(v) = frac{1}{2} (v - c)^2 + frac{lambda}{2} v^2
        "slips_notes.tex:36:9",  # true claim: Q'(v) = v - c + lambda v = (1 + lambda) v - c ,
        "slips_notes.tex:44:41",  # true claim: Qleft( frac{c}{1 + lambda} right) = frac{lambda c^…
        "softmax_hat.md:23:20",  # stated assumption: sum_{k=1}^{K} y_k = 1
        "softmax_notes.tex:14:22",  # stated assumption: sum_{k=1}^{K} y_k = 1 .
        "softmax_pj.md:14:37",  # true claim: frac{partial p_j}{partial o_i} = p_i (1 - p_i), quad…
        "softmax_pj.md:14:62",  # condition: frac{partial p_j}{partial o_i} = p_i (1 - p_i), quad…
        "softmax_pj.md:34:35",  # true claim: frac{partial L}{partial o_i} = p_i - y_i
        "softmax_sum_name.md:46:10",  # condition: When $$k = i$$ both primes equal $e_i$:
        "ufldl_backprop.tex:10:83",  # definition: z^{(3)}_i &= sum_{j=1}^{s_2} W^{(2)}_{ij} a^{(2…
    }
)


def test_the_corpus_has_posts_of_both_kinds_in_both_formats() -> None:
    posts = [load_post(path) for path in POSTS]
    index = [p for p in posts if not p.matrix]
    assert len(index) >= 20 and len([p for p in index if p.path.suffix == ".tex"]) >= 6
    assert len([p for p in posts if p.matrix]) >= 6
    assert all(path.with_suffix(".expect.toml").is_file() for path in POSTS)


@pytest.mark.parametrize("path", POSTS, ids=lambda p: p.name)
def test_every_display_equality_has_exactly_one_label(path) -> None:
    post = load_post(path)  # raises if a label names no `=` or its text does not hold it
    text = path.read_text(encoding="utf-8")
    found = [(line, eq) for line, eq, _ in display_equalities(text, kind_of(path))]
    labelled = [(row.line, row.eq) for row in post.rows]
    assert len(labelled) == len(set(labelled)), "a row labelled twice"
    assert sorted(labelled) == sorted(found)
    assert all(row.cls in CLASSES for row in post.rows)


def test_every_post_plants_or_states_something_to_judge() -> None:
    """Each post has claims; the corpus has slips to refute and non-claims to respect."""
    posts = [load_post(path) for path in POSTS]
    assert all(any(row.cls == "claim" for row in post.rows) for post in posts)
    rows = [row for post in posts for row in post.rows]
    assert sum(row.true is False for row in rows) >= 6
    assert {"definition", "condition", "assumption", "note"} <= {row.cls for row in rows}


# Posts on which today's reader raises instead of reporting (a bug: every row must get a report);
# scored as nothing reported while listed here. Drop a name when the reader reads it.
KNOWN_CRASH = frozenset(
    {
        "holdout_bernoulli_mle.tex",  # an aligned chain whose first row (a \prod) is not read
    }
)


@functools.cache
def _run(path: Path) -> Run:
    """One post checked (once per test process: the per-post tests spread over the workers)."""
    return run_posts([path], timeout=20.0)[0]


def _score(path: Path) -> Score:
    return _run(path).score


@pytest.mark.parametrize("path", POSTS, ids=lambda p: p.name)
def test_the_reader_does_not_crash_beyond_the_known_posts(path) -> None:
    if path.name not in KNOWN_CRASH:
        assert not _run(path).error.startswith(CRASH), _run(path).error


def _corpus() -> Score:
    score = Score()
    for path in POSTS:
        score.add(_score(path))
    return score


def _place(wrong: str) -> str:
    return wrong.split(": ", 1)[0]


@pytest.mark.parametrize("path", POSTS, ids=lambda p: p.name)
def test_no_wrong_verdict_beyond_the_known_ones(path) -> None:
    assert [w for w in _score(path).wrong if _place(w) not in KNOWN_WRONG] == []


@pytest.mark.xfail(
    strict=True,
    reason="today's reader refutes definitions (a redefined sigma or g, f(x) = ..., an update), "
    "stated assumptions, conditions, and a matrix row read as scalars (KNOWN_WRONG lists them)",
)
def test_no_wrong_verdict_on_the_corpus() -> None:
    assert _corpus().wrong == []


def test_the_share_of_right_claims_does_not_fall() -> None:
    corpus = _corpus()
    assert share(corpus.claims_right, corpus.claims) >= CLAIMS_RIGHT_AT_LEAST
    assert corpus.slips_refuted >= SLIPS_REFUTED_AT_LEAST
