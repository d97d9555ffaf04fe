"""A proved expression over indexed symbols -> a graph of whole-array operations.

The expression talks about one entry (``(sigma(z) - t) x_j``); the graph computes every entry at
once. An indexed symbol ``x[j]`` is the argument array ``x`` with its dimension named j; a free
index is an axis of the result; a sum over an index is a reduction or a contraction
(:mod:`derive.emit.contract`); a Kronecker delta inside a sum selects (it never becomes an
identity matrix); ``Piecewise``, ``Max``, ``Heaviside`` become ``where``, ``maximum`` and
``heaviside`` with the value at 0 that the expression itself carries (SymPy's Heaviside(0) =
1/2, the proof's convention; ``relu'`` documents 0). The rules are tables: one entry per SymPy
type or function. Whatever has no rule is refused with :class:`EmitError`, never guessed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import sympy
from sympy import (
    Add,
    Basic,
    Expr,
    Heaviside,
    Indexed,
    KroneckerDelta,
    Max,
    Min,
    Mul,
    Piecewise,
    Pow,
    Rational,
    Sum,
    Symbol,
)

from derive.emit import markers
from derive.emit.contract import reduce_sum
from derive.emit.graph import BOOLEAN, Domain, Graph, bound_by_depth, rename_free, union_axes
from derive.emit.proofs import EmitError
from derive.emit.ufuncs import COMPOSITE, CONSTANTS, RELATIONS, UNARY
from derive.model.primitives import relu_prime


@dataclass(frozen=True)
class Argument:
    """One parameter of a generated function.

    Attributes:
        symbol: the SymPy ``Symbol`` (a scalar) or ``IndexedBase`` (an array) it stands for.
        name: the Python identifier.
        batched: True for per-example data: its first dimension is the batch axis (written
            explicitly in the expression: the result's ``x[j]`` is built as ``x[b, j]``).
        domains: per dimension, the range of its index (sets its size and offset).
    """

    symbol: Basic
    name: str
    batched: bool
    domains: tuple[Domain, ...] = ()


class Vectorizer:
    """Builds graph nodes for expressions in a scope of named axes (see the module docstring).

    Args:
        graph: where the nodes go.
        arguments: the function's parameters.
        sizes: size symbol -> the variable that holds it (read from the shapes).
        scope: the function's own axes, in order: the batch axis, then the free indices.
        first: an axis that comes before every other whenever it is in scope (the batch: data
            arrays hold it first, whether the result keeps it or sums over it).
    """

    def __init__(
        self,
        graph: Graph,
        arguments: Sequence[Argument],
        sizes: Mapping[Symbol, str],
        scope: Sequence[tuple[Symbol, Domain]],
        first: Symbol | None = None,
    ) -> None:
        self.graph = graph
        self.arguments = {argument.symbol: argument for argument in arguments}
        self.sizes = dict(sizes)
        self.first = first
        self.order: dict[Symbol, int] = {}
        self.domains: dict[Symbol, Domain] = {}
        self._memo: dict[tuple, tuple[int, tuple[Symbol, ...]]] = {}
        self._fresh = 0
        for label, domain in scope:
            self.push(label, domain)

    # ---- scope -------------------------------------------------------------------------

    def push(self, label: Symbol, domain: Domain) -> None:
        self.order[label] = -1 if label == self.first else len(self.order)
        self.domains[label] = domain

    def pop(self, label: Symbol) -> None:
        del self.order[label]

    def bind(self, index: Symbol, domain: Domain) -> Symbol:
        """A label for a summation index over ``domain``: itself, or a fresh one if it is
        already in scope or was bound over another range before (a label means one range to
        the printer: two sums over j in 1..n and j in 1..m are two labels)."""
        if index not in self.order and self.domains.get(index, domain) == domain:
            return index
        self._fresh += 1
        return Symbol(f"{index.name}_{self._fresh}", **index.assumptions0)

    def axes(self, *nodes: int) -> tuple[Symbol, ...]:
        return union_axes(self.order, *(self.graph[n].axes for n in nodes))

    # ---- nodes -------------------------------------------------------------------------

    def ufunc(self, name: str, *args: int) -> int:
        return self.graph.add("ufunc", args, self.axes(*args), name, name in BOOLEAN)

    def const(self, value: float | int) -> int:
        return self.graph.add("const", (), (), value)

    def build(self, expr: Basic) -> int:
        """The node computing ``expr`` over the axes of its free indices (memoized up to the
        names of those indices, so z[k] and z[c] share their work)."""
        labels = sorted((s for s in expr.free_symbols if s in self.order), key=self.order.get)
        canonical = {
            label: Symbol(f"_axis{n}", **label.assumptions0) for n, label in enumerate(labels)
        }
        shape = bound_by_depth(rename_free(expr, canonical))  # sums nested anywhere match
        key = (shape, tuple(self.domains[label] for label in labels))
        found = self._memo.get(key)
        if found is None:
            node = self._build(expr)
            self._memo[key] = (node, tuple(labels))
            return node
        node, built = found
        if built == tuple(labels):
            return node
        rename = dict(zip(built, labels, strict=True))
        axes = tuple(rename[axis] for axis in self.graph[node].axes)
        owner = self.graph[node]
        return self.graph.add("relabel", (node,), axes, None, owner.boolean)

    def _build(self, expr: Basic) -> int:
        for kind, rule in RULES:
            if isinstance(expr, kind):
                return rule(self, expr)
        if isinstance(expr, sympy.Derivative):
            raise EmitError(f"an unevaluated derivative is left in the result: {expr}")
        if isinstance(expr, sympy.core.function.AppliedUndef):
            raise EmitError(f"the function {expr.func} has no definition to compute it from")
        raise EmitError(f"no NumPy rule for {type(expr).__name__}: {expr}")

    # ---- rules -------------------------------------------------------------------------

    def number(self, expr: Expr) -> int:
        if expr in CONSTANTS:
            return self.const(CONSTANTS[expr])
        if expr.is_Integer:
            return self.const(int(expr))
        if expr.is_Rational or expr.is_Float:
            return self.const(float(expr))
        raise EmitError(f"the constant {expr} is not a real number NumPy can hold")

    def symbol(self, expr: Symbol) -> int:
        if expr in self.order:
            return self.graph.add("index", (), (expr,), expr)
        if expr in self.sizes:
            return self.graph.add("size", (), (), self.sizes[expr])
        argument = self.arguments.get(expr)
        if argument is None:
            raise EmitError(f"the symbol {expr} is not an argument of the function")
        return self.graph.add("scalar", (), (), argument.name)

    def indexed(self, expr: Indexed) -> int:
        argument = self.arguments.get(expr.base)
        if argument is None:
            raise EmitError(f"the array {expr.base} is not an argument of the function")
        dims: list[Symbol | int] = []
        for index, domain in zip(expr.indices, argument.domains, strict=True):
            if index in self.order:
                dims.append(index)
            elif index.is_Integer and (index - domain.lo).is_nonnegative:
                dims.append(int(index - domain.lo))  # a fixed entry, x[1]
            else:
                raise EmitError(f"{expr}: the subscript {index} is not a declared index")
        labels = [d for d in dims if isinstance(d, Symbol)]
        if len(set(labels)) != len(labels):
            raise EmitError(f"{expr}: an index repeated in one entry (a diagonal) has no rule")
        axes = tuple(sorted(labels, key=self.order.get))
        return self.graph.add("take", (), axes, (argument.name, tuple(dims)))

    def add(self, expr: Add) -> int:
        shifts = [t for t in expr.args if _is_shift(t)]
        if shifts and len(shifts) < len(expr.args):
            # g - max_c g (- log s): compute g as it is everywhere else (the max was taken of
            # it), then shift it once by the per-example total of the shifts
            rest = self.build(Add(*(t for t in expr.args if t not in shifts)))
            total = Add(*shifts)
            if all(_negative(t) for t in shifts):
                return self.ufunc("subtract", rest, self.build(-total))
            return self.ufunc("add", rest, self.build(total))
        terms = [
            (self.build(-term), True) if _negative(term) else (self.build(term), False)
            for term in expr.args
        ]
        # scalars first; a term that is added before one that is subtracted (a - b, not -b + a)
        terms.sort(key=lambda t: (len(self.graph[t[0]].axes), t[1]))
        (node, negated), *rest_terms = terms
        if negated:
            node = self.ufunc("negative", node)
        for other, minus in rest_terms:
            node = self.ufunc("subtract" if minus else "add", node, other)
        return node

    def mul(self, expr: Mul) -> int:
        coefficient, factors = expr.as_coeff_mul()
        numerator = [self.build(f) for f in factors if not _reciprocal(f)]
        denominator = [self.build(1 / f) for f in factors if _reciprocal(f)]
        node = self.product(numerator, coefficient) if numerator else self.number(coefficient)
        if denominator:
            node = self.ufunc("divide", node, self.product(denominator))
        return node

    def product(self, nodes: list[int], coefficient: Expr = sympy.S.One) -> int:
        """Multiply the smallest operands first (scalars meet scalars before any array); a
        coefficient goes onto the smallest."""
        nodes = sorted(nodes, key=lambda n: (len(self.graph[n].axes), n))
        node, *rest = nodes
        if coefficient == -1:
            node = self.ufunc("negative", node)
        elif coefficient != 1:
            node = self.ufunc("multiply", self.number(coefficient), node)
        for other in rest:
            node = self.ufunc("multiply", node, other)
        return node

    def power(self, expr: Pow) -> int:
        base, exponent = expr.args
        if exponent == -1:
            return self.ufunc("divide", self.const(1.0), self.build(base))
        if exponent == 2:
            return self.ufunc("square", self.build(base))
        if exponent == Rational(1, 2):
            return self.ufunc("sqrt", self.build(base))
        if exponent.is_Number and exponent < 0:
            return self.ufunc("divide", self.const(1.0), self.build(base**-exponent))
        if base == sympy.E:
            return self.ufunc("exp", self.build(exponent))
        if exponent.is_Integer and 2 < exponent <= 8:
            # repeated squaring: NumPy's power with an integer exponent is about 15 times
            # slower than the products (x^3 = x^2 x, x^4 = (x^2)^2, ...)
            return self._integer_power(self.build(base), int(exponent))
        return self.ufunc("power", self.build(base), self.build(exponent))

    def _integer_power(self, node: int, n: int) -> int:
        if n == 1:
            return node
        half = self._integer_power(node, n // 2)
        square = self.ufunc("square", half)
        return self.ufunc("multiply", square, node) if n % 2 else square

    def function(self, expr: sympy.Function) -> int:
        name = UNARY[type(expr)]
        if name == "sigmoid" and _negative(expr.args[0]):
            # sigmoid(-x) = 1 - sigmoid(x) shares tanh(x/2) with sigmoid(x) (tanh is odd)
            half = self.ufunc("multiply", self.build(-expr.args[0]), self.const(0.5))
            scaled = self.ufunc("multiply", self.ufunc("tanh", half), self.const(0.5))
            return self.ufunc("subtract", self.const(0.5), scaled)
        argument = self.build(expr.args[0])
        composite = COMPOSITE.get(name)
        return composite(self, argument) if composite else self.ufunc(name, argument)

    def extremum(self, expr: Max | Min) -> int:
        name = "maximum" if isinstance(expr, Max) else "minimum"
        nodes = sorted(self.build(a) for a in expr.args)
        node, *rest = nodes
        for other in rest:
            node = self.ufunc(name, node, other)
        return node

    def heaviside(self, expr: Heaviside) -> int:
        at_zero = expr.args[1] if len(expr.args) > 1 else Rational(1, 2)
        return self.ufunc("heaviside", self.build(expr.args[0]), self.number(at_zero))

    def relu_prime(self, expr: relu_prime) -> int:
        # relu'(0) is 0 by the primitive's documented convention (numeric uses it too)
        return self.ufunc("heaviside", self.build(expr.args[0]), self.const(0.0))

    def relation(self, expr: Basic) -> int:
        name = RELATIONS[type(expr)]
        nodes = [self.build(a) for a in expr.args]
        node, *rest = nodes
        for other in rest:
            node = self.ufunc(name, node, other)
        return node

    def negation(self, expr: sympy.Not) -> int:
        return self.ufunc("logical_not", self.build(expr.args[0]))

    def piecewise(self, expr: Piecewise) -> int:
        *pieces, (last, condition) = expr.args
        if condition != sympy.true:
            raise EmitError(f"{expr}: a Piecewise without an 'otherwise' piece has no value there")
        node = self.build(last)
        for value, condition in reversed(pieces):
            branches = (self.build(condition), self.build(value), node)
            node = self.graph.add("where", branches, self.axes(*branches))
        return node

    def delta(self, expr: KroneckerDelta) -> int:
        return self.ufunc("equal", self.build(expr.args[0]), self.build(expr.args[1]))

    def total(self, expr: Sum) -> int:
        return reduce_sum(self, expr)

    def row_max(self, expr: markers.RowMax) -> int:
        """max_c g of ``Sum(exp(g), (c, lo, hi))``: one maximum reduction (of ``e^a + e^b``:
        max(a, b), elementwise)."""
        total = expr.args[0]
        if isinstance(total, Add):
            return self.build(Max(*(term.args[0] for term in total.args), evaluate=False))
        labels, exponent = self.bound(total)
        try:
            node = self.build(exponent)
            present = tuple(label for label in labels if label in self.graph[node].axes)
            if present:
                axes = tuple(a for a in self.graph[node].axes if a not in present)
                node = self.graph.add("reduce", (node,), axes, ("maximum", present))
        finally:
            for label in labels:
                self.pop(label)
        return node

    def bound(self, total: Sum) -> tuple[list[Symbol], Expr]:
        """Push a sum's indices into the scope (renamed if taken); its summand's exponent."""
        summand, labels = total.function, []
        for index, lo, hi in total.limits:
            label = self.bind(index, Domain(lo, hi))
            summand = rename_free(summand, {index: label})
            self.push(label, Domain(lo, hi))
            labels.append(label)
        if not isinstance(summand, sympy.exp):
            raise EmitError(f"not a sum of exponentials: {total}")
        return labels, summand.args[0]


def _is_shift(term: Expr) -> bool:
    """max_c g or log sum_c e^{g_c - max_c g} (times a number): a log-sum-exp's parts."""
    part = term.as_coeff_Mul()[1]
    return isinstance(part, markers.RowMax) or (
        isinstance(part, sympy.log) and part.has(markers.RowMax)
    )


def _negative(term: Expr) -> bool:
    return bool(term.as_coeff_Mul()[0].is_negative)


def _reciprocal(factor: Expr) -> bool:
    return isinstance(factor, Pow) and factor.exp.is_Number and factor.exp < 0


# (SymPy type, rule), tried in order: the first that matches builds the node
RULES: tuple[tuple[type, Callable[[Vectorizer, Basic], int]], ...] = (
    (sympy.Number, Vectorizer.number),
    (sympy.NumberSymbol, Vectorizer.number),
    (Symbol, Vectorizer.symbol),
    (Indexed, Vectorizer.indexed),
    (Add, Vectorizer.add),
    (Mul, Vectorizer.mul),
    (Pow, Vectorizer.power),
    (Sum, Vectorizer.total),
    (markers.RowMax, Vectorizer.row_max),
    (relu_prime, Vectorizer.relu_prime),
    (Heaviside, Vectorizer.heaviside),
    (Max, Vectorizer.extremum),
    (Min, Vectorizer.extremum),
    (Piecewise, Vectorizer.piecewise),
    (KroneckerDelta, Vectorizer.delta),
    (sympy.Not, Vectorizer.negation),
    (sympy.core.relational.Relational, Vectorizer.relation),
    (sympy.And, Vectorizer.relation),
    (sympy.Or, Vectorizer.relation),
    *((function, Vectorizer.function) for function in UNARY),
)
