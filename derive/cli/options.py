"""Argument types shared by the commands: sizes and derivation names, checked with clear errors."""

from __future__ import annotations

import argparse
import dataclasses
import os

from derive.checker.guard import GUARD_SECONDS as DEFAULT_TIMEOUT
from derive.checker.limits import Limits
from derive.sources.limits import LoadingLimits, check_seconds, names, parse_any_limit, split_limits


def _derivations() -> dict:
    """The library's sets by name (imported on use: it builds SymPy expressions)."""
    from derive.derivations import DERIVATIONS

    return DERIVATIONS


def _integer_at_least(text: str, low: int) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be an integer >= {low}, got {text!r}") from None
    if value < low:
        raise argparse.ArgumentTypeError(f"must be an integer >= {low}, got {value}")
    return value


def size(text: str) -> int:
    """An argparse type for K, J, ...: an integer >= 1."""
    return _integer_at_least(text, 1)


def seed(text: str) -> int:
    """An argparse type for a seed: an integer >= 0."""
    return _integer_at_least(text, 0)


MAX_CHECKED = 64  # a concrete size is checked by writing its sums out; beyond this, hours


def checked_size(text: str) -> int:
    """An argparse type for a size that is checked concretely: an integer from 1 to 64."""
    value = size(text)
    if value > MAX_CHECKED:
        raise argparse.ArgumentTypeError(
            f"{value} is too large to check term by term (at most {MAX_CHECKED}); "
            "the symbolic set proves the output layer for every size: derive prove symbolic"
        )
    return value


def derivation_name(text: str) -> str:
    if text not in _derivations():
        known = ", ".join(_derivations())
        raise argparse.ArgumentTypeError(f"unknown derivation {text!r} (known: {known})")
    return text


FILE_SUFFIXES = (".toml", ".md", ".markdown", ".tex")  # files derive latex typesets


def set_or_file(text: str) -> str:
    """An argparse type: a set of the library's derivations, or a derivation file (known by
    its extension or by existing; whether it can be read is found out when it is loaded)."""
    if text in _derivations() or text.lower().endswith(FILE_SUFFIXES) or os.path.exists(text):
        return text
    known = ", ".join(_derivations())
    raise argparse.ArgumentTypeError(
        f"unknown derivation {text!r} (known: {known}; or a derivation file: "
        f"{', '.join(FILE_SUFFIXES)})"
    )


def seconds(text: str) -> float:
    """An argparse type for a time guard: seconds, more than 0 and at most a day (1e10 used
    to overflow Python's clock arithmetic inside every check)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a number of seconds, got {text!r}") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be positive, got {text}")
    try:
        return check_seconds(value)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def add_size_options(parser: argparse.ArgumentParser) -> None:
    """--K, --J, --I, --N for the commands that check the library's derivations."""
    parser.add_argument("--K", type=checked_size, help="classes (default: 3; network: 2)")
    parser.add_argument("--J", type=checked_size, help="units of layer L-1 (default 4; network 2)")
    parser.add_argument("--I", type=checked_size, help="units of layer L-2 (network; default 2)")
    parser.add_argument("--N", type=checked_size, help="inputs (network only; default 2)")


TIMEOUT_HELP = (
    f"the time guard per step, in seconds (default {DEFAULT_TIMEOUT:g}): it only stops a hang; "
    "a step it stops is undecided and says so"
)


def add_timeout_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--timeout", type=seconds, help=TIMEOUT_HELP)


def guard_of(args: argparse.Namespace) -> float:
    """The time guard per step: ``--timeout``, else the default."""
    return DEFAULT_TIMEOUT if args.timeout is None else args.timeout


def limit(text: str) -> tuple[str, int]:
    """An argparse type for ``--limit NAME=N``: a limit on the work per step (``rewrites=800``,
    docs/limits.md) or on what a file may cost to load (``file-bytes=...``,
    docs/derivation-files.md), set within its range."""
    try:
        return parse_any_limit(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def add_limit_option(parser: argparse.ArgumentParser) -> None:
    """``--limit NAME=N``, repeatable: the deterministic limits on checking and on loading."""
    defaults = ", ".join(f"{f.name}={f.default}" for f in dataclasses.fields(Limits))
    parser.add_argument(
        "--limit",
        type=limit,
        action="append",
        default=[],
        metavar="NAME=N",
        help=(
            f"raise or lower a limit on the work per step (defaults: {defaults}) or on what "
            f"a file may cost to load ({', '.join(names())})"
        ),
    )


def loading_limits_of(args: argparse.Namespace) -> LoadingLimits:
    """The limits on loading that the ``--limit`` options give (the defaults for the others)."""
    return split_limits(args.limit)[0]


def limits_of(args: argparse.Namespace) -> Limits:
    """The limits on the work per step that the ``--limit`` options give (defaults otherwise)."""
    return split_limits(args.limit)[1]
