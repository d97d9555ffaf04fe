"""``derive emit FILE... -o MODULE.py``: the proved results of derivation files, posts and
papers as one NumPy module (:mod:`derive.emit.module`).

Every file is read first (a bad file is one line and exit 2, nothing written), then checked;
each result is emitted or gets one line saying what could not be emitted and why (a step not
proved names the step). The module is written if at least one function could be emitted.

Exit codes: 0 every selected result emitted and proved, the file written or current; 1 a result
not emitted (or emitted unproved with ``--allow-unproved``), nothing to emit, a stale or
missing file under ``--check``, a refusal to overwrite; 2 bad usage.
"""

from __future__ import annotations

import argparse
import shlex
import sys
import time

from derive.cli.exits import EXIT_FAILED, EXIT_OK, EXIT_USAGE
from derive.cli.options import limits_of, loading_limits_of
from derive.emit.module import Emitted, Options, emit_module, unknown_names
from derive.emit.post_results import post_results
from derive.emit.results import Result
from derive.emit.toml_results import file_results
from derive.sources.oneline import one_line
from derive.sources.posts.file import PostFile


def add_options(parser: argparse.ArgumentParser) -> None:
    """The options of the files form of ``derive emit``."""
    parser.add_argument(
        "--all",
        dest="every",
        action="store_true",
        help="also emit every defined quantity, not only the last expression of each chain",
    )
    parser.add_argument(
        "--only",
        action="append",
        default=[],
        metavar="NAME",
        help="emit only this result (a function name or a derivation name); repeatable",
    )
    parser.add_argument(
        "--allow-unproved",
        action="store_true",
        help="emit a result whose chain has a step not proved, with a comment saying so",
    )
    parser.add_argument(
        "--data",
        type=_names,
        metavar="x,t",
        help="per-example data (a leading batch axis); default: the symbols marked data",
    )
    parser.add_argument(
        "--batch",
        choices=("sum", "mean", "none"),
        default="sum",
        help="a batch of a loss or a parameter's gradient is summed (default), averaged, or "
        "none: no batch axis at all",
    )
    parser.add_argument(
        "--format",
        choices=("toml", "md", "tex"),
        help="read every FILE as this format (default: by extension; unknown: toml)",
    )


def _names(text: str) -> tuple[str, ...]:
    names = tuple(n.strip() for n in text.split(",") if n.strip())
    if not names:
        raise argparse.ArgumentTypeError("give names separated by commas, e.g. --data x,t")
    return names


def command_text(args: argparse.Namespace) -> str:
    """The command that regenerates the module (without ``-o``), for its header."""
    parts = ["derive", "emit", *args.files]
    if args.format:
        parts += ["--format", args.format]
    if args.every:
        parts.append("--all")
    for name in args.only:
        parts += ["--only", name]
    if args.allow_unproved:
        parts.append("--allow-unproved")
    if args.data:
        parts += ["--data", ",".join(args.data)]
    if args.batch != "sum":
        parts += ["--batch", args.batch]
    return shlex.join(parts)


def results_of(args: argparse.Namespace) -> tuple[list[Result], list[str]] | None:
    """Every file's results (checked), or None after printing the load errors."""
    from derive.cli.check import load_files  # the same loading as derive check

    loaded, errors = load_files(args.files, args.format, loading_limits_of(args), args.timeout)
    if errors:
        for error in errors:
            print(f"derive: error: {one_line(error)}", file=sys.stderr)
        return None
    limits = limits_of(args)
    results: list[Result] = []
    defaults: list[str] = []
    for file in loaded:
        if isinstance(file, PostFile):
            results += post_results(file, every=args.every, timeout=args.timeout, limits=limits)
            defaults += [one_line(f"{file.path}: default: {d}") for d in file.defaults]
        else:
            results += file_results(file, every=args.every, timeout=args.timeout, limits=limits)
    return results, defaults


def emitted_of(args: argparse.Namespace) -> Emitted | int:
    """The module for the files of ``args``, or an exit code (the errors printed)."""
    found = results_of(args)
    if found is None:
        return EXIT_USAGE
    results, defaults = found
    options = Options(
        every=args.every,
        only=tuple(args.only),
        allow_unproved=args.allow_unproved,
        data=args.data,
        batch=args.batch,
    )
    bad = unknown_names(results, options)
    if bad:
        print(f"derive: error: {one_line(bad[0])}: no such name in the files", file=sys.stderr)
        return EXIT_USAGE
    for line in defaults:
        print(line)
    return emit_module(results, options, command_text(args))


def report(emitted: Emitted, seconds: float) -> None:
    """One line per result not emitted (or emitted unproved), then a summary."""
    for outcome in emitted.outcomes:
        if outcome.function is None or outcome.unproved:
            print(outcome.message())
    done = sum(o.function is not None for o in emitted.outcomes)
    total = len(emitted.outcomes)
    print(f"{done} of {total} result{'s' if total != 1 else ''} emitted ({seconds:.1f} s)")


def exit_code(emitted: Emitted, status: int) -> int:
    """``status`` (the file's), or 1 if a result was not emitted or not proved."""
    return status if status != EXIT_OK or emitted.complete else EXIT_FAILED


def start_time() -> float:
    return time.monotonic()
