"""What is checked, as data: the quantities a function may compute, the arrays it may receive,
and the layout options, validated into one :class:`Options`.

Names follow the rest of derive. The output layer (sizes K, J) has the post's arrays ``z``,
``t``, ``W`` (K, J), ``b`` (K,) and ``a_prev`` (the layer's input a^{L-1}); the whole network
(sizes N, I, J, K) has ``numeric``'s ``x``, ``W1, b1`` (layer L-2), ``W2, b2`` (L-1),
``W3, b3`` (L) and ``t``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy

from derive.model.sizes import check_size


@dataclass(frozen=True)
class Quantity:
    """A proved result a user's function may compute.

    Attributes:
        name: as the user names it (``dE_dW``).
        layer: "output" (sizes K, J) or "network" (sizes N, I, J, K).
        axes: the size names of its shape, for one batch (``("K", "J")``); () for the loss.
        per_example: one row per example (dE/dz): shape (B, *axes); else summed over the batch.
        weights: a weight gradient, stored like the weights (transposed under "in-out").
        text: the derivation's name for it.
    """

    name: str
    layer: str
    axes: tuple[str, ...]
    per_example: bool
    weights: bool
    text: str


QUANTITIES: dict[str, Quantity] = {
    q.name: q
    for q in (
        Quantity("E", "output", (), False, False, "E = -sum_k t_k log a_k"),
        Quantity("dE_dz", "output", ("K",), True, False, "dE/dz_k"),
        Quantity("dE_dW", "output", ("K", "J"), False, True, "dE/dW_kj"),
        Quantity("dE_db", "output", ("K",), False, False, "dE/db_k"),
        Quantity("dE_dW1", "network", ("I", "N"), False, True, "dE/dW_in (layer L-2)"),
        Quantity("dE_db1", "network", ("I",), False, False, "dE/db_i (layer L-2)"),
        Quantity("dE_dW2", "network", ("J", "I"), False, True, "dE/dW_ji (layer L-1)"),
        Quantity("dE_db2", "network", ("J",), False, False, "dE/db_j (layer L-1)"),
        Quantity("dE_dW3", "network", ("K", "J"), False, True, "dE/dW_kj (layer L)"),
        Quantity("dE_db3", "network", ("K",), False, False, "dE/db_k (layer L)"),
        Quantity("dE_dz1", "network", ("I",), True, False, "dE/dz_i (layer L-2)"),
        Quantity("dE_dz2", "network", ("J",), True, False, "dE/dz_j (layer L-1)"),
        Quantity("dE_dz3", "network", ("K",), True, False, "dE/dz_k (layer L)"),
    )
}
NETWORK_E = Quantity("E", "network", (), False, False, "E = -sum_k t_k log a_k^L")


@dataclass(frozen=True)
class Array:
    """An array of the derivation a function may receive: its axes, and whether it is one row
    per example (x, t, ...) or a parameter (W, b)."""

    name: str
    axes: tuple[str, ...]
    per_example: bool
    weights: bool = False


ARRAYS: dict[str, dict[str, Array]] = {
    "output": {
        a.name: a
        for a in (
            Array("a_prev", ("J",), True),
            Array("W", ("K", "J"), False, weights=True),
            Array("b", ("K",), False),
            Array("z", ("K",), True),
            Array("t", ("K",), True),
        )
    },
    "network": {
        a.name: a
        for a in (
            Array("x", ("N",), True),
            Array("W1", ("I", "N"), False, weights=True),
            Array("b1", ("I",), False),
            Array("W2", ("J", "I"), False, weights=True),
            Array("b2", ("J",), False),
            Array("W3", ("K", "J"), False, weights=True),
            Array("b3", ("K",), False),
            Array("t", ("K",), True),
        )
    },
}
SIZES = {"output": ("K", "J"), "network": ("N", "I", "J", "K")}

WEIGHTS = {"out-in": "out-in", "in-out": "in-out", "transposed": "in-out"}
TARGETS = {"one-hot": "one-hot", "onehot": "one-hot", "soft": "soft", "labels": "labels"}
BATCH_LOSS = {"sum": "sum", "summed": "sum", "mean": "mean", "average": "mean", "averaged": "mean"}
DTYPES = {"float64": numpy.dtype(numpy.float64), "float32": numpy.dtype(numpy.float32)}


@dataclass(frozen=True)
class Options:
    """Validated options of one check (see :func:`derive.testing.check_gradient_code`)."""

    quantity: Quantity
    sizes: dict[str, int]
    arguments: dict[str, str]  # the function's parameter -> the derivation's array
    weights: str
    targets: str
    batch_loss: str
    dtype: numpy.dtype
    normalized_targets: bool
    batched: bool
    result: int | str | None
    timeout: float
    seed: int

    @property
    def layer(self) -> str:
        return self.quantity.layer

    def describe(self) -> str:
        """The layout in words, for the report."""
        sizes = ", ".join(f"{k} = {v}" for k, v in self.sizes.items())
        words = [sizes, str(self.dtype), f"weights {self.weights}", f"targets {self.targets}"]
        if not self.normalized_targets:
            words.append("targets need not sum to 1")
        words.append(f"batch loss {self.batch_loss}" if self.batched else "one example")
        return ", ".join(words)


def _choice(what: str, value: object, table: Mapping[str, str]) -> str:
    key = str(value).strip().lower().replace("_", "-")
    if key not in table:
        known = ", ".join(sorted({v for v in table.values()}))
        raise ValueError(f"{what} must be one of {known}, got {value!r}")
    return table[key]


def quantity(name: object, layer: str) -> Quantity:
    """The quantity called ``name`` for ``layer`` ("output" or "network")."""
    if not isinstance(name, str):
        raise ValueError(f"quantity must be a name such as 'dE_dW', got {name!r}")
    name = name.strip().replace("/", "_")  # dE/dW is dE_dW
    if name == "E":
        return QUANTITIES["E"] if layer == "output" else NETWORK_E
    if name not in QUANTITIES:
        known = ", ".join(QUANTITIES)
        raise ValueError(f"unknown quantity {name!r} (known: {known})")
    found = QUANTITIES[name]
    if found.layer != layer:
        need = ", ".join(SIZES[found.layer])
        where = "the network" if found.layer == "network" else "the output layer"
        raise ValueError(f"{name} is a quantity of {where}: give the sizes {need}")
    return found


def sizes_of(sizes: object) -> tuple[str, dict[str, int]]:
    """("output" | "network", {name: size}) from a mapping K, J or N, I, J, K."""
    if not isinstance(sizes, Mapping):
        raise ValueError(f"sizes must be a mapping such as {{'K': 10, 'J': 20}}, got {sizes!r}")
    names = set(sizes)
    for layer, wanted in SIZES.items():
        if names == set(wanted):
            return layer, {name: int(check_size(name, sizes[name])) for name in wanted}
    raise ValueError(
        f"sizes must name K and J (the output layer) or N, I, J and K (the network), "
        f"got {', '.join(map(str, sizes)) or 'none'}"
    )


def arguments_of(arguments: Mapping[str, str], layer: str, q: Quantity) -> dict[str, str]:
    """Check the mapping parameter -> array: known arrays, each once, enough for ``q``."""
    known = ARRAYS[layer]
    result: dict[str, str] = {}
    for parameter, array in arguments.items():
        if not isinstance(parameter, str) or not parameter.isidentifier():
            raise ValueError(f"argument name {parameter!r} is not a Python identifier")
        if array not in known:
            raise ValueError(
                f"argument {parameter}={array!r}: not an array of the {layer} layer "
                f"(known: {', '.join(known)})"
            )
        if array in result.values():
            raise ValueError(f"two arguments receive the same array {array!r}")
        result[parameter] = array
    missing = _missing(set(result.values()), layer, q)
    if missing:
        raise ValueError(f"{q.name} needs {missing}: map a parameter to each (NAME=ARRAY)")
    return result


def _missing(given: set[str], layer: str, q: Quantity) -> str | None:
    """What is missing for ``q`` to be determined by the arrays ``given``, in words."""
    if layer == "network":
        return ", ".join(a for a in ARRAYS["network"] if a not in given) or None
    needed = ("t", "a_prev") if q.name == "dE_dW" else ("t",)
    missing = [a for a in needed if a not in given]
    if "z" not in given:
        logits = [a for a in ("a_prev", "W", "b") if a not in given and a not in missing]
        if logits:
            missing.append(" and ".join(logits) + " (or the logits z)")
    return ", ".join(missing) or None


def options(
    quantity_name: object,
    sizes: object,
    arguments: Mapping[str, str],
    *,
    weights: object = "out-in",
    targets: object = "one-hot",
    batch_loss: object = "sum",
    dtype: object = "float64",
    normalized_targets: bool = True,
    batched: bool = True,
    result: int | str | None = None,
    timeout: float = 10.0,
    seed: int = 0,
) -> Options:
    """Validate everything the user chose; ValueError naming the first problem."""
    layer, size_map = sizes_of(sizes)
    q = quantity(quantity_name, layer)
    dtype_name = numpy.dtype(dtype).name if isinstance(dtype, type | numpy.dtype) else dtype
    chosen_targets = _choice("targets", targets, TARGETS)
    if layer == "network" and not normalized_targets:
        raise ValueError("the network's gradients are proved for targets that sum to 1 only")
    if not normalized_targets and chosen_targets != "soft":
        raise ValueError(
            f"{chosen_targets} targets always sum to 1: normalized_targets=False "
            "is for soft targets"
        )
    if result is not None and (isinstance(result, bool) or not isinstance(result, int | str)):
        raise ValueError(
            f"result must be an index or a key of what the function returns, got {result!r}"
        )
    if isinstance(timeout, bool) or not isinstance(timeout, int | float) or not timeout > 0:
        raise ValueError(f"timeout must be a positive number of seconds, got {timeout!r}")
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ValueError(f"seed must be an integer >= 0, got {seed!r}")
    return Options(
        quantity=q,
        sizes=size_map,
        arguments=arguments_of(arguments, layer, q),
        weights=_choice("weights", weights, WEIGHTS),
        targets=chosen_targets,
        batch_loss=_choice("batch_loss", batch_loss, BATCH_LOSS),
        dtype=DTYPES[_choice("dtype", dtype_name, {k: k for k in DTYPES})],
        normalized_targets=bool(normalized_targets),
        batched=bool(batched),
        result=result,
        timeout=float(timeout),
        seed=seed,
    )
