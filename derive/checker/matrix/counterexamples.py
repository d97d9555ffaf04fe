"""A counterexample in index form, shown as matrices: sizes, then each matrix's entries.

The index form's counterexample names sizes, the entry's indices and array elements
(``X[2, 1] = 1/2``); a person checks a matrix claim with the matrices in hand, so the elements
are gathered into one exact matrix per symbol (an element the sides never read is 0), rows
normalized where an assumption says they sum to 1.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import sympy
from sympy import Basic, ImmutableMatrix, MatrixSymbol, S, Symbol

from derive.checker.matrix.assumptions import Normalization
from derive.checker.matrix.indexed import IndexForm


def size_values(form: IndexForm, point: Mapping[Basic, Basic], sizes: Sequence[Basic]) -> dict:
    """The user's size symbols -> their values at the point."""
    values = {}
    for size in sizes:
        twin = form.sizes.get(size, size)
        if twin in point:
            values[size] = int(point[twin])
    return values


def _matrix(
    form: IndexForm,
    symbol: MatrixSymbol,
    point: Mapping[Basic, Basic],
    sizes: Mapping,
    unread: Basic = S.Zero,
) -> ImmutableMatrix | None:
    rows, cols = (sympy.sympify(d).xreplace(sizes) for d in symbol.shape)
    if not (rows.is_Integer and cols.is_Integer):
        return None

    def value(r: int, c: int) -> Basic:
        element = form.element(symbol, sympy.Integer(r + 1), sympy.Integer(c + 1))
        return point.get(element, unread)

    return ImmutableMatrix(int(rows), int(cols), value)


def as_matrices(
    form: IndexForm,
    point: Mapping[Basic, Basic],
    sizes: Sequence[Basic],
    scalars: Sequence[Symbol],
    normalizations: Sequence[Normalization] = (),
) -> dict[Basic, Basic]:
    """size -> value, matrix symbol -> exact matrix, scalar -> value."""
    result: dict[Basic, Basic] = {}
    sized = size_values(form, point, sizes)
    result.update({size: sympy.Integer(v) for size, v in sized.items()})
    by_base = {n.base: n for n in normalizations}
    at = {form.sizes.get(s, s): sympy.Integer(v) for s, v in sized.items()}
    at |= {s: sympy.Integer(v) for s, v in sized.items()}
    for symbol, base in sorted(form.bases.items(), key=lambda item: str(item[0].name)):
        if str(symbol.name).startswith("("):
            continue  # an opaque stand-in (an inverse), not a matrix of the claim
        # a normalized row is read whole or not at all; one not read is any row summing to 1
        unread = S.One if base in by_base and by_base[base].axis != "symmetric" else S.Zero
        matrix = _matrix(form, symbol, point, at, unread)
        if matrix is None:
            continue
        if base in by_base:
            matrix = by_base[base].of_matrix(matrix) or matrix
        result[symbol] = matrix
    for scalar in scalars:
        if scalar in point:
            result[scalar] = point[scalar]
    return result


def entry_text(point: Mapping[Basic, Basic], indices: tuple[Basic, Basic]) -> str:
    """``(2, 1)``: the entry where the sides differ."""
    values = [point.get(i, i) for i in indices]
    return f"({values[0]}, {values[1]})"
