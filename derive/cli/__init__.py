"""The command line: argparse, printing and exit codes. Nothing else in ``derive`` prints.

Exit codes, for every command: 0 all good (every step proved, every file current), 1 a step is
refuted or undecided (or a generated file is stale), 2 bad usage, with a one-line error; 141
when the reader of the output went away (``derive check --json | head``: SIGPIPE, quietly).

A command's module is imported only when that command runs: ``derive --version``, ``derive
--help`` and a bare ``derive`` load neither SymPy nor the checker (``tests/test_cli_shell.py``
pins it), so they answer at once.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

from derive.cli.exits import EXIT_PIPE, EXIT_USAGE
from derive.suggest import did_you_mean
from derive.version import DISTRIBUTION, __version__

# name -> (module, one line for the command list); a module is imported when its command runs
COMMANDS: dict[str, tuple[str, str]] = {
    "prove": ("derive.cli.prove", "check the library's derivations step by step"),
    "check": ("derive.cli.check", "check derivation files, posts and papers step by step"),
    "emit": ("derive.cli.emit", "write the proved gradients as a NumPy module"),
    "latex": ("derive.cli.latex", "typeset checked derivations as LaTeX or Markdown"),
    "check-code": ("derive.cli.check_code", "check hand-written gradient code against proofs"),
    "cache": ("derive.cli.cache", "show where the verdict cache is, or clear it"),
}
USAGE = "derive [--version] [--help] COMMAND [ARGS...]"
TOP_OPTIONS = ("--help", "--version", "-h")


class UsageError(Exception):
    """Bad arguments: reported on one line, exit code 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # argparse would print the usage too
        raise UsageError(message)


def command_list() -> str:
    """The commands, one a line with what each does (the bare ``derive`` and ``--help``)."""
    width = max(map(len, COMMANDS))
    lines = [f"  {name.ljust(width)}  {text}" for name, (_, text) in COMMANDS.items()]
    return "commands:\n" + "\n".join(lines)


def _command_of(argv: Sequence[str]) -> str | None:
    """The command ``argv`` names (its first word that is not an option), or None."""
    for word in argv:
        if not word.startswith("-"):
            return word
    return None


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser. ``command`` None: every command built in full; a command's name: only that
    command's module is imported (the others get a stub that lists them); ``""``: stubs only,
    for ``--help`` and ``--version``."""
    parser = _Parser(
        prog="derive",
        usage=USAGE,
        description="Check derivations step by step; emit code.",
        epilog=command_list() + "\n\n'derive COMMAND --help' tells a command's options.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--version", action="version", version=f"derive {__version__} ({DISTRIBUTION})"
    )
    commands = parser.add_subparsers(
        dest="command", metavar="COMMAND", required=True, prog="derive"
    )
    for name, (module, text) in COMMANDS.items():
        if command is None or name == command:
            importlib.import_module(module).add_parser(commands)
        else:
            commands.add_parser(name, help=text, add_help=False)
    return parser


def _unknown_options(extras: list[str], parser: argparse.ArgumentParser) -> str:
    """argparse's message for arguments no option takes, with the nearest option named."""
    options = [s for action in parser._actions for s in action.option_strings]
    hints = "".join(did_you_mean(word.split("=")[0], options) for word in extras[:1])
    return f"unrecognized arguments: {' '.join(extras)}{hints}"


def _subparser(parser: argparse.ArgumentParser, command: str) -> argparse.ArgumentParser:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return action.choices[command]
    return parser


def parse(argv: Sequence[str]) -> argparse.Namespace:
    """The arguments of one run, or UsageError with one line (a "did you mean" where a
    command or an option is misspelled). ``--help`` and ``--version`` raise SystemExit(0)."""
    command = _command_of(argv)
    if command is not None and command not in COMMANDS:
        hint = did_you_mean(command, COMMANDS)
        raise UsageError(
            f"argument COMMAND: invalid choice: {command!r}{hint} (choose from "
            f"{', '.join(COMMANDS)})"
        )
    if argv and argv[0].startswith("-") and argv[0].split("=")[0] not in TOP_OPTIONS:
        raise UsageError(_unknown_options([argv[0]], build_parser(command="")))
    parser = build_parser(command=command or "")
    args, extras = parser.parse_known_args(argv)
    if extras:
        raise UsageError(_unknown_options(extras, _subparser(parser, args.command)))
    return args


def _quiet_pipe() -> int:
    """The reader of stdout went away: point stdout at /dev/null, so that Python's flush at
    exit does not print a second BrokenPipeError, and exit as SIGPIPE would (quietly)."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # stdout is not a real file (a test's capture)
        pass
    finally:
        os.close(devnull)
    return EXIT_PIPE


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``derive`` with ``argv`` (default: sys.argv[1:]); return the exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        if not argv:
            print(f"usage: {USAGE}\n\n{command_list()}", file=sys.stderr)
            return EXIT_USAGE
        try:
            args = parse(argv)
        except SystemExit as done:  # --help, --version: printed; exit as argparse says
            sys.stdout.flush()
            return int(done.code or 0)
        code = args.run(args)
        sys.stdout.flush()
        return code
    except UsageError as error:
        print(f"derive: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:
        return _quiet_pipe()
    except KeyboardInterrupt:
        print("derive: interrupted", file=sys.stderr)
        return 130
