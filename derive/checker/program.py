"""A compiled expression at one set of integer values, and the values it computes.

``compiled.Compiler`` turns a SymPy tree into operations (one per distinct subexpression); a
:class:`Program` is the part of them one value needs. It runs them in ball arithmetic
(``balls.py``): exact Fractions while only rational arithmetic made a value, otherwise Arb
balls that provably contain the true values, the precision raised until the result is pinned.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from fractions import Fraction
from typing import Protocol

import sympy
from flint import acb
from sympy import Basic

from derive.checker import balls
from derive.checker.balls import AtKink
from derive.checker.sums import expand_finite_sums


class Compiled(Protocol):
    """The tables ``compiled.Compiler`` fills, which a program reads (slots are integers)."""

    _size: int
    _operations: list[tuple[int, Callable[..., object], tuple[int, ...]]]
    _arguments: dict[int, tuple[int, ...]]  # slot -> the slots it reads
    _constants: list[tuple[int, Basic]]  # (slot, exact number)
    _inputs: list[tuple[int, Basic]]  # (slot, atom)
    _kinked: set[int]  # slots of operations that look at a kink
    _inexact: set[int]  # slots whose value may leave the rationals
    _kinks: dict[int, list[tuple[Basic, tuple, bool]]]  # slot -> (argument, scope, convention)


GUARD_BITS = 40  # working bits beyond those the digits asked for need, at first
MAX_BITS = 3400  # the precision is doubled until the result's ball is small, up to this


class _Marker:
    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return self.name


AT_KINK = _Marker("AT_KINK")  # a kink argument's ball contains 0: evaluate exactly
INACCURATE = _Marker("INACCURATE")  # no precision up to MAX_BITS pinned the value


class _Undefined:
    """The value of an operation that failed (0/0, log 0, a pole): every operation that reads
    it is undefined too, so it spreads to the result unless a Piecewise does not choose it,
    and the point is then unusable (never an error that stops the sampling)."""

    def __bool__(self) -> bool:
        raise TypeError("an undefined value has no truth value")


UNDEFINED = _Undefined()


class Program:
    """A compiled expression at one set of integer values: the operations its value needs.

    ``atoms`` lists the symbols and indexed elements (``z[2]``) it reads.
    """

    def __init__(self, compiler: Compiled, result: int, exact: bool | None = None) -> None:
        needed, stack = {result}, [result]
        while stack:
            for argument in compiler._arguments.get(stack.pop(), ()):
                if argument not in needed:
                    needed.add(argument)
                    stack.append(argument)
        self.result = result
        self._size = compiler._size
        # at rational points a rational program's value is an exact Fraction
        self.is_rational = compiler._inexact.isdisjoint(needed)
        kinked = not compiler._kinked.isdisjoint(needed)
        self._exact = (kinked or self.is_rational) if exact is None else exact
        self._kinks = [found for slot in sorted(needed) for found in compiler._kinks.get(slot, ())]
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
        """
        result, kink = self.enclosure(values, digits)
        if result is None or result is AT_KINK or result is INACCURATE:
            return result, kink
        return balls.as_mpmath(result, digits + 10), kink

    def enclosure(self, values: Mapping[Basic, Basic], digits: int) -> tuple[object, bool]:
        """Like calling the program, but the value is the exact Fraction (a rational program
        at a rational point) or the ball itself, which provably contains the true value: the
        precision is doubled until the ball pins ``digits``, so cancellation costs time, never
        accuracy."""
        wanted = int(digits * 3.33) + 10  # bits
        bits = wanted + GUARD_BITS
        while True:
            result, kink = self.run(values, bits)
            if result is None or result is AT_KINK or type(result) is Fraction:
                return result, kink
            if balls.accurate(result, wanted, digits + 5):
                return result, kink
            if bits >= MAX_BITS:
                return (None if not result.is_finite() else INACCURATE), kink
            bits *= 2

    def kink_arguments(self) -> dict[Basic, bool]:
        """Expressions that vanish at the kinks the value looks at (Heaviside, Max, |x|,
        sign, piecewise conditions), the sums' indices substituted, each with whether the
        value at its zero is a convention (Heaviside(0) = 1/2, not Max's continuity)."""
        found: dict[Basic, bool] = {}
        for u, scope, convention in self._kinks:
            u = u.xreplace({s: sympy.Integer(v) for s, v in scope}) if scope else u
            u = expand_finite_sums(u) if u.has(sympy.Sum) else u
            found[u] = found.get(u, False) or convention
        return found

    def run(self, values: Mapping[Basic, Basic], bits: int) -> tuple[object, bool]:
        """The raw result at ``bits`` (a Fraction, a ball, None or AT_KINK) and the kink flag.
        A value may be a ball (``acb``) instead of a number: the result then encloses every
        value the expression takes over those inputs (compile with ``exact=False``)."""
        balls.touched[0] = False
        exact = self._exact
        with balls.precision(bits):
            slots: list[object] = [None] * self._size
            for slot, number in self._constants:
                slots[slot] = balls.number(number, exact, bits)
            for slot, atom in zip(self._inputs, self.atoms, strict=True):
                value = values[atom]  # an exact number, or a ball (an interval of inputs)
                slots[slot] = value if isinstance(value, acb) else balls.number(value, exact, bits)
            undefined = False  # whether a value is UNDEFINED yet (then each operation looks)
            try:
                for slot, function, args in self._operations:
                    arguments = [slots[a] for a in args]
                    if (
                        undefined
                        and function is not balls.choose
                        and any(a is UNDEFINED for a in arguments)
                    ):
                        slots[slot] = UNDEFINED  # an undefined argument: undefined too
                        continue
                    try:
                        slots[slot] = function(*arguments)
                    except (ValueError, ZeroDivisionError, TypeError, OverflowError):
                        slots[slot] = UNDEFINED  # fine in a piece that is not chosen
                        undefined = True
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
