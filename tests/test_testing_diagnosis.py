"""Wrong gradient code is caught and diagnosed: each usual mistake is named, with the smallest
input that shows it and both values; a function that raises, returns the wrong thing or hangs
gets a clear report, never a traceback from inside derive."""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest

from derive.testing import assert_gradient_code, check_gradient_code

ARGS = {"X": "a_prev", "W": "W", "b": "b", "y": "t"}
SIZES = {"K": 4, "J": 6}


def softmax(z):
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def grad_z(X, W, b, y):
    return softmax(X @ W.T + b) - y


def grad_W(X, W, b, y):
    return grad_z(X, W, b, y).T @ X


def check(fn, quantity="dE_dW", **options):
    options.setdefault("sizes", SIZES)
    options.setdefault("arguments", ARGS)
    return check_gradient_code(fn, quantity, **options)


def test_an_averaged_gradient_is_off_by_1_over_B_with_the_issues_message() -> None:
    report = check(lambda X, W, b, y: grad_W(X, W, b, y) / len(X))
    assert not report.passed and report.diagnosis.name == "batch-mean"
    assert report.diagnosis.message == (
        "dE_dW is off by a factor 1/B: your function averages over the batch, the derivation "
        "sums (B = 3, worst relative difference 0.667)"
    )
    # the smallest input that shows it: B = 1 passes, the first batch fails
    assert report.cases[0].B == 1 and report.cases[0].status == "ok"
    assert report.diagnosis.case.case.B == 3
    text = str(report)
    assert "smallest input that shows it: random, B = 3" in text
    assert "yours" in text and "the derivation's" in text


def test_a_summed_gradient_where_the_loss_is_a_mean_is_off_by_B() -> None:
    report = check(grad_W, batch_loss="mean")
    assert report.diagnosis.name == "batch-mean"
    assert "off by a factor B: your function sums over the batch" in report.diagnosis.message


def test_a_transposed_gradient_is_named_by_its_shape() -> None:
    report = check(lambda X, W, b, y: X.T @ grad_z(X, W, b, y))
    assert report.diagnosis.name == "transposed"
    assert "returns shape (6, 4)" in report.diagnosis.message
    assert "(K, J) = (4, 6)" in report.diagnosis.message
    assert "transposed back, it matches at every input" in report.diagnosis.message


def test_a_transposed_gradient_of_a_square_layer_is_named_by_its_values() -> None:
    report = check(lambda X, W, b, y: grad_W(X, W, b, y).T, sizes={"K": 5, "J": 5})
    assert report.diagnosis.name == "transposed"
    assert "returns the transpose of the derivation's dE_dW" in report.diagnosis.message
    assert any("square weight matrix" in note for note in report.notes)


def test_weights_taken_in_the_other_layout_are_named() -> None:
    def grad_in_out(X, W, b, y):  # written for W as (J, K)
        return X.T @ (softmax(X @ W + b) - y)

    report = check(grad_in_out)  # declared (out, in): it raises on the non-square W
    assert report.diagnosis.name == "transposed"
    assert "takes the weights transposed, as (in, out)" in report.diagnosis.message
    assert "with weights in-out it matches the derivation at every input" in (
        report.diagnosis.message
    )


def test_a_flipped_sign_is_named() -> None:
    report = check(lambda X, W, b, y: -grad_W(X, W, b, y))
    assert report.diagnosis.name == "sign"
    assert "worst relative difference 2)" in report.diagnosis.message


def test_taking_sum_t_as_1_for_targets_that_do_not_sum_to_1_is_named() -> None:
    report = check(grad_z, "dE_dz", targets="soft", normalized_targets=False)
    assert report.diagnosis.name == "sum-t"
    assert "missing the Σ_d t_d factor" in report.diagnosis.message
    assert "these targets sum to 0.5" in report.diagnosis.message

    def loss_assuming_sum_1(X, W, b, y):
        z = X @ W.T + b
        m = z.max(axis=1)
        return (m + np.log(np.exp(z - m[:, None]).sum(axis=1))).sum() - (y * z).sum()

    report = check(loss_assuming_sum_1, "E", targets="soft", normalized_targets=False)
    assert report.diagnosis.name == "sum-t"
    assert report.diagnosis.message.startswith("E is missing the Σ_d t_d factor")


def test_summing_the_targets_over_the_whole_batch_is_named() -> None:
    report = check(lambda X, W, b, y: softmax(X @ W.T + b) * y.sum() - y, "dE_dz")
    assert report.diagnosis.name == "sum-t"
    assert "sums the targets over the whole batch" in report.diagnosis.message


@pytest.mark.parametrize("targets", ["one-hot", "soft"])
def test_the_posts_single_path_derivative_is_named(targets) -> None:
    def single_path(X, W, b, y):
        a = softmax(X @ W.T + b)
        return (-y / a * a * (1 - a)).T @ X  # dE/da_k da_k/dz_k only

    report = check(single_path, targets=targets)
    assert report.diagnosis.name == "single-path"
    assert "the reference post's slip" in report.diagnosis.message
    assert report.diagnosis.case.case.B == 1  # visible at once: one example suffices
    # -y/a divides by probabilities that underflow to 0 at logits of 1e4: also reported
    assert [f.name for f in report.findings] == ["single-path", "overflow"]


def test_an_unshifted_softmax_overflows_at_large_logits() -> None:
    def naive(X, W, b, y):
        e = np.exp(X @ W.T + b)
        return (e / e.sum(axis=1, keepdims=True) - y).T @ X

    report = check(naive)
    assert report.diagnosis.name == "overflow"
    message = report.diagnosis.message
    assert "returns NaN at logits near +1e4" in message
    assert "overflow encountered in exp" in message  # NumPy's warning, recorded
    assert [c.status for c in report.cases if "1e" not in c.kind] == ["ok"] * 6
    # rows 1e3 apart overflow too: e^1000 is inf
    assert [c.status for c in report.cases if "1e3" in c.kind] == ["wrong"]


def test_a_log_clipped_by_an_epsilon_is_wrong_at_large_logits() -> None:
    def clipped_loss(X, W, b, y):
        return -(y * np.log(np.clip(softmax(X @ W.T + b), 1e-300, 1.0))).sum()

    report = check(clipped_loss, "E")
    assert report.diagnosis.name == "overflow"
    assert "wrong at large logits only" in report.diagnosis.message


def test_float64_computed_where_float32_came_in_is_named() -> None:
    report = check(
        lambda X, W, b, y: grad_W(*(a.astype(np.float64) for a in (X, W, b, y))), dtype="float32"
    )
    assert [f.name for f in report.findings] == ["dtype"]
    assert "computed in float64 where float32 came in" in report.diagnosis.message
    assert all(case.status == "ok" for case in report.cases)  # the values are fine


def test_relu_prime_of_0_taken_as_1_is_named_for_the_network() -> None:
    def layer1_grad(x, W1, b1, W2, b2, W3, b3, t):
        z1 = x @ W1.T + b1
        a1 = np.maximum(z1, 0)
        z2 = a1 @ W2.T + b2
        d3 = softmax(np.maximum(z2, 0) @ W3.T + b3) - t
        d2 = (d3 @ W3) * (z2 >= 0)  # relu'(0) = 1
        return d2.T @ a1

    report = check_gradient_code(layer1_grad, "dE_dW2", sizes={"N": 3, "I": 4, "J": 5, "K": 2})
    assert report.diagnosis.name == "relu-convention"
    assert "relu'(0) = 1" in report.diagnosis.message
    # z2 >= 0 is relu'(0) = 1 in layer 2; layer 1's mask is right
    assert report.diagnosis.case.case.kind == "ReLU pre-activations exactly 0 in layer 2"
    assert [c.status for c in report.cases if "ReLU" not in c.kind] == ["ok"] * 11
    assert [c.status for c in report.cases if "ReLU" in c.kind] == ["ok", "wrong"]


def test_an_error_of_no_usual_kind_is_reported_with_the_smallest_input() -> None:
    report = check(lambda X, W, b, y: grad_W(X, W, b, y) * 1.01)
    assert report.diagnosis.name == "wrong"
    assert "none of the usual mistakes fits" in report.diagnosis.message
    assert "smallest input random (B = 1, worst relative difference 0.01)" in (
        report.diagnosis.message
    )


def test_a_function_that_raises_gets_a_report_naming_its_own_line() -> None:
    def broken(X, W, b, y):
        return grad_W(X, W, b, y)[:, 100] + {}["missing"]

    report = check(broken)
    assert report.diagnosis.name == "raised"
    assert "your function raised" in report.diagnosis.message
    assert "test_testing_diagnosis.py:" in report.diagnosis.message
    assert "in broken" in report.diagnosis.message
    assert all(case.status == "raised" for case in report.cases)


def test_a_function_that_calls_sys_exit_does_not_end_the_check() -> None:
    def leaves(X, W, b, y):
        raise SystemExit(3)

    assert check(leaves).diagnosis.name == "raised"


@pytest.mark.parametrize(
    ("fn", "words"),
    [
        (lambda X, W, b, y: None, "returned None"),
        (lambda X, W, b, y: (1.0, 2.0 * X), "returned a tuple of 2 values"),
        (lambda X, W, b, y: grad_W(X, W, b, y)[None], "returned shape (1, 4, 6), expected"),
        (lambda X, W, b, y: "dW", "not real numbers"),
    ],
)
def test_a_function_that_returns_something_else_is_named(fn, words) -> None:
    report = check(fn)
    assert report.diagnosis.name == "returned"
    assert words in report.diagnosis.message


def test_a_part_of_a_returned_tuple_is_found_by_its_shape() -> None:
    report = check(lambda X, W, b, y: (1.0, grad_W(X, W, b, y)))
    assert report.passed, str(report)
    report = check(lambda X, W, b, y: (1.0, -grad_W(X, W, b, y)))
    assert report.diagnosis.name == "sign"


def test_a_function_that_hangs_is_stopped_and_reported() -> None:
    def spins(X, W, b, y):
        while True:
            pass

    report = check(spins, timeout=0.2)
    assert report.diagnosis.name == "hung"
    assert "did not return within 0.2 s at random, B = 1" in report.diagnosis.message
    assert [c.status for c in report.cases] == ["hung"] + ["not run"] * 10


def test_a_hang_is_stopped_off_the_main_thread_too() -> None:
    def sleeps(X, W, b, y):
        time.sleep(2.0)  # a daemon thread is abandoned; it ends on its own

    reports = []
    worker = threading.Thread(target=lambda: reports.append(check(sleeps, timeout=0.1)))
    worker.start()
    worker.join()
    assert reports[0].diagnosis.name == "hung"


def test_changing_an_input_in_place_is_noted_and_does_not_change_the_suite() -> None:
    def scales(X, W, b, y):
        result = grad_W(X, W, b, y)
        X *= 2.0
        return result

    report = check(scales)
    assert report.passed
    assert any("changes its input X in place" in note for note in report.notes)


def test_assert_gradient_code_raises_assertion_error_with_the_report() -> None:
    with pytest.raises(AssertionError) as raised:
        assert_gradient_code(
            lambda X, W, b, y: grad_W(X, W, b, y) / len(X), "dE_dW", sizes=SIZES, arguments=ARGS
        )
    assert str(raised.value).startswith("dE_dW is off by a factor 1/B")
    assert "inputs:" in str(raised.value)


def test_the_report_is_the_same_twice_and_json_ready() -> None:
    import json

    first = check(lambda X, W, b, y: -grad_W(X, W, b, y)).to_dict()
    second = check(lambda X, W, b, y: -grad_W(X, W, b, y)).to_dict()
    assert json.dumps(first) == json.dumps(second)
    assert first["passed"] is False and first["diagnosis"] == "sign"
    finding = first["findings"][0]
    assert finding["input"]["B"] == 1 and set(finding["input"]["arrays"]) == set(ARGS)
    assert np.allclose(finding["yours"], -np.asarray(finding["derivation"]))


def test_non_finite_values_are_strings_in_json() -> None:
    import json

    def naive(X, W, b, y):
        e = np.exp(X @ W.T + b)
        return (e / e.sum(axis=1, keepdims=True) - y).T @ X

    data = check(naive).to_dict()
    text = json.dumps(data, allow_nan=False)  # would raise on a bare NaN
    assert '"nan"' in text


def _in_float32(X, W, b, y):
    """Right, but the input rounded to float32 on the way (as a model built in float32
    casts it); the answer still comes back in float64."""
    X32 = X.astype(np.float32)
    return grad_z(X32, W, b, y).T @ X32


def test_code_that_rounds_to_float32_is_named_and_passes_a_float32_check() -> None:
    report = check(_in_float32)
    assert not report.passed and report.diagnosis.name == "precision"
    assert "matches the derivation only to float32's precision" in report.diagnosis.message
    assert "--dtype float32" in report.diagnosis.message
    assert check(_in_float32, dtype="float32").passed


def test_an_error_larger_than_float32_rounding_is_not_a_precision_finding() -> None:
    report = check(lambda X, W, b, y: grad_W(X, W, b, y) * (1 + 1e-4))
    assert not report.passed and report.diagnosis.name == "wrong"
