"""Expressions compiled once per integer instantiation into straight-line mpmath programs.

The numeric evidence evaluates the same side of a claim, for the same integer values (sizes K,
indices k), at many points. Substituting the integers into the SymPy tree, writing its sums out
and calling ``evalf`` at every point rebuilds large trees each time. Here the tree is walked
once per integer instantiation: sums with integer bounds are unrolled, indices and Kronecker
deltas are decided, and every *distinct* subexpression becomes one operation (a softmax
denominator shared by K terms is computed once a point). A point then costs one pass over a
list of mpmath operations.

No source text is generated and nothing is executed: the operations are a fixed table of
functions (``balls.FUNCTIONS``, on exact fractions and Arb balls), so symbol names from a user's
file never reach an interpreter. An expression with a part outside the table (an unevaluated
derivative, an undefined function) is :class:`Unsupported`, and the caller falls back to SymPy.
A point where a Heaviside, Max, |x|, sign or piecewise condition may be at its kink (its
argument's ball contains 0) gives :data:`AT_KINK`: the caller evaluates that point exactly.
"""

from __future__ import annotations

import functools
import itertools
import operator
from collections.abc import Callable, Mapping

import sympy
from sympy import Basic, Indexed, Symbol
from sympy.core.relational import Relational
from sympy.logic.boolalg import (
    ITE,
    And,
    BooleanFalse,
    BooleanTrue,
    Equivalent,
    Implies,
    Not,
    Or,
    Xor,
)

from derive.checker import balls, special
from derive.checker.indices import element, index_like, integer_symbols, integer_value
from derive.checker.program import Program
from derive.checker.sums import karr_range
from derive.model.primitives import relu_prime

MAX_OPERATIONS = 200_000  # a larger unrolled program is Unsupported (SymPy's route decides)


class Unsupported(Exception):
    """The expression has a part the compiled form cannot evaluate (use SymPy's evalf)."""


# a relation's operator -> the Python comparison (on fractions or balls)
RELATIONS: dict[str, Callable[[object, object], bool]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "==": operator.eq,
    "!=": operator.ne,
}


class Compiler:
    """Compiles ``expr`` for integer values; the instances for different integer values share
    the operations that do not depend on them (a softmax denominator does not depend on k).

    >>> x = sympy.Symbol("x", real=True)
    >>> program = Compiler(sympy.exp(x) / (1 + sympy.exp(x))).program({})
    >>> value, kink = program({x: sympy.Integer(0)}, 30)
    >>> float(value.real), kink
    (0.5, False)
    """

    def __init__(self, expr: Basic) -> None:
        self.expr = expr
        self._inputs: list[tuple[int, Basic]] = []  # (slot, atom)
        self._constants: list[tuple[int, Basic]] = []  # (slot, exact number)
        self._operations: list[tuple[int, Callable[..., object], tuple[int, ...]]] = []
        self._arguments: dict[int, tuple[int, ...]] = {}  # slot -> the slots it reads
        self._kinked: set[int] = set()  # slots of operations that look at a kink
        self._inexact: set[int] = set()  # slots whose value may leave the rationals
        self._kinks: dict[int, list[tuple[Basic, tuple]]] = {}  # slot -> (argument, scope)
        self._slots: dict[tuple, int] = {}
        self._known: dict[int, Basic] = {}  # slot -> its value, for constants
        self._total: set[int] = set()  # slots whose value is defined at every point
        self._size = 0

    def program(self, integers: Mapping[Symbol, int], exact: bool | None = None) -> Program:
        """``expr`` at ``integers`` (every integer symbol it has); raises Unsupported if a
        part has no mpmath operation. ``exact=False``: balls only, for inputs that are balls
        (``Program.run``)."""
        return Program(self, self._slot(self.expr, dict(integers)), exact)

    def _new(self) -> int:
        self._size += 1
        if self._size > MAX_OPERATIONS:
            raise Unsupported("the unrolled expression is too large")
        return self._size - 1

    def _operation(
        self,
        function: Callable[..., object],
        args: tuple[int, ...],
        kinked: bool = False,
        exact: bool = False,
    ) -> int:
        if function is balls.add or function is balls.multiply:
            return self._fold(function, args)
        slot = self._new()
        self._operations.append((slot, function, args))
        self._arguments[slot] = args
        if kinked or function in balls.KINKED:
            self._kinked.add(slot)  # decide the kink exactly: rational inputs stay Fractions
        if not (
            exact or kinked or function in balls.RATIONAL or self._integer_power(function, args)
        ):
            self._inexact.add(slot)  # a transcendental function, or a fractional power
        if function in balls.TOTAL and all(a in self._total for a in args):
            self._total.add(slot)
        return slot

    def _integer_power(self, function: Callable[..., object], args: tuple[int, ...]) -> bool:
        exponent = self._known.get(args[-1]) if function is balls.power else None
        return exponent is not None and exponent.is_Integer

    def _kink(
        self, slot: int, arguments: list[Basic], env: dict[Symbol, int], convention: bool
    ) -> int:
        """Note the expressions that vanish at the kinks the operation at ``slot`` looks at
        (with the sums' indices in scope), for sampling between them (``regions.py``), and
        whether the value at such a kink is a convention (Heaviside(0), sign(0), a piecewise
        condition's < or <=)."""
        scope = tuple(sorted(env.items(), key=lambda item: sympy.default_sort_key(item[0])))
        self._kinks.setdefault(slot, []).extend((u, scope, convention) for u in arguments)
        return slot

    def _fold(self, function: Callable[..., object], args: tuple[int, ...]) -> int:
        """A sum or product with its constant 0s (sum) and 1s (product) left out, and a
        product with a constant 0 factor is 0 when its other factors are defined everywhere
        (0 times 2/0, a term of a product written out, is undefined, not 0)."""
        neutral, absorbing = (0, None) if function is balls.add else (1, 0)
        zero = absorbing is not None and any(self._known.get(a) == absorbing for a in args)
        if zero and all(a in self._total for a in args):
            return self._constant(sympy.Integer(absorbing))
        kept = tuple(a for a in args if self._known.get(a) != neutral)
        if len(kept) <= 1:
            return kept[0] if kept else self._constant(sympy.Integer(neutral))
        slot = self._new()
        self._operations.append((slot, function, kept))
        self._arguments[slot] = kept
        if all(a in self._total for a in kept):
            self._total.add(slot)
        return slot

    def _constant(self, value: Basic) -> int:
        key = ("constant", value)
        if key not in self._slots:
            if value.has(sympy.zoo, sympy.nan, sympy.oo, -sympy.oo):
                raise Unsupported(f"{value} is not a finite number")
            self._slots[key] = self._new()
            if not value.is_Rational:
                self._inexact.add(self._slots[key])
            self._constants.append((self._slots[key], value))
            self._known[self._slots[key]] = value
            self._total.add(self._slots[key])
        return self._slots[key]

    def _atom(self, atom: Basic) -> int:
        key = ("atom", atom)
        if key not in self._slots:
            self._slots[key] = self._new()
            self._inputs.append((self._slots[key], atom))
            self._total.add(self._slots[key])
        return self._slots[key]

    def _slot(self, e: Basic, env: dict[Symbol, int]) -> int:
        key = (e, tuple(env.get(s) for s in integer_symbols(e)))
        found = self._slots.get(key)
        if found is None:
            found = self._slots[key] = self._compile(e, env)
        return found

    def _compile(self, e: Basic, env: dict[Symbol, int]) -> int:
        value = integer_value(e, env) if index_like(e) else None
        if value is not None:
            return self._constant(sympy.Integer(value))
        if e.is_Number or e.is_NumberSymbol or e is sympy.I:
            return self._constant(e)
        if isinstance(e, Symbol):
            if e.is_integer:
                raise Unsupported(f"the integer symbol {e} has no value")
            return self._atom(e)
        if isinstance(e, Indexed):
            indices = tuple(integer_value(i, env) for i in e.indices)
            if None in indices:
                raise Unsupported(f"the indices of {e} are not integers here")
            return self._atom(element(e.base, indices))
        if isinstance(e, sympy.KroneckerDelta):
            i, j = (integer_value(a, env) for a in e.args[:2])
            if i is None or j is None:
                raise Unsupported(f"{e} is not decided by the integers")
            return self._constant(sympy.Integer(int(i == j)))
        if isinstance(e, (sympy.Sum, sympy.Product)):
            return self._loop(e, env)
        if isinstance(e, (sympy.Heaviside, relu_prime)):
            at_zero = e.args[1] if len(e.args) > 1 else sympy.S.Half
            slot = self._operation(balls.heaviside, self._args((e.args[0], at_zero), env))
            return self._kink(slot, [e.args[0]], env, convention=True)
        if isinstance(e, sympy.Piecewise):
            return self._piecewise(e, env)
        function = balls.FUNCTIONS.get(type(e)) or special.FUNCTIONS.get(type(e))
        if function is None:
            raise Unsupported(f"cannot compile {type(e).__name__}")
        slot = self._operation(function, self._args(e.args, env))
        if function in balls.KINKED:
            pairs = itertools.combinations(e.args, 2)
            kinks = [a - b for a, b in pairs] if len(e.args) > 1 else [e.args[0]]
            self._kink(slot, kinks, env, convention=function is balls.sign)
        return slot

    def _args(self, args: tuple[Basic, ...], env: dict[Symbol, int]) -> tuple[int, ...]:
        return tuple(self._slot(a, env) for a in args)

    def _loop(self, e: sympy.Sum | sympy.Product, env: dict[Symbol, int]) -> int:
        """A sum (product) with integer bounds, written out; limits listed first are inner.
        Bounds in reverse order follow Karr's convention (``sums.karr_range``): the terms of
        hi + 1..lo - 1 negated (a product's: inverted)."""
        is_sum = isinstance(e, sympy.Sum)
        combine = balls.add if is_sum else balls.multiply
        minus_one = self._constant(sympy.S.NegativeOne)

        def flipped(slot: int) -> int:
            if is_sum:
                return self._operation(balls.multiply, (minus_one, slot))
            return self._operation(balls.power, (slot, minus_one))

        def terms(limits: tuple, inner_env: dict[Symbol, int]) -> list[int]:
            var, lo, hi = limits[-1]
            low, high = integer_value(lo, inner_env), integer_value(hi, inner_env)
            if low is None or high is None:
                raise Unsupported(f"the bounds of {e} are not integers here")
            values, sign = karr_range(low, high)
            slots = []
            for value in values:
                scope = {**inner_env, var: value}
                if not var.is_integer:  # Sum(x, (x, 5, 2)) with a real x: the value goes in
                    inner = e.func(e.function, *limits[:-1]) if len(limits) > 1 else e.function
                    slots.append(self._slot(inner.xreplace({var: sympy.Integer(value)}), inner_env))
                elif len(limits) == 1:
                    slots.append(self._slot(e.function, scope))
                else:
                    slots += terms(limits[:-1], scope)
            if sign > 0 or not slots:
                return slots
            return [flipped(self._operation(combine, tuple(slots)))]

        slots = terms(e.limits, env)
        if not slots:
            return self._constant(sympy.S.Zero if is_sum else sympy.S.One)
        return self._operation(combine, tuple(slots))

    def _condition(self, cond: Basic, env: dict[Symbol, int]) -> int:
        if isinstance(cond, (BooleanTrue, BooleanFalse)):
            return self._operation(functools.partial(bool, bool(cond)), (), exact=True)
        if isinstance(cond, Relational) and cond.rel_op in RELATIONS:
            compare = RELATIONS[cond.rel_op]
            decided = integer_value(cond.lhs - cond.rhs, env)
            if decided is not None:
                return self._operation(functools.partial(bool, compare(decided, 0)), (), exact=True)
            difference = self._slot(cond.lhs - cond.rhs, env)
            slot = self._operation(balls.compare(compare), (difference,), kinked=True)
            return self._kink(slot, [cond.lhs - cond.rhs], env, convention=True)
        if isinstance(cond, (ITE, Xor, Implies, Equivalent)):  # as And, Or and Not
            return self._condition(cond.to_nnf(), env)
        if isinstance(cond, (And, Or, Not)):
            parts = tuple(self._condition(a, env) for a in cond.args)
            combine = {And: all, Or: any, Not: lambda values: not values[0]}[type(cond)]
            return self._operation(lambda *v, f=combine: f(v), parts, exact=True)
        raise Unsupported(f"cannot compile the condition {type(cond).__name__}")

    def _piecewise(self, e: sympy.Piecewise, env: dict[Symbol, int]) -> int:
        # every piece and condition is computed (straight-line); the first true one is chosen.
        # A piece that fails to evaluate where it is not chosen is not an error.
        slots = []
        for piece, cond in e.args:
            slots += [self._slot(piece, env), self._condition(cond, env)]
        return self._operation(balls.choose, tuple(slots))


@functools.lru_cache(maxsize=1024)
def _rational_program(expr: Basic) -> Program | None:
    try:
        compiler = Compiler(expr)
        return Program(compiler, compiler._slot(expr, {}), exact=True)
    except (Unsupported, RecursionError):
        return None


def rational_value(expr: Basic, values: Mapping[Basic, Basic]) -> sympy.Rational | None:
    """``expr`` at ``values`` exactly, as a SymPy Rational, when rational arithmetic alone
    computes it (a solved target t_K = 1 - t_1 - ... - t_{K-1}); None otherwise."""
    program = _rational_program(expr)
    if program is None or not all(atom in values for atom in program.atoms):
        return None
    found = program.rational(values)
    return None if found is None else sympy.Rational(found.numerator, found.denominator)
