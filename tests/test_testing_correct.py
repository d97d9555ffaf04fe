"""Correct hand-written gradient code passes derive.testing at every input kind, under every
layout option: weights (out, in) or transposed, one-hot / soft / label targets, summed or
averaged batch loss, float64 or float32, one example or a batch, the network's layers."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from derive.testing import assert_gradient_code, check_gradient_code

ARGS = {"X": "a_prev", "W": "W", "b": "b", "y": "t"}


def log_softmax(z):
    shifted = z - z.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def delta(z, y):
    """a sum(y) - y: right for any targets."""
    return np.exp(log_softmax(z)) * y.sum(axis=-1, keepdims=True) - y


def one_hot(labels, K, dtype):
    return np.eye(K, dtype=dtype)[labels]


# the output layer, W (K, J), rows of targets, the batch loss summed
def loss(X, W, b, y):
    return -(y * log_softmax(X @ W.T + b)).sum()


def grad_z(X, W, b, y):
    return delta(X @ W.T + b, y)


def grad_W(X, W, b, y):
    return grad_z(X, W, b, y).T @ X


def grad_b(X, W, b, y):
    return grad_z(X, W, b, y).sum(axis=0)


CORRECT = {"E": loss, "dE_dz": grad_z, "dE_dW": grad_W, "dE_db": grad_b}


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("quantity", list(CORRECT))
def test_a_correct_output_layer_passes_at_every_input_kind(quantity, dtype) -> None:
    report = check_gradient_code(
        CORRECT[quantity], quantity, sizes={"K": 5, "J": 3}, arguments=ARGS, dtype=dtype
    )
    assert report.passed, str(report)
    assert report.findings == () and report.diagnosis is None
    assert {case.status for case in report.cases} == {"ok"}
    assert len(report.cases) >= 10


def test_weights_stored_transposed() -> None:
    def grad(X, W, b, y):  # W is (J, K): z = X W + b, and so is the gradient
        return X.T @ delta(X @ W + b, y)

    assert_gradient_code(grad, "dE_dW", sizes={"K": 4, "J": 6}, arguments=ARGS, weights="in-out")
    report = check_gradient_code(grad, "dE_dW", sizes={"K": 4, "J": 6}, arguments=ARGS)
    assert not report.passed  # declared the other way round, it must not pass


def test_integer_class_labels() -> None:
    def grad(X, W, b, y):
        return delta(X @ W.T + b, one_hot(y, W.shape[0], X.dtype)).T @ X

    def loss_of_labels(X, W, b, y):
        return -log_softmax(X @ W.T + b)[np.arange(len(y)), y].sum()

    for quantity, fn in (("dE_dW", grad), ("E", loss_of_labels)):
        for dtype in ("float64", "float32"):
            assert_gradient_code(
                fn,
                quantity,
                sizes={"K": 4, "J": 6},
                arguments=ARGS,
                targets="labels",
                dtype=dtype,
            )


def test_soft_targets_and_targets_that_need_not_sum_to_1() -> None:
    for normalized in (True, False):
        for quantity in ("E", "dE_dz", "dE_db"):
            assert_gradient_code(
                CORRECT[quantity],
                quantity,
                sizes={"K": 4, "J": 2},
                arguments=ARGS,
                targets="soft",
                normalized_targets=normalized,
            )


def test_a_mean_batch_loss() -> None:
    def mean_grad(X, W, b, y):
        return grad_W(X, W, b, y) / len(X)

    def mean_loss(X, W, b, y):
        return loss(X, W, b, y) / len(X)

    sizes = {"K": 4, "J": 6}
    assert_gradient_code(mean_grad, "dE_dW", sizes=sizes, arguments=ARGS, batch_loss="mean")
    assert_gradient_code(mean_loss, "E", sizes=sizes, arguments=ARGS, batch_loss="mean")


def test_one_example_per_call() -> None:
    def grad_one(a_prev, W, b, t):  # named like the derivation's arrays: no mapping needed
        return np.outer(delta(W @ a_prev + b, t), a_prev)

    report = assert_gradient_code(grad_one, "dE_dW", sizes={"K": 3, "J": 5}, batched=False)
    assert {case.B for case in report.cases} == {1}
    assert any("one example per call" in note for note in report.notes)


def test_functions_of_the_logits_like_the_emitted_module() -> None:
    def dE_dW(z, t, a_prev):  # the emitted module's signature: arguments by name
        return delta(z, t).T @ a_prev

    def E(z, t):
        return -(t * log_softmax(z)).sum()

    assert_gradient_code(dE_dW, "dE_dW", sizes={"K": 3, "J": 5})
    assert_gradient_code(E, "E", sizes={"K": 3, "J": 5}, dtype="float32")


def test_loops_and_a_selected_part_of_the_return_value() -> None:
    def loss_and_grads(X, W, b, y):
        K, J = W.shape
        gW = np.zeros((K, J), dtype=X.dtype)
        for n in range(len(X)):
            d = delta(W @ X[n] + b, y[n])
            for k in range(K):
                gW[k] += d[k] * X[n]
        return loss(X, W, b, y), {"W": gW}

    report = check_gradient_code(
        lambda X, W, b, y: loss_and_grads(X, W, b, y)[1],
        "dE_dW",
        sizes={"K": 3, "J": 5},
        arguments=ARGS,
        result="W",
        dtype="float32",
    )
    assert report.passed, str(report)
    report = check_gradient_code(
        loss_and_grads, "E", sizes={"K": 3, "J": 5}, arguments=ARGS, result=0
    )
    assert report.passed, str(report)


@settings(max_examples=8)
@given(
    K=st.integers(1, 6),
    J=st.integers(1, 6),
    seed=st.integers(0, 2**16),
    dtype=st.sampled_from(["float64", "float32"]),
)
def test_correct_code_passes_and_negated_code_fails_at_any_sizes(K, J, seed, dtype) -> None:
    sizes = {"K": K, "J": J}
    report = check_gradient_code(
        grad_W, "dE_dW", sizes=sizes, arguments=ARGS, seed=seed, dtype=dtype
    )
    assert report.passed, str(report)
    if K > 1:  # with one class the gradient is 0, and so is its negation
        negated = check_gradient_code(
            lambda X, W, b, y: -grad_W(X, W, b, y),
            "dE_dW",
            sizes=sizes,
            arguments=ARGS,
            seed=seed,
            dtype=dtype,
        )
        assert not negated.passed and negated.diagnosis.name == "sign"


# the whole network, numeric's numbering: W1 (I, N) next to the input, W3 (K, J) the output
def network(x, W1, b1, W2, b2, W3, b3, t):
    z1 = x @ W1.T + b1
    a1 = np.maximum(z1, 0)
    z2 = a1 @ W2.T + b2
    a2 = np.maximum(z2, 0)
    z3 = a2 @ W3.T + b3
    d3 = delta(z3, t)
    d2 = (d3 @ W3) * (z2 > 0)  # relu'(0) = 0
    d1 = (d2 @ W2) * (z1 > 0)
    return {
        "E": -(t * log_softmax(z3)).sum(),
        "dE_dz3": d3,
        "dE_dz2": d2,
        "dE_dz1": d1,
        "dE_dW3": d3.T @ a2,
        "dE_db3": d3.sum(0),
        "dE_dW2": d2.T @ a1,
        "dE_db2": d2.sum(0),
        "dE_dW1": d1.T @ x,
        "dE_db1": d1.sum(0),
    }


@pytest.mark.parametrize(
    "quantity",
    ["E", "dE_dW1", "dE_db1", "dE_dW2", "dE_db2", "dE_dW3", "dE_db3", "dE_dz1", "dE_dz2", "dE_dz3"],
)
def test_a_correct_network_passes_every_layer_at_every_input_kind(quantity) -> None:
    report = check_gradient_code(
        network,
        quantity,
        sizes={"N": 3, "I": 4, "J": 5, "K": 2},
        result=quantity,
        dtype="float32" if quantity.endswith("2") else "float64",
    )
    assert report.passed, str(report)
    assert any("ReLU" in case.kind for case in report.cases)


def test_the_network_with_transposed_weights_labels_and_a_mean_loss() -> None:
    def grads(x, W1, b1, W2, b2, W3, b3, y):  # every W is (in, out): z = a W + b
        t = one_hot(y, W3.shape[1], x.dtype)
        found = network(x, W1.T, b1, W2.T, b2, W3.T, b3, t)
        return {key: value.T if key.startswith("dE_dW") else value for key, value in found.items()}

    sizes = {"N": 3, "I": 4, "J": 5, "K": 2}
    arguments = {n: n for n in ("x", "W1", "b1", "W2", "b2", "W3", "b3")} | {"y": "t"}
    for quantity in ("dE_dW1", "dE_dW3"):
        report = check_gradient_code(
            lambda *a, **k: {q: v / len(k["x"]) for q, v in grads(*a, **k).items()},
            quantity,
            sizes=sizes,
            arguments=arguments,
            weights="in-out",
            targets="labels",
            batch_loss="mean",
            result=quantity,
        )
        assert report.passed, str(report)


def test_the_network_one_example_per_call() -> None:
    def one(x, W1, b1, W2, b2, W3, b3, t):
        return network(x[None], W1, b1, W2, b2, W3, b3, t[None])["dE_dz1"][0]

    report = check_gradient_code(
        one, "dE_dz1", sizes={"N": 3, "I": 4, "J": 5, "K": 2}, batched=False
    )
    assert report.passed, str(report)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_correct_code_uses_a_small_part_of_the_tolerance(dtype) -> None:
    """The tolerance is not so tight that rounding in a correct program comes near it."""
    for sizes in ({"K": 3, "J": 2}, {"K": 12, "J": 7}):
        report = check_gradient_code(
            lambda X, W, b, y: {q: fn(X, W, b, y) for q, fn in CORRECT.items()},
            list(CORRECT),
            sizes=sizes,
            arguments=ARGS,
            dtype=dtype,
            result={q: f"{q!r}" for q in CORRECT},
        )
        assert report.passed, str(report)
        for quantity in report.quantities:
            for case in quantity.cases:
                assert case.used is not None and case.used <= 0.1, (quantity.name, sizes, case)
