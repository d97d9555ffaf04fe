"""The user's own result at one input, at 40 digits: what a correct function returns there.

The proved expression itself is evaluated (:class:`derive.testing.precise.Evaluator`), never
the emitted float code: exp(1e4) is an ordinary number, nothing cancels. The batch is written
out as ``derive emit`` writes it (:func:`derive.emit.function.with_batch_axis`: data ``x[j]``
becomes ``x[b, j]``); a result that a batch reduces is the sum over ``b`` (divided by B under
``mean``), any other keeps ``b`` as its first axis.

An input where the derivation says nothing a float program could return is left out, with
the reason: where an assumption the proof used does not hold, where the value is not a real
number (a log of a negative number), is undefined (a division by 0), or exceeds the dtype's
range.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy
from sympy import Basic, Expr, IndexedBase, Integer, Sum, Symbol

from derive.emit.function import BATCH, BATCH_SIZE, with_batch_axis
from derive.emit.stable import stable_form
from derive.emit.vectorize import Argument
from derive.testing.against.exact import StableEvaluator, trusted
from derive.testing.against.source import Chosen
from derive.testing.inputs import Case
from derive.testing.precise import CONTEXT, EvaluationError, to_float, to_mp


@dataclass(frozen=True)
class Prepared:
    """The expression with its batch written out, and what evaluating it needs.

    Attributes:
        expr: the result, reduced over the batch if the function reduces it.
        arguments: the arguments as the batched expression names them (data with a leading
            batch domain).
        names: each of those arguments' parameter name (as the emitted function has it).
        axes: the returned axes with their ranges, the batch first if it is kept.
        relations: the assumptions the proof used that involve the arguments, batched.
        sizes: each size symbol's value (B is added per input).
    """

    expr: Expr
    arguments: tuple[Argument, ...]
    axes: tuple[tuple[Symbol, Expr, Expr], ...]
    relations: tuple[Basic, ...]
    sizes: Mapping[Symbol, int]


@dataclass(frozen=True)
class Value:
    """The reference at one input (float64, the emitted function's layout), the largest
    magnitude of the terms behind it, and the largest argument of an exponential met."""

    value: numpy.ndarray
    scale: float
    exponent: float


def prepare(chosen: Chosen, sizes: Mapping[Symbol, int]) -> Prepared:
    """The batched expression and its axes (see the module docstring)."""
    printed, result = chosen.printed, chosen.result
    arguments = list(printed.arguments)
    expr = stable_form(result.expr)[
        0
    ]  # proved equal; cancels nothing (derive.testing.against.exact)
    relations = [r for r in result.relations() if _about_arguments(r, arguments)]
    axes = [(label, result.ranges[label].lo, result.ranges[label].hi) for label in printed.output]
    if printed.batched:
        expr, batched = with_batch_axis(expr, arguments)
        relations = [with_batch_axis(r, arguments)[0] for r in relations]
        arguments = batched
        if printed.reduce:
            expr = Sum(expr, (BATCH, 1, BATCH_SIZE))
            if chosen.batch == "mean":
                expr = expr / BATCH_SIZE
        else:
            axes.insert(0, (BATCH, Integer(1), BATCH_SIZE))
    return Prepared(expr, tuple(arguments), tuple(axes), tuple(relations), dict(sizes))


def _about_arguments(relation: Basic, arguments: list[Argument]) -> bool:
    """A relation about the arguments' values (not an index range such as k <= K)."""
    symbols = {a.symbol for a in arguments}
    bases = {getattr(s, "base", s) for s in relation.free_symbols}
    return bool(bases & symbols) or any(
        isinstance(a, IndexedBase) and a in symbols for a in relation.atoms(IndexedBase)
    )


def _evaluator(prepared: Prepared, case: Case) -> StableEvaluator:
    sizes = {**prepared.sizes, BATCH_SIZE: case.B}
    values = {s: Integer(v) for s, v in sizes.items()}
    arrays, scalars, offsets = {}, {}, {}
    for argument in prepared.arguments:
        value = case.arrays[argument.name]
        if isinstance(argument.symbol, IndexedBase):
            arrays[argument.symbol] = (to_mp(value), None)
            offsets[argument.symbol] = tuple(int(d.lo.xreplace(values)) for d in argument.domains)
        else:
            number = CONTEXT.mpf(float(value))
            scalars[argument.symbol] = (number, abs(number))
    return StableEvaluator(arrays, scalars, sizes, offsets=offsets)


def _ranges(prepared: Prepared, B: int) -> dict[Symbol, tuple[int, int]]:
    values = {s: Integer(v) for s, v in {**prepared.sizes, BATCH_SIZE: B}.items()}
    return {
        label: (int(lo.xreplace(values)), int(hi.xreplace(values)))
        for label, lo, hi in prepared.axes
    }


def broken_assumption(prepared: Prepared, case: Case, show) -> str | None:
    """The first assumption the proof used that this input breaks, in words (None: none)."""
    ranges = (
        {BATCH: (1, case.B)} if any(BATCH in r.free_symbols for r in prepared.relations) else {}
    )
    for relation in prepared.relations:
        ev = _evaluator(prepared, case)
        within = {k: v for k, v in ranges.items() if k in relation.free_symbols}
        try:
            left = ev.evaluate(relation.lhs, within).value
            right = ev.evaluate(relation.rhs, within).value
        except (EvaluationError, ZeroDivisionError, TypeError, ValueError):
            continue  # about symbols this function does not take: it does not restrict them
        test = {"==": numpy.equal, "!=": numpy.not_equal, ">": numpy.greater}.get(relation.rel_op)
        test = test or {">=": numpy.greater_equal, "<": numpy.less, "<=": numpy.less_equal}.get(
            relation.rel_op
        )
        if test is None:
            continue
        if not all(bool(x) for x in numpy.ravel(test(left, right))):
            return f"it breaks the assumption {show(relation)}"
    return None


def reference(prepared: Prepared, case: Case, dtype: numpy.dtype) -> Value | str:
    """The reference at ``case``, or why there is none a float program could match."""
    try:
        found = trusted(
            lambda: _evaluator(prepared, case), prepared.expr, _ranges(prepared, case.B)
        )
    except ZeroDivisionError:
        return "the derivation's value is undefined there (a division by 0)"
    except EvaluationError as error:
        raise ValueError(f"the result cannot be evaluated exactly: {error}") from None
    if found is None:
        return "the derivation's value there cancels beyond 160 digits: it is not trusted"
    value_, ev = found
    entries = numpy.ravel(value_.value)
    if not all(isinstance(v, CONTEXT.mpf) for v in entries):
        return "the derivation's value is not a real number there"
    if not all(CONTEXT.isfinite(v) for v in entries):
        return "the derivation's value is not finite there"
    largest = float(numpy.finfo(dtype).max)
    value = to_float(value_.value)
    if not numpy.all(numpy.abs(value) < largest):
        return f"the derivation's value exceeds the range of {numpy.dtype(dtype).name} there"
    magnitude = to_float(value_.magnitude)
    scale = float(numpy.max(numpy.where(numpy.isfinite(magnitude), magnitude, 1e300), initial=0.0))
    exponent = min(float(ev.largest_exponent), 1e300)
    return Value(value, scale, exponent)
