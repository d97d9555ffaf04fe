"""Certified refutations: at an exact point, interval arithmetic shows ``lhs - rhs != 0``.

A counterexample is a point with exact coordinates (integers, rationals, Gaussian rationals).
To certify it, each side is built anew by SymPy at the point's integer values (sums written
out, derivatives taken: the same fresh instance the search never used), compiled into ball
operations, and evaluated in Arb's ball arithmetic at the exact point: every ball provably
contains the true value, and rational arithmetic stays exact Fractions. When the enclosure of
``lhs - rhs`` excludes 0 the sides differ, whatever the size of the difference; the precision
is doubled from ``START_BITS`` until it does, up to ``MAX_BITS``. The point must also satisfy
the symbols' domains and the assumptions, decided the same way (exactly, or by balls).

A side with a part Arb cannot enclose (a function outside ``balls.FUNCTIONS``, a constant it
does not know) cannot be certified: the verdict is then "refuted" only on the 50-digit
confirmation by SymPy's evalf, says so in its method, and has ``certified`` False
(docs/limits.md, "Certified refutations").
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal, localcontext
from fractions import Fraction

import sympy
from flint import acb
from sympy import Basic
from sympy.core.assumptions import check_assumptions

from derive.checker import balls
from derive.checker.algebraic import exact_number, is_zero_exactly
from derive.checker.compiled import RELATIONS, Compiler, Unsupported
from derive.checker.instances import fresh_instance
from derive.checker.program import AT_KINK, Program

START_BITS = 64
MAX_BITS = 8192  # a difference below about 2**-8000 of the sides' size is not certified


@dataclass(frozen=True)
class Certificate:
    """What interval arithmetic said about a counterexample.

    Attributes:
        differ: True when certified (the enclosure of lhs - rhs excludes 0), False when the
            balls show no difference there (the sides are equal, or no precision up to
            MAX_BITS separates them), None when interval arithmetic could not judge it.
        lower: |lhs - rhs| is at least this (text, rounded down), when certified.
        lhs, rhs: the sides' values (ball midpoints), when certified.
        reason: why it is not certified, otherwise.
        outside: the point is not shown to be in its symbols' domains (an odd n at 0): it is
            no point the claim is about, so no counterexample, certified or not.
    """

    differ: bool | None
    lower: str = ""
    lhs: complex | None = None
    rhs: complex | None = None
    gap: float = 0.0
    reason: str = ""
    outside: bool = False


def certify(
    sides: tuple[Basic, Basic],
    integers: Mapping[Basic, Basic],
    values: Mapping[Basic, Basic],
    relations: Sequence[Basic],
) -> Certificate:
    """Certify that the sides differ at the point ``integers`` + ``values``.

    Args:
        sides: the claim's (lhs, rhs) of one entry, as given (sums and sizes symbolic).
        integers: the integer symbols' values (sizes, indices).
        values: the other atoms' exact values.
        relations: the assumptions, instantiated at ``integers``, the point must satisfy.

    Returns:
        A :class:`Certificate` (never raises for odd input: SymPy's failures are reasons).
    """
    outside = _outside_domain({**integers, **values})
    if outside:
        return Certificate(None, reason=f"{outside} is not shown to be in its domain", outside=True)
    try:
        programs, inputs = _programs(sides, integers, values)
    except (Unsupported, RecursionError) as error:
        return Certificate(None, reason=f"no interval enclosure: {error}")
    if programs is None:
        return Certificate(None, reason="SymPy could not build the sides at the point")
    found = _separate(*programs, inputs)
    if found.differ:
        for relation in relations:
            if not holds(relation, values):
                return Certificate(None, reason=f"the assumption {relation} is not decided")
    return found


def _outside_domain(point: Mapping[Basic, Basic]) -> str:
    for atom, value in point.items():
        if check_assumptions(value, **dict(atom.assumptions0)) is not True:
            return f"{atom} = {value}"
    return ""


def _exact(value: Basic) -> bool:
    """Whether a coordinate enters a program exactly: a rational or a Gaussian rational."""
    return all(part.is_Rational for part in value.as_real_imag())


def _programs(
    sides: tuple[Basic, Basic], integers: Mapping[Basic, Basic], values: Mapping[Basic, Basic]
) -> tuple[tuple[Program, Program] | None, dict[Basic, Basic]]:
    """Fresh ball programs for both sides; coordinates that are not exact numbers (a solved
    atom such as 1 - e) are substituted into the SymPy instance instead of rounded."""
    symbolic = {a: v for a, v in values.items() if not _exact(v)}
    inputs = {a: v for a, v in values.items() if a not in symbolic}
    programs = []
    for side in sides:
        built = fresh_instance(sympy.sympify(side), integers)
        if built is None:
            return None, inputs
        if symbolic:
            built = built.xreplace(symbolic)
        compiler = Compiler(built)
        program = Program(compiler, compiler._slot(built, {}), exact=True)
        loose = [c for _, c in program._constants if not balls.rigorous(c)]
        if loose:
            raise Unsupported(f"the constant {loose[0]} is only rounded")
        programs.append(program)
    return (programs[0], programs[1]), inputs


def _separate(lhs: Program, rhs: Program, values: Mapping[Basic, Basic]) -> Certificate:
    """Raise the precision until the enclosure of lhs - rhs excludes 0, or MAX_BITS."""
    bits = START_BITS
    while bits <= MAX_BITS:
        with balls.precision(bits):
            (left, _), (right, _) = lhs.run(values, bits), rhs.run(values, bits)
            if left is None or right is None:
                return Certificate(None, reason="a side is undefined at the point")
            if left is not AT_KINK and right is not AT_KINK:
                difference = balls.add(left, -right)
                if type(difference) is Fraction and difference == 0:
                    return Certificate(False, reason="the sides are equal at the point")
                if type(difference) is Fraction or (
                    difference.is_finite() and not difference.contains(0)
                ):
                    found = _certificate(left, right, difference)
                    if found is not None:
                        return found
        bits *= 2
    return Certificate(False, reason=f"no precision up to {MAX_BITS} bits separates the sides")


def _certificate(left: object, right: object, difference: object) -> Certificate | None:
    """The certificate for a difference that excludes 0; None if its lower bound is still 0."""
    if type(difference) is Fraction:
        lower = abs(difference)
    else:
        mantissa, exponent = difference.abs_lower().lower().mid().man_exp()
        lower = Fraction(int(mantissa)) * Fraction(2) ** int(exponent)
    if lower <= 0:
        return None
    lhs, rhs = (complex(balls.as_mpmath(side, 20)) for side in (left, right))
    return Certificate(True, lower_text(lower), lhs, rhs, float(lower))


def lower_text(value: Fraction) -> str:
    """``value`` rounded down to 3 significant digits: 1/3 -> "0.333", 10**-30 -> "1e-30".

    >>> lower_text(Fraction(2, 3)), lower_text(Fraction(1, 10**30)), lower_text(Fraction(12345))
    ('0.666', '1e-30', '1.23e+4')
    """
    with localcontext() as context:
        context.prec = 3
        context.rounding = ROUND_FLOOR
        rounded = +(Decimal(value.numerator) / Decimal(value.denominator))
        rounded = rounded.normalize()
    exponent = rounded.adjusted()
    return f"{rounded:f}" if -5 <= exponent < 4 else f"{rounded:e}".replace("e-0", "e-")


def holds(relation: Basic, values: Mapping[Basic, Basic]) -> bool:
    """Whether an instantiated assumption certainly holds at ``values``: exactly where rational
    arithmetic decides it, otherwise by the sign of a ball that excludes 0."""
    if relation in (sympy.true, sympy.false):
        return bool(relation)
    compare = RELATIONS.get(getattr(relation, "rel_op", ""))
    if compare is None:
        return False
    difference = exact_number((relation.lhs - relation.rhs).xreplace(dict(values)))
    if difference.is_Rational:
        return compare(Fraction(int(difference.p), int(difference.q)), 0)
    if relation.rel_op == "==":  # exactly or not at all: not by a ball
        return is_zero_exactly(difference) is True
    sign = _sign(difference)
    return sign is not None and compare(sign, 0)


def _sign(number: Basic) -> int | None:
    """The sign of a real number, by a ball that excludes 0; None if none up to MAX_BITS."""
    try:
        compiler = Compiler(number)
        program = Program(compiler, compiler._slot(number, {}), exact=True)
    except (Unsupported, RecursionError):
        return None
    bits = START_BITS
    while bits <= MAX_BITS:
        value, _ = program.run({}, bits)
        if value is None or value is AT_KINK:
            return None
        if type(value) is Fraction:
            return (value > 0) - (value < 0)
        if isinstance(value, acb) and value.imag.is_zero() and not value.real.contains(0):
            return 1 if value.real > 0 else -1
        bits *= 2
    return None


__all__ = ["Certificate", "certify", "holds", "lower_text"]
