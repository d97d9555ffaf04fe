"""The library's derivations through the general path (as any file's derivations go) agree with
the built-in output-layer module, which stays a layout of its own (docs/emit.md)."""

from __future__ import annotations

import numpy as np

from derive.derivations import output
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
