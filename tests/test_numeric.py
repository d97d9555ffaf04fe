"""numeric: hand-written backprop against central differences, hand-computed golden values, the
checker rejecting wrong gradients, batches, float32, and independence from sympy and derive."""

from __future__ import annotations

import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import derive_numeric as numeric

GRADIENTS = ("W1", "b1", "W2", "b2", "W3", "b3", "z3")

# Tolerances for backprop vs central differences in float64. With the default step
# h = cbrt(macheps) max(1, |p|) ~ 6e-6, rounding contributes about macheps |E| / h ~ 4e-11 |E|
# and truncation h^2 |f'''| / 6 ~ 6e-12 |f'''|; for these sizes (<= 5), batches (<= 4) and
# N(0, 1) inputs |E| and |f'''| stay below ~1e2, so the error is below ~1e-8. Measured over 3000
# random cases the worst was 5.5e-8 (inputs up to 9). rtol 1e-5 / atol 1e-6 leave a margin of
# 20x, while a wrong factor of 2.001 or a flipped sign is off by 100% of the gradient.
RTOL, ATOL = 1e-5, 1e-6


def network(N, I, J, K, batch, seed, targets):  # noqa: E741 - the post's layer sizes
    """Random parameters, inputs x ((N,) or (batch, N)) and targets of one kind."""
    params = numeric.init_params(N, I, J, K, seed=seed)
    rng = np.random.default_rng(seed + 1)
    lead = () if batch is None else (batch,)
    x = rng.standard_normal((*lead, N))
    if targets == "one-hot":
        t = np.eye(K)[rng.integers(0, K, size=lead)]
    elif targets == "soft":
        t = rng.dirichlet(np.ones(K), size=lead or None)
    else:  # nonnegative rows that do not sum to 1: only a * sum(t) - t is right here
        t = rng.uniform(0.0, 2.0, size=(*lead, K))
    return params, x, t


sizes = st.integers(1, 5)
batches = st.none() | st.integers(1, 4)
seeds = st.integers(0, 2**32 - 2)
target_kinds = st.sampled_from(["one-hot", "soft", "unnormalised"])


@settings(max_examples=50, deadline=None)
@given(sizes, sizes, sizes, sizes, batches, seeds, target_kinds)
def test_backprop_matches_central_differences(N, I, J, K, batch, seed, targets):  # noqa: E741
    params, x, t = network(N, I, J, K, batch, seed, targets)
    # A difference quotient whose step moves a hidden pre-activation across 0 straddles the
    # ReLU kink and measures neither slope; near_kink is a sound bound on how far one step can
    # move any z1 or z2, so the remaining cases are smooth over every step (rarely rejects).
    assume(not numeric.near_kink(params, x))
    grads = numeric.backprop(params, x, t)
    for name in GRADIENTS:
        want = numeric.numeric_grad(params, x, t, name)
        np.testing.assert_allclose(grads[name], want, rtol=RTOL, atol=ATOL, err_msg=name)
    assert numeric.check_grads(params, x, t, rtol=RTOL, atol=ATOL) == []


def golden_params(b2: float) -> dict[str, np.ndarray]:
    """A 1-1-1-2 network: z1 = 2 x + 1, z2 = a1 + b2, z3 = (a2, -a2)."""
    return {
        "W1": np.array([[2.0]]),
        "b1": np.array([1.0]),
        "W2": np.array([[1.0]]),
        "b2": np.array([b2]),
        "W3": np.array([[1.0], [-1.0]]),
        "b3": np.array([0.0, 0.0]),
    }


def test_golden_values_by_hand():
    # x = 1: z1 = 2 + 1 = 3, a1 = 3; z2 = 3 - 1 = 2, a2 = 2; z3 = (2, -2).
    # a3 = (e^2, e^-2) / (e^2 + e^-2) = (1 - s, s) with s = 1 / (1 + e^4) = 0.01798620996209156.
    # t = (1, 0): E = -log(1 - s) = log(1 + e^-4) = 0.018149927917809738.
    # dE/dz3 = a3 - t = (-s, s); dW3 = dz3 a2 = (-2s, 2s); db3 = (-s, s).
    # dE/da2 = 1 (-s) + (-1) s = -2s; z2 > 0, so dz2 = -2s; dW2 = dz2 a1 = -6s; db2 = -2s.
    # dE/da1 = W2 dz2 = -2s; z1 > 0, so dz1 = -2s; dW1 = dz1 x = -2s; db1 = -2s.
    s = 0.01798620996209156
    params, x, t = golden_params(-1.0), np.array([1.0]), np.array([1.0, 0.0])
    assert math.isclose(numeric.loss(params, x, t), 0.018149927917809738, rel_tol=1e-14)
    expected = {
        "W1": [[-2 * s]],
        "b1": [-2 * s],
        "W2": [[-6 * s]],
        "b2": [-2 * s],
        "W3": [[-2 * s], [2 * s]],
        "b3": [-s, s],
        "z3": [-s, s],
    }
    grads = numeric.backprop(params, x, t)
    for name, value in expected.items():
        np.testing.assert_allclose(grads[name], value, rtol=1e-13, atol=0, err_msg=name)


def test_golden_values_with_targets_summing_to_two():
    # Same network, t = (1, 1): E = -log(1 - s) - log(s) = log(1 + e^-4) + log(1 + e^4)
    # = 4 + 2 log(1 + e^-4) = 4.036299855835619. dE/dz3 = a3 * sum(t) - t = (1 - 2s, 2s - 1),
    # not a3 - t = (-s, s - 1). dE/da2 = (1 - 2s) - (2s - 1) = 2 - 4s = dz2 = dE/da1 = dW1.
    s = 0.01798620996209156
    params, x, t = golden_params(-1.0), np.array([1.0]), np.array([1.0, 1.0])
    assert math.isclose(numeric.loss(params, x, t), 4.036299855835619, rel_tol=1e-14)
    grads = numeric.backprop(params, x, t)
    np.testing.assert_allclose(grads["z3"], [1 - 2 * s, 2 * s - 1], rtol=1e-13, atol=0)
    np.testing.assert_allclose(grads["W1"], [[2 - 4 * s]], rtol=1e-13, atol=0)


def test_golden_values_with_a_dead_relu():
    # b2 = -5: z2 = 3 - 5 = -2, a2 = 0, z3 = b3 = (0, 0), a3 = (1/2, 1/2), E = log 2.
    # dz3 = (-1/2, 1/2); dW3 = dz3 a2 = 0; db3 = dz3; z2 < 0 stops everything below it.
    params, x, t = golden_params(-5.0), np.array([1.0]), np.array([1.0, 0.0])
    assert math.isclose(numeric.loss(params, x, t), 0.6931471805599453, rel_tol=1e-14)
    grads = numeric.backprop(params, x, t)
    np.testing.assert_allclose(grads["b3"], [-0.5, 0.5], rtol=1e-14, atol=0)
    for name in ("W1", "b1", "W2", "b2", "W3"):
        np.testing.assert_allclose(grads[name], np.zeros_like(params[name]), rtol=0, atol=1e-15)


def wrong_backprop(params, x, t, name, how):
    """backprop with one deliberate mistake in the gradient ``name``."""
    grads = dict(numeric.backprop(params, x, t))
    if how == "scaled":
        grads[name] = grads[name] * 2.001
    elif how == "sign":
        grads[name] = -grads[name]
    else:  # "a - t": the post's last line, wrong when the targets do not sum to 1
        grads[name] = numeric.forward(params, x)["a3"] - t
    return grads


@pytest.mark.parametrize("name", GRADIENTS)
@pytest.mark.parametrize("how", ["scaled", "sign"])
def test_check_grads_rejects_a_wrong_backprop(name, how):
    params, x, t = network(3, 4, 3, 3, 2, seed=5, targets="soft")
    assert not numeric.near_kink(params, x)
    assert numeric.check_grads(params, x, t) == []  # the right gradients pass
    problems = numeric.check_grads(params, x, t, grads=wrong_backprop(params, x, t, name, how))
    assert len(problems) == 1
    assert problems[0].startswith(f"{name}: ")
    assert "differ" in problems[0]


def test_check_grads_rejects_a_minus_t_for_unnormalised_targets():
    params, x, t = network(2, 3, 3, 4, 3, seed=7, targets="unnormalised")
    grads = wrong_backprop(params, x, t, "z3", "a - t")
    assert [p.split(":")[0] for p in numeric.check_grads(params, x, t, grads=grads)] == ["z3"]


def test_compare_grads_reports_missing_and_misshapen_gradients():
    want = {"W1": np.ones((2, 3)), "b1": np.ones(2), "z3": np.ones(3)}
    got = {"W1": np.ones((3, 2)), "z3": np.ones(3) + 1e-3}
    problems = numeric.compare_grads(got, want, rtol=1e-6, atol=1e-8)
    assert problems[0] == "W1: analytic shape (3, 2), numeric shape (2, 3)"
    assert problems[1] == "b1: missing from the analytic gradients"
    assert problems[2].startswith("z3: 3 of 3 entries differ; worst at (")
    assert numeric.compare_grads(got, want, rtol=0, atol=2e-3)[2:] == []


def test_near_kink_flags_a_hidden_unit_at_zero():
    params = golden_params(-1.0)
    assert not numeric.near_kink(params, np.array([1.0]))
    assert numeric.near_kink(params, np.array([-0.5]))  # z1 = 2 (-0.5) + 1 = 0
    assert numeric.near_kink(params, np.array([[1.0], [-0.5 + 1e-7]]))  # one example suffices
    assert numeric.near_kink({**params, "b2": np.array([-3.0])}, np.array([1.0]))  # z2 = 0


@settings(max_examples=30, deadline=None)
@given(sizes, sizes, sizes, sizes, st.integers(1, 4), seeds, target_kinds)
def test_batch_is_the_sum_of_its_examples(N, I, J, K, batch, seed, targets):  # noqa: E741
    params, x, t = network(N, I, J, K, batch, seed, targets)
    singles = [numeric.backprop(params, x[b], t[b]) for b in range(batch)]
    together = numeric.backprop(params, x, t)
    total = sum(numeric.loss(params, x[b], t[b]) for b in range(batch))
    np.testing.assert_allclose(numeric.loss(params, x, t), total, rtol=1e-12, atol=1e-12)
    for name in GRADIENTS[:-1]:
        summed = sum(single[name] for single in singles)
        np.testing.assert_allclose(together[name], summed, rtol=1e-12, atol=1e-12, err_msg=name)
    per_example = np.stack([single["z3"] for single in singles])
    np.testing.assert_allclose(together["z3"], per_example, rtol=1e-12, atol=1e-12)


def test_shapes_of_one_example_and_of_a_batch():
    params, x, t = network(4, 3, 2, 5, 6, seed=0, targets="one-hot")
    one = numeric.forward(params, x[0])
    many = numeric.forward(params, x)
    for name, size in (("z1", 3), ("a1", 3), ("z2", 2), ("a2", 2), ("z3", 5), ("a3", 5)):
        assert one[name].shape == (size,)
        assert many[name].shape == (6, size)
    grads = numeric.backprop(params, x[0], t[0])
    assert {name: grads[name].shape for name in GRADIENTS} == {
        **{name: params[name].shape for name in GRADIENTS[:-1]},
        "z3": (5,),
    }
    assert numeric.backprop(params, x, t)["z3"].shape == (6, 5)
    assert numeric.backprop(params, x[:1], t[:1])["z3"].shape == (1, 5)


def test_float32_stays_float32_and_agrees_with_float64():
    params64, x, t = network(3, 4, 4, 3, 5, seed=11, targets="soft")
    params = numeric.init_params(3, 4, 4, 3, seed=11, dtype=np.float32)
    x32, t32 = x.astype(np.float32), t.astype(np.float32)
    assert numeric.loss(params, x32, t32).dtype == np.float32
    assert all(v.dtype == np.float32 for v in numeric.forward(params, x32).values())
    grads = numeric.backprop(params, x32, t32)
    exact = numeric.backprop(params64, x, t)
    for name in GRADIENTS:
        assert grads[name].dtype == np.float32
        # float32 carries ~6e-8 relative error per operation over a few dozen operations
        np.testing.assert_allclose(grads[name], exact[name], rtol=1e-4, atol=1e-5, err_msg=name)
    # finite differences are taken in float64 even for float32 parameters
    assert numeric.numeric_grad(params, x32, t32, "W2").dtype == np.float64


def test_finite_difference_of_a_known_function_leaves_the_input_alone():
    x = np.array([[0.5, -2.0], [3.0, 1.5]])
    before = x.copy()
    grad = numeric.finite_difference(lambda v: (v**3).sum(), x)
    # The third derivative is 6, so truncation is h^2 <= (6e-6 * 3)^2 = 3e-10; rounding is
    # about macheps * sum |v^3| / h = 2.2e-16 * 38 / 6e-6 = 1.4e-9.
    np.testing.assert_allclose(grad, 3 * x**2, rtol=0, atol=1e-8)
    np.testing.assert_array_equal(x, before)
    # The step grows with |x| (h = 6e-3 at 1e3), so the relative error stays ~ macheps^(2/3).
    big = numeric.finite_difference(lambda v: (v**3).sum(), np.array([1e3]))
    np.testing.assert_allclose(big, [3e6], rtol=1e-9, atol=0)
    scalar = numeric.finite_difference(lambda v: math.sin(float(v)), 0.3, eps=1e-5)
    np.testing.assert_allclose(scalar, math.cos(0.3), rtol=1e-9, atol=0)


def test_numeric_grad_z_matches_numeric_grad_of_z3():
    params, x, t = network(2, 3, 2, 4, 2, seed=3, targets="soft")
    z3 = numeric.forward(params, x)["z3"]
    np.testing.assert_allclose(
        numeric.numeric_grad_z(z3, t), numeric.numeric_grad(params, x, t, "z3"), rtol=1e-12, atol=0
    )


def test_numeric_imports_neither_sympy_nor_derive():
    code = (
        "import sys, derive_numeric\n"
        "assert 'sympy' not in sys.modules, 'sympy was imported'\n"
        "assert 'derive' not in sys.modules, 'derive was imported'\n"
    )
    root = Path(__file__).resolve().parents[1]
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=root, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
