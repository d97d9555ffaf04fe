"""Compiling generated LaTeX as CI would, with a watch on what pdflatex reads and writes."""

from __future__ import annotations

import subprocess
import unicodedata
from pathlib import Path

from conftest import require_tool

SECRET = "SENTINEL-SECRET-4711"  # in secret.tex, beside the document: \input must not show it
VICTIM = "VICTIM-KEPT"  # in victim.tex: \openout must not truncate it
PDFLATEX = (
    "pdflatex",
    "-no-shell-escape",
    "-halt-on-error",
    "-interaction=nonstopmode",
    "-recorder",
)
OWN = {"doc.tex", "doc.aux", "doc.log", "doc.pdf", "doc.fls"}
# what pdflatex itself reads: its configuration, format, fonts and packages (never a user's
# cache, where a generated font would land)
TEX_TREES = ("/usr/share/texlive/", "/usr/share/texmf/", "/etc/texmf/", "/var/lib/texmf/")
# pdftotext's reading of a few glyphs (the same character, another code point)
READ_AS = {"'": "\u2019", "`": "\u2018", "\u0394": "\u2206", "\u2260": "\u0338="}


def compile_untrusted(tex: str, where: Path) -> str:
    """Compile ``tex`` as ``where/doc.tex`` with ``pdflatex -no-shell-escape -halt-on-error``
    beside two sentinel files; assert that it compiles, opens no file but its own and TeX's
    (``-recorder``), leaves the sentinels as they were and shows neither. Returns the PDF's
    text (pdftotext)."""
    require_tool("pdflatex")
    require_tool("pdftotext")
    where.mkdir(parents=True, exist_ok=True)
    (where / "secret.tex").write_text(SECRET + "\n", encoding="utf-8")
    (where / "victim.tex").write_text(VICTIM + "\n", encoding="utf-8")
    (where / "doc.tex").write_text(tex, encoding="utf-8")
    compiled = subprocess.run(
        [*PDFLATEX, "doc.tex"],
        cwd=where,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert compiled.returncode == 0, compiled.stdout[-3000:]
    assert "mktex" not in compiled.stdout  # no font generated into a cache outside
    assert {p.name for p in where.iterdir()} == OWN | {"secret.tex", "victim.tex"}
    assert (where / "victim.tex").read_text(encoding="utf-8") == VICTIM + "\n"
    _only_own_files(where)
    shown = subprocess.run(
        ["pdftotext", "doc.pdf", "-"], cwd=where, capture_output=True, text=True, check=True
    ).stdout
    assert SECRET not in shown and VICTIM not in shown
    return shown


def _only_own_files(where: Path) -> None:
    for line in (where / "doc.fls").read_text(encoding="utf-8").splitlines():
        kind, _, path = line.partition(" ")
        if kind == "PWD":
            continue
        name = Path(path).name if not path.startswith("/") or path.startswith(str(where)) else ""
        if kind == "OUTPUT":
            assert name in OWN, line
        elif name:
            assert name in ("doc.tex", "doc.aux"), line
        else:
            assert path.startswith(TEX_TREES), line


def shows(text: str, shown: str) -> bool:
    """Whether every character of ``text`` is in the PDF's text ``shown``: as itself, as its
    code point (``U+00E9``, what the document prints for a character it has no glyph for), or
    as pdftotext reads the glyph."""
    flat = unicodedata.normalize("NFKC", "".join(shown.split()))
    for char in "".join(text.split()):
        forms = {char, f"U+{ord(char):04X}", READ_AS.get(char, char)}
        if not any(unicodedata.normalize("NFKC", form) in flat for form in forms):
            return False
    return True
