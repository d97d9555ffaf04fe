"""A checked derivation as a LaTeX ``align*`` block or as Markdown that GitHub renders."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from sympy import Basic

from derive.render.latex.chain import Line, chain_lines, notes, verdict_latex
from derive.render.latex.source import note_latex, note_markdown
from derive.render.latex.tex import comment_text, latex_text, markdown_text, tag_text
from derive.render.latex.text import needs_math, needs_text

if TYPE_CHECKING:
    from derive.checker.verdict import Verdict
    from derive.steps import Derivation

RIGHT_COLUMN = r"0.3\linewidth"  # justification and verdict, set ragged right beside the chain


def _rows(left: str, lines: tuple[Line, ...], right: list[str], tag: str) -> list[str]:
    """The chain's rows: ``lhs &= piece`` then ``&= piece``, continuations ``&\\quad piece``."""
    rows = []
    for line, comment in zip(lines, right, strict=True):
        for position, piece in enumerate(line.pieces):
            relation = r"&\quad " if position else ("&= " if rows else f"{left} &= ")
            rows.append(relation + piece + (f" && {comment}" if position == 0 else ""))
    rows[-1] += rf" \tag{{{tag_text(tag)}}}" if tag else ""
    return rows


def _heading(derivation: Derivation, escape) -> str:
    text = derivation.title
    if derivation.note:
        text += f" ({derivation.note})" if text else derivation.note
    return escape(text)


def derivation_latex(
    derivation: Derivation,
    verdicts: tuple[Verdict, ...] | None = None,
    *,
    expand: bool = False,
    heading: bool = True,
) -> str:
    r"""``derivation`` as a LaTeX ``align*`` block (amsmath, amssymb), notes below it.

    Args:
        derivation: what is typeset; ``tag`` numbers the last line, ``names`` abbreviate.
        verdicts: one per step, from ``derivation.check()`` (or of the same steps checked at
            other sizes); None typesets the chain alone, each step with its justification.
        expand: write sums with integer limits out term by term.
        heading: start with a ``\\paragraph`` naming it; else with a comment (for pasting).

    Returns:
        LaTeX text ending in a newline. The right column is a ``\parbox``, so the block is for
        LaTeX documents; notebooks render :func:`derivation_markdown` instead.

    Raises:
        ValueError: if the number of verdicts is not the number of steps.
    """
    left, lines = chain_lines(derivation, verdicts, expand=expand)
    right = [
        rf"\parbox[t]{{{RIGHT_COLUMN}}}{{\raggedright\small "
        + (
            note_latex(line.why)
            if verdicts is None
            else f"{line.number}.~{note_latex(line.why)}\\\\ "
            + verdict_latex(line.verdict, derivation.labels)
        )
        + "}"
        for line in lines
    ]
    if heading:
        opening = rf"\paragraph{{{latex_text(derivation.name)}}} {_heading(derivation, note_latex)}"
    else:  # a comment: the text as written, kept to its line
        title = _heading(derivation, comment_text)
        opening = f"% {comment_text(derivation.name)}" + (f": {title}" if title else "")
    parts = [
        opening.rstrip(),
        r"\begin{align*}",
        " \\\\\n".join(_rows(left, lines, right, derivation.tag)),
        r"\end{align*}",
    ]
    parts += notes(derivation, lines, markdown=False)
    return "\n".join(parts) + "\n"


def _verdict_markdown(verdict: Verdict | None, labels: Mapping[Basic, str]) -> str:
    if verdict is None:
        return "not checked"
    if verdict.proved:
        needs = needs_text(verdict, labels, markdown=True)
        return "proved" + (f" using {needs}" if needs else "") + (" (*)" if verdict.caveats else "")
    return "**refuted**" if verdict.refuted else "undecided"


def _mark(verdict: Verdict | None) -> str:
    if verdict is None:
        return ""
    if verdict.proved:
        return r"\ \checkmark"
    return r"\ \times" if verdict.refuted else r"\ ?"


def _verdict_word(verdict: Verdict | None, labels: Mapping[Basic, str]) -> str:
    """`` proved using \\sum t = 1`` / `` refuted`` / `` undecided``, in math mode."""
    if verdict is None:
        return ""
    if not verdict.proved:
        return rf"\ \text{{{'refuted' if verdict.refuted else 'undecided'}}}"
    needs = needs_math(verdict, labels)
    return r"\ \text{proved}" + (rf"\ \text{{using }} {needs}" if needs else "")


def derivation_math(derivation: Derivation, verdicts: tuple[Verdict, ...] | None = None) -> str:
    """``derivation`` as one display-math block, ``$$\\begin{aligned}...$$``: what Jupyter's
    MathJax renders for ``_repr_latex_`` (math mode only, no ``\\parbox`` or tables)."""
    left, lines = chain_lines(derivation, verdicts)
    right = [
        rf"\text{{step {line.number}}}{_mark(line.verdict)}"
        + _verdict_word(line.verdict, derivation.labels)
        for line in lines
    ]
    tag = rf" \tag{{{tag_text(derivation.tag)}}}" if derivation.tag else ""
    rows = " \\\\\n".join(_rows(left, lines, right, ""))
    return f"$$\\begin{{aligned}}\n{rows}\n\\end{{aligned}}{tag}$$"


def derivation_markdown(
    derivation: Derivation, verdicts: tuple[Verdict, ...] | None = None, *, expand: bool = False
) -> str:
    """``derivation`` as Markdown: a ``$$`` aligned chain, a table of justifications and verdicts.

    Same arguments as :func:`derivation_latex`; GitHub and Jupyter render the math.
    """
    left, lines = chain_lines(derivation, verdicts, expand=expand)
    right = [rf"\text{{step {line.number}}}{_mark(line.verdict)}" for line in lines]
    rows = _rows(left, lines, right, "")
    heading = _heading(derivation, note_markdown)
    parts = [
        f"**{markdown_text(derivation.name)}**" + (f": {heading}" if heading else ""),
        "",
        "$$",
        r"\begin{aligned}",
        " \\\\\n".join(rows),
        r"\end{aligned}" + (rf" \tag{{{tag_text(derivation.tag)}}}" if derivation.tag else ""),
        "$$",
        "",
        "| step | justification | verdict |",
        "| ---: | --- | --- |",
    ]
    parts += [
        f"| {line.number} | {note_markdown(line.why)} | "
        f"{_verdict_markdown(line.verdict, derivation.labels)} |"
        for line in lines
    ]
    below = notes(derivation, lines, markdown=True)
    if below:
        parts += ["", *(f"- {note}" for note in below)]
    return "\n".join(parts) + "\n"
