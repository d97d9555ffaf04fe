r"""One derivation as an aligned chain: ``lhs &= line_1 \\ &= line_2 ...``, each line with its
justification and verdict at the right, and the equation number of the post on the last line.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sympy import Basic, Expr, Mul, Sum

from derive.render.latex.display import displayed, expanded, index_ranges, shown
from derive.render.latex.printer import _PRINTER, to_latex
from derive.render.latex.text import (
    counterexample_math,
    latex_text,
    markdown_text,
    needs_text,
    number_math,
)

if TYPE_CHECKING:
    from derive.checker.verdict import Verdict
    from derive.steps import Derivation

WIDTH = 46  # visible characters per typeset line, roughly; longer lines are broken


@dataclass(frozen=True)
class Line:
    """One step as typeset: its expression in pieces (one per printed row) and why."""

    number: int
    pieces: tuple[str, ...]
    why: str
    verdict: Verdict | None


def _width(tex: str) -> int:
    """Roughly the visible width of ``tex``, in characters."""
    tex = re.sub(r"\\(left|right|frac|operatorname|mathbb|quad)(?![A-Za-z])", "", tex)
    tex = re.sub(r"\\[A-Za-z]+", "x", tex)
    return len(re.sub(r"[{}^_ ]", "", tex))


Piece = tuple[str, str]  # (LaTeX, what it starts with when it opens a continuation row)


def _wrapped(pieces: list[Piece], left: str, right: str) -> list[Piece]:
    (first, lead), *rest = pieces
    pieces = [(left + first, lead), *rest]
    text, lead = pieces[-1]
    return [*pieces[:-1], (text + right, lead)]


def _split_sum(expr: Sum, width: int) -> list[Piece]:
    (bound, low, high), *more = expr.limits
    if more:
        return [(to_latex(expr), "")]
    head = rf"\sum_{{{to_latex(bound)}={to_latex(low)}}}^{{{to_latex(high)}}} \Bigl["
    return _wrapped(_split(expr.function, width), head, r"\Bigr]")


def _split_mul(expr: Mul, width: int) -> list[Piece]:
    coefficient, factors = expr.as_coeff_mul()
    if any(f.is_Pow and f.exp.is_negative for f in factors):
        return [(to_latex(expr), "")]  # a fraction bar: keep it whole
    pieces: list[Piece] = []
    for position, factor in enumerate(factors):
        last = position == len(factors) - 1
        if factor.is_Add or (isinstance(factor, Sum) and not last):
            if _width(to_latex(factor)) > width:
                inner = _wrapped(_split(factor, width), r"\Bigl(", r"\Bigr)")
            else:
                inner = [(rf"\left({to_latex(factor)}\right)", "")]
        else:
            inner = _split(factor, width)
        (text, lead), *rest = inner
        pieces += [(text, lead or r"\cdot "), *rest]
    if coefficient == -1:
        pieces[0] = ("- " + pieces[0][0], pieces[0][1])
    elif coefficient != 1:
        pieces.insert(0, (to_latex(coefficient), ""))
    return pieces


def _split(expr: Basic, width: int) -> list[Piece]:
    """``expr`` in pieces that rows may break between: terms, factors, a sum's body."""
    text = to_latex(expr)
    if _width(text) <= width:
        return [(text, "")]
    if expr.is_Add:
        pieces: list[Piece] = []
        for position, term in enumerate(_PRINTER._as_ordered_terms(expr)):
            negative = term.could_extract_minus_sign()
            inner = _split(-term if negative else term, width)
            sign = "- " if negative else ("+ " if position else "")
            pieces += [(sign + inner[0][0], ""), *inner[1:]]
        return pieces
    if isinstance(expr, Mul):
        return _split_mul(expr, width)
    if isinstance(expr, Sum):
        return _split_sum(expr, width)
    return [(text, "")]


def broken(expr: Expr, width: int = WIDTH) -> tuple[str, ...]:
    """``expr`` in rows of at most about ``width`` characters, split between terms or factors."""
    rows: list[str] = []
    for text, lead in _split(expr, width):
        if rows and _width(rows[-1]) + _width(text) <= width:
            rows[-1] += " " + text
        else:
            rows.append((lead if rows else "") + text)
    return tuple(rows)


def chain_lines(
    derivation: Derivation,
    verdicts: tuple[Verdict, ...] | None = None,
    *,
    expand: bool = False,
    width: int = WIDTH,
) -> tuple[str, tuple[Line, ...]]:
    """The left-hand side and the typeset lines of ``derivation``.

    With ``lhs`` set, the chain reads ``lhs = line_1 = ...`` (the start, the truth that line 1
    is checked against, is not shown); without it the start is the left-hand side. A line is
    shown tidied (``display.tidy``, under the derivation's index ranges), with the step's own
    ``names`` if it has them, and as the step's ``display`` form if that is identically it (not
    with ``expand``: a display form is written indexed).
    """
    if verdicts is not None and len(verdicts) != len(derivation.steps):
        raise ValueError(
            f"derivation {derivation.name!r} has {len(derivation.steps)} steps "
            f"but {len(verdicts)} verdicts"
        )
    left = derivation.lhs if derivation.lhs is not None else derivation.start
    ranges = index_ranges(derivation.assume)
    lines = []
    for number, step in enumerate(derivation.steps, start=1):
        names = derivation.names if step.names is None else step.names
        expr = shown(expanded(step.expr) if expand else step.expr, names, ranges, step.tidy)
        if step.display is not None and not expand:  # a display form is written indexed
            expr = displayed(expr, step.display)
        verdict = None if verdicts is None else verdicts[number - 1]
        lines.append(Line(number, broken(expr, width), step.why, verdict))
    return to_latex(shown(left, derivation.names, ranges)), tuple(lines)


def verdict_latex(verdict: Verdict | None, labels: Mapping[Basic, str] | None = None) -> str:
    r"""Text-mode LaTeX: ``$\checkmark$ proved using targets: $\sum ... = 1$``,
    ``$\times$ refuted``; ``labels`` name the assumptions that have a label."""
    if verdict is None:
        return "not checked"
    if verdict.proved:
        needs = needs_text(verdict, labels)
        text = r"$\checkmark$ proved" + (f" using {needs}" if needs else "")
        return text + ("$^{*}$" if verdict.caveats else "")
    if verdict.refuted:
        return r"$\times$ \textbf{refuted}"
    return r"? undecided"


def notes(derivation: Derivation, lines: tuple[Line, ...], markdown: bool) -> list[str]:
    """Sentences for under the chain: counterexamples, caveats, why a step is undecided."""
    escape = markdown_text if markdown else latex_text
    result = []
    for line in lines:
        verdict = line.verdict
        if verdict is None:
            continue
        step = f"Step {line.number}"
        if verdict.refuted:
            result.append(
                f"{step} is refuted at ${counterexample_math(verdict)}$: there the line before "
                f"is ${number_math(verdict.lhs_value)}$ and this line is "
                f"${number_math(verdict.rhs_value)}$."
            )
        elif not verdict.proved:
            result.append(f"{step} is undecided: {escape(verdict.method)}.")
        for caveat in verdict.caveats:
            result.append(f"{step}{'' if markdown else '$^{*}$'}: {escape(caveat)}.")
    return result
