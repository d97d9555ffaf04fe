"""Step results of files and posts as tables for a notebook: HTML, Markdown and LaTeX (pure).

Jupyter shows a :class:`derive.project.report.FileReport` with these: one row per step, with
its place (``file:line``), the derivation and step, the claim as written, and the verdict with
its details, coloured by status in HTML. Text is escaped for each format.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

COLOURS = {
    "proved": "#1a7f37",
    "refuted": "#cf222e",
    "undecided": "#9a6700",
    "cannot read": "#8250df",
    "cannot check": "#8250df",
}
_HEAD = ("where", "derivation", "step", "claim", "verdict")


def details_of(result) -> str:
    """The verdict's text after the status: assumptions used, counterexample, method."""
    detail = getattr(result, "detail", None)  # a post's, already in its names
    if detail is None:
        detail = result.verdict.text(getattr(result, "labels", None))[len(result.status) :]
    return detail.strip(" :;")


def _cells(result) -> tuple[str, str, str, str, str, str]:
    column = getattr(result, "column", None)
    where = f"{result.file}:{result.line}" + (f":{column}" if column else "")
    claim = getattr(result, "text", "") or f"{result.lhs} = {result.rhs}"
    return where, result.derivation, str(result.step), claim, result.status, details_of(result)


def results_html(results: Sequence, summary: str) -> str:
    """An HTML table of the results, then the summary line."""
    rows = []
    for where, name, step, claim, status, details in map(_cells, results):
        colour = COLOURS.get(status, "inherit")
        verdict = f'<b style="color:{colour}">{html.escape(status)}</b>'
        if details:
            verdict += f" {html.escape(details)}"
        cells = [html.escape(where), html.escape(name), step, f"<code>{html.escape(claim)}</code>"]
        rows.append("<tr>" + "".join(f"<td>{c}</td>" for c in [*cells, verdict]) + "</tr>")
    head = "<tr>" + "".join(f"<th>{h}</th>" for h in _HEAD) + "</tr>"
    table = f"<table>\n<thead>{head}</thead>\n<tbody>\n" + "\n".join(rows) + "\n</tbody>\n</table>"
    return f"{table}\n<p>{html.escape(summary)}</p>"


def _markdown_cell(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ").replace("`", "'")


def results_markdown(results: Sequence, summary: str) -> str:
    """A Markdown table of the results, then the summary line."""
    lines = ["| " + " | ".join(_HEAD) + " |", "|" + "---|" * len(_HEAD)]
    for where, name, step, claim, status, details in map(_cells, results):
        verdict = f"**{status}**" + (f" {_markdown_cell(details)}" if details else "")
        cells = [_markdown_cell(where), _markdown_cell(name), step, f"`{_markdown_cell(claim)}`"]
        lines.append("| " + " | ".join([*cells, verdict]) + " |")
    return "\n".join(lines) + f"\n\n{_markdown_cell(summary)}"


_LATEX_SPECIAL = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "$": r"\$",
    "&": r"\&",
    "#": r"\#",
    "%": r"\%",
    "_": r"\_",
    "^": r"\textasciicircum{}",
    "~": r"\textasciitilde{}",
}


def latex_text(text: str) -> str:
    """``text`` for ``\\text{...}``: every special character escaped."""
    return "".join(_LATEX_SPECIAL.get(char, char) for char in text)


def results_latex(results: Sequence, summary: str) -> str:
    """The results as a math-mode array of text (what a notebook's MathJax shows)."""
    rows = [
        " & ".join(
            rf"\text{{{latex_text(cell)}}}" for cell in (where, f"{name}, step {step}", status)
        )
        for where, name, step, _claim, status, _details in map(_cells, results)
    ]
    rows.append(rf"\multicolumn{{3}}{{l}}{{\text{{{latex_text(summary)}}}}}")
    return "$$\\begin{array}{lll}\n" + " \\\\\n".join(rows) + "\n\\end{array}$$"


def report_html(derivation, verdicts) -> str:
    """A checked derivation (``derive.steps.Report``) as an HTML table: each step's claim in
    math (``\\(...\\)``, which the notebook typesets), its justification and its verdict."""
    from derive.render.latex import to_latex

    rows = []
    previous = derivation.lhs if derivation.lhs is not None else derivation.start
    head = f"<p><b>{html.escape(derivation.name)}</b>: \\({to_latex(previous)}\\)</p>"
    for number, (step, verdict) in enumerate(zip(derivation.steps, verdicts, strict=True), 1):
        claim = f"\\(= {to_latex(step.expr)}\\)"
        cells = [str(number), claim, html.escape(step.why), verdict._repr_html_()]
        rows.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    header = "<tr><th>step</th><th>claim</th><th>why</th><th>verdict</th></tr>"
    return (
        f"{head}\n<table>\n<thead>{header}</thead>\n<tbody>\n"
        + "\n".join(rows)
        + ("\n</tbody>\n</table>")
    )
