"""numeric's parameters and input checks: init_params is reproducible, and wrong inputs raise a
ValueError that names what was expected and what was given."""

from __future__ import annotations

import re

import numpy as np
import pytest

import derive_numeric as numeric


@pytest.fixture
def params() -> dict[str, np.ndarray]:
    """N = 4, I = 3, J = 2, K = 5."""
    return numeric.init_params(4, 3, 2, 5, seed=1)


def test_init_params_shapes_dtypes_and_seed():
    params = numeric.init_params(4, 3, 2, 5, seed=7)
    shapes = {"W1": (3, 4), "b1": (3,), "W2": (2, 3), "b2": (2,), "W3": (5, 2), "b3": (5,)}
    assert {name: value.shape for name, value in params.items()} == shapes
    assert all(value.dtype == np.float64 for value in params.values())
    again = numeric.init_params(4, 3, 2, 5, seed=7)
    other = numeric.init_params(4, 3, 2, 5, seed=8)
    for name in shapes:
        np.testing.assert_array_equal(params[name], again[name])
        assert not np.allclose(params[name], other[name])
    assert np.all(params["b1"] > 0) and np.all(params["b2"] > 0)  # few dead ReLUs at the start
    single = numeric.init_params(4, 3, 2, 5, seed=7, dtype=np.float32)
    for name in shapes:
        assert single[name].dtype == np.float32
        np.testing.assert_allclose(single[name], params[name], rtol=1e-7, atol=0)
    assert numeric.init_params(np.int64(2), 1, 1, 1)["W1"].shape == (1, 2)


@pytest.mark.parametrize(
    ("sizes", "message"),
    [
        ((0, 3, 2, 5), "N must be >= 1 (every layer needs a unit), got N = 0"),
        ((4, 3, -1, 5), "J must be >= 1 (every layer needs a unit), got J = -1"),
        ((4, 3, 2, 0), "K must be >= 1 (every layer needs a unit), got K = 0"),
        ((4, 2.5, 2, 5), "I must be an integer >= 1, got 2.5"),
        ((4, 3.0, 2, 5), "I must be an integer >= 1, got 3.0"),
        ((True, 3, 2, 5), "N must be an integer >= 1, got True"),
        ((4, "3", 2, 5), "I must be an integer >= 1, got '3'"),
    ],
)
def test_init_params_refuses_bad_sizes(sizes, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        numeric.init_params(*sizes)


@pytest.mark.parametrize("dtype", [np.int64, np.float16, "not a dtype"])
def test_init_params_refuses_other_dtypes(dtype):
    with pytest.raises(ValueError, match="dtype must be float64 or float32, got"):
        numeric.init_params(1, 1, 1, 1, dtype=dtype)


SHAPE_ERRORS = [
    ("x", np.ones((3, 5)), "x has shape (3, 5) but W1 expects (B, 4) or (4,)"),
    ("x", np.ones(5), "x has shape (5,) but W1 expects (B, 4) or (4,)"),
    ("x", np.ones((2, 2, 4)), "x has shape (2, 2, 4) but W1 expects (B, 4) or (4,)"),
    ("t", np.ones((2, 4)), "t has shape (2, 4) but the output layer expects (B, K) = (2, 5)"),
    ("t", np.ones((3, 5)), "t has shape (3, 5) but the output layer expects (B, K) = (2, 5)"),
    ("W1", np.ones(4), "W1 has shape (4,) but must be a matrix (I, N) with I, N >= 1"),
    ("W1", np.ones((0, 4)), "W1 has shape (0, 4) but must be a matrix (I, N) with I, N >= 1"),
    ("b1", np.ones(4), "b1 has shape (4,) but W1 expects (3,)"),
    ("W2", np.ones((2, 4)), "W2 has shape (2, 4) but W1 expects (J, I) = (J, 3) with J >= 1"),
    ("W3", np.ones((5, 3)), "W3 has shape (5, 3) but W2 expects (K, J) = (K, 2) with K >= 1"),
    ("b3", np.ones((1, 5)), "b3 has shape (1, 5) but W3 expects (5,)"),
]


@pytest.mark.parametrize(("name", "value", "message"), SHAPE_ERRORS, ids=lambda v: str(v)[:20])
def test_mismatched_shapes_name_expected_and_given(params, name, value, message):
    x, t = np.ones((2, 4)), np.eye(5)[[0, 1]]
    arguments = {"x": x, "t": t, "params": params}
    if name in params:
        arguments["params"] = {**params, name: value}
    else:
        arguments[name] = value
    for call in (numeric.loss, numeric.backprop):
        with pytest.raises(ValueError, match=re.escape(message)):
            call(arguments["params"], arguments["x"], arguments["t"])
    if name != "t":
        with pytest.raises(ValueError, match=re.escape(message)):
            numeric.forward(arguments["params"], arguments["x"])


def test_one_example_needs_one_target_row(params):
    message = "t has shape (2, 5) but the output layer expects (K,) = (5,)"
    with pytest.raises(ValueError, match=re.escape(message)):
        numeric.backprop(params, np.ones(4), np.ones((2, 5)))


def test_cross_entropy_names_both_shapes():
    with pytest.raises(ValueError, match=re.escape("t has shape (2,) but z expects (K,) = (3,)")):
        numeric.cross_entropy(np.zeros(3), np.zeros(2))
    message = "z has shape (2, 2, 3) but must be one example (K,) or a batch (B, K)"
    with pytest.raises(ValueError, match=re.escape(message)):
        numeric.cross_entropy(np.zeros((2, 2, 3)), np.zeros((2, 2, 3)))
    with pytest.raises(ValueError, match=re.escape("z has shape (2, 0) but needs at least one")):
        numeric.softmax(np.zeros((2, 0)))


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
@pytest.mark.parametrize("name", ["x", "t", "W1", "b2", "W3"])
def test_non_finite_inputs_are_refused(params, name, bad):
    arguments = {"x": np.ones((2, 4)), "t": np.eye(5)[[0, 1]], **params}
    arguments[name] = arguments[name].copy()
    arguments[name].flat[-1] = bad
    x, t = arguments.pop("x"), arguments.pop("t")
    with pytest.raises(ValueError, match=rf"^{name} must be finite, but 1 of its \d+ entries"):
        numeric.backprop(arguments, x, t)


def test_non_finite_logits_and_overflowing_casts_are_refused(params):
    with pytest.raises(ValueError, match=r"z must be finite, but 1 of its 3 entries is not"):
        numeric.softmax([0.0, np.nan, 1.0])
    with pytest.raises(ValueError, match=r"t must be finite"):
        numeric.cross_entropy([0.0, 1.0], [np.inf, 0.0])
    single = {name: value.astype(np.float32) for name, value in params.items()}
    with pytest.raises(ValueError, match=r"x must be finite, .* \(the first is inf at index \(0,"):
        numeric.forward(single, np.full(4, 1e300))  # finite in float64, not in float32


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (np.array(["a", "b", "c", "d"]), "x must be an array of real numbers .* got dtype <U1"),
        (np.ones(4, dtype=object), "x must be an array of real numbers .* got dtype object"),
        (np.ones(4, dtype=complex), "x must be an array of real numbers .* got dtype complex128"),
        ([[1.0, 2.0], [3.0]], "x is not an array of numbers"),
    ],
)
def test_non_numeric_arrays_are_refused(params, value, message):
    with pytest.raises(ValueError, match=message):
        numeric.forward(params, value)


def test_non_numeric_parameters_and_logits_are_refused(params):
    with pytest.raises(ValueError, match=r"W2 must be an array of real numbers .* dtype object"):
        numeric.loss({**params, "W2": params["W2"].astype(object)}, np.ones(4), np.eye(5)[0])
    with pytest.raises(ValueError, match=r"z must be an array of real numbers .* dtype <U"):
        numeric.log_softmax(["1", "2"])


def test_missing_parameters_and_a_non_mapping_are_refused(params):
    partial = {name: value for name, value in params.items() if name not in ("b1", "W3")}
    message = "params is missing 'b1', 'W3': expected the keys W1, b1, W2, b2, W3, b3"
    with pytest.raises(ValueError, match=re.escape(message)):
        numeric.forward(partial, np.ones(4))
    with pytest.raises(ValueError, match=r"params must be a dict of arrays .* got list"):
        numeric.forward(list(params.values()), np.ones(4))


def test_integer_and_list_inputs_become_float64(params):
    out = numeric.forward({name: value.tolist() for name, value in params.items()}, [1, 2, 3, 4])
    assert out["a3"].dtype == np.float64
    assert numeric.softmax([1, 2]).dtype == np.float64


def test_gradient_helpers_refuse_bad_arguments(params):
    x, t = np.ones(4), np.eye(5)[0]
    message = "name must be one of W1, b1, W2, b2, W3, b3, z3, got 'w1'"
    with pytest.raises(ValueError, match=re.escape(message)):
        numeric.numeric_grad(params, x, t, "w1")
    with pytest.raises(ValueError, match=r"eps must be a finite number > 0 .* got 0"):
        numeric.finite_difference(np.sum, np.ones(3), eps=0)
    with pytest.raises(ValueError, match=r"f must return a scalar, got shape \(3,\)"):
        numeric.finite_difference(lambda v: v, np.ones(3))
    with pytest.raises(ValueError, match="f returned nan"):
        numeric.finite_difference(lambda v: float("nan"), np.ones(3))
