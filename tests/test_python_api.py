"""derive from Python and Jupyter: ``derive.check_file`` for files, posts and papers; the
display hooks of Verdict, Report and FileReport; a Derivative start shown as the derivative."""

from __future__ import annotations

from pathlib import Path

import pytest
from sympy import Derivative, Eq, Symbol, symbols, tanh
from sympy import diff as sympy_diff

import derive
from derive import Derivation, Step, check_equal, check_file
from derive.sources.toml.parse import ParseError

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def test_check_file_checks_a_derivation_file_as_derive_check_does() -> None:
    report = check_file(str(EXAMPLES / "sigmoid_bce.toml"))
    assert report.proved and report.status == "proved"
    assert len(report.results) == 8 and not report.nothing
    assert str(report).splitlines()[-1].startswith("1 file, 8 steps: 8 proved, 0 refuted")
    row = report.rows()[0]
    assert (row["file"], row["status"], row["step"]) == (
        str(EXAMPLES / "sigmoid_bce.toml"),
        "proved",
        1,
    )


def test_check_file_reports_refuted_steps_with_their_lines() -> None:
    report = check_file(str(EXAMPLES / "wrong.toml"))
    assert not report.proved and report.status == "refuted"
    assert [(r.derivation, r.step) for r in report.failed] == [
        ("Delta W_kj (post)", 1),
        ("dE/dz_k (forgot sum t = 1)", 2),
        ("dE/dz_k (sign)", 1),
    ]
    assert all(r.verdict.refuted and r.verdict.counterexample for r in report.failed)


def test_check_file_reads_posts_and_papers(tmp_path) -> None:
    post = tmp_path / "post.md"
    post.write_text(
        "# A post\n\n$$ (a + b)^2 = a^2 + 2ab + b^2 $$\n\n$$ (a - b)^2 = a^2 - b^2 $$\n"
    )
    report = check_file(str(post))
    assert [r.status for r in report.results] == ["proved", "refuted"]
    assert report.results[1].line == 5
    paper = check_file(str(EXAMPLES / "softmax_paper.tex"))
    assert paper.results and paper.files == (str(EXAMPLES / "softmax_paper.tex"),)


def test_check_file_options_and_errors(tmp_path) -> None:
    path = tmp_path / "f.toml"
    path.write_text(
        '[symbols]\nx = "real"\n\n[[derivation]]\nname = "n"\nstart = "(x + 1)**2"\n'
        'steps = ["x**2 + 2*x + 1"]\n'
    )
    assert check_file(str(path), limits={"rewrites": 800, "file-bytes": 10_000}).proved
    with pytest.raises(ValueError, match="did you mean 'rewrites'"):
        check_file(str(path), limits={"rewrite": 1})
    path.write_text(path.read_text().replace('"x**2 + 2*x + 1"', '"x**2 + 2*q"'))
    with pytest.raises(ParseError, match="unknown name 'q'"):
        check_file(str(path))
    with pytest.raises(OSError):
        check_file(str(tmp_path / "missing.toml"))
    empty = tmp_path / "README.md"
    empty.write_text("# no math\n")
    nothing = check_file(str(empty))
    assert not nothing.proved and nothing.status == "nothing to check"
    assert nothing.nothing == {str(empty): "no display math: nothing to check"}


def test_a_file_report_displays_as_a_table_in_a_notebook() -> None:
    report = check_file(str(EXAMPLES / "wrong.toml"))
    page = report._repr_html_()
    assert page.startswith("<table>") and page.count("<tr>") == 1 + len(report.results)
    assert 'style="color:#cf222e">refuted</b>' in page
    markdown = report._repr_markdown_()
    assert markdown.splitlines()[0] == "| where | derivation | step | claim | verdict |"
    assert "**refuted**" in markdown
    assert report._repr_latex_().startswith("$$\\begin{array}")


def test_a_verdict_displays_in_html_markdown_and_latex() -> None:
    t1, t2, x = symbols("t1 t2 x", real=True)
    proved = check_equal((t1 + t2) * x - t1, x - t1, assume=[Eq(t1 + t2, 1)])
    assert proved._repr_html_().startswith('<span style="color:#1a7f37"><b>proved</b></span>')
    assert proved._repr_markdown_().startswith("**proved** using t1 + t2 == 1")
    assert proved._repr_latex_() == r"$\text{proved}\text{ using } t_{1} + t_{2} = 1$"
    refuted = check_equal((t1 + t2) * x - t1, x - t1)
    assert r"\text{ at } t_{1} = " in refuted._repr_latex_()
    assert "<script>" not in check_equal(Symbol("<script>"), 0)._repr_html_()


def test_a_derivative_start_is_displayed_as_the_derivative_and_checked_as_its_value() -> None:
    x = Symbol("x", real=True)
    chain = Derivation("tanh'", Derivative(tanh(x), x), (Step(1 - tanh(x) ** 2, "tanh"),))
    report = chain.check()
    assert report.proved
    first = chain._repr_latex_().splitlines()[1]
    assert first.startswith(
        r"\frac{d}{d x} \tanh{\left(x \right)} &= 1 - \tanh^{2}"
    ) or first.startswith(r"\frac{\partial}{\partial x} \tanh{\left(x \right)} &= 1 - \tanh^{2}")
    assert r"\tanh{\left(x \right)}\)" in report._repr_html_()  # the start, in the heading


def test_derive_diff_starts_a_chain_with_the_derivative_as_written() -> None:
    x = Symbol("x", real=True)
    start = derive.diff(tanh(x), x)
    assert start == Derivative(tanh(x), x) and start != sympy_diff(tanh(x), x)
    chain = Derivation("tanh'", start, (Step(1 - tanh(x) ** 2, "tanh"),))
    assert chain.check().proved
    assert chain._repr_latex_().splitlines()[1].split("&=")[0].strip() in (
        r"\frac{d}{d x} \tanh{\left(x \right)}",
        r"\frac{\partial}{\partial x} \tanh{\left(x \right)}",
    )
    wrong = Derivation("tanh' slip", derive.diff(tanh(x), x), (Step(1 + tanh(x) ** 2, "slip"),))
    assert wrong.check().verdicts[0].refuted


def test_the_package_face_names_load_on_first_use() -> None:
    assert set(derive.__all__) >= {"check_file", "FileReport", "Derivation", "check_equal"}
    assert derive.FileReport is type(check_file(str(EXAMPLES / "sigmoid_bce.toml")))
    with pytest.raises(AttributeError):
        derive.no_such_name  # noqa: B018
