"""Helpers for the tests of posts (Markdown / TeX read by derive check): read a text, check it,
pick a step by its line."""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest
from sympy import srepr

from derive.sources.posts.check import PostResult, check_post
from derive.sources.posts.file import PostFile, load_post_text

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT.parent / "shared" / "reference" / "softmax-cross-entropy-derivation.md"


def read(text: str, kind: str = "md", name: str = "post.md") -> PostFile:
    return load_post_text(text, kind, name)


def check_all(text: str, kind: str = "md", timeout: float = 20.0) -> list[PostResult]:
    """Every row's report, what is not a claim (definitions, conditions, ...) included."""
    return check_post(read(text, kind), timeout=timeout)


def check(text: str, kind: str = "md", timeout: float = 20.0) -> list[PostResult]:
    """The reports of the claims and of what could not be read or checked."""
    return [r for r in check_all(text, kind, timeout) if r.status != "not a claim"]


def only(text: str, kind: str = "md", timeout: float = 20.0) -> PostResult:
    """The one step of a post with one step."""
    results = check(text, kind, timeout)
    assert len(results) == 1, [r.message() for r in results]
    return results[0]


def statuses(text: str, kind: str = "md", timeout: float = 20.0) -> list[str]:
    return [r.status for r in check(text, kind, timeout)]


def at_line(results: list[PostResult], line: int) -> list[PostResult]:
    """The reports at ``line`` of its claims and problems (not its definitions)."""
    return [r for r in results if r.line == line and r.status != "not a claim"]


@contextlib.contextmanager
def remembered_verdicts():
    """Within the block, the checker's verdict on a claim it has already judged is reused.

    Reading a post is deterministic (the same text gives the same generated names), so the
    second reading of a post, or of a page with the same maths in another format, asks the
    same questions: the tests that read twice pay for the checker once. The first answers are
    real: nothing is skipped that a single reading would check.
    """
    import derive.sources.posts.check as post_check

    original, memo = post_check.check_equal, {}

    def remembered(lhs, rhs, *, assume=(), timeout=None, seed=0, limits=None):
        key = (srepr(lhs), srepr(rhs), tuple(srepr(a) for a in assume), timeout, seed, limits)
        if key not in memo:
            memo[key] = original(lhs, rhs, assume=assume, timeout=timeout, seed=seed, limits=limits)
        return memo[key]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(post_check, "check_equal", remembered)
        yield memo
