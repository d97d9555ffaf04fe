"""Decimals as a worked example writes them: ``0.6225`` is a value known to the digits shown.

Posts push numbers through their formulas and show them rounded (``\\sigma(0.5) = 0.6225``) or
cut off (``E = 0.02405`` for 0.0240578...). A decimal written with d places stands for any value
within one unit of its last place (0.6225: anything in [0.6224, 0.6226]; one unit, not half, so
that a truncated value is covered too). :class:`Rounded` keeps such a decimal in an expression
as an atom of its own, so that the checker can tell it from an exact number (``\\frac{1}{2}``)
after SymPy has combined the arithmetic around it; :func:`plain` writes every one of them as the
exact rational it shows, which is what the rest of the checker sees.

A decimal that repeats a value the text gives to a name (``\\eta = 0.1``, written again in
``1.08 - 0.1 \\cdot 2(1.08 - 3)``) is the exact input the author chose, not a rounding:
``given`` marks it, and it is never widened.
"""

from __future__ import annotations

from fractions import Fraction

from sympy import Basic, Float, Rational
from sympy.core.expr import AtomicExpr


class Rounded(AtomicExpr):
    """A decimal as written (``text``), at a place of the file (``key``): two decimals are the
    same value only when they are the same writing at the same place.

    >>> Rounded("0.6225", 7).interval()
    (Fraction(389, 625), Fraction(3113, 5000))
    """

    is_number = True
    is_commutative = True
    is_extended_real = True
    is_finite = True
    is_Rounded = True
    __slots__ = ("given", "key", "text")

    text: str
    key: int
    given: bool

    def __new__(cls, text: str, key: int = 0, given: bool = False) -> Rounded:
        obj = AtomicExpr.__new__(cls)
        obj.text, obj.key, obj.given = text, key, given
        return obj

    def __getnewargs__(self) -> tuple[str, int, bool]:
        return self.text, self.key, self.given

    def _hashable_content(self) -> tuple:
        return self.text, self.key, self.given

    @property
    def value(self) -> Rational:
        """The exact number the decimal shows."""
        return Rational(self.text)

    @property
    def unit(self) -> Fraction:
        """One unit of the last place written: 0.6225 -> 1/10000."""
        places = len(self.text.partition(".")[2])
        return Fraction(1, 10**places)

    @property
    def significant(self) -> int:
        """How many significant digits are written: 0.150 -> 3, 2.0 -> 2, 0.0001 -> 1."""
        digits = self.text.lstrip("-").replace(".", "").lstrip("0")
        return max(len(digits), 1)

    def interval(self) -> tuple[Fraction, Fraction]:
        """The values the decimal stands for (the written value itself when ``given``)."""
        value = Fraction(self.text)
        if self.given:
            return value, value
        return value - self.unit, value + self.unit

    def _eval_evalf(self, prec: int) -> Float:
        return Float(self.value, precision=prec)

    def _eval_is_extended_positive(self) -> bool | None:
        low, high = self.interval()
        return True if low > 0 else False if high <= 0 else None

    def _eval_is_extended_negative(self) -> bool | None:
        low, high = self.interval()
        return True if high < 0 else False if low >= 0 else None

    def _eval_is_zero(self) -> bool | None:
        low, high = self.interval()
        return False if low > 0 or high < 0 else None

    def _sympystr(self, printer) -> str:
        return self.text

    def _sympyrepr(self, printer) -> str:
        return f"Rounded({self.text!r}, {self.key}, {self.given})"

    def _latex(self, printer) -> str:
        return self.text

    def _pretty(self, printer):
        return printer._print_str(self.text)

    def _numpycode(self, printer) -> str:
        return self.text

    _pythoncode = _numpycode


def rounded_atoms(expr: Basic) -> list[Rounded]:
    """The decimals in ``expr``, in a fixed order (by place, then writing)."""
    return sorted(expr.atoms(Rounded), key=lambda r: (r.key, r.text, r.given))


def has_rounded(*exprs: Basic) -> bool:
    return any(isinstance(e, Basic) and e.has(Rounded) for e in exprs)


def plain(expr: Basic) -> Basic:
    """``expr`` with every decimal written as the exact number it shows."""
    found = expr.atoms(Rounded) if isinstance(expr, Basic) else ()
    return expr.xreplace({r: r.value for r in found}) if found else expr
