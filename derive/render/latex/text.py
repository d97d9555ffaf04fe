"""Verdicts as words and math: the assumptions a proof needs, counterexamples, values."""

from __future__ import annotations

from collections.abc import Mapping

from sympy import Basic
from sympy.core.sorting import default_sort_key

from derive.checker.verdict import Verdict
from derive.render.latex.display import is_index_range
from derive.render.latex.printer import to_latex
from derive.render.latex.tex import latex_text, markdown_text, math_text


def named_needs(verdict: Verdict) -> tuple[Basic, ...]:
    """The assumptions a proof used, without the index ranges (stated once per document)."""
    return tuple(a for a in verdict.needs if not is_index_range(a))


def needs_math(verdict: Verdict, labels: Mapping[Basic, str] | None = None) -> str:
    r"""The named assumptions in math mode, each with its label as text:
    ``\text{targets: } \sum_{d=1}^{K} t_{d} = 1`` (empty if none)."""
    labels = labels or {}
    return ",\\ ".join(
        (math_text(f"{labels[a]}: ") + " " if a in labels else "") + to_latex(a)
        for a in named_needs(verdict)
    )


def needs_text(
    verdict: Verdict, labels: Mapping[Basic, str] | None, *, markdown: bool = False
) -> str:
    r"""The named assumptions in text mode, each as ``label: $relation$``:
    ``targets: $\sum_{d=1}^{K} t_{d} = 1$`` (empty if none). ``markdown``: escaped for
    Markdown, and ``|`` in the math written ``\vert`` (it would end a table cell)."""
    labels = labels or {}
    escape = markdown_text if markdown else latex_text
    parts = []
    for relation in named_needs(verdict):
        math = to_latex(relation).replace("|", r"\vert ") if markdown else to_latex(relation)
        label = f"{escape(labels[relation])}: " if relation in labels else ""
        parts.append(f"{label}${math}$")
    return ", ".join(parts)


def counterexample_math(verdict: Verdict) -> str:
    """The counterexample as ``k = 3, W_{11}^{L} = 0, ...``, in a fixed order."""
    entries = sorted((verdict.counterexample or {}).items(), key=lambda e: default_sort_key(e[0]))
    return ", ".join(f"{to_latex(symbol)} = {to_latex(value)}" for symbol, value in entries)


def number_math(value: complex | None) -> str:
    """A value seen at a counterexample, to 8 significant digits."""
    if value is None:
        return "?"
    if abs(value.imag) <= 1e-15 * max(1.0, abs(value.real)):
        return f"{value.real:.8g}"
    return f"{value.real:.8g} {'+' if value.imag >= 0 else '-'} {abs(value.imag):.8g} i"
