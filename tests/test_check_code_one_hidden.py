"""A network with one hidden layer (sizes N, J, K: x -> ReLU (J) -> softmax (K)), the shape of
cs231n's two-layer net and of most from-scratch MLPs: its reference witnessed by a plain NumPy
backward pass at every input kind, and code written that way checked as it is, correct and
wrong (tests/code_under_test/two_layer_net.py holds the code)."""

from __future__ import annotations

import sys

import numpy as np
import pytest
from check_code_support import CODE, check, diagnoses

from derive.cli import main
from derive.testing import check_gradient_code
from derive.testing.conventions import options
from derive.testing.inputs import suite
from derive.testing.precise import to_float
from derive.testing.proved import proved
from derive.testing.reference import exact

SIZES = {"N": 3, "J": 4, "K": 2}
NAMES = ["E", "dE_dW1", "dE_db1", "dE_dW2", "dE_db2", "dE_dz1", "dE_dz2", "dE_dX1", "dE_dX2"]


def _witness(arrays: dict) -> dict:
    """The one-hidden-layer network's loss and gradients, by hand: relu'(0) = 0."""
    x, t = arrays["x"], arrays["t"]
    z1 = x @ arrays["W1"].T + arrays["b1"]
    a1 = np.maximum(z1, 0)
    z2 = a1 @ arrays["W2"].T + arrays["b2"]
    shifted = z2 - z2.max(axis=1, keepdims=True)
    log_a = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    dz2 = np.exp(log_a) - t
    dX2 = dz2 @ arrays["W2"]
    dz1 = dX2 * (z1 > 0)
    return {
        "E": -(t * log_a).sum(),
        "dE_dz2": dz2,
        "dE_dW2": dz2.T @ a1,
        "dE_db2": dz2.sum(axis=0),
        "dE_dX2": dX2,
        "dE_dz1": dz1,
        "dE_dW1": dz1.T @ x,
        "dE_db1": dz1.sum(axis=0),
        "dE_dX1": dz1 @ arrays["W1"],
    }


@pytest.mark.parametrize("bias", [None, "none"])
def test_the_reference_is_a_plain_backward_pass_at_every_input_kind(bias) -> None:
    arrays = {name: name for name in ("x", "W1", "b1", "W2", "b2", "t")}
    chosen = options(NAMES, SIZES, arrays, bias=bias)
    results = proved("shallow", tuple(SIZES.items()), True, frozenset({"inputs"}))
    kinds = [case.kind for case in suite(chosen)]
    assert "ReLU pre-activations exactly 0 in layer 1" in kinds
    assert not any(kind.endswith("layer 2") for kind in kinds)  # one hidden layer only
    for case in suite(chosen):
        found = exact(results, chosen, case).quantities
        witness = _witness({k: v.astype(np.float64) for k, v in case.arrays.items()})
        for name in NAMES:
            value = to_float(found[name].value)
            scale = np.max(to_float(found[name].magnitude))
            error = np.max(np.abs(value - witness[name]))
            assert error <= 1e-13 * (1 + found[name].logit_scale) * scale, (name, case.kind)


@pytest.fixture(autouse=True)
def _restore_import_state(monkeypatch):
    monkeypatch.setattr(sys, "path", list(sys.path))


PARAMS = [f'params["{name}"]={name}' for name in ("W1", "b1", "W2", "b2")]
MODEL = ["--quantity", "all", "--N", "4", "--J", "5", "--K", "3", "--weights", "in-out"]
MODEL += ["--targets", "labels", "--batch-loss", "mean", "--regularization", "l2:reg"]
MODEL += [arg for p in PARAMS for arg in ("--set", p)]
FOUR = {"dE_dW1", "dE_db1", "dE_dW2", "dE_db2"}


def test_a_two_layer_net_model_with_reg_passes(capfd) -> None:
    code, data = check(
        capfd, "two_layer_net.py:TwoLayerNet.loss", "--init", "TwoLayerNet(4, 5, 3)", *MODEL
    )
    assert code == 0 and data["passed"], data["findings"]
    assert set(diagnoses(data)) == {"E"} | FOUR  # grads["W1"], ...
    assert "your code uses reg·‖W‖²" in " ".join(data["notes"])
    # where the gradients cancel (all logits tied) rounding is measured against the terms
    # that cancel, so a correct answer is not a "relative difference 1e-3"
    assert max(case["relative_difference"] for case in data["cases"]) < 1e-10


def test_its_relu_convention_is_named_and_accepted_when_declared(capfd) -> None:
    target, init = "two_layer_net.py:TwoLayerNetReluOne.loss", "TwoLayerNetReluOne(4, 5, 3)"
    code, data = check(capfd, target, "--init", init, *MODEL)
    assert code == 1
    wrong = {name: d for name, d in diagnoses(data).items() if d}
    assert wrong == {"dE_dW1": "relu-convention", "dE_db1": "relu-convention"}
    code, data = check(capfd, target, "--init", init, *MODEL, "--relu-at-zero", "any")
    assert code == 0, data["findings"]
    assert "relu'(0): your code takes 1 in layer 1" in data["notes"]


def test_a_missing_reg_gradient_in_the_hidden_layer_is_named(capfd) -> None:
    code, data = check(
        capfd,
        "two_layer_net.py:TwoLayerNetNoReg.loss",
        "--init",
        "TwoLayerNetNoReg(4, 5, 3)",
        *MODEL,
    )
    assert code == 1
    assert {name: d for name, d in diagnoses(data).items() if d} == {"dE_dW1": "missing-reg"}


COLUMNS = ["--quantity", "all", "--N", "3", "--J", "4", "--K", "2", "--layout", "columns"]
COLUMNS += ["--batch-loss", "mean"]


@pytest.mark.parametrize(
    ("function", "wrong"),
    [
        ("backward", {}),
        ("backward_unshifted", dict.fromkeys(FOUR | {"dE_dX2"}, "overflow")),
        ("backward_transposed_dW1", {"dE_dW1": "transposed"}),
    ],
)
def test_column_functions_of_the_cached_forward_values(capfd, function, wrong) -> None:
    code, data = check(capfd, f"two_layer_net.py:{function}", *COLUMNS)
    assert code == (1 if wrong else 0), data["findings"]
    assert set(diagnoses(data)) == FOUR | {"dE_dX2"}  # dW1, ..., and dA1
    assert {name: d for name, d in diagnoses(data).items() if d} == wrong


def test_the_sizes_say_which_network(capfd) -> None:
    code = main(["check-code", f"{CODE / 'two_layer_net.py'}:backward", "--quantity", "dE_dW3"])
    assert code == 2 and "--K and --J" in capfd.readouterr().err
    argv = ["--quantity", "dE_dW3", "--N", "3", "--J", "4", "--K", "2"]
    code = main(["check-code", f"{CODE / 'two_layer_net.py'}:backward", *argv])
    err = capfd.readouterr().err
    assert code == 2
    assert "dE_dW3 is a quantity of the network with two hidden layers (sizes N, I, J, K)" in err


def test_a_from_scratch_class_with_its_forward_pass_run_first(capfd) -> None:
    # forward(X): an expression may name the input as a parameter would get it (X is x)
    argv = ["--init", "ScratchNet(4, 5, 3)", "--before", "forward(X)", "--quantity", "all"]
    argv += [arg for name in ("W1", "b1", "W2", "b2") for arg in ("--set", f"{name}={name}")]
    argv += ["--N", "4", "--J", "5", "--K", "3", "--weights", "in-out", "--targets", "labels"]
    code, data = check(capfd, "two_layer_net.py:ScratchNet.backward", *argv)
    assert code == 0 and data["passed"], data["findings"]
    assert set(diagnoses(data)) == FOUR  # by shapes: (4, 5), (5,), (5, 3), (3,)


STEPS = ["--quantity", "all", "--N", "4", "--J", "5", "--K", "3", "--weights", "in-out"]
STEPS += ["--targets", "labels", "--batch-loss", "mean", "--update", "learning_rate"]
STEPS += [arg for name in ("W1", "b1", "W2", "b2") for arg in ("--set", f"{name}={name}")]


def test_gradients_read_off_the_step_the_code_takes(capfd) -> None:
    # train_step(X, y, learning_rate) returns nothing and steps W1, b1, W2, b2 itself
    target = "two_layer_net.py:SteppingNet.train_step"
    code, data = check(capfd, target, "--init", "SteppingNet(N, J, K)", *STEPS)
    assert code == 0 and data["passed"], data["findings"]
    assert set(diagnoses(data)) == FOUR
    assert "read off the step your code takes" in " ".join(data["notes"])


def test_a_step_that_uses_weights_already_stepped_is_wrong(capfd) -> None:
    target = "two_layer_net.py:SteppingNetStale.train_step"
    code, data = check(capfd, target, "--init", "SteppingNetStale(N, J, K)", *STEPS)
    assert code == 1
    assert {name: d for name, d in diagnoses(data).items() if d} == {
        "dE_dW1": "wrong",
        "dE_db1": "wrong",
    }
    assert "weights the code has already stepped" in data["findings"][0]["message"]


def test_a_step_on_a_dict_of_parameters_from_python() -> None:
    sys.path.insert(0, str(CODE))
    from two_layer_net import DictStepper

    report = check_gradient_code(
        DictStepper.step,
        "all",
        sizes={"N": 4, "J": 5, "K": 3},
        build=lambda: DictStepper(4, 5, 3),
        state={f'params["{name}"]': name for name in ("W1", "b1", "W2", "b2")},
        update="lr",
        weights="in-out",
        targets="labels",
        batch_loss="mean",
    )
    assert report.passed, str(report)
    assert {q.name for q in report.quantities} == FOUR
