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
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import sympy
from sympy import Basic, Derivative, Expr, MatrixSymbol, S

from derive.checker.guard import GUARD_MESSAGE, guarded
from derive.checker.limits import Limits
from derive.checker.matrix import points as explicit_points
from derive.checker.matrix.assumptions import Normalization, Translated, translate
from derive.checker.matrix.counterexamples import as_matrices, entry_text
from derive.checker.matrix.explicit import NotExplicit, difference_zero, explicit
from derive.checker.matrix.indexed import IndexForm, entry_indices
from derive.checker.matrix.nodes import Gradient, Shape
from derive.checker.matrix.shapes import ShapeProblem, shape, sizes_of
from derive.checker.matrix.slips import name_slip
from derive.checker.matrix.text import dims_text
from derive.checker.verdict import Verdict

Scalar = Callable[..., Verdict]  # derive.checker.equal.check_equal, for the index form
SHRINK = (2, 3)  # bounds on the sizes tried, in turn, for a smaller counterexample


@dataclass(frozen=True)
class Options:
    """What the index-form check is called with (see ``check_equal``)."""

    timeout: float | None
    seed: int
    limits: Limits | None
    layout: str


@dataclass(frozen=True)
class Symbols:
    """A claim's sizes, matrix symbols and scalar symbols, each sorted."""

    sizes: list[Basic]
    matrices: list[MatrixSymbol]
    scalars: list[Basic]

    @classmethod
    def of(cls, *exprs: Basic) -> Symbols:
        sizes = sizes_of(*exprs)
        matrices = {m for e in exprs for m in e.atoms(MatrixSymbol)}
        scalars = {
            s
            for e in exprs
            for s in e.free_symbols
            if not isinstance(s, MatrixSymbol) and s not in sizes
        }
        return cls(
            sizes,
            sorted(matrices, key=lambda m: str(m.name)),
            sorted(scalars, key=sympy.default_sort_key),
        )


@dataclass(frozen=True)
class MatrixClaim:
    """A claim translated: the sides in index form at entry (i, j) and the ranges of i and j,
    the assumptions in index form, the symbols."""

    lhs: Basic
    rhs: Basic
    shape: Shape
    form: IndexForm
    indices: tuple[Basic, Basic]
    left: Expr
    right: Expr
    ranges: tuple[Basic, ...]
    assumptions: Translated
    symbols: Symbols


def as_gradients(expr: Basic, layout: str) -> Basic:
    """SymPy's ``Derivative(f, W)`` by a matrix symbol W, as a :class:`Gradient` in ``layout``."""

    def convert(d: Derivative) -> Basic:
        (variable, count), *rest = d.variable_count
        if rest or count != 1 or not isinstance(variable, MatrixSymbol):
            return d
        return Gradient(d.expr, variable, layout)

    if not expr.has(Derivative):
        return expr
    return expr.replace(lambda e: isinstance(e, Derivative), convert)


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
    lhs, rhs = as_gradients(lhs, options.layout), as_gradients(rhs, options.layout)
    try:
        left_shape, right_shape = shape(lhs), shape(rhs)
        if left_shape != right_shape:
            return _shapes_differ(lhs, rhs, left_shape, right_shape, assume, options)
        claim = _translate(lhs, rhs, left_shape, assume)
    except ShapeProblem as problem:
        return Verdict("undecided", method=f"cannot check: {problem}")
    verdict, normalized = _index_verdict(claim, assume, options, scalar)
    if verdict.proved:
        return _cross_checked(claim, verdict, options)
    if verdict.refuted:
        return _refuted(claim, verdict, normalized, options, scalar)
    return dataclasses.replace(verdict, method=f"in index form: {verdict.method}")


def _translate(lhs: Basic, rhs: Basic, claim_shape: Shape, assume: Sequence[Basic]) -> MatrixClaim:
    form = IndexForm()
    form.taken |= {str(s) for e in (lhs, rhs, *assume) for s in e.free_symbols}
    form.declare_sizes(lhs, rhs, *assume)
    i, j = entry_indices(claim_shape, form)
    left, right = form.entry_or_scalar(lhs, i, j), form.entry_or_scalar(rhs, i, j)
    ranges = tuple(
        index <= form.size(size)
        for index, size in zip((i, j), claim_shape, strict=True)
        if index != 1
    )
    assumptions = translate(assume, form)
    symbols = Symbols.of(lhs, rhs, *(n.given for n in assumptions.normalizations))
    return MatrixClaim(
        lhs, rhs, claim_shape, form, (i, j), left, right, ranges, assumptions, symbols
    )


def _index_check(
    claim: MatrixClaim,
    options: Options,
    scalar: Scalar,
    normalize: bool,
    extra: Sequence[Basic] = (),
) -> Verdict:
    left, right = claim.left, claim.right
    if normalize:
        for normalization in claim.assumptions.normalizations:
            left, right = normalization.apply(left), normalization.apply(right)
    return scalar(
        left,
        right,
        assume=[*claim.ranges, *claim.assumptions.relations, *extra],
        timeout=options.timeout,
        seed=options.seed,
        limits=options.limits,
    )


def _index_verdict(
    claim: MatrixClaim, assume: Sequence[Basic], options: Options, scalar: Scalar
) -> tuple[Verdict, bool]:
    """The index-form verdict, first without the normalizing assumptions, then with them;
    and whether they were applied. ``needs`` names the assumptions as given, in their order."""
    verdict = _index_check(claim, options, scalar, normalize=False)
    normalized = False
    if not verdict.proved and claim.assumptions.normalizations:
        verdict = _index_check(claim, options, scalar, normalize=True)
        normalized = True
    used = {
        claim.assumptions.relations[n] for n in verdict.needs if n in claim.assumptions.relations
    }
    if normalized and verdict.proved:
        used |= {n.given for n in claim.assumptions.normalizations}
    return dataclasses.replace(verdict, needs=tuple(a for a in assume if a in used)), normalized


def _size_relations(sizes: Sequence[Basic], assume: Sequence[Basic]) -> list[Basic]:
    """The assumptions about sizes alone (``m >= 2``)."""
    return [a for a in assume if a.free_symbols and a.free_symbols <= set(sizes)]


def _normalized(form: IndexForm, translated: Translated) -> dict[MatrixSymbol, Normalization]:
    """matrix symbol -> the normalization of its rows or columns that an assumption asks for."""
    bases = {base: symbol for symbol, base in form.bases.items()}
    return {bases[n.base]: n for n in translated.normalizations if n.base in bases}


def _trials(
    symbols: Symbols,
    normalizations: dict[MatrixSymbol, Normalization],
    assume: Sequence[Basic],
    seed: int,
    nontrivial: bool = False,
) -> list[tuple[dict, dict]]:
    """(sizes, values) at every size assignment, one explicit point each (only assignments
    with a size other than 1 when ``nontrivial``)."""
    trials = []
    relations = _size_relations(symbols.sizes, assume)
    for sizes in explicit_points.assignments(symbols.sizes, relations):
        if nontrivial and sizes and all(v == 1 for v in sizes.values()):
            continue
        for matrices, scalars in explicit_points.points(
            symbols.matrices, symbols.scalars, sizes, normalizations, seed, 1
        ):
            trials.append((sizes, {**matrices, **scalars}))
    return trials


def _explicit_pair(lhs: Basic, rhs: Basic, sizes: dict, values: dict) -> tuple | None:
    scalars = {k: v for k, v in values.items() if not isinstance(k, MatrixSymbol)}
    matrices = {k: v for k, v in values.items() if isinstance(k, MatrixSymbol)}
    at = {**sizes, **scalars}
    try:
        return explicit(lhs, matrices, at), explicit(rhs, matrices, at)
    except (NotExplicit, ZeroDivisionError, ValueError):
        return None


def sizes_text(sizes: dict) -> str:
    """``(m, n) = (2, 3)``."""
    names = ", ".join(str(s) for s in sizes)
    values = ", ".join(str(v) for v in sizes.values())
    return f"({names}) = ({values})" if len(sizes) != 1 else f"{names} = {values}"


def _at(assignments: list[dict]) -> str:
    """``(m, n) = (1, 1), (2, 3), (3, 2)``; ``the sizes given`` when every size is a number."""
    if not assignments[0]:
        return "the sizes given"
    names = ", ".join(str(s) for s in assignments[0])
    values = [", ".join(str(v) for v in a.values()) for a in assignments]
    if len(assignments[0]) == 1:
        return f"{names} = {', '.join(values)}"
    return f"({names}) = " + ", ".join(f"({v})" for v in values)


def _cross_checked(claim: MatrixClaim, verdict: Verdict, options: Options) -> Verdict:
    """The index-form proof, checked against explicit matrices at several sizes."""
    sizes = claim.symbols.sizes
    method = f"for every {', '.join(map(str, sizes))} " if sizes else ""
    method += f"in index form ({verdict.method})"
    relations = list(claim.assumptions.relations.values())
    if claim.assumptions.unusable or not all(a.free_symbols <= set(sizes) for a in relations):
        return dataclasses.replace(
            verdict, method=f"{method}; no explicit cross-check: an assumption is about entries"
        )
    agreed = []
    normalizations = _normalized(claim.form, claim.assumptions)
    for at, values in _trials(claim.symbols, normalizations, relations, options.seed):
        pair = _explicit_pair(claim.lhs, claim.rhs, at, values)
        same = None if pair is None else difference_zero(*pair)
        if same is False:
            return Verdict(
                "undecided",
                method=f"{method}, but explicit matrices differ at {sizes_text(at)}",
                points=verdict.points,
            )
        if same:
            agreed.append(at)
    if not agreed:
        return dataclasses.replace(verdict, method=f"{method}; no explicit point evaluated")
    return dataclasses.replace(
        verdict, method=f"{method}; explicit matrices agree at {_at(agreed)}"
    )


def _smaller(
    claim: MatrixClaim, verdict: Verdict, options: Options, scalar: Scalar, normalized: bool
) -> Verdict:
    """A counterexample at sizes <= 2 (else <= 3) when the checker finds one there."""
    twins = [claim.form.size(s) for s in claim.symbols.sizes if not s.is_number]
    point = verdict.counterexample or {}
    values = [int(point[t]) for t in twins if t in point]
    for bound in SHRINK:
        if not values or max(values) <= bound:
            return verdict
        smaller = _index_check(claim, options, scalar, normalized, [t <= bound for t in twins])
        if smaller.refuted:
            return dataclasses.replace(smaller, needs=())
    return verdict


def _refuted(
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
    verdict = _smaller(claim, verdict, options, scalar, normalized)
    point = verdict.counterexample or {}
    normalizations = claim.assumptions.normalizations if normalized else ()
    symbols = claim.symbols
    matrices = as_matrices(claim.form, point, symbols.sizes, symbols.scalars, normalizations)
    entry = "" if claim.shape == (S.One, S.One) else f"entry {entry_text(point, claim.indices)}: "
    relations = list(claim.assumptions.relations.values())
    normalizations = _normalized(claim.form, claim.assumptions)
    trials = _trials(symbols, normalizations, relations, options.seed, nontrivial=True)
    return dataclasses.replace(
        verdict,
        counterexample=matrices,
        method=f"{entry}{verdict.method}",
        slip=name_slip(claim.lhs, claim.rhs, trials),
    )


def _shapes_differ(
    lhs: Basic, rhs: Basic, left: Shape, right: Shape, assume: Sequence[Basic], options: Options
) -> Verdict:
    """Sides of different shapes: refuted at the first sizes where the shapes differ."""
    symbols = Symbols.of(lhs, rhs)
    for values in explicit_points.assignments(
        symbols.sizes, _size_relations(symbols.sizes, assume)
    ):
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
    normalizations = _normalized(form, translated)
    symbols = Symbols.of(lhs, rhs, *(n.given for n in translated.normalizations))
    trials = _trials(symbols, normalizations, assume, options.seed, nontrivial=True)
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
