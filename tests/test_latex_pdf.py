"""The committed LaTeX compiles with pdflatex, and the PDF holds every derivation and verdict."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from conftest import compile_latex, require_tool

from derive.derivations import build

ROOT = Path(__file__).resolve().parent.parent
TEX = ROOT / "docs" / "derivation.tex"


@pytest.fixture(scope="module")
def pdf_text(tmp_path_factory: pytest.TempPathFactory) -> str:
    require_tool("pdftotext")
    where = tmp_path_factory.mktemp("pdf")
    pdf = compile_latex(TEX.read_text(encoding="utf-8"), where, "derivation")
    subprocess.run(["pdftotext", "-layout", pdf.name], cwd=where, check=True)
    return (where / "derivation.txt").read_text(encoding="utf-8")


def _words(text: str) -> str:
    """Whitespace collapsed; pdftotext reads the OT1 underscore as a space."""
    return " ".join(text.replace("_", " ").split())


def test_every_derivation_and_step_is_in_the_pdf(pdf_text: str) -> None:
    flat = _words(pdf_text)
    for name in ("reference", "symbolic"):
        assert f"{name}:" in flat
        for derivation in build(name):
            assert _words(derivation.name) in flat, derivation.name
            for number, step in enumerate(derivation.steps, start=1):
                first_words = _words(" ".join(step.why.split()[:2]))
                assert f"{number}. {first_words}" in flat, (derivation.name, number)


def test_the_verdicts_are_in_the_pdf(pdf_text: str) -> None:
    flat = " ".join(pdf_text.split())
    assert flat.count("proved") >= 12 + 11  # every proved step of both sets
    assert "refuted" in flat and "Step 1 is refuted at" in flat
    assert "proved using" in flat
    assert "checked for K = 3, J = 4" in flat and "checked for every K, J" in flat
