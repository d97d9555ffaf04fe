"""One result -> one generated function: checks of its arguments, then the vectorized body.

The function takes the result's arrays and scalars (:mod:`derive.emit.signature`), per-example
data with a leading batch axis; it checks them cheaply (a few identity tests and one tuple
unpacking per array on the common path, :mod:`derive.emit.arguments_runtime` otherwise), reads
every size from the shapes, and computes the result over all its axes at once
(:mod:`derive.emit.vectorize`, :mod:`derive.emit.codegen`). With a batch, a result that is
reduced (a loss, a gradient with respect to a parameter) is summed, or averaged, over the
examples by the same contraction rules as any other sum.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from sympy import Basic, Derivative, Expr, Indexed, IndexedBase, Integer, Sum, Symbol
from sympy.core.function import AppliedUndef

from derive.emit.codegen import Printer, SizePrinter
from derive.emit.graph import Domain, Graph
from derive.emit.naming import RESERVED, Names, doc_text
from derive.emit.proofs import EmitError
from derive.emit.signature import generated_order, parts, size_of, split_size
from derive.emit.vectorize import Argument, Vectorizer

BATCH = Symbol("batch_example", integer=True, positive=True)  # the batch axis label
BATCH_SIZE = Symbol("batch_size", integer=True, positive=True)
LINE = 100  # generated lines stay within ruff's line length
SMALL = 4096  # below this many entries in the first array, no in-place calls (docs/performance.md)


@dataclass(frozen=True)
class Request:
    """What to print for one result.

    Attributes:
        name: the function's identifier.
        expr: the result, in the stable forms (:mod:`derive.emit.stable`).
        ranges: the range of every free index the result may have.
        data: the symbols and arrays that are per-example data (they get the batch axis).
        batch: "sum", "mean" or "none".
        reduce: whether a batch of this result is summed (or averaged) over the examples.
        first: free indices that come first among the result's axes (the subscripts of the
            variable a derivative is taken with respect to), in order.
        show: the user's name for a symbol, array, index or size.
        summary: the docstring's first line.
    """

    name: str
    expr: Expr
    ranges: Mapping[Symbol, Domain]
    data: frozenset[Basic]
    batch: str
    reduce: bool
    first: tuple[Symbol, ...]
    show: Callable[[Basic], str]
    summary: str


@dataclass(frozen=True)
class Printed:
    """A printed function.

    Attributes:
        source: its text.
        spec: the module-level constant its argument checks read.
        signature: in words, ``dL_dw_j(w (J,), x (B, J), b, t (B,)) -> (J,)``.
        arguments: its parameters in order (the result's own symbols; ``batched`` for data).
        output: the result's free indices, in the order of the returned axes (after the
            batch axis, if the result keeps one).
        batched: whether data arguments have a batch axis.
        reduce: whether the result is summed (averaged) over the batch.
    """

    source: str
    spec: str
    signature: str
    arguments: tuple[Argument, ...] = ()
    output: tuple[Symbol, ...] = ()
    batched: bool = False
    reduce: bool = False


def function_source(request: Request) -> Printed:
    """The function's source (raises EmitError if the result cannot be printed)."""
    found = parts(request.expr, request.ranges, request.show)
    output = [i for i in request.first if i in found.free]
    output += [i for i in found.free if i not in output]
    local = Names(RESERVED)
    symbols = sorted([*found.arrays, *found.scalars], key=generated_order)
    names = {symbol: local.take(request.show(symbol), "x") for symbol in symbols}
    batched = request.batch != "none" and any(s in request.data for s in symbols)
    arguments = [
        Argument(s, names[s], batched and s in request.data, tuple(found.arrays.get(s, ())))
        for s in symbols
    ]
    for argument in arguments:
        if None in argument.domains:
            raise EmitError(
                f"{request.show(argument.symbol)} is used only at fixed entries, so "
                "its size is not known"
            )
    sizes = {size: local.take(request.show(size), "n") for size in sorted(found.sizes, key=str)}
    if batched:
        sizes[BATCH_SIZE] = local.take("B")
    dims = {a.name: _dims(a, request, sizes) for a in arguments}
    _check_sizes(found.sizes, dims, sizes, request)
    own = tuple(arguments)
    expr, arguments = (
        with_batch_axis(request.expr, arguments) if batched else (request.expr, arguments)
    )
    body, result = _body(request, expr, arguments, sizes, output, batched, dims)
    spec = f"_spec_{request.name}"
    checks = _checks(request.name, spec, arguments, dims, _words(body, result))
    returned = _returned(output, request, sizes, batched)
    signature = ", ".join(_shown(a.name, dims[a.name]) for a in arguments)
    head = [f"def {request.name}({', '.join(a.name for a in arguments)}):"]
    doc = _docstring(request.summary, arguments, dims, returned)
    lines = head + doc + [f"    {line}" for line in [*checks, *body, f"return {result}"]]
    entries = [f'("{a.name}", {_tuple(dims[a.name])})' for a in arguments]
    if len(entries) == 1:
        spec_text = f"{spec} = ({entries[0]},)"
    else:
        spec_text = "\n".join([f"{spec} = (", *(f"    {e}," for e in entries), ")"])
    return Printed(
        "\n".join(lines),
        spec_text,
        f"{request.name}({signature}) -> {returned}",
        own,
        tuple(output),
        batched,
        batched and request.reduce,
    )


def check_computable(expr: Expr, show: Callable[[Basic], str]) -> None:
    """Refuse what no argument can supply: a derivative left unevaluated, a function the
    source never defined (neither is a value a caller could pass). Raises EmitError."""
    for derivative in sorted(expr.atoms(Derivative), key=str):
        raise EmitError(f"an unevaluated derivative is left in the result: {show(derivative)}")
    for call in sorted(expr.atoms(AppliedUndef), key=str):
        raise EmitError(f"the function {show(call)} has no definition to compute it from")


def _dims(argument: Argument, request: Request, sizes: Mapping[Symbol, str]) -> list[str]:
    """Each axis as code: a number or a size's variable (the batch axis first)."""
    dims = [sizes[BATCH_SIZE]] if argument.batched else []
    for domain in argument.domains:
        size = size_of(domain, request.show(argument.symbol), request.show)
        dims.append(_size_code(size, sizes))
    return dims


def _size_code(size: Expr, sizes: Mapping[Symbol, str]) -> str:
    """A size as code: ``3``, ``n``, or ``n + 1`` (a zero-based range 0..n)."""
    if isinstance(size, Integer):
        return str(int(size))
    found = split_size(size)
    if found is None:
        return sizes[size]
    symbol, number = found
    return f"{sizes[symbol]} {'+' if number > 0 else '-'} {abs(number)}"


def dim_parts(dim: str) -> tuple[str, int]:
    """An axis's size code -> its size variable and the number added: ``"n + 1"`` ->
    ``("n", 1)``, ``"J"`` -> ``("J", 0)`` (the runtime's ``_dim`` reads the spec the same way)."""
    name, _, rest = dim.partition(" ")
    return name, int(rest.replace(" ", "")) if rest else 0


def _check_sizes(needed, dims: Mapping[str, list[str]], sizes, request: Request) -> None:
    held = {dim_parts(d)[0] for shape in dims.values() for d in shape}
    for size in sorted(needed, key=str):
        if sizes[size] not in held:
            raise EmitError(
                f"the size {request.show(size)} is not the length of any argument's "
                "axis, so it cannot be read from a shape"
            )


def with_batch_axis(expr: Expr, arguments: list[Argument]) -> tuple[Expr, list[Argument]]:
    """The batch axis written out: data ``x[j]`` becomes ``x'[b, j]``, data ``t`` ``t'[b]``,
    where x' and t' are the arguments with a leading batch dimension."""
    batch = Domain(Integer(1), BATCH_SIZE)
    replaced, new = {}, []
    for argument in arguments:
        if not argument.batched:
            new.append(argument)
            continue
        base = IndexedBase(f"{argument.name}_batch", real=True)
        replaced[argument.symbol] = base
        new.append(Argument(base, argument.name, True, (batch, *argument.domains)))
    arrays = {k: v for k, v in replaced.items() if isinstance(k, IndexedBase)}
    scalars = {k: v[BATCH] for k, v in replaced.items() if not isinstance(k, IndexedBase)}
    expr = expr.replace(
        lambda e: isinstance(e, Indexed) and e.base in arrays,
        lambda e: arrays[e.base][(BATCH, *e.indices)],
    )
    return expr.xreplace(scalars), new


def _body(request: Request, expr: Expr, arguments, sizes, output, batched, dims):
    graph = Graph()
    scope = [(label, request.ranges[label]) for label in output]
    if batched and request.reduce:
        expr = Sum(expr, (BATCH, 1, BATCH_SIZE))
        if request.batch == "mean":
            expr = expr / BATCH_SIZE
    elif batched:
        scope.insert(0, (BATCH, Domain(Integer(1), BATCH_SIZE)))
    vectorizer = Vectorizer(graph, arguments, sizes, scope, BATCH)
    root = vectorizer.build(expr)
    axes = [label for label, _ in scope]
    domains = {**vectorizer.domains, BATCH: Domain(Integer(1), BATCH_SIZE)}
    size = SizePrinter(sizes).doprint
    lines, result = Printer(graph, root, axes, domains, size, in_place=True).body()
    small, small_result = Printer(graph, root, axes, domains, size, in_place=False).body()
    if small == lines:
        return lines, result
    # the size of the batch's first array decides (else the first array's), from the sizes
    # already read from the shapes (an attribute would cost as much as the test)
    first = next(a.name for a in sorted(arguments, key=lambda a: not a.batched) if a.domains)
    entries = " * ".join(d if " " not in d else f"({d})" for d in dims[first])
    return [
        f"if {entries} < {SMALL}:  # NumPy's in-place calls cost more than new small arrays",
        *(f"    {line}" for line in small),
        f"    return {small_result}",
        *lines,
    ], result


def _words(lines: Sequence[str], result: str) -> set[str]:
    """The identifiers the body uses (a size read from a shape but never used is ``_``)."""
    return set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", "\n".join([*lines, result])))


def _checks(where: str, spec: str, arguments: Sequence[Argument], dims, used) -> list[str]:
    """The fast test of the dtypes and shapes, falling back on the runtime's slow path."""
    arrays = [a.name for a in arguments if dims[a.name]]
    scalars = [a.name for a in arguments if not dims[a.name]]
    names = ", ".join(a.name for a in arguments)
    values = f"({names},)" if len(arguments) == 1 else f"({names})"
    if arrays:
        first = arrays[0]
        lines = [f"dtype = {first}.dtype if type({first}) is _ndarray else None"]
        parts_ = ["(dtype is not _F64 and dtype is not _F32)"]
        for n in arrays[1:]:
            parts_ += [f"type({n}) is not _ndarray", f"{n}.dtype is not dtype"]
    else:
        lines = ["dtype = _F64"]
        parts_ = []
    parts_ += [f"type({n}) is not float" for n in scalars]
    if parts_:
        lines += _condition(parts_)
        call = f'_converted("{where}", {spec}, {values})'
        if len(f"    {values}, dtype = {call}") + 4 <= LINE:
            lines.append(f"    {values}, dtype = {call}")
        else:  # as ruff formats it
            arguments_ = f'"{where}", {spec}, {values}'
            lines += [f"    {values}, dtype = _converted(", f"        {arguments_}", "    )"]
    lines += _shape_checks(where, spec, arguments, dims, values, used)
    return lines


def _shape_checks(where, spec, arguments, dims, values, used) -> list[str]:
    """Unpack every array's shape; read each size from the first axis that holds it (an axis
    of n + 1 entries gives n = its length - 1) and compare every other axis with it."""
    seen: set[str] = set()
    unpack, derived, compare, n = [], [], [], 0
    shapes = [dims[a.name] for a in arguments if dims[a.name]]
    named = [dim_parts(d)[0] for shape in shapes for d in shape if not d.isdigit()]
    repeated = {d for d in named if named.count(d) > 1}
    wanted = (used | repeated) & set(named)
    for argument in arguments:
        shape = dims[argument.name]
        if not shape:
            continue
        targets = []
        for dim in shape:
            name, offset = dim_parts(dim)
            if dim.isdigit() or name in seen:
                temporary = f"_n{n}"
                n += 1
                targets.append(temporary)
                compare.append(f"{temporary} != {dim}")
            elif name in wanted and offset:
                seen.add(name)
                targets.append(f"_n{n}")
                derived.append(f"{name} = _n{n} {'-' if offset > 0 else '+'} {abs(offset)}")
                n += 1
            elif name in wanted:
                seen.add(name)
                targets.append(name)
            else:
                targets.append("_")
        unpack.append(
            f"({', '.join(targets)}{',' if len(targets) == 1 else ''}) = {argument.name}.shape"
        )
    if not unpack:
        return []
    error = f'    _shape_error("{where}", {spec}, {values})'
    lines = ["try:", *(f"    {u}" for u in unpack), "except ValueError:", error, *derived]
    if compare:
        lines += [*_condition(compare), error]
    return lines


def _condition(parts_: Sequence[str]) -> list[str]:
    """``if a or b:`` on one line if it fits (4 spaces in), else one part a line."""
    if len(parts_) == 1:
        only = parts_[0]
        parts_ = [only[1:-1] if only.startswith("(") and only.endswith(")") else only]
    line = f"if {' or '.join(parts_)}:"
    if len(line) + 4 <= LINE:
        return [line]
    first, *others = parts_
    return ["if (", f"    {first}", *(f"    or {p}" for p in others), "):"]


def _returned(output, request: Request, sizes, batched: bool) -> str:
    dims = [sizes[BATCH_SIZE]] if batched and not request.reduce else []
    for label in output:
        size = size_of(request.ranges[label], request.show(label), request.show)
        dims.append(_size_code(size, sizes))
    return f"({', '.join(dims)}{',' if len(dims) == 1 else ''})" if dims else "a scalar"


def _tuple(dims: Sequence[str]) -> str:
    inner = ", ".join(f'"{d}"' if not d.isdigit() else d for d in dims)
    return f"({inner}{',' if len(dims) == 1 else ''})"


def _shown(name: str, dims: Sequence[str]) -> str:
    if not dims:
        return name
    return f"{name} ({', '.join(dims)}{',' if len(dims) == 1 else ''})"


def _docstring(summary: str, arguments, dims, returned: str) -> list[str]:
    args = "; ".join(
        _shown(a.name, dims[a.name]) + ("" if dims[a.name] else " scalar") for a in arguments
    )
    first, *rest = textwrap.wrap(doc_text(summary), LINE - 11) or [""]
    shapes = textwrap.wrap(f"Args: {args}. Returns {returned}.", LINE - 8)
    return [
        '    """' + first,
        *(f"    {line}" for line in rest),
        "",
        *(f"    {line}" for line in shapes),
        '    """',
    ]
