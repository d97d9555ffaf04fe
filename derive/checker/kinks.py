"""Kinks and conventions: ReLU (Max), |x|, sign and Heaviside have points where no derivative
exists, and SymPy fills them with a convention (Heaviside(0) = 1/2) that frameworks do not share
(they use 0). A convention is not a proof, so the checker says when a step depends on one.

Two tools: the arguments that vanish at the kinks, and the sign regions between them. In a region
an atom the argument holds linearly is replaced by ``±p`` with ``p > 0`` (a reparametrisation of
exactly that region), so Heaviside, Max and the piecewise conditions evaluate away.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence

import sympy
from sympy import Abs, Basic, DiracDelta, Dummy, Expr, Heaviside, Max, Min, Piecewise, sign
from sympy.core.relational import Relational

from derive.checker.doit import evaluated_or_same
from derive.model.primitives import relu_prime

KINK_FUNCTIONS = (Heaviside, DiracDelta, sign, Abs)
# fixed indices for the Dummies made here, so that their order among other symbols (which
# can steer a rewrite) does not depend on how many Dummies the process made before
_DUMMY_INDEX = 2 * 10**9


def kink_arguments(expr: Basic) -> list[Expr]:
    """Expressions that are zero exactly at the kinks of ``expr`` (with duplicates)."""
    found = [f.args[0] for f in expr.atoms(*KINK_FUNCTIONS)]
    for f in expr.atoms(Max, Min):
        found += [a - b for a, b in itertools.combinations(f.args, 2)]
    for p in expr.atoms(Piecewise):
        for _, cond in p.args:
            found += [r.lhs - r.rhs for r in cond.atoms(Relational)]
    return found


def distinct_kinks(exprs: Sequence[Basic]) -> list[Expr]:
    """The real, non-constant kink arguments of ``exprs`` (after ``doit``), one sign each."""
    found: set[Expr] = set()
    for e in exprs:
        for u in kink_arguments(evaluated_or_same(e)):
            if u.free_symbols and u.is_real is not False:
                found.add(-u if u.could_extract_minus_sign() else u)
    return sorted(found, key=sympy.default_sort_key)


def derivative_at_kink(exprs: Sequence[Basic]) -> bool:
    """Whether a derivative is taken at a kink: relu'(z), or an unevaluated Derivative that
    becomes a Heaviside (or delta) when taken."""
    return any(e.has(relu_prime) for e in exprs) or any(
        evaluated_or_same(d).has(Heaviside, DiracDelta) and not d.expr.has(Heaviside, DiracDelta)
        for e in exprs
        for d in e.atoms(sympy.Derivative)
    )


def arbitrary_conventions(expr: Basic) -> Basic:
    """Replace SymPy's Heaviside(u) = Heaviside(u, 1/2) by Heaviside(u, h_u), h_u a free symbol.

    A value at 0 that the claim states itself (Heaviside(u, 0)) is part of the claim and stays.
    """
    values: dict[Basic, Basic] = {}

    def generic(u: Basic, at_zero: Basic = sympy.S.Half) -> Basic:
        if at_zero != sympy.S.Half:
            return Heaviside(u, at_zero)
        values.setdefault(
            u, Dummy(f"h{len(values)}", real=True, dummy_index=_DUMMY_INDEX + len(values))
        )
        return Heaviside(u, values[u])

    return evaluated_or_same(expr).replace(Heaviside, generic)


def linear_atom(u: Expr, excluded: set[Basic]) -> Basic | None:
    for atom in sorted(u.free_symbols - excluded, key=sympy.default_sort_key, reverse=True):
        if atom.is_real and not atom.is_integer:
            slope = u.diff(atom)
            if slope.is_number and slope != 0:
                return atom
    return None


def sign_regions(kinks: Sequence[Expr]) -> Iterator[dict[Basic, Expr]] | None:
    """Substitutions, one per sign pattern of ``kinks``, that put the atoms in that region.

    Returns None when a kink is not linear in a free real atom.
    """
    parameters = [
        Dummy(f"p{i}", positive=True, dummy_index=_DUMMY_INDEX + 1000 + i)
        for i in range(len(kinks))
    ]
    atoms = []
    for u in kinks:
        atom = linear_atom(u, set(parameters) | set(atoms))
        if atom is None:
            return None
        atoms.append(atom)

    def regions() -> Iterator[dict[Basic, Expr]]:
        for signs in itertools.product((1, -1), repeat=len(kinks)):
            substitution: dict[Basic, Expr] = {}
            for u, atom, p, s in zip(kinks, atoms, parameters, signs, strict=True):
                current = u.xreplace(substitution)
                slope = current.diff(atom)
                if not slope.is_number or slope == 0:
                    break  # the kinks depend on each other: give up on this region
                value = atom + (s * p - current) / slope
                substitution = {a: v.xreplace({atom: value}) for a, v in substitution.items()}
                substitution[atom] = sympy.expand(value)
            else:
                yield substitution
                continue
            yield {}  # an empty substitution cannot prove anything region-specific

    return regions()


def where_text(kinks: Sequence[Expr], most: int = 3) -> str:
    """``u ≠ 0, v ≠ 0`` for the first ``most`` kinks, the rest counted."""
    text = ", ".join(f"{u} ≠ 0" for u in kinks[:most])
    return text + (f" (and {len(kinks) - most} more)" if len(kinks) > most else "")


def derivative_kinks(exprs: Sequence[Basic]) -> list[Expr]:
    """Where the derivatives in ``exprs`` (as written, before doit) do not exist: the arguments
    of relu' and Heaviside and of Max inside a Derivative; index conditions left out."""
    found: set[Expr] = set()
    for e in exprs:
        found.update(f.args[0] for f in e.atoms(relu_prime, Heaviside))
        for d in e.atoms(sympy.Derivative):
            found.update(kink_arguments(d.expr))
    real = [u for u in found if u.free_symbols and not all(s.is_integer for s in u.free_symbols)]
    ordered = sorted(real, key=lambda u: (sympy.count_ops(u), sympy.default_sort_key(u)))
    unique: list[Expr] = []
    for u in ordered:  # by ==: equal Indexed objects can hash apart once their facts are cached
        u = -u if u.could_extract_minus_sign() else u
        if u not in unique:
            unique.append(u)
    return unique
