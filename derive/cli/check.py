"""``derive check FILE... [--json] [--junit-xml PATH]``: check derivation files, like a compiler.

Prints ``file:line: refuted: ...`` for every step that is not proved (``-v``: every step), then a
summary line. Exit codes as for ``derive prove``: 0 every step proved, 1 a step refuted or
undecided, 2 bad usage (a missing file, a parse error, an unknown symbol, ...).
"""

from __future__ import annotations

import argparse
import json
import sys
import time

from derive.checker.equal import DEFAULT_TIMEOUT
from derive.cli.exits import EXIT_FAILED, EXIT_OK, EXIT_USAGE
from derive.cli.options import add_limit_option, seconds
from derive.cli.writing import output_problem, write_atomically
from derive.render.junit import junit_xml
from derive.sources.limits import DEFAULT_LIMITS, Limits
from derive.sources.oneline import one_line, one_line_path
from derive.sources.parse import ParseError
from derive.sources.results import JSON_FIELDS, StepResult, check_file, summary
from derive.sources.toml_file import DerivationFile, load_file


def add_parser(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "check",
        help="check derivation files (TOML) step by step",
        description="Check every derivation in FILEs; exit 0 iff every step is proved.",
    )
    parser.add_argument("files", nargs="+", metavar="FILE", help="derivation files (.toml)")
    parser.add_argument("--json", action="store_true", help="print one JSON row per step")
    parser.add_argument("--junit-xml", metavar="PATH", help="also write a JUnit XML report")
    parser.add_argument(
        "--timeout", type=seconds, default=DEFAULT_TIMEOUT, help="seconds per step (default 5)"
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="print proved steps too")
    add_limit_option(parser)
    parser.set_defaults(run=run)


def _load(
    paths: list[str], limits: Limits, timeout: float
) -> tuple[list[DerivationFile], list[str]]:
    """Every file loaded, or the errors (one line each): all files are read before any check."""
    loaded, errors = [], []
    for path in paths:
        try:
            loaded.append(load_file(path, limits=limits, timeout=timeout))
        except ParseError as error:
            errors.append(str(error))
        except IsADirectoryError:
            errors.append(f"{one_line_path(path)}: is a directory")
        except OSError as error:
            errors.append(f"{one_line_path(path)}: cannot read: {error.strerror or error}")
    return loaded, errors


def _print_text(results: list[StepResult], verbose: bool, files: int, elapsed: float) -> None:
    for result in results:
        if verbose or result.status != "proved":
            print(result.message())
    print(summary(results, files, elapsed))


def run(args: argparse.Namespace) -> int:
    start = time.monotonic()
    report = args.junit_xml
    problem = None if report is None else output_problem(report, "--junit-xml")
    if problem:  # before any checking: exit 2 must not come after minutes of exit-1 work
        print(f"derive: error: {problem}", file=sys.stderr)
        return EXIT_USAGE
    limits = DEFAULT_LIMITS.with_values(dict(args.limit))
    loaded, errors = _load(args.files, limits, args.timeout)
    if errors:
        for error in errors:
            print(f"derive: error: {one_line(error)}", file=sys.stderr)
        return EXIT_USAGE
    results = [r for file in loaded for r in check_file(file, timeout=args.timeout)]
    if args.json:
        print(json.dumps([{k: r.row()[k] for k in JSON_FIELDS} for r in results], indent=2))
    else:
        _print_text(results, args.verbose, len(loaded), time.monotonic() - start)
    if report is not None:
        try:
            data = junit_xml(results, [f.path for f in loaded]).encode("utf-8")
            write_atomically(report, data)
        except OSError as error:
            shown = one_line(report)
            print(f"derive: error: cannot write {shown}: {error.strerror}", file=sys.stderr)
            return EXIT_USAGE
    return EXIT_OK if all(r.status == "proved" for r in results) else EXIT_FAILED
