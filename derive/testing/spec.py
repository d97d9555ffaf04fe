"""What is checked, as data: the quantities a function may compute, the arrays it may receive,
and the conventions of real code, validated into one :class:`Options`.

Names follow the rest of derive. The output layer (sizes K, J) has the post's arrays ``z``
(logits), ``a`` (probabilities), ``t``, ``W`` (K, J), ``b`` (K,) and ``a_prev`` (the layer's
input a^{L-1}); the network with two hidden layers (sizes N, I, J, K) has ``derive_numeric``'s
``x``, ``W1, b1`` (next to the input), ``W2, b2``, ``W3, b3`` (the output layer), ``t``, and
the forward pass's values ``z1, a1, z2, a2, z3, a3`` (pre-activations and activations; ``a3``
the probabilities). The network with one hidden layer (sizes N, J, K: cs231n's two-layer net)
is its top two layers fed by ``x``: ``W1`` (J, N), ``b1``, ``W2`` (K, J), ``b2``, ``z1, a1,
z2, a2``; the proofs of layer L-1 take its input a^{L-2} as any array, so they hold for x.
The errors ``dE_dz`` (``dE_dz1``, ``dE_dz2``, ``dE_dz3``) are arrays too: the gradient a layer's
backward pass receives from the one above (``backward(dvalues)``), as the batch loss defines it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

import numpy

from derive.model.sizes import check_size

# kinds of arrays and quantities, which decide how a convention lays them out
LOSS, PER_EXAMPLE, WEIGHTS, BIAS, TARGETS = "loss", "per-example", "weights", "bias", "targets"


@dataclass(frozen=True)
class Quantity:
    """A proved result a user's function may compute.

    Attributes:
        name: as the user names it (``dE_dW``).
        layer: "output" (sizes K, J), "shallow" (one hidden layer: N, J, K) or "network"
            (two hidden layers: N, I, J, K).
        axes: the size names of its shape, for one example (``("K", "J")``); () for the loss.
        kind: LOSS, PER_EXAMPLE (one row per example, like dE/dz), WEIGHTS (stored like the
            weights) or BIAS (shaped like the bias); parameter gradients are summed over the
            batch.
        text: the derivation's name for it.
        of: the array it is the gradient with respect to (None for the loss).
    """

    name: str
    layer: str
    axes: tuple[str, ...]
    kind: str
    text: str
    of: str | None = None

    @property
    def per_example(self) -> bool:
        return self.kind == PER_EXAMPLE

    @property
    def weights(self) -> bool:
        return self.kind == WEIGHTS


_OUTPUT_QUANTITIES = (
    Quantity("E", "output", (), LOSS, "E = -sum_k t_k log a_k"),
    Quantity("dE_dz", "output", ("K",), PER_EXAMPLE, "dE/dz_k", "z"),
    Quantity("dE_dW", "output", ("K", "J"), WEIGHTS, "dE/dW_kj", "W"),
    Quantity("dE_db", "output", ("K",), BIAS, "dE/db_k", "b"),
    Quantity("dE_dX", "output", ("J",), PER_EXAMPLE, "dE/da_j^{L-1} (the layer's input)", "a_prev"),
)
_NETWORK_QUANTITIES = (
    Quantity("E", "network", (), LOSS, "E = -sum_k t_k log a_k^L"),
    Quantity("dE_dW1", "network", ("I", "N"), WEIGHTS, "dE/dW_in (layer L-2)", "W1"),
    Quantity("dE_db1", "network", ("I",), BIAS, "dE/db_i (layer L-2)", "b1"),
    Quantity("dE_dW2", "network", ("J", "I"), WEIGHTS, "dE/dW_ji (layer L-1)", "W2"),
    Quantity("dE_db2", "network", ("J",), BIAS, "dE/db_j (layer L-1)", "b2"),
    Quantity("dE_dW3", "network", ("K", "J"), WEIGHTS, "dE/dW_kj (layer L)", "W3"),
    Quantity("dE_db3", "network", ("K",), BIAS, "dE/db_k (layer L)", "b3"),
    Quantity("dE_dz1", "network", ("I",), PER_EXAMPLE, "dE/dz_i (layer L-2)", "z1"),
    Quantity("dE_dz2", "network", ("J",), PER_EXAMPLE, "dE/dz_j (layer L-1)", "z2"),
    Quantity("dE_dz3", "network", ("K",), PER_EXAMPLE, "dE/dz_k (layer L)", "z3"),
    Quantity("dE_dX1", "network", ("N",), PER_EXAMPLE, "dE/dx_n (the network's input)", "x"),
    Quantity("dE_dX2", "network", ("I",), PER_EXAMPLE, "dE/da_i^{L-2} (layer L-1's input)", "a1"),
    Quantity("dE_dX3", "network", ("J",), PER_EXAMPLE, "dE/da_j^{L-1} (layer L's input)", "a2"),
)
_SHALLOW_QUANTITIES = (
    Quantity("E", "shallow", (), LOSS, "E = -sum_k t_k log a_k^L"),
    Quantity("dE_dW1", "shallow", ("J", "N"), WEIGHTS, "dE/dW_jn (the hidden layer)", "W1"),
    Quantity("dE_db1", "shallow", ("J",), BIAS, "dE/db_j (the hidden layer)", "b1"),
    Quantity("dE_dW2", "shallow", ("K", "J"), WEIGHTS, "dE/dW_kj (layer L)", "W2"),
    Quantity("dE_db2", "shallow", ("K",), BIAS, "dE/db_k (layer L)", "b2"),
    Quantity("dE_dz1", "shallow", ("J",), PER_EXAMPLE, "dE/dz_j (the hidden layer)", "z1"),
    Quantity("dE_dz2", "shallow", ("K",), PER_EXAMPLE, "dE/dz_k (layer L)", "z2"),
    Quantity("dE_dX1", "shallow", ("N",), PER_EXAMPLE, "dE/dx_n (the network's input)", "x"),
    Quantity("dE_dX2", "shallow", ("J",), PER_EXAMPLE, "dE/da_j^{L-1} (layer L's input)", "a1"),
)
LAYER_QUANTITIES: dict[str, dict[str, Quantity]] = {
    "output": {q.name: q for q in _OUTPUT_QUANTITIES},
    "shallow": {q.name: q for q in _SHALLOW_QUANTITIES},
    "network": {q.name: q for q in _NETWORK_QUANTITIES},
}
# every name, the loss as the output layer's (kept for the CLI's list and older callers)
QUANTITIES: dict[str, Quantity] = {
    **LAYER_QUANTITIES["output"],
    **{n: q for n, q in LAYER_QUANTITIES["network"].items() if n != "E"},
}
NETWORK_E = LAYER_QUANTITIES["network"]["E"]


@dataclass(frozen=True)
class Array:
    """An array of the derivation a function may receive: its axes and its kind (one row per
    example, weights, bias or targets); ``forward``: a value of the forward pass, computed
    from the others."""

    name: str
    axes: tuple[str, ...]
    kind: str
    forward: bool = False

    @property
    def per_example(self) -> bool:
        return self.kind in (PER_EXAMPLE, TARGETS)

    @property
    def weights(self) -> bool:
        return self.kind == WEIGHTS


ARRAYS: dict[str, dict[str, Array]] = {
    "output": {
        a.name: a
        for a in (
            Array("a_prev", ("J",), PER_EXAMPLE),
            Array("W", ("K", "J"), WEIGHTS),
            Array("b", ("K",), BIAS),
            Array("z", ("K",), PER_EXAMPLE, forward=True),
            Array("a", ("K",), PER_EXAMPLE, forward=True),
            Array("dE_dz", ("K",), PER_EXAMPLE, forward=True),
            Array("t", ("K",), TARGETS),
        )
    },
    "network": {
        a.name: a
        for a in (
            Array("x", ("N",), PER_EXAMPLE),
            Array("W1", ("I", "N"), WEIGHTS),
            Array("b1", ("I",), BIAS),
            Array("W2", ("J", "I"), WEIGHTS),
            Array("b2", ("J",), BIAS),
            Array("W3", ("K", "J"), WEIGHTS),
            Array("b3", ("K",), BIAS),
            Array("t", ("K",), TARGETS),
            Array("z1", ("I",), PER_EXAMPLE, forward=True),
            Array("a1", ("I",), PER_EXAMPLE, forward=True),
            Array("z2", ("J",), PER_EXAMPLE, forward=True),
            Array("a2", ("J",), PER_EXAMPLE, forward=True),
            Array("z3", ("K",), PER_EXAMPLE, forward=True),
            Array("a3", ("K",), PER_EXAMPLE, forward=True),
            Array("dE_dz1", ("I",), PER_EXAMPLE, forward=True),
            Array("dE_dz2", ("J",), PER_EXAMPLE, forward=True),
            Array("dE_dz3", ("K",), PER_EXAMPLE, forward=True),
        )
    },
    "shallow": {
        a.name: a
        for a in (
            Array("x", ("N",), PER_EXAMPLE),
            Array("W1", ("J", "N"), WEIGHTS),
            Array("b1", ("J",), BIAS),
            Array("W2", ("K", "J"), WEIGHTS),
            Array("b2", ("K",), BIAS),
            Array("t", ("K",), TARGETS),
            Array("z1", ("J",), PER_EXAMPLE, forward=True),
            Array("a1", ("J",), PER_EXAMPLE, forward=True),
            Array("z2", ("K",), PER_EXAMPLE, forward=True),
            Array("a2", ("K",), PER_EXAMPLE, forward=True),
            Array("dE_dz1", ("J",), PER_EXAMPLE, forward=True),
            Array("dE_dz2", ("K",), PER_EXAMPLE, forward=True),
        )
    },
}
SIZES = {"output": ("K", "J"), "shallow": ("N", "J", "K"), "network": ("N", "I", "J", "K")}
# each layer's weights (out, in), from the input up: the last is the softmax layer's
WEIGHT_SHAPES: dict[str, tuple[tuple[str, str], ...]] = {
    "output": (("K", "J"),),
    "shallow": (("J", "N"), ("K", "J")),
    "network": (("I", "N"), ("J", "I"), ("K", "J")),
}
LAYER_TEXT = {
    "output": "the output layer",
    "shallow": "the network with one hidden layer",
    "network": "the network with two hidden layers",
}
OUTPUT_ERROR = {"output": "dE_dz", "shallow": "dE_dz2", "network": "dE_dz3"}  # dE/dz^L


def hidden_layers(layer: str) -> int:
    """How many ReLU layers lie below the softmax layer (0, 1 or 2)."""
    return len(WEIGHT_SHAPES[layer]) - 1


def input_sizes(layer: str) -> tuple[str, ...]:
    """The sizes that are some layer's input (a unit of each carries the bias trick's 1)."""
    return tuple(inputs for _, inputs in WEIGHT_SHAPES[layer])


# the largest size accepted: the reference is evaluated at 40 digits, entry by entry
MAX_SIZE = 256
MAX_WEIGHTS = 16384  # entries of all weight matrices together


@dataclass(frozen=True)
class Regularization:
    """An L2 term on every weight matrix: ``c * reg * sum W^2``, c = 1/2 or 1 (the code's
    convention is found, not declared).

    Attributes:
        name: the name the strength goes by (a parameter, or a name in ``--init``).
        value: the strength the check uses (not 0, so that the term is checked).
    """

    name: str
    value: float = 0.375


@dataclass(frozen=True)
class Options:
    """Validated options of one check (see :func:`derive.testing.check_gradient_code`).

    ``quantity`` is the quantity a view of the check is about; ``quantities`` every quantity
    checked in the same run (each from one call per input).
    """

    quantity: Quantity
    sizes: dict[str, int]
    arguments: dict[str, str]  # the function's parameter -> the derivation's array (plain)
    weights: str
    targets: str
    batch_loss: str
    dtype: numpy.dtype
    normalized_targets: bool
    batched: bool
    result: int | str | None
    timeout: float
    seed: int
    quantities: tuple[Quantity, ...] = ()
    layout: str = "rows"
    bias: str = "vector"
    inputs: str = "logits"
    regularization: Regularization | None = None
    relu_at_zero: str = "0"
    update: str | None = None  # the step size's name, when the code steps instead (--update)
    uses: frozenset[str] = field(default_factory=frozenset)  # every array the plan refers to
    # (quantity, part) of the parts placed by their shape alone, with no name to say so
    guessed: tuple[tuple[str, str], ...] = ()

    @property
    def layer(self) -> str:
        return self.quantity.layer

    def of(self, quantity: Quantity) -> Options:
        """The same options, about ``quantity``."""
        return replace(self, quantity=quantity)

    def describe(self) -> str:
        """The layout in words, for the report."""
        sizes = ", ".join(f"{k} = {v}" for k, v in self.sizes.items())
        words = [sizes, str(self.dtype), f"weights {self.weights}", f"targets {self.targets}"]
        if self.layout != "rows":
            words.append(f"examples as {self.layout}")
        if self.bias != default_bias(self.layout):
            words.append("no bias" if self.bias == "none" else f"bias as a {self.bias}")
        if self.inputs != "logits":
            words.append(f"takes {self.inputs}")
        if self.regularization is not None:
            words.append(
                f"l2 regularization {self.regularization.name} = {self.regularization.value:g}"
            )
        if self.update is not None:
            words.append(f"gradients read off its step (W -= {self.update} * dW)")
        if self.relu_at_zero != "0":
            words.append(f"relu'(0) {'any in [0, 1]' if self.relu_at_zero == 'any' else '= 1'}")
        if not self.normalized_targets:
            words.append("targets need not sum to 1")
        words.append(f"batch loss {self.batch_loss}" if self.batched else "one example")
        return ", ".join(words)


def default_bias(layout: str) -> str:
    return "column" if layout == "columns" else "vector"


def quantity(name: object, layer: str) -> Quantity:
    """The quantity called ``name`` for ``layer`` ("output", "shallow" or "network")."""
    if not isinstance(name, str):
        raise ValueError(f"quantity must be a name such as 'dE_dW', got {name!r}")
    name = name.strip().replace("/", "_")  # dE/dW is dE_dW
    if name in LAYER_QUANTITIES[layer]:
        return LAYER_QUANTITIES[layer][name]
    others = [other for other in LAYER_QUANTITIES if name in LAYER_QUANTITIES[other]]
    if others:
        where = " or ".join(
            f"{LAYER_TEXT[other]} (sizes {', '.join(SIZES[other])})" for other in others
        )
        raise ValueError(f"{name} is a quantity of {where}, not of {LAYER_TEXT[layer]}")
    known = ", ".join(dict.fromkeys(n for q in LAYER_QUANTITIES.values() for n in q))
    raise ValueError(f"unknown quantity {name!r} (known: {known}, all)")


def quantities_of(names: object, layer: str) -> tuple[Quantity, ...]:
    """One name, a comma-separated list, a list of names, or "all" (every quantity of the
    layer; which of them the function returns is found from its first answer)."""
    if isinstance(names, str):
        names = [n for n in names.split(",") if n.strip()]
    if not isinstance(names, list | tuple) or not names:
        raise ValueError(
            f"quantity must be a name such as 'dE_dW', a list, or 'all', got {names!r}"
        )
    if any(isinstance(n, str) and n.strip() == "all" for n in names):
        return tuple(LAYER_QUANTITIES[layer].values())
    found = [quantity(n, layer) for n in names]
    if len({q.name for q in found}) < len(found):
        raise ValueError("a quantity is named twice")
    return tuple(found)


def sizes_of(sizes: object) -> tuple[str, dict[str, int]]:
    """("output" | "shallow" | "network", {name: size}) from a mapping K, J or N, J, K or
    N, I, J, K."""
    if not isinstance(sizes, Mapping):
        raise ValueError(f"sizes must be a mapping such as {{'K': 10, 'J': 20}}, got {sizes!r}")
    names = set(sizes)
    for layer, wanted in SIZES.items():
        if names == set(wanted):
            found = {name: int(check_size(name, sizes[name])) for name in wanted}
            _bounded(found, layer)
            return layer, found
    raise ValueError(
        "sizes must name K and J (the output layer), N, J and K (one hidden layer) or N, I, "
        f"J and K (two hidden layers), got {', '.join(map(str, sizes)) or 'none'}"
    )


def _bounded(sizes: dict[str, int], layer: str) -> None:
    for name, value in sizes.items():
        if value > MAX_SIZE:
            raise ValueError(
                f"{name} = {value} is more than check-code takes (at most {MAX_SIZE}): the "
                "reference is computed at 40 digits; the mistakes it finds show at small sizes"
            )
    entries = sum(sizes[a] * sizes[b] for a, b in WEIGHT_SHAPES[layer])
    if entries > MAX_WEIGHTS:
        raise ValueError(
            f"the weight matrices have {entries} entries, more than check-code takes (at most "
            f"{MAX_WEIGHTS}); check at smaller sizes"
        )
