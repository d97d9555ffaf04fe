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
from derive.testing.spec import ARRAYS, BIAS, WEIGHTS, Quantity

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
    candidates = [
        (name[len(p) :], True) for p in PREFIXES if name.startswith(p) and len(name) > len(p)
    ]
    if not prefixed:
        candidates.append((name, False))
    for stem, with_prefix in candidates:
        array = known.get(stem) or array_named(stem, layer)
        if array is None:
            continue
        for q in quantities:
            # a bare key names a parameter's gradient (cs231n's grads["W1"]); a bare "A1"
            # or "Z1" is a forward value, not its gradient
            if q.of == array and (with_prefix or q.kind in (WEIGHTS, BIAS)):
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


Part = tuple[str | None, list, dict]  # (name, tree, structure node)


def _walk(node: object, tree: list, named: Sequence[str] | None, depth: int = 0):
    """(name or None, tree, node) for every part of a returned structure."""
    if not isinstance(node, dict):
        return
    kind = node.get("kind")
    if kind == "tuple" and isinstance(node.get("items"), list):
        items = node["items"]
        for index, item in enumerate(items):
            name, part = None, ["item", tree, ["const", index]]
            if named and len(named) == len(items) and depth == 0:
                name, part = named[index], ["name", named[index]]
            if isinstance(item, dict):
                yield name, part, item
                yield from _walk(item, part, None, depth + 1)
    elif kind == "dict" and isinstance(node.get("items"), dict):
        for key, item in node["items"].items():
            if isinstance(key, str) and isinstance(item, dict):
                part = ["item", tree, ["const", key]]
                yield key, part, item
                yield from _walk(item, part, None, depth + 1)


def _parts(
    found: Mapping[str, object], names: Sequence[str] | None, whole: bool = False
) -> list[Part]:
    """Every part of what the call returned, then of the object's attributes (``whole``:
    a single array returned unnamed is a part too, to be placed by its shape among several
    quantities; for one quantity it is that quantity's answer already)."""
    returned = found.get("returned")
    parts = list(_walk(returned, ["returned"], names))
    single = names and len(names) == 1 and isinstance(returned, dict)
    if single and returned.get("kind") != "tuple":
        parts.insert(0, (names[0], ["name", names[0]], returned))
    elif whole and isinstance(returned, dict) and returned.get("kind") == "array":
        parts.insert(0, (None, ["returned"], returned))  # ``return X.T @ p / n``: by shape
    attributes = found.get("attributes")
    if isinstance(attributes, dict):
        for name, node in attributes.items():
            if isinstance(node, dict):
                tree = ["attr", ["name", "self"], name]
                parts.append((name, tree, node))
                parts += list(_walk(node, tree, None, 1))
    return parts


def _fits(node: dict, shape: tuple[int, ...] | None) -> bool:
    """A part of this shape can be that quantity (or its transpose, which is diagnosed)."""
    if node.get("kind") != "array" or shape is None:
        return node.get("kind") not in ("tuple", "dict")
    got = tuple(node.get("shape") or ())
    return got == tuple(shape) or (len(got) == 2 and got[::-1] == tuple(shape))


def from_structure(
    results: Mapping[str, list | None],
    found: Mapping[str, object],
    names: Sequence[str] | None,
    calls: Calls,
    layer: str,
    quantities: Sequence[Quantity],
    shapes: Mapping[str, tuple[int, ...]] | None = None,
) -> tuple[dict[str, list | None], dict[str, list]]:
    """``results`` completed from what one call returned (a probe's structure): the parts
    of the return value, then the object's attributes, each read by its name where its shape
    agrees; then the parts that no name places, by their shapes (``shapes``: quantity -> the
    shape its answer has at the probe's input). Returns the placement and, of it, the parts
    placed by their shape alone (quantity -> part), which the report treats as a guess."""
    shapes = shapes or {}
    chosen = dict(results)
    parts = _parts(found, names, whole=len(quantities) > 1)
    for name, tree, node in parts:
        if name is None:
            continue
        open_ = [q for q in quantities if chosen.get(q.name) is None]
        prefixed = tree[0] == "attr" or (tree[0] == "name" and tree[1] == name)
        prefixed = prefixed or not _keys_name_gradients(tree)
        q = quantity_named(name, calls, layer, open_, prefixed=prefixed)
        if q is not None and _fits(node, shapes.get(q.name)):
            chosen[q.name] = tree
    free = [
        (tree, tuple(node.get("shape") or ()))
        for name, tree, node in parts
        if node.get("kind") == "array"
        and tree not in chosen.values()
        and (tree[0] != "attr" or _prefixed(name))
        and len(tree) > 0
        and _top(tree)
    ]
    named = dict(chosen)
    _by_shape(chosen, free, quantities, shapes)
    return chosen, {q: t for q, t in chosen.items() if t is not None and named.get(q) is None}


# the dicts whose bare keys name gradients (``grads["W1"]``): a returned dict unless its name
# says it holds something else; an attribute only if its name says gradients (a layer's
# ``self.params["W1"]`` is the parameter itself, ``self.grads["W1"]`` its gradient)
NOT_GRADIENTS = ("param", "cache", "weight", "bias", "model", "state", "activation", "config")
GRADIENTS = ("grad", "nabla", "deriv", "d_", "dparam", "dweight", "dbias")


def _keys_name_gradients(tree: list) -> bool:
    """Whether a dict entry reached by ``tree`` may be named by a bare key (see above): the
    nearest container with a name decides, a dict reached by positions alone may."""
    if tree[0] != "item" or tree[2][0] != "const" or not isinstance(tree[2][1], str):
        return True
    holder = tree[1]
    while holder[0] == "item":
        holder = holder[1]
    if holder[0] == "attr":
        return holder[2].lower().startswith(GRADIENTS)
    if holder[0] == "name":
        return not holder[1].lower().startswith(NOT_GRADIENTS)
    return True


def _prefixed(name: str | None) -> bool:
    return bool(name) and any(name.startswith(p) and len(name) > len(p) for p in PREFIXES)


def _top(tree: list) -> bool:
    """A part reached by positions only (``[1]``, ``[0][1]``: a tuple or list of
    gradients), or an attribute; not an entry of a dict, whose key names it."""
    kind = tree[0]
    if kind == "item":
        key = tree[2]
        return not (key[0] == "const" and isinstance(key[1], str)) and _top(tree[1])
    return kind in ("returned", "name", "attr")


def _by_shape(
    chosen: dict[str, list | None],
    free: list[tuple[list, tuple[int, ...]]],
    quantities: Sequence[Quantity],
    shapes: Mapping[str, tuple[int, ...]],
) -> None:
    """The parts no name places: a shape only one open quantity has (a number is the loss),
    then a shape that is one's reversed (a transposed answer, which the diagnosis then
    names), then, if one part and one quantity are left, each other."""
    for tree, shape in list(free):
        open_ = [q for q in quantities if chosen.get(q.name) is None]
        fits = [q for q in open_ if tuple(shapes.get(q.name, ())) == shape]
        alike = [t for t, s in free if s == shape]
        if len(fits) == 1 and len(alike) == 1:
            chosen[fits[0].name] = tree
            free.remove((tree, shape))
    for tree, shape in list(free):  # a transposed answer: its shape reversed is one's
        open_ = [q for q in quantities if chosen.get(q.name) is None]
        fits = [
            q for q in open_ if len(shape) == 2 and tuple(shapes.get(q.name, ())) == shape[::-1]
        ]
        if len(fits) == 1 and [s for _, s in free].count(shape) == 1:
            chosen[fits[0].name] = tree
            free.remove((tree, shape))
    open_ = [q for q in quantities if chosen.get(q.name) is None]
    if len(open_) == 1 and len(free) == 1:
        chosen[open_[0].name] = free[0][0]
