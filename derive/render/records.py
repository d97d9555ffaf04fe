"""Step results as JSON records, for machines: ``--output-format json`` (one array) and
``jsonl`` (one record a line). docs/ci.md documents every field.

A run is a list of records: one per step (``"type": "step"``), then one summary
(``"type": "summary"``). Every record has ``derivation``, ``step``, ``status`` and ``needs``, the
summary's as strings (``""``, ``""``, ``"passed"`` or ``"failed"``, ``[]``), so a reader that
sorts records by those keys, as ``derive prove --json`` readers do, keeps working. Numbers are
JSON numbers; exact rationals of a counterexample are strings ``"p/q"``
(``derive.checker.verdict.exact_json``).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence

# the order of a step record's fields; fields a row has beyond these follow them in its order
STEP_FIELDS = (
    "type",
    "derivation",
    "step",
    "lhs",
    "rhs",
    "status",
    "needs",
    "counterexample",
    "lhs_value",
    "rhs_value",
    "seconds",
    "file",
    "line",
    "column",
    "needs_detail",
    "method",
    "guard",
    "certified",
    "slip",
    "lhs_sympy",
    "rhs_sympy",
    "kind",
    "conditions",
    "detail",
    "defaults",
)
VERDICTS = ("proved", "refuted", "undecided")


def step_record(row: Mapping[str, object], fields: Sequence[str] | None = None) -> dict:
    """One step's record: ``"type": "step"``, then the row's fields in the documented order
    (only ``fields``, if given)."""
    record = {"type": "step", **row}
    order = [key for key in STEP_FIELDS if key in record]
    order += [key for key in record if key not in STEP_FIELDS]
    if fields is not None:
        order = [key for key in order if key == "type" or key in fields]
    return {key: record[key] for key in order}


def summary_record(
    statuses: Iterable[str],
    *,
    seconds: float,
    exit_code: int,
    files: int | None = None,
    nothing_to_check: Mapping[str, str] | None = None,
) -> dict:
    """The run's summary: how many steps of each status, the files, the exit code.

    ``status`` is ``"passed"`` when the run exits 0, else ``"failed"``; ``counts`` has every
    verdict (and a post's ``cannot read``, ``cannot check`` when they occur).
    """
    counts = Counter(statuses)
    shown = {status: counts[status] for status in VERDICTS}
    shown.update({status: n for status, n in sorted(counts.items()) if status not in VERDICTS})
    record: dict[str, object] = {
        "type": "summary",
        "derivation": "",
        "step": "",
        "status": "passed" if exit_code == 0 else "failed",
        "needs": [],
        "steps": sum(counts.values()),
        "counts": shown,
    }
    if files is not None:
        record["files"] = files
    if nothing_to_check is not None:
        record["nothing_to_check"] = [
            {"file": path, "reason": reason} for path, reason in nothing_to_check.items()
        ]
    record["seconds"] = round(seconds, 3)
    record["exit_code"] = exit_code
    return record


def json_text(records: Sequence[Mapping[str, object]]) -> str:
    """``--output-format json``: one array of the records, indented."""
    return json.dumps(list(records), indent=2, allow_nan=False)


def jsonl_text(records: Sequence[Mapping[str, object]]) -> str:
    """``--output-format jsonl``: one record a line (JSON Lines)."""
    return "\n".join(json.dumps(record, allow_nan=False) for record in records)
