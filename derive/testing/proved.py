"""The proved results a user's function is compared with, and the post's slip to diagnose with.

Nothing here is typed in by hand. The output layer's results come from
:func:`derive.emit.proofs.output_layer_results`, the network's recursion from
:func:`derive.emit.network_proofs.network_results`: the same proved index-level formulas the
emitter prints, and both refuse (``EmitError``) when a step is not proved. The single-path
softmax derivative, one of the usual wrong answers, is the reference post's own line
(:func:`derive.derivations.output.update_single_path`) with the learning rate and dz/dW taken
off, so a function that makes the post's slip is recognised by the post's formula.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from sympy import Expr, Integer, diff

from derive.derivations import output
from derive.emit.network_proofs import network_results, templates
from derive.emit.proofs import EmitError, OutputLayerResults, output_layer_results, t_sum
from derive.model.loss import softmax, targets_sum
from derive.model.network import logit
from derive.model.symbols import J as J_SYMBOL
from derive.model.symbols import K as K_SYMBOL
from derive.model.symbols import W, a, a_prev, b, c, d, eta, j, jp, k, z


@dataclass(frozen=True)
class Proved:
    """Proved index-level results for one check.

    Attributes:
        output: the output layer's results (every K and J): ``logit``, ``loss`` (in terms of
            the shifted logits, s and t_sum), ``delta`` (in terms of a[k], t[k] and, for
            targets that need not sum to 1, t_sum), ``grad_W``, ``grad_b``.
        slip: the post's single-path dE/dz_k, t_k/a_k written out, in terms of z and t.
        before_sum_t: the line of chain (3) before the Σ_d t_d = 1 step, a[k] t_sum - t[k]:
            the form a function that mishandles Σ_d t_d is measured with.
        network: the backprop recursion's templates at the user's J and K (None for the
            output layer): "delta_j", "dE/dW_ji", "dE/db_j", "delta_i", "dE/dW_in", "dE/db_i".
        heaviside_at_0: relu'(0) under the proved convention (docs/network.md).
    """

    output: OutputLayerResults
    slip: Expr
    before_sum_t: Expr
    network: dict[str, Expr] | None
    heaviside_at_0: Expr


@functools.lru_cache(maxsize=1)
def single_path() -> Expr:
    """The post's Delta W_kj = -eta dE/da_k da_k/dz_k dz_k/dW_kj, as dE/dz_k in terms of z.

    The step is built with symbolic K and J: divided by -eta, with dz_k/dW_kj (which the
    derivation ``dz_k/dW_kj`` proves is a_j) set to 1, and eq. (0) undone, z_c for
    b_c + sum_j' W_cj' a_j'.
    """
    step = output.update_single_path(K_SYMBOL, J_SYMBOL).steps[0].expr
    slip = (step / -eta).xreplace({diff(logit(k, J_SYMBOL), W[k, j]): Integer(1)})
    for index in (k, c, d):
        sum_of_products = logit(index, J_SYMBOL) - b[index]
        slip = slip.xreplace({sum_of_products: z[index] - b[index]})
    if slip.has(W) or slip.has(b) or slip.has(a_prev) or slip.has(eta) or slip.has(jp):
        raise EmitError(f"the post's single-path line did not reduce to the logits: {slip}")
    return slip


@functools.lru_cache(maxsize=1)
def before_sum_t() -> Expr:
    """a_k sum_d t_d - t_k, the line of the post's chain (3) just before sum_d t_d = 1."""
    line = output.grad_z(K_SYMBOL).steps[-2].expr
    # the softmax is a product inside a product: subs, not xreplace, finds it (as emit does)
    named = line.xreplace({targets_sum(K_SYMBOL): t_sum}).subs(softmax(k, K_SYMBOL), a[k])
    if named.has(z):
        raise EmitError(f"chain (3) before sum_d t_d = 1 is not in terms of a_k: {named}")
    return named


@functools.lru_cache(maxsize=8)
def proved(layer: str, sizes: tuple[tuple[str, int], ...], normalized: bool) -> Proved:
    """The proved results for ``layer`` ("output" or "network") at ``sizes`` (cached).

    Raises:
        EmitError: a result is not proved (nothing is compared with an unproved formula).
    """
    size = dict(sizes)
    if layer == "output":
        results = output_layer_results(size["K"], size["J"], normalized, every_size=True)
        return Proved(results, single_path(), before_sum_t(), None, Integer(0))
    net = network_results(size["N"], size["I"], size["J"], size["K"])
    # the templates are the same lines at any size: those checked at the proof sizes must be
    # the proved ones, the user's sizes only change the bounds of the sums
    at_proof = templates(net.proof_sizes[2], net.proof_sizes[3])
    checked = {
        "delta_j": net.delta_j,
        "dE/dW_ji": net.grad_W_ji,
        "dE/db_j": net.grad_b_j,
        "delta_i": net.delta_i,
        "dE/dW_in": net.grad_W_in,
        "dE/db_i": net.grad_b_i,
    }
    if at_proof != checked:
        raise EmitError("the network's templates are not the proved lines")
    rec = templates(size["J"], size["K"])
    return Proved(net.output, single_path(), before_sum_t(), rec, net.heaviside_at_0)
