"""Index notation with implied summation (the Einstein convention): an index repeated in a
product is summed over its range, ``z_i = W_ij x_j`` meaning ``z_i = Σ_j W_ij x_j``.

Only when a source says so (a derivation file's ``summation = "einstein"``, a post that states
"summation implied" or "repeated indices are summed"): without it, a repeated index is a claim
about one value of it. The convention speaks of the additive terms of an expression once its
products are multiplied out: ``(z_k - t_k) W_kl`` is ``z_k W_kl - t_k W_kl``, k twice in each
term, so summed; an index twice in a term (across factors, within one element ``A_jj``, the
trace, or in a product written twice that SymPy keeps as a square) is summed, once in every
term it is free. Three times, summed in one term and free in another, or under a power written
as one (``(z_i - t_i)^2``: a square of each entry, or the sum of squares?) is not a reading the
convention gives: an error, never a guess.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Collection, Mapping

import sympy
from sympy import Add, Basic, Indexed, KroneckerDelta, Mul, Pow, Sum, Symbol
from sympy.matrices.expressions.matexpr import MatrixElement

Ranges = Mapping[Symbol, tuple[Basic, Basic]]
Signature = tuple[tuple[Symbol, int], ...]  # index -> how often, in one additive term
MAX_TERMS = 64  # additive terms of one product multiplied out to read the convention
ENTRIES = (Indexed, MatrixElement, KroneckerDelta)  # what carries indices
MAX_POWER = 4  # a square (or cube...) kept by SymPy for a product written twice


class ImpliedSumError(ValueError):
    """A term that the convention cannot read: ``index`` (None: the term as a whole) and
    ``why``, a phrase without names (each source shows the index its own way)."""

    def __init__(self, index: Symbol | None, why: str, term: Basic) -> None:
        self.index, self.why = index, why
        subject = f"index {index} {why}" if index is not None else why
        super().__init__(f"{subject} in {term}: the summation convention does not read it")


def implied_sums(
    expr: Basic,
    ranges: Ranges,
    free: frozenset[Symbol] = frozenset(),
    *,
    bound: Callable[[Symbol, Basic], Symbol] | None = None,
    written_powers: Collection[Basic] = (),
    written_counts: Mapping[Symbol, int] | None = None,
) -> Basic:
    """``expr`` with every repeated index of a term summed over its range (``ranges``: index
    -> (lo, hi)), except the ``free`` ones (those of the left side: ``δ_i = σ'(z_i) W_ki δ_k``
    sums over k, never over i). Terms are the addends once products are multiplied out, and
    the bodies of function arguments. ``bound``: (index, term) -> the symbol a sum over the index
    binds in that term, one the term does not use already (a bound index of a definition's
    sum written out in it would be captured); else the
    index itself); ``written_powers``: powers the text wrote as powers (not a product written
    twice), whose summable indices the convention leaves unread; ``written_counts``: how often
    the text writes each index (a term of ``expr`` with more, from a derivative or definition
    written out, is not read: the convention counts what is written).

    Raises:
        ImpliedSumError: a term the convention does not read, naming the index.

    >>> from sympy import IndexedBase, symbols
    >>> i, j, n = symbols("i j n", integer=True, positive=True)
    >>> W, x = IndexedBase("W"), IndexedBase("x")
    >>> implied_sums(W[i, j] * x[j], {i: (1, n), j: (1, n)})
    Sum(W[i, j]*x[j], (j, 1, n))
    """
    if free:
        ranges = {index: bounds for index, bounds in ranges.items() if index not in free}
    reader = _Reader(bound or (lambda index, term: index), written_powers)
    reader.most = written_counts
    result = reader.read(expr, ranges)
    free_after = {s for s in result.free_symbols if s in reader.summed and s not in free}
    if bound is None:  # the summed index is its own symbol: a free one of the same letter
        free_after = {s for s in free_after if _free_somewhere(result, s)}
    if free_after:
        index = sorted(free_after, key=sympy.default_sort_key)[0]
        raise ImpliedSumError(index, "is summed in one term and free in another", expr)
    return result


def _free_somewhere(expr: Basic, index: Symbol) -> bool:
    if isinstance(expr, Sum) and index in {v for v, *_ in expr.limits}:
        return False
    if expr == index:
        return True
    return any(_free_somewhere(a, index) for a in expr.args)


class _Reader:
    def __init__(self, bound: Callable[[Symbol, Basic], Symbol], written: Collection) -> None:
        self.bound, self.written = bound, written
        self.summed: set[Symbol] = set()  # every index some term sums
        self.most: Mapping[Symbol, int] | None = None  # how often the text writes an index

    def read(self, expr: Basic, ranges: Ranges) -> Basic:
        if not expr.args or not expr.has(*ENTRIES):
            return expr
        if isinstance(expr, Add):
            return Add(*(self.read(term, ranges) for term in expr.args))
        if isinstance(expr, Sum):  # its own indices are summed already
            return expr.func(self.read(expr.function, _without(ranges, expr)), *expr.limits)
        if isinstance(expr, (Mul, Pow, *ENTRIES)):
            return self.term(self.inside(expr, ranges), ranges)
        return self.inside(expr, ranges)

    def inside(self, expr: Basic, ranges: Ranges) -> Basic:
        """The arguments of the functions in a product read on their own (exp(W_ij x_j))."""
        if isinstance(expr, (Symbol, *ENTRIES)) or not expr.args:
            return expr
        if isinstance(expr, Sum):
            return self.read(expr, ranges)
        if isinstance(expr, (Add, Mul, Pow)):
            return expr.func(*(self.inside(a, ranges) for a in expr.args))
        return expr.func(*(self.read(a, ranges) for a in expr.args))

    def term(self, term: Basic, ranges: Ranges) -> Basic:
        signatures = self.signatures(term, ranges)
        for signature in signatures:
            for index, count in signature:
                why = self.unread(index, count)
                if why:
                    raise ImpliedSumError(index, why, term)
        sets = {frozenset(s for s, n in signature if n == 2) for signature in signatures}
        if len(sets) > 1:  # the terms multiplied out sum different indices: each its own
            return self.split(term, signatures, ranges)
        summed = sorted(next(iter(sets), ()), key=sympy.default_sort_key)
        for index in summed:
            self.summed.add(index)
            dummy = self.bound(index, term)
            if dummy != index and term.has(dummy):  # never capture a symbol the term uses
                raise ImpliedSumError(index, "has no symbol free to sum it over", term)
            term = Sum(term.xreplace({index: dummy}), (dummy, *ranges[index]))
        return term

    def unread(self, index: Symbol, count: int) -> str:
        """Why a term with ``index`` ``count`` times is not read ("" when it is)."""
        written = None if self.most is None else self.most.get(index, 0)
        if written is not None and written > 2 and count > 2:
            return f"is written {written} times (the convention sums an index written twice)"
        if written is not None and count > written:
            return (
                "occurs more often in a term once its derivatives are written out than in the text"
            )
        if count > 2:
            return f"occurs {count} times in a term (the convention sums twice)"
        return ""

    def split(self, term: Basic, signatures: list[Signature], ranges: Ranges) -> Basic:
        counts = [dict(s) for s in signatures]
        for index in sorted({i for c in counts for i, n in c.items() if n == 2}, key=str):
            if any(c.get(index) == 1 for c in counts):
                raise ImpliedSumError(index, "is summed in one term and free in another", term)
        if _term_count(term) > MAX_TERMS:  # before multiplying out: never a blow-up
            raise ImpliedSumError(None, f"more than {MAX_TERMS} terms once multiplied out", term)
        expanded = sympy.expand(
            term, deep=False, mul=True, multinomial=True, power_base=False, power_exp=False
        )
        if not isinstance(expanded, Add):
            raise ImpliedSumError(None, "its terms are not told apart", term)
        return Add(*(self.term(t, ranges) for t in expanded.args))

    def signatures(self, expr: Basic, ranges: Ranges) -> list[Signature]:
        """How often each summable index occurs in each additive term of ``expr`` once its
        products are multiplied out (outside the functions, whose arguments are read alone:
        an index free there counts once)."""
        if isinstance(expr, ENTRIES):
            places = _places(expr)
            found = Counter(s for i in places for s in i.free_symbols if s in ranges)
            return [_signature(found)]
        if isinstance(expr, Sum):
            return self.signatures(expr.function, _without(ranges, expr))
        if isinstance(expr, Add):
            return _bounded(
                dict.fromkeys(s for a in expr.args for s in self.signatures(a, ranges)), expr
            )
        if isinstance(expr, Mul):
            return _product([self.signatures(a, ranges) for a in expr.args], expr)
        if isinstance(expr, Pow):
            return self.power(expr, ranges)
        if not expr.args:
            return [()]
        most: Counter = Counter()  # a function: each index as often as in its busiest term
        for arg in expr.args:
            for signature in self.signatures(arg, ranges):
                for index, count in signature:
                    most[index] = max(most[index], count)
        return [_signature(most)]

    def power(self, expr: Pow, ranges: Ranges) -> list[Signature]:
        base = self.signatures(expr.base, ranges)
        exponent = expr.exp
        repeated = exponent.is_Integer and 2 <= exponent <= MAX_POWER
        if repeated and expr not in self.written:  # x_i x_i, kept by SymPy as x_i^2
            return _product([base] * int(exponent), expr)
        if exponent.is_Integer and exponent >= 2 and any(base_s for base_s in base):
            index = sorted({s for sig in base for s, _ in sig}, key=sympy.default_sort_key)[0]
            raise ImpliedSumError(
                index, "is under a power (a power of each entry, or the sum of them?)", expr
            )
        return _product([base, self.signatures(exponent, ranges)], expr)


def _term_count(expr: Basic) -> int:
    """How many terms ``expr`` has once its products are multiplied out (an upper bound)."""
    if isinstance(expr, Add):
        return sum(_term_count(a) for a in expr.args)
    if isinstance(expr, Mul):
        count = 1
        for factor in expr.args:
            count *= _term_count(factor)
            if count > MAX_TERMS:
                break
        return count
    if isinstance(expr, Pow) and expr.exp.is_Integer and 2 <= expr.exp <= MAX_POWER:
        return min(_term_count(expr.base) ** int(expr.exp), MAX_TERMS + 1)
    return 1


def _places(expr: Basic) -> tuple:
    """The index expressions of an entry (``W[i, j]``, a matrix's ``W[i - 1, j - 1]``, the
    delta's two)."""
    if isinstance(expr, Indexed):
        return expr.indices
    if isinstance(expr, MatrixElement):
        return expr.args[1:]
    return expr.args


def _without(ranges: Ranges, expr: Sum) -> Ranges:
    own = {var for var, *_ in expr.limits}
    return {index: bounds for index, bounds in ranges.items() if index not in own}


def _signature(found: Counter) -> Signature:
    return tuple(sorted(((s, n) for s, n in found.items() if n), key=lambda p: str(p[0])))


def _product(factors: list[list[Signature]], expr: Basic) -> list[Signature]:
    combined: list[Signature] = [()]
    for options in factors:
        merged = {}
        for left in combined:
            for right in options:
                total = Counter(dict(left))
                total.update(dict(right))
                merged[_signature(total)] = None
        combined = _bounded(merged, expr)
    return combined


def _bounded(found: dict, expr: Basic) -> list[Signature]:
    if len(found) > MAX_TERMS:
        raise ImpliedSumError(None, f"more than {MAX_TERMS} kinds of terms", expr)
    return list(found)
