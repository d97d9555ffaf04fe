"""A loaded derivation file -> :class:`~derive.emit.results.Result` s.

Each derivation is checked (``derive.sources.toml.results.check_file``: the same verdicts and
one-line reports as ``derive check``); its result is the last step's expression. The variable
a derivative is taken with respect to comes from the start as written, read again with
``diff`` left unevaluated (the restricted parser, never ``eval``); a quantity some derivation
differentiates is a loss. With ``--all`` every ``[define]`` entry is a result too: a name,
``a[q]`` (its subscript ranges over the indices the body uses at that place) or ``f(u)`` (its
arguments real numbers).
"""

from __future__ import annotations

from collections.abc import Iterable

from sympy import Basic, Derivative, Expr, Ge, Indexed, Integer, Le, Mul, Sum, Symbol

from derive.checker.limits import Limits
from derive.emit.graph import Domain
from derive.emit.results import Result, Step
from derive.sources.toml.file import DerivationFile
from derive.sources.toml.parse import ParseError, Template, parse_expr
from derive.sources.toml.results import StepResult, check_file


def domains(relations: Iterable[Basic], symbols: Iterable[Basic]) -> dict[Symbol, Domain]:
    """The range lo..hi of each index among ``symbols`` with an upper bound in ``relations``
    (``k <= K``); the lower bound is a ``k >= lo`` relation, else 1 for a positive integer, 0
    for a nonnegative one."""
    upper, lower = {}, {}
    for relation in relations:
        if isinstance(relation, Le) and isinstance(relation.lhs, Symbol):
            upper[relation.lhs] = relation.rhs
        elif isinstance(relation, Ge) and isinstance(relation.lhs, Symbol):
            lower[relation.lhs] = relation.rhs
    found = {}
    for symbol in symbols:
        if symbol in upper and symbol.is_integer:
            lo = lower.get(symbol, Integer(1) if symbol.is_positive else Integer(0))
            found[symbol] = Domain(lo, upper[symbol])
    return found


def file_results(
    loaded: DerivationFile,
    *,
    every: bool = False,
    timeout: float | None = None,
    limits: Limits | None = None,
) -> list[Result]:
    """The results of every derivation (checked here), and with ``every`` every definition."""
    checked = check_file(loaded, timeout=timeout, limits=limits)
    starts = [_unevaluated_start(loaded, n) for n in range(len(loaded.derivations))]
    differentiated = {d.args[0] for d in starts if isinstance(d, Derivative)}
    data = frozenset(getattr(loaded.namespace, "data", ()))
    names = _user_names(loaded)

    def show(obj: Basic) -> str:
        return str(loaded.show(obj))

    results = []
    for number, derivation in enumerate(loaded.derivations):
        rows = [r for r in checked if r.derivation == derivation.name]
        expr = derivation.steps[-1].expr
        relations = [*derivation.assume, *(a for s in derivation.steps for a in s.assume)]
        wrt = starts[number].args[1][0] if isinstance(starts[number], Derivative) else None
        results.append(
            Result(
                source=loaded.path,
                line=rows[0].line if rows else 0,
                name=derivation.name,
                kind="derivation",
                expr=expr,
                ranges=domains(relations, expr.free_symbols),
                show=show,
                wrt=wrt,
                loss=derivation.start in differentiated,
                steps=tuple(_step(r, {loaded.show(a): a for a in relations}) for r in rows),
                data=data,
                names=names,
                title=derivation.title,
            )
        )
    if every:
        results += _definitions(loaded, differentiated, show, data, names)
    return results


def _step(row: StepResult, relations: dict[Basic, Basic]) -> Step:
    """A checked step; the assumptions it used as relations of the file's own symbols (the
    report's are shown in the user's names: ``relations`` maps them back)."""
    needs = tuple(str(n) for n in row.verdict.needs)
    message = "" if row.status == "proved" else row.message()
    used = tuple(relations[n] for n in row.verdict.needs if n in relations)
    return Step(row.step, row.status, needs, message, used)


def _user_names(loaded: DerivationFile) -> dict[Basic, str]:
    found = {}
    for name, value in loaded.namespace.names.items():
        if isinstance(value, Template) and not value.call and value.arity:
            probe = value.build(tuple(Symbol(f"i{n}") for n in range(value.arity)))
            if isinstance(probe, Indexed):
                found[probe.base] = name
        elif isinstance(value, Symbol):
            found[value] = name
    return found


def _unevaluated_start(loaded: DerivationFile, number: int) -> Expr | None:
    """The start with ``diff`` left unevaluated: a Derivative, or a multiple of one."""
    names = dict(loaded.namespace.names)
    names["diff"] = Template("diff", None, lambda args: Derivative(*args), call=True)
    try:
        start = parse_expr(loaded.starts[number], names)
    except (ParseError, ValueError, TypeError):
        return None
    if isinstance(start, Mul):  # -eta * diff(E, W[k, j]): an update along the gradient
        found = [f for f in start.args if isinstance(f, Derivative)]
        return found[0] if len(found) == 1 else start
    return start


def _definitions(loaded, differentiated, show, data, names) -> list[Result]:
    results = []
    for name, params, call, _ in loaded.namespace.definitions:
        value = loaded.namespace.names[name]
        problem, expr = None, None
        if isinstance(value, Template):
            expr, problem = _instance(value, params, call)
        else:
            expr = value
        ranges = {}
        if expr is not None:
            ranges = domains(loaded.namespace.ranges(expr), expr.free_symbols)
            ranges.update(_subscript_ranges(expr, ranges))
        results.append(
            Result(
                source=loaded.path,
                line=0,
                name=name,
                kind="definition",
                expr=expr,
                ranges=ranges,
                show=show,
                loss=expr in differentiated,
                data=data,
                names=names,
                problem=problem,
            )
        )
    return results


def _instance(template: Template, params, call: bool) -> tuple[Expr | None, str | None]:
    """A definition with parameters, applied to its own parameters: real numbers for
    ``f(u)``, integer indices for ``a[q]``."""
    if call:
        holders = tuple(Symbol(f"{p}_argument", real=True) for p in params)
    else:
        holders = tuple(Symbol(f"{p}_index", integer=True) for p in params)
    try:
        return template.build(holders), None
    except Exception as error:  # a definition the parser accepted for other arguments
        return None, f"cannot apply the definition to its own parameters ({error})"


def _subscript_ranges(expr: Expr, known: dict) -> dict[Symbol, Domain]:
    """The range of each free subscript parameter of an ``a[q]`` definition: that of the
    summation index used at the same place of the same array (``z[q]`` beside ``z[c]``)."""
    found: dict[Symbol, Domain] = {}
    places: dict[tuple, Domain] = {}
    for total in expr.atoms(Sum):
        limits = {index: Domain(lo, hi) for index, lo, hi in total.limits}
        for entry in total.function.atoms(Indexed):
            for n, index in enumerate(entry.indices):
                if index in limits:
                    places[(entry.base, n)] = limits[index]
    for entry in expr.atoms(Indexed):
        for n, index in enumerate(entry.indices):
            if index.is_Symbol and index not in known and (entry.base, n) in places:
                found.setdefault(index, places[(entry.base, n)])
    return found
