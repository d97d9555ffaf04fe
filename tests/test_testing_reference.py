"""The reference derive.testing compares with: the proved results at 40 digits, witnessed by the
independent NumPy network (numeric) at every input kind of the suite, and the suite itself."""

from __future__ import annotations

import numpy as np
import pytest

import derive_numeric as numeric
from derive.model.symbols import K, k, t, z
from derive.testing.conventions import options
from derive.testing.inputs import batch_sizes, suite
from derive.testing.precise import Evaluator, to_float, to_mp
from derive.testing.proved import proved, single_path
from derive.testing.reference import exact

OUTPUT = {"X": "a_prev", "W": "W", "b": "b", "y": "t"}
NETWORK = {name: name for name in ("x", "W1", "b1", "W2", "b2", "W3", "b3", "t")}


def _numeric_output(arrays: dict) -> dict:
    z = arrays["a_prev"] @ arrays["W"].T + arrays["b"]
    delta = numeric.cross_entropy_grad(z, arrays["t"])
    return {
        "E": numeric.cross_entropy(z, arrays["t"]),
        "dE_dz": delta,
        "dE_dW": delta.T @ arrays["a_prev"],
        "dE_db": delta.sum(axis=0),
    }


@pytest.mark.parametrize("quantity", ["E", "dE_dz", "dE_dW", "dE_db"])
@pytest.mark.parametrize("targets", ["one-hot", "soft"])
def test_output_reference_is_numerics_backprop_at_every_input_kind(quantity, targets) -> None:
    chosen = options(quantity, {"K": 4, "J": 3}, OUTPUT, targets=targets)
    results = proved("output", (("K", 4), ("J", 3)), True)
    for case in suite(chosen):
        reference = exact(results, chosen, case).quantities[quantity]
        value, magnitude = to_float(reference.value), to_float(reference.magnitude)
        witness = _numeric_output({k: v.astype(np.float64) for k, v in case.arrays.items()})
        error = np.max(np.abs(value - witness[quantity]))
        # numeric computes in float64: its own rounding, eps times the logits' scale
        assert error <= 1e-14 * (1 + reference.logit_scale) * np.max(magnitude), case.kind


@pytest.mark.slow
def test_network_reference_is_numerics_backprop_at_every_input_kind() -> None:
    sizes = {"N": 3, "I": 4, "J": 5, "K": 2}
    results = proved("network", tuple(sizes.items()), True)
    quantities = ["E", "dE_dW1", "dE_db1", "dE_dW2", "dE_db2", "dE_dW3", "dE_dz3"]
    chosen = options(quantities, sizes, NETWORK)  # every quantity from one pass
    for case in suite(chosen):
        found = exact(results, chosen, case).quantities
        arrays = {k: v.astype(np.float64) for k, v in case.arrays.items()}
        params = {k: arrays[k] for k in ("W1", "b1", "W2", "b2", "W3", "b3")}
        grads = numeric.backprop(params, arrays["x"], arrays["t"])
        grads["E"] = numeric.loss(params, arrays["x"], arrays["t"])
        for quantity in quantities:
            reference = found[quantity]
            witness = grads[quantity if quantity == "E" else quantity[4:]]
            value = to_float(reference.value)
            scale = np.max(to_float(reference.magnitude))
            error = np.max(np.abs(value - witness))
            assert error <= 1e-14 * (1 + reference.logit_scale) * scale, (quantity, case.kind)


def test_the_suite_is_the_same_for_the_same_seed_and_differs_for_another() -> None:
    first = suite(options("dE_dW", {"K": 3, "J": 5}, OUTPUT))
    again = suite(options("dE_dW", {"K": 3, "J": 5}, OUTPUT))
    other = suite(options("dE_dW", {"K": 3, "J": 5}, OUTPUT, seed=1))
    for a, b, c in zip(first, again, other, strict=True):
        assert a.kind == b.kind == c.kind
        np.testing.assert_array_equal(a.arrays["W"], b.arrays["W"])
    assert not np.array_equal(first[0].arrays["W"], other[0].arrays["W"])


def test_the_suite_covers_every_input_kind_the_issue_names() -> None:
    chosen = options("dE_dz", {"K": 3, "J": 5}, OUTPUT, targets="soft")
    cases = suite(chosen)
    kinds = " ".join(case.kind for case in cases)
    for word in ("random", "+1e4", "-1e4", "tied", "tie at the largest", "degenerate", "1e3"):
        assert word in kinds
    assert {case.B for case in cases} >= {1, 16} and any(1 < case.B < 16 for case in cases)
    big = [c for c in cases if c.large_logits]
    logits = {
        c.kind: exact(proved("output", (("K", 3), ("J", 5)), True), chosen, c).forward["z"]
        for c in big
    }
    assert big and all(np.abs(z).max() >= 9e2 for z in logits.values())
    # rows 1e3 apart: a max shift over the whole batch leaves a row of exponentials all 0
    apart = logits["rows 1e3 apart"]
    assert np.all(np.exp(apart - apart.max()).sum(axis=1)[::2] == 0)
    for case in cases:  # dyadic soft targets: every row sums to exactly 1
        assert np.all(case.arrays["t"].sum(axis=1) == 1.0)


def test_the_network_suite_has_relu_pre_activations_exactly_0_one_layer_at_a_time() -> None:
    sizes = {"N": 3, "I": 4, "J": 5, "K": 2}
    for dtype in ("float64", "float32"):
        cases = [
            c for c in suite(options("dE_dW1", sizes, NETWORK, dtype=dtype)) if "ReLU" in c.kind
        ]
        assert [c.kind[-7:] for c in cases] == ["layer 1", "layer 2"]
        for layer, case in enumerate(cases, start=1):
            a = case.arrays
            z1 = a["x"] @ a["W1"].T + a["b1"]
            z2 = np.maximum(z1, 0) @ a["W2"].T + a["b2"]
            kinked, alive = (z1, z2) if layer == 1 else (z2, z1)
            assert np.all(kinked[:, 0] == 0) and kinked[0, 1] == 0 and np.all(kinked[:, 2:] > 0)
            assert np.all(alive > 0)


def test_batch_sizes_avoid_the_layer_sizes() -> None:
    small, large = batch_sizes({"K": 3, "J": 16})
    assert small not in (3, 16) and large not in (3, 16) and 1 < small < large


def test_unnormalized_soft_targets_sum_to_other_than_1() -> None:
    chosen = options("dE_dz", {"K": 3, "J": 2}, OUTPUT, targets="soft", normalized_targets=False)
    sums = {float(s) for case in suite(chosen) for s in case.arrays["t"].sum(axis=1)}
    assert {0.0, 0.5, 2.0} <= sums


def test_the_single_path_line_is_t_times_a_minus_1() -> None:
    # the post's slip, from the post's own line: dE/da_k da_k/dz_k = -t_k/a_k a_k (1 - a_k)
    logits, targets = np.array([0.3, -1.2, 2.0]), np.array([0.25, 0.5, 0.25])
    ev = Evaluator({z: (to_mp(logits), None), t: (to_mp(targets), None)}, sizes={K: 3})
    slip = to_float(ev.evaluate(single_path(), {k: (1, 3)}).value)
    a = np.exp(logits) / np.exp(logits).sum()
    np.testing.assert_allclose(slip, targets * (a - 1), rtol=1e-14)


def _network_inputs_witness(arrays: dict) -> dict:
    """The two-hidden-layer network's errors and input gradients by hand (relu'(0) = 0)."""
    x, t = arrays["x"], arrays["t"]
    z1 = x @ arrays["W1"].T + arrays["b1"]
    a1 = np.maximum(z1, 0)
    z2 = a1 @ arrays["W2"].T + arrays["b2"]
    a2 = np.maximum(z2, 0)
    z3 = a2 @ arrays["W3"].T + arrays["b3"]
    dz3 = numeric.cross_entropy_grad(z3, t)
    dX3 = dz3 @ arrays["W3"]
    dz2 = dX3 * (z2 > 0)
    dX2 = dz2 @ arrays["W2"]
    dz1 = dX2 * (z1 > 0)
    return {
        "dE_dz2": dz2,
        "dE_dz1": dz1,
        "dE_dX3": dX3,
        "dE_dX2": dX2,
        "dE_dX1": dz1 @ arrays["W1"],
    }


@pytest.mark.slow
def test_network_errors_and_input_gradients_are_a_plain_backward_pass() -> None:
    sizes = {"N": 3, "I": 4, "J": 5, "K": 2}
    quantities = ["dE_dz2", "dE_dz1", "dE_dX3", "dE_dX2", "dE_dX1"]
    results = proved("network", tuple(sizes.items()), True, frozenset({"inputs"}))
    chosen = options(quantities, sizes, NETWORK)
    for case in suite(chosen):
        found = exact(results, chosen, case).quantities
        witness = _network_inputs_witness({k: v.astype(np.float64) for k, v in case.arrays.items()})
        for quantity in quantities:
            reference = found[quantity]
            scale = np.max(to_float(reference.magnitude))
            error = np.max(np.abs(to_float(reference.value) - witness[quantity]))
            assert error <= 1e-14 * (1 + reference.logit_scale) * scale, (quantity, case.kind)
