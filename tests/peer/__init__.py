"""A peer suite: identities nobody on this project wrote, and realistic slips made from them.

The true identities come from SymPy's own test files (each module here names the file and the
test it translates, with the assumptions that test gives its symbols) and from the published
answer-test table of another symbolic checker (STACK's AlgEquiv results); the false ones are
that checker's own non-equivalent pairs and slips made from the true pairs by ``slips.py``
(a sign flip, a factor 2, an exponent off by one, a dropped term, swapped arguments, a sum
bound off by one). ``confirm.py`` confirms every label numerically at 50 and 90 digits before
the suite is used, independently of derive; ``suite()`` is the whole of it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sympy import Basic, sympify


@dataclass(frozen=True)
class Case:
    """One claim ``lhs = rhs`` under ``assume``: ``true`` says whether it holds; ``source``
    names where it comes from (a SymPy test, a table, or the slip that made it)."""

    lhs: Basic
    rhs: Basic
    assume: tuple[Basic, ...] = ()
    source: str = ""
    true: bool = True
    slip: str = field(default="", compare=False)

    def label(self) -> str:
        kind = "true" if self.true else f"false ({self.slip or 'table'})"
        return f"{self.source}: {self.lhs} = {self.rhs} [{kind}]"


def group(source: str, rows: list[tuple], true: bool = True) -> list[Case]:
    """Cases from rows (lhs, rhs) or (lhs, rhs, [assumptions]) of one source."""
    found = []
    for row in rows:
        lhs, rhs, *rest = row
        assume = tuple(rest[0]) if rest else ()
        found.append(Case(sympify(lhs), sympify(rhs), assume, source, true))
    return found


MODULES = (
    "powers",
    "exponential",
    "hyperbolic",
    "complexes",
    "kinks",
    "sums",
    "gamma",
    "trig",
    "simplify",
    "stack",
    "variants",
)


def sources() -> list[Case]:
    """Every case taken from a source (SymPy's tests, STACK's table), in a fixed order."""
    import importlib

    found: list[Case] = []
    for name in MODULES:
        found += importlib.import_module(f"peer.{name}").CASES
    return found
