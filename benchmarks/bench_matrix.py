"""What proving the matrix-form derivations costs, against today's symbolic-K proofs.

Run from the repository root (not a test: timings depend on the machine):

    python benchmarks/bench_matrix.py                 # 3 rounds
    python benchmarks/bench_matrix.py --rounds 5

Each round runs ``python -m derive prove symbolic --json`` (the output layer for every K and J,
index form) and ``python -m derive prove matrix --json`` (the output layer batched, linear and
logistic regression, one hidden layer: for every size) in fresh interpreters, in turn. The CPU
time of each child process is what is compared (a shared machine's load stretches wall time,
not CPU time); the table gives the medians, the ratio matrix / symbolic, and, from the JSON
rows of the last round, the slowest step of each set and each matrix derivation's steps.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


IMPORT = [sys.executable, "-c", "import derive.derivations, derive.cli.prove"]


def run_once(name: str) -> tuple[float, float, list[dict]]:
    """(CPU seconds, wall seconds, JSON step rows) of one ``derive prove NAME``; ``import``:
    the interpreter importing what ``derive prove`` imports (SymPy), which every run pays."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    command = [sys.executable, "-m", "derive", "prove", name, "--json", "--jobs", "1"]
    done = subprocess.run(
        IMPORT if name == "import" else command,
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in (0, 1):
        raise SystemExit(f"derive prove {name} failed:\n{done.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if name == "import":
        return cpu, wall, []
    rows = [r for r in json.loads(done.stdout) if r.get("type", "step") == "step"]
    return cpu, wall, rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    cpu: dict[str, list[float]] = {"import": [], "symbolic": [], "matrix": []}
    wall: dict[str, list[float]] = {"import": [], "symbolic": [], "matrix": []}
    rows: dict[str, list[dict]] = {}
    for _ in range(args.rounds):
        for name in cpu:
            seconds, elapsed, rows[name] = run_once(name)
            cpu[name].append(seconds)
            wall[name].append(elapsed)
    header = f"{'set':10} {'CPU s':>7} {'wall s':>7} {'steps':>6} {'proved':>7}"
    print(f"{header} {'slowest step s':>15}")
    for name in cpu:
        proved = sum(r["status"] == "proved" for r in rows[name])
        slowest = max((r["seconds"] for r in rows[name]), default=0.0)
        print(
            f"{name:10} {statistics.median(cpu[name]):7.2f} {statistics.median(wall[name]):7.2f} "
            f"{len(rows[name]):6} {proved:7} {slowest:15.2f}"
        )
    ratio = statistics.median(cpu["matrix"]) / statistics.median(cpu["symbolic"])
    base = statistics.median(cpu["import"])
    work = (statistics.median(cpu["matrix"]) - base) / (statistics.median(cpu["symbolic"]) - base)
    steps = {name: len(rows[name]) for name in ("symbolic", "matrix")}
    per_step = work * steps["symbolic"] / steps["matrix"]
    print(f"matrix / symbolic, CPU: {ratio:.2f}x; without the import: {work:.2f}x;", end=" ")
    print(f"per step: {per_step:.2f}x")
    print("\nmatrix steps (last round, wall seconds of each step):")
    for row in rows["matrix"]:
        print(f"  {row['derivation']:30} {row['step']:>2} {row['status']:9} {row['seconds']:6.2f}")


if __name__ == "__main__":
    main()
