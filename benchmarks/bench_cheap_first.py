"""What the cheap first pass of the prover saves on index-form proofs with trigonometric sums.

Run from the repository root (not a test: timings depend on the machine):

    python benchmarks/bench_cheap_first.py               # 3 rounds
    python benchmarks/bench_cheap_first.py --rounds 5

The claims are tests/corpus/matrix_dZ.tex lines 32-33 (dJ/dW^{[1]} and dJ/db^{[1]} of a
two-layer network: tanh inside σ inside log, proved in index form for every size). Each round
checks them in fresh interpreters twice, in turn: as the prover runs today (a quick pass without
``prove.CHEAP_FIRST`` first) and with that pass switched off (``CHEAP_FIRST = ()``, the full
pipeline at once, as before). The CPU time of the checks alone (the post read first, outside the
clock) is compared; the table gives the medians and the ratio today / before, and each run's
verdicts, which must agree.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
POST = ROOT / "tests" / "corpus" / "matrix_dZ.tex"
LINES = (32, 33)

CHILD = """
import json, sys, time
import derive.checker.prove as prove
from derive.sources.posts.check import check_item
from derive.sources.posts.file import load_post
if sys.argv[1] == "before":
    prove.CHEAP_FIRST = ()
post = load_post(sys.argv[2], "tex")
lines = [int(n) for n in sys.argv[3].split(",")]
start = time.process_time()
found = [check_item(post, n, timeout=120).status
         for n, item in enumerate(post.items) if item.line in lines]
print(json.dumps({"cpu": time.process_time() - start, "statuses": found}))
"""


def run_once(mode: str) -> dict:
    command = [sys.executable, "-c", CHILD, mode, str(POST), ",".join(map(str, LINES))]
    done = subprocess.run(command, capture_output=True, text=True, check=False, cwd=ROOT)
    if done.returncode != 0:
        raise SystemExit(f"the {mode} run failed:\n{done.stderr}")
    return json.loads(done.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    times: dict[str, list[float]] = {"today": [], "before": []}
    verdicts: dict[str, list] = {"today": [], "before": []}
    for _ in range(args.rounds):
        for mode in ("today", "before"):
            found = run_once(mode)
            times[mode].append(found["cpu"])
            verdicts[mode].append(found["statuses"])
    today, before = (statistics.median(times[m]) for m in ("today", "before"))
    print(f"matrix_dZ.tex lines {LINES[0]}-{LINES[1]}, {args.rounds} rounds, CPU seconds (median)")
    print("| prover | CPU s | ratio |")
    print("|---|---|---|")
    print(f"| full pipeline at once (before) | {before:.2f} | 1.00x |")
    print(f"| cheap pass first (today) | {today:.2f} | {today / before:.2f}x |")
    print("verdicts:", {m: v[0] for m, v in verdicts.items()})
    if any(v != verdicts["today"][0] for m in verdicts for v in verdicts[m]):
        raise SystemExit("the verdicts differ between runs")


if __name__ == "__main__":
    main()
