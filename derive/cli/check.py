"""``derive check FILE... [--json] [--junit-xml PATH]``: check derivation files, like a compiler.

Derivation files (``.toml``) and posts (``.md``/``.markdown``, ``.tex``: every ``=`` of every
display), chosen by extension; ``--format`` overrides it. Prints ``file:line: refuted: ...``
(``file:line:col: ...`` for a post, after the defaults it used) for every step that is not
proved (``-v``: every step), then a summary line. Exit codes as for ``derive prove``: 0 every
step proved, 1 a step refuted, undecided, not read or not checked, 2 bad usage (a missing file,
a parse error, an unknown symbol, a post without display math, ...).
"""

from __future__ import annotations

import argparse
import json
import sys
import time

from derive.checker.equal import DEFAULT_TIMEOUT
from derive.checker.limits import Limits
from derive.cli.exits import EXIT_FAILED, EXIT_OK, EXIT_USAGE
from derive.cli.options import (
    TIMEOUT_HELP,
    add_limit_option,
    limits_of,
    loading_limits_of,
    seconds,
)
from derive.cli.writing import output_problem, write_atomically
from derive.render.junit import junit_xml
from derive.sources.limits import DEFAULT_LIMITS, LoadingLimits
from derive.sources.oneline import one_line, one_line_path
from derive.sources.posts.check import check_post
from derive.sources.posts.file import PostFile, format_of, load_post
from derive.sources.toml.file import DerivationFile, load_file
from derive.sources.toml.parse import ParseError
from derive.sources.toml.results import JSON_FIELDS, StepResult, check_file, passes, summary

# JSON fields of a post's rows, after the others: kind is what the = is (claim, definition,
# condition, assumption, note), conditions the conditions a claim was checked under
POST_FIELDS = ("column", "detail", "defaults", "kind", "conditions")


def add_parser(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "check",
        help="check derivation files (TOML) step by step",
        description="Check every derivation in FILEs; exit 0 iff every step is proved.",
    )
    parser.add_argument(
        "files", nargs="+", metavar="FILE", help="derivation files (.toml) or posts (.md, .tex)"
    )
    parser.add_argument(
        "--format",
        choices=("toml", "md", "tex"),
        help="read every FILE as this format (default: by extension; unknown: toml)",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON row per step")
    parser.add_argument("--junit-xml", metavar="PATH", help="also write a JUnit XML report")
    parser.add_argument("--timeout", type=seconds, default=DEFAULT_TIMEOUT, help=TIMEOUT_HELP)
    add_limit_option(parser)
    parser.add_argument("-v", "--verbose", action="store_true", help="print proved steps too")
    parser.set_defaults(run=run)


def load_files(
    paths: list[str],
    form: str | None = None,
    limits: LoadingLimits = DEFAULT_LIMITS,
    timeout: float | None = DEFAULT_TIMEOUT,
) -> tuple[list[DerivationFile | PostFile], list[str]]:
    """Every file loaded, or the errors (one line each): all files are read before any check.
    Derivation files keep ``limits`` and build each expression under the time guard."""
    loaded, errors = [], []
    for path in paths:
        kind = format_of(path, form)
        try:
            if kind == "toml":
                loaded.append(load_file(path, limits=limits, timeout=timeout))
            else:
                loaded.append(load_post(path, kind))
        except ParseError as error:
            errors.append(str(error))
        except IsADirectoryError:
            errors.append(f"{one_line_path(path)}: is a directory")
        except OSError as error:
            errors.append(f"{one_line_path(path)}: cannot read: {error.strerror or error}")
    return loaded, errors


def check_loaded(
    file: DerivationFile | PostFile, timeout: float, limits: Limits | None = None
) -> list:
    """The per-step results of a loaded file or post (``timeout``: the time guard per step)."""
    if isinstance(file, PostFile):
        return check_post(file, timeout=timeout, limits=limits)
    return check_file(file, timeout=timeout, limits=limits)


def _json_row(result) -> dict[str, object]:
    row = result.row()
    return {k: row[k] for k in (*JSON_FIELDS, *POST_FIELDS) if k in row}


def _print_text(results: list[StepResult], verbose: bool, files: int, elapsed: float) -> None:
    for result in results:
        if verbose or not passes(result.status):
            print(result.message())
    print(summary(results, files, elapsed))


def run(args: argparse.Namespace) -> int:
    start = time.monotonic()
    report = args.junit_xml
    problem = None if report is None else output_problem(report, "--junit-xml")
    if problem:  # before any checking: exit 2 must not come after minutes of exit-1 work
        print(f"derive: error: {problem}", file=sys.stderr)
        return EXIT_USAGE
    loaded, errors = load_files(args.files, args.format, loading_limits_of(args), args.timeout)
    if errors:
        for error in errors:
            print(f"derive: error: {one_line(error)}", file=sys.stderr)
        return EXIT_USAGE
    limits = limits_of(args)
    results = [r for file in loaded for r in check_loaded(file, args.timeout, limits)]
    if args.json:
        print(json.dumps([_json_row(r) for r in results], indent=2))
    else:
        for file in loaded:
            for default in getattr(file, "defaults", ()):
                print(one_line(f"{one_line_path(file.path)}: default: {default}"))
        _print_text(results, args.verbose, len(loaded), time.monotonic() - start)
    if report is not None:
        try:
            data = junit_xml(results, [f.path for f in loaded]).encode("utf-8")
            write_atomically(report, data)
        except OSError as error:
            shown = one_line(report)
            print(f"derive: error: cannot write {shown}: {error.strerror}", file=sys.stderr)
            return EXIT_USAGE
    return EXIT_OK if all(passes(r.status) for r in results) else EXIT_FAILED
