"""derive latex: the post's notation, verdicts at the right, committed docs, exit codes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sympy import Derivative, Eq, Heaviside, KroneckerDelta, Max, Mul, Sum, exp, symbols

from derive.checker.verdict import Verdict
from derive.cli import build_parser, main
from derive.cli import latex as cli_latex
from derive.derivations import DERIVATIONS, build, output
from derive.model.loss import softmax
from derive.model.network import logit
from derive.model.primitives import relu_prime
from derive.model.symbols import W1, E, J, K, W, a, a_prev, c, cp, d, eta, j, jp, k, t, z, z1
from derive.render.latex import derivation_latex, derivation_markdown, to_latex
from derive.render.latex.chain import broken, chain_lines
from derive.render.latex.display import displayed, fold, shown, tidy
from derive.render.latex.text import latex_text, markdown_text
from derive.steps import Derivation, Step

ROOT = Path(__file__).resolve().parent.parent
# the docs' commands; a long per-step budget, so a loaded machine cannot turn a proof undecided
DOCS = {
    "docs/derivation.tex": ["reference", "symbolic", "--timeout", "60"],
    "docs/derivation.md": ["reference", "symbolic", "--timeout", "60", "--format", "md"],
    "docs/matrix-derivations.md": ["matrix", "--timeout", "60", "--format", "md"],
}


def _args(*argv: str):
    return build_parser().parse_args(["latex", *argv])


@pytest.fixture(scope="module")
def docs() -> dict[str, str]:
    """The docs regenerated in-process (the checks are cached across this module)."""
    return {path: cli_latex.render(_args(*argv, "-o", path)) for path, argv in DOCS.items()}


# --- notation: a few golden strings, by hand ---------------------------------------------------


def test_indexed_symbols_are_typeset_like_the_post() -> None:
    assert to_latex(z[k]) == "z_{k}^{L}"
    assert to_latex(W[k, j]) == "W_{kj}^{L}"
    assert to_latex(a_prev[j]) == "a_{j}^{L-1}"
    assert to_latex(t[k]) == "t_{k}"
    assert to_latex(W1[10, 2]) == "W_{10,2}^{L-1}"  # multi-digit indices keep a comma


def test_sums_deltas_and_derivatives() -> None:
    assert to_latex(Sum(exp(z[c]), (c, 1, K))) == r"\sum_{c=1}^{K} e^{z_{c}^{L}}"
    assert to_latex(KroneckerDelta(d, k)) == r"\mathbb{1}_{d=k}"
    assert to_latex(Derivative(E, z[k])) == r"\frac{\partial E}{\partial z_{k}^{L}}"
    minus_eta = Mul(-1, eta, Derivative(E, W[k, j]), evaluate=False)
    assert to_latex(minus_eta) == r"- \eta \frac{\partial E}{\partial W_{kj}^{L}}"


def test_relu_and_its_derivative() -> None:
    assert to_latex(relu_prime(z1[j])) == r"\operatorname{relu}'\left(z_{j}^{L-1}\right)"
    assert to_latex(Max(0, z1[j])) == r"\operatorname{relu}\left(z_{j}^{L-1}\right)"
    assert to_latex(Heaviside(z1[j], 0)) == r"\mathbb{1}_{z_{j}^{L-1} > 0}"


def test_eq0_and_relu_are_folded_back_for_reading() -> None:
    assert fold(exp(logit(c, J))) == exp(z[c])
    assert fold(exp(-logit(c, J))) == exp(-z[c])
    assert fold(Max(0, z1[j])) == a_prev[j]


# --- display-only tidying: exact identities under the index ranges -----------------------------

RANGES = {k: (1, K), j: (1, J)}  # 1 <= k <= K, 1 <= j <= J, as assumed throughout


def test_a_sum_of_zeros_is_zero() -> None:
    assert tidy(-(Sum(0, (jp, 1, J)) + 1) * t[d], RANGES) == -t[d]


def test_a_delta_picks_its_term_when_the_index_is_in_range() -> None:
    assert to_latex(tidy(Sum(KroneckerDelta(j, jp) * a_prev[jp], (jp, 1, J)), RANGES)) == (
        "a_{j}^{L-1}"
    )
    assert to_latex(tidy(Sum(exp(z[c]) * KroneckerDelta(c, k), (c, 1, K)), RANGES)) == (
        "e^{z_{k}^{L}}"
    )
    # c' is in 1..K as the outer sum's own index, so the inner delta picks d = c'
    nested = Sum(exp(z[cp]) * Sum(KroneckerDelta(cp, d) * t[d], (d, 1, K)), (cp, 1, K))
    assert to_latex(tidy(nested, RANGES)) == r"\sum_{c'=1}^{K} e^{z_{c'}^{L}} t_{c'}"


def test_a_delta_stays_when_the_range_differs_or_is_unknown() -> None:
    over_J = Sum(KroneckerDelta(c, k) * exp(z[c]), (c, 1, J))  # k runs to K, not J
    assert tidy(over_J, RANGES) == over_J
    unknown = Sum(KroneckerDelta(c, x) * exp(z[c]), (c, 1, K))
    assert tidy(unknown, RANGES) == unknown


def test_the_reciprocal_of_a_name_is_shown_as_one_over_it() -> None:
    names = {softmax(k, K): a[k]}
    assert to_latex(shown(t[k] * Sum(exp(z[c]), (c, 1, K)) * exp(-z[k]), names)) == (
        r"\frac{t_{k}}{a_{k}^{L}}"
    )


def test_a_display_form_is_shown_only_when_it_is_the_checked_line() -> None:
    checked = eta * t[k] * (a[k] - a[k] ** 2) / a[k]
    post = Mul(-1, eta, -t[k] / a[k], Mul(a[k], 1 - a[k], evaluate=False), evaluate=False)
    assert displayed(checked, post) is post
    assert to_latex(post) == (
        r"- \eta \left(- \frac{t_{k}}{a_{k}^{L}}\right) a_{k}^{L} \left(1 - a_{k}^{L}\right)"
    )
    slipped = Mul(-1, eta, -t[k] / a[k], Mul(a[k], 1 + a[k], evaluate=False), evaluate=False)
    assert displayed(checked, slipped) is checked


def test_a_squared_activation_keeps_one_superscript() -> None:
    assert to_latex(a[k] ** 2) == r"\left(a_{k}^{L}\right)^{2}"


def test_the_softmax_is_written_out_where_the_next_line_names_it() -> None:
    (dz,) = (d_ for d_ in build("symbolic") if d_.name == "dE/dz_k")
    _, lines = chain_lines(dz)
    first, second = lines[0].pieces[0], lines[1].pieces[0]
    assert first != second
    assert first == (
        r"- \sum_{d=1}^{K} t_{d} \left(\mathbb{1}_{d=k} - "
        r"\frac{e^{z_{k}^{L}}}{\sum_{c=1}^{K} e^{z_{c}^{L}}}\right)"
    )
    assert second == r"- \sum_{d=1}^{K} t_{d} \left(\mathbb{1}_{d=k} - a_{k}^{L}\right)"


def test_the_update_rules_read_like_the_post() -> None:
    rows = {d_.name: chain_lines(d_)[1][0].pieces for d_ in build("reference")}
    rows |= {d_.name: chain_lines(d_)[1][0].pieces for d_ in build("symbolic")}
    assert rows["Delta W_kj (post)"] == (
        r"- \eta \left(- \frac{t_{k}}{a_{k}^{L}}\right) a_{k}^{L} \left(1 - a_{k}^{L}\right) "
        r"a_{j}^{L-1}",
    )
    assert rows["dE/db_k"] == (r"- \sum_{d=1}^{K} \left(\mathbb{1}_{d=k} - a_{k}^{L}\right) t_{d}",)


def test_user_text_is_escaped() -> None:
    # TeX's specials as the typewriter font's own characters where the text font has none
    assert latex_text(r"a & b % c $ # _ { } ~ ^ \ ") == (
        r"a \& b \% c \texttt{\char36} \# \texttt{\char95} \{ \} \texttt{\char126} "
        r"\texttt{\char94} \textbackslash{}"
    )
    assert latex_text("z ≠ 0") == r"z $\neq$ 0"
    assert markdown_text("a_k | *b* $x$") == r"a\_k \| \*b\* \$x\$"


# --- one derivation ------------------------------------------------------------------------------

x = symbols("x", real=True)


def _toy(why: str = "ok") -> Derivation:
    return Derivation(
        name="toy_1 & co", start=2 * x, lhs=E, steps=(Step(x + x, why),), tag="7", title="50%"
    )


def test_each_verdict_is_shown_at_the_right() -> None:
    assumption = Eq(Sum(t[d], (d, 1, K)), 1)
    proved = Verdict("proved", needs=(assumption, k <= K))
    refuted = Verdict("refuted", counterexample={x: 0}, lhs_value=1 + 0j, rhs_value=0j)
    undecided = Verdict("undecided", method="ran out of time")
    text = derivation_latex(_toy(), (proved,))
    assert r"\checkmark$ proved using $\sum_{d=1}^{K} t_{d} = 1$" in text
    assert "k \\leq K" not in text  # index ranges are stated once, not per step
    assert r"\tag{7}" in text
    assert r"\paragraph{toy\texttt{\char95}1 \& co} 50\%" in text
    text = derivation_latex(_toy(), (refuted,))
    assert r"\times$ \textbf{refuted}" in text
    assert (
        "Step 1 is refuted at $x = 0$: there the line before is $1$ and this line is $0$." in text
    )
    text = derivation_latex(_toy("a_b {c}"), (undecided,))
    assert "? undecided" in text and "Step 1 is undecided: ran out of time." in text
    assert r"a\texttt{\char95}b \{c\}" in text
    markdown = derivation_markdown(_toy(), (refuted,))
    assert "**toy\\_1 \\& co**" in markdown and r"\text{step 1}\ \times" in markdown
    assert "| 1 | ok | **refuted** |" in markdown and r"\end{aligned} \tag{7}" in markdown


def test_verdicts_must_match_the_steps() -> None:
    with pytest.raises(ValueError, match="1 steps but 2 verdicts"):
        derivation_latex(_toy(), (Verdict("proved"), Verdict("proved")))


def test_long_lines_are_broken_between_terms() -> None:
    long = sum(Sum(exp(z[c]) * t[c] * W[c, j], (c, 1, K)) ** n for n in range(1, 6))
    rows = broken(long, width=40)
    assert len(rows) > 1
    assert all(row.startswith("+ ") for row in rows[1:])


@pytest.mark.slow
def test_every_set_typesets() -> None:
    for name in DERIVATIONS:
        for derivation in build(name):
            text = derivation_latex(derivation) + derivation_markdown(derivation)
            assert "Max(" not in text and "^L" not in text, (name, derivation.name)


# --- the committed docs ---------------------------------------------------------------------------


@pytest.mark.parametrize("path", sorted(DOCS))
def test_committed_docs_are_current(docs: dict[str, str], path: str) -> None:
    committed = (ROOT / path).read_text(encoding="utf-8")
    command = " ".join(["derive latex", *DOCS[path], "-o", path])
    assert committed == docs[path], f"{path} is stale: regenerate with {command}"


def test_docs_state_the_command_and_no_timings(docs: dict[str, str]) -> None:
    tex, md = docs["docs/derivation.tex"], docs["docs/derivation.md"]
    assert tex.startswith("% Generated by derive latex reference symbolic --timeout 60 -o ")
    assert md.startswith("<!-- Generated by `derive latex reference symbolic --timeout 60 --format")
    assert " s)" not in tex and "seconds" not in tex


def test_docs_show_the_post_in_its_notation(docs: dict[str, str]) -> None:
    tex = docs["docs/derivation.tex"]
    for notation in ("z_{k}^{L}", "W_{kj}^{L}", "a_{j}^{L-1}", r"\mathbb{1}_{d=k}"):
        assert notation in tex
    assert r"\sum_{c=1}^{K} e^{z_{c}^{L}}" in tex
    assert r"&= a_{k}^{L} - t_{k} && " in tex and r"\tag{3}" in tex
    assert r"\documentclass" in tex and r"\usepackage{amsmath,amssymb}" in tex
    assert (
        "(checked for K = 3, J = 4)" in tex
        and "symbolic: The output layer for every K and J at once" in tex
        and "(checked for every K, J)" in tex
    )


def test_the_posts_slip_is_refuted_with_its_counterexample(docs: dict[str, str]) -> None:
    tex = docs["docs/derivation.tex"]
    block = tex.split(r"\paragraph{Delta W\texttt{\char95}kj (post)}")[1].split(r"\paragraph")[0]
    assert r"\textbf{refuted}" in block and "proved" not in block
    note = block.split("Step 1 is refuted at $")[1]
    for symbol in ("k = ", "j = ", r"\eta = ", "t_{1} = ", "W_{11}^{L} = "):
        assert symbol in note.split("$")[0]
    before, after = (note.split("is $")[i].split("$")[0] for i in (1, 2))
    assert float(before) != float(after)


def test_the_sum_t_assumption_is_named(docs: dict[str, str]) -> None:
    block = (
        docs["docs/derivation.tex"]
        .split(r"\paragraph{dE/dz\texttt{\char95}k}")[1]
        .split(r"\paragraph")[0]
    )
    assert block.count(r"$\checkmark$ proved") == 5
    assert block.count(r"proved using targets: $\sum_{d=1}^{K} t_{d} = 1$") == 1


def test_regeneration_is_byte_identical(docs: dict[str, str]) -> None:
    for path, argv in DOCS.items():
        assert cli_latex.render(_args(*argv, "-o", path)) == docs[path]


def test_fragment_and_expanded(docs: dict[str, str]) -> None:
    fragment = cli_latex.render(_args("reference", "--timeout", "60", "--fragment"))
    assert r"\documentclass" not in fragment and r"\paragraph" not in fragment
    assert fragment.count(r"\begin{align*}") == len(build("reference"))
    expanded = cli_latex.render(_args("reference", "--timeout", "60", "--expanded"))
    chains = expanded.split(r"\section*{reference", 1)[1]  # after the general definitions
    assert "e^{z_{1}^{L}} + e^{z_{2}^{L}} + e^{z_{3}^{L}}" in chains
    assert r"\sum_{c=1}^{K}" not in chains


def test_documents_start_with_the_posts_definitions_eq_0_numbered(docs: dict[str, str]) -> None:
    tex, md = docs["docs/derivation.tex"], docs["docs/derivation.md"]
    eq0 = r"z_{k}^{L} &= \sum_{j=1}^{J} W_{kj}^{L} a_{j}^{L-1} + b_{k}^{L}"
    assert eq0 + r" \tag{0}" in tex
    assert eq0 + " && (0)" in md  # GitHub's MathJax: one \tag per block, so (0) as text
    assert tex.index(eq0) < tex.index(r"\section*{reference")
    for text in (tex, md):
        assert r"\mathbb{1}_{d=k} &= 1 \text{ if } d = k" in text
        assert r"a_{i}^{L-2} = \operatorname{relu}\left(z_{i}^{L-2}\right)" in text


# --- the command: exit codes, --check, bad input --------------------------------------------------


def _main(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(["latex", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_check_is_0_when_current_1_when_stale_or_missing(docs, capsys, tmp_path) -> None:
    path = tmp_path / "derivation.md"
    argv = [*DOCS["docs/derivation.md"], "-o", str(path), "--check"]
    code, out, _ = _main(capsys, *argv)
    assert (code, path.exists()) == (1, False) and "missing" in out
    path.write_text("old\n", encoding="utf-8")
    code, out, _ = _main(capsys, *argv)
    assert code == 1 and "stale" in out and path.read_text(encoding="utf-8") == "old\n"
    assert _main(capsys, *argv[:-1])[0] == 0  # write it
    code, out, _ = _main(capsys, *argv)
    assert code == 0 and "current" in out
    assert path.read_bytes() == cli_latex.render(_args(*argv[:-1])).encode("utf-8")


def test_unknown_name_is_a_one_line_error() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "derive", "latex", "nosuch"], capture_output=True, text=True
    )
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.startswith("derive: error: ") and "nosuch" in result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


@pytest.mark.parametrize("where", ["under a file", "a directory", "no such directory"])
def test_unwritable_paths_exit_2_and_leave_nothing(capsys, tmp_path, where: str) -> None:
    (tmp_path / "file").write_text("", encoding="utf-8")
    target = {
        "under a file": tmp_path / "file" / "out.tex",
        "a directory": tmp_path,
        "no such directory": tmp_path / "missing" / "out.tex",
    }[where]
    before = sorted(tmp_path.rglob("*"))
    code, out, err = _main(capsys, "reference", "-o", str(target))
    assert code == 2 and out == ""
    assert err.startswith("derive: error: ") and err.count("\n") == 1
    assert sorted(tmp_path.rglob("*")) == before


def test_a_failed_write_leaves_no_partial_file(docs, capsys, tmp_path, monkeypatch) -> None:
    def refuse(source: str, destination: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", refuse)
    path = tmp_path / "derivation.md"
    code, _, err = _main(capsys, *DOCS["docs/derivation.md"], "-o", str(path))
    assert code == 2 and err == f"derive: error: cannot write {path}: No space left on device\n"
    assert list(tmp_path.iterdir()) == []


def test_check_needs_a_file(capsys) -> None:
    code, _, err = _main(capsys, "reference", "--check")
    assert code == 2 and err == "derive: error: --check needs -o FILE\n"


def test_jupyter_latex_repr_is_math_mode_only_with_the_verdicts() -> None:
    """MathJax renders math, not \\paragraph or \\parbox: _repr_latex_ is one $$ block."""
    chain = output.grad_z(3)
    report = chain.check(timeout=30)
    text = report._repr_latex_()
    assert text.startswith("$$\\begin{aligned}") and text.endswith("\\tag{3}$$")
    assert "\\parbox" not in text and "\\paragraph" not in text and "|" not in text
    assert text.count("\\text{proved}") == 5
    assert text.count("\\text{using }") == 1  # only the last line needs sum t = 1
    assert "\\text{proved}" not in chain._repr_latex_()  # not checked: no verdicts shown
