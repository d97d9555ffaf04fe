"""SymPy's ``doit``, cached, and a lighter one for sums whose bounds are symbols.

``Sum.doit`` with a symbolic bound tries everything SymPy knows (partial fractions, telescoping,
Gosper's algorithm, hypergeometric terms), which takes long and almost never applies to the sums
of a derivation (sums of exponentials over c = 1..K). ``light_doit`` evaluates such a sum only
by the rules that are cheap and exact: a zero or constant body, a Kronecker delta, linearity and
polynomial bodies; any other sum stays a sum (with its body evaluated), for the sum rules of the
prover. Sums with numeric bounds are written out, as ``doit`` would. Every rule holds under
Karr's convention for bounds in either order (``sums.py``): a constant body gives c (hi - lo +
1) and a polynomial one its antidifference for all integer bounds; a Kronecker delta's sum
carries the order of the bounds as a condition when it is not known.
"""

from __future__ import annotations

import functools

import sympy
from sympy import (
    Add,
    Basic,
    Derivative,
    Integer,
    Integral,
    KroneckerDelta,
    Max,
    Min,
    Mul,
    Piecewise,
    Product,
    S,
    Subs,
    Sum,
)
from sympy.concrete.delta import _has_simple_delta, deltasummation
from sympy.concrete.summations import eval_sum_symbolic

from derive.checker.sums import ordered
from derive.model.primitives import relu_prime

MAX_WRITTEN_OUT = 100  # terms of a sum with numeric bounds written out (SymPy's own threshold)


# the types whose doit does more than evaluate their arguments
_SHALLOW_DOIT = (Derivative, Subs, Integral, Product, relu_prime)


@functools.lru_cache(maxsize=512)
def evaluated_or_same(expr: Basic) -> Basic:
    """``light_doit(expr)``, or ``expr`` itself when SymPy fails (it does on some sums)."""
    try:
        return light_doit(expr)
    except Exception:
        return expr


@functools.lru_cache(maxsize=512)
def light_doit(expr: Basic) -> Basic:
    """``doit`` with the light rules for sums over symbolic bounds (see the module's doc)."""
    return _light(expr)


def _light(e: Basic) -> Basic:
    if not e.args:
        return e
    if isinstance(e, Sum):
        body = _light(e.function)
        limits = [(v, _light(lo), _light(hi)) for v, lo, hi in e.limits]
        for position, (var, lo, hi) in enumerate(limits):
            found = _sum(body, var, lo, hi)
            if found is None:
                return Sum(body, *limits[position:])
            body = found
        return body
    args = [_light(a) for a in e.args]
    if any(new is not old for new, old in zip(args, e.args, strict=True)):
        e = _rebuilt(e, args)
    return e.doit(deep=False) if isinstance(e, _SHALLOW_DOIT) else e


def _rebuilt(e: Basic, args: list[Basic]) -> Basic:
    """``e`` with new arguments. Max and Min of non-numbers are not re-evaluated: SymPy
    compares every pair of their arguments (milliseconds each for a ReLU of a layer's sum),
    and their value does not change by it."""
    if isinstance(e, (Max, Min)) and not any(a.is_number for a in args):
        return e.func(*args, evaluate=False)
    return e.func(*args)


def _delta_sum(body: Basic, var: Basic, lo: Basic, hi: Basic) -> Basic:
    """SymPy's delta summation, which reads the bounds as a plain range whatever their order
    (Sum(KroneckerDelta(i, 3), (i, a, b)).doit() is 1 where a <= 3 <= b, else 0): under Karr's
    convention that is the sum only while hi >= lo - 1, so otherwise the reversed range's
    negated sum applies, and the order becomes a condition of the result."""
    plain = deltasummation(body, (var, lo, hi))
    if ordered(lo, hi):
        return plain
    reversed_sum = -deltasummation(body, (var, hi + 1, lo - 1))
    return Piecewise((plain, sympy.Ge(hi, lo - 1)), (reversed_sum, True))


def _integer_solutions(body: Basic, var: Basic) -> bool:
    """Whether every Kronecker delta of ``var`` in ``body`` is 1 at an integer ``var``:
    SymPy's delta summation takes the solution for a value of the index whatever it is, so
    it sums [i = r] over 0..n to 1 for a real r in 0..n and [2 i = m] to 1 for an odd m,
    where the sum is 0."""
    for delta in body.atoms(KroneckerDelta):
        if var not in delta.free_symbols:
            continue
        difference = delta.args[0] - delta.args[1]
        slope = difference.diff(var)
        if slope == 0 or var in slope.free_symbols:
            return False
        if (var - difference / slope).is_integer is not True:
            return False
    return True


def _sum(body: Basic, var: Basic, lo: Basic, hi: Basic) -> Basic | None:
    """The sum of ``body`` over var = lo..hi by a light rule, or None (it stays a sum)."""
    if body is S.Zero:
        return S.Zero
    if var not in body.free_symbols:
        return body * (hi - lo + 1)
    if lo == hi:
        return body.xreplace({var: lo})
    count = hi - lo + 1
    if isinstance(count, Integer):
        if count < 0:  # Karr's convention (sums.py): minus the sum over hi + 1..lo - 1
            found = _sum(body, var, hi + 1, lo - 1)
            return None if found is None else -found
        if count == 0:
            return S.Zero
        if count <= MAX_WRITTEN_OUT:
            return _light(Add(*[body.xreplace({var: lo + n}) for n in range(int(count))]))
    if isinstance(body, Piecewise) and not any(var in c.free_symbols for _, c in body.args):
        pieces = [(_sum(piece, var, lo, hi), cond) for piece, cond in body.args]
        return None if any(p is None for p, _ in pieces) else Piecewise(*pieces)
    if body.has(KroneckerDelta) and _has_simple_delta(body, var):
        return _delta_sum(body, var, lo, hi) if _integer_solutions(body, var) else None
    if isinstance(body, Add):
        terms = [_sum(term, var, lo, hi) for term in body.args]
        return None if None in terms else Add(*terms)
    if isinstance(body, Mul):
        outside, inside = body.as_independent(var, as_Add=False)
        if outside != 1:
            found = _sum(inside, var, lo, hi)
            return None if found is None else outside * found
    if body.is_polynomial(var):
        return eval_sum_symbolic(sympy.expand(body), (var, lo, hi))
    return None


_NOT_SUMMED = (Sum, Product, sympy.hyper, sympy.Integral)  # in a result: not a closed form


def summed(expr: Basic) -> Basic:
    """Sums and products in closed form by SymPy's full ``doit`` (geometric, telescoping,
    Gosper, harmonic, rising factorials), over symbolic bounds or numeric ones too far apart
    to write out, inner ones first; one that
    has no closed form, or whose body holds a Kronecker delta or a piecewise condition on its
    index (SymPy reads those bounds as a plain range), stays as it is.

    A closed form SymPy finds this way is an antidifference F(b + 1) - F(a) (an antiproduct
    G(b + 1) / G(a)), which holds for bounds in either order under Karr's convention."""

    def rule(s: Basic) -> Basic:
        index = {var for var, *_ in s.limits}
        if s.function.has(KroneckerDelta) or any(
            cond.free_symbols & index for p in s.function.atoms(Piecewise) for _, cond in p.args
        ):
            return s
        try:
            found = s.doit()
        except Exception:  # SymPy fails on some sums: no closed form here
            return s
        return s if found.has(*_NOT_SUMMED) else found

    return expr.replace(lambda e: isinstance(e, (Sum, Product)), rule)
