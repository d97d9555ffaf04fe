"""The inputs a function is run at: a deterministic, seeded suite chosen to break gradient code.

Every kind targets a known way to get softmax cross-entropy code wrong:

- random logits, one example and a batch: the plain case, and the batch's sum or mean;
- logits near +1e4 and near -1e4: exp overflows to inf or underflows to 0 without a shift;
- logits spread over +-1e4: the softmax saturates, log a_k of a probability that underflows;
- all logits tied, and a tie at the maximum: argmax-based code and the shift's corner;
- degenerate targets: the target on the least likely class (log 0 in naive code), mass split
  over classes with probability 0, and (where targets need not sum to 1) rows summing to 0,
  1/2 and 2;
- rows whose logits lie 1e3 apart: a max shift taken over the whole batch instead of each row
  leaves a row whose exponentials all underflow to 0;
- a larger batch; for the network, ReLU pre-activations exactly 0 (relu'(0) is 0 by the
  documented convention), in one hidden layer at a time, so that the value code takes there
  can be read off layer by layer; built from dyadic numbers so that 0 is exact in any
  summation order.

Without a bias (``bias="none"``) the bias lives in the weights, as the "bias trick" puts it:
input unit 0 is a constant 1 (and so is unit 0 of each hidden layer, passed through), and
column 0 of each weight matrix is the bias. Every kind above carries over exactly: the case
is the one with a bias at sizes one smaller, embedded.

The batch sizes avoid the layer sizes, so a transposed (B, K) cannot pass for (K, B). Soft
targets are dyadic (multiples of 1/1024), so that a row sums to exactly 1 in float32 and
float64. Arrays are drawn in float64 and rounded to the dtype under test; the reference is
evaluated at exactly the rounded values.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy

from derive.testing.spec import WEIGHT_SHAPES, Options, hidden_layers, input_sizes

LARGE = 1e4
APART = 1e3  # rows this far apart: e^{-1e3} underflows in float64 and float32


@dataclass(frozen=True, eq=False)
class Case:
    """One input of the suite, in the derivation's layout (W is (out, in), t is rows).

    Attributes:
        kind: what it is chosen to break, in words.
        B: the batch size.
        arrays: the derivation's arrays, in the dtype under test (the forward pass's values
            are the reference's, :mod:`derive.testing.reference`); per-example arrays have a
            leading B axis; ``t`` is float rows; ``labels`` holds class indices when the
            targets are labels.
        large_logits: the logits reach 1e3 or more in magnitude.
    """

    kind: str
    B: int
    arrays: dict[str, numpy.ndarray]
    large_logits: bool = False


def batch_sizes(sizes: dict[str, int]) -> tuple[int, int]:
    """A small and a larger batch size, neither equal to a layer size."""
    taken = set(sizes.values())
    small = next(n for n in (3, 5, 6, 7, 9, 11, 13) if n not in taken)
    large = next(n for n in (16, 17, 19, 23, 29) if n not in taken)
    return small, large


def _output_parameters(rng: numpy.random.Generator, K: int, J: int, B: int) -> dict:
    return {
        "a_prev": rng.standard_normal((B, J)),
        "W": rng.standard_normal((K, J)) / numpy.sqrt(J),
        "b": rng.standard_normal(K) * 0.1,
    }


def _network_parameters(
    rng: numpy.random.Generator, sizes: dict[str, int], B: int, layer: str
) -> dict:
    arrays = {"x": rng.standard_normal((B, sizes["N"]))}
    for number, (out, into) in enumerate(WEIGHT_SHAPES[layer], start=1):
        fan_out, fan_in = sizes[out], sizes[into]
        arrays[f"W{number}"] = rng.standard_normal((fan_out, fan_in)) * numpy.sqrt(2.0 / fan_in)
        arrays[f"b{number}"] = rng.uniform(-0.1, 0.2, fan_out)
    return arrays


def _activations(arrays: dict, below: int) -> numpy.ndarray:
    """The input of network layer ``below + 1``: x through ``below`` ReLU layers (float64)."""
    a = arrays["x"]
    for n in range(1, below + 1):
        a = numpy.maximum(a @ arrays[f"W{n}"].T + arrays[f"b{n}"], 0)
    return a


def _logits_of(arrays: dict, layer: str) -> numpy.ndarray:
    """The logits of the float64 arrays (only to choose targets and scales, never compared)."""
    if layer == "output":
        return arrays["a_prev"] @ arrays["W"].T + arrays["b"]
    last = hidden_layers(layer) + 1
    return _activations(arrays, last - 1) @ arrays[f"W{last}"].T + arrays[f"b{last}"]


def _last(layer: str) -> tuple[str, str]:
    last = hidden_layers(layer) + 1
    return ("W", "b") if layer == "output" else (f"W{last}", f"b{last}")


def _apart(arrays: dict, layer: str, rng: numpy.random.Generator) -> dict:
    """Logits of neighbouring rows 1e3 apart: input unit 0 carries an offset of 0 or 1e3 per
    row to every logit (through unit 0 of each hidden layer, which passes it on alone)."""
    arrays = {name: value.copy() for name, value in arrays.items()}
    B = len(arrays["a_prev" if layer == "output" else "x"])
    offsets = numpy.resize(numpy.array([0.0, APART]), B)
    if layer == "output":
        arrays["a_prev"][:, 0], arrays["W"][:, 0] = offsets, 1.0
        return arrays
    arrays["x"][:, 0] = offsets
    for number in range(1, hidden_layers(layer) + 1):
        weights, bias = f"W{number}", f"b{number}"
        arrays[weights][:, 0] = 0.0
        arrays[weights][0] = 0.0
        arrays[weights][0, 0], arrays[bias][0] = 1.0, 0.0
    arrays[_last(layer)[0]][:, 0] = 1.0
    return arrays


def _shift(arrays: dict, layer: str, rng: numpy.random.Generator, to: float) -> dict:
    """Logits near ``to``: a small spread around a large common offset."""
    _, b = _last(layer)
    return {**arrays, b: arrays[b] + to}


def _spread(arrays: dict, layer: str, rng: numpy.random.Generator) -> dict:
    """Logits spread over +-1e4: scale the last layer so the largest magnitude is 1e4."""
    W, b = _last(layer)
    scale = LARGE / max(float(numpy.abs(_logits_of(arrays, layer)).max()), 1e-3)
    return {**arrays, W: arrays[W] * scale, b: arrays[b] * scale}


def _tied(arrays: dict, layer: str, rng: numpy.random.Generator) -> dict:
    """Every logit equal: equal rows of the last layer's weights and equal biases."""
    W, b = _last(layer)
    return {**arrays, W: numpy.repeat(arrays[W][:1], len(arrays[W]), 0), b: arrays[b] * 0 + 0.5}


def _tie_at_max(arrays: dict, layer: str, rng: numpy.random.Generator) -> dict:
    """The two largest logits equal: two equal rows, raised above the rest."""
    W, b = _last(layer)
    weights, bias = arrays[W].copy(), arrays[b].copy()
    if len(weights) > 1:
        weights[1] = weights[0]
        bias[:2] = bias.max() + 3.0
    return {**arrays, W: weights, b: bias}


def _one_hot(labels: numpy.ndarray, K: int) -> numpy.ndarray:
    return numpy.eye(K)[labels]


def _soft(rng: numpy.random.Generator, B: int, K: int) -> numpy.ndarray:
    """Dyadic probability rows (multiples of 1/1024, exact in float32), some entries 0."""
    counts = rng.multinomial(1024, rng.dirichlet(numpy.full(K, 0.7)), size=B)
    return counts / 1024.0


def _targets(
    options: Options,
    rng: numpy.random.Generator,
    B: int,
    logits: numpy.ndarray,
    degenerate: bool,
) -> numpy.ndarray:
    """One row of targets per example (float; labels are taken from one-hot rows)."""
    K = options.sizes["K"]
    if degenerate:
        least = numpy.argsort(logits, axis=1)  # ascending: the least likely classes first
        if options.targets != "soft":
            return _one_hot(least[:, 0], K)
        rows = _one_hot(least[:, 0], K)
        if K > 1:
            rows[1::2] = 0.5 * _one_hot(least[1::2, 0], K) + 0.5 * _one_hot(least[1::2, 1], K)
    elif options.targets == "soft":
        rows = _soft(rng, B, K)
    else:
        rows = _one_hot(rng.integers(K, size=B), K)
    if options.targets == "soft" and not options.normalized_targets:
        rows = rows * numpy.resize(numpy.array([0.5, 2.0, 0.0, 1.5]), B)[:, None]
    return rows


Change = Callable[[dict, str, numpy.random.Generator], dict]
# (kind, its own stream, batch: "one" | "small" | "large", change of the logits, large
# logits, degenerate targets); the stream numbers stay when kinds are added
KINDS: tuple[tuple[str, int, str, Change | None, bool, bool], ...] = (
    ("random", 0, "one", None, False, False),
    ("random", 1, "small", None, False, False),
    (
        "logits near +1e4",
        2,
        "small",
        lambda arrays, layer, rng: _shift(arrays, layer, rng, LARGE),
        True,
        False,
    ),
    (
        "logits near -1e4",
        3,
        "small",
        lambda arrays, layer, rng: _shift(arrays, layer, rng, -LARGE),
        True,
        False,
    ),
    ("logits spread over +-1e4", 4, "small", _spread, True, False),
    ("all logits tied", 5, "small", _tied, False, False),
    ("a tie at the largest logit", 6, "small", _tie_at_max, False, False),
    ("degenerate targets at +-1e4 logits", 7, "small", _spread, True, True),
    ("degenerate targets", 8, "small", None, False, True),
    ("rows 1e3 apart", 11, "small", _apart, True, False),
    ("random, a larger batch", 9, "large", None, False, False),
)
NETWORK_KINDS = (  # before the larger batch, one per hidden layer of the network
    ("ReLU pre-activations exactly 0 in layer 1", 10, "small", None, False, False),
    ("ReLU pre-activations exactly 0 in layer 2", 12, "small", None, False, False),
)


def _relu_kink(
    sizes: dict[str, int], rng: numpy.random.Generator, B: int, kinked: int, layer: str
) -> dict:
    """Dyadic network inputs with pre-activations exactly 0 in hidden layer ``kinked`` (1 or
    2) only: there unit 0 has a zero row and bias (0 for every example) and unit 1 cancels to 0
    for example 0; every other unit of every hidden layer is kept alive (a bias above what its
    row can subtract), so the gradient flows past the kinks."""

    def dyadic(*shape: int) -> numpy.ndarray:
        return rng.integers(-4, 5, size=shape) / 4.0

    arrays = {"x": dyadic(B, sizes["N"])}
    hidden = hidden_layers(layer)
    for number, (out, into) in enumerate(WEIGHT_SHAPES[layer], start=1):
        fan_out, fan_in = sizes[out], sizes[into]
        W, bias = dyadic(fan_out, fan_in), dyadic(fan_out)
        if number <= hidden:
            inputs = _activations(arrays, number - 1)
            bias = numpy.abs(W) @ numpy.abs(inputs).max(axis=0) + 0.25
            if number == kinked:
                W[0], bias[0] = 0.0, 0.0
                if fan_out > 1:
                    bias[1] = -(W[1] @ inputs[0])
        arrays[f"W{number}"], arrays[f"b{number}"] = W, bias
    return arrays


def suite(options: Options) -> list[Case]:
    """The cases for ``options``, smallest batch first, each from its own seeded stream.

    Unbatched functions get one example per case (B = 1) and no batch kinds.
    """
    small, large = batch_sizes(options.sizes)
    batch = {"one": 1, "small": small, "large": large}
    kinds = list(KINDS)
    kinds[-1:-1] = NETWORK_KINDS[: hidden_layers(options.layer)]
    cases = []
    for kind, stream, size, change, large_logits, degenerate in kinds:
        if not options.batched and size != "one" and kind.startswith(("random", "rows")):
            continue
        B = batch[size] if options.batched else 1
        rng = numpy.random.default_rng([options.seed, stream])
        cases.append(_case(options, rng, kind, B, change, large_logits, degenerate))
    return sorted(cases, key=lambda case: case.B)  # stable: the suite's order within a size


def generated_sizes(options: Options) -> dict[str, int]:
    """The sizes a case is drawn at: without a bias, one input fewer per layer, for the unit
    that carries the constant 1 (see the module docstring)."""
    if options.bias != "none":
        return dict(options.sizes)
    inputs = input_sizes(options.layer)
    return {name: size - (name in inputs) for name, size in options.sizes.items()}


def _case(
    options: Options,
    rng: numpy.random.Generator,
    kind: str,
    B: int,
    change: Change | None,
    large_logits: bool,
    degenerate: bool,
) -> Case:
    sizes = generated_sizes(options)
    if kind.startswith("ReLU"):
        arrays = _relu_kink(sizes, rng, B, int(kind[-1]), options.layer)
    elif options.layer == "output":
        arrays = _output_parameters(rng, sizes["K"], sizes["J"], B)
    else:
        arrays = _network_parameters(rng, sizes, B, options.layer)
    if change is not None:
        arrays = change(arrays, options.layer, rng)
    logits = _logits_of(arrays, options.layer)
    targets = _targets(options, rng, B, logits, degenerate)
    if options.bias == "none":
        arrays = _folded(arrays, options.layer)
    arrays["t"] = targets
    cast = {name: value.astype(options.dtype) for name, value in arrays.items()}
    if options.targets == "labels":
        cast["labels"] = numpy.argmax(targets, axis=1)
    return Case(kind, B, cast, large_logits)


def _ones_first(array: numpy.ndarray) -> numpy.ndarray:
    return numpy.hstack([numpy.ones((len(array), 1)), array])


def _folded(arrays: dict, layer: str) -> dict:
    """The bias moved into the weights: input unit 0 is 1, column 0 of W is b, b is 0; each
    hidden layer's unit 0 passes the 1 on (a row e_0, relu(1) = 1)."""
    if layer == "output":
        W = numpy.hstack([arrays["b"][:, None], arrays["W"]])
        return {"a_prev": _ones_first(arrays["a_prev"]), "W": W, "b": 0.0 * arrays["b"]}
    out = {"x": _ones_first(arrays["x"])}
    last = hidden_layers(layer) + 1
    for number in range(1, last + 1):
        W, bias = arrays[f"W{number}"], arrays[f"b{number}"]
        folded = numpy.hstack([bias[:, None], W])
        if number < last:  # unit 0 of the layer: 1 for every example
            carry = numpy.zeros((1, folded.shape[1]))
            carry[0, 0] = 1.0
            folded = numpy.vstack([carry, folded])
        out[f"W{number}"] = folded
        out[f"b{number}"] = numpy.zeros(len(folded))
    return out
