"""Verdicts as rows (JSON-ready dicts) and rows as a plain-text table."""

from __future__ import annotations

from typing import TYPE_CHECKING

from derive.notation import assumption_record
from derive.sources.oneline import one_line

if TYPE_CHECKING:
    from derive.steps import Report

CLAIM_WIDTH = 48
COLUMNS = ("derivation", "step", "claim", "verdict", "needs", "seconds")


def _short(text: str, width: int = CLAIM_WIDTH) -> str:
    return text if len(text) <= width else text[: width - 3] + "..."


def report_rows(report: Report) -> list[dict[str, object]]:
    """One JSON-ready dict per step of a checked derivation.

    Keys: derivation, step, lhs, rhs, claim (short, with display names), status, needs (as
    text: ``label: relation``), needs_detail (label, relation and SymPy form of each),
    counterexample ({symbol: value} as strings, or None), seconds, why, method, guard (True
    when the time guard stopped the step), caveats.
    """
    derivation = report.derivation
    names = dict(derivation.names)
    rows = []
    for row in report.rows():
        verdict = row["verdict"]
        rows.append(
            {
                "derivation": derivation.name,
                "step": row["step"],
                "lhs": str(row["lhs"]),
                "rhs": str(row["rhs"]),
                "claim": _short(str(row["rhs"].xreplace(names))),
                "status": verdict.status,
                "needs": verdict.needs_text(derivation.labels),
                "needs_detail": [
                    assumption_record(a, derivation.labels.get(a)) for a in verdict.needs
                ],
                "why": row["why"],
                **verdict.record(),
                "caveats": list(verdict.caveats),
            }
        )
    return rows


def _verdict_text(row: dict[str, object]) -> str:
    text = str(row["status"])
    if row["counterexample"]:
        text += " at " + ", ".join(f"{k}={v}" for k, v in row["counterexample"].items())
    if row["caveats"]:
        text += " (caveat)"
    return text


def format_table(rows: list[dict[str, object]]) -> str:
    """Rows as aligned text columns: derivation, step, claim, verdict, needs, seconds; each
    row one line (control characters in a derivation's name or claim are escaped)."""
    cells = [list(COLUMNS)]
    for row in rows:
        cells.append(
            [
                one_line(str(row["derivation"])),
                str(row["step"]),
                one_line(str(row["claim"])),
                one_line(_short(_verdict_text(row), 60)),
                one_line(_short(", ".join(row["needs"]) or "-", 40)),
                f"{row['seconds']:.2f}",
            ]
        )
    widths = [max(len(line[i]) for line in cells) for i in range(len(COLUMNS))]
    lines = [
        "  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)).rstrip() for line in cells
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def report_table(reports: list[Report]) -> str:
    """A text table of every step of ``reports``."""
    return format_table([row for report in reports for row in report_rows(report)])
