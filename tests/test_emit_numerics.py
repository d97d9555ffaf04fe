"""The emitted output layer, in process: agreement with ``numeric`` and central differences,
extreme logits against a 50-digit reference, float32, and one example versus a batch."""

from __future__ import annotations

import functools

import mpmath
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import derive_numeric as numeric
from derive.emit import output_layer_module

# Sizes above derive's concrete-check limit share the symbolic proofs, so hypothesis can draw
# many of them cheaply; K = 1 and K = 3 are tested on their own. K > 64 sums rows with NumPy's
# reduce instead of a BLAS product, so both printed forms are drawn.
LARGE_K = st.integers(min_value=13, max_value=70)


@functools.cache
def layer(K: int, J: int, normalized_targets: bool = True):
    return output_layer_module(K, J, normalized_targets)


def one_hot(rng: np.random.Generator, B: int, K: int) -> np.ndarray:
    return np.eye(K)[rng.integers(0, K, B)]


def network(K: int, J: int, B: int, seed: int):
    """A random network, an input batch, its a^{L-1} (the output layer's input) and targets."""
    rng = np.random.default_rng(seed)
    params = numeric.init_params(3, 5, J, K, seed=seed)
    x = rng.standard_normal((B, 3))
    t = rng.dirichlet(np.ones(K), size=B)
    return params, x, numeric.forward(params, x)["a2"], t


@given(K=LARGE_K, J=st.integers(1, 24), B=st.integers(1, 9), seed=st.integers(0, 2**16))
def test_loss_and_grads_agree_with_numeric_backprop(K: int, J: int, B: int, seed: int) -> None:
    params, x, a_prev, t = network(K, J, B, seed)
    E, grad_W, grad_b, grad_z = layer(K, J).loss_and_grads(a_prev, params["W3"], params["b3"], t)
    expected = numeric.backprop(params, x, t)
    np.testing.assert_allclose(E, numeric.loss(params, x, t), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(grad_W, expected["W3"], rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(grad_b, expected["b3"], rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(grad_z, expected["z3"], rtol=1e-10, atol=1e-12)


@given(K=LARGE_K, J=st.integers(1, 6), B=st.integers(1, 3), seed=st.integers(0, 2**16))
def test_gradients_agree_with_central_differences(K: int, J: int, B: int, seed: int) -> None:
    params, _, a_prev, t = network(K, J, B, seed)
    module = layer(K, J)
    W, b = params["W3"], params["b3"]
    z = module.forward(a_prev, W, b)
    by_z = numeric.finite_difference(lambda v: module.E(v, t), z)
    by_W = numeric.finite_difference(lambda v: module.E(module.forward(a_prev, v, b), t), W)
    by_b = numeric.finite_difference(lambda v: module.E(module.forward(a_prev, W, v), t), b)
    np.testing.assert_allclose(module.dE_dz(z, t), by_z, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(module.dE_dW(z, t, a_prev), by_W, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(module.dE_db(z, t), by_b, rtol=1e-6, atol=1e-8)


@given(K=LARGE_K, J=st.integers(1, 12), B=st.integers(1, 6), seed=st.integers(0, 2**16))
def test_general_targets_agree_with_numeric_for_any_targets(K, J, B, seed) -> None:
    params, x, a_prev, _ = network(K, J, B, seed)
    t = np.random.default_rng(seed).uniform(0, 2, size=(B, K))  # rows do not sum to 1
    z = numeric.forward(params, x)["z3"]
    module = layer(K, J, False)
    np.testing.assert_allclose(module.E(z, t), numeric.cross_entropy(z, t), rtol=1e-12)
    np.testing.assert_allclose(
        module.dE_dz(z, t), numeric.cross_entropy_grad(z, t), rtol=1e-10, atol=1e-12
    )
    np.testing.assert_allclose(
        module.dE_dW(z, t, a_prev), numeric.backprop(params, x, t)["W3"], rtol=1e-10, atol=1e-12
    )


def test_normalized_form_differs_from_the_gradient_when_targets_do_not_sum_to_one(rng) -> None:
    z, t = rng.standard_normal((4, 3)), rng.uniform(0.5, 2, size=(4, 3))
    exact = numeric.cross_entropy_grad(z, t)
    unchecked = layer(3, 4).dE_dz(z, t, check_targets=False)  # the check would refuse t
    assert not np.allclose(unchecked, exact, rtol=1e-3, atol=1e-3)
    np.testing.assert_allclose(layer(3, 4, False).dE_dz(z, t), exact, rtol=1e-12, atol=1e-14)


def test_golden_values_by_hand() -> None:
    # z = (0, 0, log 2): a = (1/4, 1/4, 1/2); t = (1, 0, 0): E = log 4, dE/dz = (-3/4, 1/4, 1/2)
    module = layer(3, 4)
    z, t = np.array([0.0, 0.0, np.log(2.0)]), np.array([1.0, 0.0, 0.0])
    np.testing.assert_allclose(module.E(z, t), np.log(4.0), rtol=1e-15)
    np.testing.assert_allclose(module.dE_dz(z, t), [-0.75, 0.25, 0.5], rtol=1e-15)
    a_prev = np.array([2.0, 0.0, -1.0, 4.0])
    np.testing.assert_allclose(
        module.dE_dW(z, t, a_prev), np.outer([-0.75, 0.25, 0.5], a_prev), rtol=1e-15
    )
    np.testing.assert_allclose(module.dE_db(z, t), [-0.75, 0.25, 0.5], rtol=1e-15)
    # forward: z = W a + b
    W, b = np.arange(12.0).reshape(3, 4), np.array([0.5, -0.5, 1.0])
    np.testing.assert_allclose(module.forward(a_prev, W, b), [10.5, 29.5, 51.0], rtol=1e-15)


def test_one_class_has_zero_gradient_under_normalized_targets() -> None:
    module = layer(1, 1)
    z, t = np.array([[3.0], [-2.0]]), np.ones((2, 1))
    assert module.E(z, t) == pytest.approx(0.0, abs=1e-15)
    np.testing.assert_array_equal(module.dE_dz(z, t), np.zeros((2, 1)))


def test_a_batch_is_the_sum_of_its_examples(rng) -> None:
    module = layer(3, 4)
    a_prev, W, b = rng.standard_normal((5, 4)), rng.standard_normal((3, 4)), rng.standard_normal(3)
    t = rng.dirichlet(np.ones(3), size=5)
    E, grad_W, grad_b, grad_z = module.loss_and_grads(a_prev, W, b, t)
    singles = [module.loss_and_grads(a_prev[i], W, b, t[i]) for i in range(5)]
    np.testing.assert_allclose(E, sum(s[0] for s in singles), rtol=1e-12)
    np.testing.assert_allclose(grad_W, sum(s[1] for s in singles), rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(grad_b, sum(s[2] for s in singles), rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(grad_z, np.stack([s[3] for s in singles]), rtol=1e-12)
    assert singles[0][3].shape == (3,) and grad_z.shape == (5, 3)
    assert grad_W.shape == (3, 4) and grad_b.shape == (3,)
    np.testing.assert_allclose(module.forward(a_prev[0], W, b), module.forward(a_prev, W, b)[0])


def test_inputs_are_not_modified(rng) -> None:
    module = layer(3, 4)
    a_prev, W, b = rng.standard_normal((2, 4)), rng.standard_normal((3, 4)), rng.standard_normal(3)
    t = one_hot(rng, 2, 3)
    z = module.forward(a_prev, W, b)
    copies = [x.copy() for x in (a_prev, W, b, t, z)]
    module.E(z, t), module.dE_dz(z, t), module.dE_dW(z, t, a_prev), module.dE_db(z, t)
    module.loss_and_grads(a_prev, W, b, t)
    for original, copy in zip((a_prev, W, b, t, z), copies, strict=True):
        np.testing.assert_array_equal(original, copy)


def mp_reference(z: np.ndarray, t: np.ndarray) -> tuple[float, np.ndarray]:
    """E and dE/dz of one example at 50 digits (exact sums, no shift needed)."""
    with mpmath.workdps(50):
        zs, ts = [mpmath.mpf(float(v)) for v in z], [mpmath.mpf(float(v)) for v in t]
        lse = mpmath.log(mpmath.fsum(mpmath.exp(v) for v in zs))
        E = -mpmath.fsum(td * (zd - lse) for td, zd in zip(ts, zs, strict=True))
        total = mpmath.fsum(ts)
        grad = [mpmath.exp(zk - lse) * total - tk for zk, tk in zip(zs, ts, strict=True)]
        return float(E), np.array([float(g) for g in grad])


EXTREME = [
    [1e4, -1e4, 5.0],
    [-1e4, -1e4 + 1.0, -1e4 + 2.0],
    [1e4, 1e4, 1e4],
    [710.0, -745.0, 1000.0],
    [-3e3, 2.5e3, -1e4],
    [1e-300, -1e4, 1e4],
]


@pytest.mark.parametrize("normalized", [True, False])
@pytest.mark.parametrize("logits", EXTREME)
def test_extreme_logits_match_a_50_digit_reference(logits, normalized: bool, rng) -> None:
    z = np.array(logits)
    t = rng.dirichlet(np.ones(3)) if normalized else rng.uniform(0, 3, 3)
    module = layer(3, 4, normalized)
    tolerance = 1e-12 * (1 + np.abs(z).max())
    for targets in (t, np.eye(3)[rng.integers(0, 3)]):
        E, grad = mp_reference(z, targets)
        got_E, got_grad = module.E(z, targets), module.dE_dz(z, targets)
        assert np.isfinite(got_E) and np.isfinite(got_grad).all()
        assert abs(got_E - E) <= tolerance
        np.testing.assert_allclose(got_grad, grad, rtol=0, atol=tolerance)
        np.testing.assert_allclose(module.dE_db(z, targets), grad, rtol=0, atol=tolerance)


@given(
    K=LARGE_K,
    scale=st.sampled_from([1e2, 1e3, 1e4]),
    seed=st.integers(0, 2**16),
)
def test_random_extreme_logits_in_a_batch_are_finite_and_accurate(K, scale, seed) -> None:
    rng = np.random.default_rng(seed)
    z, t = rng.uniform(-scale, scale, size=(3, K)), rng.dirichlet(np.ones(K), size=3)
    module = layer(K, 2)
    got = module.dE_dz(z, t)
    tolerance = 1e-12 * (1 + scale)
    expected = [mp_reference(z[i], t[i]) for i in range(3)]
    np.testing.assert_allclose(got, np.stack([g for _, g in expected]), rtol=0, atol=tolerance)
    assert abs(module.E(z, t) - sum(E for E, _ in expected)) <= 3 * tolerance


def test_float32_in_gives_float32_out_and_float32_accuracy(rng) -> None:
    module = layer(3, 4)
    a_prev, W, b = rng.standard_normal((6, 4)), rng.standard_normal((3, 4)), rng.standard_normal(3)
    t = rng.dirichlet(np.ones(3), size=6)
    single = [x.astype(np.float32) for x in (a_prev, W, b, t)]
    results32 = module.loss_and_grads(*single)
    results64 = module.loss_and_grads(*(x.astype(np.float64) for x in single))
    for got, want in zip(results32, results64, strict=True):
        assert got.dtype == np.float32
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)
    z = module.forward(*single[:3])
    assert z.dtype == np.float32
    for value in (module.E(z, single[3]), module.dE_dz(z, single[3]), module.dE_db(z, single[3])):
        assert value.dtype == np.float32
    assert module.dE_dW(z, single[3], single[0]).dtype == np.float32


@pytest.mark.parametrize("logits", EXTREME[:3])
def test_float32_extreme_logits_stay_finite_and_close(logits) -> None:
    z, t = np.array(logits, dtype=np.float32), np.array([0.25, 0.75, 0.0], dtype=np.float32)
    module = layer(3, 4)
    E, grad = mp_reference(z, t)
    got_E, got_grad = module.E(z, t), module.dE_dz(z, t)
    assert got_E.dtype == got_grad.dtype == np.float32
    tolerance = 1e-6 * (1 + np.abs(z).max())
    assert abs(float(got_E) - E) <= tolerance
    np.testing.assert_allclose(got_grad, grad, rtol=0, atol=1e-6)


def test_integers_and_lists_compute_in_float64_and_mixed_floats_promote() -> None:
    module = layer(3, 4)
    assert module.dE_dz([1, 2, 3], [0, 0, 1]).dtype == np.float64
    z32, t64 = np.zeros(3, np.float32), np.array([1.0, 0.0, 0.0])
    assert module.dE_dz(z32, t64).dtype == np.float64
    np.testing.assert_allclose(module.E([0, 0, 0], [1, 0, 0]), np.log(3.0), rtol=1e-15)
