"""Three witnesses agree: gradients from sympy.diff (lambdified), the hand-written backprop of
``numeric``, and central finite differences."""

from __future__ import annotations

import functools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sympy import lambdify

import derive_numeric as numeric
from derive.model.gradients import network_gradients, output_gradients

# Backprop is exact up to rounding (~1e-15 relative); the symbolic gradients evaluated in float64
# likewise. Central differences with eps ~ cbrt(machine eps) carry O(eps^2) truncation and
# O(macheps / eps) rounding error, about 1e-10 here, so they get a looser tolerance.
EXACT = {"rtol": 1e-9, "atol": 1e-11}
FINITE_DIFFERENCES = {"rtol": 1e-5, "atol": 1e-7}


@functools.cache
def _output(K: int, J: int):
    g = output_gradients(K, J)
    symbols = g.symbols()
    args = [symbols["W"], symbols["b"], symbols["a_prev"], symbols["t"]]
    to_z = [symbols["z"], symbols["t"]]
    return {
        "dE_dz": lambdify(to_z, g.dE_dz, modules="numpy"),
        "dE_dW": lambdify(args, g.dE_dW, modules="numpy"),
        "dE_db": lambdify(args, g.dE_db, modules="numpy"),
        "E": lambdify(to_z, g.E_of_z, modules="numpy"),
    }


def _network_example(sizes, seed):
    N, I_, J, K = sizes
    rng = np.random.default_rng(seed)
    params = numeric.init_params(N, I_, J, K, seed=seed)
    x = rng.normal(size=N)
    t = rng.dirichlet(np.ones(K))
    return params, x, t


@pytest.mark.parametrize("K", [2, 3, 5])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_output_layer_gradients_match_backprop_and_finite_differences(K: int, seed: int) -> None:
    J = 3
    params, x, t = _network_example((2, 3, J, K), seed)
    a_prev = numeric.forward(params, x)["a2"]  # the output layer fed by the network's own a^{L-1}
    W, b = params["W3"], params["b3"]
    z = W @ a_prev + b
    f = _output(K, J)
    args = (W.ravel(), b, a_prev, t)
    backprop = numeric.backprop(params, x, t)

    np.testing.assert_allclose(np.ravel(f["dE_dz"](z, t)), backprop["z3"], **EXACT)
    np.testing.assert_allclose(np.asarray(f["dE_dW"](*args)), backprop["W3"], **EXACT)
    np.testing.assert_allclose(np.ravel(f["dE_db"](*args)), backprop["b3"], **EXACT)
    np.testing.assert_allclose(f["E"](z, t), numeric.cross_entropy(z, t), **EXACT)

    np.testing.assert_allclose(
        np.asarray(f["dE_dW"](*args)),
        numeric.numeric_grad(params, x, t, "W3"),
        **FINITE_DIFFERENCES,
    )
    np.testing.assert_allclose(
        np.ravel(f["dE_dz"](z, t)), numeric.numeric_grad_z(z, t), **FINITE_DIFFERENCES
    )


def test_symbolic_gradient_with_a_slip_is_caught() -> None:
    """Test the tester: the single-path form of dE/dz_k must not pass for the true one."""
    K = 3
    params, x, t = _network_example((2, 2, 2, K), 7)
    z = numeric.forward(params, x)["z3"]
    a = numeric.softmax(z)
    single_path = -t * (1 - a)
    assert not np.allclose(single_path, numeric.backprop(params, x, t)["z3"], **EXACT)


@functools.cache
def _network(sizes):
    g = network_gradients(*sizes)
    p = g.parameters()
    order = ["W1", "b1", "W2", "b2", "W3", "b3", "x", "t"]
    args = [p[name] for name in order]
    return {
        name: lambdify(args, matrix, modules="numpy", cse=True) for name, matrix in g.grads.items()
    }


@settings(max_examples=8, deadline=None)
@given(
    sizes=st.tuples(*(st.integers(1, 3) for _ in range(4))).filter(lambda s: s[3] >= 2),
    seed=st.integers(0, 10_000),
)
@pytest.mark.slow
def test_network_gradients_of_all_six_arrays_match_backprop(sizes, seed) -> None:
    params, x, t = _network_example(sizes, seed)
    if numeric.near_kink(params, x):
        return  # at a kink the derivative does not exist; numeric and SymPy pick different values
    backprop = numeric.backprop(params, x, t)
    f = _network(sizes)
    args = [params[n].ravel() for n in ("W1", "b1", "W2", "b2", "W3", "b3")] + [x, t]
    for name in ("W1", "b1", "W2", "b2", "W3", "b3"):
        derived = np.asarray(f[name](*args), dtype=float).reshape(params[name].shape)
        np.testing.assert_allclose(derived, backprop[name], **EXACT, err_msg=name)
        finite = numeric.numeric_grad(params, x, t, name)
        np.testing.assert_allclose(derived, finite, **FINITE_DIFFERENCES, err_msg=name)
