"""Benchmark the emitted output layer against hand-written NumPy, numeric and torch.

Run from the repository root (not a test: timings depend on the machine):

    python benchmarks/bench_emit.py            # every size, float64
    python benchmarks/bench_emit.py --quick    # fewer repeats
    python benchmarks/bench_emit.py --stages   # also where the emitted code spends its time

It also prints what the targets check costs (``check_targets=True`` over ``False``).

For each (B, K, J) it times, in interleaved rounds and keeping each one's best round:
loss + all gradients (the emitted ``loss_and_grads``, a plain hand-written NumPy version, the
``numeric`` package's backprop when it is installed, torch eager autograd when torch is, and
the two matrix products alone, the floor), and dE/dW (emitted and hand-written). Ratios are to
the hand-written NumPy time.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from derive.emit import output_layer_module

SIZES = ((1, 10, 64), (256, 10, 128), (65536, 10, 128), (4096, 1000, 512))


def hand_loss_and_grads(a_prev, W, b, t):
    """Loss and gradients as one would write them by hand: stable, plain NumPy."""
    z = a_prev @ W.T + b
    m = z.max(axis=1, keepdims=True)
    e = np.exp(z - m)
    s = e.sum(axis=1, keepdims=True)
    log_a = z - m - np.log(s)
    E = -(t * log_a).sum()
    delta = e / s - t
    return E, delta.T @ a_prev, delta.sum(axis=0), delta


def hand_dE_dW(z, t, a_prev):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    delta = e / e.sum(axis=1, keepdims=True) - t
    return delta.T @ a_prev


def matmuls_only(a_prev, W, b, t):
    """The floor: the forward and the W-gradient matrix products, nothing else."""
    z = a_prev @ W.T
    return z.T @ a_prev


def _torch_step(torch):
    def step(a_prev, W, b, t):
        W.grad = b.grad = None
        z = a_prev @ W.T + b
        z.retain_grad()
        E = -(t * torch.log_softmax(z, dim=1)).sum()
        E.backward()
        return E, W.grad, b.grad, z.grad

    return step


def _numeric_step(numeric, B, K, J, rng):
    """numeric's backprop of the whole network (tiny hidden layers N = I = 1): the output
    layer's share dominates, but it is not the output layer alone."""
    params = numeric.init_params(1, 1, J, K, seed=0)
    x = rng.standard_normal((B, 1))
    t = np.eye(K)[rng.integers(0, K, B)]
    return lambda: numeric.backprop(params, x, t)


def best_times(candidates: dict[str, Callable[[], object]], seconds: float) -> dict[str, float]:
    """Best time per call of each candidate, measured in interleaved rounds."""
    loops = {}
    for name, call in candidates.items():
        call()  # warm up (allocations, BLAS threads)
        start = time.perf_counter()
        call()
        loops[name] = max(1, int(0.02 / max(time.perf_counter() - start, 1e-7)))
    best = dict.fromkeys(candidates, float("inf"))
    deadline = time.perf_counter() + seconds
    rounds = 0
    while rounds < 5 or time.perf_counter() < deadline:
        for name, call in candidates.items():
            start = time.perf_counter()
            for _ in range(loops[name]):
                call()
            best[name] = min(best[name], (time.perf_counter() - start) / loops[name])
        rounds += 1
    return best


def _inputs(B, K, J, rng):
    a_prev = rng.standard_normal((B, J))
    W = rng.standard_normal((K, J)) / np.sqrt(J)
    b = rng.standard_normal(K)
    t = np.zeros((B, K))
    t[np.arange(B), rng.integers(0, K, B)] = 1.0
    return a_prev, W, b, t


def measure(B: int, K: int, J: int, seconds: float) -> dict[str, float]:
    rng = np.random.default_rng(0)
    layer = output_layer_module(K, J)
    a_prev, W, b, t = _inputs(B, K, J, rng)
    z = a_prev @ W.T + b
    expected = hand_loss_and_grads(a_prev, W, b, t)
    for got, want in zip(layer.loss_and_grads(a_prev, W, b, t), expected, strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-9 * B)
    candidates = {
        "emitted loss_and_grads": lambda: layer.loss_and_grads(a_prev, W, b, t),
        "emitted loss_and_grads, check_targets=False": lambda: layer.loss_and_grads(
            a_prev, W, b, t, check_targets=False
        ),
        "hand-written NumPy": lambda: hand_loss_and_grads(a_prev, W, b, t),
        "two matrix products (floor)": lambda: matmuls_only(a_prev, W, b, t),
        "emitted dE_dW": lambda: layer.dE_dW(z, t, a_prev),
        "emitted dE_dW, check_targets=False": lambda: layer.dE_dW(
            z, t, a_prev, check_targets=False
        ),
        "hand-written dE_dW": lambda: hand_dE_dW(z, t, a_prev),
    }
    try:
        import derive_numeric as numeric

        if hasattr(numeric, "backprop"):  # not an empty directory on the path
            candidates["numeric.backprop (N = I = 1)"] = _numeric_step(numeric, B, K, J, rng)
    except ImportError:
        pass
    try:
        import torch

        tensors = [torch.from_numpy(x) for x in (a_prev, W, b, t)]
        tensors[1].requires_grad_(True)
        tensors[2].requires_grad_(True)
        step = _torch_step(torch)
        candidates["torch eager autograd"] = lambda: step(*tensors)
    except ImportError:
        pass
    return best_times(candidates, seconds)


def report(results: dict[tuple[int, int, int], dict[str, float]]) -> str:
    sizes = list(results)
    names = list(results[sizes[0]])
    header = "| | " + " | ".join(f"B={B}, K={K}, J={J}" for B, K, J in sizes) + " |"
    lines = [header, "|---" * (len(sizes) + 1) + "|"]
    for name in names:
        cells = []
        for size in sizes:
            times = results[size]
            base = times["hand-written dE_dW" if "dE_dW" in name else "hand-written NumPy"]
            cells.append(f"{_format(times[name])} ({times[name] / base:.2f}x)")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def check_cost(results: dict[tuple[int, int, int], dict[str, float]]) -> str:
    """What the targets check costs: each function's time with it over its time without."""
    lines = [
        "| check_targets=True over False | "
        + " | ".join(f"B={B}, K={K}, J={J}" for B, K, J in results)
        + " |",
        "|---" * (len(results) + 1) + "|",
    ]
    for name in ("emitted loss_and_grads", "emitted dE_dW"):
        cells = [f"{t[name] / t[name + ', check_targets=False']:.3f}x" for t in results.values()]
        lines.append(f"| {name[len('emitted ') :]} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _format(seconds: float) -> str:
    return f"{seconds * 1e6:.1f} us" if seconds < 1e-3 else f"{seconds * 1e3:.2f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="about 1 s per size")
    parser.add_argument("--stages", action="store_true", help="time each stage of the emitted code")
    args = parser.parse_args()
    seconds = 1.0 if args.quick else 6.0
    print(f"NumPy {np.__version__}, {os.cpu_count()} cores; float64; best of interleaved rounds")
    results = {size: measure(*size, seconds) for size in SIZES}
    print(report(results))
    print()
    print(check_cost(results))
    if args.stages:
        from stages import stage_report

        for size in SIZES:
            print(f"\nB={size[0]}, K={size[1]}, J={size[2]}:")
            print(stage_report(*size, seconds / 2))


if __name__ == "__main__":
    main()
