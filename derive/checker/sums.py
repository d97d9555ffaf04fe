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
    if isinstance(expr, (Sum, Product)):
        mapping: dict[Basic, Basic] = {}
        limits = []
        for position, (var, *bounds) in enumerate(expr.limits):
            index = 10**9 + 100 * level + position  # fixed, so the renaming is canonical
            new = Dummy(f"i{level}{position}", dummy_index=index, **var.assumptions0)
            bounds = [canonical(b.xreplace(mapping), level) for b in bounds]
            mapping[var] = new
            limits.append((new, *bounds))
        body = canonical(expr.function.xreplace(mapping), level + 1)
        return expr.func(body, *limits)
    args = [canonical(a, level) for a in expr.args]
    if all(x is y for x, y in zip(args, expr.args, strict=True)):
        return expr
    if isinstance(expr, (Max, Min)):  # renaming cannot change which argument is largest
        return expr.func(*args, evaluate=False)
    return expr.func(*args)


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
    return s


def pull_out_of_sums(expr: Basic) -> Basic:
    """Linearity: Sum(f + g) = Sum(f) + Sum(g); Sum(c f) = c Sum(f) for c free of the index."""
    return _innermost_first(expr, _linear)


def sum_deltas(expr: Basic, within: Callable[[Basic, Basic, Basic], bool]) -> Basic:
    """Sum_{v=lo}^{hi} f(v) 1[v = x] = f(x) when ``within(x, lo, hi)`` (x lies in the range).

    SymPy's own ``doit`` answers with a Piecewise over the range (and for symbolic bounds it can
    fail inside sum_simplify); with the index ranges known the delta is resolved directly.
    """

    def rule(s: Sum) -> Basic:
        if len(s.limits) != 1:
            return s
        var, lo, hi = s.limits[0]
        if not any(var in delta.args for delta in s.function.atoms(KroneckerDelta)):
            return s
        terms = Add.make_args(sympy.expand_mul(s.function))  # not power_exp: keeps exp(Sum) whole
        if len(terms) > 1:
            return Add(*[rule(Sum(term, s.limits[0])) for term in terms])
        for factor in Mul.make_args(terms[0]):
            if isinstance(factor, KroneckerDelta) and var in factor.args:
                other = factor.args[1] if factor.args[0] == var else factor.args[0]
                if var not in other.free_symbols and within(other, lo, hi):
                    return (terms[0] / factor).xreplace({var: other})
        return s

    return _innermost_first(expr, rule)


def _within_limits(s: Sum) -> Basic:
    var, lo, hi = s.limits[0] if len(s.limits) == 1 else (None, None, None)
    if var is None or not ordered(lo, hi):
        return s
    known = {
        sympy.Le(var, hi): sympy.true,
        sympy.Ge(var, lo): sympy.true,
        sympy.Ge(hi, var): sympy.true,
        sympy.Le(lo, var): sympy.true,
    }
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
    if len(s.limits) != 1:
        return s
    var, lo, hi = s.limits[0]
    if not (lo.is_Integer and hi.is_Integer) or abs(hi - lo) > 10_000:
        return s
    values, sign = karr_range(int(lo), int(hi))
    return sign * Add(*[s.function.xreplace({var: value}) for value in values])


def expand_finite_sums(expr: Basic) -> Basic:
    """Write out every sum with numeric bounds, inner sums first (Karr's convention).

    The same value as ``doit`` for these sums, much faster on a network's nested sums: SymPy's
    Sum.doit first tries delta summation, which expands the whole body.
    """
    return _innermost_first(expr, _unroll)
