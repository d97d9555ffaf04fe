"""Explicit matrices at concrete sizes: the cross-check of a proof (``cross_checked``), the
points at which slips are named (``trials``), and the caveats said of the matrices.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Sequence

import sympy
from sympy import Basic, MatrixSymbol
from sympy.matrices.expressions.applyfunc import ElementwiseApplyFunction

from derive.checker.matrix import points as explicit_points
from derive.checker.matrix.assumptions import Normalization, Translated
from derive.checker.matrix.claim import MatrixClaim, Options, Symbols
from derive.checker.matrix.explicit import NotExplicit, difference_zero, explicit
from derive.checker.matrix.indexed import IndexForm
from derive.checker.matrix.text import matrix_text
from derive.checker.verdict import Verdict
from derive.model.primitives import relu_prime


def about_sizes(relation: Basic) -> bool:
    """A relation between integer symbols alone (``m >= n``): sizes, not entries."""
    return all(isinstance(s, sympy.Symbol) and s.is_integer for s in relation.free_symbols)


def size_relations(sizes: Sequence[Basic], assume: Sequence[Basic]) -> list[Basic]:
    """The assumptions about these sizes alone (``m >= 2``)."""
    return [a for a in assume if a.free_symbols and a.free_symbols <= set(sizes)]


def normalized_symbols(
    form: IndexForm, translated: Translated
) -> dict[MatrixSymbol, Normalization]:
    """matrix symbol -> the normalization of its rows or columns that an assumption asks for."""
    bases = {base: symbol for symbol, base in form.bases.items()}
    return {bases[n.base]: n for n in translated.normalizations if n.base in bases}


def explicit_trials(
    symbols: Symbols,
    normalizations: dict[MatrixSymbol, Normalization],
    assume: Sequence[Basic],
    seed: int,
    nontrivial: bool = False,
    exact: bool = False,
) -> list[tuple[dict, dict]]:
    """(sizes, values) at every size assignment, one explicit point each (only assignments
    with a size other than 1 when ``nontrivial``): 50-digit numbers, or exact rationals when
    ``exact`` (a refutation by rational arithmetic)."""
    trials = []
    relations = size_relations(symbols.sizes, assume)
    for sizes in explicit_points.assignments(symbols.sizes, relations):
        if nontrivial and sizes and all(v == 1 for v in sizes.values()):
            continue
        for matrices, scalars in explicit_points.points(
            symbols.matrices, symbols.scalars, sizes, normalizations, seed, 1
        ):
            values = {**matrices, **scalars}
            trials.append((sizes, values if exact else explicit_points.as_floats(values)))
    return trials


def explicit_pair(lhs: Basic, rhs: Basic, sizes: dict, values: dict) -> tuple | None:
    """Both sides as explicit matrices at a trial (None where one has no value there)."""
    key = (tuple(sizes.items()), tuple(values.items()))
    try:
        return _explicit_side(lhs, key), _explicit_side(rhs, key)
    except (NotExplicit, ZeroDivisionError, ValueError):
        return None


@functools.lru_cache(maxsize=256)
def _explicit_side(expr: Basic, key: tuple) -> sympy.ImmutableMatrix:
    """One side at one trial, kept for the process: in a chain each line is the right side of
    one step and the left side of the next, at the same trials (the same seed)."""
    sizes, values = dict(key[0]), dict(key[1])
    scalars = {k: v for k, v in values.items() if not isinstance(k, MatrixSymbol)}
    matrices = {k: v for k, v in values.items() if isinstance(k, MatrixSymbol)}
    return explicit(expr, matrices, {**sizes, **scalars})


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


KINKED = (sympy.Max, sympy.Min, sympy.Heaviside, sympy.Abs, sympy.sign, relu_prime)


def _matrix_caveats(claim: MatrixClaim, caveats: tuple[str, ...]) -> tuple[str, ...]:
    """The index form's "holds where <entry> ≠ 0" said of the matrices: the arguments of the
    functions with a kink (relu, relu', |.|) applied to every entry."""
    arguments = {
        e.expr
        for side in (claim.lhs, claim.rhs)
        for e in side.atoms(ElementwiseApplyFunction)
        if getattr(e.function, "expr", e.function).has(*KINKED)
    }  # an argument and its transpose (h^T = relu(z)^T) have the same entries: the plainer one
    plain = {
        min((a, a.T), key=lambda m: (matrix_text(m).count("^T"), matrix_text(m))) for a in arguments
    }
    kinked = sorted(matrix_text(a) for a in plain)
    if not kinked:
        return caveats
    where = " or ".join(f"`{text}`" for text in kinked)
    return tuple(
        f"holds where no entry of {where} is 0" if c.startswith("holds where") else c
        for c in caveats
    )


def cross_checked(claim: MatrixClaim, verdict: Verdict, options: Options) -> Verdict:
    """The index-form proof, checked against explicit matrices at several sizes."""
    verdict = dataclasses.replace(verdict, caveats=_matrix_caveats(claim, verdict.caveats))
    sizes = claim.symbols.sizes
    method = f"for every {', '.join(map(str, sizes))} " if sizes else ""
    method += f"in index form ({verdict.method})"
    relations = list(claim.assumptions.relations.values())
    if claim.assumptions.unusable or not all(about_sizes(a) for a in relations):
        return dataclasses.replace(
            verdict, method=f"{method}; no explicit cross-check: an assumption is about entries"
        )
    agreed = []
    normalizations = normalized_symbols(claim.form, claim.assumptions)
    for at, values in explicit_trials(claim.symbols, normalizations, relations, options.seed):
        pair = explicit_pair(claim.lhs, claim.rhs, at, values)
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
