"""Numeric evidence for a claim ``lhs = rhs``: both sides evaluated independently at sampled
points (30 digits, compiled: ``instances.py``); a difference counts only once it is confirmed at
50 digits by SymPy's evalf on freshly built instances (an independent route to the numbers)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import mpmath
from sympy import Basic

from derive.checker.instances import AT_KINK, Side
from derive.checker.sampling import CannotSample, Point, Sampler

DIGITS = 30
CONFIRM_DIGITS = 50
DIFFER = 1e-12  # relative |lhs - rhs| above which the sides clearly differ
AGREE = 1e-20  # relative |lhs - rhs| below which they agree (30-digit evaluation)
SIMPLE_POINTS = 5  # the first points use small values a person can check by hand

Entry = tuple[str, Basic, Basic]  # (label such as "[0, 1]" for a matrix entry, lhs, rhs)


@dataclass(frozen=True)
class Counterexample:
    point: Point
    label: str
    lhs: complex
    rhs: complex
    gap: float

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


def _gap(lv: mpmath.mpc, rv: mpmath.mpc, threshold: float) -> float | None:
    """|lv - rv| if it exceeds ``threshold`` relative to the sizes, else None."""
    gap = abs(lv - rv)
    return float(gap) if gap > threshold * max(1, abs(lv), abs(rv)) else None


def gather(
    entries: Sequence[Entry],
    assume: Sequence[Basic],
    *,
    seed: int,
    count: int,
    integer_seed: int | None = None,
    decisive: bool = True,
) -> Evidence:
    """Evaluate the entries at up to ``count`` points that satisfy ``assume``.

    Stops at the first confirmed counterexample. ``integer_seed`` seeds the integer values
    (default ``seed``): samplers of one claim share it, so they share instances. A
    ``decisive`` counterexample (one a verdict may rest on) is confirmed by SymPy's exact
    evaluation and made simpler for hand-checking; otherwise (a hint, such as "this proof
    needs sum t = 1") it is confirmed by a freshly compiled program at 50 digits, and kept.
    """
    sides = [s for _, lhs, rhs in entries for s in (lhs, rhs)]
    sampler = Sampler(sides, assume, seed, integer_seed)
    evidence = Evidence()
    try:
        for point in sampler.points(count, SIMPLE_POINTS):
            _judge(sampler.sides(point.integers), entries, point, evidence, decisive)
            if evidence.counterexample is not None:
                if decisive:
                    evidence.counterexample = _shrink(sampler, entries, evidence.counterexample)
                break
    except CannotSample as error:
        evidence.problem = str(error)
    except Exception as error:  # SymPy failed while drawing a point: no evidence from here on
        evidence.problem = f"SymPy failed while sampling: {type(error).__name__}: {error}"[:300]
    return evidence


def _shrink(sampler: Sampler, entries: Sequence[Entry], found: Counterexample) -> Counterexample:
    """Make values of the counterexample simpler one at a time, while the sides still differ.

    The candidates are judged by the compiled programs (each difference confirmed by a freshly
    compiled one); only the simplest point is confirmed again by SymPy's exact evaluation, and
    if that failed the confirmed original would stand."""
    simplest, improved = found, True
    while improved:
        improved = False
        for candidate in sampler.simpler(simplest.point):
            trial = Evidence()
            _judge(sampler.sides(candidate.integers), entries, candidate, trial, decisive=False)
            if trial.counterexample is not None:
                simplest, improved = trial.counterexample, True
                break
    if simplest is found:
        return found
    confirmed = Evidence()
    _judge(sampler.sides(simplest.point.integers), entries, simplest.point, confirmed)
    return confirmed.counterexample or found


def _values(lhs: Side, rhs: Side, point: Point) -> tuple[object, object, bool]:
    """Both sides at the point (30 digits) and whether it is at a kink: there the values are
    substituted exactly, since rounding must not pick the side of a kink."""
    if not point.kink:
        (lv, left_kink), (rv, right_kink) = (s.value(point.values, DIGITS) for s in (lhs, rhs))
        if lv is not AT_KINK and rv is not AT_KINK:
            return lv, rv, left_kink or right_kink
    return lhs.exact(point.values, DIGITS), rhs.exact(point.values, DIGITS), True


def _judge(
    sides: list[Side],
    entries: Sequence[Entry],
    point: Point,
    evidence: Evidence,
    decisive: bool = True,
) -> None:
    evaluated = False
    for position, (label, _, _) in enumerate(entries):
        lhs, rhs = sides[2 * position], sides[2 * position + 1]
        lv, rv, kink = _values(lhs, rhs, point)
        if lv is None or rv is None:
            continue
        evaluated = True
        gap30 = float(abs(lv - rv))
        if _gap(lv, rv, DIFFER) is not None:
            if kink:
                evidence.kink_mismatch = True
                continue
            # confirm on freshly built instances (not the cache), at 50 digits
            lv = lhs.confirm(point.values, CONFIRM_DIGITS, exactly=decisive)
            rv = rhs.confirm(point.values, CONFIRM_DIGITS, exactly=decisive)
            gap = _gap(lv, rv, DIFFER) if lv is not None and rv is not None else None
            if gap is not None:
                evidence.counterexample = Counterexample(
                    point, label, complex(lv), complex(rv), gap
                )
                return
            evidence.unclear += 1
        elif _gap(lv, rv, AGREE) is not None and not kink:
            evidence.unclear += 1
        if not kink:
            evidence.largest = max(evidence.largest, gap30)
    if evaluated:
        evidence.points += 1
