"""Whole files: a standalone LaTeX document, an ``align*`` fragment, or a Markdown page."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sympy import Add, Eq, Max, Sum, exp

from derive.model.symbols import (
    I_,
    W1,
    W2,
    J,
    K,
    N,
    W,
    a,
    a2,
    a_prev,
    b,
    b1,
    b2,
    c,
    d,
    eta,
    i,
    j,
    k,
    n,
    t,
    x,
    z,
    z1,
    z2,
)
from derive.render.latex.posts import PostSection
from derive.render.latex.printer import to_latex
from derive.render.latex.render import derivation_latex, derivation_markdown
from derive.render.latex.tex import comment_text, latex_text, markdown_text

if TYPE_CHECKING:
    from derive.checker.verdict import Verdict
    from derive.steps import Derivation

TITLE = "Softmax cross-entropy backprop, checked line by line"
# amsfonts has no double-struck digits: typeset \mathbb{1} (the indicator) as a bold 1
ONE = r"""\let\derivebb\mathbb
\renewcommand{\mathbb}[1]{\if1#1\mathbf{1}\else\derivebb{#1}\fi}"""
PREAMBLE = (
    r"""\documentclass[11pt]{article}
\usepackage[a4paper,margin=2cm]{geometry}
\usepackage{amsmath,amssymb}
\allowdisplaybreaks
\setlength{\parindent}{0pt}
"""
    + ONE
)
# valid LaTeX and Markdown alike: no characters either would need escaped
INTRO = (
    "Every line is checked against the line before it, and the first line against what SymPy "
    "computes for the left-hand side (its derivative, or the expression itself). "
    "A proof is symbolic and cross-checked with 30-digit numbers; a refutation is a point where "
    "the two lines differ. Index ranges such as $1 \\leq k \\leq K$ are assumed throughout. "
    "For reading, $z$ and $a$ stand for eq. (0) and the activations, as in the post; "
    "the checked expressions have them written out."
)


def definitions() -> list[str]:
    r"""The post's network and loss, as it states them before eq. (1): rows for an aligned
    block, eq. (0) tagged. Printed from the same symbols as the derivations."""

    def logit(out, weights, inputs, bias, inner, size):  # as written: the sum, then the bias
        return Add(
            Sum(weights[out, inner] * inputs[inner], (inner, 1, size)), bias[out], evaluate=False
        )

    return [
        rf"{to_latex(z2[i])} &= {to_latex(logit(i, W2, x, b2, n, N))}, "
        rf"\quad {to_latex(a2[i])} = {to_latex(Max(0, z2[i]))}",
        rf"{to_latex(z1[j])} &= {to_latex(logit(j, W1, a2, b1, i, I_))}, "
        rf"\quad {to_latex(a_prev[j])} = {to_latex(Max(0, z1[j]))}",
        rf"{to_latex(z[k])} &= {to_latex(logit(k, W, a_prev, b, j, J))} \tag{{0}}",
        rf"{to_latex(a[k])} &= {to_latex(exp(z[k]) / Sum(exp(z[c]), (c, 1, K)))}",
        rf"E &= - \sum_{{k=1}}^{{K}} {to_latex(t[k])} \log {to_latex(a[k])}",
        rf"\mathbb{{1}}_{{d=k}} &= 1 \text{{ if }} {to_latex(d)} = {to_latex(k)}, "
        r"\text{ else } 0",
    ]


DEFINED = "The network and the loss, as the post defines them (eq. (0) is the output layer):"


def declarations(sections: Sequence[Section | PostSection]) -> list[str]:
    """What ``derive check`` needs to read the page as it was checked, as the TOML of a hidden
    declarations block (docs/posts.md): the domains the derivations' symbols have, and
    sum_d t_d = 1 when a derivation assumed it. Without it, the last line of eq. (3) would be
    "refuted as written". Written for the library's documents (the post's names) only."""
    lines = ["[symbols]"]
    if t.is_nonnegative:  # the targets: probabilities
        lines.append(f'{to_latex(t[k]).split("_")[0]} = "nonnegative"')
    if eta.is_positive:  # the learning rate
        lines.append(f"'{to_latex(eta)}' = \"positive\"")
    relations = {
        relation
        for section in sections
        for derivation in getattr(section, "derivations", ())
        for relation in derivation.assume
        if isinstance(relation, Eq)
    }
    if relations:
        target = Eq(Sum(t[d], (d, 1, K)), 1)
        lines += ["", "[assume]", f"targets = '{to_latex(target)}'"]
    return lines


@dataclass(frozen=True)
class Header:
    """What a document opens with: a title, an introduction, and definitions stated once
    (``rows`` of an aligned block, introduced by ``defined``; none if empty)."""

    title: str
    intro: str
    defined: str = ""
    rows: tuple[str, ...] = ()


def post_header() -> Header:
    """The library's documents: the post's title, and its network and loss."""
    return Header(TITLE, INTRO, DEFINED, tuple(definitions()))


FILES_HEADER = Header(
    "Derivations, checked line by line",
    "Every line of a chain is checked against the line before it; in a derivation file, the "
    "first line against the derivation's start, shown as its left-hand side. A proof is "
    "symbolic and cross-checked with 30-digit numbers; a refutation is a point where the two "
    "lines differ. The declared index ranges are assumed throughout; other assumptions are "
    "named where a proof uses them.",
)

MATRIX_HEADER = Header(
    "Derivations in matrix form, checked for every size",
    "Every line is checked against the line before it, and the first against the gradient it "
    "names, for every value of the sizes at once: each claim is translated to the index form "
    "(entry i, j of each side, with sums over named indices) and proved there, then "
    "cross-checked with explicit matrices at several sizes, non-square ones and size 1 among "
    "them. Gradients are in the denominator layout (the gradient of a scalar by W has W's "
    "shape). Matrices have real entries; ⊙ is the entrywise product, a function of a matrix "
    "applies to every entry, and softmax applies to each row.",
)


@dataclass(frozen=True)
class Section:
    """Derivations as typeset, with the verdicts of their check (one tuple per derivation).

    Attributes:
        title: one line, e.g. "reference: the post, line by line (checked for K = 3, J = 4)".
        derivations: what is typeset, in order.
        verdicts: for each derivation, one verdict per step.
        definitions: rows of an aligned block stated before the chains (a file's own
            definitions and assumptions); none if empty.
    """

    title: str
    derivations: tuple[Derivation, ...]
    verdicts: tuple[tuple[Verdict, ...], ...]
    definitions: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if len(self.derivations) != len(self.verdicts):
            raise ValueError(
                f"section {self.title!r}: {len(self.derivations)} derivations but "
                f"{len(self.verdicts)} verdict lists"
            )

    def definition_rows(self, *, markdown: bool = False) -> tuple[str, ...]:
        """The definitions' rows (typeset by the SymPy printer: the same for MathJax)."""
        return self.definitions

    def summary(self) -> str:
        """``13 steps: 12 proved, 1 refuted, 0 undecided``."""
        verdicts = [v for steps in self.verdicts for v in steps]
        counts = ", ".join(
            f"{sum(v.status == s for v in verdicts)} {s}"
            for s in ("proved", "refuted", "undecided")
        )
        return f"{len(verdicts)} step{'s' * (len(verdicts) != 1)}: {counts}"


def _comment(prefix: str, generated_by: str) -> str:
    """The header line; the command holds file names, so it is kept to one line that cannot
    close the comment (``tex.comment_text``)."""
    command = comment_text(generated_by, html=not prefix)
    return f"{prefix} Generated by `{command}`; do not edit, regenerate."


SECTION_DEFINED = "Definitions and assumptions, as the file states them:"


def latex_document(
    sections: Sequence[Section | PostSection],
    *,
    generated_by: str,
    fragment: bool = False,
    expand: bool = False,
    header: Header | None = None,
    verdicts: bool | None = None,
) -> str:
    r"""The sections as a standalone article, or (``fragment``) only their ``align*`` blocks.

    Args:
        sections: what to typeset, in order.
        generated_by: the command that regenerates the file, stated in a comment at the top.
        fragment: no preamble or headings: blocks to paste into a paper that loads amsmath and
            amssymb.
        expand: write sums with integer limits out term by term.
        header: the title, introduction and definitions the document opens with (default:
            the post's, :func:`post_header`).
        verdicts: each step's verdict at its right and the reasons below the chain (default:
            in an article, not in a fragment, which is the derivation alone).
    """
    verdicts = not fragment if verdicts is None else verdicts
    hidden = declarations(sections) if header is None else []  # the library's names only
    header = post_header() if header is None else header
    comment = _comment("%", generated_by).replace("`", "")
    if hidden:
        comment += "\n% derive\n" + "\n".join(f"% {line}".rstrip() for line in hidden)
    blocks = []
    for section in sections:
        if not fragment:
            blocks.append(rf"\section*{{{latex_text(section.title)}}}")
            blocks.append(latex_text(section.summary()) + ".\n")
        definitions = section.definition_rows()
        if definitions:
            rows = " \\\\\n".join(definitions)
            text = [] if fragment else [SECTION_DEFINED]
            blocks.append("\n".join([*text, r"\begin{align*}", rows, r"\end{align*}", ""]))
        if isinstance(section, PostSection):
            blocks += section.latex_blocks(heading=not fragment, verdicts=verdicts)
            continue
        for derivation, checked in zip(section.derivations, section.verdicts, strict=True):
            blocks.append(
                derivation_latex(
                    derivation,
                    checked if verdicts else None,
                    expand=expand,
                    heading=not fragment,
                )
            )
    if fragment:
        needs = "% Needs \\usepackage{amsmath,amssymb} and, for the indicator \\mathbb{1}:"
        one = "\n".join("% " + line for line in ONE.splitlines())
        return "\n".join([comment, needs, one, "", *blocks])
    head = [comment, PREAMBLE, r"\begin{document}", rf"\section*{{{latex_text(header.title)}}}"]
    head.append(header.intro + "\n")
    if header.rows:
        rows = " \\\\\n".join(header.rows)
        head += [header.defined, r"\begin{align*}", rows, r"\end{align*}", ""]
    return "\n".join([*head, *blocks, r"\end{document}"]) + "\n"


def _aligned(rows: tuple[str, ...] | list[str]) -> list[str]:
    """A ``$$`` aligned block for Markdown (a ``\\tag`` becomes a right-hand ``(n)``)."""
    body = " \\\\\n".join(re.sub(r" \\tag\{([^}]*)\}", r" && (\1)", row) for row in rows)
    return ["$$", r"\begin{aligned}", body, r"\end{aligned}", "$$"]


def markdown_document(
    sections: Sequence[Section | PostSection],
    *,
    generated_by: str,
    expand: bool = False,
    header: Header | None = None,
) -> str:
    """The sections as a Markdown page (GitHub renders the ``$$`` blocks); ``header`` as for
    :func:`latex_document`."""
    hidden = ["<!-- derive", *declarations(sections), "-->"] if header is None else []
    header = post_header() if header is None else header
    parts = [
        f"<!-- {_comment('', generated_by).strip()} -->",
        *hidden,
        "",
        f"# {header.title}",
        "",
        header.intro,
    ]
    if header.rows:
        parts += ["", header.defined, "", *_aligned(header.rows)]
    for section in sections:
        parts += [
            "",
            f"## {markdown_text(section.title)}",
            "",
            markdown_text(section.summary()) + ".",
        ]
        definitions = section.definition_rows(markdown=True)
        if definitions:
            parts += ["", SECTION_DEFINED, "", *_aligned(definitions)]
        if isinstance(section, PostSection):
            parts += [part for block in section.markdown_blocks() for part in ("", block.rstrip())]
            continue
        for derivation, verdicts in zip(section.derivations, section.verdicts, strict=True):
            parts += ["", derivation_markdown(derivation, verdicts, expand=expand).rstrip("\n")]
    return "\n".join(parts) + "\n"
