"""Numeric evidence for a claim ``lhs = rhs``: both sides evaluated independently at sampled
points with exact coordinates (compiled: ``instances.py``), and a difference certified.

A compiled side's value is an enclosure: an exact Fraction, or a ball that provably contains
the true value, pinned to 30 digits. So the sides differ at a point exactly when the enclosure
of their difference excludes 0, whatever its size: no float threshold decides it, and an exact
difference of 1e-30 counts. Where SymPy's automatic simplification cancels terms between the
sides (exp(y) - (exp(y) + y**4/10**30) is -y**4/10**30), the difference itself is evaluated
too, exactly if it is rational. Sides that are not compiled are evaluated by SymPy's evalf,
where only a relative difference above ``DIFFER`` counts.

A difference found this way is checked again on a freshly compiled program, the point is made
simpler (``_shrink``), and then it is settled: certified by interval arithmetic on instances
SymPy builds anew (``certify.py``), or, where balls cannot enclose a side, confirmed at 50
digits by SymPy's evalf on those instances (then the refutation is not certified).
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

import mpmath
import sympy
from flint import acb
from sympy import Add, Basic

from derive.checker import balls
from derive.checker.certify import Certificate, certify
from derive.checker.instances import AT_KINK, Integers, Side, integers_key, side
from derive.checker.sampling import CannotSample, Point, Sampler

DIGITS = 30
CONFIRM_DIGITS = 50
DIFFER = 1e-12  # evalf values: relative |lhs - rhs| above which they clearly differ
AGREE = 1e-20  # evalf values: relative |lhs - rhs| below which they agree (30 digits)
RESOLUTION = 10.0 ** (5 - CONFIRM_DIGITS)  # a relative difference 50-digit evalf resolves
SIMPLE_POINTS = 5  # the first points use small values a person can check by hand

Entry = tuple[str, Basic, Basic]  # (label such as "[0, 1]" for a matrix entry, lhs, rhs)


@dataclass(frozen=True)
class Counterexample:
    """A point where the sides of entry ``position`` (labelled ``label``) differ.

    ``certificate`` is set once the counterexample is settled (``gather`` with ``decisive``):
    ``certificate.differ`` is True when interval arithmetic certified it; ``confirmed`` when
    SymPy's evalf at 50 digits shows the difference as well.
    """

    point: Point
    label: str
    lhs: complex
    rhs: complex
    gap: float
    position: int = 0
    certificate: Certificate | None = None
    confirmed: bool = False  # SymPy's evalf at 50 digits shows the difference too

    @property
    def certified(self) -> bool:
        return self.certificate is not None and self.certificate.differ is True

    def where(self) -> str:
        values = ", ".join(f"{k} = {v}" for k, v in self.point.merged().items())
        entry = f" in entry {self.label}" if self.label else ""
        return f"{values}{entry}: lhs = {self.lhs:.10g}, rhs = {self.rhs:.10g}"


@dataclass
class Evidence:
    """What the numbers said at the points of one sampler."""

    points: int = 0
    largest: float = 0.0  # largest |lhs - rhs| at a point away from kinks
    unclear: int = 0  # points where the sides neither clearly agree nor clearly differ
    kink_mismatch: bool = False
    counterexample: Counterexample | None = None
    problem: str = ""  # why no points could be drawn, if so


def gather(
    entries: Sequence[Entry],
    assume: Sequence[Basic],
    *,
    seed: int,
    count: int,
    integer_seed: int | None = None,
    decisive: bool = True,
    regions: int = 0,
) -> Evidence:
    """Evaluate the entries at up to ``count`` points that satisfy ``assume``, then at up to
    ``regions`` points between and beyond the kinks' breakpoints (``regions.py``).

    Stops at the first counterexample. ``integer_seed`` seeds the integer values (default
    ``seed``): samplers of one claim share it, so they share instances. A ``decisive``
    counterexample (one a verdict may rest on) is made simpler for hand-checking and settled:
    certified by interval arithmetic, or confirmed at 50 digits by SymPy (see the module's
    doc); one that neither settles is only unclear. Otherwise (a hint, such as "this proof
    needs sum t = 1") it is confirmed by a freshly compiled program, and kept.
    """
    sides = [s for _, lhs, rhs in entries for s in (lhs, rhs)]
    sampler = Sampler(sides, assume, seed, integer_seed)
    evidence = Evidence()
    tried, failure = 0, ""
    try:
        for point in sampler.points(count, SIMPLE_POINTS, regions, lambda: evidence.points):
            tried += 1
            try:
                found = _judge(sampler.sides(point.integers), entries, point, evidence)
                if found is not None and decisive:
                    found = _settle(sampler, entries, found)
                    if found is None:  # not a difference after all: the point is only unclear
                        evidence.points += 1
                        evidence.unclear += 1
            except Exception as error:  # SymPy failed at this point: it is unusable, go on
                failure = f"SymPy failed at a point: {type(error).__name__}: {error}"[:300]
                continue
            if found is not None:
                evidence.counterexample = found
                break
    except CannotSample as error:
        evidence.problem = str(error)
    except Exception as error:  # SymPy failed while drawing a point: no evidence from here on
        evidence.problem = f"SymPy failed while sampling: {type(error).__name__}: {error}"[:300]
    if not evidence.points and not evidence.problem and tried:
        evidence.problem = failure or f"a side is undefined at every point tried ({tried})"
    return evidence


def _settle(
    sampler: Sampler, entries: Sequence[Entry], found: Counterexample
) -> Counterexample | None:
    """The simplest form of the counterexample that settles, else the original if it does."""
    simplest = _shrink(sampler, entries, found)
    for candidate in (simplest, found) if simplest is not found else (found,):
        settled = _confirm(sampler, entries, candidate)
        if settled is not None:
            return settled
    return None


def _confirm(
    sampler: Sampler, entries: Sequence[Entry], found: Counterexample
) -> Counterexample | None:
    """Certify the difference by interval arithmetic, and confirm it at 50 digits by SymPy's
    evalf on freshly built instances (an engine of its own); a certified difference that
    evalf contradicts (it sees none, though it would) is not a counterexample. Where balls
    cannot judge a side, the 50-digit confirmation alone decides, at the DIFFER threshold."""
    _, lhs, rhs = entries[found.position]
    point = found.point
    certificate = certify((lhs, rhs), point.integers, point.values, sampler.relations(point))
    if certificate.differ is False or certificate.outside:
        return None
    sides = sampler.sides(point.integers)[2 * found.position : 2 * found.position + 2]
    lv, rv = (s.confirm(point.values, CONFIRM_DIGITS, exactly=True) for s in sides)
    evaluated = lv is not None and rv is not None
    if certificate.differ:
        scale = max(1, abs(lv), abs(rv)) if evaluated else 1
        seen = evaluated and abs(lv - rv) > RESOLUTION * scale
        if evaluated and not seen and certificate.gap > 1e5 * RESOLUTION * scale:
            return None  # evalf would see a difference this large: one engine is wrong
        return dataclasses.replace(
            found,
            lhs=certificate.lhs,
            rhs=certificate.rhs,
            gap=certificate.gap,
            certificate=certificate,
            confirmed=seen,
        )
    if not evaluated or _compare(lv, rv)[0] != "differ":
        return None
    gap = float(abs(lv - rv))
    return dataclasses.replace(
        found, lhs=complex(lv), rhs=complex(rv), gap=gap, certificate=certificate, confirmed=True
    )


def _shrink(sampler: Sampler, entries: Sequence[Entry], found: Counterexample) -> Counterexample:
    """Make values of the counterexample simpler one at a time, while the sides still differ
    (judged by the compiled programs, each difference checked by a freshly compiled one)."""
    simplest, improved = found, True
    while improved:
        improved = False
        for candidate in sampler.simpler(simplest.point):
            trial = _judge(sampler.sides(candidate.integers), entries, candidate, Evidence())
            if trial is not None:
                simplest, improved = trial, True
                break
    return simplest


def _values(lhs: Side, rhs: Side, point: Point) -> tuple[object, object, bool]:
    """Both sides at the point (30 digits) and whether it is at a kink: there the values are
    substituted exactly, since rounding must not pick the side of a kink."""
    if not point.kink:
        (lv, left_kink), (rv, right_kink) = (s.value(point.values, DIGITS) for s in (lhs, rhs))
        if lv is not AT_KINK and rv is not AT_KINK:
            return lv, rv, left_kink or right_kink
    return lhs.exact(point.values, DIGITS), rhs.exact(point.values, DIGITS), True


def _enclosed(value: object) -> bool:
    return type(value) is Fraction or isinstance(value, acb)


def _compare(lv: object, rv: object) -> tuple[str, float]:
    """("differ" | "agree" | "unclear", |lv - rv|) for two values of the sides.

    Enclosures (Fractions, balls) differ exactly when the enclosure of the difference excludes
    0; they agree otherwise (each is pinned to 30 digits). evalf values are compared relative
    to their size, with the thresholds DIFFER and AGREE."""
    if _enclosed(lv) and _enclosed(rv):
        with balls.precision(2 * int(CONFIRM_DIGITS * 3.33)):
            difference = balls.add(lv, -rv)
        if type(difference) is Fraction:
            return ("differ" if difference else "agree"), float(abs(difference))
        if not difference.is_finite():
            return "unclear", 0.0
        gap = float(abs(difference.mid()))
        return ("agree" if difference.contains(0) else "differ"), gap
    lv, rv = _mp(lv), _mp(rv)
    gap = abs(lv - rv)
    scale = max(1, abs(lv), abs(rv))
    if gap > DIFFER * scale:
        return "differ", float(gap)
    return ("unclear" if gap > AGREE * scale else "agree"), float(gap)


def _mp(value: object) -> mpmath.mpc:
    return balls.as_mpmath(value, DIGITS + 10) if _enclosed(value) else value


def _complex(value: object) -> complex:
    return complex(_mp(value))


@functools.lru_cache(maxsize=1024)
def _cancelled(lhs: Basic, rhs: Basic, key: Integers) -> Side | None:
    """The side for ``lhs - rhs`` when SymPy's automatic simplification merged terms of the two
    sides (exp(y) - (exp(y) + d) is -d): its value then pins a difference the sides' own 30
    digits cannot. None otherwise (it would say no more than the sides)."""
    lhs, rhs = sympy.sympify(lhs), sympy.sympify(rhs)
    if lhs == 0 or rhs == 0:
        return None
    difference = lhs - rhs
    if len(Add.make_args(difference)) >= len(Add.make_args(lhs)) + len(Add.make_args(rhs)):
        return None
    found = side(difference, key)
    return found if found.program is not None else None


def _nonzero(value: object) -> bool:
    if type(value) is Fraction:
        return value != 0
    return isinstance(value, acb) and value.is_finite() and not value.contains(0)


def _judge(
    sides: list[Side], entries: Sequence[Entry], point: Point, evidence: Evidence
) -> Counterexample | None:
    """Evaluate every entry at the point; the first difference that a freshly compiled program
    confirms (None if there is none). Updates ``evidence``."""
    evaluated = False
    for position, (label, lhs_expr, rhs_expr) in enumerate(entries):
        lhs, rhs = sides[2 * position], sides[2 * position + 1]
        lv, rv, kink = _values(lhs, rhs, point)
        if lv is None or rv is None:
            continue
        evaluated = True
        state, gap = _compare(lv, rv)
        shown_by = None  # the side of lhs - rhs, when it alone shows the difference
        if state == "agree" and not kink and _enclosed(lv) and _enclosed(rv):
            cancelled = _cancelled(lhs_expr, rhs_expr, integers_key(point.integers))
            value = cancelled.value(point.values, DIGITS)[0] if cancelled is not None else None
            if _nonzero(value):
                state, gap, shown_by = "differ", abs(_complex(value)), cancelled
        if state == "differ":
            if kink:
                evidence.kink_mismatch = True
                continue
            if _recheck(lhs, rhs, shown_by, point):
                return Counterexample(
                    point, label, _complex(lv), _complex(rv), gap, position=position
                )
            evidence.unclear += 1
        elif state == "unclear" and not kink:
            evidence.unclear += 1
        if not kink:
            evidence.largest = max(evidence.largest, gap)
    if evaluated:
        evidence.points += 1
    return None


def _recheck(lhs: Side, rhs: Side, shown_by: Side | None, point: Point) -> bool:
    """Whether freshly built programs (not the caches) show the same difference, at 50
    digits: the difference itself where it was the one that showed it."""
    if shown_by is not None:
        return _nonzero(shown_by.confirm(point.values, CONFIRM_DIGITS, exactly=False))
    lv = lhs.confirm(point.values, CONFIRM_DIGITS, exactly=False)
    rv = rhs.confirm(point.values, CONFIRM_DIGITS, exactly=False)
    return lv is not None and rv is not None and _compare(lv, rv)[0] == "differ"
