"""Benchmark ``derive emit FILE...``: each emitted function against careful hand-written NumPy.

Run from the repository root (not a test: timings depend on the machine):

    python benchmarks/bench_emit_files.py            # every file and size, float64
    python benchmarks/bench_emit_files.py --quick    # fewer rounds
    python benchmarks/bench_emit_files.py --only softmax --no-lambdify

For examples/sigmoid_bce.toml, examples/tanh_mse.toml and examples/softmax_cross_entropy.toml,
every emitted function is timed at B = 1, 256 and 65536 (the softmax file also at K = 1000,
with B up to 4096: a batch of 65536 x 1000 logits is half a gigabyte per array) beside:

- a careful hand-written NumPy version of the same quantity, stable in the same way (the
  sigmoid through tanh, the softmax with its row maximum subtracted): the reference, 1.00x;
- SymPy's ``lambdify`` with ``cse=True`` of the same proved expression, its sums written out
  for the concrete sizes and vectorized over the batch (where writing it out is feasible);
- for the softmax file, the built-in output-layer module (``derive emit --K --J``), with
  ``check_targets=False`` (the emitted functions check nothing about the targets).

Times are the best of interleaved rounds; ratios are to the hand-written time of the same run.
On a shared, loaded machine wall-clock ratios swing by tens of percent; ``--instructions``
counts instead (valgrind's callgrind, BLAS on one thread, a run with no call subtracted): the
same count for the same program under any load, the way bench_targets_check.py measures.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from bench_emit import best_times
from hand_written import sigmoid_hand, softmax_hand, tanh_hand

from derive.emit import Options, _compiled, emit_files, output_layer_module

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
BATCHES = (1, 256, 65536)


FILES = {
    "sigmoid": ("examples/sigmoid_bce.toml", sigmoid_hand, {"J": 16}),
    "tanh": ("examples/tanh_mse.toml", tanh_hand, {"J": 16}),
    "softmax": ("examples/softmax_cross_entropy.toml", softmax_hand, {"K": 10, "J": 128}),
}


# ---- inputs ---------------------------------------------------------------------------------


def arguments(outcome, B: int, sizes: dict[str, int], rng) -> list[np.ndarray | float]:
    """Inputs for an emitted function by its spec: one-hot targets, N(0, 1) elsewhere."""
    values = []
    for argument in outcome.printed.arguments:
        shape = [B] if argument.batched else []
        for domain in argument.domains:
            size = domain.size
            shape.append(int(size) if size.is_Integer else sizes[outcome.result.show(size)])
        if argument.batched and argument.symbol.is_nonnegative and len(shape) == 2:
            value = np.zeros(shape)
            value[np.arange(B), rng.integers(0, shape[1], B)] = 1.0
        elif shape:
            value = rng.standard_normal(shape)
        else:
            value = float(rng.standard_normal())
        values.append(value)
    return values


# ---- lambdify -------------------------------------------------------------------------------


def lambdified(outcome, sizes: dict[str, int], limit: int = 2000) -> Callable | None:
    """``lambdify(..., cse=True)`` of the proved result, sums written out for the sizes,
    vectorized over the batch (columns of the data arrays); None if too large to write out."""
    import itertools

    from sympy import Indexed, Integer, Symbol, lambdify

    printed, result = outcome.printed, outcome.result
    known = {}
    for argument in printed.arguments:
        for domain in argument.domains:
            for symbol in domain.size.free_symbols:
                known[symbol] = sizes[result.show(symbol)]
    expr = result.expr.xreplace(known).doit()
    ranges = []
    for label in printed.output:
        domain = result.ranges[label]
        ranges.append(range(int(domain.lo.xreplace(known)), int(domain.hi.xreplace(known)) + 1))
    points = 1
    for r in ranges:
        points *= len(r)
    if expr.count_ops() * points > limit * 50:  # written out, too large to lambdify
        return None
    entries = [
        expr.xreplace(dict(zip(printed.output, map(Integer, point), strict=True))).doit()
        for point in itertools.product(*ranges)
    ]
    if sum(e.count_ops() for e in entries) > limit * 50:
        return None
    scalars, readers, mapping = [], [], {}
    for n, argument in enumerate(printed.arguments):
        if not argument.domains:
            scalars.append(argument.symbol)
            readers.append((n, None))
            continue
        lows = [int(d.lo.xreplace(known)) for d in argument.domains]
        highs = [int(d.hi.xreplace(known)) for d in argument.domains]
        for index in itertools.product(
            *(range(lo, hi + 1) for lo, hi in zip(lows, highs, strict=True))
        ):
            symbol = Symbol(f"v{len(scalars)}", real=True)
            mapping[argument.symbol[index]] = symbol
            scalars.append(symbol)
            readers.append((n, tuple(i - lo for i, lo in zip(index, lows, strict=True))))
    entries = [e.xreplace(mapping) for e in entries]  # one pass: every entry at once
    if any(e.has(Indexed) for e in entries):
        return None
    function = lambdify(scalars, entries, modules="numpy", cse=True)
    shape = [len(r) for r in ranges]

    def call(*values):
        flat = [values[n] if at is None else values[n][(Ellipsis, *at)] for n, at in readers]
        out = np.array(np.broadcast_arrays(*function(*flat)))
        if printed.batched and printed.reduce:
            out = out.sum(axis=-1)
        out = out.reshape(shape + list(out.shape[1:]))
        if printed.batched and not printed.reduce:  # the batch axis first, as emitted
            out = np.moveaxis(out, -1, 0)
        return out

    return call


# ---- the built-in output layer, for the softmax file ---------------------------------------


def built_in(name: str, K: int, J: int) -> Callable | None:
    layer = output_layer_module(K, J)
    no = {"check_targets": False}
    calls = {
        "E": lambda z, t: layer.E(z, t),
        "dE_dz_k": lambda z, t: layer.dE_dz(z, t, **no),
        "dE_dW_kj": lambda t, W, b, x: layer.dE_dW(layer.forward(x, W, b), t, x, **no),
        "dE_db_k": lambda t, W, b, x: layer.dE_db(layer.forward(x, W, b), t, **no),
    }
    return calls.get(name)


# ---- measuring -----------------------------------------------------------------------------


def median_times(candidates: dict[str, Callable[[], object]], seconds: float) -> dict[str, float]:
    """Median time per call of each candidate over interleaved rounds: on a busy machine the
    median of a round is steadier than the best (one lucky round decides the best)."""
    loops = {}
    for name, call in candidates.items():
        call()
        start = time.perf_counter()
        call()
        loops[name] = max(1, int(0.02 / max(time.perf_counter() - start, 1e-7)))
    samples: dict[str, list[float]] = {name: [] for name in candidates}
    deadline = time.perf_counter() + seconds
    while len(samples["hand"]) < 7 or time.perf_counter() < deadline:
        for name, call in candidates.items():
            start = time.perf_counter()
            for _ in range(loops[name]):
                call()
            samples[name].append((time.perf_counter() - start) / loops[name])
    return {name: float(np.median(times)) for name, times in samples.items()}


_LAMBDIFIED: dict[tuple, Callable | None] = {}


def measure(
    key: str, B: int, sizes: dict[str, int], seconds: float, lambdas: bool, timer=best_times
) -> list:
    path, hands, _ = FILES[key]
    emitted = emit_files([os.path.join(ROOT, path)], Options())
    module = _compiled(emitted.text, key)
    hand = hands()
    rng = np.random.default_rng(0)
    rows = []
    for outcome in emitted.outcomes:
        name = outcome.function
        values = arguments(outcome, B, sizes, rng)
        emitted_call = getattr(module, name)
        want = hand[name](*values)
        np.testing.assert_allclose(emitted_call(*values), want, rtol=1e-9, atol=1e-9 * B)
        candidates = {
            "hand": lambda f=hand[name], v=values: f(*v),
            "emitted": lambda f=emitted_call, v=values: f(*v),
        }
        if key == "softmax":
            layer = built_in(name, sizes["K"], sizes["J"])
            if layer is not None:
                np.testing.assert_allclose(layer(*values), want, rtol=1e-9, atol=1e-9 * B)
                candidates["built-in --K --J"] = lambda f=layer, v=values: f(*v)
        if lambdas and B <= 65536:
            started = time.perf_counter()
            memo = (key, name, tuple(sizes.items()))
            if memo not in _LAMBDIFIED:  # built once for every batch size
                _LAMBDIFIED[memo] = lambdified(outcome, sizes)
            made = _LAMBDIFIED[memo]
            if made is not None and time.perf_counter() - started < 120:
                np.testing.assert_allclose(made(*values), want, rtol=1e-7, atol=1e-7 * B)
                candidates["lambdify cse=True"] = lambda f=made, v=values: f(*v)
        times = timer(candidates, seconds)
        rows.append((name, times))
    return rows


CALLER = """
import importlib.util, json, sys
import numpy as np
sys.path.insert(0, sys.argv[1])
import hand_written
spec = importlib.util.spec_from_file_location("emitted", sys.argv[2])
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
key, name, which, n = sys.argv[3], sys.argv[4], sys.argv[5], int(sys.argv[6])
rng = np.random.default_rng(0)
values = []
for shape, one_hot in json.loads(sys.argv[7]):
    if shape is None:
        values.append(float(rng.standard_normal()))
    elif one_hot:
        value = np.zeros(shape)
        value[np.arange(shape[0]), rng.integers(0, shape[1], shape[0])] = 1.0
        values.append(value)
    else:
        values.append(rng.standard_normal(shape))
hands = getattr(hand_written, key + "_hand")()
f = getattr(module, name) if which == "emitted" else hands[name]
for _ in range(n):
    f(*values)
"""
CALLS = {1: 2000, 256: 300, 4096: 20, 65536: 3}


def _shapes(outcome, B: int, sizes: dict[str, int]) -> list:
    found = []
    for argument in outcome.printed.arguments:
        shape = [B] if argument.batched else []
        for domain in argument.domains:
            size = domain.size
            shape.append(int(size) if size.is_Integer else sizes[outcome.result.show(size)])
        one_hot = argument.batched and bool(argument.symbol.is_nonnegative) and len(shape) == 2
        found.append((shape or None, one_hot))
    return found


def _count(program: list[str]) -> int:
    import re
    import subprocess

    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
    env["PYTHONHASHSEED"] = "0"
    done = subprocess.run(
        ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", *program],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    return int(re.search(r"Collected : (\d+)", done.stderr).group(1))


def instructions(key: str, batches, sizes: dict[str, int]) -> str:
    """Instructions per call, emitted over hand-written, per function and batch size."""
    import json
    import tempfile

    path, _, _ = FILES[key]
    emitted = emit_files([os.path.join(ROOT, path)], Options())
    bench = os.path.dirname(os.path.abspath(__file__))
    lines = [f"| {path} ({sizes}) | " + " | ".join(f"B={B}" for B in batches) + " |"]
    lines.append("|---" * (len(batches) + 1) + "|")
    with tempfile.TemporaryDirectory() as folder:
        module = os.path.join(folder, "emitted.py")
        caller = os.path.join(folder, "caller.py")
        with open(module, "w") as file:
            file.write(emitted.text)
        with open(caller, "w") as file:
            file.write(CALLER)
        for outcome in emitted.outcomes:
            cells = []
            for B in batches:
                shapes = json.dumps(_shapes(outcome, B, sizes))
                n = CALLS[B]
                counts = {}
                for which in ("hand", "emitted"):
                    base = [sys.executable, caller, bench, module, key, outcome.function, which]
                    calls = _count([*base, str(n), shapes]) - _count([*base, "0", shapes])
                    counts[which] = calls / n
                ratio = counts["emitted"] / counts["hand"]
                cells.append(f"{counts['emitted']:,.0f} / {counts['hand']:,.0f} = {ratio:.3f}x")
            lines.append(f"| `{outcome.function}` | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _format(seconds: float) -> str:
    return f"{seconds * 1e6:.1f} us" if seconds < 1e-3 else f"{seconds * 1e3:.2f} ms"


def table(key: str, results: dict[int, list], sizes: dict[str, int]) -> str:
    batches = list(results)
    shown = ", ".join(f"{k} = {v}" for k, v in sizes.items())
    lines = [f"{FILES[key][0]} ({shown})", ""]
    lines.append("| function | " + " | ".join(f"B={B}" for B in batches) + " |")
    lines.append("|---" * (len(batches) + 1) + "|")
    names = [name for name, _ in results[batches[0]]]
    for n, name in enumerate(names):
        kinds = list(results[batches[0]][n][1])
        for kind in kinds:
            cells = []
            for B in batches:
                times = results[B][n][1]
                if kind in times:
                    cells.append(f"{_format(times[kind])} ({times[kind] / times['hand']:.2f}x)")
                else:
                    cells.append("n/a")
            lines.append(f"| `{name}` {kind} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="about 0.5 s per function and size")
    parser.add_argument("--only", choices=sorted(FILES), help="one file")
    parser.add_argument("--no-lambdify", action="store_true", help="skip the lambdify rows")
    parser.add_argument(
        "--median", action="store_true", help="the median of interleaved rounds, not the best"
    )
    parser.add_argument(
        "--instructions", action="store_true", help="count instructions (callgrind) instead"
    )
    parser.add_argument(
        "--batches", help="with --instructions: the batch sizes, comma-separated (1,256,65536)"
    )
    args = parser.parse_args()
    if args.instructions:
        batches = tuple(map(int, args.batches.split(","))) if args.batches else BATCHES
        for key in [args.only] if args.only else FILES:
            print(instructions(key, batches, FILES[key][2]), "\n", flush=True)
        return
    seconds = 0.5 if args.quick else 3.0
    timer, how = (median_times, "median") if args.median else (best_times, "best")
    print(f"NumPy {np.__version__}, {os.cpu_count()} cores; float64; {how} of interleaved rounds")
    for key in [args.only] if args.only else FILES:
        sizes = FILES[key][2]
        lambdas = not args.no_lambdify
        results = {B: measure(key, B, sizes, seconds, lambdas, timer) for B in BATCHES}
        print(table(key, results, sizes), "\n")
        if key == "softmax":
            large = {"K": 1000, "J": 512}
            results = {B: measure(key, B, large, seconds, False, timer) for B in (1, 256, 4096)}
            print(table(key, results, large), "\n")


if __name__ == "__main__":
    main()
