"""How loading grows with the size of what is loaded: time and peak memory per file.

Derivation files: files of 4,000, 16,000 and 64,000 small derivations are loaded (``load_file``,
nothing checked) each in a fresh interpreter; the table gives wall seconds and the ratio to the
smallest file in the same run (linear loading: about 4x and 16x), and peak memory above the
interpreter's own (import of derive and SymPy) per byte of file. Two kinds of file: every
derivation the same expressions (``x + 1`` = ``1 + x``, parsed once), and every derivation its
own (``x + n``).

Posts (``--posts``): the hostile shapes that once made reading quadratic, each read
(``load_post``, nothing checked; the best of three) at a size n and at 2n in a fresh
interpreter: a run of scripts ``x_a_a_...`` (80 KB), a display of rows (1 MB), continuation rows
``+a \\`` (700 KB), and,
below every limit, many displays of continuation rows (the work done, not refused). Seconds are
those of ``load_post`` alone; the ratio time(2n)/time(n) is at most about 2 when reading is
linear (the issue's bound: 2.5).

    python benchmarks/bench_load.py
    python benchmarks/bench_load.py --posts
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

SIZES = (4_000, 16_000, 64_000)
LOAD = (
    "import sys, resource; from derive.sources.toml.file import load_file; "
    "before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss; "
    "load_file(sys.argv[1]); "
    "print(before, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"
)


def derivations(count: int, distinct: bool) -> str:
    """A file of ``count`` one-step derivations."""
    parts = ['[symbols]\nx = "real"\n']
    for n in range(count):
        start, step = (f"x + {n}", f"{n} + x") if distinct else ("x + 1", "1 + x")
        parts.append(f'[[derivation]]\nname = "d{n}"\nstart = "{start}"\nsteps = ["{step}"]\n')
    return "".join(parts)


def measure(path: Path) -> tuple[float, float]:
    """Wall seconds of a fresh interpreter loading ``path``, and its peak memory growth (MB)."""
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-c", LOAD, str(path)], capture_output=True, text=True, check=True
    )
    seconds = time.perf_counter() - start
    before, after = (int(v) for v in result.stdout.split())
    return seconds, (after - before) / 1024


POST = """
import sys, time, resource
from derive.sources.posts.file import load_post
from derive.sources.toml.parse import ParseError
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
best = float("inf")
for _ in range(3):  # the best of three: the machine is shared
    start = time.perf_counter()
    try:
        outcome = f"{len(load_post(sys.argv[1], 'md').items)} reports"
    except ParseError as error:
        outcome = "refused: " + error.message[:40]
    best = min(best, time.perf_counter() - start)
print(best, before, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, outcome)
"""


def _scripts(size: int) -> str:
    return "$$ x" + "_a" * (size // 2) + " = 1 $$\n"


def _rows(size: int) -> str:
    row = "x &= 1 \\\\\n"
    return "$$\n\\begin{aligned}\n" + row * (size // len(row) - 10) + "\\end{aligned}\n$$\n"


def _continued(size: int) -> str:
    row = "+a \\\\\n"
    body = row * (size // len(row))
    return "$$\n\\begin{aligned}\ny &= a \\\\\n" + body + "\\end{aligned}\n$$\n"


def _many_displays(size: int) -> str:
    """Displays of 15 KB of continuation rows: each display read, each joined row too long."""
    one = _continued(15_000)
    return "Text.\n\n".join([one] * max(1, round(size / len(one))))


SHAPES = {  # name -> (the size n, the text of about that many bytes)
    "scripts x_a_a_...": (80_000, _scripts),
    "one display of rows": (500_000, _rows),  # 2n = 1 MB: the largest post read
    "continuation rows +a \\\\": (350_000, _continued),  # 2n = 700 KB
    "displays of continuations (read)": (90_000, _many_displays),
}


def measure_post(path: Path) -> tuple[float, float, str]:
    """Seconds of ``load_post`` in a fresh interpreter, its peak memory growth (MB), and what
    came of it (reports, or the refusal)."""
    result = subprocess.run(
        [sys.executable, "-c", POST, str(path)], capture_output=True, text=True, check=True
    )
    seconds, before, after, outcome = result.stdout.split(" ", 3)
    return float(seconds), (int(after) - int(before)) / 1024, outcome.strip()


def posts() -> None:
    print("| shape | bytes | seconds | time(2n)/time(n) | peak memory above import | outcome |")
    print("|---|---:|---:|---:|---:|---|")
    with tempfile.TemporaryDirectory() as directory:
        for name, (size, text) in SHAPES.items():
            first = None
            for factor in (1, 2):
                path = Path(directory) / "post.md"
                path.write_text(text(size * factor), encoding="utf-8")
                seconds, megabytes, outcome = measure_post(path)
                ratio = "" if first is None else f"{seconds / first:.2f}"
                first = first or seconds
                print(
                    f"| {name} | {path.stat().st_size:,} | {seconds:.3f} | {ratio} |"
                    f" {megabytes:.0f} MB | {outcome} |"
                )


def main() -> None:
    if "--posts" in sys.argv[1:]:
        posts()
        return
    print("| file | bytes | seconds | ratio | peak memory above import | per byte of file |")
    print("|---|---:|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as directory:
        for distinct in (False, True):
            first = None
            for count in SIZES:
                path = Path(directory) / f"{count}-{distinct}.toml"
                path.write_text(derivations(count, distinct))
                seconds, megabytes = measure(path)
                first = first or seconds
                size = path.stat().st_size
                kind = "own expressions" if distinct else "same expressions"
                per_byte = megabytes * 2**20 / size
                print(
                    f"| {count:,} derivations, {kind} | {size:,} | {seconds:.1f} |"
                    f" {seconds / first:.1f}x | {megabytes:.0f} MB | {per_byte:.0f} |"
                )


if __name__ == "__main__":
    main()
