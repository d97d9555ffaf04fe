"""``check_equal``: judge one claimed equality as proved, refuted or undecided.

The order of work:

1. a numeric search for a counterexample at points in the symbols' domains that satisfy every
   assumption (30 digits; a difference is confirmed at 50 digits before it counts);
2. a symbolic proof (``prove.py``), first without the assumptions, then with them, then with as
   few of them as still work, which gives ``needs``;
3. a numeric cross-check of the symbolic proof at points that satisfy only ``needs``: SymPy's
   simplify and equals have been wrong (sympy issues 17063, 23086, 29781), so a proof that the
   numbers contradict is reported as undecided, with both findings.

Every phase runs under the step's time budget; running out gives "undecided", never a hang.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from dataclasses import dataclass, field

import mpmath
import sympy
from sympy import Basic, Expr, Heaviside
from sympy.core.relational import Relational
from sympy.matrices import MatrixBase

from derive.budget import Budget
from derive.kinks import (
    arbitrary_conventions,
    derivative_at_kink,
    sign_regions,
    where_text,
)
from derive.kinks import (
    distinct_kinks as kinks_of,
)
from derive.prove import Facts, prove_all_zero
from derive.sampling import CannotSample, Point, Sampler, evaluate
from derive.verdict import Verdict

DEFAULT_TIMEOUT = 5.0
SEARCH_POINTS = 12  # points tried for a counterexample (the first SIMPLE_POINTS hand-checkable)
SIMPLE_POINTS = 5
CROSS_CHECK_POINTS = 4  # agreeing points a symbolic proof needs, at the least
DIGITS = 30
CONFIRM_DIGITS = 50
DIFFER = 1e-12  # relative |lhs - rhs| above which the sides clearly differ
AGREE = 1e-20  # relative |lhs - rhs| below which they agree (30-digit evaluation)

_HOW_TO_BUILD = (
    "build expressions with SymPy objects, e.g. x = sympy.Symbol('x', real=True); "
    "strings are never evaluated (parse text with derive.parse_expr)"
)


def _as_expr(value: object, name: str) -> Basic:
    if isinstance(value, str):
        raise TypeError(f"{name} is a string ({value!r}); {_HOW_TO_BUILD}")
    if isinstance(value, bool) or not isinstance(value, (Basic, numbers.Number, MatrixBase)):
        raise TypeError(
            f"{name} must be a SymPy expression or matrix, got {type(value).__name__}; "
            f"{_HOW_TO_BUILD}"
        )
    if isinstance(value, MatrixBase):
        return sympy.ImmutableMatrix(value)
    if isinstance(value, numbers.Number):
        return sympy.sympify(value)  # a Python number, never a string
    if not isinstance(value, Expr):
        raise TypeError(f"{name} must be an expression, got the {type(value).__name__} {value}")
    return value


def _as_assumptions(assume: object) -> tuple[Basic, ...]:
    if isinstance(assume, (Relational, str)) or not isinstance(assume, Sequence):
        raise TypeError(
            "assume must be a sequence of SymPy relations, e.g. [Eq(t1 + t2, 1), k <= K]"
        )
    result = []
    for item in assume:
        if item is sympy.true:
            continue
        if item is sympy.false:
            raise ValueError("an assumption is False (it evaluated to false when it was built)")
        if not isinstance(item, Relational):
            raise TypeError(
                f"assumption {item!r} is not a relation: use Eq(a, b), Ne(a, b), a <= b, ..."
            )
        result.append(item)
    return tuple(result)


def _entries(lhs: Basic, rhs: Basic) -> list[tuple[str, Basic, Basic]]:
    lmat, rmat = isinstance(lhs, MatrixBase), isinstance(rhs, MatrixBase)
    if not (lmat or rmat):
        return [("", lhs, rhs)]
    if lmat != rmat:
        shape = lhs.shape if lmat else rhs.shape
        side = "lhs" if lmat else "rhs"
        raise ValueError(f"{side} is a {shape[0]}x{shape[1]} matrix but the other side is a scalar")
    if lhs.shape != rhs.shape:
        raise ValueError(f"matrix shapes differ: lhs is {lhs.shape}, rhs is {rhs.shape}")
    rows, cols = lhs.shape
    return [(f"[{i}, {j}]", lhs[i, j], rhs[i, j]) for i in range(rows) for j in range(cols)]


@dataclass
class _Evidence:
    """What the numbers said at the points of one sampler."""

    points: int = 0
    largest: float = 0.0  # largest |lhs - rhs| at a point away from kinks
    unclear: int = 0  # points where the sides neither clearly agree nor clearly differ
    kink_mismatch: bool = False
    counterexample: tuple[Point, str, complex, complex, float] | None = None
    problem: str = ""
    seen: list[Point] = field(default_factory=list)


def _differ(lv: mpmath.mpc, rv: mpmath.mpc, threshold: float) -> float | None:
    """|lv - rv| if it exceeds ``threshold`` relative to the sizes, else None."""
    gap = abs(lv - rv)
    return float(gap) if gap > threshold * max(1, abs(lv), abs(rv)) else None


def _gather(
    entries: list[tuple[str, Basic, Basic]],
    assume: Sequence[Basic],
    budget: Budget,
    seed: int,
    count: int,
) -> _Evidence:
    sides = [side for _, lhs, rhs in entries for side in (lhs, rhs)]
    sampler = Sampler(sides, assume, seed)
    evidence = _Evidence()

    def run() -> None:
        for point in sampler.points(count, SIMPLE_POINTS):
            _judge_point(sampler, entries, point, evidence)
            if evidence.counterexample is not None:
                return

    try:
        budget.run(run)
    except CannotSample as error:
        evidence.problem = str(error)
    return evidence


def _judge_point(sampler: Sampler, entries, point: Point, evidence: _Evidence) -> None:
    instances = sampler.instances(point.integers)
    evaluated = False
    for position, (label, _, _) in enumerate(entries):
        lv = evaluate(instances[2 * position], point.values, DIGITS)
        rv = evaluate(instances[2 * position + 1], point.values, DIGITS)
        if lv is None or rv is None:
            continue
        evaluated = True
        gap = abs(lv - rv)
        if _differ(lv, rv, DIFFER) is not None:
            if point.kink:
                evidence.kink_mismatch = True
                continue
            lv = evaluate(instances[2 * position], point.values, CONFIRM_DIGITS)
            rv = evaluate(instances[2 * position + 1], point.values, CONFIRM_DIGITS)
            gap = _differ(lv, rv, DIFFER) if lv is not None and rv is not None else None
            if gap is not None:
                evidence.counterexample = (point, label, complex(lv), complex(rv), gap)
                return
            evidence.unclear += 1
        elif _differ(lv, rv, AGREE) is not None and not point.kink:
            evidence.unclear += 1
        if not point.kink:
            evidence.largest = max(evidence.largest, float(gap))
    if evaluated:
        evidence.points += 1
        evidence.seen.append(point)


@dataclass
class _Proof:
    method: str | None = None
    needs: tuple[Basic, ...] = ()
    caveats: tuple[str, ...] = ()
    almost_everywhere: bool = False
    timed_out: bool = False


def _attempt(
    diffs: list[Basic], assumptions: Sequence[Basic], budget: Budget
) -> tuple[str | None, bool]:
    equalities = tuple(a for a in assumptions if isinstance(a, sympy.Eq))
    relations = tuple(a for a in assumptions if not isinstance(a, sympy.Eq))
    return prove_all_zero(diffs, Facts(equalities, relations), budget)


def _prove(entries, assumptions: tuple[Basic, ...], budget: Budget) -> _Proof:
    diffs = [lhs - rhs for _, lhs, rhs in entries]
    sides = [side for _, lhs, rhs in entries for side in (lhs, rhs)]
    method, needs, timed_out = _prove_with_fewest(diffs, assumptions, budget.part(0.6))
    if method is not None:
        return _Proof(method, needs, _convention_caveats(sides, diffs, budget))
    kinks = kinks_of(sides)
    regions = sign_regions(kinks) if kinks else None
    if regions is None:
        return _Proof(timed_out=timed_out)
    region_budget = budget.part(0.9)
    for substitution in regions:
        local = [d.doit().xreplace(substitution) for d in diffs]
        assumed = tuple(a.xreplace(substitution) for a in assumptions)
        method, late = _attempt(local, assumed, region_budget)
        if method is None:
            return _Proof(timed_out=timed_out or late)
    caveat = (
        f"holds only where {where_text(kinks)}: at a kink the two sides differ,"
        " and their values there are conventions"
    )
    return _Proof(f"{method} in each sign region", assumptions, (caveat,), True)


def _prove_with_fewest(
    diffs: list[Basic], assumptions: tuple[Basic, ...], budget: Budget
) -> tuple[str | None, tuple[Basic, ...], bool]:
    """A proof without assumptions, else with all of them, then dropping what it can."""
    method, timed_out = _attempt(diffs, (), budget.part(0.5))
    if method is not None or not assumptions:
        return method, (), timed_out
    method, late = _attempt(diffs, assumptions, budget.part(0.6))
    needs = assumptions
    for assumption in assumptions if method and len(assumptions) > 1 else ():
        fewer = tuple(a for a in needs if a is not assumption)
        if _attempt(diffs, fewer, budget.part(0.3))[0] is not None:
            needs = fewer
    return method, needs, timed_out or late


def _convention_caveats(sides: list[Basic], diffs: list[Basic], budget: Budget) -> tuple[str, ...]:
    if derivative_at_kink(sides):
        return (
            f"holds where {where_text(kinks_of(sides))}; at a kink the derivative does not exist"
            " and the value used there is a convention (SymPy: Heaviside(0) = 1/2)",
        )
    if any(d.doit().has(Heaviside) for d in diffs):
        generic = [arbitrary_conventions(d) for d in diffs]
        if prove_all_zero(generic, Facts(), budget.part(0.5))[0] is None:
            return (
                "at a kink (Heaviside argument = 0) it holds only by the convention"
                " Heaviside(0) = 1/2",
            )
    return ()


def check_equal(
    lhs: object,
    rhs: object,
    *,
    assume: Sequence[Basic] = (),
    timeout: float | None = DEFAULT_TIMEOUT,
    seed: int = 0,
) -> Verdict:
    """Judge the claim ``lhs = rhs``: "proved", "refuted" or "undecided".

    Args:
        lhs, rhs: SymPy expressions (symbol assumptions such as ``real=True`` are honoured) or
            SymPy matrices of the same shape (compared entry by entry). Python numbers are
            accepted; strings are not (they are never evaluated).
        assume: SymPy relations the step may use, e.g. ``[Eq(t1 + t2 + t3, 1), k <= K]``.
        timeout: seconds for the whole check (None: no limit). Running out gives "undecided".
        seed: seeds the numeric points, so verdicts are reproducible.

    Returns:
        A :class:`Verdict`. "proved" needs a symbolic proof that agrees with the numbers;
        "refuted" carries a counterexample confirmed at 50 digits; ``needs`` lists the
        assumptions the proof used.

    Raises:
        TypeError: a side is not a SymPy expression/matrix or a number, an assumption is not a
            relation.
        ValueError: matrix shapes differ, an assumption is False, timeout is not positive.

    >>> from sympy import Symbol, exp, log
    >>> x = Symbol("x", real=True)
    >>> check_equal(log(exp(x)), x).status
    'proved'
    >>> check_equal(log(exp(Symbol("w"))), Symbol("w")).status
    'refuted'
    """
    lhs, rhs = _as_expr(lhs, "lhs"), _as_expr(rhs, "rhs")
    assumptions = _as_assumptions(assume)
    if timeout is not None and not timeout > 0:
        raise ValueError(f"timeout must be positive seconds or None, got {timeout!r}")
    entries = _entries(lhs, rhs)
    budget = Budget(timeout)
    search = _gather(entries, assumptions, budget.part(0.35), seed, SEARCH_POINTS)
    if search.counterexample is not None:
        return _refuted(search, budget)
    proof = _prove(entries, assumptions, budget.part(0.75))
    if proof.method is None:
        return _undecided(search, budget, _no_proof_reason(proof, search, timeout))
    cross = search
    if set(proof.needs) != set(assumptions):
        cross = _gather(entries, proof.needs, budget, seed + 1, SEARCH_POINTS)
    conflict = _conflict(cross, proof)
    if conflict:
        return _undecided(cross, budget, f"symbolic proof ({proof.method}) but {conflict}")
    return Verdict(
        "proved",
        needs=proof.needs,
        method=f"{proof.method}; agrees at {cross.points} points ({DIGITS} digits)",
        caveats=proof.caveats,
        points=search.points + (cross.points if cross is not search else 0),
        seconds=budget.elapsed(),
    )


def _conflict(cross: _Evidence, proof: _Proof) -> str:
    if cross.counterexample is not None:
        point, label, lv, rv, _ = cross.counterexample
        values = ", ".join(f"{k} = {v}" for k, v in point.merged().items())
        return (
            f"the numbers differ{' in entry ' + label if label else ''} at {values}: {lv} vs {rv}"
        )
    if cross.kink_mismatch and not proof.almost_everywhere:
        return "the numbers differ at a kink point"
    if cross.unclear:
        return f"{cross.unclear} points agree only to a few digits"
    if cross.points < CROSS_CHECK_POINTS:
        reason = f": {cross.problem}" if cross.problem else ""
        return f"too few points to cross-check it numerically ({cross.points}){reason}"
    return ""


def _no_proof_reason(proof: _Proof, search: _Evidence, timeout: float | None) -> str:
    reason = f"ran out of time ({timeout} s)" if proof.timed_out else "no symbolic proof found"
    if search.problem:
        return f"{reason}; no numeric points: {search.problem}"
    return f"{reason}; no counterexample at {search.points} points"


def _refuted(search: _Evidence, budget: Budget) -> Verdict:
    point, label, lv, rv, gap = search.counterexample
    where = f" (entry {label})" if label else ""
    return Verdict(
        "refuted",
        counterexample=point.merged(),
        method=f"numeric: the sides differ{where}, confirmed at {CONFIRM_DIGITS} digits",
        lhs_value=lv,
        rhs_value=rv,
        discrepancy=gap,
        points=search.points + 1,
        seconds=budget.elapsed(),
    )


def _undecided(evidence: _Evidence, budget: Budget, reason: str) -> Verdict:
    return Verdict(
        "undecided",
        method=reason,
        discrepancy=evidence.largest if evidence.points else None,
        points=evidence.points,
        seconds=budget.elapsed(),
    )
