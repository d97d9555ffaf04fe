"""Build the peer suite (its data-building step: every label confirmed by numbers) and judge
derive on it.

``suite()`` takes every case of the source modules, confirms its label, and adds a slip of
every other true case: the first of the slips, tried in turn from a rotating start, that the
numbers confirm is false. ``judge()`` runs ``check_equal`` on each case and counts.
"""

from __future__ import annotations

import functools
import time
from collections import Counter
from dataclasses import dataclass, field

from derive import check_equal
from peer import Case, sources
from peer.confirm import confirm
from peer.slips import slip


@dataclass(frozen=True)
class Suite:
    cases: list[Case]
    unconfirmed: list[str]  # labels the numbers did not confirm, with why

    @property
    def true(self) -> list[Case]:
        return [c for c in self.cases if c.true]

    @property
    def false(self) -> list[Case]:
        return [c for c in self.cases if not c.true]


@functools.lru_cache(maxsize=1)
def suite() -> Suite:
    """The cases of the sources and their slips, every label confirmed (see the module doc)."""
    taken = sources()
    unconfirmed = [f"{case.label()}: {why}" for case in taken if (why := confirm(case))]
    made = []
    for number, case in enumerate(c for c in taken if c.true):
        if number % 2:
            continue
        for candidate in slip(case, number // 2):
            if not confirm(candidate):
                made.append(candidate)
                break
    return Suite(taken + made, unconfirmed)


@dataclass
class Outcome:
    """What derive said on the suite."""

    counts: Counter = field(default_factory=Counter)  # ("true"/"false", status) -> cases
    wrong: list[str] = field(default_factory=list)  # a true case refuted, a false one proved
    uncertified: list[str] = field(default_factory=list)  # refutations not certified
    left: list[str] = field(default_factory=list)  # true not proved, false not refuted
    seconds: float = 0.0

    def share(self, truth: str, status: str) -> float:
        total = sum(n for (t, _), n in self.counts.items() if t == truth)
        return self.counts[(truth, status)] / total if total else 0.0


def judge(cases: list[Case]) -> Outcome:
    """``check_equal`` on every case, counted by truth and verdict."""
    outcome = Outcome()
    start = time.monotonic()
    for case in cases:
        verdict = check_equal(case.lhs, case.rhs, assume=list(case.assume))
        truth = "true" if case.true else "false"
        outcome.counts[(truth, verdict.status)] += 1
        line = f"{case.label()} -> {verdict}"
        if (case.true and verdict.refuted) or (not case.true and verdict.proved):
            outcome.wrong.append(line)
        elif verdict.refuted and not verdict.certified:
            outcome.uncertified.append(line)
        if verdict.status != ("proved" if case.true else "refuted"):
            outcome.left.append(line)
    outcome.seconds = time.monotonic() - start
    return outcome
