"""What the emitted modules' targets check costs: ``check_targets=True`` over ``False``.

Run from the repository root (needs valgrind; not a test):

    python benchmarks/bench_targets_check.py            # the four sizes of bench_emit.py
    python benchmarks/bench_targets_check.py --quick    # B = 1 and B = 256 only
    python benchmarks/bench_targets_check.py --batch 4096   # one size (repeatable)

The check costs about one NumPy call, which on this shared machine is far below the noise of
a wall-clock measurement, so the cost is counted in instructions with valgrind's callgrind:
the same count for the same program whatever else the machine does. Each function is called
n times in a fresh process, and a run with n = 0 is subtracted (Python's start-up and the
imports); BLAS runs single-threaded, because OpenBLAS threads spin while they wait and those
spins would be counted. The modules are emitted once into a temporary directory and loaded
from there, so derive and SymPy are not in the measured process.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
SIZES = ((1, 10, 64, 3000), (256, 10, 128, 300), (65536, 10, 128, 3), (4096, 1000, 512, 2))
CALLER = """
import importlib.util, sys
import numpy as np
spec = importlib.util.spec_from_file_location("layer", sys.argv[1])
layer = importlib.util.module_from_spec(spec)
spec.loader.exec_module(layer)
B, check, n, name = int(sys.argv[2]), sys.argv[3] == "1", int(sys.argv[4]), sys.argv[5]
rng = np.random.default_rng(0)
a = rng.standard_normal((B, layer.J))
W = rng.standard_normal((layer.K, layer.J))
b = rng.standard_normal(layer.K)
t = np.zeros((B, layer.K))
t[np.arange(B), rng.integers(0, layer.K, B)] = 1.0
z = a @ W.T + b
for _ in range(n):
    if name == "loss_and_grads":
        layer.loss_and_grads(a, W, b, t, check_targets=check)
    else:
        layer.dE_dW(z, t, a, check_targets=check)
"""


def instructions(module: str, caller: str, B: int, check: bool, n: int, name: str) -> int:
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
    env["PYTHONHASHSEED"] = "0"
    program = [sys.executable, caller, module, str(B), "1" if check else "0", str(n), name]
    done = subprocess.run(
        ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", *program],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    return int(re.search(r"refs:\s+([\d,]+)", done.stderr).group(1).replace(",", ""))


def per_call(module: str, caller: str, B: int, check: bool, n: int, name: str) -> float:
    base = instructions(module, caller, B, check, 0, name)
    return (instructions(module, caller, B, check, n, name) - base) / n


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="B = 1 and 256 only")
    parser.add_argument(
        "--batch", type=int, action="append", metavar="B", help="only the size with this B"
    )
    args = parser.parse_args()
    if shutil.which("valgrind") is None:
        sys.exit("valgrind is not installed")
    sizes = SIZES[:2] if args.quick else SIZES
    if args.batch:
        sizes = [size for size in sizes if size[0] in args.batch]
        if not sizes:
            sys.exit(f"no size with B in {args.batch}; sizes: {[size[0] for size in SIZES]}")
    with tempfile.TemporaryDirectory() as where:
        caller = os.path.join(where, "caller.py")
        with open(caller, "w") as out:
            out.write(CALLER)
        print("| function | B, K, J | instructions/call, check off | check on | on / off |")
        print("|---|---|---|---|---|")
        for B, K, J, n in sizes:
            module = os.path.join(where, f"layer_{K}_{J}.py")
            if not os.path.exists(module):
                command = [sys.executable, "-m", "derive", "emit", "--K", str(K), "--J", str(J)]
                subprocess.run([*command, "-o", module], cwd=ROOT, check=True, capture_output=True)
            for name in ("loss_and_grads", "dE_dW"):
                off = per_call(module, caller, B, False, n, name)
                on = per_call(module, caller, B, True, n, name)
                print(f"| {name} | {B}, {K}, {J} | {off:,.0f} | {on:,.0f} | {on / off:.3f}x |")


if __name__ == "__main__":
    main()
