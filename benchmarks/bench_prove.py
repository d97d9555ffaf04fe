"""How ``derive prove`` grows with K: wall time of the command, as a ratio to K = 2.

Run from the repository root (not a test: timings depend on the machine):

    python benchmarks/bench_prove.py                 # output set, K = 2, 4, 8, 16, 32, J = 4
    python benchmarks/bench_prove.py --K 2 4 8       # fewer sizes
    python benchmarks/bench_prove.py --default       # also the README's `derive prove`

Each size runs ``derive prove output --K k --J 4 --json --jobs 1`` in a fresh interpreter (so
SymPy's caches start cold, as for a user), once per round, rounds interleaved, keeping each
size's best round; the ratio is to K = 2 in the same run, which is what is comparable across
runs on a noisy machine. The step verdicts are reported too: a step that runs out of its time
budget becomes "undecided", so speed and completeness are measured together.
"""

from __future__ import annotations

import argparse
import collections
import json
import subprocess
import sys
import time

COMMAND = [sys.executable, "-m", "derive", "prove"]


def run_once(arguments: list[str]) -> tuple[float, collections.Counter]:
    """Wall seconds of one ``derive prove`` and the count of each verdict."""
    start = time.perf_counter()
    done = subprocess.run(
        [*COMMAND, *arguments, "--json"], capture_output=True, text=True, check=False
    )
    seconds = time.perf_counter() - start
    if done.returncode not in (0, 1):
        raise SystemExit(f"derive prove {' '.join(arguments)} failed:\n{done.stderr}")
    return seconds, collections.Counter(row["status"] for row in json.loads(done.stdout))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--K", type=int, nargs="+", default=[2, 4, 8, 16, 32])
    parser.add_argument("--J", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--default", action="store_true", help="also time plain `derive prove`")
    args = parser.parse_args()

    cases = {f"output K={k}": ["output", "--K", str(k), "--J", str(args.J)] for k in args.K}
    cases = {key: [*value, "--jobs", "1"] for key, value in cases.items()}
    if args.default:
        cases["derive prove (default, 2 jobs)"] = []
    best: dict[str, float] = {}
    verdicts: dict[str, collections.Counter] = {}
    for _ in range(args.rounds):
        for name, arguments in cases.items():
            seconds, counts = run_once(arguments)
            best[name] = min(best.get(name, float("inf")), seconds)
            verdicts[name] = counts

    reference = best[next(iter(cases))]
    print(f"| case | seconds | ratio to {next(iter(cases))} | verdicts |")
    print("|---|---:|---:|---|")
    for name, seconds in best.items():
        counts = ", ".join(f"{n} {status}" for status, n in sorted(verdicts[name].items()))
        print(f"| {name} | {seconds:.1f} | {seconds / reference:.1f}x | {counts} |")


if __name__ == "__main__":
    main()
