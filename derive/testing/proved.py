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

from sympy import Expr, Integer, Sum, diff, log

from derive.derivations import build, output
from derive.derivations.regularization import kappa
from derive.emit.network_proofs import DELTA1, DELTA2, network_results, proof_sizes, templates
from derive.emit.proofs import (
    EmitError,
    OutputLayerResults,
    check_proved,
    output_layer_results,
    s,
    t_sum,
    z_shifted,
)
from derive.model.loss import softmax, targets_sum
from derive.model.network import FIRST, HIDDEN, in_parameters, logit, substitute, through_relu
from derive.model.symbols import I_ as I_SYMBOL
from derive.model.symbols import (
    W1,
    W2,
    W,
    a,
    a2,
    a_prev,
    b,
    c,
    d,
    eta,
    i,
    j,
    jp,
    k,
    n,
    t,
    z,
    z1,
    z2,
)
from derive.model.symbols import J as J_SYMBOL
from derive.model.symbols import K as K_SYMBOL
from derive.model.symbols import delta as DELTA
from derive.testing import cache


@dataclass(frozen=True)
class Proved:
    """Proved index-level results for one check.

    Attributes:
        output: the output layer's results (every K and J): ``logit``, ``loss`` (in terms of
            the shifted logits, s and t_sum), ``delta`` (in terms of a[k], t[k] and, for
            targets that need not sum to 1, t_sum), ``grad_W``, ``grad_b``.
        network: the backprop recursion's templates at the user's J and K (None for the
            output layer): "delta_j", "dE/dW_ji", "dE/db_j", "delta_i", "dE/dW_in", "dE/db_i".
        heaviside_at_0: relu'(0) under the proved convention (docs/network.md).
        inputs: the gradients w.r.t. the layers' inputs, in terms of the named errors:
            "dE/da_j" (the output layer's input), and for the network "dE/da_i" and
            "dE/dx_n" (empty unless asked for).
        l2: the gradient of the L2 term kappa sum W^2 w.r.t. W_kj (None unless asked for).

    Two lines are the post's, not proved results, built only when a diagnosis asks:
    ``slip``, the post's single-path dE/dz_k (t_k/a_k written out, in terms of z and t), and
    ``before_sum_t``, the line of chain (3) before the Σ_d t_d = 1 step, a[k] t_sum - t[k]
    (the form a function that mishandles Σ_d t_d is measured with).
    """

    output: OutputLayerResults
    network: dict[str, Expr] | None
    heaviside_at_0: Expr
    inputs: dict[str, Expr] | None = None
    l2: Expr | None = None

    @property
    def slip(self) -> Expr:
        return single_path()  # the post's line, not a proved result: built when diagnosing

    @property
    def before_sum_t(self) -> Expr:
        return before_sum_t()


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


@functools.lru_cache(maxsize=1)
def l2_gradient() -> Expr:
    """2 kappa W_kj, the proved last line of the L2 term's derivation (every K and J)."""
    (derivation,) = build("regularization")
    line = check_proved(derivation).derivation.steps[-1].expr
    if line != 2 * kappa * W[k, j]:
        raise EmitError(f"the L2 term's gradient is not proved as 2 kappa W_kj: {line}")
    return line


INPUT_TEMPLATES = {
    "dE/da_j": Sum(W[k, j] * DELTA[k], (k, 1, K_SYMBOL)),
    "dE/da_i": Sum(W1[j, i] * DELTA1[j], (j, 1, J_SYMBOL)),
    "dE/dx_n": Sum(W2[i, n] * DELTA2[i], (i, 1, I_SYMBOL)),
}


@functools.lru_cache(maxsize=1)
def output_input_gradient() -> Expr:
    """sum_k W_kj delta_k, checked against the proved dE/da_j (every K and J)."""
    (derivation,) = build("inputs")
    line = check_proved(derivation).derivation.steps[-1].expr
    delta_k = softmax(k, K_SYMBOL) - t[k]
    expected = in_parameters(INPUT_TEMPLATES["dE/da_j"].xreplace({DELTA[k]: delta_k}), J_SYMBOL)
    if line != expected:
        raise EmitError(f"dE/da_j is not proved in the form sum_k W_kj delta_k: {line}")
    return INPUT_TEMPLATES["dE/da_j"]


def _at(name: str, sizes: dict) -> Expr:
    """A template with its sum's bound at concrete sizes."""
    return INPUT_TEMPLATES[name].xreplace(sizes)


@functools.lru_cache(maxsize=1)
def network_input_gradients() -> dict[str, Expr]:
    """dE/da_i = sum_j W_ji delta_j and dE/dx_n = sum_i W_in delta_i, each checked against
    its proved line at the network's proof sizes (the templates do not depend on the sizes):
    the named errors are replaced by what they stand for, as the derivations write them."""
    N, I_, J, K = proof_sizes()
    sizes = {I_SYMBOL: I_, J_SYMBOL: J}
    lines = {
        d.name: check_proved(d).derivation.steps[-1].expr
        for d in build("network-inputs", K, J, N, I_)
    }
    rec = templates(J, K)
    delta_j = in_parameters(rec["delta_j"].xreplace({DELTA[k]: softmax(k, K) - t[k]}), J)
    delta_j = through_relu(delta_j, a_prev, z1)  # in terms of z^{L-1}
    layer1 = substitute(delta_j, z1, lambda index: HIDDEN.logit(index, I_))
    delta_i = rec["delta_i"].xreplace({DELTA1[j]: through_relu(layer1, a2, z2)})
    expected = {
        "dE/da_i": _at("dE/da_i", sizes).xreplace({DELTA1[j]: layer1}),
        "dE/dx_n": substitute(
            _at("dE/dx_n", sizes).xreplace({DELTA2[i]: delta_i}),
            z2,
            lambda index: FIRST.logit(index, N),
        ),
    }
    for name, line in expected.items():
        if lines.get(name) != line:
            raise EmitError(f"{name} is not proved in the form its template says")
    return {name: INPUT_TEMPLATES[name] for name in expected}


@functools.lru_cache(maxsize=8)
def proved(
    layer: str,
    sizes: tuple[tuple[str, int], ...],
    normalized: bool,
    needs: frozenset[str] = frozenset(),
) -> Proved:
    """The proved results for ``layer`` ("output", "shallow" or "network") at ``sizes``
    (cached in the process, and, as the fact that the proofs passed, on disk:
    :mod:`derive.testing.cache`).

    Every result has a known form (:func:`known`: the templates the derivations' last lines
    must equal, which do not depend on the sizes). The proofs are run unless this version
    of derive has seen them pass; their lines are then compared with the known forms, and
    only if every one is equal is that fact kept. A kept fact gives back the known forms, so
    what the disk holds can skip a proof but never put a formula into the check.

    Args:
        needs: further results: "inputs" (the gradients w.r.t. the layers' inputs),
            "regularization" (the L2 term's gradient).

    Raises:
        EmitError: a result is not proved (nothing is compared with an unproved formula).
    """
    size = dict(sizes)
    key = {"layer": layer, "normalized": normalized, "needs": sorted(needs)}
    expected = known(layer, size, normalized, needs)
    if cache.proved_before(key):
        return expected
    found = _prove(layer, size, normalized, needs)
    if _forms(found) == _forms(expected):
        cache.remember(key)
    return found


def _forms(found: Proved) -> dict[str, Expr | None]:
    o = found.output
    return {
        "loss": o.loss,
        "delta": o.delta,
        "grad_W": o.grad_W,
        "grad_b": o.grad_b,
        "logit": o.logit,
        "at_0": found.heaviside_at_0,
        "l2": found.l2,
        **(found.network or {}),
        **(found.inputs or {}),
    }


def known(layer: str, size: dict, normalized: bool, needs: frozenset[str]) -> Proved:
    """The results in the forms their proofs end in (see :func:`proved`)."""
    K = K_SYMBOL
    delta = a[k] - t[k] if normalized else a[k] * t_sum - t[k]
    output = OutputLayerResults(
        K=size["K"],
        J=size["J"],
        normalized_targets=normalized,
        logit=in_parameters(z[k], size["J"]),
        loss=t_sum * log(s) - Sum(t[d] * z_shifted[d], (d, 1, K)),
        delta=delta,
        grad_W=DELTA[k] * a_prev[j],
        grad_b=DELTA[k],
        reports=(),
        checked_for="every K and J (symbolic sizes), proved by this version before",
    )
    inputs = None
    if "inputs" in needs:
        inputs = {name: INPUT_TEMPLATES[name] for name in INPUT_NAMES[layer]}
    l2 = 2 * kappa * W[k, j] if "regularization" in needs else None
    network = templates(size["J"], size["K"]) if layer != "output" else None
    return Proved(output, network, Integer(0), inputs, l2)


# the input gradients of each kind of check: one hidden layer has the network's top two
INPUT_NAMES = {
    "output": ("dE/da_j",),
    "shallow": ("dE/da_j", "dE/da_i"),
    "network": ("dE/da_j", "dE/da_i", "dE/dx_n"),
}


def _prove(layer: str, size: dict, normalized: bool, needs: frozenset[str]) -> Proved:
    l2 = l2_gradient() if "regularization" in needs else None
    if layer == "output":
        results = output_layer_results(size["K"], size["J"], normalized, every_size=True)
        inputs = {"dE/da_j": output_input_gradient()} if "inputs" in needs else None
        return Proved(results, None, Integer(0), inputs, l2)
    # one hidden layer: the network's layers L-1 and L, whose proofs take the hidden layer's
    # input a^{L-2} as any array (x here); the recursion below it is not used
    net = network_results(size["N"], size.get("I", size["N"]), size["J"], size["K"])
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
    inputs = None
    if "inputs" in needs:
        found = {"dE/da_j": output_input_gradient(), **network_input_gradients()}
        inputs = {name: found[name] for name in INPUT_NAMES[layer]}
    return Proved(net.output, rec, net.heaviside_at_0, inputs, l2)
