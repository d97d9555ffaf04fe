"""What a result's function takes and returns: its arguments, sizes and axes.

A result's free symbols are sorted into four kinds, from where they stand in the expression:

- **indices**: the free indices (their ranges come from the proof's assumptions, ``k <= K``)
  and the summation indices; a free index is an axis of the result;
- **sizes**: the symbols in an index range (``K`` in ``1..K``); read from the arguments'
  shapes, never passed (a size that no argument's shape holds is refused);
- **arrays**: indexed symbols; each dimension's size is the range of the indices written
  there, which must be one range for every use (``x[i]`` and ``x[j]`` with i, j in 1..J);
- **scalars**: every other symbol.

Arrays and scalars are the arguments, in the order the source declared them (the generated
names ``s0, s1, ...`` count in that order). Per-example data gets a leading batch axis.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from sympy import Add, Basic, Expr, Indexed, IndexedBase, Sum, Symbol

from derive.emit.graph import Domain
from derive.emit.proofs import EmitError


@dataclass
class Parts:
    """The kinds of a result's free symbols (see the module docstring)."""

    free: list[Symbol] = field(default_factory=list)
    arrays: dict[IndexedBase, list[Domain | None]] = field(default_factory=dict)
    scalars: set[Symbol] = field(default_factory=set)
    sizes: set[Symbol] = field(default_factory=set)


def parts(expr: Expr, ranges: Mapping[Symbol, Domain], show: Callable[[Basic], str]) -> Parts:
    """Sort the free symbols of ``expr``; ``ranges`` holds the range of every free index.

    Raises:
        EmitError: a subscript that is not an index, or an array used over two ranges.
    """
    found = Parts()
    free = [s for s in expr.free_symbols if s in ranges]
    found.free = sorted(free, key=generated_order)
    for index in found.free:
        found.sizes |= _symbols_of(ranges[index])
    _visit(expr, dict(ranges), found, show)
    found.scalars -= found.sizes
    return found


def _symbols_of(domain: Domain) -> set[Symbol]:
    return set(domain.lo.free_symbols | domain.hi.free_symbols)


def _visit(expr: Basic, scope: dict[Symbol, Domain], found: Parts, show) -> None:
    if isinstance(expr, Sum):
        inner = dict(scope)
        for index, lo, hi in expr.limits:
            domain = Domain(lo, hi)
            found.sizes |= _symbols_of(domain)
            inner[index] = domain
        _visit(expr.function, inner, found, show)
    elif isinstance(expr, Indexed):
        _array(expr, scope, found, show)
    elif isinstance(expr, Symbol):
        if expr not in scope:
            found.scalars.add(expr)
    else:
        for arg in expr.args:
            _visit(arg, scope, found, show)


def _array(expr: Indexed, scope: dict[Symbol, Domain], found: Parts, show) -> None:
    domains = found.arrays.setdefault(expr.base, [None] * len(expr.indices))
    if len(domains) != len(expr.indices):
        raise EmitError(
            f"{show(expr.base)} is used with {len(domains)} and with {len(expr.indices)} subscripts"
        )
    for n, index in enumerate(expr.indices):
        if index.is_Integer:
            continue
        if index not in scope:
            raise EmitError(
                f"{show(expr)}: the subscript {show(index)} is not an index with a declared range"
            )
        domain = scope[index]
        if domains[n] is None:
            domains[n] = domain
        elif domains[n] != domain:
            raise EmitError(
                f"{show(expr.base)} is indexed over {show(domains[n].lo)}..{show(domains[n].hi)} "
                f"and over {show(domain.lo)}..{show(domain.hi)} in one result"
            )


_NUMBERED = re.compile(r"^s(\d+)(?:_(\w+))?$")


def generated_order(obj: Basic) -> tuple:
    """Declaration order: the sources name symbols s0, s1, ... as they are declared (an entry
    of s3 taken as a scalar, ``s3_1``, right after s3's place)."""
    name = obj.name if hasattr(obj, "name") else str(obj)
    found = _NUMBERED.match(name)
    return (0, int(found.group(1)), found.group(2) or "") if found else (1, 0, name)


def size_of(domain: Domain, what: str, show: Callable[[Basic], str] = str) -> Expr:
    """The size of a range as a number, one size symbol, or one size symbol plus a number
    (``n + 1`` for a zero-based range 0..n): what can be read from a shape, an axis of
    length L giving n = L - 1. ``show`` prints the source's names (never the generated
    ``s0``) into the refusal."""
    size = domain.size
    shown = f"{show(domain.lo)}..{show(domain.hi)}"
    if size.is_Integer or isinstance(size, Symbol) or split_size(size) is not None:
        if size.is_Integer and size < 0:
            raise EmitError(f"{what}: the range {shown} is reversed")
        return size
    raise EmitError(
        f"{what}: the range {shown} has size {show(size)}, which derive "
        "emit cannot read from a shape (a range 1..K, 0..K-1 or 0..K can)"
    )


def split_size(size: Expr) -> tuple[Symbol, int] | None:
    """``n + c`` (c a nonzero integer) -> (n, c); anything else -> None."""
    if not isinstance(size, Add) or len(size.args) != 2:
        return None
    number, symbol = sorted(size.args, key=lambda a: not a.is_Integer)
    if number.is_Integer and isinstance(symbol, Symbol):
        return symbol, int(number)
    return None
