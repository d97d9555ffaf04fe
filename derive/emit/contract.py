"""Sums over indices -> reductions and contractions, never Python loops.

``Sum(f, (c, lo, hi))`` pushes c as the last axis of the scope and then, in order:

1. **merges** a sum nested as a factor (``Sum_c g_c Sum_d h_cd`` is one sum over c and d: the
   batch total of a loss that is itself a sum over the classes is one contraction);
2. **selects** with a Kronecker delta: ``Sum_d t_d delta(d, k)`` is t_k, by substitution, when
   k's range lies in d's (the index ranges the proof used); a delta inside a sum of terms is
   distributed first (``Sum_d t_d (delta(d, k) - a_k)``);
3. **factors out** what does not depend on the summed indices, and multiplies by the number
   of terms an index does not appear in;
4. **contracts** the remaining factors: one factor is a reduction (``add.reduce``); two are a
   matrix product, a dot product or an ``einsum`` (the printer picks, :mod:`derive.emit.codegen`);
   more are multiplied, the smallest pair first, down to two.
"""

from __future__ import annotations

from typing import Protocol

from sympy import Add, Basic, Expr, KroneckerDelta, Mul, Pow, Sum, Symbol

from derive.emit.graph import Domain, Graph, rename_free
from derive.emit.proofs import EmitError


class Vectorizer(Protocol):
    """What the sum rules need of the builder (:class:`derive.emit.vectorize.Vectorizer`),
    declared here so that this module does not import the one that uses it."""

    graph: Graph
    order: dict[Symbol, int]
    domains: dict[Symbol, Domain]

    def build(self, expr: Basic) -> int: ...

    def bind(self, index: Symbol, domain: Domain) -> Symbol: ...

    def push(self, label: Symbol, domain: Domain) -> None: ...

    def pop(self, label: Symbol) -> None: ...

    def axes(self, *nodes: int) -> tuple[Symbol, ...]: ...

    def ufunc(self, name: str, *args: int) -> int: ...

    def const(self, value: float | int) -> int: ...

    def product(self, nodes: list[int], coefficient: Expr = ...) -> int: ...


def reduce_sum(v: Vectorizer, total: Sum) -> int:
    """The node of ``total`` (see the module docstring)."""
    pushed: list[Symbol] = []
    try:
        summand = _bind(v, total, pushed)
        return _reduce(v, summand, list(pushed), pushed)
    finally:
        for label in pushed:
            v.pop(label)


def _bind(v: Vectorizer, total: Sum, pushed: list[Symbol]) -> Expr:
    """Push the sum's indices (renamed if already in scope); the summand in those names."""
    summand = total.function
    for index, lo, hi in total.limits:
        if (lo.free_symbols | hi.free_symbols) & set(v.order):
            raise EmitError(f"{total}: the bounds of the sum over {index} depend on an index")
        size = hi - lo + 1
        if size.is_negative:
            raise EmitError(f"{total}: the sum over {index} has reversed bounds ({lo} > {hi})")
        label = v.bind(index, Domain(lo, hi))
        summand = rename_free(summand, {index: label})
        v.push(label, Domain(lo, hi))
        pushed.append(label)
    return summand


def _reduce(v: Vectorizer, summand: Expr, labels: list[Symbol], pushed: list[Symbol]) -> int:
    summand, labels = _merged(v, summand, labels, pushed)
    summed = set(labels)
    coefficient, factors = summand.as_coeff_mul()
    inside = [f for f in factors if f.free_symbols & summed]
    outside = [f for f in factors if not f.free_symbols & summed]
    selected = _select(inside, labels, v)
    if selected is not None:
        label, value = selected
        rest = [i for i in labels if i != label]
        chosen = rename_free(Mul(*inside), {label: value})
        node = _reduce(v, chosen, rest, pushed) if rest else v.build(chosen)
    else:
        spread = _distributed(inside, labels)
        if spread is not None:
            parts = [_reduce(v, term, labels, pushed) for term in spread]
            node = parts[0]
            for part in parts[1:]:
                node = v.ufunc("add", node, part)
        else:
            nodes = [n for f in inside for n in _factor_nodes(v, f, summed)]
            node = contract(v, nodes or [v.const(1)], summed)
            for label in [i for i in labels if not _used(i, inside)]:
                node = v.product([node, v.build(v.domains[label].size)])
    if outside or coefficient != 1:
        node = v.product([node, *(v.build(f) for f in outside)], coefficient)
    return node


def _factor_nodes(v: Vectorizer, factor: Expr, summed: set[Symbol]) -> list[int]:
    """A factor's nodes: a square of a summed quantity is two factors, so that a sum of
    squares is a dot product (``numpy.vdot(r, r)``) and not a square and a reduction."""
    if isinstance(factor, Pow) and factor.exp == 2 and factor.base.free_symbols & summed:
        base = v.build(factor.base)
        return [base, base]
    return [v.build(factor)]


def _used(label: Symbol, factors: list[Expr]) -> bool:
    return any(label in f.free_symbols for f in factors)


def _merged(
    v: Vectorizer, summand: Expr, labels: list[Symbol], pushed: list[Symbol]
) -> tuple[Expr, list[Symbol]]:
    """A sum nested as a factor becomes part of this one: its indices join ``labels``."""
    while True:
        coefficient, factors = summand.as_coeff_mul()
        nested = [f for f in factors if isinstance(f, Sum)]
        if not nested:
            return summand, labels
        inner = nested[0]
        others = [f for f in factors if f is not inner]
        before = len(pushed)
        body = _bind(v, inner, pushed)
        labels = [*labels, *pushed[before:]]
        summand = coefficient * Mul(*others) * body


def _select(factors: list[Expr], labels: list[Symbol], v: Vectorizer) -> tuple[Symbol, Expr] | None:
    """(summed index, its value) from a delta factor delta(c, e) whose e lies in c's range."""
    for factor in factors:
        if not isinstance(factor, KroneckerDelta):
            continue
        for label, other in (factor.args, factor.args[::-1]):
            if label in labels and label not in other.free_symbols and _within(other, label, v):
                return label, other
    return None


def _within(value: Expr, label: Symbol, v: Vectorizer) -> bool:
    """Whether ``value`` (an index in scope, or a number) lies in ``label``'s range."""
    domain = v.domains[label]
    if value in v.order:
        inner = v.domains[value]
        low, high = inner.lo - domain.lo, domain.hi - inner.hi
    elif value.is_Integer:
        low, high = value - domain.lo, domain.hi - value
    else:
        return False
    return bool(low.is_nonnegative and high.is_nonnegative)


def _distributed(factors: list[Expr], labels: list[Symbol]) -> list[Expr] | None:
    """The terms of the product, if a sum of terms among the factors holds a delta of a
    summed index (so that each term can select); else None."""
    for n, factor in enumerate(factors):
        if isinstance(factor, Add) and any(
            set(delta.args) & set(labels) for delta in factor.atoms(KroneckerDelta)
        ):
            rest = Mul(*factors[:n], *factors[n + 1 :])
            return [term * rest for term in factor.args]
    return None


def contract(v: Vectorizer, nodes: list[int], summed: set[Symbol]) -> int:
    """The sum over ``summed`` of the product of ``nodes``."""
    while len(nodes) > 2:
        pairs = [(a, b) for n, a in enumerate(nodes) for b in nodes[n + 1 :]]
        a, b = min(pairs, key=lambda p: (len(v.axes(*p)), p))
        nodes = [n for n in nodes if n not in (a, b)] + [v.ufunc("multiply", a, b)]
    if len(nodes) == 1:
        return _reduced(v, nodes[0], summed)
    a, b = nodes
    only_a = summed & (set(v.graph[a].axes) - set(v.graph[b].axes))
    only_b = summed & (set(v.graph[b].axes) - set(v.graph[a].axes))
    a, b = _reduced(v, a, only_a), _reduced(v, b, only_b)
    shared = summed & set(v.graph[a].axes) & set(v.graph[b].axes)
    if not shared:
        return v.ufunc("multiply", a, b)
    axes = tuple(x for x in v.axes(a, b) if x not in shared)
    labels = tuple(sorted(shared, key=v.order.__getitem__))
    return v.graph.add("contract", (a, b), axes, labels)


def _reduced(v: Vectorizer, node: int, labels: set[Symbol]) -> int:
    present = tuple(sorted(labels & set(v.graph[node].axes), key=v.order.__getitem__))
    if not present:
        return node
    axes = tuple(x for x in v.graph[node].axes if x not in present)
    return v.graph.add("reduce", (node,), axes, ("add", present))
