"""The emitted whole-network module against numeric's hand-written backprop and central
differences, at kinks, in float32, at extreme logits; its errors; and ``derive emit --network``.

The proofs behind the module run once per session (cached in derive.emit), so every size shares
them; the first test pays for them.
"""

from __future__ import annotations

import functools
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import derive_numeric as numeric
from derive.cli import main
from derive.emit import EmitError, network_module, network_proofs, network_source
from derive.emit.network_proofs import DELTA1
from derive.model.symbols import a2, j

KEYS = ("W1", "b1", "W2", "b2", "W3", "b3")
EXACT = {"rtol": 1e-10, "atol": 1e-12}  # two float64 computations of the same formulas


@functools.cache
def module(N: int, I: int, J: int, K: int):  # noqa: E741 - the post's name
    return network_module(N, I, J, K)


def example(N, I, J, K, *, seed, batch, dtype=np.float64):  # noqa: E741
    """Parameters, inputs x and normalized targets t (one-hot or soft) for a random network."""
    params = numeric.init_params(N, I, J, K, seed=seed, dtype=dtype)
    rng = np.random.default_rng(seed + 1)
    shape = (N,) if batch is None else (batch, N)
    x = rng.standard_normal(shape).astype(dtype)
    t = rng.dirichlet(np.ones(K), size=None if batch is None else batch).astype(dtype)
    return params, x, t


def args(params, x):
    return (x, *(params[key] for key in KEYS))


def assert_matches_backprop(mod, params, x, t, tolerance=EXACT) -> None:
    E, grads = mod.loss_and_grads(*args(params, x), t)
    expected = numeric.backprop(params, x, t)
    np.testing.assert_allclose(E, numeric.loss(params, x, t), **tolerance)
    np.testing.assert_allclose(mod.E(*args(params, x), t), E, **tolerance)
    assert set(grads) == set(expected)
    for key, value in expected.items():
        assert grads[key].shape == value.shape, key
        np.testing.assert_allclose(grads[key], value, **tolerance, err_msg=key)
    separately = mod.gradients(*args(params, x), t)
    for key in expected:
        np.testing.assert_allclose(separately[key], grads[key], **EXACT, err_msg=key)


sizes = st.tuples(*(st.integers(1, 4) for _ in "NIJK"))
batches = st.one_of(st.none(), st.integers(1, 5))


@settings(max_examples=12)
@given(sizes=sizes, seed=st.integers(0, 10_000), batch=batches)
@pytest.mark.slow
def test_gradients_equal_numeric_backprop_and_central_differences(sizes, seed, batch) -> None:
    mod = module(*sizes)
    params, x, t = example(*sizes, seed=seed, batch=batch)
    assert_matches_backprop(mod, params, x, t)
    if numeric.near_kink(params, x):
        return  # a difference step could cross a ReLU kink and measure neither slope
    _, grads = mod.loss_and_grads(*args(params, x), t)
    for key in (*KEYS, "z3"):
        central = numeric.numeric_grad(params, x, t, key)
        np.testing.assert_allclose(grads[key], central, rtol=1e-5, atol=1e-6, err_msg=key)


def test_forward_returns_every_layer_like_numeric() -> None:
    mod = module(2, 3, 3, 2)
    for batch in (None, 1, 4):
        params, x, _ = example(2, 3, 3, 2, seed=3, batch=batch)
        values, expected = mod.forward(*args(params, x)), numeric.forward(params, x)
        assert set(values) == set(expected)
        for key, value in expected.items():
            assert values[key].shape == value.shape
            np.testing.assert_allclose(values[key], value, **EXACT, err_msg=key)


@pytest.mark.parametrize("offset", [1e-9, -1e-9, 0.0])
@pytest.mark.parametrize("layer", ["1", "2"])
def test_pre_activations_at_a_kink_use_relu_prime_0_is_0(layer, offset) -> None:
    N, I, J, K = 3, 3, 3, 2  # noqa: E741
    mod = module(N, I, J, K)
    params, x, t = example(N, I, J, K, seed=11, batch=4)
    x[1] = 0.0 if offset == 0.0 else x[1]
    z = numeric.forward(params, x)[f"z{layer}"]
    bias = params[f"b{layer}"]
    bias[0] = offset - (z[1, 0] - bias[0])  # unit 0 of example 1 sits on (or next to) 0
    z = numeric.forward(params, x)[f"z{layer}"]
    assert abs(z[1, 0]) <= 1e-8
    assert_matches_backprop(mod, params, x, t)


def test_exactly_zero_pre_activation_gets_no_gradient_through_it() -> None:
    mod = module(2, 2, 2, 2)
    params, _, t = example(2, 2, 2, 2, seed=5, batch=None)
    params["b1"][:] = 0.0
    x = np.zeros(2)  # z1 = 0 exactly: relu'(0) = 0, so layer L-2 gets no gradient
    _, grads = mod.loss_and_grads(*args(params, x), t)
    np.testing.assert_array_equal(grads["W1"], 0.0)
    np.testing.assert_array_equal(grads["b1"], 0.0)


def test_a_golden_value_computed_by_hand() -> None:
    mod = module(1, 1, 1, 2)
    ones = {"W1": [[1.0]], "b1": [0.0], "W2": [[1.0]], "b2": [0.0], "W3": [[1.0], [0.0]]}
    params = {key: np.array(value) for key, value in ones.items()} | {"b3": np.zeros(2)}
    E, grads = mod.loss_and_grads(*args(params, np.array([2.0])), np.array([1.0, 0.0]))
    # z3 = (2, 0): E = log(1 + e^-2); delta3 = (a1 - 1, a2) = (-s, s), s = 1 / (1 + e^2)
    s = 1.0 / (1.0 + np.exp(2.0))
    np.testing.assert_allclose(E, np.log1p(np.exp(-2.0)), rtol=1e-14)
    np.testing.assert_allclose(grads["z3"], [-s, s], rtol=1e-14)
    np.testing.assert_allclose(grads["W1"], [[-2.0 * s]], rtol=1e-14)  # delta1 = -s, x = 2


def test_float32_gives_float32() -> None:
    mod = module(3, 4, 2, 3)
    params, x, t = example(3, 4, 2, 3, seed=7, batch=5, dtype=np.float32)
    E, grads = mod.loss_and_grads(*args(params, x), t)
    assert E.dtype == np.float32
    assert all(value.dtype == np.float32 for value in grads.values())
    assert all(value.dtype == np.float32 for value in mod.forward(*args(params, x)).values())
    assert_matches_backprop(mod, params, x, t, {"rtol": 1e-4, "atol": 1e-5})


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_logits_of_magnitude_1e4_give_finite_loss_and_gradients(dtype) -> None:
    mod = module(2, 3, 3, 3)
    params, x, t = example(2, 3, 3, 3, seed=2, batch=3, dtype=dtype)
    params["b3"] = np.array([1e4, -1e4, 0.0], dtype)
    E, grads = mod.loss_and_grads(*args(params, x), t)
    assert np.isfinite(E) and E > 1e3
    assert all(np.isfinite(value).all() for value in grads.values())
    tolerance = {"rtol": 1e-4, "atol": 1e-3} if dtype == np.float32 else EXACT
    assert_matches_backprop(mod, params, x, t, tolerance)


def test_wrong_shapes_raise_value_errors_naming_expected_and_given() -> None:
    mod = module(2, 3, 4, 2)
    params, x, t = example(2, 3, 4, 2, seed=1, batch=2)
    params["W2"] = np.zeros((3, 4))  # transposed
    with pytest.raises(ValueError, match=r"W2 has shape \(3, 4\), expected \(J, I\) = \(4, 3\)"):
        mod.gradients(*args(params, x), t)
    params, x, t = example(2, 3, 4, 2, seed=1, batch=2)
    with pytest.raises(ValueError, match=r"t has shape \(3, 2\), expected \(B, K\) = \(2, 2\)"):
        mod.E(*args(params, x), np.zeros((3, 2)))
    with pytest.raises(ValueError, match=r"x has shape \(1, 2, 2\)"):
        mod.forward(*args(params, x[None]))


def test_a_template_that_is_not_what_was_proved_is_refused(monkeypatch) -> None:
    module(2, 2, 2, 2)  # the proofs are cached
    proper = network_proofs.templates

    def wrong(J, K):  # dE/dW_ji = delta_j a_j: a wrong index
        return proper(J, K) | {"dE/dW_ji": DELTA1[j] * a2[j]}

    monkeypatch.setattr(network_proofs, "templates", wrong)
    with pytest.raises(EmitError, match="dE/dW_ji is not proved in the form"):
        network_source(2, 2, 2, 2)


def emit(path, *extra: str) -> int:
    return main(["emit", "--network", "2", "3", "3", "2", "-o", str(path), *extra])


def test_cli_writes_reproducibly_and_checks(tmp_path, capsys) -> None:
    first, second = tmp_path / "first.py", tmp_path / "second.py"
    assert emit(first, "--check") == 1
    assert f"{first}: missing" in capsys.readouterr().out
    assert not first.exists()
    assert emit(first) == 0 and emit(second) == 0
    assert first.read_bytes() == second.read_bytes() == network_source(2, 3, 3, 2).encode()
    assert emit(first, "--check") == 0
    assert f"{first}: current" in capsys.readouterr().out
    first.write_text(first.read_text().replace("J = 3\n", "J = 4\n"))
    assert emit(first, "--check") == 1
    assert f"{first}: stale" in capsys.readouterr().out
    mine = tmp_path / "mine.py"
    mine.write_text("# my own code\n")
    assert emit(mine) == 1 and mine.read_text() == "# my own code\n"


@pytest.mark.parametrize(
    "argv",
    [
        ["--network", "2", "0", "3", "2"],
        ["--network", "2", "3", "3"],
        ["--network", "2", "x", "3", "2"],
        ["--network", "2", "3", "3", "2", "--K", "2"],
        ["--network", "2", "3", "3", "2", "--no-normalized-targets"],
    ],
)
def test_bad_network_usage_exits_2_with_one_line(argv, capsys) -> None:
    assert main(["emit", *argv, "-o", "x.py"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("derive: error:") and err.count("\n") == 1


def test_the_generated_file_runs_without_sympy(tmp_path) -> None:
    path = tmp_path / "net.py"
    assert emit(path) == 0
    code = f"""
import sys
sys.modules["sympy"] = None  # any import of sympy now fails
import importlib.util
import numpy as np
spec = importlib.util.spec_from_file_location("net", {str(path)!r})
net = importlib.util.module_from_spec(spec)
spec.loader.exec_module(net)
rng = np.random.default_rng(0)
params = [rng.standard_normal(s) for s in [(3, 2), (3,), (3, 3), (3,), (2, 3), (2,)]]
E, grads = net.loss_and_grads(rng.standard_normal((4, 2)), *params, np.eye(2)[[0, 1, 1, 0]])
assert "sympy" not in [m.split(".")[0] for m in sys.modules if sys.modules[m] is not None]
print(float(E), sorted(grads))
"""
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "['W1', 'W2', 'W3', 'b1', 'b2', 'b3', 'z3']" in result.stdout
