"""Deterministic limits on the work for one step: counts and sizes, never seconds.

A verdict must be a function of the input alone (the expressions, the assumptions and these
options), the same on any machine, under any load and with any hash seed. So the symbolic work
is bounded by what it does, not by how long it takes: each strategy applied counts as a rewrite,
an expression over the size limit is not rewritten, a case split or a split into sign regions
beyond its limit is not made. A step that stops at a limit is undecided, and its reason names
the limit, so a user can raise it knowingly (``--limit rewrites=800``). The wall clock is only a
guard against a hang (``guard.py``).

The defaults leave every derivation shipped with derive well inside them.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING

from derive.suggest import did_you_mean

if TYPE_CHECKING:
    from sympy import Basic

# name -> what it bounds (the documentation of ``--limit``; docs/limits.md says more)
LIMIT_HELP: dict[str, str] = {
    "rewrites": "symbolic rewrites (strategy applications) tried for one step",
    "size": "nodes in an expression that a rewrite may take or produce",
    "simplify": "nodes in the largest expression given to SymPy's simplify",
    "cases": "cases of a case split over bounded integer symbols",
    "kinks": "kinks split into sign regions (2**kinks regions) for a proof between kinks",
    "points": "sample points for the counterexample search and for the cross-check",
    "regions": "sample points between and beyond the breakpoints of kinks, besides those",
    "orders": "orderings of the atoms among the kinks' constants a proof by orders splits into",
}


@dataclass(frozen=True)
class Limits:
    """The limits for one step (defaults: ``Limits()``).

    Attributes:
        rewrites: symbolic rewrites tried, in all (every strategy applied counts one).
        size: the largest expression (in tree nodes) a rewrite may take or produce.
        simplify: the largest expression given to SymPy's ``simplify``, the one rewrite whose
            cost grows steeply with size (minutes at a few hundred nodes).
        cases: the most cases of a case split (an index confined to 1..3 with another to
            1..4 makes 12).
        kinks: the most kinks a proof between kinks splits into sign regions.
        points: points for the counterexample search, and again for the cross-check of a
            proof (at least 4: a proof needs 4 agreeing points).
        regions: points besides those, one in each region between and beyond the
            breakpoints of the kinks (Heaviside, Max, |x|, sign, piecewise conditions), and at
            the breakpoints where the value there is a convention (``regions.py``).
        orders: orderings (ties included) of the atoms among the constants their kinks
            compare them with, that a proof by orders proves one by one (``orders.py``).
    """

    rewrites: int = 400
    size: int = 20_000
    simplify: int = 200
    cases: int = 64
    kinks: int = 4
    points: int = 10
    regions: int = 16
    orders: int = 100

    def __post_init__(self) -> None:
        for item in fields(self):
            value = getattr(self, item.name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"limit {item.name} must be an integer >= 1, got {value!r}")
        if self.points < 4:
            raise ValueError(f"limit points must be at least 4, got {self.points}")

    def describe(self, name: str) -> str:
        """``the rewrite limit (rewrites = 400)``."""
        return f"the {name} limit ({name} = {getattr(self, name)})"


def parse_limit(text: str) -> tuple[str, int]:
    """``"rewrites=800"`` -> ``("rewrites", 800)``; ValueError naming the problem otherwise."""
    name, _, value = text.partition("=")
    if name not in LIMIT_HELP:
        hint = did_you_mean(name, LIMIT_HELP)
        raise ValueError(
            f"unknown limit {name!r} in {text!r}{hint} (known: {', '.join(LIMIT_HELP)})"
        )
    try:
        number = int(value)
    except ValueError:
        raise ValueError(f"{text!r}: the value must be an integer") from None
    Limits(**{name: number})  # the range checks
    return name, number


class LimitReached(Exception):
    """The work for a step reached a limit; ``name`` is the limit's."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


@functools.lru_cache(maxsize=8192)
def size(expr: Basic) -> int:
    """Nodes in ``expr``'s tree (a shared subtree counts each time it appears)."""
    return 1 + sum(size(arg) for arg in expr.args)


class Work:
    """The work done on one step so far, against its limits; remembers the limits it hit."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.rewrites = 0
        self.hit: list[str] = []  # names of the limits reached, in the order they were

    def note(self, name: str) -> None:
        if name not in self.hit:
            self.hit.append(name)

    def rewrite(self) -> None:
        """Count one rewrite; LimitReached once there were more than the limit allows."""
        self.rewrites += 1
        if self.rewrites > self.limits.rewrites:
            self.note("rewrites")
            raise LimitReached("rewrites")

    def fits(self, expr: Basic, name: str = "size") -> bool:
        """Whether ``expr`` is within the size limit ``name`` (noting the limit if not)."""
        if size(expr) <= getattr(self.limits, name):
            return True
        self.note(name)
        return False

    def allows(self, name: str, count: int) -> bool:
        """Whether ``count`` (cases, kinks) is within limit ``name`` (noting it if not)."""
        if count <= getattr(self.limits, name):
            return True
        self.note(name)
        return False

    def reason(self) -> str:
        """``stopped at the rewrite limit (rewrites = 400)``, or "" if no limit was hit."""
        if not self.hit:
            return ""
        return "stopped at " + " and ".join(self.limits.describe(n) for n in self.hit)
