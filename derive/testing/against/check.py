"""``check-code --against``: a hand-written function against a result of the user's own proved
derivation, from the options to the report.

1. Read and check the file (as ``derive emit`` does), choose the result(s), print each as
   ``derive emit`` would (its arguments, shapes, batch): EmitError if a step is not proved.
2. Choose the sizes and build the suite (:mod:`derive.testing.against.suite`); evaluate the
   reference at every input (:mod:`derive.testing.against.reference`), leaving out the
   inputs where the derivation gives no float answer (an assumption broken, a log of a
   negative number), with a note.
3. Start the child, plan the calls (:mod:`derive.testing.against.plan`), run every input
   once, compare every result, diagnose (:mod:`derive.testing.against.diagnose`), report: the
   same :class:`~derive.testing.report.CodeReport` as today's check-code, as text or JSON.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy
from sympy import Symbol

from derive.emit.signature import parts
from derive.testing.against.diagnose import OwnRun, diagnose
from derive.testing.against.plan import plan_own, results_from_names
from derive.testing.against.reference import Prepared, Value, broken_assumption, prepare, reference
from derive.testing.against.source import (
    Chosen,
    chosen,
    read_results,
    select,
    split_against,
    unknown_data,
)
from derive.testing.against.suite import Layout, constraints, dims_of, size_values, suite
from derive.testing.calling import Outcome, Session, check_timeout
from derive.testing.compare import SAFETY, Answer, Comparison
from derive.testing.inputs import Case
from derive.testing.plan import Calls
from derive.testing.report import CaseLine, CodeReport, QuantityReport, combined
from derive.testing.run import CaseRun
from derive.testing.target import Callee

PROOF_GUARD = 60.0  # seconds per step: the checker's guard against a hang, as derive check's


@dataclass(frozen=True)
class Setting:
    """The check's options, validated."""

    dtype: numpy.dtype
    batch: str  # "sum", "mean" or "none"
    timeout: float
    seed: int


def _setting(dtype: object, batch_loss: str, batched: bool, timeout: object, seed: object):
    try:
        found = numpy.dtype(dtype)
    except TypeError:
        found = None
    if found not in (numpy.dtype(numpy.float64), numpy.dtype(numpy.float32)):
        raise ValueError(f"dtype must be float64 or float32, got {dtype!r}")
    if batch_loss not in ("sum", "mean"):
        raise ValueError(f"batch_loss must be 'sum' or 'mean', got {batch_loss!r}")
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ValueError(f"seed must be an integer >= 0, got {seed!r}")
    batch = batch_loss if batched else "none"
    return Setting(found, batch, check_timeout(timeout), seed)


def _names(result: object) -> tuple[list[str], dict[str, object]]:
    """``result`` (names, or a mapping name -> part) -> (names in order, name -> part)."""
    if result is None:
        return [], {}
    if isinstance(result, str):
        return [result], {}
    if isinstance(result, Mapping):
        return [str(n) for n in result], {str(n): p for n, p in result.items()}
    return [str(n) for n in result], {}


def _layout(results: Sequence[Chosen], given_sizes: Mapping[str, int]) -> tuple[Layout, dict]:
    show = results[0].result.show
    symbols: set[Symbol] = set()
    for c in results:
        symbols |= parts(c.result.expr, c.result.ranges, c.result.show).sizes
    sizes = size_values(sorted(symbols, key=show), show, given_sizes)
    arguments, seen = [], {}
    for c in results:
        for a in c.printed.arguments:
            if a.name in seen and (seen[a.name].domains, seen[a.name].batched) != (
                a.domains,
                a.batched,
            ):
                raise ValueError(f"{a.name} is not the same array in every result checked")
            if a.name not in seen:
                seen[a.name] = a
                arguments.append(a)
    relations = [r for c in results for r in c.result.relations()]
    batched = any(c.printed.batched for c in results)
    layout = Layout(
        tuple(arguments),
        sizes,
        dims_of(arguments, sizes),
        constraints(arguments, relations),
        batched,
    )
    return layout, sizes


def _references(results, prepared, cases, dtype) -> tuple[list, list[Case], list[str]]:
    """Per kept input, each result's reference; the inputs left out, and why (notes)."""
    kept, values, notes = [], [], []
    for case in cases:
        row, why = [], None
        for c, p in zip(results, prepared, strict=True):
            why = broken_assumption(p, case, c.result.show)
            found = reference(p, case, dtype) if why is None else why
            if isinstance(found, str):
                why = found
                break
            row.append(found)
        if why is None:
            kept.append(case)
            values.append(row)
        else:
            notes.append(f"input {case.kind}, B = {case.B} left out: {why}")
    if not kept:
        raise ValueError(f"no input of the suite can be compared: {notes[0].split(': ', 1)[1]}")
    return values, kept, notes


def _comparison(got, ref: Value, case: Case, dtype, n: int) -> Comparison:
    largest_input = max(float(numpy.max(numpy.abs(v), initial=0.0)) for v in case.arrays.values())
    tolerance = SAFETY * float(numpy.finfo(dtype).eps) * (n + max(largest_input, ref.exponent))
    allowed = tolerance * ref.scale
    want = ref.value
    finite = bool(numpy.all(numpy.isfinite(got)))
    with numpy.errstate(invalid="ignore", over="ignore"):
        difference = numpy.abs(got - want)
    difference = numpy.where(numpy.isfinite(difference), difference, numpy.inf)
    worst = numpy.unravel_index(int(numpy.argmax(difference)), difference.shape) if got.size else ()
    error = float(numpy.max(difference, initial=0.0))
    scale = max(float(numpy.max(numpy.abs(want), initial=0.0)), allowed) or 1.0
    return Comparison(
        want, tolerance, allowed, error, error / scale, tuple(map(int, worst)), finite
    )


def _answer(outcome: Outcome, name: str, want: tuple[int, ...], shape_text: str) -> Answer:
    part = outcome.parts.get(name)
    if part is None:
        return Answer(None, f"returned nothing for {name}")
    if part.problem is not None:
        return Answer(None, part.problem)
    shape = tuple(part.shape or ())
    if shape != want:
        expected = "a scalar" if not want else f"{shape_text} = {want}"
        return Answer(part.array, f"returned shape {shape}, expected {expected}", shape, part.dtype)
    return Answer(part.array, None, shape, part.dtype)


def _call_values(layout: Layout, case: Case, dtype) -> tuple[dict, dict]:
    arrays, values = {}, {}
    for a in layout.arguments:
        value = case.arrays[a.name]
        if value.ndim == 0 and dtype == numpy.float64:
            values[a.name] = float(value)
        else:
            arrays[a.name] = value.astype(dtype)
    return arrays, values


def _returned_shape(c: Chosen) -> str:
    return c.printed.signature.rpartition(" -> ")[2]


def check_against(
    setup: Callable[[], Callee],
    shown: str,
    against: str,
    result: object,
    *,
    sizes: Mapping[str, int] | None = None,
    data: Sequence[str] | None = None,
    arguments: Mapping[str, object] | None = None,
    state: Sequence[object] | Mapping[str, object] | None = None,
    before: Sequence[object] | None = None,
    batch_loss: str = "sum",
    batched: bool = True,
    dtype: object = "float64",
    timeout: object = 10.0,
    seed: object = 0,
) -> CodeReport:
    """The check of the callable ``setup`` finds, against ``result`` of the file ``against``
    (see :func:`derive.testing.check_gradient_code`, ``against=``)."""
    setting = _setting(dtype, batch_loss, batched, timeout, seed)
    path, derivation = split_against(against)
    every = read_results(path, PROOF_GUARD)
    bad = unknown_data(every, data)
    if bad:
        raise ValueError(f"--data {bad[0]}: no such symbol in {path}")
    names, given_parts = _names(result)
    selected = select(every, path, derivation, names)
    results = [chosen(r, data, setting.batch) for r in selected]
    for name, c in zip(names, results, strict=False):  # a part given by the name as written
        if name in given_parts and name != c.function:
            given_parts[c.function] = given_parts.pop(name)
    layout, size_map = _layout(results, dict(sizes or {}))
    prepared = [prepare(c, size_map) for c in results]
    cases = suite(layout, setting.seed)
    references, cases, notes = _references(results, prepared, cases, setting.dtype)
    with Session(setup, shown, setting.timeout) as session:
        calls = plan_own(
            session.parameters(),
            [a.name for a in layout.arguments],
            arguments,
            state,
            before,
            ", ".join(c.function for c in results),
        )
        trees = _trees(session, calls, results, given_parts, layout, cases, setting, notes)
        limits = {
            c.function: max(int(numpy.prod(row[i].value.shape)) for row in references)
            for i, c in enumerate(results)
        }
        session.plan(calls.child(trees, {}))
        outcomes, inputs = _run(session, calls, layout, cases, setting, limits)
        output, total = session.output()
        name = session.name
    reports = []
    for i, c in enumerate(results):
        run = _own_run(c, i, cases, outcomes, inputs, references, setting, size_map)
        reports.append(
            QuantityReport(
                c.function,
                run.passed,
                tuple(diagnose(run)),
                tuple(CaseLine.of(r) for r in run.results),
            )
        )
    return CodeReport(
        function=name,
        quantity=", ".join(c.function for c in results),
        layout=_describe(path, results, size_map, setting),
        passed=all(r.passed for r in reports),
        findings=tuple(f for r in reports for f in r.findings),
        cases=combined(tuple(reports)),
        notes=tuple(notes),
        quantities=tuple(reports),
        output=output,
        output_bytes=total,
    )


def _trees(session, calls: Calls, results, given_parts, layout, cases, setting, notes):
    """Which part of what the function returns is which result."""
    returned = session.returned_names()
    trees = results_from_names(results, given_parts, returned, (), calls)
    if all(t is not None for t in trees.values()) or (
        len(results) == 1 and not (returned and len(returned) > 1)
    ):
        return trees
    session.plan(calls.child({}, {}))
    arrays, values = _call_values(layout, cases[0], setting.dtype)
    found = session.probe(arrays, values, (cases[0].kind, cases[0].B))
    node = found.get("returned") if isinstance(found, dict) else None
    kind = node.get("kind") if isinstance(node, dict) else None
    if kind == "dict":
        keys = [k for k in node.get("items") or {} if isinstance(k, str)]
        trees = results_from_names(results, given_parts, returned, keys, calls)
    open_ = [c for c in results if trees[c.function] is None]
    items = node.get("items") if kind == "tuple" else None
    if open_ and items is not None and len(items) == len(results):
        taken = {str(t) for t in trees.values() if t is not None}
        for index, c in enumerate(results):
            tree = ["item", ["returned"], ["const", index]]
            if trees[c.function] is None and str(tree) not in taken:
                trees[c.function] = tree
        notes.append(
            "the parts of the returned tuple are taken in the order of --result: "
            + ", ".join(c.function for c in results)
        )
    return trees


def _run(session: Session, calls: Calls, layout, cases, setting, limits):
    outcomes: list[Outcome | None] = []
    inputs = []
    stopped = False
    receives = calls.receives()
    for case in cases:
        arrays, values = _call_values(layout, case, setting.dtype)
        given = {**values, **arrays}
        inputs.append({p: given[a] for p, a in receives.items() if a in given})
        if stopped:
            outcomes.append(None)
            continue
        outcome = session.call(arrays, values, limits)
        outcomes.append(outcome)
        stopped = outcome.hung or outcome.ended is not None
    return outcomes, inputs


def _own_run(c: Chosen, i: int, cases, outcomes, inputs, references, setting, sizes) -> OwnRun:
    shape_text = _returned_shape(c)
    dtype = setting.dtype

    def compare(got: numpy.ndarray, index: int) -> Comparison:
        case = cases[index]
        return _comparison(got, references[index][i], case, dtype, sum(sizes.values()) + case.B)

    results = []
    for index, (case, outcome) in enumerate(zip(cases, outcomes, strict=True)):
        received = inputs[index]
        if outcome is None or outcome.hung or outcome.ended or outcome.error is not None:
            results.append(CaseRun(case, outcome, inputs=received))
            continue
        want = references[index][i].value.shape
        found = _answer(outcome, c.function, want, shape_text)
        if found.problem is not None or found.array is None:
            results.append(CaseRun(case, outcome, found, inputs=received))
            continue
        comparison = compare(found.array, index)
        results.append(CaseRun(case, outcome, found, comparison, received))
    return OwnRun(
        c.function,
        results,
        compare,
        c.printed.reduce,
        setting.batch,
        dtype.name,
        shape_text,
        setting.timeout,
        {c.result.show(k): v for k, v in sizes.items()},
    )


def _describe(path: str, results: Sequence[Chosen], sizes: Mapping[Symbol, int], s: Setting) -> str:
    show = results[0].result.show
    named = ", ".join(f"'{c.result.name}'" for c in results)
    size_text = ", ".join(
        f"{show(k)} = {v}" for k, v in sorted(sizes.items(), key=lambda kv: show(kv[0]))
    )
    batch = {"none": "one example per call"}.get(s.batch, f"batch loss {s.batch}")
    if not any(c.printed.batched for c in results):
        batch = "no batch axis" if s.batch != "none" else batch
    parts_ = [f"against {named} of {path}", size_text, s.dtype.name, batch]
    return ", ".join(p for p in parts_ if p)


__all__ = ["Prepared", "check_against"]
