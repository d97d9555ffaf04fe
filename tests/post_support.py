"""Helpers for the tests of posts (Markdown / TeX read by derive check): read a text, check it,
pick a step by its line."""

from __future__ import annotations

from pathlib import Path

from derive.sources.post_check import PostResult, check_post
from derive.sources.post_file import PostFile, load_post_text

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT.parent / "shared" / "reference" / "softmax-cross-entropy-derivation.md"


def read(text: str, kind: str = "md", name: str = "post.md") -> PostFile:
    return load_post_text(text, kind, name)


def check(text: str, kind: str = "md", timeout: float = 20.0) -> list[PostResult]:
    return check_post(read(text, kind), timeout=timeout)


def only(text: str, kind: str = "md", timeout: float = 20.0) -> PostResult:
    """The one step of a post with one step."""
    results = check(text, kind, timeout)
    assert len(results) == 1, [r.message() for r in results]
    return results[0]


def statuses(text: str, kind: str = "md", timeout: float = 20.0) -> list[str]:
    return [r.status for r in check(text, kind, timeout)]


def at_line(results: list[PostResult], line: int) -> list[PostResult]:
    return [r for r in results if r.line == line]
