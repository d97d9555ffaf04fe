"""numeric's softmax, log-softmax, cross-entropy and ReLU: stability at extreme logits, the
targets the loss accepts, and the derivative convention at the kink."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import derive_numeric as numeric

FLOATS = (np.float64, np.float32)


def logit_rows(dtype, bound):
    """Batches (B, K) of logits in [-bound, bound], extremes and ties included."""
    elements = st.floats(-bound, bound, allow_nan=False, width=np.dtype(dtype).itemsize * 8)
    shapes = hnp.array_shapes(min_dims=2, max_dims=2, min_side=1, max_side=6)
    return hnp.arrays(dtype, shapes, elements=elements)


@settings(max_examples=50, deadline=None)
@given(st.sampled_from(FLOATS).flatmap(lambda dtype: logit_rows(dtype, 1e4)))
def test_softmax_rows_sum_to_one_even_for_extreme_logits(z):
    a = numeric.softmax(z)
    assert a.dtype == z.dtype
    assert np.all(a >= 0)
    # each row sums K terms in [0, 1], the largest exactly 1 before normalising
    rtol = 10 * z.shape[-1] * np.finfo(z.dtype).eps
    np.testing.assert_allclose(a.sum(axis=-1), 1.0, rtol=rtol, atol=0)


@settings(max_examples=50, deadline=None)
@given(logit_rows(np.float64, 1e3))
def test_log_softmax_is_log_of_softmax_where_that_is_finite(z):
    log_a = numeric.log_softmax(z)
    a = numeric.softmax(z)
    assert np.all(np.isfinite(log_a))
    assert np.all(log_a <= 0)
    visible = a > 1e-300  # log(softmax) is -inf (and loses all digits) below this
    # exp(u) for |u| <= 2e3 carries a relative error of about |u| macheps, hence log: 1e-12
    np.testing.assert_allclose(log_a[visible], np.log(a[visible]), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize(("k", "expected"), [(0, 0.0), (1, 1e4), (2, 2e4)])
def test_loss_is_exact_for_logits_of_magnitude_1e4(dtype, k, expected):
    # E = -(z_k - m - log(1 + e^-1e4 + e^-2e4)) = m - z_k, with m = 1e4; log(softmax) would
    # give -inf for the classes whose probability underflows.
    z = np.array([1e4, 0.0, -1e4], dtype=dtype)
    t = np.eye(3, dtype=dtype)[k]
    E = numeric.cross_entropy(z, t)
    assert E.dtype == dtype
    np.testing.assert_allclose(E, expected, rtol=1e-12, atol=1e-12)
    grad = numeric.cross_entropy_grad(z, t)  # a - t with a = (1, 0, 0) to rounding
    np.testing.assert_allclose(grad, np.array([1.0, 0.0, 0.0]) - t, rtol=0, atol=1e-30)


@pytest.mark.parametrize("dtype", FLOATS)
def test_network_loss_is_finite_for_huge_logits(dtype):
    # 1-1-1-3 network whose logits are (1e4, 0, -1e4) a2 with a2 = 1 for x = 1
    params = {
        "W1": np.array([[1.0]]),
        "b1": np.array([0.0]),
        "W2": np.array([[1.0]]),
        "b2": np.array([0.0]),
        "W3": np.array([[1e4], [0.0], [-1e4]]),
        "b3": np.zeros(3),
    }
    params = {name: value.astype(dtype) for name, value in params.items()}
    x, t = np.ones((2, 1), dtype), np.array([[0, 0, 1], [1, 0, 0]], dtype)
    np.testing.assert_allclose(numeric.loss(params, x, t), 2e4, rtol=1e-12, atol=0)
    grads = numeric.backprop(params, x, t)
    assert all(np.all(np.isfinite(g)) for g in grads.values())
    # a3 = (1, 0, 0) for both examples: dE/dz3 = ((1, 0, -1), (0, 0, 0))
    np.testing.assert_allclose(grads["z3"], [[1, 0, -1], [0, 0, 0]], rtol=0, atol=1e-30)


def test_one_hot_and_soft_targets_by_hand():
    z = np.array([np.log(1.0), np.log(3.0)])  # softmax(z) = (1/4, 3/4)
    np.testing.assert_allclose(numeric.cross_entropy(z, [0.0, 1.0]), -math.log(0.75), rtol=1e-15)
    soft = [0.5, 0.5]  # E = -(log 1/4 + log 3/4) / 2
    expected = -(math.log(0.25) + math.log(0.75)) / 2
    np.testing.assert_allclose(numeric.cross_entropy(z, soft), expected, rtol=1e-15)
    np.testing.assert_allclose(numeric.cross_entropy_grad(z, soft), [-0.25, 0.25], rtol=1e-15)
    batch = np.stack([z, z]), np.array([[0.0, 1.0], soft])
    np.testing.assert_allclose(numeric.cross_entropy(*batch), -math.log(0.75) + expected)


@pytest.mark.parametrize(
    "t", [[0.0, 0.0, 1.0], [0.2, 0.3, 0.5], [1.0, 2.0, 0.5], [0.0, 0.0, 0.0]], ids=str
)
def test_logit_gradient_is_a_times_sum_t_minus_t_for_any_targets(t):
    z = np.array([0.3, -1.2, 2.0])
    numeric_grad = numeric.numeric_grad_z(z, t)
    # float64 differences of a loss of order 1: error ~ 1e-10
    np.testing.assert_allclose(numeric.cross_entropy_grad(z, t), numeric_grad, atol=1e-9)
    a_minus_t = numeric.softmax(z) - np.array(t)
    assert np.allclose(a_minus_t, numeric_grad, atol=1e-6) == math.isclose(sum(t), 1.0)


def test_relu_and_its_derivative_use_zero_at_the_kink():
    z = np.array([-2.0, 0.0, 3.0])
    np.testing.assert_allclose(numeric.relu(z), [0.0, 0.0, 3.0], rtol=1e-15, atol=1e-300)
    np.testing.assert_allclose(numeric.relu_grad(z), [0.0, 0.0, 1.0], rtol=1e-15, atol=1e-300)
    assert numeric.relu_grad(z.astype(np.float32)).dtype == np.float32
    assert numeric.relu([1, -1]).dtype == np.float64


def test_backprop_at_a_kink_uses_zero():
    # z1 = 2 x - 2 = 0 at x = 1: relu'(0) = 0 passes nothing down to W1 and b1
    params = {
        "W1": np.array([[2.0]]),
        "b1": np.array([-2.0]),
        "W2": np.array([[1.0]]),
        "b2": np.array([1.0]),
        "W3": np.array([[1.0], [-1.0]]),
        "b3": np.zeros(2),
    }
    grads = numeric.backprop(params, np.array([1.0]), np.array([1.0, 0.0]))
    np.testing.assert_allclose(grads["W1"], [[0.0]], rtol=0, atol=1e-300)
    np.testing.assert_allclose(grads["b1"], [0.0], rtol=0, atol=1e-300)
