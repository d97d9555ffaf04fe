"""Realistic slips made from true identities: each rule changes one side the way a person
writing a derivation does by mistake. A slip that happens to leave the claim true (a sign flip
of an even function, say) is caught by ``confirm.py`` and not used."""

from __future__ import annotations

from collections.abc import Callable

import sympy
from sympy import Add, Basic, Product, Sum

from peer import Case


def _terms(side: Basic) -> list[Basic]:
    return sorted(Add.make_args(side), key=sympy.default_sort_key)


def flip_sign(lhs: Basic, rhs: Basic) -> Basic | None:
    """One term of the right side with the wrong sign (the whole side if it is one term)."""
    terms = _terms(rhs)
    if len(terms) > 1:
        return Add(*terms[:-1], -terms[-1])
    return -rhs if rhs != 0 else None


def double(lhs: Basic, rhs: Basic) -> Basic | None:
    """A factor 2 too many."""
    return 2 * rhs if rhs != 0 else None


def _first(side: Basic, wanted: Callable[[Basic], bool]) -> Basic | None:
    found = [e for e in sympy.preorder_traversal(side) if wanted(e)]
    return found[0] if found else None


def exponent_off_by_one(lhs: Basic, rhs: Basic) -> Basic | None:
    """An exponent one too large (a power's, or an exponential's argument)."""
    power = _first(rhs, lambda e: isinstance(e, (sympy.Pow, sympy.exp)))
    if power is None:
        return None
    if isinstance(power, sympy.exp):
        return rhs.xreplace({power: sympy.exp(power.args[0] + 1)})
    return rhs.xreplace({power: sympy.Pow(power.base, power.exp + 1)})


def drop_term(lhs: Basic, rhs: Basic) -> Basic | None:
    """A term of a sum left out."""
    terms = _terms(rhs)
    return Add(*terms[:-1]) if len(terms) > 1 else None


def swap_arguments(lhs: Basic, rhs: Basic) -> Basic | None:
    """Two symbols swapped on the right side, or a power's base and exponent."""
    symbols = sorted(rhs.free_symbols, key=sympy.default_sort_key)
    if len(symbols) >= 2:
        first, second = symbols[:2]
        return rhs.xreplace({first: second, second: first})
    power = _first(rhs, lambda e: isinstance(e, sympy.Pow) and not e.exp.is_Number)
    if power is not None:
        return rhs.xreplace({power: sympy.Pow(power.exp, power.base)})
    return None


def bound_off_by_one(lhs: Basic, rhs: Basic) -> Basic | None:
    """A sum's or product's upper bound one too large (on whichever side has one)."""
    for side in (rhs, lhs):
        loop = _first(side, lambda e: isinstance(e, (Sum, Product)))
        if loop is not None:
            var, lo, hi = loop.limits[0]
            moved = loop.func(loop.function, (var, lo, hi + 1), *loop.limits[1:])
            changed = side.xreplace({loop: moved})
            return changed if side is rhs else ("lhs", changed)
    return None


SLIPS: tuple[tuple[str, Callable[[Basic, Basic], object]], ...] = (
    ("sign flip", flip_sign),
    ("factor 2", double),
    ("exponent off by one", exponent_off_by_one),
    ("dropped term", drop_term),
    ("swapped arguments", swap_arguments),
    ("sum bound off by one", bound_off_by_one),
)


def slip(case: Case, first: int) -> list[Case]:
    """The case with each slip applied, starting from slip number ``first`` (mod their
    count); the ones that change nothing are left out."""
    made = []
    for offset in range(len(SLIPS)):
        name, rule = SLIPS[(first + offset) % len(SLIPS)]
        if name == "sum bound off by one" and not (case.lhs - case.rhs).has(Sum, Product):
            continue
        changed = rule(case.lhs, case.rhs)
        if changed is None:
            continue
        lhs, rhs = (changed[1], case.rhs) if isinstance(changed, tuple) else (case.lhs, changed)
        if lhs == case.lhs and rhs == case.rhs:
            continue
        made.append(Case(lhs, rhs, case.assume, case.source, False, name))
    return made
