"""Hostile posts: text that tries to run code (in \\text{}, \\operatorname{}, names,
declarations), deep nesting, huge numbers, sums and files. Each gets a clear error at its
place, nothing is executed, and the run stays bounded."""

from __future__ import annotations

import builtins

import pytest
import sympy.parsing.sympy_parser
from post_support import check, check_all, read

from derive.cli import main
from derive.sources.posts.file import MAX_BYTES, MAX_ROWS
from derive.sources.toml.parse import ParseError


@pytest.fixture
def canary(tmp_path, monkeypatch):
    """A file that code in the post would create, and eval/exec/parse_expr made to fail."""
    target = tmp_path / "pwned"

    def refuse(*args, **kwargs):
        raise AssertionError("user text reached eval/exec/parse_expr")

    monkeypatch.setattr(builtins, "eval", refuse)
    monkeypatch.setattr(builtins, "exec", refuse)
    monkeypatch.setattr(sympy.parsing.sympy_parser, "parse_expr", refuse)
    return target, f"__import__('pathlib').Path({str(target)!r}).touch()"


def test_code_in_text_names_and_operatorname_is_never_run(canary) -> None:
    target, payload = canary
    texts = [
        f"$$ x = \\text{{{payload}}} + 1 = 2 $$",
        f"$$ 2x = x + x \\quad \\text{{{payload}}} $$",
        "$$ \\operatorname{__import__}(x) = 1 $$",
        "$$ \\operatorname{eval}(x) = \\mathrm{exec}(x) $$",
        "$$ __import__ = 1 + 1 = 2 $$",
        "$$ E_{\\text{" + payload + "}} = 1 + 1 = 2 $$",
    ]
    results = [check_all(text, timeout=5) for text in texts]
    assert not target.exists()
    assert results[0][0].status == "cannot read" and "unexpected \\text" in results[0][0].detail
    assert results[1][0].status == "proved"  # a note after the claim is prose
    assert results[2][0].status == "cannot read" and "unknown function" in results[2][0].detail
    # eval(x) = exec(x) defines a function eval: names, never code
    assert (
        results[3][0].status == "not a claim"
        and "defines the function eval" in results[3][0].detail
    )


def test_code_in_declarations_is_an_error(canary) -> None:
    target, payload = canary
    for block in (f'[symbols]\n"{payload}" = "real"', f'[assume]\nx = "{payload}"'):
        with pytest.raises(ParseError, match="declarations"):
            read(f"<!-- derive\n{block}\n-->\n$$ 1 = 1 $$\n")
    assert not target.exists()


def test_generated_names_keep_user_text_out_of_sympy_names() -> None:
    post = read("$$ \\Delta W_{kj} = \\eta_{\\mathrm{lr}} x_k = \\eta_{\\mathrm{lr}} x_k $$")
    names = {s.name for s in post.scope.keys}
    assert names and all(n[0] == "s" and n[1:].isdigit() for n in names)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("{" * 500 + "1" + "}" * 500, "nested more than"),
        ("(" * 50 + "x" + ")" * 50, "nested more than"),
        ("\\frac{1}{" * 30 + "2" + "}" * 30, "nested more than"),
        ("e^{" * 30 + "x" + "}" * 30, "nested more than"),
        ("- " * 2000 + "1", "too long"),
        ("10^{10^{10}}", "the power has too many digits"),
        ("((10^{999})^{999})^{999}", "the power has too many digits"),
        ("9" * 50, "too long to read"),
    ],
)
def test_deep_or_huge_expressions_are_refused_at_their_place(body: str, message: str) -> None:
    (result,) = check(f"Text.\n\n$$ 1 = {body} $$\n", timeout=5)
    assert result.status == "cannot read" and message in result.detail
    assert (result.line, result.column) == (3, 6)


def test_a_sum_with_too_many_terms_is_not_expanded() -> None:
    (result,) = check("$$ \\sum_{k=1}^{1000000} t_k = 0 $$", timeout=5)
    assert result.status == "cannot check" and "more than 64 terms" in result.detail


def test_a_huge_file_is_refused_before_it_is_read(tmp_path, capsys) -> None:
    path = tmp_path / "huge.md"
    path.write_text("$$ 2x = x + x $$\n" * (MAX_BYTES // 16 + 10), encoding="utf-8")
    assert main(["check", str(path)]) == 2
    err = capsys.readouterr().err
    assert "larger than" in err and len(err.strip().splitlines()) == 1


def test_too_many_rows_are_refused_before_any_check() -> None:
    with pytest.raises(ParseError, match="more than"):
        read("$$ 2x = x + x $$\n" * (MAX_ROWS + 1))
