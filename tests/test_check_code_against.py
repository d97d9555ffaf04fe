"""``derive check-code ... --against FILE[:DERIVATION] --result NAME``: hand-written code against
a result of the user's own proved derivation (a derivation file, a post), with the suite, the
40-digit reference and the diagnosis of today's check-code where they apply."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pytest

from derive.cli import main
from derive.testing import EmitError, check_gradient_code

ROOT = Path(__file__).resolve().parents[1]
CODE = ROOT / "tests" / "code_under_test" / "own_derivation.py"
SIGMOID = str(ROOT / "examples" / "sigmoid_bce.toml")
SOFTMAX = str(ROOT / "examples" / "softmax_cross_entropy.toml")
TANH = str(ROOT / "examples" / "tanh_mse.toml")
POST = str(ROOT / "tests" / "emit_posts" / "softmax_ce.md")
MATRIX = str(ROOT / "examples" / "matrix_regression.toml")

sys.path.insert(0, str(CODE.parent))
import own_derivation as code  # noqa: E402 - the module under test lives beside the tests


@pytest.fixture(autouse=True)
def _restore_import_state(monkeypatch):
    """check-code puts the module's root on sys.path and imports it: undo that per test."""
    monkeypatch.setattr(sys, "path", list(sys.path))
    before = set(sys.modules)
    yield
    for name in set(sys.modules) - before:
        del sys.modules[name]


def run(capsys, *argv: str) -> tuple[int, str, str]:
    exit_code = main(["check-code", *argv])
    out, err = capsys.readouterr()
    return exit_code, out, err


def test_correct_code_passes_at_every_input_including_inputs_of_1e4() -> None:
    report = check_gradient_code(code.softmax_dW, "dE/dW_kj", against=SOFTMAX)
    assert report.passed, str(report)
    kinds = {c.kind for c in report.cases}
    assert {"data near +1e4", "data near -1e4", "rows 1e3 apart"} <= kinds
    assert all(c.used is not None and c.used < 0.1 for c in report.cases)  # far inside


def test_two_results_found_by_the_names_of_the_return_statement_in_float32() -> None:
    report = check_gradient_code(
        code.logistic_grads, ["dL/dw_j", "dL_db"], against=SIGMOID, dtype="float32"
    )
    assert report.passed, str(report)
    assert [q.name for q in report.quantities] == ["dL_dw_j", "dL_db"]


@pytest.mark.parametrize(
    ("function", "against", "result", "diagnosis", "headline"),
    [
        (
            "logistic_grad_w_mean",
            SIGMOID,
            "dL/dw_j",
            "batch-mean",
            "dL_dw_j is off by a factor 1/B: your function averages over the batch, the "
            "derivation sums",
        ),
        ("logistic_grad_w_sign", SIGMOID, "dL/dw_j", "sign", "dL_dw_j has its sign flipped"),
        (
            "logistic_grad_w_per_example",
            SIGMOID,
            "dL/dw_j",
            "per-example",
            "dL_dw_j has one row per example: your function returns shape (1, 4), the "
            "derivation sums over the batch to (J,); summed, it matches at every input",
        ),
        (
            "softmax_dW_transposed",
            SOFTMAX,
            "dE/dW_kj",
            "transposed",
            "dE_dW_kj is transposed: your function returns shape (4, 5), the derivation's "
            "dE_dW_kj is (K, J); transposed back, it matches at every input",
        ),
        (
            "softmax_dW_naive",
            SOFTMAX,
            "dE/dW_kj",
            "overflow",
            "dE_dW_kj overflows at large inputs: your function returns NaN at data near +1e4",
        ),
        (
            "softmax_dW_batch_shift",
            SOFTMAX,
            "dE/dW_kj",
            "overflow",
            "dE_dW_kj overflows at large inputs: your function returns NaN at rows 1e3 apart",
        ),
    ],
)
def test_the_usual_mistakes_are_named(function, against, result, diagnosis, headline) -> None:
    report = check_gradient_code(getattr(code, function), result, against=against)
    assert not report.passed
    assert report.diagnosis.name == diagnosis
    assert report.headline().startswith(headline), report.headline()


def test_a_square_result_transposed_is_named_from_its_values() -> None:
    report = check_gradient_code(
        code.softmax_dW_transposed, "dE/dW_kj", against=SOFTMAX, sizes={"K": 4, "J": 4}
    )
    assert report.diagnosis.name == "transposed"


def test_a_shift_by_the_whole_batch_is_told_apart_from_no_shift() -> None:
    report = check_gradient_code(code.softmax_dW_batch_shift, "dE_dW_kj", against=SOFTMAX)
    assert "shifts by the largest value of the whole batch" in report.headline()
    near = [c for c in report.cases if c.kind == "data near +1e4"]
    assert near and all(c.status == "ok" for c in near)


def test_inputs_satisfy_the_assumptions_the_proof_used() -> None:
    # a_k - t_k is proved under sum_d t_d = 1; the general a_k sum_d t_d - t_k agrees there
    report = check_gradient_code(code.softmax_dz_general, "dE/dz_k", against=SOFTMAX)
    assert report.passed, str(report)


def test_a_post_is_a_derivation_too_with_data_named() -> None:
    report = check_gradient_code(
        code.softmax_dW, "dE/dW_{kj}", against=POST, data=["x", "t", "z"], sizes={"K": 3}
    )
    assert report.passed, str(report)
    assert "K = 3" in report.layout


def test_matrix_notation_is_checked_and_a_missing_1_over_m_is_named() -> None:
    assert check_gradient_code(code.linear_gradient, "grad J", against=MATRIX)
    report = check_gradient_code(code.linear_gradient_summed, "grad J", against=MATRIX)
    assert report.diagnosis.name == "factor"
    assert report.headline().startswith(
        "grad_J is off by a factor m: the derivation divides by m, your function does not"
    )


def test_a_loss_that_cancels_as_written_has_a_reference_at_inputs_of_1e4() -> None:
    # log(1 - 1/(1 + e^{-z})) is 0 - 0 at any fixed precision once z is 1e4: the reference
    # is the proved stable form, cross-checked at two precisions, and no input is left out
    good = check_gradient_code(code.logistic_loss, "L", against=MATRIX)
    assert good.passed and not good.notes, str(good)
    assert {c.kind for c in good.cases} >= {"inputs near +1e4", "inputs near -1e4"}
    naive = check_gradient_code(code.logistic_loss_naive, "L", against=MATRIX)
    assert naive.diagnosis.name == "overflow"


def test_the_dtype_of_the_answer_is_checked() -> None:
    report = check_gradient_code(
        code.tanh_grads_in_float64, ["dL/dw_j", "dL/db"], against=TANH, dtype="float32"
    )
    # (a NumPy float64 scalar is a Python float, which carries no dtype: db is not flagged)
    assert [f.name for f in report.findings] == ["dtype"]
    assert report.findings[0].message.startswith("dL_dw_j is computed in float64")
    assert check_gradient_code(code.tanh_grads_in_float64, ["dL/dw_j", "dL/db"], against=TANH)


def test_a_method_with_its_state_set_and_its_results_read_from_the_object() -> None:
    report = check_gradient_code(
        code.TanhUnit.gradients,
        ["dL/dw_j", "dL/db"],
        against=TANH,
        sizes={"J": 3},
        build=lambda: code.TanhUnit(3),
        state={"w": "w", "b": "b"},
        result={"dL/dw_j": "self.dw", "dL/db": "self.db"},
    )
    assert report.passed, str(report)


def test_a_result_that_is_not_proved_is_refused_naming_the_step() -> None:
    wrong = str(ROOT / "examples" / "wrong.toml")
    with pytest.raises(EmitError, match=r"step 1 is refuted"):
        check_gradient_code(code.softmax_dz_general, "dE/dz_k (sign)", against=wrong)


def test_names_that_name_nothing_list_what_the_file_has() -> None:
    with pytest.raises(ValueError, match=r"no such result .*\(it has: 'sigma'', 'dL/du'"):
        check_gradient_code(code.logistic_grads, "dL/dv", against=SIGMOID)
    with pytest.raises(ValueError, match=r"has 4 results: say which with --result NAME"):
        check_gradient_code(code.logistic_grads, None, against=SIGMOID)


def test_a_parameter_that_is_no_argument_must_be_mapped() -> None:
    def grad(weights_vector, x, b, t):
        return x.T @ (0.5 + 0.5 * np.tanh(0.5 * (x @ weights_vector + b))) - x.T @ t

    with pytest.raises(ValueError, match=r"parameter 'weights_vector' is no argument"):
        check_gradient_code(grad, "dL/dw_j", against=SIGMOID)
    report = check_gradient_code(
        grad, "dL/dw_j", against=SIGMOID, arguments={"weights_vector": "w"}
    )
    assert report.passed, str(report)


def test_the_command_line_exits_0_1_2_and_prints_json(capsys) -> None:
    ok = run(capsys, f"{CODE}:softmax_dW", "--against", f"{SOFTMAX}:dE/dW_kj")
    assert ok[0] == 0 and ok[1].startswith("dE_dW_kj: own_derivation:softmax_dW matches")
    wrong = run(
        capsys,
        f"{CODE}:logistic_grad_w_mean",
        "--against",
        SIGMOID,
        "--result",
        "dL/dw_j",
        "--json",
    )
    assert wrong[0] == 1
    data = json.loads(wrong[1])
    assert data["diagnosis"] == "batch-mean" and data["quantity"] == "dL_dw_j"
    mean = run(
        capsys,
        f"{CODE}:logistic_grad_w_mean",
        "--against",
        SIGMOID,
        "--result",
        "dL_dw_j",
        "--batch-loss",
        "mean",
    )
    assert mean[0] == 0, mean[1]
    usage = run(capsys, f"{CODE}:softmax_dW", "--against", SOFTMAX, "--weights", "in-out")
    assert usage[0] == 2 and "--weights is a convention of the built-in layers" in usage[2]
    missing = run(capsys, f"{CODE}:softmax_dW", "--against", "no_such_file.toml")
    assert missing[0] == 2 and missing[2].count("\n") == 1 and "no_such_file.toml" in missing[2]


def test_the_command_line_reads_parts_and_sizes(capsys) -> None:
    exit_code, out, err = run(
        capsys,
        f"{CODE}:tanh_grads_in_float64",
        "--against",
        TANH,
        "--result",
        "dL/dw_j='w'",
        "--result",
        "dL/db=b",
        "--size",
        "J=3",
    )
    assert exit_code == 0, out + err
    assert "J = 3" in out.splitlines()[1]


def test_an_unproved_result_exits_1_with_one_line(capsys) -> None:
    wrong = str(ROOT / "examples" / "wrong.toml")
    exit_code, out, err = run(
        capsys, f"{CODE}:softmax_dz_general", "--against", f"{wrong}:dE/dz_k (sign)"
    )
    assert exit_code == 1 and out == ""
    assert err.count("\n") == 1 and "step 1 is refuted" in err


def test_a_reference_is_trusted_only_where_two_precisions_agree() -> None:
    from sympy import Symbol, exp, log

    from derive.testing.against.exact import StableEvaluator, trusted
    from derive.testing.precise import CONTEXT

    x = Symbol("x", real=True)
    cancels = log(1 - 1 / (1 + exp(-x)))  # 13 digits of 40 survive at x = 60, none at 200

    def at(value):
        return lambda: StableEvaluator({}, scalars={x: (CONTEXT.mpf(value), value)})

    found, _ = trusted(at(60), cancels, {})
    exact = -60 - CONTEXT.log(1 + CONTEXT.exp(-60))
    assert abs(found.value.item() - exact) < CONTEXT.mpf(10) ** -30
    nothing, _ = trusted(at(200), cancels, {})  # 0 at every precision: log 0, never a number
    assert not CONTEXT.isfinite(nothing.value.item())
