"""The proved quantities at one case, evaluated at 40 digits, and the usual wrong answers.

For each example of a case the layers are evaluated as the derivation defines them: the
logits by eq. (0), relu as Max(0, .), the softmax, then the proved results
(:mod:`derive.testing.proved`) with their named parts bound: a_k, sum_d t_d, delta_k, and down
the network delta_j and delta_i, and the gradients handed to each layer's input. Per-example
values are then summed over the batch, and everything is divided by B for a mean batch loss
(the gradient of the mean w.r.t. one example's logits is that example's share, 1/B of its
own), which is the only convention added here. Every quantity asked for comes from the same pass.

The forward pass's values (the logits, the probabilities, each hidden layer's z and a) are
kept too: rounded to the dtype, they are what a function receives that takes them. When it
takes the output layer's logits z (or only the probabilities a), the reference is evaluated at
exactly those rounded values, as the function sees them.

A *variant* swaps one ingredient for a usual mistake, to see whether a wrong function computes
exactly that: the post's single-path delta, sum_d t_d taken as 1 or summed over the whole
batch, another value of relu'(0).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy
from sympy import IndexedBase, Rational, Sum, Symbol, log

from derive.derivations.regularization import kappa, l2_term
from derive.emit.network_proofs import DELTA1, DELTA2
from derive.emit.proofs import m, s, t_sum, z_shifted
from derive.model.loss import softmax, softmax_denominator, targets_sum
from derive.model.network import FIRST, HIDDEN, OUTPUT, relu
from derive.model.symbols import I_ as I_SYMBOL
from derive.model.symbols import W1, W2, W, a, a2, a_prev, b, b1, b2, d, delta, i, j, k, n, t, x
from derive.model.symbols import J as J_SYMBOL
from derive.model.symbols import K as K_SYMBOL
from derive.model.symbols import N as N_SYMBOL
from derive.model.symbols import z as z_L
from derive.model.symbols import z1 as z_L1
from derive.model.symbols import z2 as z_L2
from derive.testing.inputs import Case
from derive.testing.precise import CONTEXT, ZERO, Evaluator, Value, to_float, to_mp
from derive.testing.proved import Proved
from derive.testing.spec import ARRAYS, Options

RELU_VALUES = {"relu=0": Rational(0), "relu=1": Rational(1), "relu=1/2": Rational(1, 2)}
VARIANTS = {
    None: "the derivation",
    "single-path": "the post's single-path dE/dz_k",
    "sum-t-one": "sum_d t_d taken as 1",
    "sum-t-batch": "sum_d t_d summed over the whole batch",
    **{name: f"relu'(0) = {value}" for name, value in RELU_VALUES.items()},
}
# derive_numeric's names -> the derivation's arrays (W1 is the layer next to the input, W^{L-2})
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
# the network with one hidden layer is layers L-1 and L, fed by x where a^{L-2} was: the sums
# over the hidden layer's inputs run to N (I in the derivation), over its units to J
SHALLOW_BASES: dict[str, IndexedBase] = {
    "x": a2,
    "W1": W1,
    "b1": b1,
    "W2": W,
    "b2": b,
    "t": t,
}
_E_OF_PROBABILITIES = -Sum(t[d] * log(a[d]), (d, 1, K_SYMBOL))  # eq. (1), a given


@dataclass(frozen=True)
class Exact:
    """A quantity at one case: value and magnitude (object arrays of mpf, the derivation's
    layout, batch reduced), and the largest logit magnitude met on the way (the
    conditioning of the computation, for the tolerance)."""

    value: numpy.ndarray
    magnitude: numpy.ndarray
    logit_scale: float


@dataclass(frozen=True)
class CaseValues:
    """Everything at one case.

    Attributes:
        quantities: name -> Exact, for every quantity asked for.
        forward: the forward pass's values (z, a; z1, a1, ..., a3) and the errors the layers
            hand down (dE_dz, or dE_dz1, dE_dz2, dE_dz3; divided by B for a mean batch loss),
            one row per example, rounded to the case's dtype: what a function that takes them
            receives.
        l2: weight quantity (and E) -> the L2 term's value at kappa = reg (None: no
            regularization): the gradient 2 reg W (summed over the weight matrices for E).
    """

    quantities: dict[str, Exact]
    forward: dict[str, numpy.ndarray]
    l2: dict[str, Exact] | None = None


def _pair(v: Value) -> tuple[numpy.ndarray, numpy.ndarray]:
    return v.value, v.magnitude


def _mp(array: numpy.ndarray) -> tuple[numpy.ndarray, None]:
    return to_mp(array), None


def _pair_abs(array: numpy.ndarray) -> tuple[numpy.ndarray, numpy.ndarray]:
    value = to_mp(array)
    return value, numpy.frompyfunc(abs, 1, 1)(value)


def _largest(magnitude: numpy.ndarray) -> float:
    return float(max(magnitude.flat, default=ZERO))


def _rounded(values: numpy.ndarray, dtype: numpy.dtype) -> numpy.ndarray:
    return to_float(values).astype(dtype)


def _dense(layer, weights, bias, inputs, out_index, size_in_symbol, sizes, out_size) -> Value:
    """z = W a + b of one layer, by its eq. (0)."""
    ev = Evaluator({layer.W: weights, layer.b: bias, layer.inputs: inputs}, sizes=sizes)
    return ev.evaluate(layer.logit(out_index, size_in_symbol), {out_index: (1, out_size)})


def _relu(pre: Value, base: IndexedBase, index: Symbol, size: int) -> Value:
    ev = Evaluator({base: _pair(pre)})
    return ev.evaluate(relu(base[index]), {index: (1, size)})


def _output_part(
    proved: Proved, logits: Value, targets, given_a, K: int, variant, batch_t_sum
) -> dict[str, Value]:
    """Softmax, loss and delta of one example (at the probabilities given, if given)."""
    base = {K_SYMBOL: K}
    ranges = {k: (1, K)}
    ev = Evaluator({z_L: _pair(logits), t: targets}, sizes=base)
    softmax_k = ev.evaluate(softmax(k, K_SYMBOL), ranges)
    probabilities = given_a if given_a is not None else _pair(softmax_k)
    total = ev.evaluate(targets_sum(K_SYMBOL))
    total = (total.value.item(), total.magnitude.item())
    if variant == "sum-t-one":
        total = (CONTEXT.mpf(1), CONTEXT.mpf(1))
    elif variant == "sum-t-batch":
        total = batch_t_sum
    denominator = ev.evaluate(softmax_denominator(K_SYMBOL))
    named = Evaluator(
        {z_L: _pair(logits), t: targets, a: probabilities, z_shifted: _pair(logits)},
        scalars={t_sum: total, s: _pair(denominator), m: (ZERO, ZERO)},
        sizes=base,
    )
    if variant == "single-path":
        delta_k = ev.evaluate(proved.slip, ranges)
    elif variant in ("sum-t-one", "sum-t-batch"):
        delta_k = named.evaluate(proved.before_sum_t, ranges)
    else:
        delta_k = named.evaluate(proved.output.delta, ranges)
    loss = proved.output.loss if given_a is None else _E_OF_PROBABILITIES
    return {"E": named.evaluate(loss), "delta": delta_k, "a": softmax_k}


def _output_example(proved, options, arrays, variant, batch_t_sum, wanted, rounded):
    K, J = options.sizes["K"], options.sizes["J"]
    sizes = {K_SYMBOL: K, J_SYMBOL: J}
    exact_logits = _dense(
        OUTPUT, _mp(arrays["W"]), _mp(arrays["b"]), _mp(arrays["a_prev"]), k, J_SYMBOL, sizes, K
    )
    logits = exact_logits
    if "z" in options.uses:  # the function takes the logits: evaluate at what it received
        logits = Value((k,), *_pair_abs(rounded(exact_logits.value)))
    given_a = None
    if "a" in options.uses and "z" not in options.uses:
        probabilities = Evaluator({z_L: _pair(logits)}, sizes={K_SYMBOL: K})
        exact_a = probabilities.evaluate(softmax(k, K_SYMBOL), {k: (1, K)}).value
        given_a = _pair_abs(rounded(exact_a))
    out = _output_part(proved, logits, _mp(arrays["t"]), given_a, K, variant, batch_t_sum)
    ev = Evaluator(
        {delta: _pair(out["delta"]), a_prev: _mp(arrays["a_prev"]), W: _mp(arrays["W"])},
        sizes=sizes,
    )
    lines = {
        "E": lambda: out["E"],
        "dE_dz": lambda: out["delta"],
        "dE_dW": lambda: ev.evaluate(proved.output.grad_W, {k: (1, K), j: (1, J)}),
        "dE_db": lambda: ev.evaluate(proved.output.grad_b, {k: (1, K)}),
        "dE_dX": lambda: ev.evaluate(proved.inputs["dE/da_j"], {j: (1, J)}),
    }
    values = {name: lines[name]() for name in wanted}
    forward = {"z": exact_logits.value, "a": out["a"].value, "dE_dz": out["delta"].value}
    return values, forward, _largest(logits.magnitude)


def _network_example(proved, options, arrays, variant, batch_t_sum, wanted, rounded):
    N, I_, J, K = (options.sizes[name] for name in "NIJK")
    sizes = {N_SYMBOL: N, I_SYMBOL: I_, J_SYMBOL: J, K_SYMBOL: K}
    mp = {name: _mp(arrays[name]) for name in NETWORK_BASES}
    z2 = _dense(FIRST, mp["W1"], mp["b1"], mp["x"], i, N_SYMBOL, sizes, I_)
    act2 = _relu(z2, z_L2, i, I_)
    z1 = _dense(HIDDEN, mp["W2"], mp["b2"], _pair(act2), j, I_SYMBOL, sizes, J)
    act1 = _relu(z1, z_L1, j, J)
    z3 = _dense(OUTPUT, mp["W3"], mp["b3"], _pair(act1), k, J_SYMBOL, sizes, K)
    out = _output_part(proved, z3, mp["t"], None, K, variant, batch_t_sum)
    at_0 = RELU_VALUES.get(variant, proved.heaviside_at_0)
    arrays_ev = {
        W: mp["W3"],
        W1: mp["W2"],
        W2: mp["W1"],
        z_L1: _pair(z1),
        z_L2: _pair(z2),
        a2: _pair(act2),
        x: mp["x"],
        delta: _pair(out["delta"]),
    }
    ev = Evaluator(arrays_ev, sizes=sizes, heaviside_at_0=float(at_0))
    rec = proved.network
    d1 = ev.evaluate(rec["delta_j"], {j: (1, J)})
    ev.arrays[DELTA1] = _pair(d1)
    d2 = ev.evaluate(rec["delta_i"], {i: (1, I_)})
    ev.arrays[DELTA2] = _pair(d2)
    grads = Evaluator({delta: _pair(out["delta"]), a_prev: _pair(act1)}, sizes=sizes)
    inputs = proved.inputs or {}
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
        "dE_dX3": lambda: ev.evaluate(inputs["dE/da_j"], {j: (1, J)}),
        "dE_dX2": lambda: ev.evaluate(inputs["dE/da_i"], {i: (1, I_)}),
        "dE_dX1": lambda: ev.evaluate(inputs["dE/dx_n"], {n: (1, N)}),
    }
    values = {name: lines[name]() for name in wanted}
    forward = {
        "z1": z2.value,
        "a1": act2.value,
        "z2": z1.value,
        "a2": act1.value,
        "z3": z3.value,
        "a3": out["a"].value,
        "dE_dz1": d2.value,
        "dE_dz2": d1.value,
        "dE_dz3": out["delta"].value,
    }
    scale = max(_largest(z.magnitude) for z in (z1, z2, z3))
    return values, forward, scale


def _shallow_example(proved, options, arrays, variant, batch_t_sum, wanted, rounded):
    N, J, K = (options.sizes[name] for name in "NJK")
    sizes = {I_SYMBOL: N, J_SYMBOL: J, K_SYMBOL: K}
    mp = {name: _mp(arrays[name]) for name in SHALLOW_BASES}
    z1 = _dense(HIDDEN, mp["W1"], mp["b1"], mp["x"], j, I_SYMBOL, sizes, J)
    act1 = _relu(z1, z_L1, j, J)
    z2 = _dense(OUTPUT, mp["W2"], mp["b2"], _pair(act1), k, J_SYMBOL, sizes, K)
    out = _output_part(proved, z2, mp["t"], None, K, variant, batch_t_sum)
    at_0 = RELU_VALUES.get(variant, proved.heaviside_at_0)
    arrays_ev = {
        W: mp["W2"],
        W1: mp["W1"],
        z_L1: _pair(z1),
        a2: mp["x"],
        delta: _pair(out["delta"]),
    }
    ev = Evaluator(arrays_ev, sizes=sizes, heaviside_at_0=float(at_0))
    rec = proved.network
    d1 = ev.evaluate(rec["delta_j"], {j: (1, J)})
    ev.arrays[DELTA1] = _pair(d1)
    grads = Evaluator({delta: _pair(out["delta"]), a_prev: _pair(act1)}, sizes=sizes)
    inputs = proved.inputs or {}
    lines = {
        "E": lambda: out["E"],
        "dE_dz2": lambda: out["delta"],
        "dE_dz1": lambda: d1,
        "dE_dW2": lambda: grads.evaluate(proved.output.grad_W, {k: (1, K), j: (1, J)}),
        "dE_db2": lambda: grads.evaluate(proved.output.grad_b, {k: (1, K)}),
        "dE_dW1": lambda: ev.evaluate(rec["dE/dW_ji"], {j: (1, J), i: (1, N)}),
        "dE_db1": lambda: ev.evaluate(rec["dE/db_j"], {j: (1, J)}),
        "dE_dX2": lambda: ev.evaluate(inputs["dE/da_j"], {j: (1, J)}),
        "dE_dX1": lambda: ev.evaluate(inputs["dE/da_i"], {i: (1, N)}),
    }
    values = {name: lines[name]() for name in wanted}
    forward = {
        "z1": z1.value,
        "a1": act1.value,
        "z2": z2.value,
        "a2": out["a"].value,
        "dE_dz1": d1.value,
        "dE_dz2": out["delta"].value,
    }
    return values, forward, max(_largest(z.magnitude) for z in (z1, z2))


EXAMPLES = {"output": _output_example, "shallow": _shallow_example, "network": _network_example}


def _per_example(name: str, options: Options) -> bool:
    return ARRAYS[options.layer][name].per_example


def exact(proved: Proved, options: Options, case: Case, variant: str | None = None) -> CaseValues:
    """Every quantity of ``options.quantities`` at ``case`` (``variant``: a usual mistake, see
    VARIANTS), and the forward values."""
    example = EXAMPLES[options.layer]
    wanted = [q.name for q in options.quantities or (options.quantity,)]
    total = CONTEXT.mpf(0)
    for value in to_mp(case.arrays["t"]).flat:
        total += value
    batch_t_sum = (total, abs(total))

    def rounded(values: numpy.ndarray) -> numpy.ndarray:
        return _rounded(values, options.dtype)

    rows: dict[str, list] = {name: [] for name in wanted}
    forward: dict[str, list] = {}
    scale = 0.0
    for row in range(case.B):
        arrays = {
            name: (array[row] if _per_example(name, options) else array)
            for name, array in case.arrays.items()
            if name != "labels"
        }
        found, forward_row, logit_scale = example(
            proved, options, arrays, variant, batch_t_sum, wanted, rounded
        )
        for name in wanted:
            rows[name].append(found[name])
        for name, value in forward_row.items():
            if name.startswith("dE_dz") and options.batch_loss == "mean":
                value = value / case.B  # the error the layer above hands down
            forward.setdefault(name, []).append(rounded(value))
        scale = max(scale, logit_scale)
    quantities = {name: _reduced(rows[name], options, name, case.B, scale) for name in wanted}
    stacked = {name: numpy.stack(values) for name, values in forward.items()}
    return CaseValues(quantities, stacked, _l2(proved, options, case, wanted, scale))


def _reduced(values: list[Value], options: Options, name: str, B: int, scale: float) -> Exact:
    per_example = next(q for q in options.quantities or (options.quantity,) if q.name == name)
    value_rows = [v.value for v in values]
    magnitude_rows = [v.magnitude for v in values]
    if per_example.per_example:
        value, magnitude = numpy.stack(value_rows), numpy.stack(magnitude_rows)
    else:
        value = sum(value_rows[1:], value_rows[0])
        magnitude = sum(magnitude_rows[1:], magnitude_rows[0])
    if options.batch_loss == "mean":  # the derivative of the mean: every example's share 1/B
        value, magnitude = value / B, magnitude / B
    return Exact(numpy.asarray(value, dtype=object), numpy.asarray(magnitude, dtype=object), scale)


def _l2(
    proved: Proved, options: Options, case: Case, wanted: list[str], scale: float
) -> dict[str, Exact] | None:
    """The L2 term at kappa = reg, from its proved gradient 2 kappa W_kj for each weight
    gradient, and the term kappa sum W^2 over every weight matrix for E (the code's
    convention scales it by 1/2 or 1)."""
    if options.regularization is None:
        return None
    reg = CONTEXT.mpf(options.regularization.value)
    owners = {q.name: q.of for q in options.quantities or (options.quantity,) if q.weights}
    out = {}
    for name in wanted:
        if name in owners:
            matrix = case.arrays[owners[name]]
            rows, columns = matrix.shape
            ev = Evaluator({W: _mp(matrix)}, scalars={kappa: (reg, reg)})
            value = ev.evaluate(proved.l2, {k: (1, rows), j: (1, columns)})
            out[name] = Exact(value.value, value.magnitude, scale)
        elif name == "E":
            total, magnitude = CONTEXT.mpf(0), CONTEXT.mpf(0)
            for array in _weight_arrays(options):
                rows, columns = case.arrays[array].shape
                sizes = {K_SYMBOL: rows, J_SYMBOL: columns}
                ev = Evaluator({W: _mp(case.arrays[array])}, {kappa: (reg, reg)}, sizes)
                term = ev.evaluate(l2_term(K_SYMBOL, J_SYMBOL))
                total += term.value.item()
                magnitude += term.magnitude.item()
            out[name] = Exact(numpy.asarray(total, object), numpy.asarray(magnitude, object), scale)
    return out


def _weight_arrays(options: Options) -> list[str]:
    return [name for name, spec in ARRAYS[options.layer].items() if spec.weights]
