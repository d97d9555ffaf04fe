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
CLAIMS_RIGHT_AT_LEAST = 0.61  # 257 of 419 with the holdout posts
SLIPS_REFUTED_AT_LEAST = 28
# the posts in matrix notation (issue "matrix notation"), apart: claims right, slips refuted
MATRIX_CLAIMS_RIGHT_AT_LEAST = 22  # of 36 (23 reached; one spare for the guard under load)
MATRIX_SLIPS_REFUTED_AT_LEAST = 3  # of 3

# Wrong verdicts of today's reader, by place: each is a bug of the reader, listed so that a new
# one fails at once while these are being fixed (drop a line when its row becomes right).
KNOWN_WRONG = frozenset(
    {
        # The holdout posts (a red team's stand-in for the hidden real posts): rounded decimals
        # refuted, equations set to zero and solved, iterates and updates, values given inline.
        "holdout_batchnorm_sigma.tex:70:11",  # true claim: hat{x}_3 = frac{6 - 3}{2.160} = 1.389 .
        "holdout_batchnorm_sigma.tex:70:33",  # true claim: hat{x}_3 = frac{6 - 3}{2.160} = 1.389 .
        "holdout_bernoulli_mle.tex:32:13",  # true claim: log L(0.7) = 7 log 0.7 + 3 log 0.3 = -6.1…
        "holdout_bernoulli_mle.tex:32:39",  # true claim: log L(0.7) = 7 log 0.7 + 3 log 0.3 = -6.1…
        "holdout_gd_steps.md:35:28",  # true claim: w_{10} = 3 - 3(0.8)^{10} = 2.678
        "holdout_prose_bce.md:39:19",  # true claim: p = sigma(0.5) = 0.6225
        "holdout_prose_bce.md:43:11",  # true claim: -log p = 0.4741
        "holdout_prose_bce.md:47:48",  # true claim: frac{partial ell}{partial w} = (p - y) x = (0.…
        "holdout_residuals_e.md:62:10",  # true claim: S_{xx} = 2.25 + 0.25 + 0.25 + 2.25 = 5
        "holdout_residuals_e.md:70:7",  # true claim: e_1 = 2.1 - 2.09 = 0.01, quad e_2 = 3.9 - 4.0…
        "holdout_residuals_e.md:70:38",  # true claim: e_1 = 2.1 - 2.09 = 0.01, quad e_2 = 3.9 - 4.…
        "holdout_residuals_e.md:70:70",  # true claim: e_1 = 2.1 - 2.09 = 0.01, quad e_2 = 3.9 - 4.…
        "holdout_residuals_e.md:70:101",  # true claim: e_1 = 2.1 - 2.09 = 0.01, quad e_2 = 3.9 - 4…
        "holdout_residuals_e.md:74:12",  # true claim: sum e_i = 0.01 - 0.13 + 0.23 - 0.11 = 0
        "holdout_sigma_softmax.md:44:45",  # true claim: sigma(A_3) = frac{e^3}{e^1 + e^2 + e^3} = …
        "holdout_sigma_softmax.md:46:20",  # true claim: H = -log(0.665) = 0.408
        "holdout_softmax_numbers.md:20:7",  # true claim: p_1 = frac{7.389}{11.212} = 0.659, quad p…
        "holdout_softmax_numbers.md:20:30",  # true claim: p_1 = frac{7.389}{11.212} = 0.659, quad …
        "holdout_softmax_numbers.md:20:49",  # true claim: p_1 = frac{7.389}{11.212} = 0.659, quad …
        "holdout_softmax_numbers.md:20:72",  # true claim: p_1 = frac{7.389}{11.212} = 0.659, quad …
        "holdout_softmax_numbers.md:20:91",  # true claim: p_1 = frac{7.389}{11.212} = 0.659, quad …
        "holdout_softmax_numbers.md:30:36",  # true claim: L = -sum_{k=1}^{3} y_k log p_k = -log p_…
        "holdout_softmax_numbers.md:30:48",  # true claim: L = -sum_{k=1}^{3} y_k log p_k = -log p_…
        "holdout_softmax_numbers.md:30:62",  # true claim: L = -sum_{k=1}^{3} y_k log p_k = -log p_…
        "holdout_softmax_numbers.md:34:35",  # true claim: frac{partial L}{partial z_1} = p_1 - 1 =…
        "holdout_softmax_numbers.md:34:45",  # true claim: frac{partial L}{partial z_1} = p_1 - 1 =…
        "holdout_softmax_numbers.md:34:93",  # true claim: frac{partial L}{partial z_1} = p_1 - 1 =…
        "holdout_softmax_numbers.md:34:99",  # true claim: frac{partial L}{partial z_1} = p_1 - 1 =…
        "holdout_softmax_numbers.md:50:45",  # true claim: frac{e^{0}}{e^{0} + e^{-1.0} + e^{-1.9}}…
        "holdout_softmax_numbers.md:50:75",  # true claim: frac{e^{0}}{e^{0} + e^{-1.0} + e^{-1.9}}…
        "holdout_tanh_over.md:33:34",  # true claim: tanh'(0.5) = 1 + tanh^2(0.5) = 1.2136
        "holdout_tanh_over.md:37:12",  # true claim: tanh(1) = 0.7616
        "holdout_worked_backprop.md:28:64",  # true claim: out_{h1} = frac{1}{1+e^{-net_{h1}}} = fr…
        "holdout_worked_backprop.md:28:89",  # true claim: out_{h1} = frac{1}{1+e^{-net_{h1}}} = fr…
        "holdout_worked_backprop.md:32:46",  # true claim: net_{h2} = w_3 * i_1 + w_4 * i_2 + b_1 *…
        "holdout_worked_backprop.md:34:36",  # true claim: out_{h2} = frac{1}{1+e^{-0.33}} = frac{1…
        "holdout_worked_backprop.md:34:57",  # true claim: out_{h2} = frac{1}{1+e^{-0.33}} = frac{1…
        "holdout_worked_backprop.md:38:111",  # true claim: net_{o} = w_5 times out_{h1} + w_6 time…
        "holdout_worked_backprop.md:40:41",  # true claim: out_{o} = frac{1}{1 + e^{-0.756747}} = 0…
        "holdout_worked_backprop.md:44:39",  # true claim: E = frac{1}{2}(target - out_{o})^2 = fra…
        "holdout_worked_backprop.md:44:71",  # true claim: E = frac{1}{2}(target - out_{o})^2 = fra…
        "holdout_worked_backprop.md:56:61",  # true claim: frac{partial E}{partial out_{o}} = -(tar…
        "holdout_worked_backprop.md:60:68",  # true claim: frac{partial out_{o}}{partial net_{o}} =…
        "holdout_worked_backprop.md:68:69",  # true claim: frac{partial E}{partial w_5} = -0.219353…
        "holdout_worked_backprop.md:80:73",  # true claim: frac{partial out_{h1}}{partial net_{h1}}…
        "holdout_worked_backprop.md:82:64",  # true claim: frac{partial E}{partial w_1} = -0.023840…
        "holdout_y_reuse_code.md:33:6",  # true claim: dw = frac{1}{2} left[ (0 - 3) cdot 1 + (0 - …
        "holdout_y_reuse_code.md:35:6",  # true claim: db = frac{1}{2} left[ (0 - 3) + (0 - 5) righ…
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
KNOWN_CRASH: frozenset[str] = frozenset()


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


@pytest.mark.xfail(bool(KNOWN_WRONG), reason="the known wrong verdicts", strict=True)
def test_no_wrong_verdict_on_the_corpus() -> None:
    assert _corpus().wrong == []


def test_the_share_of_right_claims_does_not_fall() -> None:
    corpus = _corpus()
    assert share(corpus.claims_right, corpus.claims) >= CLAIMS_RIGHT_AT_LEAST
    assert corpus.slips_refuted >= SLIPS_REFUTED_AT_LEAST


def test_the_matrix_posts_keep_their_right_claims() -> None:
    score = Score()
    for path in POSTS:
        if load_post(path).matrix:
            score.add(_score(path))
    assert score.claims_right >= MATRIX_CLAIMS_RIGHT_AT_LEAST
    assert score.slips_refuted >= MATRIX_SLIPS_REFUTED_AT_LEAST
