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

import sympy
from sympy import Basic, Expr
from sympy.core.relational import Relational
from sympy.matrices import MatrixBase

from derive.checker.budget import Budget
from derive.checker.conventions import convention_caveats, prove_between_kinks
from derive.checker.evidence import CONFIRM_DIGITS, DIGITS, Entry, Evidence, gather
from derive.checker.prove import attempt
from derive.checker.verdict import Verdict

DEFAULT_TIMEOUT = 5.0
SEARCH_POINTS = 10  # points tried for a counterexample
NEED_POINTS = 6  # points tried without an assumption, to show that a proof needs it
CROSS_CHECK_POINTS = 4  # agreeing points a symbolic proof needs, at the least

_HOW_TO_BUILD = (
    "build expressions with SymPy objects, e.g. x = sympy.Symbol('x', real=True); "
    "strings are never evaluated (parse text with derive.parse_expr)"
)


def as_expr(value: object, name: str) -> Basic:
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


def as_assumptions(assume: object) -> tuple[Basic, ...]:
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


def _entries(lhs: Basic, rhs: Basic) -> list[Entry]:
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
class _Claim:
    """One check in progress: its entries, budget and a cache of instantiated sides."""

    entries: list[Entry]
    assumptions: tuple[Basic, ...]
    budget: Budget
    seed: int
    cache: dict = field(default_factory=dict)

    @property
    def sides(self) -> list[Basic]:
        return [side for _, lhs, rhs in self.entries for side in (lhs, rhs)]

    @property
    def diffs(self) -> list[Basic]:
        """lhs - rhs per entry, as given: the Kronecker-delta rule works on unevaluated sums."""
        return [lhs - rhs for _, lhs, rhs in self.entries]

    def evidence(self, assume: Sequence[Basic], budget: Budget, count: int, seed: int) -> Evidence:
        return gather(self.entries, assume, budget, seed=seed, count=count, cache=self.cache)


@dataclass
class _Proof:
    method: str | None = None
    needs: tuple[Basic, ...] = ()
    caveats: tuple[str, ...] = ()
    almost_everywhere: bool = False
    timed_out: bool = False
    failure: str = ""  # an exception SymPy raised


def _prove_safely(claim: _Claim, budget: Budget) -> _Proof:
    try:
        finished, proof = budget.run(lambda: _prove(claim, budget))
    except Exception as error:  # SymPy fails in many ways on odd input; that proves nothing
        return _Proof(failure=f"SymPy failed: {type(error).__name__}: {error}"[:300])
    return proof if finished else _Proof(timed_out=True)


def _prove(claim: _Claim, budget: Budget) -> _Proof:
    """First without the equalities (sum t = 1 ...), then with them: so ``needs`` names an
    equality only when no proof was found without it (the first attempt is skipped when the
    numbers show the sides differ without them). Failing both, prove it between kinks."""
    relations = tuple(a for a in claim.assumptions if not isinstance(a, sympy.Eq))
    method, needs, timed_out = None, (), False
    if len(relations) == len(claim.assumptions) or not _fails_without(claim, relations, budget):
        method, needs, timed_out = attempt(claim.diffs, relations, budget.part(0.5))
    if method is None and len(relations) < len(claim.assumptions):
        method, needs, late = attempt(claim.diffs, claim.assumptions, budget.part(0.6))
        timed_out = timed_out or late
    if method is not None:
        return _Proof(method, needs, convention_caveats(claim.sides, claim.diffs, budget))
    found = prove_between_kinks(claim.sides, claim.diffs, claim.assumptions, budget)
    if found is None:
        return _Proof(timed_out=timed_out or budget.expired())
    return _Proof(found.method, found.needs, found.caveats, found.may_differ_at_kinks)


def _fails_without(claim: _Claim, relations: tuple[Basic, ...], budget: Budget) -> bool:
    """Whether the sides differ at a point that ignores the equalities (sum t = 1): then no
    proof without them exists, and the (costly, failing) attempt to find one is skipped."""
    evidence = claim.evidence(relations, budget.part(0.2), NEED_POINTS, claim.seed + 2)
    return evidence.counterexample is not None


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
    lhs, rhs = as_expr(lhs, "lhs"), as_expr(rhs, "rhs")
    assumptions = as_assumptions(assume)
    if timeout is not None and not timeout > 0:
        raise ValueError(f"timeout must be positive seconds or None, got {timeout!r}")
    claim = _Claim(_entries(lhs, rhs), assumptions, Budget(timeout), seed)
    search = claim.evidence(assumptions, claim.budget.part(0.35), SEARCH_POINTS, seed)
    if search.counterexample is not None:
        return _refuted(search, claim.budget)
    proof = _prove_safely(claim, claim.budget.part(0.8))
    if proof.method is None:
        return _undecided(search, claim.budget, _no_proof_reason(proof, search, timeout))
    cross = search
    if set(proof.needs) != set(assumptions):
        cross = claim.evidence(proof.needs, claim.budget, SEARCH_POINTS, seed + 1)
    conflict = _conflict(cross, proof)
    if conflict:
        return _undecided(cross, claim.budget, f"symbolic proof ({proof.method}) but {conflict}")
    return Verdict(
        "proved",
        needs=proof.needs,
        method=f"{proof.method}; agrees at {cross.points} points ({DIGITS} digits)",
        caveats=proof.caveats,
        points=search.points + (cross.points if cross is not search else 0),
        seconds=claim.budget.elapsed(),
    )


def _conflict(cross: Evidence, proof: _Proof) -> str:
    if cross.counterexample is not None:
        return f"the numbers differ at {cross.counterexample.where()}"
    if cross.kink_mismatch and not proof.almost_everywhere:
        return "the numbers differ at a kink point"
    if cross.unclear:
        return f"at {cross.unclear} points the sides agree only to a few digits"
    if cross.points < CROSS_CHECK_POINTS:
        reason = f": {cross.problem}" if cross.problem else ""
        return f"too few points to cross-check it numerically ({cross.points}){reason}"
    return ""


def _no_proof_reason(proof: _Proof, search: Evidence, timeout: float | None) -> str:
    reason = f"ran out of time ({timeout} s)" if proof.timed_out else "no symbolic proof found"
    if proof.failure:
        reason += f" ({proof.failure})"
    if search.problem:
        return f"{reason}; no numeric points: {search.problem}"
    return f"{reason}; no counterexample at {search.points} points"


def _refuted(search: Evidence, budget: Budget) -> Verdict:
    found = search.counterexample
    entry = f" (entry {found.label})" if found.label else ""
    return Verdict(
        "refuted",
        counterexample=found.point.merged(),
        method=f"numeric: the sides differ{entry}, confirmed at {CONFIRM_DIGITS} digits",
        lhs_value=found.lhs,
        rhs_value=found.rhs,
        discrepancy=found.gap,
        points=search.points + 1,
        seconds=budget.elapsed(),
    )


def _undecided(evidence: Evidence, budget: Budget, reason: str) -> Verdict:
    return Verdict(
        "undecided",
        method=reason,
        discrepancy=evidence.largest if evidence.points else None,
        points=evidence.points,
        seconds=budget.elapsed(),
    )
