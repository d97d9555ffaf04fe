"""Bad options to derive.testing are refused with a ValueError naming the problem, before the
user's function is ever called; aliases of the layout names are accepted."""

from __future__ import annotations

import numpy as np
import pytest

from derive.testing import check_gradient_code
from derive.testing.conventions import options

ARGS = {"X": "a_prev", "W": "W", "b": "b", "y": "t"}
SIZES = {"K": 3, "J": 4}


def never_called(X, W, b, y):
    raise AssertionError("the function must not be called when the options are bad")


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"quantity": "dE_dQ"}, "unknown quantity 'dE_dQ'"),
        ({"quantity": "dE_dW2"}, "dE_dW2 is a quantity of the network"),
        ({"quantity": "dE_dW", "sizes": {"N": 2, "I": 2, "J": 2, "K": 2}}, "output layer"),
        ({"sizes": {"K": 3}}, "sizes must name K and J"),
        ({"sizes": {"K": 0, "J": 4}}, "K must be an integer >= 1"),
        ({"sizes": {"K": 2.5, "J": 4}}, "K must be an integer >= 1"),
        ({"sizes": [3, 4]}, "sizes must be a mapping"),
        ({"arguments": {**ARGS, "y": "labels"}}, "not an array of the output layer"),
        ({"arguments": {"X": "a_prev", "W": "a_prev", "b": "b", "y": "t"}}, "same array"),
        ({"arguments": {"X": "a_prev", "W": "W", "b": "b", "y": "z"}}, "needs t"),
        ({"arguments": {**ARGS, "lr": "z"}}, "no parameter 'lr'"),
        ({"weights": "columns"}, "weights must be one of in-out, out-in"),
        ({"targets": "hard"}, "targets must be one of"),
        ({"batch_loss": "median"}, "batch_loss must be one of mean, sum"),
        ({"dtype": "float16"}, "dtype must be one of float32, float64"),
        ({"normalized_targets": False}, "one-hot targets always sum to 1"),
        ({"timeout": 0}, "timeout must be at least 0.1 s"),
        ({"timeout": 1e-5}, "timeout must be at least 0.1 s"),
        ({"seed": -1}, "seed must be an integer >= 0"),
        ({"result": 1.5}, "result must be an index or a key"),
    ],
)
def test_bad_options_are_refused_before_the_function_runs(changes, words) -> None:
    call = {"quantity": "dE_dW", "sizes": SIZES, "arguments": ARGS, **changes}
    quantity = call.pop("quantity")
    with pytest.raises(ValueError, match=None) as raised:
        check_gradient_code(never_called, quantity, **call)
    assert words in str(raised.value)


def test_the_network_needs_the_targets_and_sums_to_1() -> None:
    sizes = {"N": 2, "I": 3, "J": 4, "K": 5}

    def network(x, W1, b1, W2, b2, W3, b3, y):
        raise AssertionError("never called")

    with pytest.raises(ValueError, match="needs t"):
        check_gradient_code(network, "dE_dW1", sizes=sizes, arguments={"y": "z3"})
    with pytest.raises(ValueError, match="targets that sum to 1"):
        options("E", sizes, {}, targets="soft", normalized_targets=False)


def test_a_parameter_that_gets_nothing_is_named() -> None:
    def grad(X, W, bias_vector, y):
        raise AssertionError("never called")

    with pytest.raises(ValueError, match="parameter 'bias_vector' gets no array"):
        check_gradient_code(grad, "dE_dW", sizes=SIZES)


def test_a_function_that_is_not_callable_is_refused() -> None:
    with pytest.raises(ValueError, match="not callable"):
        check_gradient_code(np.zeros(3), "dE_dW", sizes=SIZES, arguments=ARGS)


@pytest.mark.parametrize(
    ("given", "chosen"),
    [
        ({"weights": "transposed"}, ("weights", "in-out")),
        ({"weights": "out_in"}, ("weights", "out-in")),
        ({"targets": "one_hot"}, ("targets", "one-hot")),
        ({"targets": "LABELS"}, ("targets", "labels")),
        ({"batch_loss": "averaged"}, ("batch_loss", "mean")),
        ({"dtype": np.float32}, ("dtype", np.dtype(np.float32))),
    ],
)
def test_layout_aliases_are_accepted(given, chosen) -> None:
    name, value = chosen
    assert getattr(options("dE_dW", SIZES, ARGS, **given), name) == value


def test_arguments_default_to_the_parameters_named_like_the_arrays() -> None:
    def grad(z, t, a_prev, scale=1.0):
        return scale * 0.0

    report = check_gradient_code(grad, "dE_dW", sizes=SIZES)
    assert not report.passed and report.diagnosis.name in ("returned", "wrong")


def test_one_argument_keeps_the_defaults_of_the_others() -> None:
    def grad_W(inputs_matrix, W, b, y):  # W, b by name; y is the usual name of the targets
        shifted = inputs_matrix @ W.T + b
        e = np.exp(shifted - shifted.max(axis=1, keepdims=True))
        return (e / e.sum(axis=1, keepdims=True) - y).T @ inputs_matrix

    report = check_gradient_code(
        grad_W, "dE_dW", sizes=SIZES, arguments={"inputs_matrix": "a_prev"}
    )
    assert report.passed, str(report)
    # the usual names alone: X is the layer's input, y the targets
    report = check_gradient_code(lambda X, W, b, y: grad_W(X, W, b, y), "dE_dW", sizes=SIZES)
    assert report.passed, str(report)


def test_the_quantity_may_be_written_with_a_slash() -> None:
    assert options("dE/dW", SIZES, ARGS).quantity.name == "dE_dW"
