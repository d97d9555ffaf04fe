"""A matrix claim translated to index form, and judged there by the scalar checker.

``translate_claim`` gives each side's entry (i, j) with the ranges of i and j, the assumptions
in index form and the claim's symbols; ``index_verdict`` judges it, first without the
normalizing assumptions (``T 1 = 1``), then with them, so that ``needs`` names them only when
the proof used them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import sympy
from sympy import Basic, Derivative, Expr, MatrixSymbol

from derive.checker.evidence import gather
from derive.checker.limits import Limits
from derive.checker.matrix.assumptions import Translated, translate
from derive.checker.matrix.indexed import IndexForm, entry_indices
from derive.checker.matrix.nodes import Gradient, Shape
from derive.checker.matrix.shapes import sizes_of
from derive.checker.verdict import Verdict

Scalar = Callable[..., Verdict]  # derive.checker.equal.check_equal, for the index form


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


def translate_claim(
    lhs: Basic, rhs: Basic, claim_shape: Shape, assume: Sequence[Basic]
) -> MatrixClaim:
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


def index_check(
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


HINT_POINTS = 6  # points of the hint that a proof needs the normalizing assumptions


def _differs_without(claim: MatrixClaim, options: Options) -> bool:
    """Whether the numbers show the sides differ when the rows of T need not sum to 1: then
    no proof without that assumption exists, and the check that would look for one (and
    certify its counterexample, which is never reported) is skipped. A hint only: a miss
    costs the check it would have saved."""
    entries = [("", claim.left, claim.right)]
    found = gather(
        entries,
        [*claim.ranges, *claim.assumptions.relations],
        seed=options.seed + 2,
        count=HINT_POINTS,
        decisive=False,
    )
    return found.counterexample is not None


def index_verdict(
    claim: MatrixClaim, assume: Sequence[Basic], options: Options, scalar: Scalar
) -> tuple[Verdict, bool]:
    """The index-form verdict, first without the normalizing assumptions, then with them;
    and whether they were applied. ``needs`` names the assumptions as given, in their order."""
    plain = not claim.assumptions.normalizations or not _differs_without(claim, options)
    verdict = index_check(claim, options, scalar, normalize=False) if plain else None
    normalized = False
    if (verdict is None or not verdict.proved) and claim.assumptions.normalizations:
        verdict = index_check(claim, options, scalar, normalize=True)
        normalized = True
    used = {
        claim.assumptions.relations[n] for n in verdict.needs if n in claim.assumptions.relations
    }
    if normalized and verdict.proved:
        used |= {n.given for n in claim.assumptions.normalizations}
    return dataclasses.replace(verdict, needs=tuple(a for a in assume if a in used)), normalized
