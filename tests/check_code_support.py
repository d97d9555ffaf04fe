"""What the check-code CLI tests share: the folder of code under test, and one run of
``derive check-code ... --json`` read back as (exit code, report)."""

from __future__ import annotations

import json
from pathlib import Path

from derive.cli import main

CODE = Path(__file__).resolve().parent / "code_under_test"


def check(capfd, target: str, *argv: str) -> tuple[int, dict]:
    """Run check-code on ``CODE / target``; nothing may reach stderr."""
    code = main(["check-code", f"{CODE / target}", *argv, "--json"])
    out, err = capfd.readouterr()
    assert err == "", err
    return code, json.loads(out)


def diagnoses(data: dict) -> dict[str, str | None]:
    """Each quantity's diagnosis in a check-code report (None where it is right)."""
    return {q["name"]: q["diagnosis"] for q in data["quantities"]}
