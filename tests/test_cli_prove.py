"""``derive prove``: the table, the JSON rows and the exit codes."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from derive.cli import main


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "derive", *args], capture_output=True, text=True, timeout=120
    )


@pytest.fixture(scope="module")
def default_json() -> subprocess.CompletedProcess[str]:
    return _run("prove", "--json")


def test_default_prove_passes_and_covers_concrete_and_symbolic_K(default_json) -> None:
    assert default_json.returncode == 0, default_json.stdout + default_json.stderr
    rows = [r for r in json.loads(default_json.stdout) if r["type"] == "step"]
    assert {row["status"] for row in rows} == {"proved"}
    named = "targets: sum(t[d], (d, 1, 3)) == 1"
    sums = {row["lhs"] for row in rows if named in row["needs"]}
    assert sums, "the K = 3 chain should name sum t = 1 by its label, in file syntax"
    assert any("(d, 1, K)" in " ".join(row["needs"]) for row in rows), "symbolic K missing"


def test_json_rows_have_the_documented_fields(default_json) -> None:
    rows = [r for r in json.loads(default_json.stdout) if r["type"] == "step"]
    fields = {"derivation", "step", "lhs", "rhs", "status", "needs", "counterexample", "seconds"}
    fields |= {"method", "guard", "certified", "slip", "type", "lhs_value", "rhs_value"}
    assert all(set(row) == fields | {"needs_detail"} for row in rows)
    for row in rows:  # the machine-readable twin of "needs", one record per assumption
        assert len(row["needs_detail"]) == len(row["needs"])
        for text, detail in zip(row["needs"], row["needs_detail"], strict=True):
            assert text.endswith(detail["relation"]) and detail["sympy"]
            assert text == (f"{detail['label']}: " if detail["label"] else "") + detail["relation"]
    assert all(isinstance(row["seconds"], float) and row["seconds"] >= 0 for row in rows)
    assert all(row["guard"] is False and row["method"] for row in rows)


def test_json_ends_with_a_summary_a_sorting_reader_can_load(default_json) -> None:
    """Readers sort the records by (derivation, step, status, needs): the summary carries
    those keys as strings, and says how many steps had each verdict."""
    records = json.loads(default_json.stdout)
    summary = records[-1]
    assert summary["type"] == "summary" and all(r["type"] == "step" for r in records[:-1])
    assert (summary["derivation"], summary["step"], summary["needs"]) == ("", "", [])
    assert summary["status"] == "passed" and summary["exit_code"] == 0
    assert summary["counts"]["proved"] == summary["steps"] == len(records) - 1
    keys = sorted(
        (r["derivation"], str(r["step"]), r["status"], str(r.get("needs"))) for r in records
    )
    assert len(keys) == len(records)


def test_reference_audit_exits_1_and_reports_the_slip(capsys) -> None:
    code = main(["prove", "reference", "--K", "2", "--J", "1", "--json", "--jobs", "1"])
    assert code == 1
    rows = [r for r in json.loads(capsys.readouterr().out) if r["type"] == "step"]
    refuted = [row for row in rows if row["status"] == "refuted"]
    assert [row["derivation"] for row in refuted] == ["Delta W_kj (post)"]
    assert refuted[0]["counterexample"]


def test_table_lists_every_step_with_its_verdict(capsys) -> None:
    code = main(["prove", "output", "--K", "2", "--J", "1", "--jobs", "1"])
    out = capsys.readouterr().out
    assert code == 0
    table, summary = out.split("\n\n")
    header, _rule, *rows = table.splitlines()
    assert header.split() == ["derivation", "step", "claim", "verdict", "needs", "seconds"]
    assert len(rows) == 12 and all(" proved " in row for row in rows)
    assert summary.startswith("12 steps: 12 proved, 0 refuted, 0 undecided")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["prove", "--K", "0"], "integer >= 1"),
        (["prove", "--K", "2.5"], "integer >= 1"),
        (["prove", "--K", "three"], "integer >= 1"),
        (["prove", "--J", "-1"], "integer >= 1"),
        (["prove", "nosuch"], "unknown derivation 'nosuch'"),
        (["prove", "--timeout", "0"], "positive"),
        (["prove", "--K", "100000"], "too large to check term by term (at most 64)"),
        (["latex", "--N", "65"], "too large to check term by term (at most 64)"),
        (["frobnicate"], "invalid choice"),
    ],
)
def test_bad_usage_exits_2_with_one_line(args, message) -> None:
    result = _run(*args)
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("derive: error: ")
    assert message in lines[0]
    assert "Traceback" not in result.stderr
