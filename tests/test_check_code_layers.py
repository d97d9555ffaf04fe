"""Layer code as course assignments and from-scratch tutorials write it, checked with no
wrapper: backward functions that take the upstream gradient and a cache, a loss layer whose
backward pass stores ``self.dinputs``, a network with examples as columns that walks a list
of caches and returns ``dA0``, ``dW1``, ..., and a layer class whose bias is a row (1, K)
found without ``--bias``. Each correct version passes, each wrong one gets its diagnosis
(tests/code_under_test holds the code, written for these tests)."""

from __future__ import annotations

import sys

import pytest
from check_code_support import CODE, check, diagnoses

from derive.cli import main

FUNCTIONS = "layer_functions.py"


@pytest.fixture(autouse=True)
def _restore_import_state(monkeypatch):
    monkeypatch.setattr(sys, "path", list(sys.path))


DENSE = ["--quantity", "all", "--K", "4", "--J", "5", "--weights", "in-out"]
DENSE += ["--arg", "upstream=dE_dz", "--arg", "cache=dense_forward(a_prev, W, b)[1]"]
DENSE += ["--batch-loss", "mean"]


def test_a_backward_function_taking_a_cache_from_its_forward_pass_passes(capfd) -> None:
    code, data = check(capfd, f"{FUNCTIONS}:dense_backward", *DENSE)
    assert code == 0, data["findings"]
    assert diagnoses(data) == {"dE_dW": None, "dE_db": None, "dE_dX": None}


def test_a_layer_that_divides_the_mean_gradient_by_the_batch_again_is_named(capfd) -> None:
    code, data = check(capfd, f"{FUNCTIONS}:dense_backward_twice", *DENSE)
    assert code == 1
    assert diagnoses(data) == {"dE_dW": "batch-mean", "dE_db": None, "dE_dX": None}
    assert "divides by B twice" in data["findings"][0]["message"]


LOSS_LAYER = ["--inputs", "probabilities", "--quantity", "all", "--K", "4", "--J", "5"]
LOSS_LAYER += ["--targets", "labels", "--batch-loss", "mean"]


def test_a_loss_layer_storing_the_mean_gradient_passes(capfd) -> None:
    code, data = check(capfd, f"{FUNCTIONS}:SoftmaxLossLayer.backward", *LOSS_LAYER)
    assert code == 0, data["findings"]
    assert diagnoses(data) == {"dE_dz": None}


def test_a_loss_layer_that_forgets_the_batch_mean_is_wrong(capfd) -> None:
    """Alone, its dinputs are what the layers below receive: undivided, B times too large.
    (Beside dW, as in course code's dZ = A - Y, the undivided rows are accepted.)"""
    code, data = check(capfd, f"{FUNCTIONS}:SoftmaxLossLayerUndivided.backward", *LOSS_LAYER)
    assert code == 1
    assert diagnoses(data) == {"dE_dz": "batch-mean"}
    assert "off by a factor B" in data["findings"][0]["message"]


DEEP = ["--layout", "columns", "--batch-loss", "mean", "--quantity", "all"]
DEEP += ["--N", "3", "--I", "4", "--J", "5", "--K", "2"]
DEEP += ["--arg", "caches=[((x, W1, b1), z1), ((a1, W2, b2), z2), ((a2, W3, b3), z3)]"]


def test_a_column_network_walking_its_caches_is_checked_with_every_input_gradient(capfd):
    """AL and Y get the probabilities and the targets by their names; dA0 is the input's."""
    code, data = check(capfd, f"{FUNCTIONS}:deep_backward", *DEEP)
    assert code == 0, data["findings"]
    names = {"dE_dW1", "dE_db1", "dE_dW2", "dE_db2", "dE_dW3", "dE_db3"}
    assert set(diagnoses(data)) == names | {"dE_dX1", "dE_dX2", "dE_dX3"}


def test_a_column_network_with_an_undivided_output_layer_is_named(capfd) -> None:
    code, data = check(capfd, f"{FUNCTIONS}:deep_backward_summed_top", *DEEP)
    assert code == 1
    found = diagnoses(data)
    assert found["dE_dW3"] == found["dE_db3"] == "batch-mean"
    assert found["dE_dW1"] is None and found["dE_dX1"] is None


def test_a_bias_kept_as_a_row_is_found_without_the_flag(capfd) -> None:
    code, data = check(
        capfd,
        "dense_layers.py:Dense.backward",
        *("--init", "Dense(5, 4)", "--set", "weights=W", "--set", "biases=b"),
        *("--before", "forward(a_prev)", "--arg", "dvalues=dE_dz", "--quantity", "all"),
        *("--K", "4", "--J", "5", "--weights", "in-out", "--batch-loss", "mean"),
    )
    assert code == 0, data["findings"]
    assert diagnoses(data) == {"dE_dW": None, "dE_db": None, "dE_dX": None}
    assert "bias as a row" in data["layout"]


@pytest.mark.parametrize(
    ("target", "argv", "hint"),
    [
        (f"{FUNCTIONS}:softmax_loss", ["--targets", "labels"], "if x is the logits, --arg x=z"),
        (
            "linear_classifier.py:loss_vectorized",
            ["--targets", "labels", "--weights", "in-out", "--regularization", "l2:reg"],
            "if your code has no bias parameter, check with --bias none",
        ),
    ],
)
def test_a_function_missing_an_array_is_told_the_convention_it_likely_has(
    capsys, target, argv, hint
) -> None:
    code = main(
        ["check-code", str(CODE / target), "--quantity", "all", "--K", "4", "--J", "5", *argv]
    )
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert hint in err and len(err.strip().splitlines()) == 1


def test_a_layer_that_raises_on_the_declared_weight_layout_is_told_the_other(capfd) -> None:
    """Dense keeps its weights as (inputs, neurons): with the default out-in its forward pass
    raises at every input, and the report says which flag fits, instead of a usage error."""
    code, data = check(
        capfd,
        "dense_layers.py:Dense.backward",
        *("--init", "Dense(5, 4)", "--set", "weights=W", "--set", "biases=b"),
        *("--before", "forward(a_prev)", "--arg", "dvalues=dE_dz", "--quantity", "all"),
        *("--K", "4", "--J", "5", "--batch-loss", "mean"),
    )
    assert code == 1 and data["diagnosis"] == "raised"
    message = data["findings"][0]["message"]
    assert "if your code keeps the weights as (in, out), check with --weights in-out" in message


NET = ["--set", "W1=W1", "--set", "b1=b1", "--set", "W2=W2", "--set", "b2=b2"]
NET += ["--quantity", "all", "--N", "4", "--J", "5", "--K", "3", "--weights", "in-out"]
NET += ["--batch-loss", "mean"]


@pytest.mark.parametrize(
    ("cls", "found"),
    [
        ("RowBiasNet", {"dE_dW1": None, "dE_db1": None, "dE_dW2": None, "dE_db2": None}),
        (
            "RowBiasNetGateAtZero",
            {
                "dE_dW1": "relu-convention",
                "dE_db1": "relu-convention",
                "dE_dW2": None,
                "dE_db2": None,
            },
        ),
    ],
)
def test_returned_biases_kept_as_rows_are_read_as_rows_and_judged(capfd, cls, found) -> None:
    """db1 of shape (1, J), placed by the return statement's names, is the bias's layout:
    read as such without --bias, then judged like the rest (a gate at 0 is still named)."""
    code, data = check(
        capfd,
        f"row_bias_mlp.py:{cls}.backward",
        *("--init", f"{cls}(N, J, K)", "--before", "forward(X)", *NET),
    )
    assert diagnoses(data) == found
    assert code == (0 if cls == "RowBiasNet" else 1)
    assert "bias as a row" in data["layout"]


def test_a_step_size_that_never_reaches_the_code_is_bad_usage(capsys) -> None:
    """Without lr=lr in --init the code steps with its own 0.1, and its correct gradients
    would be read off as wrong: refused, saying how to pass it."""
    target = f"{CODE / 'row_bias_mlp.py'}:RowBiasNet.train_step"
    argv = [*NET, "--update", "lr", "--bias", "(1,K)"]
    code = main(["check-code", target, "--init", "RowBiasNet(N, J, K)", *argv])
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert "--update lr: lr reaches your code nowhere" in err
    code = main(["check-code", target, "--init", "RowBiasNet(N, J, K, lr=lr)", *argv])
    out, _ = capsys.readouterr()
    assert code == 0, out


def test_a_regularization_strength_that_never_reaches_the_code_is_bad_usage(capsys) -> None:
    target = f"{CODE / 'model_with_grads.py'}:Model.loss"
    sizes = ["--N", "4", "--I", "5", "--J", "6", "--K", "3"]
    code = main(
        [
            "check-code",
            target,
            "--init",
            "Model()",
            "--regularization",
            "l2:reg",
            "--quantity",
            "all",
            *sizes,
        ]
    )
    _, err = capsys.readouterr()
    assert code == 2
    assert "--regularization l2:reg: reg reaches your code nowhere" in err


def test_a_result_named_in_the_return_statement_of_a_loss_that_returns_early(capfd) -> None:
    """``if y is None: return scores`` before ``return loss, grads``: grads is still a name
    of what the call returns."""
    code, data = check(
        capfd,
        "two_layer_net.py:TwoLayerNet.loss",
        *("--init", "TwoLayerNet(4, 5, 3)", "--set", 'params["W1"]=W1'),
        *("--set", 'params["b1"]=b1', "--set", 'params["W2"]=W2', "--set", 'params["b2"]=b2'),
        *("--quantity", "E,dE_dW1", "--result", "E=loss", "--result", 'dE_dW1=grads["W1"]'),
        *("--N", "4", "--J", "5", "--K", "3", "--weights", "in-out", "--targets", "labels"),
        *("--batch-loss", "mean", "--regularization", "l2:reg"),
    )
    assert code == 0, data["findings"]
    assert diagnoses(data) == {"E": None, "dE_dW1": None}


MEAN = ["--batch-loss", "mean"]


@pytest.mark.parametrize(
    ("function", "argv"),
    [
        (
            "dense_backward_dout",
            ["--weights", "in-out", "--arg", "cache=(x, W, b)", "--batch-loss", "mean"],
        ),
        (
            "softmax_regression_gradient",
            ["--weights", "in-out", "--bias", "none", "--targets", "labels", *MEAN],
        ),
    ],
)
def test_the_names_course_code_gives_its_arrays_need_no_arg(capfd, function, argv) -> None:
    """dout is the upstream gradient dE/dz, theta the weights."""
    code, data = check(
        capfd, f"{FUNCTIONS}:{function}", "--quantity", "all", "--K", "4", "--J", "5", *argv
    )
    assert code == 0, data["findings"]
    assert "dE_dW" in diagnoses(data)


def test_a_usual_name_in_an_expression_is_the_inputs_array_not_the_scripts_data(capfd):
    """forward(z, y): y is the input's targets, though the module holds training labels y."""
    code, data = check(
        capfd,
        "script_with_data.py:SoftmaxWithLoss.backward",
        *("--before", "forward(z, y)", "--arg", "dvalues=self.output", "--quantity", "all"),
        *("--K", "4", "--J", "5", "--targets", "labels", "--batch-loss", "mean"),
    )
    assert code == 0, data["findings"]
    assert diagnoses(data) == {"dE_dz": None}


def test_code_counting_its_classes_from_the_labels_is_told_so(capfd) -> None:
    code, data = check(
        capfd,
        f"{FUNCTIONS}:softmax_grad_counting_classes",
        *("--quantity", "dE_dW", "--K", "4", "--J", "5", "--targets", "labels"),
    )
    assert code == 1 and data["diagnosis"] == "raised"
    message = data["findings"][0]["message"]
    assert "it raised only where no example has the last class (3)" in message
    assert any(case["status"] == "ok" for case in data["cases"])
