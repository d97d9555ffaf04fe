"""Results -> the text of one generated module: one function per emitted result.

The order of work, per result: select it (``--only``), refuse it if a step is not proved
(unless ``--allow-unproved``, which writes a comment above the function), name it
(:mod:`derive.emit.naming`), decide its batch (data arguments get a batch axis; a loss and a
gradient with respect to a parameter are summed or averaged over it, anything else stays per
example), apply the stable rewrites (:mod:`derive.emit.stable`) and print it
(:mod:`derive.emit.function`). A result that cannot be printed is refused with one line
naming what could not be emitted; the others are still emitted.

The module's text depends only on the sources, the options and the derive version (no clock,
no hash order), so ``derive emit ... --check`` can tell whether a file is current.
"""

from __future__ import annotations

import inspect
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass, replace

from sympy import Basic, Expr, Ge, Indexed, Le, Symbol

from derive.checker.equal import check_equal
from derive.emit import arguments_runtime
from derive.emit.function import Printed, Request, check_computable, function_source
from derive.emit.logs import split_logs
from derive.emit.matrix_entries import entries
from derive.emit.naming import RESERVED, Names, doc_text
from derive.emit.proofs import EmitError
from derive.emit.results import Result
from derive.emit.stable import REWRITES, proved_rewrites, stable_form
from derive.emit.template import MARKER
from derive.emit.tidy import tidied, unstable
from derive.sources.oneline import one_line
from derive.version import __version__

BATCHES = ("sum", "mean", "none")
WIDTH = 96


@dataclass(frozen=True)
class Options:
    """What to emit (the command line's options).

    Attributes:
        every: every defined quantity too (``--all``), not only each chain's last expression.
        only: emit only these (function names or names as written); empty: all.
        allow_unproved: emit a result whose chain has a step not proved, with a comment.
        data: the per-example data, by name (None: what the sources mark as data).
        batch: "sum", "mean" or "none" (see docs/emit.md).
    """

    every: bool = False
    only: tuple[str, ...] = ()
    allow_unproved: bool = False
    data: tuple[str, ...] | None = None
    batch: str = "sum"


@dataclass(frozen=True)
class Outcome:
    """What became of one result: its function's name, or why it was not emitted."""

    result: Result
    function: str | None
    reason: str | None = None
    unproved: bool = False
    printed: Printed | None = None

    def message(self) -> str:
        source, line = self.result.source, self.result.line
        where = f"{source}:{line}" if line else source
        what = f"{self.result.kind} '{self.result.name}'"
        if self.function is None:
            return one_line(f"{where}: {what} not emitted: {self.reason}")
        note = " (NOT PROVED: --allow-unproved)" if self.unproved else ""
        return one_line(f"{where}: {what} -> {self.function}{note}")


@dataclass(frozen=True)
class Emitted:
    """The module's text (None if no function could be emitted) and each result's outcome."""

    text: str | None
    outcomes: tuple[Outcome, ...]

    @property
    def complete(self) -> bool:
        """True if every selected result was emitted, and proved."""
        return all(o.function is not None and not o.unproved for o in self.outcomes)


def unknown_names(results: Sequence[Result], options: Options) -> list[str]:
    """``--only`` and ``--data`` names that name nothing in the sources (a usage error)."""
    known_results = {r.name for r in results} | {Names().take(r.name) for r in results}
    known_symbols = {n for r in results for n in r.names.values()}
    bad = [f"--only {n}" for n in options.only if n not in known_results]
    bad += [f"--data {n}" for n in options.data or () if n not in known_symbols]
    return bad


def emit_module(results: Sequence[Result], options: Options, command: str) -> Emitted:
    """The module for ``results`` (see the module docstring); ``command`` regenerates it."""
    names = Names(RESERVED)
    printed: list[tuple[Outcome, Printed]] = []
    outcomes: list[Outcome] = []
    rewrites: set[str] = set()
    for result in results:
        if options.only and not _selected(result, options.only):
            continue
        outcome, function, used = _emit_one(result, options, names)
        outcomes.append(outcome)
        if function is not None:
            printed.append((outcome, function))
            rewrites |= set(used)
    if not printed:
        return Emitted(None, tuple(outcomes))
    text = _module_text(command, printed, outcomes, rewrites, options)
    return Emitted(text, tuple(outcomes))


def _selected(result: Result, only: Sequence[str]) -> bool:
    return result.name in only or Names().take(result.name) in only


STATUS_TEXT = {"cannot read": "cannot be read", "cannot check": "cannot be checked"}


def _emit_one(result: Result, options: Options, names: Names):
    unproved = result.unproved
    if unproved and not options.allow_unproved:
        first = unproved[0]
        reason = f"step {first.number} {STATUS_TEXT.get(first.status, 'is ' + first.status)}"
        if first.message:
            reason += f" ({first.message})"
        return Outcome(result, None, reason), None, ()
    if result.expr is None or result.problem:
        return Outcome(result, None, result.problem or "it could not be read"), None, ()
    try:
        result = entries(result)
    except EmitError as error:
        return Outcome(result, None, str(error)), None, ()
    data = _data(result, options)
    wrt = result.wrt.base if isinstance(result.wrt, Indexed) else result.wrt
    reduce = result.loss or (wrt is not None and wrt not in data)
    result, data = fixed_entries(result, data)
    try:
        check_computable(result.expr, result.show)
        expr, used = stable_form(_tidy(result))
        name = names.take(result.name, "r")
        request = Request(
            name=name,
            expr=expr,
            ranges=result.ranges,
            data=data,
            batch=options.batch,
            reduce=reduce,
            first=result.first_axes(),
            show=result.show,
            summary=_summary(result, options, reduce, data),
        )
        function = function_source(request)
    except EmitError as error:
        names.taken.discard(locals().get("name"))
        return Outcome(result, None, str(error)), None, ()
    except Exception as error:  # a bug of the emitter must not cost the other results
        names.taken.discard(locals().get("name"))
        reason = f"derive emit failed on it ({type(error).__name__}: {error}); please report this"
        return Outcome(result, None, reason), None, ()
    return Outcome(result, name, None, bool(unproved), function), function, used


def fixed_entries(result: Result, data: frozenset[Basic]) -> tuple[Result, frozenset[Basic]]:
    """``result`` with each array that it uses only at fixed entries (``theta_0``, ``theta_1``
    of a line's intercept and slope: no index says how long the array is) taken as one scalar
    per entry, named as the source writes the entry; data stays data.

    The entry ``theta[1]`` becomes the scalar ``theta_1``; an array used at an index anywhere
    is left as it is (its size comes from that index's range)."""
    if result.expr is None:
        return result, data
    entries = sorted(result.expr.atoms(Indexed), key=str)
    indexed = {e.base for e in entries if not all(i.is_Integer for i in e.indices)}
    fixed = [e for e in entries if e.base not in indexed]
    if not fixed:
        return result, data
    scalars = {}
    for entry in fixed:
        suffix = "_".join(str(i).replace("-", "m") for i in entry.indices)
        scalars[entry] = Symbol(f"{entry.base.name}_{suffix}", **_assumptions(entry))
    shown = {symbol: result.show(entry) for entry, symbol in scalars.items()}
    outer = result.show

    def show(obj: Basic) -> str:
        return shown[obj] if obj in shown else outer(obj)

    names = {**result.names, **shown}
    data = data | {s for e, s in scalars.items() if e.base in data}
    return replace(result, expr=result.expr.xreplace(scalars), show=show, names=names), data


def _assumptions(entry: Indexed) -> dict[str, bool]:
    """The sign an array's entries have (``real``, ``positive``, ...), for its scalar."""
    facts = ("real", "positive", "nonnegative", "negative", "nonpositive", "integer")
    return {f: True for f in facts if getattr(entry, f"is_{f}")}


def _tidy(result: Result) -> Expr:
    """The result in a tidied form (:func:`derive.emit.tidy.tidied`) that leaves the fewest
    exponentials unshifted once the stable rewrites are applied, if the step checker proves it
    equal to the result under the result's index ranges (at most two forms are checked); else
    as it is."""
    axes = {i for i in result.expr.free_symbols if i in result.ranges}
    # a form that lost a free index would return another shape: never used
    forms = tidied(result.expr)
    # logs of ratios split (a KL divergence's log(p/q)): a third form, used only if it shifts more
    forms += [split_logs(result.expr)]
    candidates = [
        (n, t)
        for n, t in enumerate(forms)
        if t != result.expr and t not in forms[:n] and axes <= t.free_symbols
    ]
    if not candidates:
        return result.expr
    before = unstable(stable_form(result.expr)[0])
    scored = sorted(
        ((unstable(stable_form(t)[0]), n, t) for n, t in candidates), key=lambda e: e[:2]
    )
    ranges = [r for i, d in result.ranges.items() for r in (Le(i, d.hi), Ge(i, d.lo))]
    ranges = [r for r in ranges if r != True]  # noqa: E712 - sympy.true
    for score, n, tidy in scored[:2]:
        # the plain tidy form when it is no worse; the multiplied-out one only when it
        # shifts more exponentials (multiplied out, (tanh u - t)(1 - tanh^2 u) costs more)
        if score > before or (n > 0 and score == before):
            continue
        if check_equal(result.expr, tidy, assume=ranges, seed=0).proved:
            return tidy
    return result.expr


def _data(result: Result, options: Options) -> frozenset[Basic]:
    """The per-example data: the marks or ``--data``, and the variable of a derivative that
    the source defines from data (``s = w.x + b`` with x data: dl/ds is per example)."""
    if options.data is None:
        data = result.data
    else:
        wanted = set(options.data)
        data = frozenset(
            s for s, n in result.names.items() if n in wanted or Names().take(n) in wanted
        )
    wrt = result.wrt.base if isinstance(result.wrt, Indexed) else result.wrt
    if wrt is not None and result.wrt_inputs & data:
        data |= {wrt}
    return data


def _summary(result: Result, options: Options, reduce: bool, data) -> str:
    text = result.name + (f": {result.title}" if result.title else "")
    batched = options.batch != "none" and any(
        s in data for s in (result.expr.free_symbols | {i.base for i in result.expr.atoms(Indexed)})
    )
    if batched:
        text += {
            True: f", {'summed' if options.batch == 'sum' else 'averaged'} over the batch",
            False: ", per example",
        }[reduce]
    return text


def _module_text(command, printed, outcomes, rewrites, options: Options) -> str:
    functions = [outcome.function for outcome, _ in printed]
    parts = [
        f"{MARKER} from proved results. Do not edit: regenerate (the command is below).",
        _docstring(command, printed, outcomes, rewrites, options),
        "",
        "import numpy",
        "",
        "__all__ = [",
        *(f'    "{name}",' for name in sorted(functions)),
        "]",
        "",
        "# Arguments, for the error messages: (name, its axes by size)",
        *(function.spec for _, function in printed),
        "",
        "",
        _runtime().rstrip("\n"),
    ]
    for outcome, function in printed:
        parts += ["", ""]
        if outcome.unproved:
            for step in outcome.result.unproved:
                text = one_line(f"NOT PROVED (--allow-unproved): {step.message or step.status}")
                parts += [f"# {line}" for line in textwrap.wrap(text, WIDTH - 2)]
        parts.append(function.source)
    return "\n".join(parts) + "\n"


def _runtime() -> str:
    text = inspect.getsource(arguments_runtime)
    return text[text.index("\n" + arguments_runtime.COPY_FROM + "\n") + 1 :]


def _docstring(command, printed, outcomes, rewrites, options: Options) -> str:
    lines = [
        '"""Functions printed from proved derivations (derive emit).',
        "",
        f"Generated by derive {__version__}; it imports only NumPy. Regenerate it, or check that",
        "it is current (--check), with",
        *_command_lines(command),
        "",
        _batch_text(options),
        "",
        "Functions:",
        *(f"    {doc_text(function.signature)}" for _, function in printed),
        "",
        "Verdicts of derive's step checker, per derivation:",
        *_verdict_lines(outcomes),
    ]
    if rewrites:
        lines += ["", "Stable forms (each rewrite a claim the step checker proved):"]
        lines += _rewrite_lines(rewrites)
    lines.append('"""')
    return "\n".join(lines)


def _command_lines(command: str) -> list[str]:
    """The command, wrapped as a shell continues a line (``\\``; a long path stays whole)."""
    text = f"{doc_text(command)} -o FILE"
    pieces = textwrap.wrap(text, WIDTH - 14, break_long_words=False, break_on_hyphens=False)
    lines = [f"    {pieces[0]}", *(f"        {piece}" for piece in pieces[1:])]
    return [f"{line} \\\\" for line in lines[:-1]] + lines[-1:]


def _batch_text(options: Options) -> str:
    if options.batch == "none":
        text = "--batch none: every argument is one example's value; nothing is batched."
    else:
        how = "summed" if options.batch == "sum" else "averaged"
        text = (
            "Per-example data (--data or a data mark) has a leading batch axis B. A loss and a "
            f"gradient with respect to a parameter are {how} over the batch (--batch "
            f"{options.batch}); any other result keeps the batch axis."
        )
    return "\n".join(textwrap.wrap(text, WIDTH))


def _verdict_lines(outcomes: Sequence[Outcome]) -> list[str]:
    lines = []
    for outcome in outcomes:
        result = outcome.result
        if result.kind != "derivation":
            continue
        steps = len(result.steps)
        status = "proved" if result.proved else "NOT PROVED"
        text = f"{result.name}: {status}, {steps} step{'s' if steps != 1 else ''}"
        if result.needs():
            text += f", using {', '.join(result.needs())}"
        text += f" -> {outcome.function}" if outcome.function else " (not emitted)"
        lines += [f"    {doc_text(line)}" for line in textwrap.wrap(text, WIDTH - 8)]
    return lines or ["    (none: definitions only)"]


def _rewrite_lines(rewrites: set[str]) -> list[str]:
    reports = proved_rewrites()
    lines = []
    for rewrite in REWRITES:
        if rewrite.name not in rewrites:
            continue
        for report in reports[rewrite.name]:
            claim = report.derivation
            text = f"{claim.name}: {claim.start} = {claim.steps[0].expr}  {report.status}"
            lines += [f"    {doc_text(line)}" for line in textwrap.wrap(text, WIDTH - 8)]
    return lines
