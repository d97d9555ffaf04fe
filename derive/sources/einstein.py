"""Index notation with implied summation (the Einstein convention): an index repeated in a
product is summed over its range, ``z_i = W_ij x_j`` meaning ``z_i = Σ_j W_ij x_j``.

Only when a source says so (a derivation file's ``summation = "einstein"``, a post that states
"summation implied" or "repeated indices are summed"): without it, a repeated index is a claim
about one value of it. An index that occurs twice in one term, across factors or within one
element (``A_jj``, the trace), is summed once; three times is not the convention and is an error.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping

import sympy
from sympy import Add, Basic, Indexed, Mul, Sum, Symbol

Ranges = Mapping[Symbol, tuple[Basic, Basic]]


class ImpliedSumError(ValueError):
    """A term that the convention cannot read (an index three times)."""


def _occurrences(term: Basic, ranges: Ranges) -> Counter:
    """How often each ranged index occurs as a subscript in ``term`` (outside inner sums)."""
    found: Counter = Counter()
    for element in _elements(term):
        for index in element.indices:
            for symbol in index.free_symbols:
                if symbol in ranges:
                    found[symbol] += 1
    return found


def _elements(expr: Basic) -> list[Indexed]:
    if isinstance(expr, Indexed):
        return [expr]
    if isinstance(expr, Sum):
        return []  # its own business: its body was read on its own
    return [e for arg in expr.args for e in _elements(arg)]


def _term(term: Basic, ranges: Ranges) -> Basic:
    repeated = _occurrences(term, ranges)  # ``ranges`` holds only the indices that may be summed
    summed = sorted((s for s, count in repeated.items() if count == 2), key=sympy.default_sort_key)
    many = [s for s, count in repeated.items() if count > 2]
    if many:
        raise ImpliedSumError(
            f"index {many[0]} occurs {repeated[many[0]]} times in {term}: the summation "
            "convention sums an index that occurs twice"
        )
    for index in summed:
        term = Sum(term, (index, *ranges[index]))
    return term


def implied_sums(expr: Basic, ranges: Ranges, free: frozenset[Symbol] = frozenset()) -> Basic:
    """``expr`` with every repeated index of a term summed over its range (``ranges``: index
    -> (lo, hi)), except the ``free`` ones (those of the left side: ``δ_i = σ'(z_i) W_ki δ_k``
    sums over k, never over i). Terms are the addends of sums and the bodies of function
    arguments.

    >>> from sympy import IndexedBase, symbols
    >>> i, j, n = symbols("i j n", integer=True, positive=True)
    >>> W, x = IndexedBase("W"), IndexedBase("x")
    >>> implied_sums(W[i, j] * x[j], {i: (1, n), j: (1, n)})
    Sum(W[i, j]*x[j], (j, 1, n))
    """
    if free:
        ranges = {index: bounds for index, bounds in ranges.items() if index not in free}
    if not expr.args or not expr.has(Indexed):
        return expr
    if isinstance(expr, Add):
        return Add(*(implied_sums(term, ranges) for term in expr.args))
    if isinstance(expr, Sum):  # its own indices are summed already
        own = {var for var, *_ in expr.limits}
        inner = {index: bounds for index, bounds in ranges.items() if index not in own}
        return expr.func(implied_sums(expr.function, inner), *expr.limits)
    if isinstance(expr, (Mul, Indexed)):
        if isinstance(expr, Mul):
            expr = Mul(*(_inner(f, ranges) for f in expr.args))
        return _term(expr, ranges)
    return _inner(expr, ranges)


def _inner(expr: Basic, ranges: Ranges) -> Basic:
    """A factor: the terms inside its arguments (exp(W_ij x_j)) read on their own."""
    if isinstance(expr, (Indexed, sympy.Symbol)) or not expr.args:
        return expr
    if isinstance(expr, (Add, Sum, Mul)):
        return implied_sums(expr, ranges)
    return expr.func(*(implied_sums(a, ranges) for a in expr.args))
