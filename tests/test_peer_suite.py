"""derive on a peer suite: identities taken from SymPy's own test files and from STACK's
published answer-test table, and realistic slips made from them (tests/peer/). Every label is
confirmed by numbers at 50 and 90 digits when the suite is built, independently of derive.

A wrong verdict (a true identity refuted, a false one proved) fails at once, and so does a
refutation without an interval-arithmetic certificate. The shares are floors against
regressions: today derive proves 741 of the 742 true cases and refutes all 424 false ones
(before the sum convention, the sampler fixes and the methods of this suite: 486 of 539 and
296 of 297, on the sources other than ``variants``).

One test: building the suite confirms ~1500 labels and judging it runs ~1160 checks, about
35 s and 40 s on one core of this machine when it is idle (benchmarks/peer_suite.py prints the
figures); a second worker would build the suite again.
"""

from __future__ import annotations

from peer.build import judge, suite
from peer.slips import SLIPS

TRUE_PROVED_AT_LEAST = 0.97
FALSE_REFUTED_AT_LEAST = 0.97


def test_derive_is_sound_on_the_peer_suite_and_proves_what_it_should() -> None:
    built = suite()
    assert built.unconfirmed == [], "\n".join(built.unconfirmed)
    assert len(built.true) >= 300 and len(built.false) >= 150
    assert {case.slip for case in built.false if case.slip} == {name for name, _ in SLIPS}
    outcome = judge(built.cases)
    assert outcome.wrong == [], "\n".join(outcome.wrong)
    assert outcome.uncertified == [], "\n".join(outcome.uncertified)
    assert outcome.share("true", "proved") >= TRUE_PROVED_AT_LEAST, "\n".join(outcome.left)
    assert outcome.share("false", "refuted") >= FALSE_REFUTED_AT_LEAST, "\n".join(outcome.left)
