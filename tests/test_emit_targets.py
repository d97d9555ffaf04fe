"""Emitted modules check what they assume: target rows sum to 1 (within a tolerance per dtype),
and the dtypes they accept are the documented ones."""

from __future__ import annotations

import functools
import inspect

import numpy as np
import pytest

from derive.emit import network_module, output_layer_module

K, J, B = 3, 4, 5
GRADIENTS = ("dE_dz", "dE_dW", "dE_db", "loss_and_grads")


@functools.cache
def layer(normalized_targets: bool = True):
    return output_layer_module(K, J, normalized_targets)


def inputs(dtype=np.float64, batch: int | None = B):
    rng = np.random.default_rng(3)
    shape = (K,) if batch is None else (batch, K)
    z = rng.standard_normal(shape).astype(dtype)
    t = rng.dirichlet(np.ones(K), size=batch).astype(dtype)
    a_prev = rng.standard_normal((*shape[:-1], J)).astype(dtype)
    W, b = rng.standard_normal((K, J)).astype(dtype), rng.standard_normal(K).astype(dtype)
    return z, t, a_prev, W, b


def call(module, name: str, z, t, a_prev, W, b, **options):
    arguments = {
        "dE_dz": (z, t),
        "dE_dW": (z, t, a_prev),
        "dE_db": (z, t),
        "loss_and_grads": (a_prev, W, b, t),
        "E": (z, t),
    }[name]
    return getattr(module, name)(*arguments, **options)


@pytest.mark.parametrize("name", GRADIENTS)
def test_each_gradient_refuses_targets_that_do_not_sum_to_one_naming_the_first_row(name) -> None:
    z, t, a_prev, W, b = inputs()
    t[2] *= 0.5  # rows 2 and 4 no longer sum to 1; row 2 is the first
    t[4] *= 3.0
    with pytest.raises(ValueError, match=rf"^{name}: target row 2 sums to 0\.5") as error:
        call(layer(), name, z, t, a_prev, W, b)
    assert "check_targets=False" in str(error.value)
    assert "--no-normalized-targets" in str(error.value)


@pytest.mark.parametrize("name", GRADIENTS)
def test_check_targets_false_skips_the_check_and_returns_the_proved_form(name) -> None:
    z, t, a_prev, W, b = inputs()
    t[1] *= 2.0
    result = call(layer(), name, z, t, a_prev, W, b, check_targets=False)
    if name == "loss_and_grads":
        z = a_prev @ W.T + b
    e = np.exp(z - z.max(axis=1, keepdims=True))
    delta = e / e.sum(axis=1, keepdims=True) - t  # a_k - t_k, as proved under sum t = 1
    expected = {
        "dE_dz": delta,
        "dE_dW": delta.T @ a_prev,
        "dE_db": delta.sum(axis=0),
        "loss_and_grads": delta,
    }[name]
    np.testing.assert_allclose(
        result[3] if name == "loss_and_grads" else result, expected, rtol=1e-12, atol=1e-14
    )


@pytest.mark.parametrize(
    ("dtype", "inside", "outside"), [(np.float64, 5e-7, 2e-6), (np.float32, 5e-5, 2e-4)]
)
def test_the_tolerance_is_the_documented_one_per_dtype(dtype, inside, outside) -> None:
    z, t, a_prev, W, b = inputs(dtype)
    t[0] = np.array([1.0 + inside, 0.0, 0.0], dtype)
    call(layer(), "dE_dz", z, t, a_prev, W, b)  # within the tolerance: no error
    t[0] = np.array([1.0 + outside, 0.0, 0.0], dtype)
    with pytest.raises(ValueError, match=rf"target row 0 .*for {np.dtype(dtype)}"):
        call(layer(), "dE_dz", z, t, a_prev, W, b)
    assert "1e-6 (float64) or 1e-4 (float32)" in " ".join(layer().__doc__.split())


@pytest.mark.parametrize("bad", [np.nan, np.inf, -1.0])
def test_one_example_with_a_bad_target_row_is_refused(bad) -> None:
    z, t, a_prev, W, b = inputs(batch=None)
    t = np.array([bad, 0.0, 0.0])
    with pytest.raises(ValueError, match="dE_dW: target row 0 sums to"):
        call(layer(), "dE_dW", z, t, a_prev, W, b)


def test_the_loss_and_the_general_module_accept_any_targets() -> None:
    z, t, a_prev, W, b = inputs()
    t *= 3.0
    assert np.isfinite(call(layer(), "E", z, t, a_prev, W, b))  # E is as defined, any t
    general = layer(normalized_targets=False)
    for name in GRADIENTS:
        assert "check_targets" not in inspect.signature(getattr(general, name)).parameters
        call(general, name, z, t, a_prev, W, b)  # no check: the general form holds for any t
    assert "check_targets" not in inspect.signature(layer().E).parameters


def test_network_module_checks_targets_in_gradients_and_loss_and_grads() -> None:
    net = network_module(1, 1, 1, 2)
    rng = np.random.default_rng(0)
    x = rng.standard_normal((3, 1))
    params = [rng.standard_normal(shape) for shape in ((1, 1), (1,), (1, 1), (1,), (2, 1), (2,))]
    t = np.array([[1.0, 0.0], [0.2, 0.2], [0.0, 1.0]])
    for name in ("gradients", "loss_and_grads"):
        with pytest.raises(ValueError, match=rf"^{name}: target row 1 sums to 0\.4"):
            getattr(net, name)(x, *params, t)
        getattr(net, name)(x, *params, t, check_targets=False)
    assert np.isfinite(net.E(x, *params, t))


@pytest.mark.parametrize(
    ("given", "computed"),
    [(np.float16, np.float32), (np.int64, np.float64), (np.int8, np.float64)],
)
def test_float16_computes_in_float32_and_integers_in_float64(given, computed) -> None:
    z = np.array([[1, 0, 2], [0, 0, 0]], dtype=given)
    t = np.array([[1, 0, 0], [0, 1, 0]], dtype=given)
    assert layer().dE_dz(z, t).dtype == computed
    assert layer().E(z, t).dtype == computed


@pytest.mark.parametrize("bad", [np.array([[True, False, False]]), np.zeros((1, 3), complex)])
def test_booleans_and_complex_numbers_are_refused(bad) -> None:
    t = np.array([[1.0, 0.0, 0.0]])
    with pytest.raises(ValueError, match="must be an array of real numbers"):
        layer().dE_dz(bad, t)
