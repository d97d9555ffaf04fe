r"""A checked post (Markdown or TeX) as a section of a document: its definitions, then each chain
in the post's own LaTeX, every ``=`` with its verdict at the right and the reasons below.

A post is already written in LaTeX, so its own notation is the best display: each side is
typeset from what the reader reads in it (``source``: the terms in the order written, never the
text copied). A side that could not be read is never typeset as math: the chain shows "not
read" and the note below quotes it verbatim.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from derive.render.latex.source import math_latex, message_latex
from derive.render.latex.tex import (
    comment_text,
    latex_text,
    markdown_code,
    markdown_text,
    tag_text,
    verbatim,
)
from derive.sources.posts.check import PostResult
from derive.sources.posts.file import PostFile
from derive.sources.statuses import NOT_A_CLAIM, NOT_CHECKED

RIGHT_COLUMN = r"0.3\linewidth"
_MARKS = {"proved": r"\checkmark", "refuted": r"\times"}


@dataclass(frozen=True)
class Row:
    """One checked ``=``: the sides as written and the result."""

    lhs: str
    rhs: str
    result: PostResult

    @property
    def readable(self) -> bool:
        return self.result.status != "cannot read"


@dataclass(frozen=True)
class Chain:
    """The claims of one chain ("eq. (3)", "line 107") in order."""

    name: str
    rows: tuple[Row, ...]

    @property
    def tag(self) -> str:
        found = re.fullmatch(r"eq\. \((.+)\)", self.name)
        return found.group(1) if found else ""


def _chains(results: Sequence[PostResult]) -> tuple[Chain, ...]:
    """The claims (and the rows that could not be read or checked) by chain; definitions
    are typeset on their own, conditions and assumptions with the claims they restrict."""
    chains: list[tuple[str, list[Row]]] = []
    for result in results:
        if result.status in (NOT_A_CLAIM, NOT_CHECKED):  # definitions come apart; notes
            continue
        if not chains or chains[-1][0] != result.derivation:
            chains.append((result.derivation, []))
        chains[-1][1].append(Row(result.lhs, result.rhs, result))
    return tuple(Chain(name, tuple(rows)) for name, rows in chains)


def _verdict_text(result: PostResult, markdown: bool = False) -> str:
    """``proved using $k \\leq K$``: the status, and the assumptions a proof used."""
    needs = ", ".join(str(n) for n in result.verdict.needs) if result.status == "proved" else ""
    escape = markdown_text if markdown else latex_text
    text = escape(result.status)
    return text + (f" using {message_latex(needs, markdown=markdown)}" if needs else "")


def _notes(chain: Chain, markdown: bool) -> list[str]:
    """The reasons below a chain: what was not read (quoted verbatim), counterexamples and
    conditions (their names and values typeset, ``source.message_latex``), caveats."""
    quote = markdown_code if markdown else verbatim
    notes = []
    for number, row in enumerate(chain.rows, start=1):
        result = row.result
        where = f"Step {number} (line {result.line})"
        if result.status == "cannot read":
            detail = message_latex(result.detail, markdown=markdown)
            notes.append(f"{where}, not read: {detail}: {quote(row.rhs)}.")
        elif result.status != "proved":
            detail = message_latex(result.detail.lstrip(": ").strip(), markdown=markdown)
            notes.append(f"{where}, {result.status}: {detail}.")
        elif result.verdict.caveats:
            caveats = message_latex("; ".join(result.verdict.caveats), markdown=markdown)
            notes.append(f"{where}: {caveats}.")
    return notes


@dataclass(frozen=True)
class PostSection:
    """A checked post, typeset: ``title``, ``definitions`` (rows of an aligned block) and its
    chains, with the same interface the documents use for a :class:`~.document.Section`."""

    title: str
    chains: tuple[Chain, ...]
    defined: tuple[tuple[str, str], ...] = ()  # each definition's sides, as written

    def definition_rows(self, *, markdown: bool = False) -> tuple[str, ...]:
        """The post's definitions, typeset, as rows of an aligned block."""
        return tuple(
            f"{math_latex(left, markdown=markdown)} &= {math_latex(right, markdown=markdown)}"
            for left, right in self.defined
        )

    def summary(self) -> str:
        """``12 steps: 7 proved, 4 refuted, 1 undecided, 0 cannot read, 0 cannot check``."""
        statuses = [row.result.status for chain in self.chains for row in chain.rows]
        words = ("proved", "refuted", "undecided", "cannot read", "cannot check")
        counts = ", ".join(f"{statuses.count(s)} {s}" for s in words)
        return f"{len(statuses)} step{'s' * (len(statuses) != 1)}: {counts}"

    def latex_blocks(self, *, heading: bool = True, verdicts: bool = True) -> list[str]:
        """One ``align*`` block per chain; with ``verdicts``, each at the right and the
        reasons below."""
        return [_chain_latex(chain, heading, verdicts) for chain in self.chains]

    def markdown_blocks(self) -> list[str]:
        """One ``$$`` aligned block per chain, then a table of the verdicts and the reasons."""
        return [_chain_markdown(chain) for chain in self.chains]


def post_section(post: PostFile, results: Sequence[PostResult]) -> PostSection:
    """``post`` typeset with ``results`` (``check_post(post)``, in file order)."""
    return PostSection(post.path, _chains(results), tuple(post.defined))


def _lines(chain: Chain, markdown: bool = False) -> list[tuple[str, str]]:
    """(left side or "", right side) per row, as LaTeX; an unread side is never typeset."""
    lines = []
    for position, row in enumerate(chain.rows):
        right = math_latex(row.rhs, markdown=markdown) if row.readable else r"\text{(not read)}"
        first = position == 0 or not chain.rows[position - 1].readable
        left = ""
        if first:
            readable = row.readable and row.lhs
            left = math_latex(row.lhs, markdown=markdown) if readable else r"\cdots"
        lines.append((left, right))
    return lines


def _chain_latex(chain: Chain, heading: bool, verdicts: bool = True) -> str:
    rows = []
    lines = zip(_lines(chain), chain.rows, strict=True)
    for number, ((left, right), row) in enumerate(lines, start=1):
        result = row.result
        mark = _MARKS.get(result.status, "?")
        verdict = rf"${mark}$ {_verdict_text(result)}"
        where = rf"\small {number}.~line {result.line}\\ {verdict}"
        comment = rf" && \parbox[t]{{{RIGHT_COLUMN}}}{{\raggedright{where}}}"
        rows.append(f"{left} &= {right}" + (comment if verdicts else ""))
    if chain.tag:
        rows[-1] += rf" \tag{{{tag_text(chain.tag)}}}"
    parts = [
        rf"\paragraph{{{latex_text(chain.name)}}}" if heading else f"% {comment_text(chain.name)}",
        r"\begin{align*}",
        " \\\\\n".join(rows),
        r"\end{align*}",
    ]
    if verdicts:
        parts += _notes(chain, markdown=False)
    return "\n".join(parts) + "\n"


def _chain_markdown(chain: Chain) -> str:
    rows = [
        rf"{left} &= {right} && \text{{step {number}}}"
        for number, (left, right) in enumerate(_lines(chain, markdown=True), start=1)
    ]
    tag = rf" \tag{{{tag_text(chain.tag)}}}" if chain.tag else ""
    parts = [
        f"**{markdown_text(chain.name)}**",
        "",
        "$$",
        r"\begin{aligned}",
        " \\\\\n".join(rows),
        r"\end{aligned}" + tag,
        "$$",
        "",
        "| step | line | verdict |",
        "| ---: | ---: | --- |",
    ]
    parts += [
        f"| {n} | {row.result.line} | {_verdict_text(row.result, markdown=True)} |"
        for n, row in enumerate(chain.rows, start=1)
    ]
    notes = _notes(chain, markdown=True)
    if notes:
        parts += ["", *(f"- {note}" for note in notes)]
    return "\n".join(parts) + "\n"
