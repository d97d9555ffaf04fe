"""Real gradient code checked as it is written, in each convention of real code, with no
wrapper: a linear classifier with the bias folded into W and an L2 term (naive and
vectorized), a network with examples as columns taking its forward pass's cached values, layer
classes whose backward pass stores ``self.dinputs``, a model whose ``loss`` returns a dict of
gradients, a backward pass that takes probabilities. Each has a correct version, which passes,
and wrong ones, which get their verdict and their diagnosis (tests/code_under_test holds the
code, written for these tests)."""

from __future__ import annotations

import json
import sys

import pytest
from check_code_support import CODE, check, diagnoses

from derive.cli import main


@pytest.fixture(autouse=True)
def _restore_import_state(monkeypatch):
    monkeypatch.setattr(sys, "path", list(sys.path))


LINEAR = ["--quantity", "E,dE_dW", "--K", "4", "--J", "5", "--weights", "in-out"]
LINEAR += ["--targets", "labels", "--batch-loss", "mean", "--bias", "none"]
LINEAR += ["--regularization", "l2:reg"]


@pytest.mark.parametrize("function", ["loss_naive", "loss_vectorized"])
def test_a_linear_classifier_with_reg_and_no_bias_passes(capfd, function) -> None:
    code, data = check(capfd, f"linear_classifier.py:{function}", *LINEAR)
    assert code == 0 and data["passed"], data["findings"]
    assert diagnoses(data) == {"E": None, "dE_dW": None}  # (loss, dW) told apart by shape
    assert "your code uses 0.5·reg·‖W‖² (checked with reg = 0.375)" in " ".join(data["notes"])


@pytest.mark.parametrize(
    ("function", "wrong", "diagnosis", "words"),
    [
        (
            "loss_without_reg_gradient",
            "dE_dW",
            "missing-reg",
            "dE_dW is missing the regularization gradient",
        ),
        (
            "loss_other_constant",
            "dE_dW",
            "reg-constant",
            "your function's dE_dW fits reg·‖W‖², but the rest of the run fits 0.5·reg·‖W‖²",
        ),
        ("loss_transposed", "dE_dW", "transposed", "returns shape (4, 5)"),
        (
            "loss_batch_shift",
            "E",
            "overflow",
            "shifts the logits by the largest of the whole batch",
        ),
    ],
)
def test_a_wrong_linear_classifier_is_diagnosed(capfd, function, wrong, diagnosis, words) -> None:
    code, data = check(capfd, f"linear_classifier.py:{function}", *LINEAR)
    assert code == 1 and not data["passed"]
    assert diagnoses(data)[wrong] == diagnosis
    assert any(words in f["message"] for f in data["findings"]), data["findings"]


COLUMNS = ["--quantity", "all", "--N", "3", "--I", "4", "--J", "5", "--K", "2"]
COLUMNS += ["--layout", "columns", "--batch-loss", "mean"]
SIX = {"dE_dW1", "dE_db1", "dE_dW2", "dE_db2", "dE_dW3", "dE_db3"}


def test_a_column_network_taking_its_cached_forward_values_passes(capfd) -> None:
    # X, Y, W2, W3, Z1, A1, ..., A3: every parameter by its name; the six gradients found by
    # the names of the return statement
    code, data = check(capfd, "column_network.py:backward", *COLUMNS)
    assert code == 0 and data["passed"], data["findings"]
    assert set(diagnoses(data)) == SIX


def test_relu_prime_of_0_taken_as_1_is_named_under_relu_at_zero_0(capfd) -> None:
    code, data = check(capfd, "column_network.py:backward_relu_one", *COLUMNS)
    assert code == 1
    assert diagnoses(data) == {
        "dE_dW1": "relu-convention",
        "dE_db1": "relu-convention",
        "dE_dW2": "relu-convention",
        "dE_db2": "relu-convention",
        "dE_dW3": None,
        "dE_db3": None,
    }
    assert "uses relu'(0) = 1" in data["findings"][0]["message"]
    for declared in ("1", "any"):
        code, data = check(
            capfd, "column_network.py:backward_relu_one", *COLUMNS, "--relu-at-zero", declared
        )
        assert code == 0 and data["passed"], (declared, data["findings"])


def test_a_transposed_weight_gradient_in_a_tuple_is_found_and_named(capfd) -> None:
    code, data = check(capfd, "column_network.py:backward_transposed", *COLUMNS)
    assert code == 1
    assert diagnoses(data)["dE_dW2"] == "transposed"
    assert [name for name, d in diagnoses(data).items() if d] == ["dE_dW2"]


DENSE = ["--set", "weights=W", "--set", "biases=b", "--before", "forward(a_prev)"]
DENSE += ["--arg", "dvalues=dE_dz", "--quantity", "all", "--K", "4", "--J", "5"]
DENSE += ["--weights", "in-out", "--bias", "(1,K)", "--batch-loss", "mean"]


def test_a_layer_class_storing_its_gradients_passes(capfd) -> None:
    code, data = check(capfd, "dense_layers.py:Dense.backward", "--init", "Dense(5, 4)", *DENSE)
    assert code == 0 and data["passed"], data["findings"]
    # dweights, dbiases, dinputs: the gradients of what --set and forward() gave the layer
    assert set(diagnoses(data)) == {"dE_dW", "dE_db", "dE_dX"}


def test_a_layer_class_with_transposed_weight_gradients_is_named(capfd) -> None:
    code, data = check(
        capfd, "dense_layers.py:DenseTransposed.backward", "--init", "DenseTransposed(5, 4)", *DENSE
    )
    assert code == 1
    assert diagnoses(data) == {"dE_dW": "transposed", "dE_db": None, "dE_dX": None}


SOFTMAX = ["--quantity", "dE_dz", "--K", "4", "--J", "5", "--targets", "labels"]
SOFTMAX += ["--batch-loss", "mean"]


@pytest.mark.parametrize("quantity", ["dE_dz", "all"])
def test_the_gradient_a_layer_stores_is_found_by_its_shape(capfd, quantity) -> None:
    # self.dinputs of a softmax-and-loss layer is dE/dz: its name says "the input's gradient",
    # its shape (B, K) says which
    argv = [a if a != "dE_dz" else quantity for a in SOFTMAX]
    code, data = check(
        capfd,
        "dense_layers.py:SoftmaxCrossEntropy.backward",
        *argv,
        "--inputs",
        "probabilities",
        "--arg",
        "y_true=t",
    )
    assert code == 0 and data["passed"], data["findings"]
    assert set(diagnoses(data)) == {"dE_dz"}


def test_a_softmax_layer_taking_probabilities_passes(capfd) -> None:
    code, data = check(
        capfd,
        "dense_layers.py:SoftmaxCrossEntropy.backward",
        *SOFTMAX,
        "--inputs",
        "probabilities",  # dvalues: the probabilities
        "--arg",
        "y_true=t",
        "--result",
        "self.dinputs",
    )
    assert code == 0 and data["passed"], data["findings"]


@pytest.mark.parametrize(
    ("layer", "diagnosis"),
    [("SoftmaxCrossEntropy", None), ("SoftmaxCrossEntropyBatchShift", "overflow")],
)
def test_probabilities_from_the_codes_own_forward_pass(capfd, layer, diagnosis) -> None:
    code, data = check(
        capfd,
        f"dense_layers.py:{layer}.backward",
        *SOFTMAX,
        "--before",
        "forward(z, t)",
        "--arg",
        "dvalues=self.output",
        "--arg",
        "y_true=t",
        "--result",
        "self.dinputs",
    )
    assert code == (0 if diagnosis is None else 1)
    assert data["diagnosis"] == diagnosis
    if diagnosis:
        assert "rows 1e3 apart" in data["findings"][0]["message"]


@pytest.mark.parametrize(
    ("forward", "diagnosis"), [("softmax_loss", None), ("softmax_loss_batch_shift", "overflow")]
)
def test_an_argument_computed_by_the_codes_own_function(capfd, forward, diagnosis) -> None:
    code, data = check(
        capfd,
        "probabilities.py:softmax_diff",
        *SOFTMAX,
        "--arg",
        f"probabilities={forward}(scores, target)[1]",
        "--arg",
        "scores=z",
        "--arg",
        "target=t",
    )
    assert code == (0 if diagnosis is None else 1)
    assert data["diagnosis"] == diagnosis
    # on exact probabilities the same backward pass is right
    code, data = check(
        capfd,
        "probabilities.py:softmax_diff",
        *SOFTMAX,
        "--inputs",
        "probabilities",
        "--arg",
        "target=t",
    )
    assert code == 0


PARAMS = [f'params["{name}"]={name}' for name in ("W1", "b1", "W2", "b2", "W3", "b3")]
MODEL = ["--quantity", "all", "--N", "4", "--I", "5", "--J", "6", "--K", "3"]
MODEL += ["--weights", "in-out", "--targets", "labels", "--batch-loss", "mean"]
MODEL += ["--regularization", "l2:reg"] + [arg for p in PARAMS for arg in ("--set", p)]


@pytest.mark.parametrize("declared", ["1", "any"])
def test_a_model_with_a_grads_dict_passes_with_its_relu_convention(capfd, declared) -> None:
    code, data = check(
        capfd,
        "model_with_grads.py:Model.loss",
        "--init",
        "Model(reg=reg)",
        *MODEL,
        "--relu-at-zero",
        declared,
    )
    assert code == 0 and data["passed"], data["findings"]
    assert set(diagnoses(data)) == {"E"} | SIX  # grads["W1"], ...: the keys --set filled
    notes = " ".join(data["notes"])
    assert "0.5·reg·‖W‖²" in notes
    if declared == "any":
        assert "relu'(0): your code takes 1 in layer 1; 1 in layer 2" in notes


def test_a_model_built_by_a_factory_fails_under_relu_at_zero_0(capfd) -> None:
    code, data = check(capfd, "model_with_grads.py:Model.loss", "--init", "make_model(reg)", *MODEL)
    assert code == 1
    assert diagnoses(data)["dE_dW1"] == "relu-convention"
    assert diagnoses(data)["E"] is None and diagnoses(data)["dE_dW3"] is None


def test_a_model_whose_loss_has_the_other_constant_is_named(capfd) -> None:
    code, data = check(
        capfd,
        "model_with_grads.py:ModelOtherConstant.loss",
        "--init",
        "ModelOtherConstant(reg=reg)",
        *MODEL,
        "--relu-at-zero",
        "1",
    )
    assert code == 1
    assert diagnoses(data)["E"] == "reg-constant"
    assert all(d is None for name, d in diagnoses(data).items() if name != "E")


def test_arguments_in_dicts_and_gradients_in_a_dict(capfd) -> None:
    code, data = check(
        capfd,
        "column_network.py:backward_propagation",
        *COLUMNS,
        "--arg",
        'parameters={"W2": W2, "W3": W3}',
        "--arg",
        'cache={"Z1": z1, "A1": a1, "Z2": z2, "A2": a2, "A3": a3}',
    )
    assert code == 0 and data["passed"], data["findings"]
    assert set(diagnoses(data)) == SIX  # the keys dW1, db1, ...


def test_a_module_that_trains_when_imported_is_checked_by_its_definitions(tmp_path, capfd) -> None:
    source = (CODE / "linear_classifier.py").read_text()
    (tmp_path / "01_train.py").write_text(
        "from im2col_cython import col2im\n"
        + source
        + "\nW = np.zeros((5, 4))\ndata = np.loadtxt('train.csv')\nfor epoch in range(3):\n"
        "    W -= loss_vectorized(W, data[:, :-1], data[:, -1], 0.1)[1]\n"
    )
    target = f"{tmp_path / '01_train.py'}:loss_vectorized"
    code = main(["check-code", target, *LINEAR])
    err = capfd.readouterr().err
    assert code == 2 and "--definitions-only" in err
    code = main(["check-code", target, *LINEAR, "--definitions-only", "--json"])
    data = json.loads(capfd.readouterr().out)
    assert code == 0 and data["passed"], data["findings"]
    notes = " ".join(data["notes"])
    assert "No module named 'im2col_cython'" in notes and "np.loadtxt('train.csv')" in notes


def test_a_part_placed_by_its_shape_alone_that_matches_nothing_is_not_called_wrong(capfd) -> None:
    # self.dinputs of a loss layer alone is dE/da: it has dE/dz's shape, and no name says it
    # is dE/dz, so the report says it cannot tell rather than that the code is wrong
    argv = [a if a != "dE_dz" else "all" for a in SOFTMAX]
    code, data = check(
        capfd,
        "dense_layers.py:CrossEntropy.backward",
        *argv,
        "--inputs",
        "probabilities",
        "--arg",
        "y_true=t",
    )
    assert code == 1 and data["diagnosis"] == "unplaced"
    message = data["findings"][0]["message"]
    assert message.startswith("dE_dz: cannot tell whether self.dinputs is dE_dz")
    assert "--result dE_dz=PART" in message


TRAINS = """import numpy as np
data = np.loadtxt('train.csv')
m, n = data.shape


def backward(X, Y, W2, Z1, A1, A2):
    dZ2 = A2 - Y
    dZ1 = (W2.T @ dZ2) * (Z1 > 0)
    return dZ1 @ X.T / m, dZ2 @ A1.T / m
"""


def test_a_global_batch_size_of_a_module_that_trains_is_set_per_input(tmp_path, capfd) -> None:
    # m, n = data.shape needs the data that --definitions-only skips: it is skipped too, and
    # --set m=B gives the function's global m the batch size of each input
    (tmp_path / "scratch.py").write_text(TRAINS)
    argv = ["--quantity", "dE_dW1,dE_dW2", "--N", "3", "--J", "4", "--K", "2"]
    argv += ["--layout", "columns", "--batch-loss", "mean", "--definitions-only"]
    target = f"{tmp_path / 'scratch.py'}:backward"
    code = main(["check-code", target, *argv, "--set", "m=B", "--json"])
    data = json.loads(capfd.readouterr().out)
    assert code == 0 and data["passed"], data["findings"]
    assert "line 3: m, n = data.shape (failed: NameError" in " ".join(data["notes"])
    code = main(["check-code", target, *argv, "--json"])
    data = json.loads(capfd.readouterr().out)
    assert code == 1 and data["diagnosis"] == "raised"  # NameError: m, named as such
