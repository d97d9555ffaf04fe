"""LaTeX an author can paste: the fragment is the derivation alone (verdicts on request), notes
are text with their math, terms keep the order written, |x| is an absolute value, and a step
typeset that is not proved is said on stderr (exit 1 with --strict)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sympy import Abs, Symbol

from derive.cli import build_parser, main
from derive.cli import latex as cli_latex
from derive.render.latex.printer import to_latex
from derive.render.latex.tex import latex_text

ROOT = Path(__file__).resolve().parent.parent
WRONG = str(ROOT / "examples" / "wrong.toml")

FILE = """\
[symbols]
u = "real"
t = "real"
b = "real"
J = "positive integer"
i = "index 1..J"
w = "real[J]"
x = "real[J]"

[define]
"sigma(v)" = "1 / (1 + exp(-v))"
z = "sum(w[i] * x[i], (i, 1, J)) + b"

[[derivation]]
name = "sigma'"
start = "diff(sigma(u), u) - t"
steps = [
  { expr = "sigma(u) * (1 - sigma(u)) - t", why = "since $1 - \\\\sigma(u) \\\\geq 0$, as |x| is" },
  { expr = "-t + sigma(u) * (1 - sigma(u))", why = "reorder" },
]
"""


def typeset(*argv: str) -> str:
    return cli_latex.render(build_parser().parse_args(["latex", *argv]))


@pytest.fixture(scope="module")
def file(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("paper") / "sigma.toml"
    path.write_text(FILE, encoding="utf-8")
    return str(path)


def test_a_fragment_is_the_derivation_alone() -> None:
    fragment = typeset(WRONG, "--fragment")
    assert "\\documentclass" not in fragment and "\\paragraph" not in fragment
    assert "\\checkmark" not in fragment and "\\times" not in fragment
    assert "refuted" not in fragment and "proved" not in fragment
    assert "chain rule through a" in fragment  # each step's justification stays


def test_verdicts_in_a_fragment_only_when_asked() -> None:
    fragment = typeset(WRONG, "--fragment", "--verdicts")
    assert "$\\times$ \\textbf{refuted}" in fragment and "$\\checkmark$ proved" in fragment
    assert "Step 1 is refuted at $" in fragment


def test_verdicts_without_a_fragment_is_a_usage_error(capsys) -> None:
    assert main(["latex", WRONG, "--verdicts"]) == 2
    assert "--verdicts is for --fragment" in capsys.readouterr().err


def test_notes_are_text_with_their_math(file: str) -> None:
    text = typeset(file)
    assert r"since $1 - \sigma\left(u\right) \geq 0$, as $\lvert$x$\rvert$ is" in text
    assert "textasciicircum" not in text and "\\$" not in text


def test_a_posts_notes_typeset_its_names_and_values(tmp_path: Path) -> None:
    post = tmp_path / "post.md"
    post.write_text("$$ w_k^L + 1 = w_k^L + 2 $$\n", encoding="utf-8")
    text = typeset(str(post))
    assert "$k = " in text and "$w_{" in text and "^{L} = 0$" in text
    assert r"[certified: $\lvert$lhs - rhs$\rvert$ $\geq$ 1" in text


def test_terms_keep_the_order_written(file: str, tmp_path: Path) -> None:
    text = typeset(file)
    assert r"z &= \sum_{i=1}^{J} w_{i} x_{i} + b" in text  # not b + sum
    assert r"\sigma{\left(u \right)} \left(1 - \sigma{\left(u \right)}\right) - t &=" not in text
    assert r"&= - t + \sigma{\left(u \right)} \left(1 - \sigma{\left(u \right)}\right)" in text
    post = tmp_path / "post.md"
    post.write_text("$$ y - t = -t + y $$\n", encoding="utf-8")
    assert r"y - t &= - t + y" in typeset(str(post))


def test_an_absolute_value_is_lvert_rvert() -> None:
    assert to_latex(Abs(Symbol("x"))) == r"\left\lvert x \right\rvert"
    assert latex_text("|lhs - rhs| >= 1") == r"$\lvert$lhs - rhs$\rvert$ \textgreater{}= 1"
    assert latex_text("a | b") == r"a \textbar{} b"  # a lone bar stays a bar


def test_a_set_with_a_refuted_step_says_so_on_stderr(tmp_path: Path, capsys) -> None:
    out = tmp_path / "reference.tex"
    assert main(["latex", "reference", "--timeout", "60", "-o", str(out)]) == 0
    err = capsys.readouterr().err
    assert "reference: Delta W_kj (post), step 1: refuted" in err
    assert main(["latex", "reference", "--timeout", "60", "-o", str(out), "--strict"]) == 1
