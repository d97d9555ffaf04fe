"""Which part of what the code returns is which quantity, found by the names real code uses.

Real gradient code names its results: ``return loss, dW``, ``return dW1, db1, dW2, db2``,
``grads["W1"]``, ``self.dinputs``. A name is read as "the gradient of the array the code
calls X": a prefix ``d``, ``d_``, ``grad_``, ``dE_d``, ``dL_d`` taken off, X is the array a
parameter named X receives (``--arg``, or the usual names), an array of the derivation by its
own name (case ignored: ``Z2`` is ``z2``), or a key or attribute that ``--set`` fills.
``loss``, ``cost``, ``E`` and ``L`` are the loss. A quantity named by ``result`` is never
guessed; one that no name gives stays unmapped, and its answer says what came back.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from derive.testing.plan import Calls, array_named
from derive.testing.spec import ARRAYS, Quantity

LOSS_NAMES = ("loss", "cost", "E", "L", "J", "data_loss", "total_loss")
PREFIXES = ("dE_d", "dL_d", "dJ_d", "grad_", "grads_", "d_", "d")


def user_names(calls: Calls, layer: str) -> dict[str, str]:
    """What the code calls each array: parameter names, and the keys or attributes that
    ``--set`` fills with an array."""
    names: dict[str, str] = {}
    for parameter, tree in calls.parameters.items():
        if tree[0] == "name" and tree[1] in ARRAYS[layer]:
            names[parameter] = tree[1]
    for target, value in calls.sets:
        if value[0] != "name" or value[1] not in ARRAYS[layer]:
            continue
        if target[0] == "name":
            names[target[1]] = value[1]
        elif target[0] == "attr":
            names[target[2]] = value[1]
        elif target[0] == "item" and target[2][0] == "const" and isinstance(target[2][1], str):
            names[target[2][1]] = value[1]
    return names


def quantity_named(
    name: str, calls: Calls, layer: str, quantities: Sequence[Quantity], *, prefixed: bool
) -> Quantity | None:
    """The quantity a result called ``name`` is, if the name says (``prefixed``: only names
    with a gradient prefix count, as for the names of a return statement)."""
    by_name = {q.name: q for q in quantities}
    if name in by_name:
        return by_name[name]
    if name in LOSS_NAMES:
        return by_name.get("E")
    known = user_names(calls, layer)
    candidates = [name[len(p) :] for p in PREFIXES if name.startswith(p) and len(name) > len(p)]
    if not prefixed:
        candidates.append(name)
    for stem in candidates:
        array = known.get(stem) or array_named(stem, layer)
        if array is None:
            continue
        for q in quantities:
            if q.of == array:
                return q
    return None


def from_returned_names(
    results: Mapping[str, list | None],
    names: Sequence[str] | None,
    calls: Calls,
    layer: str,
    quantities: Sequence[Quantity],
) -> dict[str, list | None]:
    """``results`` with the quantities that no ``result`` names mapped by the names of the
    function's return statement, where they say which is which."""
    found = dict(results)
    if not names:
        return found
    open_ = [q for q in quantities if found.get(q.name) is None]
    taken: set[str] = set()
    for returned in names:
        q = quantity_named(returned, calls, layer, open_, prefixed=True)
        if q is not None and q.name not in taken:
            found[q.name] = ["name", returned]
            taken.add(q.name)
    return found
