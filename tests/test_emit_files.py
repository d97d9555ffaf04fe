"""``derive emit FILE...`` on the example files and our own posts: every module imports, every
function agrees with the proved expression evaluated at 50 digits (at inputs up to 1e4, in
float64 and float32), the gradients agree with finite differences of the emitted loss, and a
model trained with them learns."""

from __future__ import annotations

import functools
from pathlib import Path

import numpy as np
import pytest
from emit_support import inputs, reference

from derive.emit import Options, _compiled, emit_files

ROOT = Path(__file__).resolve().parents[1]
POSTS = ROOT / "tests" / "emit_posts"
# file -> the data names (None: the file's own data marks)
FILES = {
    "examples/sigmoid_bce.toml": None,
    "examples/tanh_mse.toml": None,
    "examples/softmax_cross_entropy.toml": None,
    "examples/wrong.toml": None,
    "examples/softmax_post.md": ("t", "a^{L-1}"),
    "examples/softmax_paper.tex": ("t", "a^{L-1}"),
    "examples/algebra_post.md": None,
    "tests/emit_posts/sigmoid_bce.md": ("x", "t", "z"),
    "tests/emit_posts/tanh_mse.md": ("x", "t", "z"),
    "tests/emit_posts/softmax_ce.md": ("x", "t", "z"),
    "tests/emit_posts/mlp_relu.toml": None,
    "examples/matrix_regression.toml": None,
    "examples/matrix_slips.toml": None,
}
SIZES = {"B": 3, "J": 2, "K": 3, "I": 2, "H": 3, "m": 4, "n": 2}
# (parameters' magnitude, data's magnitude, dtype, tolerance per unit of max|input|)
REGIMES = [
    (1.0, 1.0, np.float64, 1e-12),
    (1e4, 1.0, np.float64, 1e-12),  # scores sum_i w_i x_i of 1e4
    (1.0, 1e4, np.float64, 1e-12),  # logits (data) of 1e4
    (1e4, 1.0, np.float32, 1e-5),
    (1.0, 1e4, np.float32, 1e-5),
]


@functools.cache
def emitted(path: str):
    data = FILES[path]
    result = emit_files([ROOT / path], Options(data=data))
    module = None if result.text is None else _compiled(result.text, Path(path).stem)
    return result, module


@pytest.mark.parametrize("path", sorted(FILES))
def test_each_file_emits_a_module_that_imports_or_says_why_per_result(path: str) -> None:
    result, module = emitted(path)
    assert result.outcomes
    for outcome in result.outcomes:
        if outcome.function is None:
            assert outcome.reason and "\n" not in outcome.message()
        else:
            assert callable(getattr(module, outcome.function))
            assert outcome.function in module.__all__


def test_the_wrong_file_emits_only_its_proved_derivation_and_names_each_refuted_step() -> None:
    result, _ = emitted("examples/wrong.toml")
    emitted_names = [o.function for o in result.outcomes if o.function]
    assert emitted_names == ["Delta_W_kj"]
    refused = {o.result.name: o.reason for o in result.outcomes if o.function is None}
    assert refused["dE/dz_k (forgot sum t = 1)"].startswith("step 2 is refuted")
    assert refused["dE/dz_k (sign)"].startswith("step 1 is refuted")
    assert not result.complete


CASES = [
    (path, outcome.function)
    for path in sorted(FILES)
    for outcome in emitted(path)[0].outcomes
    if outcome.function is not None
]


@pytest.mark.parametrize(("path", "function"), CASES)
@pytest.mark.parametrize(("params", "data", "dtype", "tolerance"), REGIMES)
def test_each_function_matches_the_50_digit_value_at_large_inputs(
    path, function, params, data, dtype, tolerance
) -> None:
    result, module = emitted(path)
    (outcome,) = [o for o in result.outcomes if o.function == function]
    values = inputs(
        outcome.printed, outcome.result.show, SIZES, np.random.default_rng(7), params, data, dtype
    )
    got = getattr(module, function)(*values.values())
    expected = reference(outcome.printed, outcome.result, values, SIZES)
    assert np.all(np.isfinite(got))
    assert np.asarray(got).dtype == np.dtype(dtype)
    largest = max(float(np.max(np.abs(v))) for v in values.values())
    # the bound, 1e-12 (1 + max|input|); a result that is a product of two inputs of
    # 1e4 (a loss (y - t)^2 with t = 1e4) is held to the same bound relative to its size
    bound = tolerance * max(1 + largest, float(np.max(np.abs(expected))))
    np.testing.assert_allclose(np.asarray(got, dtype=float), expected, rtol=0, atol=bound)


# posts written by others, with the softmax's and the sigmoid's parts written out in the logits
CORPUS = ["softmax_kramdown.md", "softmax_sum_name.md", "softmax_hat.md", "ufldl_backprop.tex"]


@pytest.mark.parametrize("name", CORPUS)
def test_posts_by_others_compute_the_50_digit_value_at_inputs_of_1e4(name) -> None:
    result = emit_files([ROOT / "tests" / "corpus" / name], Options())
    module = _compiled(result.text, "corpus")
    checked = 0
    for outcome in (o for o in result.outcomes if o.function is not None):
        sizes = {"B": 3}
        for argument in outcome.printed.arguments:
            for domain in argument.domains:
                for size in domain.size.free_symbols:
                    sizes.setdefault(outcome.result.show(size), 3)
        if not outcome.printed.arguments:
            continue
        values = inputs(
            outcome.printed, outcome.result.show, sizes, np.random.default_rng(3), 1e4, 1e4
        )
        got = getattr(module, outcome.function)(*values.values())
        expected = reference(outcome.printed, outcome.result, values, sizes)
        largest = max(float(np.max(np.abs(v))) for v in values.values())
        bound = 1e-12 * max(1 + largest, float(np.max(np.abs(expected))))
        assert np.all(np.isfinite(got)), outcome.function
        np.testing.assert_allclose(np.asarray(got, dtype=float), expected, rtol=0, atol=bound)
        checked += 1
    assert checked >= 2


def _finite_difference(f, x: np.ndarray, h: float = 1e-6) -> np.ndarray:
    grad = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        up, down = x.copy(), x.copy()
        up[index] += h
        down[index] -= h
        grad[index] = (f(up) - f(down)) / (2 * h)
    return grad


def test_tanh_gradients_match_finite_differences_of_the_emitted_loss() -> None:
    _, m = emitted("examples/tanh_mse.toml")
    rng = np.random.default_rng(3)
    w, x, b, t = rng.normal(size=4), rng.normal(size=(6, 4)), 0.3, rng.normal(size=6)
    by_w = _finite_difference(lambda v: m.L(v, x, b, t), w)
    by_b = _finite_difference(lambda v: m.L(w, x, float(v[0]), t), np.array([b]))[0]
    np.testing.assert_allclose(m.dL_dw_j(w, x, b, t), by_w, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(m.dL_db(w, x, b, t), by_b, rtol=1e-6, atol=1e-8)


def test_softmax_gradients_match_finite_differences_of_the_emitted_loss() -> None:
    _, file_module = emitted("examples/softmax_cross_entropy.toml")
    _, post_module = emitted("tests/emit_posts/softmax_ce.md")
    rng = np.random.default_rng(4)
    B, K, J = 5, 4, 3
    z, x = rng.normal(size=(B, K)), rng.normal(size=(B, J))
    t = rng.dirichlet(np.ones(K), size=B)
    W, b = rng.normal(size=(K, J)), rng.normal(size=K)
    by_z = _finite_difference(lambda v: file_module.E(v, t), z)
    np.testing.assert_allclose(file_module.dE_dz_k(z, t), by_z, rtol=1e-6, atol=1e-8)
    by_W = _finite_difference(lambda v: post_module.E(v, x, b, t), W)
    by_b = _finite_difference(lambda v: post_module.E(W, x, v, t), b)
    np.testing.assert_allclose(post_module.dE_dW_kj(W, x, b, t), by_W, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(post_module.dE_db_k(W, x, b, t), by_b, rtol=1e-6, atol=1e-8)


def test_relu_network_gradients_match_finite_differences_of_the_emitted_loss() -> None:
    _, m = emitted("tests/emit_posts/mlp_relu.toml")
    rng = np.random.default_rng(11)
    x, t = rng.normal(size=(7, 3)), rng.normal(size=7)
    V, c, w, b = rng.normal(size=(4, 3)), rng.normal(size=4), rng.normal(size=4), 0.2
    by_V = _finite_difference(lambda v: m.L(x, t, v, c, w, b), V)
    by_w = _finite_difference(lambda v: m.L(x, t, V, c, v, b), w)
    np.testing.assert_allclose(m.dL_dV_hi(x, t, V, c, w, b), by_V, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(m.dL_dw_h(x, t, V, c, w, b), by_w, rtol=1e-6, atol=1e-8)


def _bce(w, x, b, t) -> float:
    """The loss, written here in plain NumPy: an independent witness of training."""
    z = x @ w + b
    return float(np.sum(np.logaddexp(0, z) - t * z))


def test_logistic_regression_trained_with_emitted_gradients_learns() -> None:
    _, m = emitted("examples/sigmoid_bce.toml")
    rng = np.random.default_rng(5)
    x = rng.normal(size=(200, 3))
    t = (x @ np.array([2.0, -1.0, 0.5]) + 0.3 > 0).astype(float)
    w, b = np.zeros(3), 0.0
    before = _bce(w, x, b, t)
    for _ in range(200):
        w = w - 0.01 * m.dL_dw_j(w, x, b, t)
        b = b - 0.01 * float(m.dL_db(w, x, b, t))
    assert _bce(w, x, b, t) < 0.5 * before
    assert np.mean(((x @ w + b) > 0) == (t > 0)) > 0.9


def test_softmax_layer_trained_with_emitted_gradients_from_a_post_learns() -> None:
    _, m = emitted("tests/emit_posts/softmax_ce.md")
    rng = np.random.default_rng(6)
    B, K, J = 300, 3, 4
    x = rng.normal(size=(B, J))
    labels = np.argmax(x @ rng.normal(size=(J, K)), axis=1)
    t = np.eye(K)[labels]
    W, b = np.zeros((K, J)), np.zeros(K)
    before = float(m.E(W, x, b, t))
    for _ in range(100):
        W, b = W - 0.01 * m.dE_dW_kj(W, x, b, t), b - 0.01 * m.dE_db_k(W, x, b, t)
    assert float(m.E(W, x, b, t)) < 0.5 * before


def test_batch_mean_averages_and_batch_none_takes_one_example() -> None:
    path = ROOT / "examples/sigmoid_bce.toml"
    summed = _compiled(emit_files([path]).text, "summed")
    mean = _compiled(emit_files([path], Options(batch="mean")).text, "mean")
    single = _compiled(emit_files([path], Options(batch="none")).text, "single")
    rng = np.random.default_rng(8)
    w, x, b, t = rng.normal(size=3), rng.normal(size=(4, 3)), -0.2, rng.normal(size=4)
    np.testing.assert_allclose(mean.dL_dw_j(w, x, b, t), summed.dL_dw_j(w, x, b, t) / 4)
    per_example = [single.dL_dw_j(w, x[n], b, float(t[n])) for n in range(4)]
    assert per_example[0].shape == (3,)
    np.testing.assert_allclose(np.sum(per_example, axis=0), summed.dL_dw_j(w, x, b, t))
    # a derivative with respect to data stays per example: one value per logit
    u = rng.normal(size=4)
    assert summed.dL_du(u, t).shape == (4,)
    np.testing.assert_allclose(
        summed.dL_du(u, t), [single.dL_du(float(a), float(c)) for a, c in zip(u, t, strict=True)]
    )


def test_wrong_shapes_raise_one_line_errors_naming_the_argument() -> None:
    _, m = emitted("examples/softmax_cross_entropy.toml")
    W, b, x, t = np.zeros((3, 2)), np.zeros(3), np.zeros((4, 2)), np.zeros((4, 3))
    with pytest.raises(
        ValueError, match=r"^dE_dW_kj: b has shape \(2,\), expected \(K,\) = \(3,\)"
    ):
        m.dE_dW_kj(t, W, b[:2], x)
    with pytest.raises(ValueError, match=r"x has shape \(5, 2\), expected \(B, J\) = \(4, 2\)"):
        m.dE_dW_kj(t, W, b, np.zeros((5, 2)))
    with pytest.raises(ValueError, match=r"t has shape \(3,\), expected \(B, K\): 2 axes"):
        m.dE_dW_kj(t[0], W, b, x)
    with pytest.raises(ValueError, match="must hold real numbers"):
        m.dE_dW_kj(t, W.astype(complex), b, x)
    for error in (ValueError,):
        try:
            m.dE_dW_kj(t, W, b, np.zeros((5, 2)))
        except error as found:
            assert "\n" not in str(found)


def test_inputs_are_not_modified_and_lists_and_integers_are_accepted() -> None:
    _, m = emitted("examples/softmax_cross_entropy.toml")
    rng = np.random.default_rng(9)
    z = rng.normal(size=(3, 4))
    t = np.eye(4)[[0, 2, 1]]
    kept = z.copy()
    grad = m.dE_dz_k(z, t)
    np.testing.assert_array_equal(z, kept)
    np.testing.assert_allclose(m.dE_dz_k(z.tolist(), t.astype(int)), grad)
    assert m.dE_dz_k(z.astype(np.float32), t.astype(np.float32)).dtype == np.float32
