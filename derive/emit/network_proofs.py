"""The proved results a whole-network module is printed from: the backprop recursion, checked.

The recursion is written as index templates over named errors, the form the printer turns into
matrix products:

    delta_j = relu'(z_j) sum_k W_kj delta_k,    dE/dW_ji = delta_j a_i,    dE/db_j = delta_j
    delta_i = relu'(z_i) sum_j W_ji delta_j,    dE/dW_in = delta_i x_n,    dE/db_i = delta_i

Each template, with its named errors replaced by what they stand for (delta_k = a_k - t_k from
the output layer, and so on down), must be exactly the last line of a derivation of
:mod:`derive.derivations.network` that the step checker proves against ``sympy.diff`` of the
composite loss; otherwise nothing is emitted (:class:`EmitError`).

Sizes. The output layer (loss, stable forms, delta_k, the W^L and b^L gradients) is checked for
symbolic K and J, so for every size. The recursion through the ReLU layers is checked for the
sizes of ``derive prove network`` (N = I = J = K = 2, about 30 s): with symbolic sizes SymPy
does not finish layer L-2 (docs/network.md), and the concrete chains grow fast with the sizes.
The templates do not depend on the sizes; the module for other sizes prints the same formulas.
"""

from __future__ import annotations

import functools
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

from sympy import Basic, Expr, Heaviside, IndexedBase, Sum

from derive.checker.verdict import Verdict
from derive.derivations import build, sizes_for
from derive.emit.proofs import EmitError, OutputLayerResults, check_proved, output_layer_results
from derive.model.loss import softmax
from derive.model.network import FIRST, HIDDEN, in_parameters, substitute, through_relu
from derive.model.primitives import relu_prime
from derive.model.symbols import W1, W, a, a2, a_prev, i, j, k, n, x, z1, z2
from derive.model.symbols import delta as DELTA
from derive.steps import Report

JOBS = min(2, os.cpu_count() or 1)  # worker processes for the network checks
NETWORK_STEP_TIMEOUT = 60.0  # the time guard per step, as everywhere (a few seconds needed)
# the errors of the hidden layers, dE/dz^{L-1}_j and dE/dz^{L-2}_i, as names in the templates
DELTA1 = IndexedBase("delta^{L-1}", real=True)
DELTA2 = IndexedBase("delta^{L-2}", real=True)


@dataclass(frozen=True)
class NetworkResults:
    """Proved index-level results for the whole network, ready for the printer.

    Attributes:
        sizes: (N, I, J, K), the sizes the module is for.
        output: the output layer's results (every K and J).
        heaviside_at_0: relu'(0) as the proved convention gives it (0).
        delta_j, grad_W_ji, grad_b_j: layer L-1, in terms of DELTA[k], z^{L-1}, a^{L-2}, W^L.
        delta_i, grad_W_in, grad_b_i: layer L-2, in terms of DELTA1[j], z^{L-2}, x, W^{L-1}.
        reports: the network derivations' reports, in the order of ``derive prove network``.
        proof_sizes: (N, I, J, K) the recursion was checked for.
    """

    sizes: tuple[int, int, int, int]
    output: OutputLayerResults
    heaviside_at_0: Expr
    delta_j: Expr
    grad_W_ji: Expr
    grad_b_j: Expr
    delta_i: Expr
    grad_W_in: Expr
    grad_b_i: Expr
    reports: tuple[Report, ...]
    proof_sizes: tuple[int, int, int, int]


def templates(J: int, K: int) -> dict[str, Expr]:
    """The recursion over named errors, by the name of the derivation that proves each line."""
    return {
        "delta_j": relu_prime(z1[j]) * Sum(W[k, j] * DELTA[k], (k, 1, K)),
        "dE/dW_ji": DELTA1[j] * a2[i],
        "dE/db_j": DELTA1[j],
        "delta_i": relu_prime(z2[i]) * Sum(W1[j, i] * DELTA1[j], (j, 1, J)),
        "dE/dW_in": DELTA2[i] * x[n],
        "dE/db_i": DELTA2[i],
    }


def _expanded(N: int, I_: int, J: int, K: int, delta_k: Expr) -> dict[str, Basic]:
    """The templates with every named error replaced: what the derivations must prove."""

    def layer1(expr: Basic) -> Basic:  # z^{L-1} through eq. (0) of layer L-1
        return substitute(expr, z1, lambda index: HIDDEN.logit(index, I_))

    def first(expr: Basic) -> Basic:  # z^{L-2} through eq. (0) of layer L-2
        return substitute(expr, z2, lambda index: FIRST.logit(index, N))

    t = templates(J, K)
    # delta_j in terms of z^{L-1}: z^L through eq. (0), a^{L-1} = relu(z^{L-1})
    d_j = through_relu(in_parameters(t["delta_j"].xreplace({DELTA[k]: delta_k}), J), a_prev, z1)
    d_j_below = through_relu(layer1(d_j), a2, z2)  # in terms of z^{L-2}
    d_i = t["delta_i"].xreplace({DELTA1[j]: d_j_below})
    return {
        "delta_j": d_j,
        "dE/dW_ji": layer1(t["dE/dW_ji"].xreplace({DELTA1[j]: d_j})),
        "dE/db_j": layer1(t["dE/db_j"].xreplace({DELTA1[j]: d_j})),
        "delta_i": d_i,
        "dE/dW_in": first(t["dE/dW_in"].xreplace({DELTA2[i]: d_i})),
        "dE/db_i": first(t["dE/db_i"].xreplace({DELTA2[i]: d_i})),
    }


def _check_one(task: tuple[tuple[int, int, int, int], int]) -> tuple[Verdict, ...]:
    """Check derivation ``index`` of the network set (runs in a worker process; a Report
    holds mapping proxies, which do not pickle, so only its verdicts travel back)."""
    (N, I_, J, K), index = task
    derivation = build("network", K, J, N, I_)[index]
    return check_proved(derivation, timeout=NETWORK_STEP_TIMEOUT).verdicts


@functools.lru_cache(maxsize=4)
def _proved_network(N: int, I_: int, J: int, K: int) -> tuple[Report, ...]:
    """Check the network derivations at these sizes (cached: about 6 s the first time, on two
    cores, as ``derive prove network`` does)."""
    derivations = build("network", K, J, N, I_)
    tasks = [((N, I_, J, K), index) for index in range(len(derivations))]
    if JOBS == 1:
        verdicts = list(map(_check_one, tasks))
    else:
        context = multiprocessing.get_context("fork")  # the workers share the built derivations
        with ProcessPoolExecutor(max_workers=JOBS, mp_context=context) as pool:
            verdicts = list(pool.map(_check_one, tasks))
    return tuple(Report(d, v) for d, v in zip(derivations, verdicts, strict=True))


def proof_sizes() -> tuple[int, int, int, int]:
    """(N, I, J, K) the recursion is checked for: those of ``derive prove network``."""
    sizes = sizes_for("network")
    return sizes["N"], sizes["I"], sizes["J"], sizes["K"]


def network_results(N: int, I_: int, J: int, K: int) -> NetworkResults:
    """Check the network's derivations and return the results the module is printed from.

    Args:
        N, I_, J, K: the module's sizes (ints >= 1): input, layers L-2, L-1 and L.

    Returns:
        The templates, proved as described in the module docstring (cached).

    Raises:
        EmitError: a step is not proved, or a proved line is not its template.
    """
    output = output_layer_results(K, J, every_size=True)
    sizes = proof_sizes()
    reports = _proved_network(*sizes)
    lines = {report.derivation.name: report.derivation.steps[-1].expr for report in reports}
    convention = lines.get("relu'(z_j)")
    if not (isinstance(convention, Heaviside) and convention.args[0] == z1[j]):
        raise EmitError(f"relu'(z_j) is not proved as a Heaviside convention: {convention}")
    Kp = sizes[3]
    delta_k = output.delta.xreplace({a[k]: softmax(k, Kp)})
    for name, expected in _expanded(*sizes, delta_k).items():
        if lines.get(name) != expected:
            raise EmitError(f"{name} is not proved in the form the module prints")
    t = templates(sizes[2], Kp)
    return NetworkResults(
        sizes=(N, I_, J, K),
        output=output,
        heaviside_at_0=convention.args[1],
        delta_j=t["delta_j"],
        grad_W_ji=t["dE/dW_ji"],
        grad_b_j=t["dE/db_j"],
        delta_i=t["delta_i"],
        grad_W_in=t["dE/dW_in"],
        grad_b_i=t["dE/db_i"],
        reports=reports,
        proof_sizes=sizes,
    )
