"""A matrix claim's assumptions in index form, and which of them the checker can honour.

A scalar relation (``m >= 2``, ``x > 0``) passes as it is. A matrix equality that is one number
(``1^T t = 1``: the entries of t sum to 1) becomes one relation between sums. A matrix equality
holds for every entry at once, which the checker's relations cannot say (they hold at the point
drawn); one kind is honoured all the same, the one probabilities need: the rows (or columns) of
T sum to 1, ``T 1 = 1``. Every such T is its own rows divided by their sums, so the claim is
checked with ``T[r, c]`` replaced by ``T[r, c] / Σ_s T[r, s]``: a proof then holds for every
such T, and a counterexample at any T gives one at a T whose rows sum to 1.

Any other matrix relation is ``unusable``: a proof that did not need it stands, but a
counterexample might break it, so the claim cannot be refuted.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import sympy
from sympy import Basic, Expr, ImmutableMatrix, Indexed, IndexedBase, MatrixSymbol, S, Sum
from sympy.core.relational import Relational

from derive.checker.matrix.indexed import IndexForm, entry_indices, index_symbol
from derive.checker.matrix.shapes import ShapeProblem, has_matrices, shape


@dataclass(frozen=True)
class Normalization:
    """What the assumption ``given`` makes of ``base``: its rows ("rows") or columns
    ("columns") sum to 1, or it is symmetric ("symmetric"). Each such matrix is its own image
    under a map onto them (rows divided by their sums; (A + A^T) / 2), so the claim is checked
    for the image of an arbitrary matrix."""

    given: Basic
    base: IndexedBase
    axis: str
    size: Basic

    def apply(self, expr: Expr) -> Expr:
        """Every entry of ``base`` replaced by the entry of its image."""
        s = index_symbol("n", 0, 4 * 10**9)

        def normalized(element: Indexed) -> Expr:
            r, c = element.indices
            if self.axis == "symmetric":
                return (element + self.base[c, r]) / 2
            whole = self.base[r, s] if self.axis == "rows" else self.base[s, c]
            return element / Sum(whole, (s, 1, self.size))

        return expr.replace(lambda e: isinstance(e, Indexed) and e.base == self.base, normalized)

    def of_matrix(self, matrix: ImmutableMatrix) -> ImmutableMatrix | None:
        """The image of an explicit matrix (None where a row or column sums to 0)."""
        if self.axis == "symmetric":
            return ImmutableMatrix((matrix + matrix.T) / 2)
        sums = [sum(matrix.row(r)) for r in range(matrix.rows)]
        if self.axis == "columns":
            sums = [sum(matrix.col(c)) for c in range(matrix.cols)]
        if any(total == 0 for total in sums):
            return None
        if self.axis == "rows":
            return ImmutableMatrix(matrix.rows, matrix.cols, lambda r, c: matrix[r, c] / sums[r])
        return ImmutableMatrix(matrix.rows, matrix.cols, lambda r, c: matrix[r, c] / sums[c])


@dataclass
class Translated:
    """The assumptions in index form: ``relations`` (index form -> as given), the
    normalizations, and the relations that cannot be used."""

    relations: dict[Basic, Basic] = field(default_factory=dict)
    normalizations: list[Normalization] = field(default_factory=list)
    unusable: list[Basic] = field(default_factory=list)


def translate(assume: Sequence[Basic], form: IndexForm) -> Translated:
    result = Translated()
    for given in assume:
        if not has_matrices(given.lhs, given.rhs):
            result.relations[given.xreplace(form.sizes) if form.sizes else given] = given
            continue
        try:
            _matrix_relation(given, form, result)
        except ShapeProblem:
            result.unusable.append(given)
    return result


def _matrix_relation(given: Relational, form: IndexForm, result: Translated) -> None:
    left_shape, right_shape = shape(given.lhs), shape(given.rhs)
    if left_shape != right_shape:
        raise ShapeProblem("the sides of an assumption differ in shape")
    if left_shape == (1, 1):
        relation = given.func(form.scalar(given.lhs), form.scalar(given.rhs))
        if relation is not sympy.true:
            result.relations[relation] = given
        return
    found = _normalization(given, form) if isinstance(given, sympy.Eq) else None
    if found is None:
        result.unusable.append(given)
    else:
        result.normalizations.append(found)


def _normalization(given: sympy.Eq, form: IndexForm) -> Normalization | None:
    """``T 1 = 1`` (rows), ``1^T T = 1^T`` (columns) or ``A = A^T`` (symmetric), in any order
    of the sides."""
    for one, other in ((given.lhs, given.rhs), (given.rhs, given.lhs)):
        if isinstance(one, MatrixSymbol) and other == one.T and one.shape[0] == one.shape[1]:
            return Normalization(given, form.base(one), "symmetric", form.size(one.shape[0]))
    i, j = entry_indices(shape(given.lhs))
    left, right = form.entry(given.lhs, i, j), form.entry(given.rhs, i, j)
    total = left if right == S.One else right if left == S.One else None
    if not isinstance(total, Sum) or len(total.limits) != 1:
        return None
    s, low, high = total.limits[0]
    body = total.function
    if low != 1 or not isinstance(body, Indexed) or len(body.indices) != 2:
        return None
    if body.indices == (i, s) and j == 1:
        return Normalization(given, body.base, "rows", high)
    if body.indices == (s, j) and i == 1:
        return Normalization(given, body.base, "columns", high)
    return None
