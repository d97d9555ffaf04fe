"""What each parameter of the user's function receives, and which part of what it returns is
which result, when it is checked against the user's own derivation.

Parameters get the derivation's arguments by name: the emitted function's names (``w``, ``x``,
``a_L_1``), case aside, then a few usual names of real code (:data:`ALIASES`: ``X`` is ``x``,
``y`` the targets ``t``, ``weights`` ``w``), then ``--arg NAME=EXPR`` (an argument's name, or
an expression of the restricted call syntax over them). Every argument of the result must
reach the function, or the check could not be fair; a parameter with a default may get none.

Results are found as today's check-code finds quantities: ``--result NAME=PART`` says it; else
the names of the return statement (``return loss, dw, db``) or the keys of a returned dict,
read as "the gradient of the argument the code calls X" (``dw``, ``grad_w``, ``dL_dw``) or as
the loss (``loss``, ``cost``) or by the result's own name (``dL_dw_j``); else, for several
results and a tuple of as many values, their order.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sympy import Indexed

from derive.testing.against.source import Chosen
from derive.testing.callsyntax import names as tree_names
from derive.testing.detect import LOSS_NAMES, PREFIXES
from derive.testing.plan import Calls, _passed, _sets, _tree, result_tree

# usual parameter names -> the derivation's argument names they may stand for, in order
ALIASES: dict[str, tuple[str, ...]] = {
    "X": ("x",),
    "inputs": ("x",),
    "features": ("x",),
    "y": ("t",),
    "Y": ("t", "y"),
    "y_true": ("t", "y"),
    "target": ("t", "y"),
    "targets": ("t", "y"),
    "labels": ("t", "y"),
    "weights": ("w", "W"),
    "weight": ("w", "W"),
    "theta": ("w",),
    "bias": ("b",),
    "biases": ("b",),
    "logits": ("z",),
    "scores": ("z",),
}
_SKIPPED = ("VAR_POSITIONAL", "VAR_KEYWORD")


def argument_named(name: str, arguments: Sequence[str], taken: set[str]) -> str | None:
    """The argument a parameter called ``name`` receives by default, if any."""
    if name in arguments:
        return name
    folded = [a for a in arguments if a.lower() == name.lower() and a not in taken]
    if len(folded) == 1:
        return folded[0]
    for candidate in ALIASES.get(name, ()):
        if candidate in arguments and candidate not in taken:
            return candidate
    return None


def plan_own(
    parameters: Sequence[tuple[str, str, bool]] | None,
    arguments: Sequence[str],
    given: Mapping[str, object] | None,
    sets: Sequence[object] | Mapping[str, object] | None,
    before: Sequence[object] | None,
    result_name: str,
) -> Calls:
    """The calls for every input (see the module docstring).

    Raises:
        ValueError: an expression that cannot be read, a parameter that gets nothing, an
            argument that reaches the function nowhere.
    """
    explicit = {}
    for name, text in (given or {}).items():
        if not isinstance(name, str) or not name.isidentifier():
            raise ValueError(f"argument name {name!r} is not a Python identifier")
        tree = _tree(text, f"argument {name}")
        if tree[0] == "name" and tree[1] not in (*arguments, *given, "self"):
            raise ValueError(
                f"argument {name}={tree[1]!r}: not an argument of {result_name} (its "
                f"arguments: {', '.join(arguments)}) nor a name given with --arg"
            )
        explicit[name] = tree
    set_trees = _sets(sets)
    before_trees = [_tree(text, "before") for text in before or []]
    used = set().union(*(tree_names(t) for t in explicit.values())) if explicit else set()
    for _, value in set_trees:
        used |= tree_names(value)
    for tree in before_trees:
        used |= tree_names(tree)
    chosen = _passed(parameters, explicit, used)
    _defaults(chosen, parameters, arguments, result_name)
    if parameters is None:  # no signature to read: every argument by its name
        for name in arguments:
            chosen.setdefault(name, ["name", name])
    positional = [n for n, kind, _ in parameters or () if kind == "POSITIONAL_ONLY" and n in chosen]
    trees = [*chosen.values(), *explicit.values(), *before_trees]
    trees += [t for pair in set_trees for t in pair]
    referred = set().union(*(tree_names(t) for t in trees)) if trees else set()
    uses = _reached(referred, explicit, arguments)
    lacking = [a for a in arguments if a not in uses]
    if lacking:
        raise ValueError(
            f"{result_name} depends on {', '.join(lacking)}, which the function receives "
            f"nowhere: map a parameter to {'each' if len(lacking) > 1 else 'it'} with --arg "
            f"NAME={lacking[0]}"
        )
    return Calls(chosen, positional, explicit, set_trees, before_trees, frozenset(uses), {})


def _defaults(chosen: dict, parameters, arguments: Sequence[str], result_name: str) -> None:
    taken = {t[1] for t in chosen.values() if t[0] == "name"}
    for name, kind, has_default in parameters or ():
        if name in chosen or kind in _SKIPPED:
            continue
        found = argument_named(name, arguments, taken)
        if found is not None:
            chosen[name] = ["name", found]
            taken.add(found)
        elif not has_default:
            raise ValueError(
                f"the function's parameter {name!r} is no argument of {result_name} (its "
                f"arguments: {', '.join(arguments)}): map it with --arg {name}=NAME"
            )


def _reached(referred: set[str], definitions: Mapping[str, list], arguments) -> set[str]:
    seen, stack, found = set(), list(referred), set()
    while stack:
        name = stack.pop()
        if name in seen:
            continue
        seen.add(name)
        if name in arguments:
            found.add(name)
        if name in definitions:
            stack.extend(tree_names(definitions[name]))
    return found


def part_names(chosen: Chosen, calls: Calls, bare: bool = False) -> set[str]:
    """The names real code gives this result: its own, the loss's, or d/grad_ + the name the
    code gives the argument it is the gradient of (``dw``, ``grad_W``, ``dL_dw``); with
    ``bare``, that name alone too (a key of a dict of gradients, ``grads["w"]``)."""
    result = chosen.result
    found = {chosen.function, chosen.result.name}
    wrt = result.wrt.base if isinstance(result.wrt, Indexed) else result.wrt
    if wrt is None:
        return found | (set(LOSS_NAMES) if result.loss else set())
    argument = next((a.name for a in chosen.printed.arguments if a.symbol == wrt), None)
    if argument is None:
        argument = result.show(wrt)
    stems = {argument} | {p for p, a in calls.receives().items() if a == argument}
    for stem in stems:
        found |= {f"{prefix}{stem}" for prefix in PREFIXES}
        found |= {f"{stem}_grad", f"grad{stem}", f"g{stem}"} | ({stem} if bare else set())
    return found


def results_from_names(
    chosen: Sequence[Chosen],
    given: Mapping[str, object],
    returned: Sequence[str] | None,
    keys: Sequence[str],
    calls: Calls,
) -> dict[str, list | None]:
    """function name -> the tree of its part: ``--result``'s, else a name of the return
    statement, else a key of a returned dict; None where nothing says."""
    found: dict[str, list | None] = {}
    taken: set[str] = set()
    for c in chosen:
        if c.function in given and given[c.function] is not None:
            found[c.function] = result_tree(given[c.function])
            continue
        names = part_names(c, calls)
        by_return = [n for n in returned or () if n in names and n not in taken]
        keyed = part_names(c, calls, bare=True)
        by_key = [k for k in keys if k in keyed and k not in taken]
        if returned and len(returned) > 1 and by_return:
            found[c.function] = ["name", by_return[0]]
            taken.add(by_return[0])
        elif by_key:
            found[c.function] = ["item", ["returned"], ["const", by_key[0]]]
            taken.add(by_key[0])
        else:
            found[c.function] = None
    return found
