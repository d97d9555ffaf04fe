"""One check, from the options to the report: the order of work, shared by the Python API and
``derive check-code``.

1. Validate what needs no code: sizes, quantities, conventions (ValueError).
2. Prove the results compared with (cached; EmitError if a step is not proved).
3. Start the child and find the callable there (UserCodeError: the import failed).
4. Plan what each parameter receives, and which part of the result is which quantity
   (ValueError: bad usage).
5. Run the suite once for every quantity, compare, diagnose, report.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace

from derive.testing.calling import Session, check_timeout
from derive.testing.callsyntax import names, show
from derive.testing.conventions import conventions_of
from derive.testing.detect import from_returned_names, from_structure
from derive.testing.diagnosis import diagnose
from derive.testing.inputs import suite
from derive.testing.layout import expected_shape, user_arrays
from derive.testing.plan import Calls, missing, plan_calls, results_of
from derive.testing.proved import proved
from derive.testing.reference import exact
from derive.testing.report import CodeReport, combined, quantity_report
from derive.testing.run import Execution, Run, scalars
from derive.testing.spec import ARRAYS, BIAS, Options, Quantity, quantities_of, sizes_of
from derive.testing.steps_taken import STEP, step_parts, with_steps
from derive.testing.target import Callee


def _quantities(quantity: object, layer: str, conventions: dict) -> tuple[Quantity, ...]:
    found = quantities_of(quantity, layer)
    if conventions["bias"] == "none":
        asked = [q for q in found if q.kind == "bias"]
        if asked and len(found) == len(asked):
            raise ValueError(f"{asked[0].name}: there is no bias (bias none)")
        found = tuple(q for q in found if q.kind != "bias")
    if not conventions["normalized_targets"] and any(q.name == "dE_dX" for q in found):
        raise ValueError("dE_dX is proved for targets that sum to 1 only")
    return found


def _seed(seed: object) -> int:
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ValueError(f"seed must be an integer >= 0, got {seed!r}")
    return seed


def check(
    setup: Callable[[], Callee],
    shown: str,
    quantity: object,
    *,
    sizes: Mapping[str, int],
    arguments: Mapping[str, object] | None = None,
    result: object = None,
    state: Sequence[object] | Mapping[str, object] | None = None,
    before: Sequence[object] | None = None,
    timeout: object = 10.0,
    seed: object = 0,
    imports: bool = True,
    **given: object,
) -> CodeReport:
    """The check of the callable that ``setup`` finds in the child (see the module docstring
    and :func:`derive.testing.check_gradient_code` for the options; ``imports``: ``setup``
    imports the user's module, under the time limit of a call)."""
    layer, size_map = sizes_of(sizes)
    conventions = conventions_of(layer, size_map, given)
    quantities = _quantities(quantity, layer, conventions)
    results = results_of(result, quantities)
    seconds, seed = check_timeout(timeout), _seed(seed)
    normalized = conventions["normalized_targets"]
    base = proved(layer, tuple(size_map.items()), normalized)
    with Session(setup, shown, seconds, imports) as session:
        reg, step = conventions["regularization"], conventions["update"]
        extra = ([reg.name] if reg else []) + ([step] if step else [])
        calls = plan_calls(
            session.parameters(),
            layer,
            arguments,
            state,
            before,
            extra,
            conventions["inputs"],
            sizes=("B", *size_map),
        )
        options = Options(
            quantity=quantities[0],
            sizes=size_map,
            arguments=_plain(calls, layer),
            result=result if not isinstance(result, Mapping) else None,
            timeout=seconds,
            seed=seed,
            quantities=quantities,
            uses=calls.uses,
            **conventions,
        )
        results = with_steps(results, step_parts(calls, quantities, step))
        options, results = _mapped(
            session, options, calls, results, base, _all(quantity), given.get("bias") is not None
        )
        _enough(options, calls)
        _reached(options, calls, session.info.get("init_names", []))
        session.plan(calls.child(results, {}))
        execution = Execution(
            session, options, proved(*base_key(options), _needs(options)), options.arguments
        )
        runs = [execution.run(q) for q in options.quantities]
        if given.get("bias") is None:
            execution, runs = _kept_bias(execution, runs)
        reports = tuple(quantity_report(run, diagnose(run)) for run in runs)
        output, total = session.output()
        name, skipped = session.name, session.skipped()
    return CodeReport(
        function=name,
        quantity=", ".join(q.name for q in options.quantities),
        layout=execution.options.describe(),
        passed=all(r.passed for r in reports),
        findings=tuple(f for r in reports for f in r.findings),
        cases=combined(reports),
        notes=tuple(_notes(execution, runs) + _skipped(skipped)),
        quantities=reports,
        output=output,
        output_bytes=total,
    )


def _enough(options: Options, calls: Calls) -> None:
    """Every quantity can be determined from what the function gets, and is not given."""
    for q in options.quantities:
        if q.name in calls.uses:
            raise ValueError(
                f"{q.name} is given to the function as an array: it cannot be checked "
                "against itself"
            )
        lacking = missing(calls.uses, q, options.bias, options.inputs)
        if lacking:
            given = ", ".join(f"{p} gets {show(tree)}" for p, tree in calls.parameters.items())
            raise ValueError(
                f"{q.name} needs {lacking}: map a parameter to each (NAME=ARRAY)"
                + (f"; by their names, {given}" if given else "")
                + _hint(options, calls, lacking)
            )


def _hint(options: Options, calls: Calls, lacking: str) -> str:
    """The two conventions a lacking W or b usually means: code with no bias (the bias
    trick), and a loss function whose ``x`` is the scores, not the layer's input."""
    if lacking.startswith("b (") and options.bias != "none":
        return "; if your code has no bias parameter, check with --bias none"
    inputs = [p for p, tree in calls.parameters.items() if tree == ["name", "a_prev"]]
    if lacking.startswith("W and b") and len(inputs) == 1:
        what = "probabilities" if options.inputs == "probabilities" else "logits"
        array = "a" if options.inputs == "probabilities" else "z"
        return f"; if {inputs[0]} is the {what}, --arg {inputs[0]}={array}"
    return ""


def _reached(options: Options, calls: Calls, init_names: object) -> None:
    """The regularization's strength and the step size reach the code: a parameter, or a
    name of --init, --arg, --set or --before. Otherwise the code runs with its own default
    (reg=0.0, lr=0.1), and correct code would look wrong (ValueError instead)."""
    if init_names is None:
        return  # a function of the caller's builds the object: it may pass anything
    trees = [*calls.parameters.values(), *calls.definitions.values(), *calls.before]
    trees += [t for pair in calls.sets for t in pair]
    used = set(init_names) | {n for t in trees for n in names(t)}
    flags = []
    if options.regularization is not None:
        flags.append(("--regularization l2:", options.regularization.name))
    if options.update is not None:
        flags.append(("--update ", options.update))
    for flag, name in flags:
        if name not in used:
            raise ValueError(
                f"{flag}{name}: {name} reaches your code nowhere: it is no parameter of the "
                f"function and no expression uses it; pass it where your code takes it "
                f"(--init 'Model(..., {name}={name})', --set {name}={name}, or --arg)"
            )


def base_key(options: Options) -> tuple:
    return options.layer, tuple(options.sizes.items()), options.normalized_targets


def _needs(options: Options) -> frozenset[str]:
    """The proved results beyond the layer's: the input gradients, the L2 term."""
    needs = set()
    if any(q.name.startswith("dE_dX") for q in options.quantities):
        needs.add("inputs")
    if options.regularization is not None:
        needs.add("regularization")
    return frozenset(needs)


def _mapped(
    session: Session,
    options: Options,
    calls: Calls,
    results: dict[str, list | None],
    base: object,
    every: bool,
    bias_given: bool = True,
) -> tuple[Options, dict[str, list | None]]:
    """Which part of the result is which quantity: ``result``, then the names of the return
    statement, then (if some are still open, or for "all") the names in one call's answer."""
    names = session.returned_names()
    layer, quantities = options.layer, options.quantities
    results = from_returned_names(results, names, calls, layer, quantities)
    settled = all(results[q.name] is not None for q in quantities)
    nothing = names == () and not session.info.get("method")  # returns None, has no object
    if not every and (settled or nothing):
        return options, results
    session.plan(calls.child(results, {}))
    probe = replace(options, quantity=quantities[0], quantities=quantities[:1])
    cases = suite(probe)  # a batch whose size is no layer's, so shapes tell parts apart
    case = next((c for c in cases if c.B > 1), cases[0])
    forward = exact(base, replace(probe, quantities=()), case).forward
    values = {**scalars(options), "B": case.B}
    found = session.probe(user_arrays(options, case, forward), values, (case.kind, case.B))
    shapes = {q.name: expected_shape(options, case.B, q) for q in quantities}
    named = results
    results, by_shape = from_structure(results, found, names, calls, layer, quantities, shapes)
    if not bias_given:
        options, results, by_shape = _bias_shape(
            options, (named, results, by_shape), found, names, calls, case.B
        )
    options = replace(options, guessed=tuple((q, show(tree)) for q, tree in by_shape.items()))
    if every:
        options = _found(options, results, found)
    return options, results


def _all(quantity: object) -> bool:
    names = quantity.split(",") if isinstance(quantity, str) else quantity
    return isinstance(names, list | tuple) and any(str(n).strip() == "all" for n in names)


def _bias_shape(
    options: Options,
    placed: tuple[dict, dict, dict],
    found: Mapping,
    names: Sequence[str] | None,
    calls: Calls,
    B: int,
) -> tuple[Options, dict, dict]:
    """Without --bias: the bias's shape the code keeps, where the default leaves a bias
    gradient unplaced and another shape lets its name place it (a layer class's
    ``self.dbiases`` of shape (1, K)). A shape is a layout, not a mistake; the report's
    function line says which was taken."""
    named, results, by_shape = placed
    quantities = options.quantities
    open_ = [q for q in quantities if q.kind == BIAS and results.get(q.name) is None]
    open_ += [q for q in quantities if q.kind == BIAS and q.name in by_shape]
    if not open_:
        return options, results, by_shape
    for shape in ("row", "column", "vector"):
        if shape == options.bias:
            continue
        other = replace(options, bias=shape)
        shapes = {q.name: expected_shape(other, B, q) for q in quantities}
        got, guessed = from_structure(named, found, names, calls, options.layer, quantities, shapes)
        if all(got.get(q.name) is not None and q.name not in guessed for q in open_):
            return other, got, guessed
    return options, results, by_shape


def _kept_bias(execution: Execution, runs: list[Run]) -> tuple[Execution, list[Run]]:
    """Without --bias: bias gradients that came back in another of the bias's shapes at
    every input ((1, K) from ``np.sum(dZ, axis=0, keepdims=True)``, placed by the names of
    the return statement) are read in that shape, if every one of them can then be compared
    (and is then judged as usual): the shape is how the code keeps its bias, not a mistake
    (the function line says which)."""
    bias = [r for r in runs if r.options.quantity.kind == BIAS]
    if not bias or not all(all(c.status == "returned" for c in r.results) for r in bias):
        return execution, runs
    for shape in ("row", "column", "vector"):
        if shape == execution.options.bias:
            continue
        other = execution.other(replace(execution.options, bias=shape))
        others = [other.run(r.options.quantity) for r in runs]
        read = [c for o in others if o.options.quantity.kind == BIAS for c in o.results]
        if all(c.status not in ("returned", "raised") for c in read):
            return other, others
    return execution, runs


def _found(options: Options, results: Mapping[str, list | None], found: Mapping) -> Options:
    """Under --quantity all: the quantities the code returns (ValueError if none). A call
    that gave nothing to look at (it raised) keeps them all: the suite reports the error,
    and the diagnosis tries the other conventions (the weights as (in, out))."""
    if not found:
        kept = tuple(q for q in options.quantities if q.name not in options.uses)
        return replace(options, quantity=kept[0], quantities=kept) if kept else options
    kept = tuple(q for q in options.quantities if results.get(q.name) is not None)
    if not kept:
        raise ValueError(
            "--quantity all: no part of what the function returns is named like a gradient "
            f"({_shape_of(found)}); name the parts with --result QUANTITY=PART"
        )
    return replace(options, quantity=kept[0], quantities=kept)


def _shape_of(found: Mapping) -> str:
    node = found.get("returned") if isinstance(found, Mapping) else None
    if not isinstance(node, dict):
        return "it gave no answer to look at"
    kind = node.get("kind")
    if kind == "tuple":
        return f"it returns a tuple of {len(node.get('items') or [])}"
    if kind == "dict":
        keys = ", ".join(repr(k) for k in list(node.get("items") or {})[:8])
        return f"it returns a dict with keys {keys}"
    return "it returns one value"


def _plain(calls: Calls, layer: str) -> dict[str, str]:
    """Parameters that receive an array as it is -> the array (for the report's inputs)."""
    return {
        p: tree[1]
        for p, tree in calls.parameters.items()
        if tree[0] == "name" and tree[1] in ARRAYS[layer]
    }


def _notes(execution: Execution, runs: list[Run]) -> list[str]:
    o = execution.options
    notes = []
    square = [
        (first, second)
        for first, second in (
            (a.axes[0], a.axes[1]) for a in ARRAYS[o.layer].values() if len(a.axes) == 2
        )
        if o.sizes[first] == o.sizes[second]
    ]
    if square:
        names = ", ".join(f"{a} = {b}" for a, b in dict.fromkeys(square))
        notes.append(
            f"{names}: a square weight matrix, so a transposed W can pass here; check at "
            "sizes that differ as well"
        )
    if not o.batched:
        notes.append("one example per call (batched=False): the batch's sum or mean is not tested")
    outcomes = [out for out in execution.outcomes if out is not None]
    modified = sorted({name for out in outcomes for name in out.modified})
    if modified:
        notes.append(
            f"your function changes its input{'s' if len(modified) > 1 else ''} "
            f"{', '.join(modified)} in place"
        )
    if execution.convention is not None:
        notes.append(_regularization_note(execution))
    if o.update is not None:
        stepped = [q.name for q in o.quantities if q.kind in ("weights", "bias")]
        notes.append(
            f"{', '.join(stepped) or 'no gradient'}: read off the step your code takes, "
            f"(before - after) / {o.update}, with {o.update} = {STEP:g}"
        )
    kinks = _kinks(runs)
    if kinks:
        notes.append(kinks)
    rows = [run.options.quantity.name for run in runs if run.undivided]
    if rows:
        notes.append(
            f"{', '.join(rows)}: your code writes these per example, not divided by B as "
            "the gradient of the batch mean is (either is accepted for one row per example)"
        )
    if all(run.passed for run in runs):
        warned = sorted({w for out in outcomes for w in out.warnings})
        notes += [f"it passed, but warned: {w}" for w in warned[:3]]
    return notes


def _skipped(skipped: list[str]) -> list[str]:
    if not skipped:
        return []
    shown = "; ".join(skipped[:6]) + (f"; and {len(skipped) - 6} more" if len(skipped) > 6 else "")
    return [f"--definitions-only: the module's top level ran without {shown}"]


def _regularization_note(execution: Execution) -> str:
    from derive.testing.regularization import fits_any

    reg = execution.options.regularization
    if fits_any(execution):
        return (
            f"regularization: your code uses {execution.convention.name} "
            f"(checked with {reg.name} = {reg.value:g})"
        )
    return (
        f"regularization: neither 0.5·reg·‖W‖² nor reg·‖W‖² (nor either divided by B) fits "
        f"your code (checked with {reg.name} = {reg.value:g})"
    )


def _kinks(runs: list[Run]) -> str | None:
    """Under relu'(0) "any": the values the code takes at the kinks, per layer."""
    seen: dict[int, set[str]] = {}
    for run in runs:
        for r in run.results:
            if r.kink is not None and r.kink.value is not None:
                seen.setdefault(r.kink.layer, set()).add(r.kink.text())
    if not seen:
        return None
    parts = [f"{', '.join(sorted(v))} in layer {layer}" for layer, v in sorted(seen.items())]
    return f"relu'(0): your code takes {'; '.join(parts)}"
