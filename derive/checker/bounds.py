"""Sums of one body over ranges a few terms apart: the difference written out as those terms.

With F an antidifference of f (F(i + 1) - F(i) = f(i)), Karr's convention, which is the
checker's meaning of every sum (docs/limits.md), makes ``Σ_{i=a}^{b} f(i) = F(b + 1) - F(a)``
for all integers a and b, in either order. Hence, for every order of every bound,

    Σ_{a'}^{b'} f - Σ_{a}^{b} f = Σ_{b+1}^{b'} f + Σ_{a'}^{a-1} f,

and when b' - b and a - a' are small integers the right side is a few terms, written out by
``karr_range`` (a negative count negates the terms of the gap). That is how a derivation
peels a term off a sum (Σ_{c=1}^{K} z_c = Σ_{c=1}^{K-1} z_c + z_K) with symbolic K.

An index shift ``Σ_{i=a}^{b} f(i + s) = Σ_{i=a+s}^{b+s} f(i)`` also holds in every order; a sum
whose arrays are all read at i + s for one integer s is shifted so that they are read at i
(Σ_i (w_{i+1} - w_i) becomes Σ_{2}^{N+1} w_i - Σ_{1}^{N} w_i, a telescoping sum's two ends).
"""

from __future__ import annotations

import sympy
from sympy import Add, Basic, Indexed, Mul, S, Sum

from derive.checker.sums import karr_range, pull_out_of_sums

MAX_TERMS = 8  # terms written out for one pair of bounds, at most
# one plain integer index for every sum compared: the sum's own index may carry a sign that
# a shifted range does not keep (c positive, read from 0 after the shift), and sums that
# differ only in the index's name are one body. A fixed index keeps the order of sorting.
INDEX = sympy.Dummy("i", integer=True, dummy_index=7 * 10**9)


def _normalized(s: Sum) -> Sum:
    """The sum over INDEX, re-indexed so that its arrays are read at the index itself when
    every array reads it at the index plus one integer s."""
    var, lo, hi = s.limits[0]
    offsets = set()
    for element in s.function.atoms(Indexed):
        for index in element.indices:
            if index.has(var):
                offsets.add(sympy.expand(index - var))
    offset = offsets.pop() if len(offsets) == 1 else S.Zero
    if not offset.is_Integer:
        offset = S.Zero
    body = s.function.xreplace({var: INDEX - offset})
    return Sum(body, (INDEX, lo + offset, hi + offset))


def _written(body: Basic, lo: Basic, hi: Basic) -> Basic | None:
    """Σ_{INDEX=lo}^{hi} body written out, when hi - lo is a small integer (Karr's
    convention)."""
    count = sympy.expand(hi - lo)
    if not count.is_Integer or abs(count) > MAX_TERMS:
        return None
    values, sign = karr_range(0, int(count))
    return sign * Add(*[body.xreplace({INDEX: lo + v}) for v in values])


def _split(term: Basic) -> tuple[Basic, Sum] | None:
    """(coefficient, sum) of a term that is a product with one single-index sum."""
    factors = Mul.make_args(term)
    sums = [f for f in factors if isinstance(f, Sum) and len(f.limits) == 1]
    if len(sums) != 1 or sums[0].function.has(INDEX):
        return None
    (found,) = sums
    return Mul(*[f for f in factors if f is not found]), found


def _difference(s: Sum, base: Sum) -> Basic | None:
    """s - base for two normalized sums of one body, as the terms between their bounds."""
    (_, lo, hi), (_, base_lo, base_hi) = s.limits[0], base.limits[0]
    upper = _written(s.function, base_hi + 1, hi)
    lower = _written(s.function, lo, base_lo - 1)
    return None if upper is None or lower is None else upper + lower


def _combined(members: list[tuple[Basic, Sum, Sum]]) -> list[Basic]:
    """The terms of one body's sums: those a few terms from the first one written as that
    one and the terms between; the others as they were."""
    base, total, terms, joined = members[0][2], S.Zero, [], False
    for coefficient, original, normal in members:
        gap = S.Zero if normal is base else _difference(normal, base)
        if gap is None:
            terms.append(coefficient * original)
        else:
            joined = joined or normal is not base
            total += coefficient
            terms.append(coefficient * gap)
    if not joined:
        return [c * original for c, original, _ in members]
    return [*terms, total * base]


def combine_bounds(expr: Basic) -> Basic:
    """``expr`` with the sums of one body over nearby ranges written as one sum and the terms
    between their bounds (see the module's doc); the others as they are."""
    groups: dict[Basic, list[tuple[Basic, Sum, Sum]]] = {}
    rest = []
    for term in Add.make_args(sympy.expand(pull_out_of_sums(expr))):
        found = _split(term)
        if found is None:
            rest.append(term)
            continue
        coefficient, s = found
        normal = _normalized(s)
        groups.setdefault(normal.function, []).append((coefficient, s, normal))
    if not any(len(members) > 1 for members in groups.values()):
        return expr
    for key in sorted(groups, key=sympy.default_sort_key):
        members = sorted(groups[key], key=lambda m: sympy.default_sort_key(m[2]))
        rest += _combined(members)
    return Add(*rest)
