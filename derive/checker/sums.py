"""Sums: canonical names for bound indices, linearity, sums over a Kronecker delta, and the one
meaning of a sum whose upper bound is below its lower bound.

**Karr's convention**, as SymPy's ``Sum.doit`` follows it: for integers a, b

    Sum(f, (i, a, b)) = f(a) + ... + f(b)                  if b >= a - 1 (b = a - 1: empty, 0)
    Sum(f, (i, a, b)) = -(f(b + 1) + ... + f(a - 1))       if b < a - 1

so ``Sum(x, (x, 5, 2))`` is -(3 + 4) = -7, and ``Sum(f, (i, a, b)) + Sum(f, (i, b + 1, c)) =
Sum(f, (i, a, c))`` and every closed form F(b + 1) - F(a) of an antidifference F hold for all
integers a, b, c. A product is the reciprocal: ``Product(f, (i, a, b)) = 1 / Product(f, (i, b +
1, a - 1))`` for b < a - 1. The numbers (``compiled.py``, the certificates, ``instances.py``), the
symbolic rules here and in ``doit.py``, and the 40-digit evaluator of ``derive.testing`` all
read a sum so (docs/limits.md, "Sums").
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Callable

import sympy
from sympy import Add, Basic, Dummy, KroneckerDelta, Max, Min, Mul, Product, Sum


@functools.lru_cache(maxsize=8192)
def canonical(expr: Basic, level: int = 0) -> Basic:
    """Rename the bound indices of sums canonically (keeping their assumptions).

    Sums that differ only in the name of their bound index then compare equal, and their
    difference cancels (SymPy does not do this itself: sympy issue 15240).

    >>> from sympy import IndexedBase, Sum, symbols
    >>> c, d, K = symbols("c d K", integer=True, positive=True)
    >>> t = IndexedBase("t")
    >>> canonical(Sum(t[c], (c, 1, K)) - Sum(t[d], (d, 1, K)))
    0

    Cached: the prover canonicalizes the same subexpressions again after every rewrite.
    """
    if not expr.args or not expr.has(Sum, Product):
        return expr
    if isinstance(expr, Sum) and 1 < len(expr.limits) <= MAX_ORDERED and _independent(expr):
        # sums over independent ranges commute: the order whose renaming sorts first
        orders = itertools.permutations(expr.limits)
        return min((_renamed(expr, order, level) for order in orders), key=sympy.default_sort_key)
    if isinstance(expr, (Sum, Product)):
        return _renamed(expr, expr.limits, level)
    args = [canonical(a, level) for a in expr.args]
    if all(x is y for x, y in zip(args, expr.args, strict=True)):
        return expr
    if isinstance(expr, (Max, Min)):  # renaming cannot change which argument is largest
        return expr.func(*args, evaluate=False)
    return expr.func(*args)


MAX_ORDERED = 4  # a sum over up to this many independent indices is put in a canonical order


def _independent(s: Sum) -> bool:
    """No index's range involves another index of the same sum."""
    variables = {var for var, *_ in s.limits}
    return not any(b.free_symbols & variables for _, *bounds in s.limits for b in bounds)


def _renamed(expr: Sum | Product, limits: tuple, level: int) -> Basic:
    names = [
        Dummy(f"i{level}{position}", dummy_index=10**9 + 100 * level + position, **var.assumptions0)
        for position, (var, *_) in enumerate(limits)
    ]  # fixed, so the renaming is canonical
    function = _unclashed(expr.function, set(names))
    mapping: dict[Basic, Basic] = {}
    renamed = []
    for new, (var, *bounds) in zip(names, limits, strict=True):
        bounds = [canonical(b.xreplace(mapping), level) for b in bounds]
        mapping[var] = new
        renamed.append((new, *bounds))
    body = canonical(function.xreplace(mapping), level + 1)
    return expr.func(body, *renamed)


def _unclashed(body: Basic, names: set[Basic]) -> Basic:
    """The body with its inner sums' indices renamed where they use one of ``names`` (a
    canonical name of another level, left by a rewrite that nested sums anew): renaming the
    outer index to that name would otherwise capture it."""
    inner = {v for s in body.atoms(Sum, Product) for v, *_ in s.limits}
    clash = names & inner
    if not clash:
        return body
    return body.xreplace({v: Dummy(str(v), **v.assumptions0) for v in clash})


def is_zero(expr: Basic) -> bool:
    """Structurally zero after canonical renaming (no simplification, no guessing)."""
    return expr == 0 or canonical(expr) == 0


def _innermost_first(expr: Basic, rule: Callable[[Sum], Basic]) -> Basic:
    """Apply ``rule`` to every Sum, inner sums first, rebuilding only what changed (one pass:
    ``Basic.replace`` with a rule that recurses is quadratic on nested network sums)."""
    if not expr.args or not expr.has(Sum):
        return expr
    args = [_innermost_first(a, rule) for a in expr.args]
    if any(new is not old for new, old in zip(args, expr.args, strict=True)):
        expr = expr.func(*args)
    return rule(expr) if isinstance(expr, Sum) else expr


def _linear(s: Sum) -> Basic:
    body = s.function
    indices = {lim[0] for lim in s.limits}
    if isinstance(body, Add):
        return Add(*[_linear(s.func(term, *s.limits)) for term in body.args])
    if isinstance(body, Mul):
        outside = [f for f in body.args if not (f.free_symbols & indices)]
        if outside:
            inside = [f for f in body.args if f.free_symbols & indices]
            return Mul(*outside) * _linear(s.func(Mul(*inside), *s.limits))
        if len(s.limits) > 1:
            return _innermost_inward(s)
    return s


def _innermost_inward(s: Sum) -> Basic:
    """Sum_b Sum_c f(b) g(b, c) = Sum_b f(b) Sum_c g(b, c): the factors free of one index leave
    its sum (SymPy merges a sum directly inside a sum into one sum over several indices, where
    linearity would otherwise stop). Sums over independent ranges commute, so any index whose
    range involves no other index may go innermost."""
    factors = Mul.make_args(s.function)
    for position, (var, *bounds) in enumerate(s.limits):
        outer = s.limits[:position] + s.limits[position + 1 :]
        ends = {x for b in bounds for x in b.free_symbols}
        if ends & {v for v, *_ in outer} or any(
            var in b.free_symbols for _, *others in outer for b in others
        ):
            continue
        inside = [f for f in factors if var in f.free_symbols]
        rest = [f for f in factors if var not in f.free_symbols]
        if inside and rest:
            inner = _linear(s.func(Mul(*inside), (var, *bounds)))
            return _linear(s.func(Mul(*rest) * inner, *outer))
    return s


def pull_out_of_sums(expr: Basic) -> Basic:
    """Linearity: Sum(f + g) = Sum(f) + Sum(g); Sum(c f) = c Sum(f) for c free of the index."""
    return _innermost_first(expr, _linear)


def _fresh_bound(s: Sum) -> Sum:
    """The sum with new bound indices, so that merging it with others captures nothing."""
    mapping = {var: Dummy(str(var), **var.assumptions0) for var, *_ in s.limits}
    return s.xreplace(mapping)


def _merged(expr: Basic) -> Basic:
    if isinstance(expr, Mul) and any(isinstance(f, Sum) for f in expr.args):
        sums = [_fresh_bound(f) for f in expr.args if isinstance(f, Sum)]
        rest = [f for f in expr.args if not isinstance(f, Sum)]
        limits = [limit for s in sums for limit in s.limits]
        return Sum(Mul(*rest, *(s.function for s in sums)), *limits)
    if isinstance(expr, Sum) and isinstance(expr.function, Mul):
        inner = _merged(expr.function)
        if isinstance(inner, Sum):
            return Sum(inner.function, *inner.limits, *expr.limits)
    return expr


def merge_sums(expr: Basic) -> Basic:
    """f Σ_b g(b) = Σ_b f g(b), and Σ_a f(a) Σ_b g(b) = Σ_{a, b} f(a) g(b): each product of
    sums as one sum over all their indices (which ``canonical`` puts in one order), so that
    two ways of nesting the same sums compare equal. Bound indices are renamed first: nothing
    is captured."""
    if not expr.has(Sum):
        return expr
    if isinstance(expr, Add):
        return Add(*[merge_sums(term) for term in expr.args])
    if isinstance(expr, Mul):
        merged = _merged(Mul(*[merge_sums(f) if isinstance(f, Sum) else f for f in expr.args]))
    elif isinstance(expr, Sum):
        merged = _merged(Sum(merge_sums(expr.function), *expr.limits))
    else:
        return expr
    return _constants_out(merged) if isinstance(merged, Sum) else merged


def _constants_out(s: Sum) -> Basic:
    """Σ c f = c Σ f for the factors c free of every index (so that Σ f and Σ -f cancel)."""
    indices = {var for var, *_ in s.limits}
    factors = Mul.make_args(s.function)
    outside = [f for f in factors if not f.free_symbols & indices]
    if not outside:
        return s
    inside = [f for f in factors if f.free_symbols & indices]
    return Mul(*outside) * Sum(Mul(*inside), *s.limits)


def sum_deltas(expr: Basic, within: Callable[[Basic, Basic, Basic], bool]) -> Basic:
    """Sum_{v=lo}^{hi} f(v) 1[v = x] = f(x) when x is an integer and ``within(x, lo, hi)`` (x
    lies in the range): a real x in the range, 1/2 in 0..n, is no value of v, and the sum is 0.

    SymPy's own ``doit`` answers with a Piecewise over the range (and for symbolic bounds it can
    fail inside sum_simplify); with the index ranges known the delta is resolved directly.
    """

    def rule(s: Sum) -> Basic:
        if len(s.limits) != 1:
            return _one_index_at_a_time(s, rule)
        var, lo, hi = s.limits[0]
        if not any(var in delta.args for delta in s.function.atoms(KroneckerDelta)):
            return s
        terms = Add.make_args(sympy.expand_mul(s.function))  # not power_exp: keeps exp(Sum) whole
        if len(terms) > 1:
            return Add(*[rule(Sum(term, s.limits[0])) for term in terms])
        for factor in Mul.make_args(terms[0]):
            if isinstance(factor, KroneckerDelta) and var in factor.args:
                other = factor.args[1] if factor.args[0] == var else factor.args[0]
                if var not in other.free_symbols and other.is_integer and within(other, lo, hi):
                    return (terms[0] / factor).xreplace({var: other})
        return s

    return _innermost_first(expr, rule)


def _one_index_at_a_time(s: Sum, rule: Callable[[Sum], Basic]) -> Basic:
    """A sum over several indices (SymPy merges a sum directly inside a sum into one): ``rule``
    on each index whose range does not involve the others, the sums over the others outside
    (sums over independent ranges commute)."""
    terms = Add.make_args(sympy.expand_mul(s.function))
    if len(terms) > 1:
        return Add(*[rule(Sum(term, *s.limits)) for term in terms])
    for position, (var, lo, hi) in enumerate(s.limits):
        others = s.limits[:position] + s.limits[position + 1 :]
        bounds = set().union(*(b.free_symbols for _, *ends in others for b in ends))
        if var in bounds or {v for v, *_ in others} & (lo.free_symbols | hi.free_symbols):
            continue
        single = Sum(s.function, (var, lo, hi))
        done = rule(single)
        if done != single:
            return rule(Sum(done, *others)) if others else done
    return s


def _within_limits(s: Sum) -> Basic:
    known = {}
    for var, lo, hi in s.limits:
        if not ordered(lo, hi):  # Karr's convention: a reversed range runs elsewhere
            continue
        known |= {
            sympy.Le(var, hi): sympy.true,
            sympy.Ge(var, lo): sympy.true,
            sympy.Ge(hi, var): sympy.true,
            sympy.Le(lo, var): sympy.true,
        }
    if not known:
        return s
    body = s.function.xreplace(known)
    return s if body == s.function else s.func(body, *s.limits)


def use_sum_limits(expr: Basic) -> Basic:
    """Inside Sum_{v=lo}^{hi}, the conditions v <= hi and v >= lo are true (doit leaves them in
    Piecewise conditions, and refine cannot see a bound index's range), when the bounds are
    known to be in order: with hi < lo - 1 the index runs over hi + 1..lo - 1 instead."""
    return _innermost_first(expr, _within_limits)


def karr_range(lo: int, hi: int) -> tuple[range, int]:
    """The indices a sum over lo..hi adds and the sign it adds them with (Karr's convention,
    see the module's doc): (lo..hi, +1) when hi >= lo - 1, else (hi + 1..lo - 1, -1).

    >>> karr_range(2, 4), karr_range(5, 4), karr_range(5, 2)
    ((range(2, 5), 1), (range(5, 5), 1), (range(3, 5), -1))
    """
    if hi >= lo - 1:
        return range(lo, hi + 1), 1
    return range(hi + 1, lo), -1


def ordered(lo: Basic, hi: Basic) -> bool:
    """Whether the bounds' order is known from the symbols' assumptions: hi >= lo - 1, so the
    sum is the plain one (its index runs from lo to hi)."""
    return bool((hi - lo + 1).is_nonnegative)


def _unroll(s: Sum) -> Basic:
    """The outermost index written out first (an inner range may depend on it), then the
    sums over the other indices, each in turn; Karr's convention for reversed bounds."""
    *inner, (var, lo, hi) = s.limits
    if not (lo.is_Integer and hi.is_Integer) or abs(hi - lo) > 10_000:
        return s
    values, sign = karr_range(int(lo), int(hi))
    body = Sum(s.function, *inner) if inner else s.function
    terms = [body.xreplace({var: value}) for value in values]
    return sign * Add(*[_unroll(t) if isinstance(t, Sum) else t for t in terms])


def expand_finite_sums(expr: Basic) -> Basic:
    """Write out every sum with numeric bounds, inner sums first (Karr's convention).

    The same value as ``doit`` for these sums, much faster on a network's nested sums: SymPy's
    Sum.doit first tries delta summation, which expands the whole body.
    """
    return _innermost_first(expr, _unroll)


def under_one_sum(expr: Basic) -> list[Basic] | None:
    """Σ_L f + c Σ_L g + ... = Σ_L (f + c g + ...): the terms of ``expr`` grouped by the limits
    of their sum (canonical names, so equal limits compare equal); the combined summand of each
    group, or None when a term is not a multiple of a sum. The sum is zero when every summand
    is (linearity), which a rewrite of the summand alone can show."""
    groups: dict[tuple, list[Basic]] = {}
    for term in Add.make_args(canonical(expr)):
        sums = [f for f in Mul.make_args(term) if isinstance(f, Sum)]
        if len(sums) != 1:
            return None
        coefficient = Mul(*(f for f in Mul.make_args(term) if f is not sums[0]))
        groups.setdefault(sums[0].limits, []).append(coefficient * sums[0].function)
    return [Add(*summands) for _, summands in sorted(groups.items(), key=lambda g: str(g[0]))]


def delta_points(expr: Basic) -> Basic:
    """1[a = b] f(a, b) = 1[a = b] f(a, a): in every product with a Kronecker delta of two
    symbols, the later symbol (canonical order) becomes the earlier in the other factors. It
    holds at every point (where a != b both sides are 0), inside a sum's body too."""

    def rule(product: Basic) -> Basic:
        deltas = [
            f
            for f in product.args
            if isinstance(f, KroneckerDelta) and all(a.is_Symbol for a in f.args)
        ]
        for delta in deltas:
            first, second = sorted(delta.args, key=sympy.default_sort_key)
            rest = Mul(*(f for f in product.args if f is not delta))
            bound = {v for s in rest.atoms(Sum, Product) for v, *_ in s.limits}
            if {first, second} & bound:
                continue  # an inner sum binds one of them: renaming would capture
            product = delta * rest.xreplace({second: first})
            if not isinstance(product, Mul):
                return product
        return product

    return expr.replace(lambda e: isinstance(e, Mul) and e.has(KroneckerDelta), rule)
