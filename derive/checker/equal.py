"""``check_equal``: judge one claimed equality as proved, refuted or undecided.

The order of work:

1. a numeric search for a counterexample at points in the symbols' domains that satisfy every
   assumption, and between the breakpoints of kinks (enclosures pinned to 30 digits; any
   difference counts, however small), certified by interval arithmetic at the exact point
   (``certify.py``) or, where balls cannot enclose a side, confirmed at 50 digits;
2. a symbolic proof (``methods.py``): an instance of a claim proved for every size, or rewrites
   (``prove.py``) first without the equalities, then with them, which gives ``needs``, or a
   proof between kinks;
3. a numeric cross-check of the symbolic proof at points that satisfy only ``needs``: SymPy's
   simplify and equals have been wrong (sympy issues 17063, 23086, 29781), so a proof that the
   numbers contradict is reported as undecided, with both findings.

Same input, same verdict: the work is bounded by deterministic limits (``limits.py``: rewrites,
expression size, cases, kinks, points, regions), the points are seeded, and SymPy objects are
visited in a canonical order. A step that stops at a limit is undecided and names the limit.
The wall clock is only a guard against a hang (``guard.py``, 60 s a step): a verdict it stops
says so.
"""

from __future__ import annotations

import dataclasses
import numbers
import time
from collections.abc import Sequence

import sympy
from sympy import Basic, Expr
from sympy.core.relational import Relational
from sympy.matrices import MatrixBase
from sympy.matrices.expressions import MatrixExpr

from derive.checker import cache
from derive.checker.evidence import CONFIRM_DIGITS, DIGITS, Entry, Evidence
from derive.checker.guard import GUARD_MESSAGE, GUARD_SECONDS, guarded
from derive.checker.limits import LimitReached, Limits, Work
from derive.checker.matrix.check import Options, check_matrix_equal
from derive.checker.matrix.nodes import LAYOUTS
from derive.checker.matrix.shapes import has_matrices
from derive.checker.methods import Claim, General, Proof, find_proof
from derive.checker.verdict import Verdict

DEFAULT_TIMEOUT = GUARD_SECONDS  # the time guard per step, in seconds
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
    if not isinstance(value, (Expr, MatrixExpr)):
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


def check_equal(
    lhs: object,
    rhs: object,
    *,
    assume: Sequence[Basic] = (),
    timeout: float | None = DEFAULT_TIMEOUT,
    seed: int = 0,
    limits: Limits | None = None,
    instance_of: General | None = None,
    layout: str = "denominator",
) -> Verdict:
    """Judge the claim ``lhs = rhs``: "proved", "refuted" or "undecided".

    The verdict is a function of the arguments alone, except when the time guard fires (then
    it is "undecided" with ``guard=True`` and says so).

    Args:
        lhs, rhs: SymPy expressions (symbol assumptions such as ``real=True`` are honoured),
            SymPy matrices of the same shape (compared entry by entry), or matrix expressions
            of ``MatrixSymbol``s (``X.T * (X * theta - y)``, with real entries, proved for every
            value of their symbolic sizes: ``derive.checker.matrix``). Python numbers are
            accepted; strings are not (they are never evaluated).
        assume: SymPy relations the step may use, e.g. ``[Eq(t1 + t2 + t3, 1), k <= K]``.
        timeout: seconds of the time guard (None: no guard). It only stops a hang; the work
            itself is bounded by ``limits``.
        seed: seeds the numeric points.
        limits: deterministic limits on the work (default ``Limits()``).
        instance_of: a general claim, proved for every size, of which this one may be an
            instance (see ``methods.General``).
        layout: how ``Derivative(f, W)`` by a matrix symbol W is laid out: "denominator" (the
            gradient has W's shape) or "numerator" (W^T's shape).

    Returns:
        A :class:`Verdict`. "proved" needs a symbolic proof that agrees with the numbers;
        "refuted" carries a counterexample with exact coordinates, certified by interval
        arithmetic (``certified``), or, where no interval enclosure exists, confirmed at 50
        digits (``certified`` False, and the method says so); ``needs`` lists the assumptions
        the proof used.

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
    if layout not in LAYOUTS:
        raise ValueError(f"layout must be one of {', '.join(LAYOUTS)}, got {layout!r}")
    limits = limits or Limits()
    if has_matrices(lhs, rhs, *assumptions):  # its index form is checked (and cached) here
        options = Options(timeout, seed, limits, layout)
        return check_matrix_equal(lhs, rhs, assumptions, options, check_equal)
    start = time.monotonic()
    store, key = cache.active(), None
    if store is not None:  # a verdict is a function of these: it may have been decided before
        key = store.key(lhs, rhs, assumptions, seed, limits, instance_of)
        kept = store.get(key, assumptions, timeout)
        if kept is not None:
            return dataclasses.replace(kept, seconds=time.monotonic() - start)
    claim = Claim(lhs, rhs, _entries(lhs, rhs), assumptions, seed, Work(limits), instance_of)
    finished, verdict = guarded(lambda: _judge(claim), timeout)
    seconds = time.monotonic() - start
    if not finished:
        message = GUARD_MESSAGE.format(seconds=timeout)
        return Verdict("undecided", method=message, guard=True, seconds=seconds)
    verdict = dataclasses.replace(verdict, seconds=seconds)
    if store is not None:
        store.put(key, verdict, assumptions)
    return verdict


def _judge(claim: Claim) -> Verdict:
    """Search for a counterexample, look for a proof, cross-check it (see the module's doc)."""
    points = claim.work.limits.points
    search = claim.evidence(claim.assumptions, points, claim.seed)
    if search.counterexample is not None:
        return _refuted(search)
    proof, failure = _prove_safely(claim)
    if proof is None:
        return _undecided(search, _no_proof_reason(claim.work, failure, search))
    cross = search
    if set(proof.needs) != set(claim.assumptions):
        cross = claim.evidence(proof.needs, points, claim.seed + 1)
    conflict = _conflict(cross, proof)
    if conflict:
        return _undecided(cross, f"symbolic proof ({proof.method}) but {conflict}")
    return Verdict(
        "proved",
        needs=proof.needs,
        method=f"{proof.method}; agrees at {cross.points} points ({DIGITS} digits)",
        caveats=proof.caveats,
        points=search.points + (cross.points if cross is not search else 0),
    )


def _prove_safely(claim: Claim) -> tuple[Proof | None, str]:
    """The proof, or None and why SymPy failed ("" if it did not)."""
    try:
        return find_proof(claim), ""
    except LimitReached:
        return None, ""  # the work remembers which limit
    except Exception as error:  # SymPy fails in many ways on odd input; that proves nothing
        return None, f"SymPy failed: {type(error).__name__}: {error}"[:300]


def _conflict(cross: Evidence, proof: Proof) -> str:
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


def _no_proof_reason(work: Work, failure: str, search: Evidence) -> str:
    limit = work.reason()
    reason = f"no symbolic proof: {limit}" if limit else "no symbolic proof found"
    if failure:
        reason += f" ({failure})"
    if search.problem:
        return f"{reason}; no numeric points: {search.problem}"
    return f"{reason}; no counterexample at {search.points} points"


def _refuted(search: Evidence) -> Verdict:
    found = search.counterexample
    entry = f" (entry {found.label})" if found.label else ""
    certificate = found.certificate
    if found.certified:
        method = f"certified: |lhs - rhs| ≥ {certificate.lower} by interval arithmetic{entry}"
        if found.confirmed:
            method += f", confirmed at {CONFIRM_DIGITS} digits"
    else:
        reason = certificate.reason if certificate is not None else "not settled"
        method = (
            f"numeric: the sides differ{entry}, confirmed at {CONFIRM_DIGITS} digits;"
            f" not certified by interval arithmetic ({reason})"
        )
    return Verdict(
        "refuted",
        counterexample=found.point.merged(),
        method=method,
        lhs_value=found.lhs,
        rhs_value=found.rhs,
        discrepancy=found.gap,
        points=search.points + 1,
        certified=found.certified,
    )


def _undecided(evidence: Evidence, reason: str) -> Verdict:
    return Verdict(
        "undecided",
        method=reason,
        discrepancy=evidence.largest if evidence.points else None,
        points=evidence.points,
    )
