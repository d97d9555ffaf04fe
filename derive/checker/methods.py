"""How a claim gets its symbolic proof: the proof methods, a table tried in order.

Each method returns a :class:`Proof` (what it showed, the assumptions it used, caveats) or None;
the first proof found is the claim's, and ``equal.py`` cross-checks it numerically. None of the
methods looks at the clock: they are bounded by the step's :class:`~derive.checker.limits.Work`.

``instance``: a claim built by the same builder as a general one, with the sizes (K, J, ...)
substituted, holds because the general claim was proved for every size: substitute the sizes
into that statement and its assumptions. This is how a concrete K costs what a symbolic K costs.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import sympy
from sympy import Basic, Symbol
from sympy.core.assumptions import check_assumptions

from derive.checker.conventions import almost_everywhere, convention_caveats, prove_between_kinks
from derive.checker.curves import prove_on_branches
from derive.checker.evidence import Entry, Evidence, gather
from derive.checker.intervals import prove_on_intervals
from derive.checker.limits import Work
from derive.checker.orders import prove_by_orders
from derive.checker.prove import attempt
from derive.checker.sums import canonical
from derive.checker.verdict import Verdict

NEED_POINTS = 6  # points tried without an assumption, to show that a proof needs it


@dataclass(frozen=True)
class General:
    """A claim ``lhs = rhs`` proved for every value of the size symbols in ``sizes``, under
    ``needs``, and the sizes at which the claim being checked is its instance.

    Attributes:
        lhs, rhs: the general sides (SymPy expressions with the size symbols free).
        needs: the assumptions the general proof used.
        method: how the general claim was proved.
        caveats: the general verdict's caveats.
        sizes: (size symbol, value) pairs, e.g. ((K, 3), (J, 4)).
    """

    lhs: Basic
    rhs: Basic
    needs: tuple[Basic, ...]
    method: str
    caveats: tuple[str, ...]
    sizes: tuple[tuple[Symbol, int], ...]

    @classmethod
    def of(
        cls, verdict: Verdict, lhs: Basic, rhs: Basic, sizes: dict[Symbol, int]
    ) -> General | None:
        """The general statement behind a verdict on ``lhs = rhs``; None unless it is proved
        everywhere (a proof that holds only between kinks is not instantiated)."""
        if not verdict.proved or almost_everywhere(verdict.caveats):
            return None
        ordered = tuple(sorted(sizes.items(), key=lambda item: sympy.default_sort_key(item[0])))
        method = verdict.method.split("; agrees at")[0]
        return cls(lhs, rhs, verdict.needs, method, verdict.caveats, ordered)

    def sizes_text(self) -> str:
        return ", ".join(f"{symbol} = {value}" for symbol, value in self.sizes)


@dataclass(frozen=True)
class Claim:
    """One check in progress: the claim, its entries (matrix entries, or one), the assumptions,
    the seed of its numbers, the work done on it, and the general claim it may instantiate."""

    lhs: Basic
    rhs: Basic
    entries: list[Entry]
    assumptions: tuple[Basic, ...]
    seed: int
    work: Work
    general: General | None = None

    @property
    def sides(self) -> list[Basic]:
        return [side for _, lhs, rhs in self.entries for side in (lhs, rhs)]

    @property
    def diffs(self) -> list[Basic]:
        """lhs - rhs per entry, as given: the Kronecker-delta rule works on unevaluated sums."""
        return [lhs - rhs for _, lhs, rhs in self.entries]

    def evidence(self, assume: Sequence[Basic], count: int, seed: int) -> Evidence:
        """Numbers at ``count`` points that satisfy ``assume``; the integer values are drawn from
        the claim's seed, so every sampler of a claim instantiates the sides for the same ones."""
        regions = self.work.limits.regions
        return gather(
            self.entries, assume, seed=seed, count=count, integer_seed=self.seed, regions=regions
        )

    def differs(self, assume: Sequence[Basic], count: int, seed: int) -> bool:
        """Whether the numbers show the sides differ at a point that satisfies ``assume`` (a
        hint, so no points between kinks: a miss only costs a proof attempt that fails)."""
        evidence = gather(
            self.entries, assume, seed=seed, count=count, integer_seed=self.seed, decisive=False
        )
        return evidence.counterexample is not None


@dataclass(frozen=True)
class Proof:
    method: str
    needs: tuple[Basic, ...] = ()
    caveats: tuple[str, ...] = ()
    almost_everywhere: bool = False


def by_instance(claim: Claim) -> Proof | None:
    """The claim is the general one with the sizes substituted, and so are the assumptions
    that the general proof used."""
    general = claim.general
    if general is None:
        return None
    sizes = {symbol: sympy.Integer(value) for symbol, value in general.sizes}
    if any(check_assumptions(value, symbol) is not True for symbol, value in sizes.items()):
        return None
    for side, claimed in ((general.lhs, claim.lhs), (general.rhs, claim.rhs)):
        instance = side.xreplace(sizes)
        if instance != claimed and canonical(instance) != canonical(claimed):
            return None
    used = []
    for need in general.needs:
        instance = need.xreplace(sizes)
        if instance is sympy.true:
            continue
        found = [
            a for a in claim.assumptions if a == instance or canonical(a) == canonical(instance)
        ]
        if not found:
            return None
        used.append(found[0])
    claim.work.rewrite()
    caveats = convention_caveats(claim.sides, claim.diffs, claim.work) if general.caveats else ()
    names = ", ".join(str(symbol) for symbol in sizes)
    method = f"for every {names} ({general.method}), at {general.sizes_text()}"
    return Proof(method, tuple(a for a in claim.assumptions if a in used), caveats)


def by_rewriting(claim: Claim) -> Proof | None:
    """First without the equalities (sum t = 1 ...), then with them: so ``needs`` names an
    equality only when no proof was found without it (the first attempt is skipped when the
    numbers show the sides differ without them)."""
    relations = tuple(a for a in claim.assumptions if not isinstance(a, sympy.Eq))
    method, needs = None, ()
    if len(relations) == len(claim.assumptions) or not _fails_without(claim, relations):
        method, needs = attempt(claim.diffs, relations, claim.work)
    if method is None and len(relations) < len(claim.assumptions):
        method, needs = attempt(claim.diffs, claim.assumptions, claim.work)
    if method is None:
        return None
    return Proof(method, needs, convention_caveats(claim.sides, claim.diffs, claim.work))


def _fails_without(claim: Claim, relations: tuple[Basic, ...]) -> bool:
    """Whether the sides differ at a point that ignores the equalities (sum t = 1): then no
    proof without them exists, and the (costly, failing) attempt to find one is skipped."""
    return claim.differs(relations, NEED_POINTS, claim.seed + 2)


def by_regions(claim: Claim) -> Proof | None:
    """Proved in every sign region between the kinks (ReLU, |x|), each kink looked at alone."""
    found = prove_between_kinks(claim.sides, claim.diffs, claim.assumptions, claim.work)
    if found is None:
        return None
    return Proof(found.method, found.needs, found.caveats, found.may_differ_at_kinks)


def by_orders(claim: Claim) -> Proof | None:
    """Zero in every ordering of the atoms among the constants the kinks compare them with
    (Max(x, y, z) against its Piecewise form; ``orders.py``)."""
    found = prove_by_orders(claim.diffs, claim.assumptions, claim.work)
    if found is None:
        return None
    method, needs = found
    return Proof(method, needs, convention_caveats(claim.sides, claim.diffs, claim.work))


def by_branches(claim: Claim) -> Proof | None:
    """Zero on each branch of a curve an equality defines (y = ±sqrt(1 - x**2) for x**2 +
    y**2 = 1), the branches put in for the atom (``curves.py``)."""
    found = prove_on_branches(claim.diffs, claim.assumptions, claim.work)
    if found is None:
        return None
    method, needs = found
    return Proof(method, needs, convention_caveats(claim.sides, claim.diffs, claim.work))


def by_intervals(claim: Claim) -> Proof | None:
    """Zero for every value of the real symbols in the intervals the relations bound them to
    (0 < p < 1 as p = s/(1 + s), s > 0; ``intervals.py``)."""
    found = prove_on_intervals(claim.diffs, claim.assumptions, claim.work)
    if found is None:
        return None
    method, needs = found
    return Proof(method, needs, convention_caveats(claim.sides, claim.diffs, claim.work))


# (name, the method, why a proof by it is a proof), in the order they are tried
METHODS: tuple[tuple[str, Callable[[Claim], Proof | None], str], ...] = (
    (
        "instance",
        by_instance,
        "a claim proved for every size holds at each size its symbols' assumptions allow",
    ),
    ("rewriting", by_rewriting, "rewrites that keep the value (prove.STRATEGIES) reach 0"),
    ("regions", by_regions, "zero in every sign region between the kinks, kinks looked at alone"),
    (
        "orders",
        by_orders,
        "zero in every ordering of the atoms among the kinks' constants, ties (kinks) included",
    ),
    (
        "branches",
        by_branches,
        "zero on every branch of the curve an equality defines: the branches are the curve",
    ),
    (
        "intervals",
        by_intervals,
        "zero for every value of a parametrization onto each bounded symbol's interval",
    ),
)


def find_proof(claim: Claim) -> Proof | None:
    """The first proof a method finds, or None. Raises LimitReached at the rewrite limit."""
    for _name, method, _why in METHODS:
        proof = method(claim)
        if proof is not None:
            return proof
    return None
