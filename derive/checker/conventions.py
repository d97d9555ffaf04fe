"""Conventions at kinks: what a proved claim holds by, and proofs between the kinks.

A convention is not a proof. When a claim holds only because SymPy's Heaviside(0) = 1/2, or
because a derivative was taken where it does not exist, the verdict says so; when a claim is
proved only in the sign regions between kinks, the verdict says where.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import sympy
from sympy import Basic, Expr, Heaviside, Max, Min

from derive.checker.doit import evaluated_or_same
from derive.checker.facts import Facts
from derive.checker.kinks import (
    arbitrary_conventions,
    derivative_at_kink,
    derivative_kinks,
    distinct_kinks,
    linear_atom,
    sign_regions,
    where_text,
)
from derive.checker.limits import Work
from derive.checker.prove import attempt, prove_all_zero


def convention_caveats(
    sides: Sequence[Basic], diffs: Sequence[Basic], work: Work
) -> tuple[str, ...]:
    """Caveats for a proved claim: a derivative taken at a kink, or SymPy's Heaviside(0)."""
    if derivative_at_kink(sides):
        return (_derivative_caveat(derivative_kinks(sides)),)
    if any(d.has(Heaviside) or (d.has(sympy.Derivative) and d.has(Max, Min)) for d in diffs):
        generic = [arbitrary_conventions(d) for d in diffs]
        if prove_all_zero(generic, Facts(), work) is None:
            return (CONVENTION_ONLY.format(where="a kink (a Heaviside argument = 0)"),)
    return ()


def _derivative_caveat(kinks: Sequence[Expr]) -> str:
    return (
        f"holds where {where_text(kinks)}; at a kink the derivative does not exist and the"
        " value used there is a convention (SymPy: Heaviside(0) = 1/2)"
    )


CONVENTION_ONLY = "at {where} it holds only by the convention Heaviside(0) = 1/2"
ONLY_BETWEEN = (
    "holds only where {u} ≠ 0: at {u} = 0 it is not shown, and the values there are conventions"
)


def almost_everywhere(caveats: Sequence[str]) -> bool:
    """Whether caveats say a claim was shown only between its kinks (not at one of them)."""
    prefix = ONLY_BETWEEN.split("{")[0]
    return any(caveat.startswith(prefix) for caveat in caveats)


@dataclass(frozen=True)
class BetweenKinks:
    """A proof in every sign region between the kinks, and what is known at the kinks."""

    method: str
    needs: tuple[Basic, ...]
    caveats: tuple[str, ...]
    may_differ_at_kinks: bool


def prove_between_kinks(
    sides: Sequence[Basic], diffs: Sequence[Basic], assume: Sequence[Basic], work: Work
) -> BetweenKinks | None:
    """Prove the claim in each sign region of its kinks (at most the ``kinks`` limit of them),
    then look at each kink on its own."""
    kinks = distinct_kinks(sides)
    if not kinks or not work.allows("kinks", len(kinks)):
        return None
    regions = sign_regions(kinks)
    if regions is None:
        return None
    used: set[Basic] = set()
    for substitution in regions:
        local = [evaluated_or_same(d).xreplace(substitution) for d in diffs]
        method, needs = attempt(local, [a.xreplace(substitution) for a in assume], work)
        if method is None:
            return None
        used.update(needs)
    caveats = [_derivative_caveat(derivative_kinks(sides))] if derivative_at_kink(sides) else []
    differ = False
    for u in kinks:
        on_kink = _on_kink(u, [evaluated_or_same(d) for d in diffs])
        generic = _on_kink(u, [arbitrary_conventions(d) for d in diffs])
        if generic is not None and prove_all_zero(generic, Facts(), work):
            continue  # holds at the kink too, whatever value Heaviside takes there
        if on_kink is not None and prove_all_zero(on_kink, Facts(), work):
            caveats.append(CONVENTION_ONLY.format(where=f"{u} = 0"))
            continue
        differ = True
        caveats.append(ONLY_BETWEEN.format(u=u))
    needs = tuple(a for a in assume if a in used)
    return BetweenKinks(f"{method} in each sign region", needs, tuple(caveats), differ)


def _on_kink(u: Expr, diffs: Sequence[Basic]) -> list[Basic] | None:
    """The differences where ``u = 0`` (solved for an atom ``u`` holds linearly)."""
    atom = linear_atom(u, set())
    if atom is None:
        return None
    value = sympy.expand(atom - u / u.diff(atom))
    return [d.xreplace({atom: value}) for d in diffs]
