"""The proved quantities at one case, evaluated at 40 digits, and the usual wrong answers.

For each example of a case the layers are evaluated as the derivation defines them: the
logits by eq. (0) (or as given), relu as Max(0, .), the softmax, then the proved results
(:mod:`derive.testing.proved`) with their named parts bound: a_k, sum_d t_d, delta_k, and down
the network delta_j and delta_i. Per-example values are then summed over the batch (or
averaged, for a mean batch loss), which is the only convention added here.

A *variant* swaps one ingredient for a usual mistake, to see whether a wrong function computes
exactly that: the post's single-path delta, sum_d t_d taken as 1 or summed over the whole
batch, relu'(0) taken as 1 or 1/2.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy
from sympy import IndexedBase, Integer, Rational, Symbol

from derive.emit.network_proofs import DELTA1, DELTA2
from derive.emit.proofs import m, s, t_sum, z_shifted
from derive.model.loss import softmax, softmax_denominator, targets_sum
from derive.model.network import FIRST, HIDDEN, OUTPUT, relu
from derive.model.symbols import I_ as I_SYMBOL
from derive.model.symbols import W1, W2, W, a, a2, a_prev, b, b1, b2, delta, i, j, k, n, t, x
from derive.model.symbols import J as J_SYMBOL
from derive.model.symbols import K as K_SYMBOL
from derive.model.symbols import N as N_SYMBOL
from derive.model.symbols import z as z_L
from derive.model.symbols import z1 as z_L1
from derive.model.symbols import z2 as z_L2
from derive.testing.inputs import Case
from derive.testing.precise import CONTEXT, ZERO, Evaluator, Value, to_mp
from derive.testing.proved import Proved
from derive.testing.spec import ARRAYS, Options

VARIANTS = {
    None: "the derivation",
    "single-path": "the post's single-path dE/dz_k",
    "sum-t-one": "sum_d t_d taken as 1",
    "sum-t-batch": "sum_d t_d summed over the whole batch",
    "relu-one": "relu'(0) = 1",
    "relu-half": "relu'(0) = 1/2",
}
# numeric's names -> the derivation's arrays (W1 is the layer next to the input, W^{L-2})
NETWORK_BASES: dict[str, IndexedBase] = {
    "x": x,
    "W1": W2,
    "b1": b2,
    "W2": W1,
    "b2": b1,
    "W3": W,
    "b3": b,
    "t": t,
}


@dataclass(frozen=True)
class Exact:
    """A quantity at one case: value and magnitude (object arrays of mpf, the derivation's
    layout, batch reduced), and the largest logit magnitude met on the way (the
    conditioning of the computation, for the tolerance)."""

    value: numpy.ndarray
    magnitude: numpy.ndarray
    logit_scale: float


def _pair(v: Value) -> tuple[numpy.ndarray, numpy.ndarray]:
    return v.value, v.magnitude


def _output_part(
    proved: Proved, ev_arrays: dict, sizes: dict, variant: str | None, batch_t_sum
) -> dict[str, Value]:
    """Softmax, loss and delta of one example, from the logits in ``ev_arrays[z_L]``."""
    K = sizes["K"]
    base = {K_SYMBOL: K}
    ranges = {k: (1, K)}
    ev = Evaluator(ev_arrays, sizes=base)
    softmax_k = ev.evaluate(softmax(k, K_SYMBOL), ranges)
    denominator = ev.evaluate(softmax_denominator(K_SYMBOL))
    total = ev.evaluate(targets_sum(K_SYMBOL))
    total = (total.value.item(), total.magnitude.item())
    if variant == "sum-t-one":
        total = (CONTEXT.mpf(1), CONTEXT.mpf(1))
    elif variant == "sum-t-batch":
        total = batch_t_sum
    named = Evaluator(
        {**ev_arrays, a: _pair(softmax_k), z_shifted: ev_arrays[z_L]},
        scalars={t_sum: total, s: _pair(denominator), m: (ZERO, ZERO)},
        sizes=base,
    )
    if variant == "single-path":
        delta_k = ev.evaluate(proved.slip, ranges)
    elif variant in ("sum-t-one", "sum-t-batch"):
        delta_k = named.evaluate(proved.before_sum_t, ranges)
    else:
        delta_k = named.evaluate(proved.output.delta, ranges)
    return {"E": named.evaluate(proved.output.loss), "delta": delta_k}


def _dense(layer, weights, bias, inputs, out_index, size_in_symbol, sizes, out_size) -> Value:
    """z = W a + b of one layer, by its eq. (0)."""
    ev = Evaluator({layer.W: weights, layer.b: bias, layer.inputs: inputs}, sizes=sizes)
    return ev.evaluate(layer.logit(out_index, size_in_symbol), {out_index: (1, out_size)})


def _relu(pre: Value, base: IndexedBase, index: Symbol, size: int) -> Value:
    ev = Evaluator({base: _pair(pre)})
    return ev.evaluate(relu(base[index]), {index: (1, size)})


def _mp(array: numpy.ndarray) -> tuple[numpy.ndarray, None]:
    return to_mp(array), None


def _output_example(proved: Proved, options: Options, arrays: dict, variant, batch_t_sum):
    K, J = options.sizes["K"], options.sizes["J"]
    given = set(options.arguments.values())
    sizes = {K_SYMBOL: K, J_SYMBOL: J}
    if "z" in given:
        logits = Value((k,), *_pair_abs(arrays["z"]))
    else:
        logits = _dense(
            OUTPUT,
            _mp(arrays["W"]),
            _mp(arrays["b"]),
            _mp(arrays["a_prev"]),
            k,
            J_SYMBOL,
            sizes,
            K,
        )
    bound = {z_L: _pair(logits), t: _mp(arrays["t"])}
    out = _output_part(proved, bound, options.sizes, variant, batch_t_sum)
    values = {"E": out["E"], "dE_dz": out["delta"]}
    ev = Evaluator({delta: _pair(out["delta"]), a_prev: _mp(arrays["a_prev"])}, sizes=sizes)
    if options.quantity.name == "dE_dW":
        values["dE_dW"] = ev.evaluate(proved.output.grad_W, {k: (1, K), j: (1, J)})
    values["dE_db"] = ev.evaluate(proved.output.grad_b, {k: (1, K)})
    return values, _largest(logits.magnitude)


def _pair_abs(array: numpy.ndarray) -> tuple[numpy.ndarray, numpy.ndarray]:
    value = to_mp(array)
    return value, numpy.frompyfunc(abs, 1, 1)(value)


def _largest(magnitude: numpy.ndarray) -> float:
    return float(max(magnitude.flat, default=ZERO))


def _network_example(proved: Proved, options: Options, arrays: dict, variant, batch_t_sum):
    N, I_, J, K = (options.sizes[name] for name in "NIJK")
    sizes = {N_SYMBOL: N, I_SYMBOL: I_, J_SYMBOL: J, K_SYMBOL: K}
    mp = {name: _mp(arrays[name]) for name in NETWORK_BASES}
    z2 = _dense(FIRST, mp["W1"], mp["b1"], mp["x"], i, N_SYMBOL, sizes, I_)
    act2 = _relu(z2, z_L2, i, I_)
    z1 = _dense(HIDDEN, mp["W2"], mp["b2"], _pair(act2), j, I_SYMBOL, sizes, J)
    act1 = _relu(z1, z_L1, j, J)
    z3 = _dense(OUTPUT, mp["W3"], mp["b3"], _pair(act1), k, J_SYMBOL, sizes, K)
    out = _output_part(proved, {z_L: _pair(z3), t: mp["t"]}, options.sizes, variant, batch_t_sum)
    at_0 = {"relu-one": Integer(1), "relu-half": Rational(1, 2)}.get(variant, 0)
    at_0 = proved.heaviside_at_0 if at_0 == 0 else at_0
    rec = proved.network
    arrays_ev = {
        W: mp["W3"],
        W1: mp["W2"],
        z_L1: _pair(z1),
        z_L2: _pair(z2),
        a2: _pair(act2),
        x: mp["x"],
        delta: _pair(out["delta"]),
    }
    ev = Evaluator(arrays_ev, sizes=sizes, heaviside_at_0=float(at_0))
    d1 = ev.evaluate(rec["delta_j"], {j: (1, J)})
    ev.arrays[DELTA1] = _pair(d1)
    d2 = ev.evaluate(rec["delta_i"], {i: (1, I_)})
    ev.arrays[DELTA2] = _pair(d2)
    grads = Evaluator({delta: _pair(out["delta"]), a_prev: _pair(act1)}, sizes=sizes)
    lines = {
        "E": lambda: out["E"],
        "dE_dz3": lambda: out["delta"],
        "dE_dz2": lambda: d1,
        "dE_dz1": lambda: d2,
        "dE_dW3": lambda: grads.evaluate(proved.output.grad_W, {k: (1, K), j: (1, J)}),
        "dE_db3": lambda: grads.evaluate(proved.output.grad_b, {k: (1, K)}),
        "dE_dW2": lambda: ev.evaluate(rec["dE/dW_ji"], {j: (1, J), i: (1, I_)}),
        "dE_db2": lambda: ev.evaluate(rec["dE/db_j"], {j: (1, J)}),
        "dE_dW1": lambda: ev.evaluate(rec["dE/dW_in"], {i: (1, I_), n: (1, N)}),
        "dE_db1": lambda: ev.evaluate(rec["dE/db_i"], {i: (1, I_)}),
    }
    values = {options.quantity.name: lines[options.quantity.name]()}
    scale = max(_largest(z.magnitude) for z in (z1, z2, z3))
    return values, scale


def exact(proved: Proved, options: Options, case: Case, variant: str | None = None) -> Exact:
    """The quantity of ``options`` at ``case`` (``variant``: a usual mistake, see VARIANTS)."""
    example = _output_example if options.layer == "output" else _network_example
    total = CONTEXT.mpf(0)
    for value in to_mp(case.arrays["t"]).flat:
        total += value
    batch_t_sum = (total, abs(total))
    values, magnitudes, scale = [], [], 0.0
    for row in range(case.B):
        arrays = {
            name: (array[row] if _per_example(name, options) else array)
            for name, array in case.arrays.items()
            if name != "labels"
        }
        found, logit_scale = example(proved, options, arrays, variant, batch_t_sum)
        result = found[options.quantity.name]
        values.append(result.value)
        magnitudes.append(result.magnitude)
        scale = max(scale, logit_scale)
    if options.quantity.per_example:
        value, magnitude = numpy.stack(values), numpy.stack(magnitudes)
    else:
        value, magnitude = sum(values[1:], values[0]), sum(magnitudes[1:], magnitudes[0])
    if options.batch_loss == "mean":
        value, magnitude = value / case.B, magnitude / case.B
    return Exact(numpy.asarray(value, dtype=object), numpy.asarray(magnitude, dtype=object), scale)


def _per_example(name: str, options: Options) -> bool:
    return ARRAYS[options.layer][name].per_example
