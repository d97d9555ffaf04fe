"""Escaping user text (names, justifications) for LaTeX and Markdown, and verdicts as words."""

from __future__ import annotations

from collections.abc import Mapping

from sympy import Basic
from sympy.core.sorting import default_sort_key

from derive.checker.verdict import Verdict
from derive.render.latex.display import is_index_range
from derive.render.latex.printer import to_latex

_LATEX_SPECIALS = {
    "\\": r"\textbackslash{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "{": r"\{",
    "}": r"\}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
# text-mode LaTeX for non-ASCII characters the checker's messages use; others by code point
_UNICODE = {
    "\u2260": r"$\neq$",
    "\u2264": r"$\leq$",
    "\u2265": r"$\geq$",
    "\u00b1": r"$\pm$",
    "\u2192": r"$\to$",
    "\u00d7": r"$\times$",
    "\u00b7": r"$\cdot$",
    "\u2211": r"$\sum$",
    "\u2014": "---",
    "\u2013": "--",
    "\u2032": "'",
    "\u03b7": r"$\eta$",
    "\u03b4": r"$\delta$",
    "\u03a3": r"$\Sigma$",
    "\u0394": r"$\Delta$",
    "\u03c3": r"$\sigma$",
    "\u03b1": r"$\alpha$",
    "\u03b2": r"$\beta$",
    "\u03b3": r"$\gamma$",
    "\u03b5": r"$\epsilon$",
    "\u03bb": r"$\lambda$",
    "\u03bc": r"$\mu$",
    "\u03c0": r"$\pi$",
    "\u03b8": r"$\theta$",
    "\u2202": r"$\partial$",
    "\u2208": r"$\in$",
    "\u221e": r"$\infty$",
    "\u2248": r"$\approx$",
}
_MARKDOWN_SPECIALS = set("\\`*_[]<>|$~#")


def latex_text(text: str) -> str:
    r"""``text`` safe in LaTeX text mode.

    >>> latex_text("sum_d t_d = 1 & 50% {x} ≠")
    'sum\\_d t\\_d = 1 \\& 50\\% \\{x\\} $\\neq$'
    """
    return "".join(_latex_char(char) for char in " ".join(text.split()))


def _latex_char(char: str) -> str:
    if char in _LATEX_SPECIALS:
        return _LATEX_SPECIALS[char]
    if char.isascii():
        return char
    return _UNICODE.get(char, rf"\texttt{{U+{ord(char):04X}}}")


def markdown_text(text: str) -> str:
    r"""``text`` safe in Markdown (also in a table cell, and never starting GitHub math).

    >>> markdown_text("dE/dz_k | $x$")
    'dE/dz\\_k \\| \\$x\\$'
    """
    return "".join(
        "\\" + char if char in _MARKDOWN_SPECIALS else char for char in " ".join(text.split())
    )


def named_needs(verdict: Verdict) -> tuple[Basic, ...]:
    """The assumptions a proof used, without the index ranges (stated once per document)."""
    return tuple(a for a in verdict.needs if not is_index_range(a))


def needs_math(verdict: Verdict, labels: Mapping[Basic, str] | None = None) -> str:
    r"""The named assumptions in math mode, each with its label as text:
    ``\text{targets: } \sum_{d=1}^{K} t_{d} = 1`` (empty if none)."""
    labels = labels or {}
    return ",\\ ".join(
        (rf"\text{{{latex_text(labels[a])}: }} " if a in labels else "") + to_latex(a)
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
