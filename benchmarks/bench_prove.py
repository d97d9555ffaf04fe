"""How long ``derive prove`` takes: the default run, concrete K, the network; ratios in one run.

Run from the repository root (not a test: timings depend on the machine):

    python benchmarks/bench_prove.py                          # K = 2, 8, 32, 64; default; network
    python benchmarks/bench_prove.py --K 2 64 --rounds 5      # fewer sizes, more rounds
    python benchmarks/bench_prove.py --reference ../old-checkout   # also the same commands there

Each case runs ``python -m derive prove ... --json`` in a fresh interpreter (so SymPy's import
and caches count, as for a user), once per round, rounds interleaved; the table shows each
case's median round and its ratio to ``output K=2`` of the same run, which is what compares
across runs on a noisy machine. With ``--reference DIR`` every case also runs with DIR as the
working directory (``python -m derive`` then imports DIR's derive: check out another commit
there), interleaved with this checkout's, and the last column is the ratio this / reference.

It also reports the verdicts and the slowest step of each case against a tenth of the time
guard (docs/limits.md): speed and completeness are measured together.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GUARD = 60.0  # the default time guard per step, seconds


def run_once(arguments: list[str], cwd: str) -> tuple[float, collections.Counter, float]:
    """Wall seconds of one ``derive prove``, the count of each verdict, the slowest step."""
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "derive", "prove", *arguments, "--json"],
        capture_output=True,
        text=True,
        check=False,
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": cwd},
    )
    seconds = time.perf_counter() - start
    if done.returncode not in (0, 1):
        raise SystemExit(f"derive prove {' '.join(arguments)} failed in {cwd}:\n{done.stderr}")
    rows = json.loads(done.stdout)
    slowest = max(row["seconds"] for row in rows)
    return seconds, collections.Counter(row["status"] for row in rows), slowest


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--K", type=int, nargs="+", default=[2, 8, 32, 64])
    parser.add_argument("--J", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--reference", metavar="DIR", help="another checkout to compare with")
    args = parser.parse_args()

    cases = {f"output K={k}": ["output", "--K", str(k), "--J", str(args.J)] for k in args.K}
    cases["derive prove (default)"] = []
    cases["derive prove network"] = ["network"]
    places = {"this": ROOT}
    if args.reference:
        places["reference"] = os.path.abspath(args.reference)
    times: dict[tuple[str, str], list[float]] = collections.defaultdict(list)
    verdicts: dict[tuple[str, str], collections.Counter] = {}
    slowest: dict[tuple[str, str], float] = collections.defaultdict(float)
    for _ in range(args.rounds):
        for name, arguments in cases.items():
            for place, cwd in places.items():
                seconds, counts, step = run_once(arguments, cwd)
                times[name, place].append(seconds)
                verdicts[name, place] = counts
                slowest[name, place] = max(slowest[name, place], step)

    base = statistics.median(times[next(iter(cases)), "this"])
    print(f"{args.rounds} rounds, {os.cpu_count()} cores; median wall seconds; the slowest step")
    print("is the largest over the rounds; a tenth of the time guard is", GUARD / 10, "s")
    header = "| case | seconds | ratio to output K=2 | verdicts | slowest step |"
    if args.reference:
        header += " reference seconds | reference verdicts | this / reference |"
    print(header)
    print("|---" * (header.count("|") - 1) + "|")
    for name in cases:
        median = statistics.median(times[name, "this"])
        counts = ", ".join(f"{n} {s}" for s, n in sorted(verdicts[name, "this"].items()))
        line = f"| {name} | {median:.2f} | {median / base:.2f}x | {counts} |"
        line += f" {slowest[name, 'this']:.2f} s |"
        if args.reference:
            other = statistics.median(times[name, "reference"])
            theirs = ", ".join(f"{n} {s}" for s, n in sorted(verdicts[name, "reference"].items()))
            line += f" {other:.2f} | {theirs} | {median / other:.2f}x |"
        print(line)


if __name__ == "__main__":
    main()
