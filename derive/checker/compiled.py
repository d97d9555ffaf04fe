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
import operator
from collections.abc import Callable, Mapping

import sympy
from sympy import Basic, Indexed, Symbol
from sympy.core.relational import Relational
from sympy.logic.boolalg import And, BooleanFalse, BooleanTrue, Not, Or

from derive.checker import balls
from derive.checker.balls import AtKink, Fraction
from derive.checker.indices import element, index_like, integer_symbols, integer_value
from derive.model.primitives import relu_prime

GUARD_BITS = 40  # working bits beyond those the digits asked for need, at first
MAX_BITS = 3400  # the precision is doubled until the result's ball is small, up to this
MAX_OPERATIONS = 200_000  # a larger unrolled program is Unsupported (SymPy's route decides)


class Unsupported(Exception):
    """The expression has a part the compiled form cannot evaluate (use SymPy's evalf)."""


class _Marker:
    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return self.name


AT_KINK = _Marker("AT_KINK")  # a kink argument's ball contains 0: evaluate exactly
INACCURATE = _Marker("INACCURATE")  # no precision up to MAX_BITS pinned the value


class _Undefined:
    """The value of an operation that failed: any use of it fails too (TypeError), so it
    spreads to the result unless a Piecewise does not choose it."""

    def __bool__(self) -> bool:
        raise TypeError("an undefined value has no truth value")


UNDEFINED = _Undefined()

_RELATIONS: dict[str, Callable[[object, object], bool]] = {
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
        self._slots: dict[tuple, int] = {}
        self._known: dict[int, Basic] = {}  # slot -> its value, for constants
        self._size = 0

    def program(self, integers: Mapping[Symbol, int]) -> Program:
        """``expr`` at ``integers`` (every integer symbol it has); raises Unsupported if a
        part has no mpmath operation."""
        return Program(self, self._slot(self.expr, dict(integers)))

    def _new(self) -> int:
        self._size += 1
        if self._size > MAX_OPERATIONS:
            raise Unsupported("the unrolled expression is too large")
        return self._size - 1

    def _operation(
        self, function: Callable[..., object], args: tuple[int, ...], kinked: bool = False
    ) -> int:
        if function is balls.add or function is balls.multiply:
            return self._fold(function, args)
        slot = self._new()
        self._operations.append((slot, function, args))
        self._arguments[slot] = args
        if kinked or function in balls.KINKED:
            self._kinked.add(slot)  # decide the kink exactly: rational inputs stay Fractions
        return slot

    def _fold(self, function: Callable[..., object], args: tuple[int, ...]) -> int:
        """A sum or product with its constant 0s (sum) and 1s (product) left out, and a
        product with a constant 0 factor is 0, as SymPy's Mul makes it."""
        neutral, absorbing = (0, None) if function is balls.add else (1, 0)
        if absorbing is not None and any(self._known.get(a) == absorbing for a in args):
            return self._constant(sympy.Integer(absorbing))
        kept = tuple(a for a in args if self._known.get(a) != neutral)
        if len(kept) <= 1:
            return kept[0] if kept else self._constant(sympy.Integer(neutral))
        slot = self._new()
        self._operations.append((slot, function, kept))
        self._arguments[slot] = kept
        return slot

    def _constant(self, value: Basic) -> int:
        key = ("constant", value)
        if key not in self._slots:
            if value.has(sympy.zoo, sympy.nan, sympy.oo, -sympy.oo):
                raise Unsupported(f"{value} is not a finite number")
            self._slots[key] = self._new()
            self._constants.append((self._slots[key], value))
            self._known[self._slots[key]] = value
        return self._slots[key]

    def _atom(self, atom: Basic) -> int:
        key = ("atom", atom)
        if key not in self._slots:
            self._slots[key] = self._new()
            self._inputs.append((self._slots[key], atom))
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
            return self._operation(balls.heaviside, self._args((e.args[0], at_zero), env))
        if isinstance(e, sympy.Piecewise):
            return self._piecewise(e, env)
        function = balls.FUNCTIONS.get(type(e))
        if function is None:
            raise Unsupported(f"cannot compile {type(e).__name__}")
        return self._operation(function, self._args(e.args, env))

    def _args(self, args: tuple[Basic, ...], env: dict[Symbol, int]) -> tuple[int, ...]:
        return tuple(self._slot(a, env) for a in args)

    def _loop(self, e: sympy.Sum | sympy.Product, env: dict[Symbol, int]) -> int:
        """A sum (product) with integer bounds, written out; limits listed first are inner."""
        combine = balls.add if isinstance(e, sympy.Sum) else balls.multiply
        empty = sympy.S.Zero if isinstance(e, sympy.Sum) else sympy.S.One

        def terms(limits: tuple, inner_env: dict[Symbol, int]) -> list[int]:
            var, lo, hi = limits[-1]
            low, high = integer_value(lo, inner_env), integer_value(hi, inner_env)
            if low is None or high is None:
                raise Unsupported(f"the bounds of {e} are not integers here")
            slots = []
            for value in range(low, high + 1):
                scope = {**inner_env, var: value}
                if len(limits) == 1:
                    slots.append(self._slot(e.function, scope))
                else:
                    slots += terms(limits[:-1], scope)
            return slots

        slots = terms(e.limits, env)
        if not slots:
            return self._constant(empty)
        return self._operation(combine, tuple(slots))

    def _condition(self, cond: Basic, env: dict[Symbol, int]) -> int:
        if isinstance(cond, (BooleanTrue, BooleanFalse)):
            return self._operation(functools.partial(bool, bool(cond)), ())
        if isinstance(cond, Relational) and cond.rel_op in _RELATIONS:
            compare = _RELATIONS[cond.rel_op]
            decided = integer_value(cond.lhs - cond.rhs, env)
            if decided is not None:
                return self._operation(functools.partial(bool, compare(decided, 0)), ())
            difference = self._slot(cond.lhs - cond.rhs, env)
            return self._operation(balls.compare(compare), (difference,), kinked=True)
        if isinstance(cond, (And, Or, Not)):
            parts = tuple(self._condition(a, env) for a in cond.args)
            combine = {And: all, Or: any, Not: lambda values: not values[0]}[type(cond)]
            return self._operation(lambda *v, f=combine: f(v), parts)
        raise Unsupported(f"cannot compile the condition {type(cond).__name__}")

    def _piecewise(self, e: sympy.Piecewise, env: dict[Symbol, int]) -> int:
        # every piece and condition is computed (straight-line); the first true one is chosen.
        # A piece that fails to evaluate where it is not chosen is not an error.
        slots = []
        for piece, cond in e.args:
            slots += [self._slot(piece, env), self._condition(cond, env)]
        return self._operation(balls.choose, tuple(slots))


class Program:
    """A compiled expression at one set of integer values: the operations its value needs.

    ``atoms`` lists the symbols and indexed elements (``z[2]``) it reads.
    """

    def __init__(self, compiler: Compiler, result: int, exact: bool | None = None) -> None:
        needed, stack = {result}, [result]
        while stack:
            for argument in compiler._arguments.get(stack.pop(), ()):
                if argument not in needed:
                    needed.add(argument)
                    stack.append(argument)
        self.result = result
        self._size = compiler._size
        self._exact = not compiler._kinked.isdisjoint(needed) if exact is None else exact
        operations = [op for op in compiler._operations if op[0] in needed]
        if not self._exact:  # no Fractions: every value is a ball
            operations = [(slot, balls.BALLS_ONLY.get(f, f), a) for slot, f, a in operations]
        self._operations = operations
        self._constants = [c for c in compiler._constants if c[0] in needed]
        inputs = [i for i in compiler._inputs if i[0] in needed]
        self._inputs = [slot for slot, _ in inputs]
        self.atoms = [atom for _, atom in inputs]

    def __call__(self, values: Mapping[Basic, Basic], digits: int) -> tuple[object, bool]:
        """``(value, kink)`` at ``values`` (atom -> exact number) to ``digits``.

        The value is an mpmath complex; None where the expression is undefined (a division by
        zero, log 0, a complex value where a real one is needed); AT_KINK where a kink argument
        may be 0; INACCURATE when no precision up to MAX_BITS pins ``digits``. ``kink`` is True
        when a kink argument was exactly 0 (the value then follows SymPy's conventions).

        The value is a ball that provably contains the true one; the precision is doubled
        until the ball is small enough, so cancellation costs time, never accuracy.
        """
        wanted = int(digits * 3.33) + 10  # bits
        bits = wanted + GUARD_BITS
        while True:
            result, kink = self._run(values, bits)
            if result is None or result is AT_KINK:
                return result, kink
            if type(result) is Fraction:  # rational arithmetic only
                return balls.as_mpmath(result, digits + 10), kink
            if balls.accurate(result, wanted, digits + 5):
                return balls.as_mpmath(result, digits + 10), kink
            if bits >= MAX_BITS:
                return (None if not result.is_finite() else INACCURATE), kink
            bits *= 2

    def _run(self, values: Mapping[Basic, Basic], bits: int) -> tuple[object, bool]:
        """The raw result at ``bits`` (a Fraction, a ball, None or AT_KINK) and the kink flag."""
        balls.touched[0] = False
        exact = self._exact
        with balls.precision(bits):
            slots: list[object] = [None] * self._size
            for slot, number in self._constants:
                slots[slot] = balls.number(number, exact, bits)
            for slot, atom in zip(self._inputs, self.atoms, strict=True):
                slots[slot] = balls.number(values[atom], exact, bits)
            try:
                for slot, function, args in self._operations:
                    try:
                        slots[slot] = function(*[slots[a] for a in args])
                    except (ValueError, ZeroDivisionError, TypeError, OverflowError):
                        slots[slot] = UNDEFINED  # fine in a piece that is not chosen
            except AtKink:
                return AT_KINK, balls.touched[0]
            result = slots[self.result]
            if result is UNDEFINED or isinstance(result, bool):
                return None, balls.touched[0]
            return result, balls.touched[0]

    def rational(self, values: Mapping[Basic, Basic]) -> Fraction | None:
        """The value at ``values`` if rational arithmetic alone computes it, else None."""
        if not self._exact:
            raise ValueError("a program for rational values must be compiled exact")
        with balls.precision(GUARD_BITS):
            slots: list[object] = [None] * self._size
            for slot, number in self._constants:
                slots[slot] = balls.number(number, True, GUARD_BITS)
            for slot, atom in zip(self._inputs, self.atoms, strict=True):
                slots[slot] = balls.number(values[atom], True, GUARD_BITS)
            try:
                for slot, function, args in self._operations:
                    slots[slot] = function(*[slots[a] for a in args])
            except (ValueError, ZeroDivisionError, TypeError, OverflowError, AtKink):
                return None
        result = slots[self.result]
        return result if type(result) is Fraction else None


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
