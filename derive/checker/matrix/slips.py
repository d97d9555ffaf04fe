"""Naming the slip of a refuted matrix claim: what the claimed side is, next to the truth.

The classic slips of the notation are a missing or extra transpose, factors in another order,
the other layout of a gradient, a dropped or extra scale (1/m, m, 2), ``⊙`` where a matrix
product belongs (or the reverse) and a sign. Each kind is a rule in ``SLIPS``: it proposes
corrections of the right side; a correction that equals the left side at explicit matrices of
several sizes (non-square ones included) names the slip. The name is a diagnosis offered beside
a refutation, which stands on its own certificate.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator, Sequence

import sympy
from sympy import Basic, S
from sympy.matrices.expressions import HadamardProduct, MatMul, MatrixExpr

from derive.checker.matrix.explicit import NotExplicit, difference_zero, explicit
from derive.checker.matrix.nodes import Gradient
from derive.checker.matrix.shapes import ShapeProblem, shape
from derive.checker.matrix.text import matrix_text

Candidate = tuple[Basic, str]  # (a correction of the right side, what the slip was)
MAX_FACTORS = 4  # permutations of at most this many factors are tried (24)


def _subexpressions(expr: Basic, kind: type) -> list[Basic]:
    return sorted(expr.atoms(kind), key=sympy.default_sort_key)


def _transposed(lhs: Basic, rhs: Basic, sizes: Sequence[Basic]) -> Iterator[Candidate]:
    if not isinstance(rhs, MatrixExpr):
        return
    gradient = next(iter(sorted(lhs.atoms(Gradient), key=sympy.default_sort_key)), None)
    if gradient is not None and (lhs == gradient or lhs.has(gradient)):
        other = "numerator" if gradient.layout == "denominator" else "denominator"
        yield (
            rhs.T,
            (
                f"the right side is the transpose of the left: the gradient in the {other} "
                f"layout (in the {gradient.layout} layout ∂f/∂W has "
                + ("W's shape)" if gradient.layout == "denominator" else "the shape of W^T)")
            ),
        )
    yield rhs.T, "the right side is the transpose of the left side"


def _reordered(lhs: Basic, rhs: Basic, sizes: Sequence[Basic]) -> Iterator[Candidate]:
    for product in _subexpressions(rhs, MatMul):
        coefficient, factors = product.as_coeff_matrices()
        if not 2 <= len(factors) <= MAX_FACTORS:
            continue
        for order in itertools.permutations(factors):
            if list(order) == factors:
                continue
            other = MatMul(coefficient, *order)
            try:
                shape(other)
            except ShapeProblem:
                continue
            yield (
                rhs.xreplace({product: other}),
                (
                    f"the factors of `{matrix_text(product)}` are in another order: the left side "
                    f"has `{matrix_text(other)}`"
                ),
            )


def _scaled(lhs: Basic, rhs: Basic, sizes: Sequence[Basic]) -> Iterator[Candidate]:
    for factor in [*sizes, sympy.Integer(2)]:
        yield rhs / factor, f"the right side is {factor} times the left side"
        yield rhs * factor, f"the right side is the left side divided by {factor}"


def _hadamard_for_product(lhs: Basic, rhs: Basic, sizes: Sequence[Basic]) -> Iterator[Candidate]:
    for hadamard in _subexpressions(rhs, HadamardProduct):
        for order in itertools.permutations(hadamard.args):
            if len(order) == 2:
                other = MatMul(*order)
                try:
                    shape(other)
                except ShapeProblem:
                    continue
                yield (
                    rhs.xreplace({hadamard: other}),
                    (
                        f"`{matrix_text(hadamard)}` uses ⊙ where the left side has the matrix "
                        f"product `{matrix_text(other)}`"
                    ),
                )
    for product in _subexpressions(rhs, MatMul):
        coefficient, factors = product.as_coeff_matrices()
        if len(factors) == 2 and shape(factors[0]) == shape(factors[1]):
            other = coefficient * HadamardProduct(*factors)
            yield (
                rhs.xreplace({product: other}),
                (
                    f"`{matrix_text(product)}` is a matrix product where the left side has "
                    f"`{matrix_text(other)}` (⊙)"
                ),
            )


def _negated(lhs: Basic, rhs: Basic, sizes: Sequence[Basic]) -> Iterator[Candidate]:
    yield -rhs, "the right side is the negative of the left side (a sign)"


# (name, corrections of the right side), the most telling first
SLIPS: tuple[tuple[str, Callable[[Basic, Basic, Sequence[Basic]], Iterator[Candidate]]], ...] = (
    ("transpose", _transposed),
    ("order", _reordered),
    ("hadamard", _hadamard_for_product),
    ("scale", _scaled),
    ("sign", _negated),
)
MAX_CANDIDATES = 60  # corrections tried per claim, in all


def name_slip(lhs: Basic, rhs: Basic, trials: Sequence[tuple[dict, dict]]) -> str:
    """The slip of ``rhs`` against ``lhs`` (the truth), or "" when no rule explains it.

    ``trials``: (sizes, values) pairs, explicit points at several sizes; a correction must
    agree with the left side at every one of them.
    """
    target = shape(lhs)
    sizes = sorted({s for sz, _ in trials for s in sz}, key=sympy.default_sort_key)
    left = []
    for sizes_at, values in trials:
        try:
            left.append(_explicit(lhs, values, sizes_at))
        except (NotExplicit, ZeroDivisionError, ValueError):
            return ""
    tried = 0
    for _name, rule in SLIPS:
        for candidate, description in rule(lhs, rhs, sizes):
            tried += 1
            if tried > MAX_CANDIDATES:
                return ""
            if _agrees(candidate, target, left, trials):
                return description
    return ""


def _explicit(expr: Basic, values: dict, sizes: dict) -> Basic:
    """``expr`` at a trial: its matrices' values, and its sizes and scalars' (a bias b, a
    label y beside the matrices)."""
    matrices = {k: v for k, v in values.items() if isinstance(k, sympy.MatrixSymbol)}
    scalars = {k: v for k, v in values.items() if not isinstance(k, sympy.MatrixSymbol)}
    return explicit(expr, matrices, {**sizes, **scalars})


def _agrees(candidate: Basic, target: tuple, left: list, trials: Sequence) -> bool:
    try:
        if shape(candidate) != target and target != (S.One, S.One):
            return False
        for expected, (sizes_at, values) in zip(left, trials, strict=True):
            if difference_zero(expected, _explicit(candidate, values, sizes_at)) is not True:
                return False
    except (ShapeProblem, NotExplicit, ZeroDivisionError, ValueError, TypeError):
        return False
    return True
