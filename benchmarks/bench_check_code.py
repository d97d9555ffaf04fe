"""What ``derive check-code`` costs from the command line: today's examples, and a whole
network checked in one run.

Each command is a process of its own, as a user runs it, timed from outside: wall seconds and
CPU seconds (user + system of the process and its children, the code under test's included),
the median of ``--runs`` runs after one warm-up. CPU time moves less than wall time on this
shared machine, so both are printed. The proved results are cached on disk between runs
(derive.testing.cache): the warm-up proves them, the timed runs read them; ``--cold`` clears
the cache before every run instead.

``--derive PATH`` runs another checkout's ``derive`` package (e.g. ``git archive`` of an older
commit unpacked to PATH) with this interpreter, to compare before and after in one session;
quantities it does not know (``--quantity all``) are then checked one per run.

    python benchmarks/bench_check_code.py
    python benchmarks/bench_check_code.py --derive /tmp/before --runs 3
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples" / "gradient_code"
LAYER = ["--K", "10", "--J", "20", "--arg", "X=a_prev", "--arg", "W=W", "--arg", "b=b"]
LAYER += ["--arg", "y=t", "--quantity", "dE_dW"]
NETWORK_SIZES = ["--N", "8", "--I", "16", "--J", "12", "--K", "10"]
QUANTITIES = ["E", "dE_dW1", "dE_db1", "dE_dW2", "dE_db2", "dE_dW3", "dE_db3"]
QUANTITIES += ["dE_dz1", "dE_dz2", "dE_dz3"]

NETWORK = """
import numpy as np


def log_softmax(z):
    shifted = z - z.max(axis=1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))


def network(x, W1, b1, W2, b2, W3, b3, t):
    z1 = x @ W1.T + b1
    a1 = np.maximum(z1, 0)
    z2 = a1 @ W2.T + b2
    a2 = np.maximum(z2, 0)
    z3 = a2 @ W3.T + b3
    d3 = np.exp(log_softmax(z3)) - t
    d2 = (d3 @ W3) * (z2 > 0)
    d1 = (d2 @ W2) * (z1 > 0)
    return {
        "E": -(t * log_softmax(z3)).sum(),
        "dE_dz3": d3, "dE_dz2": d2, "dE_dz1": d1,
        "dE_dW3": d3.T @ a2, "dE_db3": d3.sum(0),
        "dE_dW2": d2.T @ a1, "dE_db2": d2.sum(0),
        "dE_dW1": d1.T @ x, "dE_db1": d1.sum(0),
    }
"""


def _timed(command: list[str], env: dict[str, str]) -> tuple[float, float, int]:
    """(wall seconds, CPU seconds of the process and its children, exit code); run from a
    folder of its own, so that ``python -m derive`` imports the package chosen, not the one
    in the current directory."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(
        command, env=env, capture_output=True, text=True, timeout=3600, cwd=env["BENCH_WORK"]
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, done.returncode


def _median(commands: list[list[str]], env: dict, runs: int, cold: bool, cache: Path) -> tuple:
    """Median wall and CPU seconds of running every command of ``commands`` in turn."""
    walls, cpus, codes = [], [], set()
    for number in range(runs + 1):
        wall = cpu = 0.0
        for command in commands:
            if cold:  # the proof cache's entries live under proved/ (derive.testing.cache)
                shutil.rmtree(cache / "proved", ignore_errors=True)
            w, c, code = _timed(command, env)
            wall, cpu = wall + w, cpu + c
            codes.add(code)
        if number:  # the first round is the warm-up
            walls.append(wall)
            cpus.append(cpu)
    return statistics.median(walls), statistics.median(cpus), sorted(codes)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--derive", type=Path, help="another checkout's derive to time")
    parser.add_argument("--cold", action="store_true", help="clear the proof cache every run")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-check-code-"))
    (work / "net.py").write_text(textwrap.dedent(NETWORK))
    cache = work / "cache"
    env = {**os.environ, "DERIVE_CACHE_DIR": str(cache), "BENCH_WORK": str(work)}
    if args.derive is not None:
        env["PYTHONPATH"] = str(args.derive.resolve())
    derive = [sys.executable, "-m", "derive", "check-code"]
    new = args.derive is None
    rows = [
        (f"{name}.py (K = 10, J = 20)", [[*derive, f"{EXAMPLES / name}.py:grad_W", *LAYER]])
        for name in ("softmax_layer", "transposed", "averaged", "single_path")
    ]
    network = [*derive, f"{work / 'net.py'}:network", *NETWORK_SIZES]
    one = [[*network, "--quantity", "dE_dW1", "--result", "dE_dW1"]]
    rows.append(("network, dE_dW1 alone", one))
    if new:
        rows.append(("network, all 10 quantities in one run", [[*network, "--quantity", "all"]]))
    else:
        each = [[*network, "--quantity", q, "--result", q] for q in QUANTITIES]
        rows.append(("network, 10 quantities, one run each", each))
    where = subprocess.run(
        [sys.executable, "-c", "import derive; print(derive.__file__)"],
        env=env,
        cwd=work,
        capture_output=True,
        text=True,
    ).stdout.strip()
    print(f"derive from {where}, median of {args.runs} runs after a warm-up")
    print(f"{'command':<44} {'wall s':>8} {'cpu s':>8}  exit")
    for label, commands in rows:
        wall, cpu, codes = _median(commands, env, args.runs, args.cold, cache)
        print(f"{label:<44} {wall:8.2f} {cpu:8.2f}  {','.join(map(str, codes))}")


if __name__ == "__main__":
    main()
