"""Plain-text tables of verdicts, for terminals and ``str(report)``."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from derive.steps import Report


def report_table(reports: list[Report]) -> str:
    return "\n".join(f"{r.derivation.name}: {v}" for r in reports for v in r.verdicts)
