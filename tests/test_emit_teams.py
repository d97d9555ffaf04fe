"""``derive emit`` on derivation files and posts written the way other teams write them
(``tests/emit_teams``: their own names, symbolic and concrete sizes, softmax/CE, MSE, BCE from
logits, an L2 penalty, a tanh layer, ReLU and hinge kinks, matrix notation, a KL divergence,
a refuted step, sizes no shape gives, zero-based ranges; examples as columns or rows with the
mean over them written out, no bias, theta / y_hat / X, labels in {-1, +1}, softplus,
log-cosh): every derivation emits or gets one line saying why;
every function agrees with the proved expression at 50 digits at inputs of 1e4 (float64 and
float32); the gradients agree with finite differences of the emitted loss; a tanh layer
trained with its emitted gradients learns."""

from __future__ import annotations

import functools
from pathlib import Path

import numpy as np
import pytest
from emit_support import inputs, reference

from derive.emit import Options, _compiled, emit_files

TEAMS = Path(__file__).resolve().parent / "emit_teams"
PATHS = sorted(p.name for p in [*TEAMS.glob("*.toml"), *TEAMS.glob("*.md")])  # files, posts
# derivations refused, by file: name -> the start of the one-line reason
REFUSED = {
    "refuted.toml": {"sigmoid slope (wrong)": "step 1 is refuted"},
    "zero_based.toml": {  # the discounted sum emits: v's n + 1 entries give n
        "d discounted / d v": "the size n is not the length of any argument's axis",
    },
}
REGIMES = [
    (1.0, 1.0, np.float64, 1e-12),
    (1e4, 1.0, np.float64, 1e-12),  # parameters of 1e4: scores of 1e4
    (1.0, 1e4, np.float64, 1e-12),  # data (logits, inputs) of 1e4
    (1e4, 1.0, np.float32, 1e-5),
    (1.0, 1e4, np.float32, 1e-5),
]


@functools.cache
def emitted(name: str):
    result = emit_files([TEAMS / name], Options())
    module = None if result.text is None else _compiled(result.text, Path(name).stem)
    return result, module


@pytest.mark.parametrize("name", PATHS)
def test_each_derivation_emits_or_gets_one_line_saying_why(name: str) -> None:
    result, module = emitted(name)
    refused = {o.result.name: o.reason for o in result.outcomes if o.function is None}
    assert set(refused) == set(REFUSED.get(name, {}))
    for derivation, start in REFUSED.get(name, {}).items():
        assert refused[derivation].startswith(start)
    for outcome in result.outcomes:
        message = outcome.message()
        assert "\n" not in message and "Traceback" not in message
        assert " s0" not in message and "s1" not in message  # the source's names, never ours
        if outcome.function is not None:
            assert callable(getattr(module, outcome.function))


def _sizes(outcome) -> dict[str, int]:
    sizes = {"B": 3}
    for argument in outcome.printed.arguments:
        for domain in argument.domains:
            for size in domain.size.free_symbols:
                sizes.setdefault(outcome.result.show(size), 3)
    return sizes


CASES = [
    (name, outcome.function)
    for name in PATHS
    for outcome in emitted(name)[0].outcomes
    if outcome.function is not None and outcome.printed.arguments
]


@pytest.mark.parametrize(("name", "function"), CASES)
def test_each_function_is_the_50_digit_value_at_inputs_of_1e4(name, function) -> None:
    result, module = emitted(name)
    (outcome,) = [o for o in result.outcomes if o.function == function]
    sizes = _sizes(outcome)
    for params, data, dtype, tolerance in REGIMES:
        rng = np.random.default_rng(11)
        values = inputs(outcome.printed, outcome.result.show, sizes, rng, params, data, dtype)
        with np.errstate(over="raise", invalid="raise", divide="raise"):  # no inf, NaN, log 0
            got = getattr(module, function)(*values.values())
        expected = reference(outcome.printed, outcome.result, values, sizes)
        assert np.all(np.isfinite(got)), (function, params, data, dtype)
        assert np.asarray(got).dtype == np.dtype(dtype)
        largest = max(float(np.max(np.abs(v))) for v in values.values())
        bound = tolerance * max(1 + largest, float(np.max(np.abs(expected))))
        np.testing.assert_allclose(np.asarray(got, dtype=float), expected, rtol=0, atol=bound)


# (file, loss, gradient, the argument it is taken with respect to)
GRADIENTS = [
    ("multiclass_logreg.toml", "loss", "grad_theta", "theta"),
    ("multiclass_logreg.toml", "loss", "grad_beta", "beta"),
    ("mse_regression.toml", "mse", "d_mse_d_coef", "coef"),
    ("mse_regression.toml", "mse", "d_mse_d_intercept", "intercept"),
    ("ridge.toml", "objective", "gradient", "wt"),
    ("tanh_layer.toml", "cost", "dcost_dA", "A"),
    ("tanh_layer.toml", "cost", "dcost_dbias", "bias"),
    ("relu_unit.toml", "hinge", "d_hinge_d_wv", "wv"),
    ("bce_logits.toml", "bce_with_logits", "dbce_dlogit", "logit"),  # per example
    ("gaussian_nll.toml", "nll", "dnll_dlogvar", "logvar"),  # per example
    ("logreg_columns.toml", "cost", "dw", "w"),  # examples as columns, the mean written out
    ("logreg_columns.toml", "cost", "db", "b"),
    ("mse_theta_mean.toml", "J", "grad_J", "theta"),
    ("softmax_theta_l2.toml", "J", "dJ_dTheta", "Theta"),
    ("margin_logistic.toml", "ell", "dell_dtheta", "theta"),
    ("softplus_unit.toml", "E", "dE_dW", "W"),
    ("logcosh.toml", "loss", "dloss_dw", "w"),
]


def _values(outcome, rng) -> dict:
    """N(0, 1) inputs: a batch of 3 examples, every size 3, scalars as Python floats."""
    values = {}
    for argument in outcome.printed.arguments:
        shape = [3] * (len(argument.domains) + argument.batched)
        values[argument.name] = rng.standard_normal(shape) if shape else float(rng.normal())
    return values


@pytest.mark.parametrize(("name", "loss", "gradient", "wrt"), GRADIENTS)
def test_gradients_match_finite_differences_of_the_emitted_loss(name, loss, gradient, wrt):
    result, module = emitted(name)
    outcomes = {o.function: o for o in result.outcomes}
    values = _values(outcomes[loss], np.random.default_rng(5))
    order = [a.name for a in outcomes[gradient].printed.arguments]
    got = getattr(module, gradient)(*(values[n] for n in order))

    def total(at) -> float:
        moved = {**values, wrt: at}
        return float(np.sum(getattr(module, loss)(*moved.values())))

    point = np.asarray(values[wrt], dtype=float)
    numeric = np.zeros_like(point)
    h = 1e-6
    for index in np.ndindex(point.shape):
        up, down = point.copy(), point.copy()
        up[index] += h
        down[index] -= h
        if not point.shape:  # a scalar argument stays a Python float
            up, down = float(up), float(down)
        numeric[index] = (total(up) - total(down)) / (2 * h)
    np.testing.assert_allclose(got, numeric, rtol=1e-6, atol=1e-6)


def test_a_tanh_layer_trained_with_its_emitted_gradients_learns() -> None:
    _, model = emitted("tanh_layer.toml")
    rng = np.random.default_rng(2)
    x = rng.standard_normal((64, 4))
    truth = rng.standard_normal((3, 4))
    y = np.tanh(x @ truth.T)  # targets a tanh layer can fit
    A, bias = 0.1 * rng.standard_normal((3, 4)), np.zeros(3)
    first = model.cost(A, bias, x, y)
    for _ in range(300):
        A = A - 0.01 * model.dcost_dA(A, bias, x, y)
        bias = bias - 0.01 * model.dcost_dbias(A, bias, x, y)
    assert model.cost(A, bias, x, y) < 0.05 * first


def test_sums_written_out_and_logs_of_ratios_are_shifted_by_proved_rewrites() -> None:
    two, _ = emitted("two_class.toml")
    for name in ("log-sum-exp (terms)", "softmax (terms)", "log-softmax (terms)"):
        (line,) = [line for line in two.text.splitlines() if line.strip().startswith(name)]
        assert "proved" in two.text[two.text.index(line) :].split("\n\n")[0]
    _, module = emitted("kl_divergence.toml")
    za = np.array([1e4, -1e4, 0.0])
    zb = np.array([0.0, 1e4, -1e4])
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        value = module.kl(za, zb)
    # p_a = (1, 0, 0), log p_b1 = 0 - 1e4: the KL is log p_a1 - log p_b1 = 1e4
    assert value == pytest.approx(1e4, rel=1e-12)


@pytest.mark.slow
def test_the_command_emits_every_file_and_post_in_one_module_that_check_finds_current(
    tmp_path, capsys
) -> None:
    import importlib.util

    from derive.cli import main

    out = tmp_path / "teams.py"
    sources = [str(TEAMS / name) for name in PATHS]
    assert main(["emit", *sources, "-o", str(out)]) == 1  # some derivations are refused
    printed = capsys.readouterr().out.splitlines()
    refused = [line for line in printed if " not emitted: " in line]
    expected = {(f, d) for f, derivations in REFUSED.items() for d in derivations}
    assert len(refused) == len(expected)
    for name, derivation in expected:
        assert any(f"{name}:" in line and f"'{derivation}'" in line for line in refused)
    assert not any("Traceback" in line for line in printed)
    spec = importlib.util.spec_from_file_location("teams", out)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    done = sum(o.function is not None for name in PATHS for o in emitted(name)[0].outcomes)
    assert len(module.__all__) == done
    assert main(["emit", *sources, "-o", str(out), "--check"]) == 1  # refusals again
    assert f"{out}: current" in capsys.readouterr().out
