"""The library's derivations through the general path (as any file's derivations go) agree with
the built-in output-layer module, which stays a layout of its own (docs/emit.md)."""

from __future__ import annotations

import numpy as np
import pytest
from emit_support import inputs, reference

from derive.derivations import DERIVATIONS, output
from derive.emit import _compiled, output_layer_module
from derive.emit.derivation_results import derivation_results
from derive.emit.module import Options, emit_module
from derive.model.symbols import J, K, a_prev, t, z


def test_the_output_layer_derivations_emit_the_built_in_modules_values() -> None:
    chains = [output.loss_forms(K), output.grad_z(K), output.grad_W(K, J), output.grad_b(K, J)]
    emitted = emit_module(derivation_results(chains, data=[z, t, a_prev]), Options(), "python")
    assert emitted.complete
    general = _compiled(emitted.text, "library")
    layer = output_layer_module(4, 3)
    rng = np.random.default_rng(0)
    x, W, b = rng.normal(size=(6, 3)), rng.normal(size=(4, 3)), rng.normal(size=4)
    targets = np.eye(4)[rng.integers(0, 4, 6)]
    logits = layer.forward(x, W, b) * 1e3  # far into the softmax's saturation
    np.testing.assert_allclose(general.E(t=targets, z_L=logits), layer.E(logits, targets))
    np.testing.assert_allclose(
        general.dE_dz_k(t=targets, z_L=logits), layer.dE_dz(logits, targets), atol=1e-12
    )
    by_layer = layer.dE_dW(layer.forward(x, W, b), targets, x)
    np.testing.assert_allclose(general.dE_dW_kj(W_L=W, a_L_1=x, b_L=b, t=targets), by_layer)
    np.testing.assert_allclose(
        general.dE_db_k(W_L=W, a_L_1=x, b_L=b, t=targets),
        layer.dE_db(layer.forward(x, W, b), targets),
    )


# every library set whose derivations hold for every size (the concrete-size sets are the same
# chains at numbers); the matrix forms have their own notation
SETS = [
    "symbolic",
    "inputs",
    "regularization",
    pytest.param("network-symbolic", marks=pytest.mark.slow),
]
SIZES = {"B": 3, "K": 3, "J": 2, "I": 2, "N": 2}
REGIMES = [(1.0, np.float64, 1e-12), (1e4, np.float64, 1e-12), (1e4, np.float32, 1e-5)]


@pytest.mark.parametrize("name", SETS)
def test_each_library_derivation_emits_code_within_tolerance_at_inputs_of_1e4(name) -> None:
    chains = DERIVATIONS[name](K, J)
    emitted = emit_module(derivation_results(chains), Options(batch="none"), "python")
    module = _compiled(emitted.text, f"library_{name.replace('-', '_')}")
    done = [o for o in emitted.outcomes if o.function is not None]
    assert done, [o.message() for o in emitted.outcomes]
    for outcome in emitted.outcomes:
        assert outcome.function is not None or "\n" not in outcome.message()
    for outcome in done:
        for scale, dtype, tolerance in REGIMES:
            rng = np.random.default_rng(5)
            values = inputs(outcome.printed, outcome.result.show, SIZES, rng, scale, scale, dtype)
            got = getattr(module, outcome.function)(*values.values())
            expected = reference(outcome.printed, outcome.result, values, SIZES)
            largest = max(float(np.max(np.abs(v))) for v in values.values())
            bound = tolerance * max(1 + largest, float(np.max(np.abs(expected))))
            assert np.all(np.isfinite(got)), (outcome.function, scale, dtype)
            np.testing.assert_allclose(np.asarray(got, dtype=float), expected, rtol=0, atol=bound)
