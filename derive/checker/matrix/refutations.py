"""Refutations of matrix claims: as exact matrices at small sizes with the slip named
(``refuted``), by shapes that differ (``shapes_differ``), and by explicit matrices where an
inverse keeps the index form from giving one (``explicit_refutation``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import sympy
from sympy import Basic, MatrixSymbol, S
from sympy.matrices.expressions import Inverse, MatPow

from derive.checker.limits import Limits
from derive.checker.matrix import points as explicit_points
from derive.checker.matrix.assumptions import translate
from derive.checker.matrix.claim import MatrixClaim, Options, Scalar, Symbols, index_check
from derive.checker.matrix.counterexamples import as_matrices, entry_text
from derive.checker.matrix.explicit import NotExplicit, explicit
from derive.checker.matrix.indexed import IndexForm
from derive.checker.matrix.nodes import Shape
from derive.checker.matrix.slips import name_slip
from derive.checker.matrix.text import dims_text
from derive.checker.matrix.trials import (
    explicit_pair,
    explicit_trials,
    normalized_symbols,
    size_relations,
)
from derive.checker.verdict import Verdict

SHRINK = (2, 3)  # bounds on the sizes tried, in turn, for a smaller counterexample


def has_inverse(expr: Basic) -> bool:
    return expr.has(Inverse) or any(p.exp.is_negative for p in expr.atoms(MatPow))


def inverses_cancelled(expr: Basic) -> Basic:
    """Products multiplied out at the matrix level, where SymPy cancels ``A A^{-1}``."""
    if not has_inverse(expr):
        return expr
    try:
        return expr.expand()
    except Exception:  # SymPy fails on odd input: the expression as it was
        return expr


def explicit_refutation(
    lhs: Basic, rhs: Basic, assume: Sequence[Basic], options: Options
) -> Verdict | None:
    """A refutation by explicit matrices with exact rational entries, where the index form
    cannot give one (an inverse): an entry whose exact difference is a nonzero rational."""
    symbols = Symbols.of(lhs, rhs)
    exact_trials = explicit_trials(symbols, {}, assume, options.seed, nontrivial=True, exact=True)
    for sizes, values in exact_trials:
        pair = explicit_pair(lhs, rhs, sizes, values)
        if pair is None or pair[0].shape != pair[1].shape:
            continue
        for (r, c), (a, b) in zip(_positions(pair[0]), zip(*pair, strict=True), strict=True):
            gap = a - b  # exact: rational entries, rational arithmetic (an inverse too)
            if gap.is_Rational and gap != 0:
                return Verdict(
                    "refuted",
                    counterexample={**sizes, **values},
                    method=f"entry ({r + 1}, {c + 1}): exact rational arithmetic with explicit "
                    f"matrices, lhs - rhs = {gap}",
                    lhs_value=complex(a),
                    rhs_value=complex(b),
                    discrepancy=abs(float(gap)),
                    certified=True,
                    slip=name_slip(
                        lhs, rhs, explicit_trials(symbols, {}, assume, options.seed, True)
                    ),
                )
    return None


def _positions(matrix: sympy.MatrixBase) -> list[tuple[int, int]]:
    return [(r, c) for r in range(matrix.rows) for c in range(matrix.cols)]


def invertible_at(lhs: Basic, rhs: Basic, point: dict | None) -> bool:
    """Whether every inverted matrix of the claim has an inverse at the counterexample (else
    the claim is not defined there, and the point is no counterexample)."""
    point = point or {}
    sizes = {k: v for k, v in point.items() if not isinstance(k, MatrixSymbol)}
    matrices = {k: v for k, v in point.items() if isinstance(k, MatrixSymbol)}
    inverted = [e.arg for e in (lhs.atoms(Inverse) | rhs.atoms(Inverse))]
    inverted += [p.base for p in lhs.atoms(MatPow) | rhs.atoms(MatPow) if p.exp.is_negative]
    for matrix in inverted:
        try:
            if explicit(matrix, matrices, sizes).det() == 0:
                return False
        except (NotExplicit, KeyError, ValueError, ZeroDivisionError):
            return False
    return True


def _searching(limits: Limits | None) -> Limits:
    """Limits for a search of a smaller counterexample only: the claim is refuted already,
    so no proof is looked for (its rewrites would cost the most)."""
    return dataclasses.replace(limits or Limits(), rewrites=1, simplify=1, size=1)


def smaller(
    claim: MatrixClaim, verdict: Verdict, options: Options, scalar: Scalar, normalized: bool
) -> Verdict:
    """A counterexample at sizes <= 2 (else <= 3) when the checker finds one there."""
    twins = [claim.form.size(s) for s in claim.symbols.sizes if not s.is_number]
    point = verdict.counterexample or {}
    values = [int(point[t]) for t in twins if t in point]
    quick = dataclasses.replace(options, limits=_searching(options.limits))
    for bound in SHRINK:
        if not values or max(values) <= bound:
            return verdict
        smaller = index_check(claim, quick, scalar, normalized, [t <= bound for t in twins])
        if smaller.refuted:
            return dataclasses.replace(smaller, needs=())
    return verdict


def refuted(
    claim: MatrixClaim, verdict: Verdict, normalized: bool, options: Options, scalar: Scalar
) -> Verdict:
    """The index-form refutation as matrices, its slip named; undecided when an assumption or
    an inverse could not be written exactly (the counterexample might not be one)."""
    if claim.assumptions.unusable or claim.form.opaque:
        what = (
            f"the assumption {claim.assumptions.unusable[0]} cannot be used"
            if claim.assumptions.unusable
            else "an inverse was taken as an arbitrary matrix"
        )
        return Verdict(
            "undecided",
            method=f"no proof in index form, and its counterexample may not be one: {what}",
            points=verdict.points,
        )
    verdict = smaller(claim, verdict, options, scalar, normalized)
    point = verdict.counterexample or {}
    normalizations = claim.assumptions.normalizations if normalized else ()
    symbols = claim.symbols
    matrices = as_matrices(claim.form, point, symbols.sizes, symbols.scalars, normalizations)
    entry = "" if claim.shape == (S.One, S.One) else f"entry {entry_text(point, claim.indices)}: "
    relations = list(claim.assumptions.relations.values())
    normalizations = normalized_symbols(claim.form, claim.assumptions)
    trials = explicit_trials(symbols, normalizations, relations, options.seed, nontrivial=True)
    return dataclasses.replace(
        verdict,
        counterexample=matrices,
        method=f"{entry}{verdict.method}",
        slip=name_slip(claim.lhs, claim.rhs, trials),
    )


def shapes_differ(
    lhs: Basic, rhs: Basic, left: Shape, right: Shape, assume: Sequence[Basic], options: Options
) -> Verdict:
    """Sides of different shapes: refuted at the first sizes where the shapes differ."""
    symbols = Symbols.of(lhs, rhs)
    for values in explicit_points.assignments(symbols.sizes, size_relations(symbols.sizes, assume)):
        at = {s: sympy.Integer(v) for s, v in values.items()}
        here = [tuple(sympy.sympify(d).xreplace(at) for d in s) for s in (left, right)]
        if here[0] != here[1]:
            break
    else:
        return Verdict(
            "undecided",
            method=f"the sides' shapes differ ({dims_text(left)} and {dims_text(right)}), but "
            "not at the sizes tried",
        )
    form = IndexForm()
    translated = translate(assume, form)
    normalizations = normalized_symbols(form, translated)
    symbols = Symbols.of(lhs, rhs, *(n.given for n in translated.normalizations))
    trials = explicit_trials(symbols, normalizations, assume, options.seed, nontrivial=True)
    return Verdict(
        "refuted",
        counterexample=dict(at),
        method=(
            f"the sides have different shapes: lhs is {dims_text(left)}, rhs is "
            f"{dims_text(right)} ({dims_text(here[0])} and {dims_text(here[1])} here; exact)"
        ),
        certified=True,
        slip=name_slip(lhs, rhs, trials),
    )
