"""The command line: argparse, printing and exit codes. Nothing else in ``derive`` prints.

Exit codes, for every command: 0 all good (every step proved, every file current), 1 a step is
refuted or undecided (or a generated file is stale), 2 bad usage, with a one-line error.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from derive.cli import check, check_code, emit, latex, prove
from derive.cli.exits import EXIT_USAGE
from derive.version import __version__

COMMANDS = (prove, check, emit, latex, check_code)


class UsageError(Exception):
    """Bad arguments: reported on one line, exit code 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # argparse would print the usage too
        raise UsageError(message)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="derive", description="Check derivations step by step; emit code.")
    parser.add_argument("--version", action="version", version=f"derive {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for command in COMMANDS:
        command.add_parser(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``derive`` with ``argv`` (default: sys.argv[1:]); return the exit code."""
    try:
        args = build_parser().parse_args(argv)
        return args.run(args)
    except UsageError as error:
        print(f"derive: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("derive: interrupted", file=sys.stderr)
        return 130
