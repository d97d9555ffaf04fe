"""How well ``derive check`` reads posts written as people write them: the corpus of
tests/corpus/ (our own posts in the notations of real ML posts, each display equality labelled
in NAME.expect.toml), scored row by row.

For each post and in total (and per family of posts, index or matrix notation): the share of
claims with the right verdict (a true claim proved, an author slip refuted), the slips refuted,
the non-claims (definitions, conditions, assumptions, notes) respected (neither refuted nor
proved), the rows not reported at all, the wrong verdicts (a true claim refuted, a slip proved,
a non-claim refuted) listed one by one, and the time per post (median and worst). Then why the
claims that are not right were lost: the reader's own reason, and the constructs of the lost
rows (tests/corpus/NOTATION.md describes them).

Every post is checked with ``derive check POST --json`` in this one process, one after the
other; ``--timeout`` is derive's hang guard per step.

    python benchmarks/corpus.py                      # the whole corpus
    python benchmarks/corpus.py tests/corpus/softmax_pj.md -v
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from corpus_labels import corpus_posts
from corpus_support import Run, Score, constructs_of, run_posts, share

HEADER = (
    f"{'post':34} {'claims right':>15} {'slips':>7} {'non-claims':>11} {'unreported':>10} "
    f"{'wrong':>5} {'s':>6}"
)


def line(name: str, score: Score, seconds: float | None = None) -> str:
    claims = f"{score.claims_right}/{score.claims} {share(score.claims_right, score.claims):4.0%}"
    slips = f"{score.slips_refuted}/{score.slips}"
    respected = f"{score.non_claims_respected}/{score.non_claims}"
    time = "" if seconds is None else f"{seconds:6.1f}"
    return (
        f"{name[:34]:34} {claims:>15} {slips:>7} {respected:>11} {score.not_reported:>10} "
        f"{len(score.wrong):>5} {time:>6}"
    )


def total(runs: list[Run]) -> Score:
    score = Score()
    for run in runs:
        score.add(run.score)
    return score


def reason(detail: str) -> str:
    """The reader's reason, without positions and quoted text: comparable across rows."""
    detail = re.sub(r"\(at \d+:\d+\)|at [^:]*: lhs = .*|\[.*", "", detail)
    detail = re.sub(r"'[^']*'", "'…'", detail)
    detail = re.sub(r"\s+", " ", detail).strip().rstrip(":;")
    return (detail + ": a counterexample" if detail == "refuted" else detail)[:90]


def report(runs: list[Run], verbose: bool) -> None:
    print(HEADER)
    for run in runs:
        print(line(run.post.path.name, run.score, run.seconds))
        if run.error:
            print(f"    whole file: {run.error}")
    print()
    groups: dict[str, list[Run]] = {}
    for run in runs:
        groups.setdefault(f"family {run.post.family}", []).append(run)
        kind = "matrix notation" if run.post.matrix else "index notation"
        groups.setdefault(kind, []).append(run)
    for name in sorted(groups):
        print(line(name, total(groups[name])))
    everything = total(runs)
    print(line("all posts", everything))
    times = sorted((run.seconds, run.post.path.name) for run in runs)
    if times:
        print(
            f"\ntime per post: median {statistics.median(t for t, _ in times):.1f} s, "
            f"worst {times[-1][0]:.1f} s ({times[-1][1]}), total {sum(t for t, _ in times):.1f} s"
        )
    _details(everything, verbose)


def _details(score: Score, verbose: bool) -> None:
    print(f"\nwrong verdicts: {len(score.wrong)}")
    for wrong in score.wrong:
        print(f"  {wrong}")
    lost = score.lost
    print(f"\nclaims not right: {len(lost)}; the reader's reasons (most frequent first)")
    reasons = Counter(reason(detail) for _, detail in lost)
    for text, count in reasons.most_common(None if verbose else 12):
        print(f"  {count:4}  {text}")
    print("\nconstructs in the claims not right (a row counts once per construct)")
    for name, count in Counter(c for row, _ in lost for c in constructs_of(row.text)).most_common():
        print(f"  {count:4}  {name}")
    if score.extra:
        print(f"\nreported rows at no labelled '=': {len(score.extra)}")
        for extra in score.extra[: None if verbose else 10]:
            print(f"  {extra}")
    if verbose:
        print("\nclaims not right")
        for row, detail in lost:
            truth = "true" if row.true else "slip"
            print(f"  {row.line}:{row.column} [{truth}] {row.text[:70]}  <- {detail[:100]}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("posts", nargs="*", type=Path, help="posts (default: all of tests/corpus)")
    parser.add_argument("--timeout", type=float, default=60.0, help="derive's hang guard per step")
    parser.add_argument("-v", "--verbose", action="store_true", help="every lost claim and reason")
    args = parser.parse_args()
    runs = run_posts(args.posts or corpus_posts(), args.timeout)
    report(runs, args.verbose)
    return 0


if __name__ == "__main__":
    sys.exit(main())
