"""``derive latex FILE.toml``: a derivation file typeset in its own notation, with verdicts."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import compile_latex

from derive.cli import build_parser, main
from derive.cli import latex as cli_latex

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ("softmax_cross_entropy", "sigmoid_bce", "wrong")
DOC = "docs/examples.md"
DOC_ARGV = [*(f"examples/{name}.toml" for name in EXAMPLES), "--format", "md", "-o", DOC]


def render(*argv: str) -> str:
    return cli_latex.render(build_parser().parse_args(["latex", *argv]))


@pytest.fixture(scope="module")
def tex() -> dict[str, str]:
    """Each example typeset on its own, as a LaTeX article (each file checked once)."""
    old = os.getcwd()
    os.chdir(ROOT)  # the documents name the files as given, relative to the repository
    try:
        return {name: render(f"examples/{name}.toml") for name in EXAMPLES}
    finally:
        os.chdir(old)


def test_a_file_opens_with_its_definitions_and_assumptions(tex) -> None:
    text = tex["softmax_cross_entropy"]
    definitions = text.index("Definitions and assumptions, as the file states them")
    assert definitions < text.index(r"\paragraph{E}")
    block = text[definitions : text.index(r"\end{align*}", definitions)]
    assert r"a_{q} &= \frac{e^{z_{q}}}{\sum_{c=1}^{K} e^{z_{c}}}" in block
    assert r"\text{targets:} &\quad \sum_{d=1}^{K} t_{d} = 1" in block
    assert r"\section*{Derivations, checked line by line}" in text
    assert "as the post defines them" not in text  # the post's definitions are not the file's


def test_chains_are_shown_as_written_with_the_declared_names(tex) -> None:
    softmax, sigmoid = tex["softmax_cross_entropy"], tex["sigmoid_bce"]
    # diff(E, z[k]) stays a derivative of the name E, and a[k] stays a_k
    assert r"\frac{\partial E}{\partial z_{k}} &= " in softmax
    assert r"&= a_{k} - t_{k}" in softmax
    # step 1 writes the softmax out and step 2 names it: they must not look the same
    assert r"\frac{e^{z_{k}}}{\sum_{c=1}^{K} e^{z_{c}}}" in softmax
    # sigma(u) as sigma, w[i] as w_i, and no generated name anywhere
    assert r"\sigma{\left(u \right)}" in sigmoid and r"w_{i} x_{i}" in sigmoid
    for text in tex.values():
        assert "s0" not in text and "s1" not in text


def test_verdicts_are_at_the_right_with_labels_and_counterexamples_below(tex) -> None:
    softmax, wrong = tex["softmax_cross_entropy"], tex["wrong"]
    assert softmax.count(r"$\checkmark$ proved") == 11
    assert r"proved using targets: $\sum_{d=1}^{K} t_{d} = 1$" in softmax
    assert "k \\leq K" not in softmax  # declared index ranges are assumed throughout
    assert wrong.count(r"\times$ \textbf{refuted}") == 3
    assert "Step 1 is refuted at $" in wrong and "there the line before is" in wrong


def test_cli_writes_checks_and_regenerates_byte_for_byte(tmp_path, capsys) -> None:
    source = str(ROOT / "examples" / "sigmoid_bce.toml")
    out = tmp_path / "sigmoid.tex"
    assert main(["latex", source, "-o", str(out)]) == 0
    first = out.read_bytes()
    assert main(["latex", source, "-o", str(out), "--check"]) == 0
    assert "current" in capsys.readouterr().out
    out.write_bytes(first.replace(b"proved", b"refuted", 1))
    assert main(["latex", source, "-o", str(out), "--check"]) == 1
    assert main(["latex", source, "-o", str(out)]) == 0
    assert out.read_bytes() == first
    fragment = render(source, "--fragment")
    assert r"\documentclass" not in fragment and r"\begin{align*}" in fragment


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["nosuch"], "unknown derivation 'nosuch'"),
        (["missing.toml"], "missing.toml: cannot read"),
    ],
)
def test_bad_names_and_files_exit_2_with_one_line(argv, message, capsys) -> None:
    assert main(["latex", *argv]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1 and "Traceback" not in err


def test_a_file_with_an_error_exits_2_naming_the_place(tmp_path, capsys) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[symbols]\nx = "real"\n\n[[derivation]]\nname = "n"\nstart = "x +"\n')
    assert main(["latex", str(bad)]) == 2
    err = capsys.readouterr().err
    assert f"{bad}:6:" in err and err.count("\n") == 1


def test_committed_examples_page_is_current() -> None:
    old = os.getcwd()
    os.chdir(ROOT)
    try:
        text = render(*DOC_ARGV)
    finally:
        os.chdir(old)
    assert (ROOT / DOC).read_text(encoding="utf-8") == text, f"regenerate: derive latex {DOC_ARGV}"
    assert "| 1 | quotient rule | proved |" in text  # Markdown table of verdicts


@pytest.mark.parametrize("name", EXAMPLES)
def test_each_example_document_compiles_with_pdflatex(name, tex, tmp_path) -> None:
    compile_latex(tex[name], tmp_path)


REFERENCE = ROOT.parent / "shared" / "reference" / "softmax-cross-entropy-derivation.md"


@pytest.fixture(scope="module")
def posts() -> dict[str, str]:
    """The example post and the reference post as it stands, typeset (tex and md)."""
    texts = {"post": render(str(ROOT / "examples" / "softmax_post.md"))}
    if REFERENCE.exists():
        texts["reference"] = render(str(REFERENCE))
        texts["reference.md"] = render(str(REFERENCE), "--format", "md")
    return texts


def test_a_post_is_typeset_in_its_own_latex_with_its_definitions_first(posts) -> None:
    text = posts["post"]
    definitions = text.index("Definitions and assumptions, as the file states them")
    assert definitions < text.index(r"\paragraph{eq. (3)}")
    # typeset from what the reader read, in the order the post writes it
    assert r"z_{k}^{L} &= \sum_{j = 1}^{J} W_{k j}^{L} a_{j}^{L - 1} + b_{k}^{L}" in text
    # eq. (3): five lines, the last one refuted as written, with the hidden assumption named
    chain = text[text.index(r"\paragraph{eq. (3)}") :]
    chain = chain[: chain.index(r"\paragraph", 1)]
    assert chain.count(r"$\checkmark$ proved") == 4 and chain.count(r"$\times$ refuted") == 1
    assert r"&= a_{k}^{L} - t_{k}" in chain and r"\tag{3}" in chain
    assert r"proved if $\Sigma_{d} t_{d} = 1$ (not stated in the text)" in chain


def test_the_reference_post_is_typeset_with_its_unreadable_lines_quoted(posts) -> None:
    if "reference" not in posts:
        pytest.skip("the reference post is not beside the repository")
    text = posts["reference"]
    assert "cannot read" in text and r"\text{(not read)}" in text
    # a line that cannot be read is quoted as text, never typeset as math
    assert r"\texttt{= max(0, z{\char95}i{\char94}{\char123}L-2{\char125}}" in text
    assert "cannot check: E does not depend on W" in text
    md = posts["reference.md"]
    assert "`= max(0, z_i^{L-2}`" in md and "| 1 | 66 | cannot read |" in md


@pytest.mark.parametrize("name", ["post", "reference"])
def test_post_documents_compile_with_pdflatex(name, posts, tmp_path) -> None:
    if name not in posts:
        pytest.skip("the reference post is not beside the repository")
    compile_latex(posts[name], tmp_path)
