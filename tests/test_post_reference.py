"""derive check on the reference post, read from ../shared/reference/ as it stands: every line
judged at its line number, the unreadable ones reported, the slips found."""

from __future__ import annotations

import pytest
from post_support import REFERENCE, at_line, remembered_verdicts

from derive.cli import main
from derive.sources.posts.check import check_post
from derive.sources.posts.file import load_post

pytestmark = pytest.mark.skipif(not REFERENCE.exists(), reason="../shared/reference is absent")


@pytest.fixture(scope="module", autouse=True)
def _once():
    """The CLI test reads the post again: the checker judges each claim once."""
    with remembered_verdicts() as memo:
        yield memo


@pytest.fixture(scope="module")
def results():
    return check_post(load_post(REFERENCE, "md", "post.md"), timeout=20)


@pytest.fixture(scope="module")
def lines() -> list[str]:
    return REFERENCE.read_text(encoding="utf-8").splitlines()


def _line_of(lines: list[str], fragment: str, start: int = 0) -> int:
    return next(n for n, text in enumerate(lines, start=1) if n > start and fragment in text)


def test_eq_1_is_proved(results, lines) -> None:
    (step,) = at_line(results, _line_of(lines, r"\tag{1}"))
    assert step.status == "proved" and step.derivation == "eq. (1)"


def test_the_lines_of_eq_3_are_judged(results, lines) -> None:
    first = _line_of(lines, r"\frac{\partial E}{\partial z_{k}^L} &=")
    steps = [r for r in results if first <= r.line <= first + 4]
    assert [r.line for r in steps] == list(range(first, first + 5))
    assert all(r.derivation == "eq. (3)" for r in steps)
    assert [r.status for r in steps] == ["proved"] * 4 + ["refuted"]
    last = steps[-1]
    assert "refuted as written; proved if Σ_d t_d = 1 (not stated in the text)" in last.detail
    assert last.verdict.counterexample and "lhs = " in last.message()


def test_the_single_path_update_rule_is_refuted_with_a_counterexample(results, lines) -> None:
    line = _line_of(lines, r"= -\eta \frac{\partial E}{\partial a_k^L}")
    (step,) = at_line(results, line)
    assert step.status == "refuted"
    assert step.verdict.counterexample and "at " in step.detail


def test_a_derivative_with_respect_to_an_undefined_w_cannot_be_checked(results, lines) -> None:
    line = _line_of(lines, r"\Delta W_{kj}^L &=")
    (step,) = at_line(results, line)
    assert step.status == "cannot check"
    assert step.message().startswith(
        f"post.md:{line}:18: cannot check: E does not depend on W_{{kj}} (did you mean w^L_{{kj}}?)"
    )


def test_every_unreadable_line_is_reported_where_it_is(results, lines) -> None:
    unreadable = [r for r in results if r.status == "cannot read"]
    reported = {r.line for r in unreadable}
    for number, text in enumerate(lines, start=1):
        if "= max(0," in text or r"\propto =" in text:
            assert number in reported, text
    for result in unreadable:
        assert lines[result.line - 1][result.column - 1] == "="


def test_every_step_is_at_an_equals_sign(results, lines) -> None:
    for result in results:
        assert lines[result.line - 1][result.column - 1] == "=", result.message()


def test_the_cli_reports_and_exits_1(capsys) -> None:
    code = main(["check", str(REFERENCE), "--timeout", "20"])
    out = capsys.readouterr().out
    assert code == 1
    assert ": default: " in out
    assert ": refuted: " in out and ": cannot read: " in out and ": cannot check: " in out
    assert "Traceback" not in out
