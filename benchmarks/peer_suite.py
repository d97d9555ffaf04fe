"""derive on the peer suite of tests/peer/ (identities from SymPy's test files and STACK's
answer-test table, and slips made from them): the shares per source, the verdicts that are not
the expected ones, and the time to build the suite (labels confirmed at 50 and 90 digits) and
to judge it, with the median and slowest check.

    python benchmarks/peer_suite.py            # shares per source and in total
    python benchmarks/peer_suite.py -v         # ... and every case not proved / not refuted
    python benchmarks/peer_suite.py --verdicts FILE   # write one verdict a line (to compare runs)
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from peer.build import suite

from derive import check_equal


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-v", "--verbose", action="store_true")
    parser.add_argument("--verdicts", help="write each case's verdict to this file")
    args = parser.parse_args()
    start = time.monotonic()
    built = suite()
    built_seconds = time.monotonic() - start
    rows, seconds, per_source = [], [], Counter()
    for case in built.cases:
        began = time.monotonic()
        verdict = check_equal(case.lhs, case.rhs, assume=list(case.assume))
        seconds.append(time.monotonic() - began)
        expected = "proved" if case.true else "refuted"
        source = case.source.split("::")[0]
        per_source[(source, case.true, verdict.status == expected)] += 1
        rows.append(f"{case.label()}\t{verdict.status}\t{verdict.certified}")
        if args.verbose and verdict.status != expected:
            print(f"{verdict.status:9} {case.label()[:150]}\n          {verdict.method[:150]}")
    for source in sorted({s for s, _, _ in per_source}):
        for truth in (True, False):
            right, total = (
                per_source[(source, truth, True)],
                sum(n for (s, t, _), n in per_source.items() if s == source and t == truth),
            )
            if total:
                kind = "true proved" if truth else "false refuted"
                print(f"{source:40} {kind:14} {right:4} of {total:4}")
    for truth, kind in ((True, "true proved"), (False, "false refuted")):
        right = sum(n for (_, t, ok), n in per_source.items() if t == truth and ok)
        total = sum(n for (_, t, _), n in per_source.items() if t == truth)
        print(f"{'all':40} {kind:14} {right:4} of {total:4}")
    print(
        f"built (labels confirmed) in {built_seconds:.1f} s; unconfirmed: {len(built.unconfirmed)}"
    )
    print(
        f"judged {len(seconds)} cases in {sum(seconds):.1f} s: median "
        f"{1000 * statistics.median(seconds):.0f} ms, slowest {max(seconds):.2f} s"
    )
    if args.verdicts:
        Path(args.verdicts).write_text("\n".join(rows) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
