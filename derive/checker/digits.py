"""Claims with decimals, judged to the digits shown.

A row of a worked example (``\\frac{1}{1 + 0.625002} = 0.615384``) is true when some values of
its decimals, each within one unit of its last place (``rounded.Rounded``), make both sides
equal. So:

- **proved** exactly, when the decimals as written already make the sides equal;
- **proved to the digits shown**, by the intermediate value theorem: the difference of the sides
  is continuous and real on the box of the decimals' values (its interval enclosure over the
  whole box is finite and real), and it takes both signs at two points of the box (each sign
  certified by interval arithmetic), so it is 0 somewhere between them. The box of a proof is
  narrower than the rule allows: a decimal of one or two significant digits inside a side
  (``0.1``, ``2.0``, ``0.47``) is taken as written (such numbers are inputs, not roundings: no
  worked example rounds to fewer than three digits), only a side that is a decimal alone (the
  result shown) is widened whatever its digits;
- **refuted** only with a certificate that no values at all within the digits shown make the
  sides equal: the enclosure of the difference over the whole box (every decimal widened,
  except those that repeat a value the text gives to a name) excludes 0, the box cut in halves
  up to ``MAX_PIECES`` pieces where one enclosure is too wide;
- **undecided** in between.

A claim that still has symbols (``0.5 x = \\frac{x}{2}``) is judged exactly first; a refutation
stands only if, at its counterexample, no values within the digits shown make the sides equal.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, fields
from fractions import Fraction

from flint import acb, arb, fmpq
from sympy import Basic, Expr, Rational, Symbol

from derive.checker.certify import lower_text
from derive.checker.compiled import Compiler, Unsupported
from derive.checker.program import Program
from derive.checker.rounded import Rounded, plain, rounded_atoms
from derive.checker.verdict import Verdict

BOX_BITS = 128  # working precision of an enclosure over a box: its width is the box's
POINT_DIGITS = 30  # digits that pin the sign at a point of the box
MAX_PIECES = 64  # sub-boxes a refutation may cut the box into
MAX_CORNERS = 64  # points of the box tried for the other sign
PROVED = (
    "to the digits shown: the sides agree for values within one unit of the last place of "
    "{decimals} (a change of sign certified by interval arithmetic)"
)
APART = (
    "certified: no values within one unit of the last place of {decimals} make the sides "
    "equal: |lhs - rhs| ≥ {lower} by interval arithmetic"
)
AS_GIVEN = (
    "certified: the decimals are inputs the text gives, exact as written: |lhs - rhs| ≥ "
    "{lower} by interval arithmetic"
)
BETWEEN = (
    "within the digits shown ({decimals}, each ± one unit of its last place) the sides are "
    "neither shown equal nor shown apart"
)


@dataclass(frozen=True)
class _Difference:
    """``lhs - rhs`` compiled with each decimal an input: at points, and over boxes."""

    atoms: tuple[Rounded, ...]
    exact: Program
    boxes: Program
    symbols: dict[Rounded, Symbol]

    @classmethod
    def of(cls, expr: Expr) -> _Difference | None:
        atoms = tuple(rounded_atoms(expr))
        symbols = {a: Symbol(f"_rounded{n}", real=True) for n, a in enumerate(atoms)}
        try:
            compiler = Compiler(expr.xreplace(symbols))
            return cls(atoms, compiler.program({}), compiler.program({}, exact=False), symbols)
        except Unsupported:
            return None

    def at(self, point: dict[Rounded, Fraction]) -> object:
        """The value at a point (a Fraction, or a ball pinned to ``POINT_DIGITS``), or None."""
        values = {self.symbols[a]: _rational(point[a]) for a in self.atoms}
        value, _ = self.exact.enclosure(values, POINT_DIGITS)
        return value if _real(value) else None

    def over(self, box: dict[Rounded, tuple[Fraction, Fraction]]) -> arb | None:
        """A real enclosure of every value over the box, or None (undefined, complex, at a
        kink, or too wide to be finite)."""
        values = {self.symbols[a]: _ball(*box[a]) for a in self.atoms}
        value, _ = self.boxes.run(values, BOX_BITS)
        if not isinstance(value, acb) or not value.is_finite() or not value.imag.is_zero():
            return None
        return value.real


def judge(lhs: Expr, rhs: Expr, exact: Callable[[Expr, Expr], Verdict]) -> Verdict:
    """The verdict on ``lhs = rhs`` whose decimals are known to the digits shown; ``exact``
    judges a claim without decimals (``check_equal`` with the claim's assumptions)."""
    verdict = exact(plain(lhs), plain(rhs))
    if verdict.proved:
        return verdict
    difference = lhs - rhs
    if difference.free_symbols:
        return _with_symbols(lhs, rhs, verdict)
    found = _Difference.of(difference)
    if found is None:
        return verdict if not verdict.refuted else _undecided(difference)
    rule = _rule_box(found.atoms, lhs, rhs)
    apart = _apart(found, rule)
    if apart is not None:
        widened = [a for a in found.atoms if rule[a][0] != rule[a][1]]
        method = APART.format(decimals=_shown(widened), lower=lower_text(apart))
        if not widened:
            method = AS_GIVEN.format(lower=lower_text(apart))
        return Verdict(
            "refuted",
            counterexample={},
            method=method,
            lhs_value=_complex(plain(lhs)),
            rhs_value=_complex(plain(rhs)),
            discrepancy=float(apart),
            certified=True,
        )
    box = _proof_box(found.atoms, lhs, rhs)
    if _sign_change(found, box):
        widened = [a for a in found.atoms if box[a][0] != box[a][1]]
        return Verdict("proved", method=PROVED.format(decimals=_shown(widened)))
    return _undecided(difference)


def _with_symbols(lhs: Expr, rhs: Expr, verdict: Verdict) -> Verdict:
    """A claim with symbols: its exact refutation stands where, at the counterexample, no
    values within the digits shown make the sides equal."""
    if not verdict.refuted or not verdict.counterexample:
        return verdict
    left, right = (side.xreplace(verdict.counterexample) for side in (lhs, rhs))
    at = left - right
    found = None if at.free_symbols else _Difference.of(at)
    if found is not None:
        apart = _apart(found, _rule_box(found.atoms, left, right))
        if apart is not None:
            note = f"apart for every value within the digits shown ({_shown(found.atoms)})"
            return Verdict(**{**_fields(verdict), "caveats": (*verdict.caveats, note)})
    return _undecided(lhs - rhs)


def _undecided(difference: Expr) -> Verdict:
    return Verdict("undecided", method=BETWEEN.format(decimals=_shown(rounded_atoms(difference))))


def _apart(found: _Difference, box: dict) -> Fraction | None:
    """A lower bound of |lhs - rhs| over the box, when its enclosure excludes 0 (the box cut
    in halves, widest decimal first, until every piece's does: at most ``MAX_PIECES``
    enclosures in all)."""
    pieces, lowest = [box], None
    for _ in range(MAX_PIECES):
        if not pieces:
            return lowest
        piece = pieces.pop()
        value = found.over(piece)
        if value is None:
            return None
        if value > 0 or value < 0:
            low = _lower(value)
            lowest = low if lowest is None else min(lowest, low)
            continue
        halves = _halves(piece)
        if len(halves) == 1:  # nothing left to cut
            return None
        pieces += halves
    return None if pieces else lowest


def _halves(box: dict) -> list[dict]:
    widest = max(box, key=lambda a: (box[a][1] - box[a][0], -a.key))
    low, high = box[widest]
    if low == high:
        return [box]
    middle = (low + high) / 2
    return [{**box, widest: (low, middle)}, {**box, widest: (middle, high)}]


def _results(lhs: Expr, rhs: Expr) -> set[Rounded]:
    """The results shown: a side that is a decimal alone (``= 0.615384``, ``= -0.341``)."""
    return {s for side in (lhs, rhs) for s in (side, -side) if isinstance(s, Rounded)}


def _widened(atom: Rounded) -> tuple[Fraction, Fraction]:
    value = Fraction(atom.text)
    return value - atom.unit, value + atom.unit


def _rule_box(atoms, lhs: Expr, rhs: Expr) -> dict[Rounded, tuple[Fraction, Fraction]]:
    """The values the rule allows each decimal (for a refutation): within one unit of its last
    place, except a decimal inside a side that repeats a value the text gives (an input)."""
    results = _results(lhs, rhs)
    return {a: _widened(a) if a in results else a.interval() for a in atoms}


def _proof_box(atoms, lhs: Expr, rhs: Expr) -> dict[Rounded, tuple[Fraction, Fraction]]:
    """The values a proof may give each decimal: a result shown (a side that is a decimal
    alone) and a decimal of three or more significant digits within one unit of its last
    place; a short decimal inside a side, or one that repeats a given value, as written."""
    results = _results(lhs, rhs)
    box = {}
    for atom in atoms:
        value = Fraction(atom.text)
        if atom in results:
            box[atom] = _widened(atom)
        elif not atom.given and atom.significant >= 3:
            box[atom] = atom.interval()
        else:
            box[atom] = (value, value)
    return box


def _sign_change(found: _Difference, box: dict) -> bool:
    """Whether the difference is continuous and real on the box and certainly takes both
    signs (or 0) at points of it: then it is 0 somewhere in the box."""
    if all(low == high for low, high in box.values()) or found.over(box) is None:
        return False
    centre = {a: Fraction(a.text) for a in found.atoms}
    here = _sign(found.at(centre))
    if here is None:
        return False
    if here == 0:
        return True
    loose = [a for a in found.atoms if box[a][0] != box[a][1]]
    directions = {}
    for atom in loose:
        ends = [_sign(found.at({**centre, atom: end})) for end in box[atom]]
        if -here in ends or 0 in ends:
            return True
        directions[atom] = _slope(found, centre, atom, box[atom])
    for corner in itertools.islice(_corners(loose, directions, here), MAX_CORNERS):
        point = {**centre, **{a: box[a][0] if low else box[a][1] for a, low in corner.items()}}
        if _sign(found.at(point)) in (0, -here):
            return True
    return False


def _slope(found: _Difference, centre: dict, atom: Rounded, ends: tuple) -> int:
    """Whether the difference grows (1) or falls (-1) along ``atom`` (midpoints: a guide
    for which corner to try first, not part of the certificate)."""
    low, high = (found.at({**centre, atom: end}) for end in ends)
    if low is None or high is None:
        return 0
    rise = _midpoint(high) - _midpoint(low)
    return 1 if rise > 0 else -1 if rise < 0 else 0


def _corners(loose: list[Rounded], directions: dict, here: int):
    """Corners of the box, the one the slopes point to first (towards the other sign), then
    the others in a fixed order: each as atom -> True for its lower end."""
    first = {a: (directions[a] * here) > 0 for a in loose}
    yield first
    for flips in itertools.product((False, True), repeat=len(loose)):
        corner = {a: first[a] != flip for a, flip in zip(loose, flips, strict=True)}
        if corner != first:
            yield corner


def _sign(value: object) -> int | None:
    if value is None:
        return None
    if type(value) is Fraction:
        return (value > 0) - (value < 0)
    real = value.real
    if real > 0:
        return 1
    if real < 0:
        return -1
    return 0 if real.is_zero() else None


def _midpoint(value: object) -> float:
    return float(value) if type(value) is Fraction else float(value.real.mid())


def _real(value: object) -> bool:
    if type(value) is Fraction:
        return True
    return isinstance(value, acb) and value.is_finite() and value.imag.is_zero()


def _lower(value: arb) -> Fraction:
    """A lower bound of |value| for a ball that excludes 0, as an exact fraction."""
    mantissa, exponent = value.abs_lower().lower().mid().man_exp()
    bound = Fraction(int(mantissa)) * Fraction(2) ** int(exponent)
    return bound if bound > 0 else Fraction(0)


def _ball(low: Fraction, high: Fraction) -> acb:
    ends = arb(fmpq(low.numerator, low.denominator))
    return acb(ends.union(arb(fmpq(high.numerator, high.denominator))))


def _rational(value: Fraction) -> Basic:
    return Rational(value.numerator, value.denominator)


def _complex(expr: Expr) -> complex | None:
    try:
        return complex(expr.evalf(15))
    except (TypeError, ValueError):
        return None


def _shown(atoms) -> str:
    return ", ".join(dict.fromkeys(a.text for a in atoms))


def _fields(verdict: Verdict) -> dict:
    return {f.name: getattr(verdict, f.name) for f in fields(verdict)}
