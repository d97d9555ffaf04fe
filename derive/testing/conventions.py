"""The conventions of real gradient code, as options: their spellings (tables), their
validation, and :class:`Options` for arrays alone (tests, benchmarks: no function to ask).

Each table maps what a user may write to the one name the check uses: ``transposed`` is
``in-out``, ``(K, 1)`` a ``column`` bias, ``averaged`` a ``mean`` batch loss.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy

from derive.testing.spec import (
    Options,
    Regularization,
    default_bias,
    input_sizes,
    quantities_of,
    sizes_of,
)

WEIGHTS_TABLE = {"out-in": "out-in", "in-out": "in-out", "transposed": "in-out"}
TARGETS_TABLE = {"one-hot": "one-hot", "onehot": "one-hot", "soft": "soft", "labels": "labels"}
BATCH_LOSS = {"sum": "sum", "summed": "sum", "mean": "mean", "average": "mean", "averaged": "mean"}
DTYPES = {"float64": numpy.dtype(numpy.float64), "float32": numpy.dtype(numpy.float32)}
LAYOUTS = {"rows": "rows", "row": "rows", "columns": "columns", "column": "columns"}
# the bias's shape: (K,), (K, 1), (1, K), or no bias at all
BIASES = {
    "(k,)": "vector",
    "k": "vector",
    "vector": "vector",
    "(k,1)": "column",
    "k,1": "column",
    "column": "column",
    "(1,k)": "row",
    "1,k": "row",
    "row": "row",
    "none": "none",
    "no": "none",
}
INPUTS = {"logits": "logits", "probabilities": "probabilities", "probs": "probabilities"}
RELU_AT_ZERO = {"0": "0", "1": "1", "any": "any"}


def regularization_of(text: object) -> Regularization | None:
    """``l2:reg`` -> Regularization("reg"); None or "" -> None."""
    if text is None or text == "":
        return None
    if isinstance(text, Regularization):
        return text
    kind, colon, name = str(text).strip().partition(":")
    if kind.lower() != "l2" or not colon or not name.strip().isidentifier():
        raise ValueError(
            f"regularization must be l2:NAME, NAME the strength's argument (e.g. l2:reg), "
            f"got {text!r}"
        )
    return Regularization(name.strip())


def update_of(name: object) -> str | None:
    """``--update NAME``: the name the step size goes by (None: the code returns gradients)."""
    if name is None or name == "":
        return None
    if not isinstance(name, str) or not name.strip().isidentifier():
        raise ValueError(
            f"update must be the name of the step size your code takes (e.g. learning_rate), "
            f"got {name!r}"
        )
    return name.strip()


def _choice(what: str, value: object, table: Mapping[str, str]) -> str:
    key = str(value).strip().lower().replace("_", "-").replace(" ", "")
    if key not in table:
        known = ", ".join(sorted({v for v in table.values()}))
        raise ValueError(f"{what} must be one of {known}, got {value!r}")
    return table[key]


def bias_of(value: object, layout: str) -> str:
    """The bias convention: none, or its shape (K,), (K, 1), (1, K); None: the layout's."""
    if value is None:
        return default_bias(layout)
    key = str(value).strip().lower().replace(" ", "").replace("_", "-")
    if key not in BIASES:
        raise ValueError(f"bias must be none, (K,), (K,1) or (1,K), got {value!r}")
    return BIASES[key]


def conventions_of(layer: str, sizes: dict[str, int], given: Mapping[str, object]) -> dict:
    """The conventions, validated (ValueError naming the first problem)."""
    dtype = given["dtype"]
    dtype_name = getattr(dtype, "name", None) or getattr(dtype, "__name__", None) or dtype
    layout = _choice("layout", given["layout"], LAYOUTS)
    chosen = {
        "weights": _choice("weights", given["weights"], WEIGHTS_TABLE),
        "targets": _choice("targets", given["targets"], TARGETS_TABLE),
        "batch_loss": _choice("batch_loss", given["batch_loss"], BATCH_LOSS),
        "dtype": DTYPES[_choice("dtype", dtype_name, {k: k for k in DTYPES})],
        "layout": layout,
        "bias": bias_of(given["bias"], layout),
        "inputs": _choice("inputs", given["inputs"], INPUTS),
        "relu_at_zero": _choice("relu_at_zero", given["relu_at_zero"], RELU_AT_ZERO),
        "regularization": regularization_of(given["regularization"]),
        "update": update_of(given["update"]),
        "normalized_targets": bool(given["normalized_targets"]),
        "batched": bool(given["batched"]),
    }
    if layer != "output" and not chosen["normalized_targets"]:
        raise ValueError("the network's gradients are proved for targets that sum to 1 only")
    if not chosen["normalized_targets"] and chosen["targets"] != "soft":
        raise ValueError(
            f"{chosen['targets']} targets always sum to 1: normalized_targets=False "
            "is for soft targets"
        )
    if chosen["bias"] == "none":
        small = [n for n in input_sizes(layer) if sizes[n] < 2]
        if small:
            raise ValueError(
                f"bias none needs {', '.join(small)} >= 2: one input unit carries the constant "
                "1 that the bias multiplies (the bias trick)"
            )
    return chosen


DEFAULTS = {
    "weights": "out-in",
    "targets": "one-hot",
    "batch_loss": "sum",
    "dtype": "float64",
    "layout": "rows",
    "bias": None,
    "inputs": "logits",
    "relu_at_zero": "0",
    "regularization": None,
    "update": None,
    "normalized_targets": True,
    "batched": True,
}


def options(
    quantity_name: object,
    sizes: object,
    arguments: Mapping[str, str],
    *,
    timeout: float = 10.0,
    seed: int = 0,
    **given: object,
) -> Options:
    """Options for the arrays ``arguments`` names (parameter -> array), with no function to
    ask: for the suite and the reference on their own (tests, benchmarks)."""
    layer, size_map = sizes_of(sizes)
    names = quantities_of(quantity_name, layer)
    chosen = conventions_of(layer, size_map, {**DEFAULTS, **given})
    return Options(
        quantity=names[0],
        sizes=size_map,
        arguments=dict(arguments),
        result=None,
        timeout=float(timeout),
        seed=seed,
        quantities=names,
        uses=frozenset(arguments.values()),
        **chosen,
    )
