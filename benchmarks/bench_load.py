"""How loading a derivation file grows with its size: time and peak memory per file.

Files of 4,000, 16,000 and 64,000 small derivations are loaded (``load_file``, nothing checked)
each in a fresh interpreter; the table gives wall seconds and the ratio to the smallest file in
the same run (linear loading: about 4x and 16x), and peak memory above the interpreter's own
(import of derive and SymPy) per byte of file. Two kinds of file: every derivation the same
expressions (``x + 1`` = ``1 + x``, parsed once), and every derivation its own (``x + n``).

    python benchmarks/bench_load.py
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


def main() -> None:
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
