"""Where the emitted ``loss_and_grads`` spends its time: every statement timed on its own.

The generated source is instrumented, not copied: a timer call is inserted after each statement
of ``loss_and_grads`` and ``_loss_and_delta`` (``ast``), so the breakdown follows whatever code
derive emits. The timer itself costs about 0.1 us a statement, which only matters at B = 1.
"""

from __future__ import annotations

import ast
import time
import types

import numpy as np

from derive.emit import output_layer_source

INSTRUMENTED = ("loss_and_grads", "_loss_and_delta")


class _Clock:
    def __init__(self) -> None:
        self.totals: dict[str, float] = {}
        self.last = time.perf_counter()

    def reset(self) -> None:
        self.last = time.perf_counter()

    def tick(self, label: str) -> None:
        now = time.perf_counter()
        self.totals[label] = self.totals.get(label, 0.0) + now - self.last
        self.last = time.perf_counter()


def _timed(body: list[ast.stmt]) -> list[ast.stmt]:
    out: list[ast.stmt] = []
    for statement in body:
        if isinstance(statement, ast.If):
            statement.body = _timed(statement.body)
            out.append(statement)
            continue
        label = ast.unparse(statement).splitlines()[0]
        tick = ast.parse(f"_clock.tick({label!r})").body[0]
        if isinstance(statement, ast.Return):
            # time the returned expression: evaluate it, tick, return the value
            value = ast.parse("_value = None").body[0]
            value.value = statement.value
            out += [value, tick, ast.parse("return _value").body[0]]
        else:
            out += [statement, tick]
    return out


def instrumented_module(K: int, J: int) -> tuple[types.ModuleType, _Clock]:
    tree = ast.parse(output_layer_source(K, J))
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name in INSTRUMENTED:
            node.body = _timed(node.body)
    ast.fix_missing_locations(tree)
    module = types.ModuleType("instrumented")
    clock = _Clock()
    module._clock = clock
    exec(compile(tree, "<instrumented>", "exec"), module.__dict__)  # derive's own output
    return module, clock


def stage_report(B: int, K: int, J: int, seconds: float) -> str:
    """A table of the statements of one loss_and_grads call, slowest first, with shares."""
    rng = np.random.default_rng(0)
    a_prev, W, b = rng.standard_normal((B, J)), rng.standard_normal((K, J)), rng.standard_normal(K)
    t = np.eye(K)[rng.integers(0, K, B)]
    module, clock = instrumented_module(K, J)
    module.loss_and_grads(a_prev, W, b, t)
    clock.totals.clear()
    calls, deadline = 0, time.perf_counter() + seconds
    while calls < 3 or time.perf_counter() < deadline:
        clock.reset()
        module.loss_and_grads(a_prev, W, b, t)
        calls += 1
    total = sum(clock.totals.values())
    rows = sorted(clock.totals.items(), key=lambda item: -item[1])
    lines = [f"{'per call':>10}  share  statement"]
    for label, seconds_spent in rows:
        per_call = seconds_spent / calls
        text = f"{per_call * 1e6:8.1f} us" if per_call < 1e-3 else f"{per_call * 1e3:8.2f} ms"
        lines.append(f"{text}  {seconds_spent / total:5.1%}  {label}")
    return "\n".join(lines)
