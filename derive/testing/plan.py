"""What each parameter receives: the user's ``arguments`` (``--arg``), then the parameters
named like an array of the derivation, then the usual names of real code.

An explicit mapping never switches the defaults off for the other parameters. The usual names
are data (:data:`ALIASES`): ``X`` and ``x`` are the layer's input, ``y``, ``Y``, ``y_true``,
``targets`` and ``labels`` the targets, ``scores`` and ``logits`` the logits, ``probs`` and
``probabilities`` the softmax's output; ``Z1``, ``A2``, ... are ``z1``, ``a2`` (case is ignored
for the derivation's own names). An ``--arg`` name that is not a parameter is a definition
other expressions may use (``--arg scores=z --arg 'p=softmax(scores)'``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from derive.testing.callsyntax import SyntaxProblem, names, parse, parse_assignment, show
from derive.testing.spec import ARRAYS, LAYER_QUANTITIES, Quantity

_TARGETS = {name: "t" for name in ("y", "Y", "y_true", "targets", "target", "labels")}


def _network_aliases(logits: str, probabilities: str) -> dict[str, str]:
    """The usual names of a network whose output layer has these logits and probabilities."""
    return {
        "X": "x",
        "inputs": "x",
        **_TARGETS,
        "scores": logits,
        "logits": logits,
        "dvalues": logits,
        "probs": probabilities,
        "probabilities": probabilities,
        "AL": probabilities,
        "A0": "x",
    }


# usual parameter names -> the array they receive, per layer
ALIASES: dict[str, dict[str, str]] = {
    "output": {
        "X": "a_prev",
        "x": "a_prev",
        "inputs": "a_prev",
        "A_prev": "a_prev",
        **_TARGETS,
        "scores": "z",
        "logits": "z",
        "dvalues": "z",
        "probs": "a",
        "probabilities": "a",
        "AL": "a",
        "dout": "dE_dz",
        "theta": "W",
        "Theta": "W",
        "weights": "W",
        "biases": "b",
        "bias": "b",
    },
    "network": _network_aliases("z3", "a3"),
    "shallow": _network_aliases("z2", "a2"),
}
# the names of the batch and its targets in training code, in every layer
_TARGET_NAMES = ("y_onehot", "y_one_hot", "Y_onehot", "one_hot_Y", "y_train", "Y_train")
_TARGET_NAMES += ("y_batch", "Y_batch", "T", "t_batch")
_INPUT_NAMES = ("X_train", "x_train", "X_batch", "x_batch")
for _layer, _names in ALIASES.items():
    _input = "a_prev" if _layer == "output" else "x"
    _names.update({name: "t" for name in _TARGET_NAMES if name not in ARRAYS[_layer]})
    _names.update({name: _input for name in _INPUT_NAMES})

_POSITIONAL = ("POSITIONAL_ONLY",)
_SKIPPED = ("VAR_POSITIONAL", "VAR_KEYWORD")


@dataclass(frozen=True)
class Calls:
    """The planned calls: parameter -> tree, definitions, --set, --before, and the arrays the
    plan refers to."""

    parameters: dict[str, list]
    positional: list[str]
    definitions: dict[str, list]  # every name --arg gives, a parameter's or not
    sets: list[list]
    before: list[list]
    uses: frozenset[str]
    aliases: dict[str, str]

    def child(self, results: Mapping[str, list | None], limits: Mapping[str, int]) -> dict:
        """The plan as the child takes it (plain data)."""
        return {
            "parameters": self.parameters,
            "positional": self.positional,
            "definitions": self.definitions,
            "sets": self.sets,
            "before": self.before,
            "results": dict(results),
            "limits": dict(limits),
            "aliases": dict(self.aliases),
        }

    def receives(self) -> dict[str, str]:
        """parameter -> the argument it receives by name (for the report)."""
        return {p: t[1] for p, t in self.parameters.items() if t[0] == "name"}


# the logits -> the probabilities, per layer (a parameter named like the array keeps it)
_TO_PROBABILITIES = {"output": {"z": "a"}, "shallow": {"z2": "a2"}, "network": {"z3": "a3"}}


def array_named(name: str, layer: str, inputs: str = "logits") -> str | None:
    """The array a parameter called ``name`` receives by default, if any (``inputs``:
    "probabilities" gives the softmax's output to the names of the logits)."""
    known = ARRAYS[layer]
    if name in known:
        return name
    if name in ALIASES[layer]:
        found = ALIASES[layer][name]
        if inputs == "probabilities":
            found = _TO_PROBABILITIES[layer].get(found, found)
        return found
    folded = {n.lower(): n for n in known}
    return folded.get(name.lower())


def _tree(text: object, what: str) -> list:
    if isinstance(text, list):
        return text
    if not isinstance(text, str):
        raise ValueError(f"{what}: expected an array name or an expression, got {text!r}")
    try:
        return parse(text)
    except SyntaxProblem as error:
        raise ValueError(f"{what}: {error}") from None


def plan_calls(
    parameters: Sequence[tuple[str, str, bool]] | None,
    layer: str,
    arguments: Mapping[str, object] | None,
    sets: Sequence[object] | Mapping[str, object] | None,
    before: Sequence[object] | None,
    extra_names: Sequence[str] = (),
    inputs: str = "logits",
    sizes: Sequence[str] = (),
) -> Calls:
    """The calls for every input (see the module docstring).

    Args:
        parameters: the function's (name, kind, has_default), ``self`` left out; None when
            it has no signature to read (a builtin): every argument given is passed.
        layer: "output", "shallow" or "network".
        arguments: parameter or definition name -> an array name or an expression.
        sets: ``TARGET=EXPR`` texts (or a mapping target -> expression).
        before: expressions called before the checked call, in order.
        extra_names: further names in scope (the regularization's strength).
        inputs: "logits" or "probabilities", what the logits' usual names receive.
        sizes: names of numbers an expression may use (B, K, J, ...), never a default.

    Raises:
        ValueError: an expression that cannot be read, a parameter that gets nothing, a name
            given twice.
    """
    explicit = _explicit(arguments, layer, [*extra_names, *sizes])
    set_trees = _sets(sets)
    before_trees = [_tree(text, "before") for text in before or []]
    used = set().union(*(names(t) for t in explicit.values())) if explicit else set()
    for target, value in set_trees:
        used |= names(value) | (
            names(target) - {target[1]} if target[0] == "name" else names(target)
        )
    for tree in before_trees:
        used |= names(tree)
    chosen = _passed(parameters, explicit, used)
    _defaults(chosen, parameters, layer, extra_names, inputs)
    positional = [
        name for name, kind, _ in parameters or () if kind in _POSITIONAL and name in chosen
    ]
    all_trees = [*chosen.values(), *explicit.values(), *before_trees]
    all_trees += [t for pair in set_trees for t in pair]
    referred = set().union(*(names(t) for t in all_trees)) if all_trees else set()
    aliases = usual_names(layer, inputs)
    uses = frozenset(_arrays_reached(referred, explicit, layer, aliases))
    return Calls(chosen, positional, explicit, set_trees, before_trees, uses, aliases)


def usual_names(layer: str, inputs: str) -> dict[str, str]:
    """Every name an expression may use for an array beyond its own (``X``, ``y``, ``Z1``),
    as a parameter of that name would get it."""
    names = {name.upper(): name for name in ARRAYS[layer] if name.upper() != name}
    for name in ALIASES[layer]:
        names[name] = array_named(name, layer, inputs) or name
    return {name: array for name, array in names.items() if name not in ARRAYS[layer]}


def _explicit(
    arguments: Mapping[str, object] | None, layer: str, extra_names: Sequence[str]
) -> dict[str, list]:
    """The ``--arg`` trees; a bare name must be an array or another ``--arg`` name."""
    explicit = {}
    for name, text in (arguments or {}).items():
        if not isinstance(name, str) or not name.isidentifier():
            raise ValueError(f"argument name {name!r} is not a Python identifier")
        explicit[name] = _tree(text, f"argument {name}")
    for name, tree in explicit.items():
        plain = tree[0] == "name" and tree[1] not in ("self", *extra_names)
        if plain and tree[1] not in ARRAYS[layer] and tree[1] not in explicit:
            known = ", ".join(ARRAYS[layer])
            raise ValueError(
                f"argument {name}={tree[1]!r}: not an array of the {layer} layer (known: "
                f"{known}) nor a name given with --arg"
            )
    given = [t[1] for t in explicit.values() if t[0] == "name" and t[1] in ARRAYS[layer]]
    if len(set(given)) < len(given):
        raise ValueError("two arguments receive the same array")
    return explicit


def _passed(
    parameters: Sequence[tuple[str, str, bool]] | None,
    explicit: Mapping[str, list],
    used: set[str],
) -> dict[str, list]:
    """The ``--arg`` names the call passes; one that is no parameter must be used by another
    expression (a definition), or it is a mistake."""
    by_name = {p[0]: p for p in parameters or ()}
    takes_any = any(kind == "VAR_KEYWORD" for _, kind, _ in parameters or ())
    chosen: dict[str, list] = {}
    for name, tree in explicit.items():
        passed = name in by_name and by_name[name][1] not in _SKIPPED
        if parameters is None or takes_any or passed:
            chosen[name] = tree  # (no signature to read: every name is passed)
        elif name not in used:
            known = ", ".join(by_name) or "none"
            raise ValueError(f"the function has no parameter {name!r} (its parameters: {known})")
    return chosen


def _defaults(
    chosen: dict[str, list],
    parameters: Sequence[tuple[str, str, bool]] | None,
    layer: str,
    extra_names: Sequence[str],
    inputs: str,
) -> None:
    """The parameters ``--arg`` leaves out: by name, or by their usual names."""
    for name, kind, has_default in parameters or ():
        if name in chosen or kind in _SKIPPED:
            continue
        if name in extra_names:
            chosen[name] = ["name", name]
            continue
        array = array_named(name, layer, inputs)
        if array is not None:
            chosen[name] = ["name", array]
        elif not has_default:
            raise ValueError(
                f"the function's parameter {name!r} gets no array: map it (NAME=ARRAY)"
            )


def _sets(sets: Sequence[object] | Mapping[str, object] | None) -> list[list]:
    pairs = []
    items = sets.items() if isinstance(sets, Mapping) else [(s, None) for s in sets or []]
    for target, value in items:
        try:
            if value is None:
                left, right = parse_assignment(str(target))
            else:
                left, right = parse_assignment(f"{target}=0")[0], _tree(value, f"set {target}")
        except SyntaxProblem as error:
            raise ValueError(f"set {target}: {error}") from None
        pairs.append([left, right])
    return pairs


def _arrays_reached(
    referred: set[str], definitions: Mapping[str, list], layer: str, aliases: Mapping[str, str]
) -> set[str]:
    """The derivation's arrays the plan refers to, through definitions too (a usual name
    counts: it reaches its array unless the object or module has the name)."""
    seen, stack, found = set(), list(referred), set()
    while stack:
        name = stack.pop()
        if name in seen:
            continue
        seen.add(name)
        if name in ARRAYS[layer]:
            found.add(name)
        elif name in aliases and name not in definitions:
            found.add(aliases[name])
        if name in definitions:
            stack.extend(names(definitions[name]))
    return found


def missing(uses: frozenset[str], q: Quantity, bias: str, inputs: str) -> str | None:
    """What ``q`` needs that the plan never gives the function, in words (None: enough).
    The errors a layer receives from above (dE_dz, ...) carry the targets in them."""
    if "t" not in uses and not any(name.startswith("dE_dz") for name in uses):
        return "t"
    if q.layer != "output":
        return None
    needed = []
    if q.name == "dE_dW" and "a_prev" not in uses:
        needed.append("a_prev")
    if q.name == "dE_dX" and "W" not in uses:
        needed.append("W")
    errors = any(name.startswith("dE_dz") for name in uses)
    if not errors and not uses & {"z", "a"}:
        logits = [n for n in ("a_prev", "W", "b") if n not in uses and n not in needed]
        if bias == "none" and "b" in logits:
            logits.remove("b")
        if logits:
            source = "the probabilities a" if inputs == "probabilities" else "the logits z"
            needed.append(" and ".join(logits) + f" (or {source})")
    return ", ".join(needed) or None


def result_tree(value: object) -> list | None:
    """``--result``: an index (``1``), a key or name (``W``, ``'W'``, ``grads``), or an
    expression (``grads["W1"]``, ``self.dinputs``, ``[1]["W1"]``: the return value's part)."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError(
            f"result must be an index or a key of what the function returns, got {value!r}"
        )
    if isinstance(value, int):
        return ["item", ["returned"], ["const", value]]
    if not isinstance(value, str):
        raise ValueError(
            f"result must be an index or a key of what the function returns, got {value!r}"
        )
    try:
        tree = parse(value)
    except SyntaxProblem as error:
        raise ValueError(f"result {value!r}: {error}") from None
    return _rooted(tree)


def _rooted(tree: list) -> list:
    """A leading ``[i]`` or a bare number means the return value's part."""
    kind = tree[0]
    if kind == "const" and isinstance(tree[1], int | str) and not isinstance(tree[1], bool):
        return ["item", ["returned"], tree]  # an index, or a quoted key
    if kind == "list" and len(tree[1]) == 1:
        return ["item", ["returned"], tree[1][0]]
    if kind in ("attr", "item"):
        return [kind, _rooted(tree[1]), *tree[2:]]
    return tree


def results_of(result: object, quantities: Sequence[Quantity]) -> dict[str, list | None]:
    """quantity -> its tree: one ``result`` for a single quantity, or a mapping."""
    if isinstance(result, Mapping):
        found = {}
        for name, value in result.items():
            matches = [q for q in quantities if q.name == str(name).replace("/", "_")]
            if not matches:
                known = ", ".join(q.name for q in quantities)
                raise ValueError(f"result for {name!r}: not a quantity checked here ({known})")
            found[matches[0].name] = result_tree(value)
        return {q.name: found.get(q.name) for q in quantities}
    if result is not None and len(quantities) > 1:
        raise ValueError("one result for several quantities: give one per quantity (QUANTITY=EXPR)")
    return {q.name: result_tree(result) for q in quantities}


def layer_quantity(layer: str, name: str) -> Quantity:
    return LAYER_QUANTITIES[layer][name]


__all__ = ["Calls", "array_named", "missing", "plan_calls", "result_tree", "results_of", "show"]
