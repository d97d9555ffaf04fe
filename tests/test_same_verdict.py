"""Same input, same verdict: the rows of ``derive prove --json`` do not depend on the hash seed,
the machine's load or ``--jobs``; the time guard says when it stops a step; a step stopped by a
deterministic limit is undecided and names the limit. No assertion here is on wall time."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from importlib.metadata import entry_points

import pytest
from sympy import Symbol, exp

import derive.checker.prove
from derive.checker.equal import check_equal
from derive.cli import main
from derive.render.table import report_rows
from derive.steps import Derivation, Step

pytest_plugins = ["pytester"]

KEY = ("derivation", "step", "status", "needs", "method")

STALLING = """\
[symbols]
x = "real"
y = "real"

[[derivation]]
name = "exp of a sum"
start = "exp(x + y)"
steps = [{ expr = "exp(x) * exp(y)", why = "exp is a homomorphism" }]
"""

NEEDS_REWRITES = """\
[symbols]
x = "positive"
y = "positive"

[[derivation]]
name = "log of a product"
start = "log(x * y)"
steps = [{ expr = "log(x) + log(y)", why = "x, y > 0" }]
"""


def _prove_rows(*args: str, seed: int = 0, env: dict | None = None) -> list[tuple]:
    environment = {**os.environ, **(env or {}), "PYTHONHASHSEED": str(seed)}
    done = subprocess.run(
        [sys.executable, "-m", "derive", "prove", "--json", *args],
        capture_output=True,
        text=True,
        timeout=300,
        env=environment,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    rows = [r for r in json.loads(done.stdout) if r["type"] == "step"]
    return [tuple(str(row[k]) for k in KEY) for row in rows]


@pytest.fixture(scope="module")
def reference_rows() -> list[tuple]:
    return _prove_rows(seed=0)


@pytest.mark.slow
def test_default_prove_rows_are_identical_for_hash_seeds_0_1_2(reference_rows) -> None:
    assert len(reference_rows) >= 24
    assert {row[2] for row in reference_rows} == {"proved"}
    for seed in (1, 2):
        assert _prove_rows(seed=seed) == reference_rows, f"PYTHONHASHSEED={seed} differs"


@pytest.mark.slow
def test_rows_are_the_same_beside_a_cpu_bound_process_and_with_one_or_two_jobs(
    reference_rows,
) -> None:
    burner = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    try:
        assert _prove_rows("--jobs", "1", seed=3) == reference_rows
        assert _prove_rows("--jobs", "2", seed=4) == reference_rows
    finally:
        burner.kill()
        burner.wait()


def test_concrete_sizes_are_instances_of_the_proof_for_every_size(reference_rows) -> None:
    concrete = [row for row in reference_rows if "(d, 1, 3)" in row[3] or "<= 3" in row[3]]
    assert concrete and all("for every" in row[4] and "K = 3" in row[4] for row in concrete)


def _stall(expr, facts):
    time.sleep(60)
    return expr


@pytest.fixture
def stalling(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every rewrite hangs (as SymPy can): only the time guard ends a step."""
    monkeypatch.setattr(
        derive.checker.prove, "STRATEGIES", (("stall", lambda e, f: True, _stall, "hangs"),)
    )


def test_a_guard_that_fires_says_so_in_its_own_words_and_marks_the_json_row(
    stalling, tmp_path, capsys
) -> None:
    path = tmp_path / "stall.toml"
    path.write_text(STALLING)
    assert main(["check", str(path), "--json", "--timeout", "1"]) == 1
    (row,) = [r for r in json.loads(capsys.readouterr().out) if r["type"] == "step"]
    assert row["status"] == "undecided" and row["guard"] is True
    assert row["method"] == (
        "stopped by the 1 s time guard; the result may differ on a faster machine"
    )
    assert main(["check", str(path), "--timeout", "1"]) == 1
    line = capsys.readouterr().out.splitlines()[0]
    assert "undecided" in line and "stopped by the 1 s time guard" in line


def test_a_prove_row_stopped_by_the_guard_is_marked(stalling) -> None:
    x, y = Symbol("x", real=True), Symbol("y", real=True)
    chain = Derivation("stall", exp(x + y), (Step(exp(x) * exp(y), "exp"),))
    (row,) = report_rows(chain.check(timeout=1))
    assert row["guard"] is True and row["status"] == "undecided"
    assert "time guard" in row["method"]


def test_rows_not_stopped_by_the_guard_are_not_marked(reference_rows, capsys) -> None:
    assert main(["prove", "output", "--K", "2", "--J", "1", "--json", "--jobs", "1"]) == 0
    rows = [r for r in json.loads(capsys.readouterr().out) if r["type"] == "step"]
    assert rows and all(row["guard"] is False for row in rows)


def test_a_step_that_reaches_the_rewrite_limit_is_undecided_and_names_it(tmp_path, capsys):
    path = tmp_path / "logs.toml"
    path.write_text(NEEDS_REWRITES)
    assert main(["check", str(path), "--json"]) == 0  # proved within the default limits
    capsys.readouterr()
    assert main(["check", str(path), "--json", "--limit", "rewrites=1"]) == 1
    (row,) = [r for r in json.loads(capsys.readouterr().out) if r["type"] == "step"]
    assert row["status"] == "undecided" and row["guard"] is False
    assert "the rewrites limit (rewrites = 1)" in row["method"]


def test_the_same_check_twice_gives_equal_verdicts_apart_from_seconds() -> None:
    x = Symbol("x", real=True)
    first, second = (check_equal(exp(2 * x), exp(x) ** 2) for _ in range(2))
    assert first == second and first.proved


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--limit", "rewrites=0"], "rewrites must be an integer >= 1"),
        (["--limit", "nosuch=3"], "unknown limit 'nosuch'"),
        (["--limit", "points=3"], "points must be at least 4"),
        (["--limit", "size=many"], "must be an integer"),
    ],
)
def test_a_bad_limit_is_a_one_line_usage_error(args, message, capsys) -> None:
    assert main(["prove", *args]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("derive: error: ") and message in err[0]


def test_the_plugin_takes_limits_and_rejects_unknown_ones(pytester: pytest.Pytester) -> None:
    pytester.makefile(".toml", logs=NEEDS_REWRITES)
    installed = any(e.value == "derive.pytest_plugin" for e in entry_points(group="pytest11"))
    autoload = not os.environ.get("PYTEST_DISABLE_PLUGIN_AUTOLOAD")
    plugin = [] if installed and autoload else ["-p", "derive.pytest_plugin"]
    plugin += ["-p", "no:cacheprovider", "--derive-files", "*.toml"]
    result = pytester.runpytest_subprocess(*plugin, "--derive-limit", "rewrites=1")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*undecided*the rewrites limit (rewrites = 1)*"])
    result = pytester.runpytest_subprocess(*plugin, "--derive-limit", "nosuch=1")
    assert result.ret != 0
    result.stderr.fnmatch_lines(["*derive limit: unknown limit 'nosuch'*rewrites*file-bytes*"])
