"""Points in the symbols' domains, projected onto the assumptions.

Points are exact SymPy numbers (integers, small rationals, Gaussian rationals), so a counterexample
can be re-checked by hand. Sampling runs in two phases: integer symbols first (they can be sum
bounds and indices: ``K``, ``k``), then the sides are instantiated (``instances.py``: sums written
out, derivatives evaluated) and the atoms that remain (symbols, ``z[2]``) get values; equality
assumptions are met by solving each one for an atom: linearly, or on each branch of a curve
(x**2 + y**2 = 1: y = sqrt(1 - x**2) and y = -sqrt(1 - x**2), in turn; ``algebraic.py``).

Every draw comes from a seeded ``random.Random``. The integer values come from their own stream
(``integer_seed``), shared by every sampler of one claim: the search, the cross-check and the
points without an assumption then instantiate the sides for the same integers, once.
"""

from __future__ import annotations

import functools
import random
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

import sympy
from sympy import (
    Basic,
    Expr,
    Rational,
    Symbol,
)
from sympy.core.relational import Relational

from derive.checker.algebraic import branches, exact_number, is_zero_exactly
from derive.checker.compiled import rational_value
from derive.checker.draws import (
    SIMPLEST,
    CannotSample,
    bound_orders,
    facts_of,
    in_domain,
    nearest_zero,
    order_pattern,
    range_ends,
    sample_value,
    tight_ends,
    truth,
)
from derive.checker.instances import (
    Integers,
    Side,
    free_atoms,
    instance,
    integers_key,
    side,
)
from derive.checker.regions import region_values

# shrink factors for sampled values; the small ones are for many nonnegative atoms under one
# sum = 1 (K = 32 targets)
_SCALES = tuple(Rational(1, 2**e) for e in (0, 1, 2, 3, 5, 7, 10))
INTEGER_SETS = 6  # distinct values of the integer symbols (sizes, indices) per sampler
MAX_INTEGER_SETS = 3 * INTEGER_SETS  # with those drawn anew for sets where a side is undefined
ORDER_TRIES = 40  # draws spent looking for integer values with a new order of sum bounds


@dataclass(frozen=True)
class Point:
    """One sample: integer symbols first, then every other atom; ``values`` holds both."""

    integers: dict[Basic, Basic]
    values: dict[Basic, Basic]
    kink: bool = field(default=False, compare=False)

    def merged(self) -> dict[Basic, Basic]:
        return {**self.integers, **self.values}


def _integer_symbols(exprs: Sequence[Basic]) -> list[Symbol]:
    found: set[Symbol] = set()
    for e in exprs:
        found |= {a for a in free_atoms(e) if isinstance(a, Symbol) and a.is_integer}
    return sorted(found, key=sympy.default_sort_key)


class Sampler:
    """Draws points for ``exprs`` in their symbols' domains that satisfy ``assume``."""

    def __init__(
        self,
        exprs: Sequence[Basic],
        assume: Sequence[Basic],
        seed: int = 0,
        integer_seed: int | None = None,
    ) -> None:
        self.exprs = list(exprs)
        self.assume = list(assume)
        self.rng = random.Random(seed)
        self.integer_rng = random.Random(seed if integer_seed is None else integer_seed)
        self.integer_symbols = _integer_symbols([*self.exprs, *self.assume])
        self._pool: list[dict[Basic, Basic]] = []
        self._orders = bound_orders([*self.exprs, *self.assume])
        self._patterns: set[tuple[int, ...]] = set()
        self._ends_unseen = set(range_ends(self.assume, self.integer_symbols))
        self._turn = -1
        self._usable: set[Integers] = set()
        self._usable_patterns: set[tuple[int, ...]] = set()  # orders seen at a usable point
        self._unusable: dict[Integers, int] = {}
        self._dead: set[Integers] = set()
        self._ready: dict[tuple, _Prepared | None] = {}

    def sides(self, integers: dict[Basic, Basic]) -> list[Side]:
        """``exprs`` at the integer values, ready to evaluate (cached per process)."""
        key = integers_key(integers)
        return [side(e, key) for e in self.exprs]

    def _integers(self, simple: bool) -> dict[Basic, Basic]:
        """Integer values; each new set costs an instantiation, so at most INTEGER_SETS are
        drawn that no point has missed at (MAX_INTEGER_SETS in all). Each new set looks for an
        order of the sums' bounds, or a regime of a binomial, not seen yet (a sum over u..u+v
        is plain for v >= 0, empty for v = -1, reversed below: Karr's convention); once every
        one was seen, for one where a side was defined before. After the first set, each
        looks for an index at an end of its range not reached yet (``draws.range_ends``)."""
        live = [v for v in self._pool if integers_key(v) not in self._dead]
        unmissed = [v for v in live if integers_key(v) not in self._unusable]
        if len(unmissed) >= INTEGER_SETS or len(self._pool) >= MAX_INTEGER_SETS:
            return self.rng.choice(unmissed or live or self._pool)  # a set not missed first
        integer_only = [
            a for a in self.assume if a.free_symbols and a.free_symbols <= set(self.integer_symbols)
        ]
        chosen = fallback = self._corner(integer_only)
        ends = self._ends_unseen if self._pool else set()  # the first set as ever
        for attempt in range(0 if chosen else 200):
            values = {s: sample_value(s, self.integer_rng, simple) for s in self.integer_symbols}
            if not all(truth(a.xreplace(values)) is True for a in integer_only):
                continue
            pattern = order_pattern(self._orders, values)
            if (not self._orders and not ends) or pattern not in self._patterns:
                chosen = values  # a new order of the sums' bounds (plain, empty, reversed)
                break
            if tight_ends(ends, values):
                chosen = values  # an index at the end of its range (l = n of l <= n)
                break
            if fallback is None or (
                pattern in self._usable_patterns
                and order_pattern(self._orders, fallback) not in self._usable_patterns
            ):
                fallback = values  # every order seen: one where a side was defined before
            if attempt >= ORDER_TRIES:
                break
        chosen = fallback if chosen is None else chosen
        if chosen is None:
            raise CannotSample("no integer values satisfy the index assumptions")
        self._patterns.add(order_pattern(self._orders, chosen))
        self._ends_unseen -= tight_ends(self._ends_unseen, chosen)
        self._pool.append(chosen)
        return chosen

    def _corner(self, integer_only: list[Basic]) -> dict[Basic, Basic] | None:
        """For the second set: every integer symbol at the end of its domain nearest 0 (an
        index 1, a size 1), where slips at the ends of a range show (a sum from 2 to K that
        misses index 1), when that meets the index assumptions."""
        if len(self._pool) != 1:
            return None
        values = {s: nearest_zero(s) for s in self.integer_symbols}
        if (
            None in values.values()
            or values == self._pool[0]
            or not all(truth(a.xreplace(values)) is True for a in integer_only)
        ):
            return None
        return values

    def _note(self, integers: dict[Basic, Basic], usable: bool) -> None:
        """Count a point at these integer values as usable or not: integer values at which
        two points in a row were unusable, and none ever usable, are not drawn again (a
        binomial(n, k) with k < 0 is 0, and a ratio of two of them undefined)."""
        key = integers_key(integers)
        if usable:
            self._usable.add(key)
            self._usable_patterns.add(order_pattern(self._orders, integers))
            self._unusable.pop(key, None)
        elif key not in self._usable:
            self._unusable[key] = self._unusable.get(key, 0) + 1
            if self._unusable[key] >= 2:
                self._dead.add(key)

    def relations(self, point: Point) -> list[Basic]:
        """The assumptions at the point's integer values (the point satisfies them)."""
        return self._prepared(point.integers).relations

    def points(
        self, count: int, simple: int, regions: int = 0, usable: Callable[[], int] | None = None
    ) -> Iterator[Point]:
        """Yield points until ``count`` of them were usable (``usable()`` counts them; by
        default every point is), the first ``simple`` from small hand-checkable values, then
        up to ``regions`` points between and beyond the breakpoints of kinks.

        A point where a side is undefined (0/0, log 0, a pole) is not usable: more points are
        drawn in its place, up to ``count`` more in all. A point SymPy fails to build is a
        miss, not the end of the sampling."""
        misses = produced = 0
        failure = ""
        used = usable or (lambda: produced)
        while used() < count and produced < 2 * count and misses < 20 * count + 20:
            try:
                point = self._point(produced < simple)
            except CannotSample:
                raise
            except Exception as error:  # SymPy failed on this draw: draw another
                point, failure = None, f"SymPy failed while sampling: {type(error).__name__}"
            if point is None:
                misses += 1
                continue
            produced += 1
            before = used()
            yield point
            self._note(point.integers, used() > before)
        if produced == 0:
            raise CannotSample(failure or "could not find a point that satisfies the assumptions")
        if regions:
            yield from self._region_points(regions)

    def _region_points(self, limit: int) -> Iterator[Point]:
        """Up to ``limit`` points between and beyond the kinks' breakpoints (``regions.py``),
        at the first integer values drawn; each one satisfies the assumptions. The bounds
        the assumptions set are breakpoints too: Max(x, 1) = x where x > 1/2 differs only
        between the bound and the kink."""
        live = [v for v in self._pool if integers_key(v) not in self._dead]
        integers = (live or self._pool)[0] if self._pool else self._integers(True)
        prepared = self._prepared(integers)
        if prepared is None:
            return
        conventions: dict[Basic, bool] = {}
        for found in self.sides(integers):
            for u, convention in found.conventions.items():
                conventions[u] = conventions.get(u, False) or convention
        atoms = [a for a in prepared.free if a.is_extended_real and not a.is_integer]
        kinks = {}
        for u, convention in conventions.items():
            u = u.xreplace(prepared.solved)
            if free_atoms(u) & set(atoms):
                kinks[u] = kinks.get(u, False) or convention
        if not kinks:
            return
        for relation in prepared.relations:  # an assumption's bound ends a region too
            if isinstance(relation, Relational) and relation.rel_op in ("<=", "<", ">=", ">"):
                u = _difference(relation).xreplace(prepared.solved)
                if free_atoms(u) & set(atoms):
                    kinks.setdefault(u, False)
        rng = random.Random("regions")  # the same base for every sampler: cached values
        base = {a: sample_value(a, rng, True) for a in prepared.free}
        ordered = sorted(kinks, key=sympy.default_sort_key)
        marked = [u for u in ordered if kinks[u]]
        for values in region_values(ordered, marked, atoms, base, limit):
            point = self._complete(integers, prepared, values)
            if point is not None:
                yield point

    def _prepared(self, integers: dict[Basic, Basic]) -> _Prepared | None:
        key = integers_key(integers)
        if key not in self._ready:
            relations = [instance(a, integers) for a in self.assume]
            if any(r is None or r is sympy.false for r in relations):
                self._ready[key] = None
            else:
                sides = self.sides(integers)
                equalities = [r for r in relations if isinstance(r, sympy.Eq)]
                solved, unsolved = branches(equalities)
                if unsolved:
                    raise CannotSample(
                        f"cannot sample points where {unsolved}: SymPy solves it for no atom"
                        " (linearly, or as a polynomial whose roots it writes in radicals)"
                    )
                solved = [b for b in solved if set(b) == set(solved[0])]
                atoms: set[Basic] = set()
                for found in sides:
                    atoms.update(found.atoms)
                for relation in relations:
                    atoms |= free_atoms(relation)
                free = sorted(atoms - set(solved[0]), key=sympy.default_sort_key)
                kinks = [u for found in sides if found.program is None for u in found.kinks]
                self._ready[key] = _Prepared(relations, solved, free, kinks)
        return self._ready[key]

    def _point(self, simple: bool) -> Point | None:
        integers = self._integers(simple)
        prepared = self._prepared(integers)
        if prepared is None:
            return None
        values = {a: sample_value(a, self.rng, simple) for a in prepared.free}
        self._turn += 1  # the branch of a curve to try first (y = +-sqrt(1 - x**2) in turn)
        for scale in _SCALES:  # shrink toward 0 until the solved atoms land in their domains
            scaled = {a: v * scale if not a.is_integer else v for a, v in values.items()}
            point = self._complete(integers, prepared, scaled, self._turn)
            if point is not None:
                return point
        return None

    def _complete(
        self,
        integers: dict[Basic, Basic],
        prepared: _Prepared,
        free: dict[Basic, Basic],
        turn: int = 0,
    ) -> Point | None:
        """The point with these free values, solved atoms added (on the first branch that
        gives them values in their domains, from branch ``turn`` on); None if it breaks a
        rule."""
        count = len(prepared.branches)
        for position in range(count):
            solved = _solved_values(prepared.branches[(turn + position) % count], free)
            if solved is None:
                continue
            values = {**free, **solved}
            if all(_holds(r, values) for r in prepared.relations):
                return Point(integers, values, kink=_at_kink(prepared.kinks, values))
        return None

    def simpler(self, point: Point) -> Iterator[Point]:
        """Points like ``point`` with one free value made simpler (0, 1 or -1), to shrink a
        counterexample toward one a person can check by hand."""
        prepared = self._prepared(point.integers)
        free = {a: v for a, v in point.values.items() if a not in prepared.solved}
        for atom, value in free.items():
            for simple in SIMPLEST[: SIMPLEST.index(value) if value in SIMPLEST else None]:
                if not in_domain(simple, facts_of(atom)):
                    continue
                candidate = self._complete(point.integers, prepared, {**free, atom: simple})
                if candidate is not None:
                    yield candidate


def _solved_values(
    solved: dict[Basic, Expr], values: dict[Basic, Basic]
) -> dict[Basic, Basic] | None:
    result = {}
    for atom, solution in solved.items():
        value = rational_value(solution, values)
        if value is None:
            value = exact_number(solution.xreplace(values))
        if not value.is_number or value.has(sympy.nan, sympy.zoo, sympy.oo, -sympy.oo):
            return None  # the branch is undefined at these values
        if not in_domain(value, facts_of(atom)):
            return None
        result[atom] = value
    return result


def _holds(relation: Basic, values: dict[Basic, Basic]) -> bool:
    """Whether a relation (an instance: integers in) holds at the values; exact where
    rational arithmetic decides it."""
    if relation is sympy.true or relation is sympy.false:
        return bool(relation)
    if isinstance(relation, Relational) and relation.rel_op in ("==", "<=", "<", ">=", ">"):
        difference = rational_value(_difference(relation), values)
        if difference is not None:
            return bool(relation.func(difference, 0))
    if isinstance(relation, sympy.Eq):  # exactly, or not at all (an exact 0 has no digits)
        return is_zero_exactly(_difference(relation).xreplace(values)) is True
    return truth(relation.xreplace(values)) is True


@functools.lru_cache(maxsize=1024)
def _difference(relation: Relational) -> Basic:
    return relation.lhs - relation.rhs


@dataclass(frozen=True)
class _Prepared:
    """What one set of integer values fixes: the relations, solved atoms, free atoms, kinks."""

    relations: list[Basic]
    branches: list[dict[Basic, Expr]]  # solved atom -> value, one dict per branch of a curve
    free: list[Basic]
    kinks: list[Expr]  # of the sides that are not compiled (compiled ones report their own)

    @property
    def solved(self) -> dict[Basic, Expr]:
        """The first branch (every branch solves the same atoms)."""
        return self.branches[0]


def _at_kink(kinks: Sequence[Expr], values: dict[Basic, Basic]) -> bool:
    for u in kinks:
        v = u.xreplace(values)
        if v == 0 or (v.is_number and abs(sympy.N(v, 30)) < 1e-25):
            return True
    return False
