"""Proofs by the order of the atoms: Max, Min, |u|, sign, Heaviside and Piecewise evaluated away
in each ordering of the real atoms and the constants their kinks compare them with.

``Max(x, y, z)`` against its Piecewise form, or ``Max(0, x + 2, 2x)`` against a sum of
Heaviside products, has kinks that depend on each other (x - y, x - z, y - z), which the sign
regions of ``kinks.py`` cannot split. But every kink here compares two atoms, or one atom with a
constant, so the order of the atoms among themselves and among those constants decides each of
them. Every real point lies in exactly one such *ordering*: a weak order of the atoms (ties
included) placed among the sorted constants. In each ordering the kinks are decided, every
kink function is replaced by the branch the ordering selects, the atoms by a parametrization
of exactly that ordering (x < y as y = x + q with q > 0; a < x < b as a + (b - a) q0/(q0 + q1)),
and the difference is proved zero there by the rewriting strategies. The orderings with ties
are the kinks themselves, so a proof by orders holds everywhere, kinks included, with SymPy's
conventions at them (Heaviside(0) = 1/2).

The method applies when every kink argument (the difference of two arguments of a Max or Min,
the argument of |.|, sign or Heaviside, a piecewise condition's lhs - rhs) is, after
expansion, c (x - y) or a x + b with rational a, b, c and real atoms x, y. The orderings are
counted against the ``orders`` limit.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence

import sympy
from sympy import Abs, Basic, Dummy, Heaviside, Max, Min, Piecewise, Rational, S, sign
from sympy.core.assumptions import check_assumptions
from sympy.core.relational import Relational

from derive.checker.doit import evaluated_or_same
from derive.checker.instances import free_atoms
from derive.checker.limits import Work
from derive.checker.prove import attempt

KINK_NODES = (Max, Min, Abs, sign, Heaviside, Piecewise)
_DUMMY_INDEX = 5 * 10**9  # fixed indices: the symbols sort the same way every run


def _leaves(node: Basic) -> list[Basic]:
    """The arguments of nested Max and Min (Max(x, Min(y, z)) compares x, y and z)."""
    if isinstance(node, (Max, Min)):
        return [leaf for a in node.args for leaf in _leaves(a)]
    return [node]


def _comparisons(expr: Basic) -> list[Basic] | None:
    """The expressions whose signs the kink functions of ``expr`` look at; None if a
    piecewise condition is not a relation (Eq of complex values, a set)."""
    found = []
    for node in expr.atoms(*KINK_NODES):
        if isinstance(node, (Max, Min)):
            found += [a - b for a, b in itertools.combinations(_leaves(node), 2)]
        elif isinstance(node, Piecewise):
            for _, cond in node.args:
                for relation in cond.atoms(Relational):
                    if relation.rel_op not in ("<", "<=", ">", ">=", "==", "!="):
                        return None
                    found.append(relation.lhs - relation.rhs)
        else:
            found.append(node.args[0])
    return found


def _linear(u: Basic, atoms: set[Basic]) -> tuple[list[Basic], Rational | None] | None:
    """(atoms of u, the constant the one atom is compared with) when u is c (x - y) or
    a x + b; None otherwise."""
    u = sympy.expand(u)
    used = sorted(free_atoms(u), key=sympy.default_sort_key)
    if not set(used) <= atoms or not u.is_polynomial(*used):
        return None
    poly = sympy.Poly(u, *used) if used else None
    if poly is not None and poly.total_degree() > 1:
        return None
    coefficients = [sympy.sympify(u.coeff(a)) for a in used]
    if any(not c.is_Rational for c in coefficients):
        return None
    constant = sympy.sympify(u.xreplace(dict.fromkeys(used, 0)))
    if not constant.is_Rational:
        return None
    if len(used) == 1:
        return used, -constant / coefficients[0]
    if len(used) == 2 and constant == 0 and coefficients[0] == -coefficients[1]:
        return used, None
    return ([], None) if not used else None


def _weak_orders(items: list[Basic]) -> Iterator[list[list[Basic]]]:
    """Every ordered partition of ``items`` into blocks (ties within a block)."""
    if not items:
        yield []
        return
    first, rest = items[0], items[1:]
    for order in _weak_orders(rest):
        for position in range(len(order) + 1):
            yield [*order[:position], [first], *order[position:]]
        for position in range(len(order)):
            yield [*order[:position], [first, *order[position]], *order[position + 1 :]]


def _allowed(atom: Basic, value: Rational) -> bool:
    """Whether a representative value is in the atom's sign assumptions."""
    return check_assumptions(value, atom) is not False


class _Ordering:
    """One ordering: each atom's parametrized value and a representative rational value."""

    def __init__(self, constants: list[Rational]) -> None:
        self.constants = constants
        self.values: dict[Basic, Basic] = {}
        self.point: dict[Basic, Rational] = {}
        self._count = 0

    def _parameter(self) -> Dummy:
        self._count += 1
        return Dummy(f"q{self._count}", positive=True, dummy_index=_DUMMY_INDEX + self._count)

    def place(self, slot: int, blocks: list[list[Basic]]) -> None:
        """Give values to ``blocks`` (in increasing order) in ``slot`` (odd: equal to a
        constant; even: the open interval below, between or above the constants)."""
        c = self.constants
        if slot % 2:
            for block in blocks:
                for atom in block:
                    self.values[atom] = self.point[atom] = c[slot // 2]
            return
        lo = c[slot // 2 - 1] if slot > 0 else None
        hi = c[slot // 2] if slot // 2 < len(c) else None
        steps = [
            self._parameter() for _ in range(len(blocks) + (lo is not None and hi is not None))
        ]
        for k, block in enumerate(blocks):
            value, point = self._between(lo, hi, steps, k, len(blocks))
            for atom in block:
                self.values[atom], self.point[atom] = value, point

    def _between(self, lo, hi, steps, k, m) -> tuple[Basic, Rational]:
        if lo is not None and hi is not None:  # lo < b_1 < ... < b_m < hi
            total = sum(steps, S.Zero)
            return lo + (hi - lo) * sum(steps[1 : k + 2], S.Zero) / total, lo + (
                hi - lo
            ) * Rational(k + 1, m + 1)
        if lo is not None:  # lo < b_1 < ... : lo + q_1 + ... + q_(k+1)
            return lo + sum(steps[: k + 1], S.Zero), lo + k + 1
        if hi is not None:  # ... < b_m < hi: hi - q_(k+1) - ... - q_m
            return hi - sum(steps[k:], S.Zero), hi - (m - k)
        base = Dummy("t", real=True, dummy_index=_DUMMY_INDEX)  # no constants at all
        return base + sum(steps[:k], S.Zero), Rational(k)


def orderings(atoms: list[Basic], constants: list[Rational]) -> Iterator[_Ordering]:
    """Every ordering of ``atoms`` among ``constants`` (sorted), see the module's doc."""
    slots = 2 * len(constants) + 1
    for assignment in itertools.product(range(slots), repeat=len(atoms)):
        groups = [
            [a for a, s in zip(atoms, assignment, strict=True) if s == slot]
            for slot in range(slots)
        ]
        open_groups = [(slot, g) for slot, g in enumerate(groups) if g and slot % 2 == 0]
        choices = [list(_weak_orders(g)) for _, g in open_groups]
        for picked in itertools.product(*choices):
            ordering = _Ordering(constants)
            for slot, g in enumerate(groups):
                if g and slot % 2:
                    ordering.place(slot, [g])
            for (slot, _), blocks in zip(open_groups, picked, strict=True):
                ordering.place(slot, blocks)
            if all(_allowed(a, ordering.point[a]) for a in atoms):
                yield ordering


class _Unordered(Exception):
    """A kink the ordering does not decide: ``found`` is (atoms, constant) to order it by,
    or None when no ordering of atoms can (a kink that is not c (x - y) or a x + b)."""

    def __init__(self, found: tuple[list[Basic], Rational | None] | None) -> None:
        super().__init__()
        self.found = found


class _Resolver:
    """Resolves kink functions in one ordering, checking that the ordering decides each one:
    its argument compares two ordered atoms, or an ordered atom with a placed constant."""

    def __init__(self, ordering: _Ordering, atoms: set[Basic], real: set[Basic]) -> None:
        self.ordering, self.atoms, self.real = ordering, atoms, real

    def sign(self, u: Basic) -> int:
        found = _linear(u, self.real)
        if found is None:
            raise _Unordered(None)
        used, constant = found
        if not set(used) <= self.atoms or (
            constant is not None and constant not in self.ordering.constants
        ):
            raise _Unordered(found)
        value = u.xreplace(self.ordering.point)
        return int(bool(value > 0)) - int(bool(value < 0))

    def branch(self, node: Basic) -> Basic:
        """The branch of one kink function whose arguments are resolved."""
        if isinstance(node, (Max, Min)):
            best = node.args[0]
            for other in node.args[1:]:
                better = self.sign(other - best)
                if (better > 0) if isinstance(node, Max) else (better < 0):
                    best = other
            return best
        u = node.args[0]
        sign_u = self.sign(u)
        if isinstance(node, Abs):
            return u if sign_u >= 0 else -u
        if isinstance(node, sign):
            return sympy.Integer(sign_u)
        at_zero = node.args[1] if len(node.args) > 1 else S.Half
        return S.One if sign_u > 0 else S.Zero if sign_u < 0 else at_zero

    def condition(self, cond: Basic) -> bool:
        decided = {}
        for relation in cond.atoms(Relational):
            if relation.rel_op not in ("<", "<=", ">", ">=", "==", "!="):
                raise _Unordered(None)
            side = self.sign(relation.lhs - relation.rhs)
            decided[relation] = sympy.sympify(relation.func(side, 0))
        return cond.xreplace(decided) is sympy.true

    def resolve(self, expr: Basic) -> Basic:
        """``expr`` with each kink function replaced by the branch the ordering selects
        (inner ones first)."""
        if not expr.args or not expr.has(*KINK_NODES):
            return expr
        if isinstance(expr, Piecewise):
            for piece, cond in expr.args:
                if self.condition(self.resolve(cond) if cond.has(*KINK_NODES) else cond):
                    return self.resolve(piece)
            return S.NaN
        args = [self.resolve(a) for a in expr.args]
        if isinstance(expr, (Max, Min)):
            return self.branch(expr.func(*args, evaluate=False))
        rebuilt = expr.func(*args)
        return self.branch(rebuilt) if isinstance(rebuilt, KINK_NODES) else rebuilt


def _innermost(expr: Basic) -> list[Basic]:
    """The comparisons of the kink functions whose arguments hold no kink function."""
    plain = [
        node for node in expr.atoms(*KINK_NODES) if not any(a.has(*KINK_NODES) for a in node.args)
    ]
    return _comparisons(sympy.Add(*plain)) or []


ROUNDS = 8  # passes that meet new atoms or constants in nested kinks, at most


def prove_by_orders(
    diffs: Sequence[Basic], assumptions: Sequence[Basic], work: Work
) -> tuple[str, tuple[Basic, ...]] | None:
    """(method, needs) when every difference is 0 in every ordering, else None."""
    evaluated = [evaluated_or_same(d) for d in diffs]
    if not any(d.has(*KINK_NODES) for d in evaluated) or any(
        d.has(sympy.DiracDelta) for d in evaluated
    ):
        return None  # nothing to order; or a distribution, which has no value at its kink
    real = {a for d in evaluated for a in free_atoms(d) if a.is_extended_real and not a.is_integer}
    atoms: set[Basic] = set()
    constants: set[Rational] = set()
    for u in (u for d in evaluated for u in _innermost(d)):
        found = _linear(u, real)
        if found is None:
            return None
        _add(found, atoms, constants)
    for _ in range(ROUNDS):
        regions = _regions(atoms, constants, work)
        if regions is None:
            return None
        missing = _missing(evaluated, regions, atoms, real)
        if missing is None:
            return None
        if not any([_add(found, atoms, constants) for found in missing]):
            return _prove_in_orderings(evaluated, assumptions, work, regions, atoms, real)
    return None


def _add(found: tuple[list[Basic], Rational | None], atoms: set, constants: set) -> bool:
    """Add the atoms and constant of a comparison; whether anything was new."""
    used, constant = found
    new = not set(used) <= atoms or (constant is not None and constant not in constants)
    atoms.update(used)
    if constant is not None:
        constants.add(constant)
    return new


def _regions(atom_set: set[Basic], constant_set: set[Rational], work: Work) -> list | None:
    """The orderings of the atoms among the constants; None beyond the ``orders`` limit."""
    atoms = sorted(atom_set, key=sympy.default_sort_key)
    constants = set(constant_set)
    if any(a.is_nonnegative is not None or a.is_zero is not None for a in atoms):
        constants.add(S.Zero)  # an atom with a sign: 0 is one of the places
    regions = list(itertools.islice(orderings(atoms, sorted(constants)), work.limits.orders + 1))
    if not atoms or not work.allows("orders", len(regions)):
        return None
    return regions


def _missing(
    evaluated: list[Basic], regions: list[_Ordering], atom_set: set[Basic], real: set[Basic]
) -> list[tuple[list[Basic], Rational | None]] | None:
    """The comparisons that some ordering does not decide yet (nested kinks meet new ones
    once the inner kinks are resolved), all of them in one pass, so that the orderings are
    built again once per level of nesting rather than once per comparison; None when a kink
    is not a comparison that orderings decide."""
    found = []
    for ordering in regions:
        resolver = _Resolver(ordering, atom_set, real)
        for d in evaluated:
            try:
                resolver.resolve(d)
            except _Unordered as missing:
                if missing.found is None:
                    return None
                found.append(missing.found)
    return found


def _prove_in_orderings(
    evaluated: list[Basic],
    assumptions: Sequence[Basic],
    work: Work,
    regions: list[_Ordering],
    atom_set: set[Basic],
    real: set[Basic],
) -> tuple[str, tuple[Basic, ...]] | None:
    used: set[Basic] = set()
    for ordering in regions:
        resolver = _Resolver(ordering, atom_set, real)
        local = [resolver.resolve(d).xreplace(ordering.values) for d in evaluated]
        given = [a.xreplace(ordering.values) for a in assumptions]
        if any(g is sympy.false for g in given):  # no point of this ordering satisfies them:
            used.add(next(a for a, g in zip(assumptions, given, strict=True) if g is sympy.false))
            continue  # the proof needs the assumption that rules it out
        kept = [(a, g) for a, g in zip(assumptions, given, strict=True) if g is not sympy.true]
        method, needs = attempt(local, [g for _, g in kept], work)
        if method is None:
            return None
        used.update(a for a, g in kept if g in needs)
    names = ", ".join(str(a) for a in sorted(atom_set, key=sympy.default_sort_key))
    method = f"by orders: in each of {len(regions)} orderings of {names}"
    return method, tuple(a for a in assumptions if a in used)
