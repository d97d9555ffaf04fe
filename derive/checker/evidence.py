"""Numeric evidence for a claim ``lhs = rhs``: both sides evaluated independently at sampled
points (30 digits); a difference counts only once it is confirmed at 50 digits."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import mpmath
from sympy import Basic

from derive.checker.budget import Budget
from derive.checker.sampling import CannotSample, Point, Sampler, evaluate, instance

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
    budget: Budget,
    *,
    seed: int,
    count: int,
    cache: dict | None = None,
) -> Evidence:
    """Evaluate the entries at up to ``count`` points that satisfy ``assume``.

    Stops at the first confirmed counterexample or when the budget runs out.
    """
    sampler = Sampler([s for _, lhs, rhs in entries for s in (lhs, rhs)], assume, seed, cache)
    evidence = Evidence()

    def run() -> None:
        for point in sampler.points(count, SIMPLE_POINTS):
            _judge(sampler.instances(point.integers), entries, point, evidence)
            if evidence.counterexample is not None:
                evidence.counterexample = _shrink(sampler, entries, evidence.counterexample)
                return

    try:
        budget.run(run)
    except CannotSample as error:
        evidence.problem = str(error)
    except Exception as error:  # SymPy failed while drawing a point: no evidence from here on
        evidence.problem = f"SymPy failed while sampling: {type(error).__name__}: {error}"[:300]
    return evidence


def _shrink(sampler: Sampler, entries: Sequence[Entry], found: Counterexample) -> Counterexample:
    """Make values of the counterexample simpler one at a time, while the sides still differ."""
    improved = True
    while improved:
        improved = False
        for candidate in sampler.simpler(found.point):
            trial = Evidence()
            _judge(sampler.instances(candidate.integers), entries, candidate, trial)
            if trial.counterexample is not None:
                found, improved = trial.counterexample, True
                break
    return found


def _judge(instances: list, entries: Sequence[Entry], point: Point, evidence: Evidence) -> None:
    evaluated = False
    for position, (label, _, _) in enumerate(entries):
        lhs, rhs = instances[2 * position], instances[2 * position + 1]
        lv, rv = evaluate(lhs, point.values, DIGITS), evaluate(rhs, point.values, DIGITS)
        if lv is None or rv is None:
            continue
        evaluated = True
        gap30 = float(abs(lv - rv))
        if _gap(lv, rv, DIFFER) is not None:
            if point.kink:
                evidence.kink_mismatch = True
                continue
            # confirm on freshly built instances (not the cache), at 50 digits
            _, lhs_expr, rhs_expr = entries[position]
            lhs = instance(lhs_expr, point.integers)
            rhs = instance(rhs_expr, point.integers)
            lv = evaluate(lhs, point.values, CONFIRM_DIGITS)
            rv = evaluate(rhs, point.values, CONFIRM_DIGITS)
            gap = _gap(lv, rv, DIFFER) if lv is not None and rv is not None else None
            if gap is not None:
                evidence.counterexample = Counterexample(
                    point, label, complex(lv), complex(rv), gap
                )
                return
            evidence.unclear += 1
        elif _gap(lv, rv, AGREE) is not None and not point.kink:
            evidence.unclear += 1
        if not point.kink:
            evidence.largest = max(evidence.largest, gap30)
    if evaluated:
        evidence.points += 1
