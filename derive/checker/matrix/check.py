"""Judge a claim between matrix expressions, for every size: ``check_matrix_equal``.

The order of work:

1. shapes (``shapes.py``): a part that does not conform is "cannot check" (undecided, with the
   one-line reason), never a refutation; sides of different shapes are refuted at sizes where
   the shapes differ (a fact about shapes, exact);
2. the claim in index form (``indexed.py``): entry (i, j) of each side for every size and every
   i <= rows, j <= cols, judged by the scalar checker, which proves for symbolic sizes and
   refutes with a certified counterexample; first without the normalizing assumptions
   (``T 1 = 1``), then with them, so that ``needs`` names them only when the proof used them;
3. a proof is cross-checked with explicit matrices (``explicit.py``) at several sizes, among
   them non-square ones and size 1 (``points.py``): the road through SymPy's matrix arithmetic
   shares nothing with the index form but the input, so a translation error shows;
4. a refutation is shown as matrices (``counterexamples.py``), at sizes made small where the
   checker finds a counterexample there too, and its slip is named (``slips.py``).
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Sequence

from sympy import Basic

from derive.checker.guard import GUARD_MESSAGE, guarded
from derive.checker.matrix.claim import (
    Options,
    Scalar,
    as_gradients,
    index_verdict,
    translate_claim,
)
from derive.checker.matrix.refutations import (
    explicit_refutation,
    has_inverse,
    inverses_cancelled,
    invertible_at,
    refuted,
    shapes_differ,
)
from derive.checker.matrix.shapes import ShapeProblem, shape
from derive.checker.matrix.trials import cross_checked
from derive.checker.verdict import Verdict

__all__ = ["Options", "as_gradients", "check_matrix_equal"]


def check_matrix_equal(
    lhs: Basic, rhs: Basic, assume: Sequence[Basic], options: Options, scalar: Scalar
) -> Verdict:
    """Judge ``lhs = rhs`` between matrix expressions (see the module's doc).

    ``scalar`` is the scalar checker (``check_equal``), called on the index form.
    """
    start = time.monotonic()
    finished, verdict = guarded(lambda: _judge(lhs, rhs, assume, options, scalar), options.timeout)
    seconds = time.monotonic() - start
    if not finished:
        message = GUARD_MESSAGE.format(seconds=options.timeout)
        return Verdict("undecided", method=message, guard=True, seconds=seconds)
    return dataclasses.replace(verdict, seconds=seconds)


def _judge(
    lhs: Basic, rhs: Basic, assume: Sequence[Basic], options: Options, scalar: Scalar
) -> Verdict:
    """The claim as written, and, if it has an inverse, with the products multiplied out: an
    inverse has no index form (it is an arbitrary matrix there), so a claim that rests on
    ``A A^{-1} = I`` is proved only where SymPy cancels it at the matrix level. The form with
    no inverse left, if there is one, goes first (it is decisive both ways)."""
    lhs, rhs = as_gradients(lhs, options.layout), as_gradients(rhs, options.layout)
    expanded = inverses_cancelled(lhs), inverses_cancelled(rhs)
    if expanded == (lhs, rhs):
        return _judge_sides(lhs, rhs, assume, options, scalar)
    if not any(has_inverse(side) for side in expanded):
        verdict = _judge_sides(*expanded, assume, options, scalar)
        if verdict.proved or (verdict.refuted and invertible_at(lhs, rhs, verdict.counterexample)):
            return verdict
        return explicit_refutation(lhs, rhs, assume, options) or _undecided(verdict)
    verdict = _judge_sides(lhs, rhs, assume, options, scalar)
    if verdict.proved:
        return verdict
    again = _judge_sides(*expanded, assume, options, scalar)
    if again.proved:
        return again
    return explicit_refutation(lhs, rhs, assume, options) or verdict


def _undecided(verdict: Verdict) -> Verdict:
    return Verdict(
        "undecided",
        method="multiplied out, the sides differ only at a point where an inverted matrix has "
        "no inverse; no counterexample with explicit matrices",
        points=verdict.points,
    )


def _judge_sides(
    lhs: Basic, rhs: Basic, assume: Sequence[Basic], options: Options, scalar: Scalar
) -> Verdict:
    try:
        left_shape, right_shape = shape(lhs), shape(rhs)
        if left_shape != right_shape:
            return shapes_differ(lhs, rhs, left_shape, right_shape, assume, options)
        claim = translate_claim(lhs, rhs, left_shape, assume)
    except ShapeProblem as problem:
        return Verdict("undecided", method=f"cannot check: {problem}")
    verdict, normalized = index_verdict(claim, assume, options, scalar)
    if verdict.proved:
        return cross_checked(claim, verdict, options)
    if verdict.refuted:
        return refuted(claim, verdict, normalized, options, scalar)
    return dataclasses.replace(verdict, method=f"in index form: {verdict.method}")
