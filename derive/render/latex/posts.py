r"""A checked post (Markdown or TeX) as a section of a document: its definitions, then each chain
in the post's own LaTeX, every ``=`` with its verdict at the right and the reasons below.

A post is already written in LaTeX, so its own text is the best display: the sides are shown
as the post writes them (as ``derive check`` read them: ``\left``/``\right`` and tags removed).
A side that could not be read may be broken LaTeX (an unclosed brace), so it is never typeset
as math: the chain shows "not read" and the note below quotes it as text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from derive.render.latex.text import latex_text, markdown_text
from derive.sources.posts.check import PostResult
from derive.sources.posts.file import PostFile
from derive.sources.toml.results import NOT_A_CLAIM

RIGHT_COLUMN = r"0.3\linewidth"
_NUMBERING = re.compile(r"\\(tag\*?\{[^{}]*\}|nonumber|notag)")
_MARKS = {"proved": r"\checkmark", "refuted": r"\times"}


def _math(text: str) -> str:
    """A side as the post writes it, without numbering commands (the chain numbers itself)."""
    return _NUMBERING.sub("", text).strip()


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
        if result.status == NOT_A_CLAIM:
            continue
        if not chains or chains[-1][0] != result.derivation:
            chains.append((result.derivation, []))
        chains[-1][1].append(Row(result.lhs, result.rhs, result))
    return tuple(Chain(name, tuple(rows)) for name, rows in chains)


def _verdict_text(result: PostResult, escape) -> str:
    text = result.status
    needs = ", ".join(str(n) for n in result.verdict.needs) if result.status == "proved" else ""
    return text + (f" using {escape(needs)}" if needs else "")


def _notes(chain: Chain, escape, quote) -> list[str]:
    notes = []
    for number, row in enumerate(chain.rows, start=1):
        result = row.result
        where = f"Step {number} (line {result.line})"
        if result.status == "cannot read":
            notes.append(f"{where}, not read: {escape(result.detail)}: {quote(row.rhs)}.")
        elif result.status != "proved":
            detail = result.detail.lstrip(": ").strip()
            notes.append(f"{where}, {result.status}: {escape(detail)}.")
        elif result.verdict.caveats:
            notes.append(f"{where}: {escape('; '.join(result.verdict.caveats))}.")
    return notes


@dataclass(frozen=True)
class PostSection:
    """A checked post, typeset: ``title``, ``definitions`` (rows of an aligned block) and its
    chains, with the same interface the documents use for a :class:`~.document.Section`."""

    title: str
    chains: tuple[Chain, ...]
    definitions: tuple[str, ...] = ()

    def summary(self) -> str:
        """``12 steps: 7 proved, 4 refuted, 1 undecided, 0 cannot read, 0 cannot check``."""
        statuses = [row.result.status for chain in self.chains for row in chain.rows]
        words = ("proved", "refuted", "undecided", "cannot read", "cannot check")
        counts = ", ".join(f"{statuses.count(s)} {s}" for s in words)
        return f"{len(statuses)} step{'s' * (len(statuses) != 1)}: {counts}"

    def latex_blocks(self, *, heading: bool = True) -> list[str]:
        """One ``align*`` block per chain, verdicts at the right, reasons below."""
        return [_chain_latex(chain, heading) for chain in self.chains]

    def markdown_blocks(self) -> list[str]:
        """One ``$$`` aligned block per chain, then a table of the verdicts and the reasons."""
        return [_chain_markdown(chain) for chain in self.chains]


def post_section(post: PostFile, results: Sequence[PostResult]) -> PostSection:
    """``post`` typeset with ``results`` (``check_post(post)``, in file order)."""
    definitions = tuple(f"{_math(left)} &= {_math(right)}" for left, right in post.defined)
    return PostSection(post.path, _chains(results), definitions)


def _lines(chain: Chain) -> list[tuple[str, str]]:
    """(left side or "", right side) per row, as LaTeX; an unread side is never typeset."""
    lines = []
    for position, row in enumerate(chain.rows):
        right = _math(row.rhs) if row.readable else r"\text{(not read)}"
        first = position == 0 or not chain.rows[position - 1].readable
        left = (_math(row.lhs) if row.readable and row.lhs else r"\cdots") if first else ""
        lines.append((left, right))
    return lines


def _chain_latex(chain: Chain, heading: bool) -> str:
    rows = []
    lines = zip(_lines(chain), chain.rows, strict=True)
    for number, ((left, right), row) in enumerate(lines, start=1):
        result = row.result
        mark = _MARKS.get(result.status, "?")
        verdict = rf"${mark}$ {latex_text(_verdict_text(result, str))}"
        where = rf"\small {number}.~line {result.line}\\ {verdict}"
        comment = rf"\parbox[t]{{{RIGHT_COLUMN}}}{{\raggedright{where}}}"
        rows.append(f"{left} &= {right} && {comment}")
    if chain.tag:
        rows[-1] += rf" \tag{{{latex_text(chain.tag)}}}"
    title = latex_text(chain.name)
    parts = [
        rf"\paragraph{{{title}}}" if heading else f"% {title}",
        r"\begin{align*}",
        " \\\\\n".join(rows),
        r"\end{align*}",
    ]
    parts += _notes(chain, latex_text, lambda text: rf"\texttt{{{latex_text(text)}}}")
    return "\n".join(parts) + "\n"


def _chain_markdown(chain: Chain) -> str:
    rows = [
        rf"{left} &= {right} && \text{{step {number}}}"
        for number, (left, right) in enumerate(_lines(chain), start=1)
    ]
    tag = rf" \tag{{{chain.tag}}}" if chain.tag else ""
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
        f"| {n} | {row.result.line} | {markdown_text(_verdict_text(row.result, str))} |"
        for n, row in enumerate(chain.rows, start=1)
    ]
    notes = _notes(chain, markdown_text, lambda text: f"`{text.replace('`', '')}`")
    if notes:
        parts += ["", *(f"- {note}" for note in notes)]
    return "\n".join(parts) + "\n"
