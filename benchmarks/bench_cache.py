"""The everyday loop: ``derive --version`` / ``--help``, and a second ``derive check`` of an
unchanged post or file against the first (the verdict and file caches), as ratios in one run.

Run from the repository root (not a test: timings depend on the machine):

    python benchmarks/bench_cache.py                      # the reference post and the examples
    python benchmarks/bench_cache.py FILE... --rounds 5

Each command runs in a fresh interpreter; the figure is its CPU time (user + system of the
child, as the operating system accounts it), which a loaded machine disturbs far less than wall
time; the median of the rounds is shown. A round of a file clears its cache, checks it (first),
then checks it again (second); the ratio second / first is what docs/performance.md quotes.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_FILES = [
    os.path.join(ROOT, "..", "shared", "reference", "softmax-cross-entropy-derivation.md"),
    os.path.join(ROOT, "examples", "softmax_post.md"),
    os.path.join(ROOT, "examples", "softmax_cross_entropy.toml"),
]


def cpu_seconds(*arguments: str) -> float:
    """CPU seconds (user + system) of one ``python -m derive ARGUMENTS``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(
        [sys.executable, "-m", "derive", *arguments], capture_output=True, check=False, cwd=ROOT
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", default=DEFAULT_FILES)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    for flag in ("--version", "--help"):
        times = [cpu_seconds(flag) for _ in range(args.rounds)]
        print(f"derive {flag:<10} {statistics.median(times):7.3f} s cpu")
    print(f"{'file':<48} {'first':>8} {'second':>8} {'ratio':>7}")
    for path in args.files:
        if not os.path.exists(path):
            print(f"{path}: missing, skipped")
            continue
        firsts, seconds = [], []
        for _ in range(args.rounds):
            cache = tempfile.mkdtemp(prefix="derive-bench-cache-")
            options = ("check", path, "-qq", "--cache-dir", cache)
            firsts.append(cpu_seconds(*options))
            seconds.append(cpu_seconds(*options))
            shutil.rmtree(cache)
        first, second = statistics.median(firsts), statistics.median(seconds)
        name = os.path.relpath(path, ROOT)
        print(f"{name[-48:]:<48} {first:8.2f} {second:8.3f} {second / first:7.1%}")


if __name__ == "__main__":
    main()
