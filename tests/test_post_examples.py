"""The example posts in examples/ say what docs/posts.md says they do."""

from __future__ import annotations

from pathlib import Path

import pytest

from derive.sources.posts.check import check_post
from derive.sources.posts.file import format_of, load_post

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def _statuses(name: str) -> list[str]:
    path = EXAMPLES / name
    results = check_post(load_post(path, format_of(str(path))), timeout=20)
    return [r.status for r in results if r.kind == "claim"]


def test_the_algebra_post_has_one_planted_error() -> None:
    assert _statuses("algebra_post.md") == ["proved"] * 7 + ["refuted"]


def test_the_paper_with_declarations_is_proved() -> None:
    assert _statuses("softmax_paper.tex") == ["proved"] * 5


@pytest.fixture(scope="module")
def post():
    path = EXAMPLES / "softmax_post.md"
    return [r for r in check_post(load_post(path, "md"), timeout=20) if r.kind == "claim"]


def test_the_post_in_one_notation_has_its_slip_refuted(post) -> None:
    assert [r.status for r in post].count("proved") == 8
    slip = [r for r in post if "a^L_k} \\frac" in r.rhs]
    assert len(slip) == 1 and slip[0].status == "refuted" and "proved if" not in slip[0].detail


def test_the_post_states_sum_t_only_in_words(post) -> None:
    hidden = [r for r in post if "proved if Σ_d t_d = 1 (not stated in the text)" in r.detail]
    assert len(hidden) == 3 and all(r.status == "refuted" for r in hidden)
