"""Which part of what real code returns, or leaves on its object, is which gradient: the
errors written per example under a mean loss (``dZ3 = A3 - Y``, only ``dW3`` divided by m),
a dict of forward values or parameters beside the gradients (``self.cache["A1"]``,
``self.params["W1"]``: not gradients), a list of ``(dW, db)`` pairs, and ``--set`` into an
entry of a list the object keeps (tests/code_under_test/course_network.py holds the code)."""

from __future__ import annotations

import sys

import numpy
import pytest
from check_code_support import check, diagnoses

from derive.cli import main
from derive.testing.scope import Scope, assign

COLUMNS = ["--quantity", "all", "--N", "3", "--I", "4", "--J", "5", "--K", "2"]
COLUMNS += ["--layout", "columns", "--batch-loss", "mean"]
CACHE = ["--arg", "cache=(z1, a1, W1, b1, z2, a2, W2, b2, z3, a3, W3, b3)"]
SIX = {"dE_dW1", "dE_db1", "dE_dW2", "dE_db2", "dE_dW3", "dE_db3"}
ROWS = {"dE_dz1", "dE_dz2", "dE_dz3", "dE_dX2", "dE_dX3"}  # dZ1, dZ2, dZ3, dA1, dA2


@pytest.fixture(autouse=True)
def _restore_import_state(monkeypatch):
    monkeypatch.setattr(sys, "path", list(sys.path))


def test_errors_written_per_example_under_a_mean_loss_pass_and_are_named(capfd) -> None:
    code, data = check(capfd, "course_network.py:backward_propagation_n", *COLUMNS, *CACHE)
    assert code == 0 and data["passed"], data["findings"]
    assert set(diagnoses(data)) == SIX | ROWS  # the dict's keys dZ3, dA2, ...
    note = next(n for n in data["notes"] if "not divided by B" in n)
    assert all(name in note for name in ROWS) and "dE_dW" not in note


def test_a_parameter_gradient_not_divided_is_still_named(capfd) -> None:
    # the rows may be either scaling; a parameter gradient of a mean loss may not
    code, data = check(
        capfd, "course_network.py:backward_propagation_unscaled_dW2", *COLUMNS, *CACHE
    )
    assert code == 1
    assert [n for n, d in diagnoses(data).items() if d] == ["dE_dW2"]
    assert diagnoses(data)["dE_dW2"] == "batch-mean"


def test_a_row_neither_scaling_explains_is_wrong(capfd) -> None:
    code, data = check(capfd, "course_network.py:backward_propagation_wrong_rows", *COLUMNS, *CACHE)
    assert code == 1
    wrong = {n for n, d in diagnoses(data).items() if d}
    assert wrong == {"dE_dz2"}


def test_rows_divided_by_b_are_not_noted(capfd) -> None:
    code, data = check(capfd, "column_network.py:backward_propagation", *COLUMNS, *_DICTS)
    assert code == 0
    assert not any("not divided by B" in n for n in data["notes"])


_DICTS = [
    "--arg",
    'parameters={"W2": W2, "W3": W3}',
    "--arg",
    'cache={"Z1": z1, "A1": a1, "Z2": z2, "A2": a2, "A3": a3}',
]
PARAMS = [f'params["{name}"]={name}' for name in ("W1", "b1", "W2", "b2", "W3", "b3")]
MODEL = ["--quantity", "all", "--N", "4", "--I", "5", "--J", "6", "--K", "3"]
MODEL += ["--weights", "in-out", "--targets", "labels", "--batch-loss", "mean"]
MODEL += [arg for p in PARAMS for arg in ("--set", p)]


@pytest.mark.parametrize("model", ["CachingModel", "StoringModel"])
def test_dicts_of_parameters_and_forward_values_are_not_gradients(capfd, model) -> None:
    # self.params["W1"] is W1 and self.cache["A1"] is a1: bare keys of dicts that hold
    # something else; the gradients are in the returned dict, or in self.grads
    code, data = check(capfd, f"course_network.py:{model}.loss", *MODEL)
    assert code == 0 and data["passed"], data["findings"]
    assert set(diagnoses(data)) == {"E"} | SIX


def test_a_list_of_weight_and_bias_pairs_is_read_by_shapes(capfd) -> None:
    code, data = check(capfd, "course_network.py:backprop_pairs", *COLUMNS)
    assert code == 0 and data["passed"], data["findings"]
    assert set(diagnoses(data)) == SIX


class _Layers:
    def __init__(self) -> None:
        self.W = [numpy.zeros((2, 2)), numpy.zeros((3, 2))]


def test_set_into_an_entry_of_a_list_attribute_sets_the_objects_state() -> None:
    # W is an array of the input too: the object's attribute W is what --set 'W[0]=...' means
    given = numpy.ones((2, 2))
    scope = Scope({"W": given.copy()}, obj=_Layers())
    assign(["item", ["name", "W"], ["const", 1]], given, scope)
    assert scope.obj.W[1] is given
    assert numpy.array_equal(scope.arrays["W"], numpy.ones((2, 2)))  # the input untouched


def test_a_usual_name_never_hides_the_modules_own_functions_but_does_its_data() -> None:
    def X(value):  # a function of the module keeps its name
        return value

    scope = Scope({"x": numpy.zeros(2)}, module={"X": X}, aliases={"X": "x", "y": "t"})
    assert scope.value("X") is X
    # a script's training data X is not what forward(X) means: the input's array is
    scope = Scope({"x": numpy.zeros(2)}, module={"X": numpy.ones(9)}, aliases={"X": "x"})
    assert scope.value("X") is scope.arrays["x"]
    scope = Scope({"x": numpy.zeros(2)}, module={}, aliases={"X": "x"})
    assert scope.value("X") is scope.arrays["x"]


def test_a_quantity_that_cannot_be_computed_says_what_each_parameter_got(tmp_path, capfd) -> None:
    # cs231n's softmax_loss(x, y): x is the layer's input by its name, not the logits
    (tmp_path / "loss_of_x.py").write_text("def softmax_loss(x, y):\n    return 0.0, x\n")
    argv = ["--quantity", "all", "--K", "4", "--J", "5", "--targets", "labels"]
    code = main(["check-code", f"{tmp_path / 'loss_of_x.py'}:softmax_loss", *argv])
    err = capfd.readouterr().err
    assert code == 2
    assert "E needs W and b (or the logits z)" in err and "x gets a_prev, y gets t" in err
