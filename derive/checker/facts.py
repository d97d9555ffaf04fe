"""What a proof may use: the assumptions, as equalities to substitute and relations to refine by.

``Facts`` also records which of the given assumptions a proof actually used, so that a verdict's
``needs`` names exactly those.
"""

from __future__ import annotations

import functools
import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import sympy
from sympy import Basic, Expr
from sympy.core.relational import Relational

from derive.checker.ideal import in_ideal, polynomial
from derive.checker.instances import free_atoms
from derive.checker.limits import Work
from derive.checker.sums import canonical


@dataclass(frozen=True)
class Facts:
    """What a proof may use: equalities (substituted) and relations (index ranges, ``refine``).

    ``items`` pairs each assumption as given with its current form (cases substitute values);
    ``used`` collects the given assumptions a proof actually relied on, so a verdict's ``needs``
    says what the proof used.
    """

    items: tuple[tuple[Basic, Basic], ...] = ()
    used: set[Basic] = field(default_factory=set, compare=False)

    @classmethod
    def of(cls, assumptions: Sequence[Basic]) -> Facts:
        return cls(tuple((a, a) for a in assumptions))

    @property
    def equalities(self) -> list[tuple[Basic, Basic]]:
        return [(given, now) for given, now in self.items if isinstance(now, sympy.Eq)]

    @property
    def relations(self) -> list[tuple[Basic, Basic]]:
        return [(given, now) for given, now in self.items if not isinstance(now, sympy.Eq)]

    def substitute(self, expr: Basic) -> Basic:
        """Eliminate each equality: solve it for an atom it holds linearly, or replace its side."""
        for given, eq in self.equalities:
            before = expr
            solved, pattern, replacement = _elimination(eq)
            if solved is not None:
                expr = expr.xreplace({solved[0]: solved[1]})
            elif expr.has(type(pattern)):
                kind, target = type(pattern), canonical(pattern)
                expr = expr.replace(
                    lambda e, t=target, c=kind: type(e) is c and canonical(e) == t,
                    lambda e, r=replacement: r,
                )
            if expr != before:
                self.used.add(given)
        return expr

    def curves(self) -> list[tuple[Basic, Expr]]:
        """(given, polynomial) for the equalities no atom solves linearly (x**2 + y**2 = 1),
        which ``substitute`` cannot eliminate."""
        found = []
        for given, eq in self.equalities:
            if _elimination(eq)[0] is None:
                found_polynomial = polynomial(eq.lhs - eq.rhs)
                if found_polynomial is not None:
                    found.append((given, found_polynomial))
        return found

    def on_curves(self, expr: Basic) -> bool:
        """Whether ``expr`` is 0 wherever the curves' polynomials are (``ideal.in_ideal``)."""
        curves = self.curves()
        if not curves or not in_ideal(expr, [p for _, p in curves]):
            return False
        self.used.update(given for given, _ in curves)
        return True

    def xreplace(self, mapping: dict[Basic, Basic]) -> Facts | None:
        """The facts with ``mapping`` applied; None when one became false (a vacuous case)."""
        items = [(given, now.xreplace(mapping)) for given, now in self.items]
        if any(now is sympy.false for _, now in items):
            return None
        return Facts(tuple((g, now) for g, now in items if now is not sympy.true), self.used)

    def within(self, x: Basic, lo: Basic, hi: Basic) -> bool:
        """Whether lo <= x <= hi follows from x's assumptions or from a single relation."""
        return self._at_most(lo, x) and self._at_most(x, hi)

    def _at_most(self, small: Basic, large: Basic) -> bool:
        if (large - small).is_nonnegative:
            return True
        for given, relation in self.relations:
            if isinstance(relation, Relational) and relation.rel_op in ("<=", ">="):
                low, high = (
                    (relation.lhs, relation.rhs)
                    if relation.rel_op == "<="
                    else (relation.rhs, relation.lhs)
                )
                # small <= low <= high <= large
                if (low - small).is_nonnegative and (large - high).is_nonnegative:
                    self.used.add(given)
                    return True
        return False

    def decide(self, expr: Basic) -> Basic:
        """Decide the conditions of ``expr``'s Piecewise parts that the symbols' assumptions or
        a single relation settle (1 <= k and k <= K given k <= K, k a positive integer)."""
        decided = {}
        for piecewise in expr.atoms(sympy.Piecewise):
            for _, cond in piecewise.args:
                for relation in cond.atoms(Relational):
                    truth = self._truth(relation)
                    if truth is not None:
                        decided[relation] = sympy.true if truth else sympy.false
        return expr.xreplace(decided) if decided else expr

    def _truth(self, relation: Relational) -> bool | None:
        if relation.rel_op not in ("<", "<=", ">", ">="):
            return None
        small, large, strict = _oriented(relation)
        integers = (small - large).is_integer
        if strict and not integers:
            return None
        if self._at_most(small + 1 if strict else small, large):
            return True  # small <= large (small < large: small + 1 <= large, integers)
        if (integers or strict) and self._at_most(large if strict else large + 1, small):
            return False  # large < small (integers), or large <= small for a strict relation
        return None

    def refine(self, expr: Basic) -> Basic:
        expr = self.decide(expr)
        if not expr.has(sympy.Piecewise, Relational):
            return expr
        relations = [(g, r) for g, r in self.relations if r.free_symbols & expr.free_symbols]
        if not relations:
            return expr
        result = sympy.refine(expr, sympy.And(*(r for _, r in relations)))
        if result != expr:  # name only the relations the result depends on
            needed = [
                given
                for given, relation in relations
                if len(relations) == 1
                or sympy.refine(expr, sympy.And(*(r for _, r in relations if r is not relation)))
                != result
            ]  # none when each one alone does (p <= 2 and p < 1 for p < 3): then all of them
            self.used.update(needed or (given for given, _ in relations))
        return result


@functools.lru_cache(maxsize=256)
def _elimination(eq: sympy.Eq) -> tuple[tuple[Basic, Expr] | None, Basic, Basic]:
    """How to eliminate an equality: (atom, value) when it solves for an atom linearly, else
    the larger side as the pattern to replace by the other."""
    lhs, rhs = eq.lhs.doit(), eq.rhs.doit()
    solved = _solve_linear(lhs - rhs)
    big = sympy.count_ops(lhs) >= sympy.count_ops(rhs)
    pattern, replacement = (lhs, rhs) if big else (rhs, lhs)
    return solved, pattern, replacement


def _solve_linear(difference: Expr) -> tuple[Basic, Expr] | None:
    """(atom, value) of an atom the equality ``difference = 0`` holds linearly, with a slope
    that cannot be 0 where it holds: known nonzero, or the rest is (p q = 1 gives q = 1 / p;
    p q = 0 gives no q, since p = 0 leaves q free, and eliminating q = 0 proved q = 0)."""
    for atom in sorted(free_atoms(difference), key=sympy.default_sort_key, reverse=True):
        if atom.is_integer:
            continue
        slope = sympy.expand(difference.diff(atom))
        if slope == 0 or atom in slope.free_symbols:
            continue
        rest = difference.xreplace({atom: 0})
        if slope.is_zero is False or rest.is_zero is False:
            return atom, -rest / slope
    return None


def _oriented(relation: Relational) -> tuple[Basic, Basic, bool]:
    """(small, large, strict) of an inequality: ``small < large`` or ``small <= large``."""
    less = relation.rel_op in ("<", "<=")
    small, large = (relation.lhs, relation.rhs) if less else (relation.rhs, relation.lhs)
    return small, large, relation.rel_op in ("<", ">")


def _bound(relation: Basic, symbol: Basic) -> tuple[str, int] | None:
    """("lo"/"hi", value) when ``relation`` bounds the integer ``symbol`` by a number."""
    if not isinstance(relation, Relational) or isinstance(relation, (sympy.Eq, sympy.Ne)):
        return None
    small, large, strict = _oriented(relation)
    if small == symbol and large.is_number and large.is_real:
        return "hi", int(sympy.ceiling(large)) - 1 if strict else int(sympy.floor(large))
    if large == symbol and small.is_number and small.is_real:
        return "lo", int(sympy.floor(small)) + 1 if strict else int(sympy.ceiling(small))
    return None


def finite_cases(expr: Basic, facts: Facts, work: Work) -> list[dict[Basic, Basic]] | None:
    """All values of the free integer symbols when the relations bound each one, if there are
    at most the ``cases`` limit of them."""
    symbols = sorted(
        (s for s in expr.free_symbols if isinstance(s, sympy.Symbol) and s.is_integer),
        key=sympy.default_sort_key,
    )
    ranges = []
    bounding = set()
    for symbol in symbols:
        lo = 1 if symbol.is_positive else 0 if symbol.is_nonnegative else None
        hi = None
        for given, relation in facts.relations:
            found = _bound(relation, symbol)
            if found:
                bounding.add(given)
            if found and found[0] == "lo":
                lo = found[1] if lo is None else max(lo, found[1])
            elif found:
                hi = found[1] if hi is None else min(hi, found[1])
        if lo is None or hi is None:
            return None
        ranges.append(range(lo, hi + 1))
    if not symbols or not work.allows("cases", math.prod(len(r) for r in ranges)):
        return None
    facts.used.update(bounding)
    return [
        dict(zip(symbols, map(sympy.Integer, values), strict=True))
        for values in itertools.product(*ranges)
    ]
