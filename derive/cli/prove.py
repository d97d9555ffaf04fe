"""``derive prove [NAME] [--K N] [--J N] [--json]``: check the library's derivations.

Same input, same verdict: the rows depend on the sets, sizes and limits alone, never on
``--jobs``, the machine's load or the hash seed (only a step stopped by the time guard says it
may differ, with ``"guard": true`` in ``--json``).
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import time
from concurrent.futures import ProcessPoolExecutor

from derive.checker.limits import Limits
from derive.cli.exits import EXIT_FAILED, EXIT_OK
from derive.cli.options import (
    add_limit_option,
    add_size_options,
    add_timeout_option,
    derivation_name,
    guard_of,
    limits_of,
    size,
)
from derive.derivations import DEFAULT, DERIVATIONS, build
from derive.render.records import json_text, jsonl_text, step_record, summary_record
from derive.render.table import format_table, report_rows
from derive.steps import Derivation

# The fields of a file check's records less those a built-in derivation lacks (a place in a
# file, a text as written): lhs and rhs are SymPy's forms here.
JSON_FIELDS = (
    "derivation",
    "step",
    "lhs",
    "rhs",
    "status",
    "needs",
    "counterexample",
    "lhs_value",
    "rhs_value",
    "seconds",
    "needs_detail",
    "method",
    "guard",
    "certified",
    "slip",
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
    parser.add_argument(
        "--output-format",
        choices=("text", "json", "jsonl"),
        default="text",
        help="text (a table; default), json (one array of records, a summary last) or jsonl",
    )
    parser.add_argument(
        "--json",
        dest="output_format",
        action="store_const",
        const="json",
        help="--output-format json",
    )
    parser.add_argument("-q", "--quiet", action="store_true", help="print only the summary line")
    add_timeout_option(parser)
    add_limit_option(parser)
    parser.add_argument(
        "--jobs",
        type=size,
        default=min(2, os.cpu_count() or 1),
        help="worker processes (default: 2 or the cores); the verdicts do not depend on it",
    )
    parser.set_defaults(run=run)


Sizes = tuple[int | None, int | None, int | None, int | None]  # K, J, N, I (None: default)
Task = tuple[tuple[str, int], ...]  # derivations (set name, index) checked by one worker in turn


def _check(task: tuple[Task, Sizes, float, Limits]) -> list[list[dict[str, object]]]:
    """Check the derivations of one group in turn (runs in a worker process)."""
    group, sizes, timeout, limits = task
    return [
        report_rows(build(name, *sizes)[index].check(timeout=timeout, limits=limits))
        for name, index in group
    ]


def _twin_key(derivation: Derivation) -> tuple:
    """Derivations with the same key share a general twin: one worker checks them all."""
    twin = derivation.general or derivation
    return (twin.name, twin.start, twin.steps)


def _groups(names: tuple[str, ...], sizes: Sizes) -> list[Task]:
    """The derivations of the named sets, grouped by twin, largest groups first."""
    groups: dict[tuple, list[tuple[str, int]]] = {}
    for name in names:
        for index, derivation in enumerate(build(name, *sizes)):
            groups.setdefault(_twin_key(derivation), []).append((name, index))
    return sorted((tuple(g) for g in groups.values()), key=len, reverse=True)


def check_rows(
    names: tuple[str, ...],
    sizes: Sizes,
    timeout: float,
    jobs: int,
    limits: Limits | None = None,
) -> list[dict[str, object]]:
    """Rows for every step of the named sets, in order; groups of derivations spread over
    ``jobs`` processes (a concrete derivation with its general twin, which it instantiates)."""
    limits = limits or Limits()
    groups = _groups(names, sizes)
    tasks = [(group, sizes, timeout, limits) for group in groups]
    if jobs == 1 or len(tasks) == 1:
        results = [_check(task) for task in tasks]
    else:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
            results = list(pool.map(_check, tasks))
    by_derivation = {
        member: rows
        for group, group_rows in zip(groups, results, strict=True)
        for member, rows in zip(group, group_rows, strict=True)
    }
    return [
        row
        for name in names
        for index in range(len(build(name, *sizes)))
        for row in by_derivation[name, index]
    ]


def run(args: argparse.Namespace) -> int:
    start = time.monotonic()
    names = (args.name,) if args.name else DEFAULT
    sizes = (args.K, args.J, args.N, args.I)
    rows = check_rows(names, sizes, guard_of(args), args.jobs, limits_of(args))
    code = EXIT_OK if all(row["status"] == "proved" for row in rows) else EXIT_FAILED
    seconds = time.monotonic() - start
    if args.output_format in ("json", "jsonl"):
        records = [step_record(row, JSON_FIELDS) for row in rows]
        statuses = [str(row["status"]) for row in rows]
        records.append(summary_record(statuses, seconds=seconds, exit_code=code))
        print((json_text if args.output_format == "json" else jsonl_text)(records))
        return code
    if not args.quiet:
        print(format_table(rows) + "\n")
    counts = {s: sum(r["status"] == s for r in rows) for s in ("proved", "refuted", "undecided")}
    summary = ", ".join(f"{n} {s}" for s, n in counts.items())
    guarded = sum(bool(r["guard"]) for r in rows)
    if guarded:
        summary += f"; {guarded} stopped by the time guard (may differ on a faster machine)"
    print(f"{len(rows)} steps: {summary} ({seconds:.1f} s)")
    return code
