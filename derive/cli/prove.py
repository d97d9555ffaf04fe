"""``derive prove [NAME] [--K N] [--J N] [--json]``: check the library's derivations."""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import time
from concurrent.futures import ProcessPoolExecutor

from derive.checker.equal import DEFAULT_TIMEOUT
from derive.cli.exits import EXIT_FAILED, EXIT_OK
from derive.cli.options import add_size_options, add_timeout_option, derivation_name, size
from derive.derivations import DEFAULT, DEFAULT_TIMEOUTS, DERIVATIONS, build
from derive.render.table import format_table, report_rows

JSON_FIELDS = (
    "derivation",
    "step",
    "lhs",
    "rhs",
    "status",
    "needs",
    "counterexample",
    "seconds",
    "needs_detail",
)


def add_parser(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "prove",
        help="check derivations step by step",
        description="Check the library's derivations; exit 0 iff every step is proved.",
    )
    parser.add_argument(
        "name",
        nargs="?",
        type=derivation_name,
        metavar="NAME",
        help=f"one of {', '.join(DERIVATIONS)} (default: {' + '.join(DEFAULT)})",
    )
    add_size_options(parser)
    parser.add_argument("--json", action="store_true", help="print the rows as JSON")
    add_timeout_option(parser)
    parser.add_argument("--jobs", type=size, default=min(2, os.cpu_count() or 1))
    parser.set_defaults(run=run)


Sizes = tuple[int | None, int | None, int | None, int | None]  # K, J, N, I (None: default)


def _check(task: tuple[str, int, Sizes, float | None]) -> list[dict[str, object]]:
    """Check derivation ``index`` of set ``name`` (runs in a worker process)."""
    name, index, sizes, timeout = task
    if timeout is None:
        timeout = DEFAULT_TIMEOUTS.get(name, DEFAULT_TIMEOUT)
    return report_rows(build(name, *sizes)[index].check(timeout=timeout))


def check_rows(
    names: tuple[str, ...], sizes: Sizes, timeout: float | None, jobs: int
) -> list[dict[str, object]]:
    """Rows for every step of the named sets, in order; derivations spread over ``jobs``."""
    tasks = [(n, i, sizes, timeout) for n in names for i in range(len(build(n, *sizes)))]
    if jobs == 1 or len(tasks) == 1:
        results = [_check(task) for task in tasks]
    else:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
            results = list(pool.map(_check, tasks))
    return [row for rows in results for row in rows]


def run(args: argparse.Namespace) -> int:
    start = time.monotonic()
    names = (args.name,) if args.name else DEFAULT
    rows = check_rows(names, (args.K, args.J, args.N, args.I), args.timeout, args.jobs)
    if args.json:
        print(json.dumps([{key: row[key] for key in JSON_FIELDS} for row in rows], indent=2))
    else:
        print(format_table(rows))
        counts = {
            s: sum(r["status"] == s for r in rows) for s in ("proved", "refuted", "undecided")
        }
        summary = ", ".join(f"{n} {s}" for s, n in counts.items())
        print(f"\n{len(rows)} steps: {summary} ({time.monotonic() - start:.1f} s)")
    return EXIT_OK if all(row["status"] == "proved" for row in rows) else EXIT_FAILED
