"""``derive check-code MODULE:FUNCTION --against FILE[:DERIVATION] --result NAME``: the
options that check code against a result of your own proved derivation, and their run
(:mod:`derive.testing.against`).

The function, the calls (``--arg``, ``--init``, ``--set``, ``--before``), ``--batch-loss``,
``--unbatched``, ``--dtype``, ``--timeout``, ``--seed`` and ``--json`` mean what they mean for
the built-in layers; the layers' own conventions (``--weights``, ``--targets``, ...) do not
apply and are refused. Exit codes as for check-code: 0 it matches at every input, 1 it does
not (or the derivation's result is not proved), 2 bad usage.
"""

from __future__ import annotations

import argparse
import json
import sys

from derive.cli.exits import EXIT_FAILED, EXIT_OK, EXIT_USAGE
from derive.testing import EmitError
from derive.testing.against import check_against
from derive.testing.against.suite import MAX_SIZE
from derive.testing.describe import printable
from derive.testing.importing import UserCodeError
from derive.testing.target import from_spec


def size_option(text: str) -> tuple[str, int]:
    """--size NAME=N: an integer from 1 to MAX_SIZE (the reference is computed at 40 digits;
    the usual mistakes show at small sizes)."""
    name, equals, value = text.partition("=")
    if not equals or not name.strip():
        raise argparse.ArgumentTypeError(f"expected NAME=N (e.g. J=4), got {text!r}")
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{name.strip()}: expected an integer, got {value!r}"
        ) from None
    if not 1 <= number <= MAX_SIZE:
        raise argparse.ArgumentTypeError(
            f"{name.strip()} = {number}: a size is an integer from 1 to {MAX_SIZE}"
        )
    return name.strip(), number


def add_against(parser: argparse.ArgumentParser) -> None:
    """Your own derivation instead of the built-in layers: --against, --size, --data."""
    parser.add_argument(
        "--against",
        metavar="FILE[:DERIVATION]",
        help="compare with a result of your own proved derivation (a .toml file, a .md post, "
        "a .tex paper) instead of the built-in layers; --result NAME says which result",
    )
    parser.add_argument(
        "--size",
        type=size_option,
        action="append",
        default=[],
        metavar="NAME=N",
        help="with --against: a size of the derivation (default: small distinct sizes); repeat",
    )
    parser.add_argument(
        "--data",
        metavar="x,t",
        help="with --against: the per-example data (default: the symbols marked data)",
    )


def _against_results(args: argparse.Namespace) -> object:
    """--result NAME[=PART] (and --quantity NAME,...) under --against: the results, in order,
    with their parts where given."""
    found: dict[str, object] = {}
    for name in (args.quantity or "").split(","):
        if name.strip():
            found.setdefault(name.strip(), None)
    for _, _, raw in args.result:
        name, equals, part = raw.partition("=")
        if not name.strip():
            raise ValueError(f"argument --result: expected NAME or NAME=PART, got {raw!r}")
        value: object = None
        if equals:
            part = part.strip()
            value = int(part) if part.lstrip("-").isdigit() else part
        found[name.strip()] = value
    return found or None


def _check_against(args: argparse.Namespace):
    arguments = dict(args.arg)
    if len(arguments) < len(args.arg):
        raise ValueError("a parameter is given twice with --arg")
    sizes = dict(args.size)
    for name in ("N", "I", "J", "K"):
        if getattr(args, name) is not None:
            sizes.setdefault(name, getattr(args, name))
    data = None
    if args.data is not None:
        data = [n.strip() for n in args.data.split(",") if n.strip()]
    init, definitions_only = args.init, args.definitions_only
    return check_against(
        lambda: from_spec(args.function, init, definitions_only),
        args.function,
        args.against,
        _against_results(args),
        sizes=sizes,
        data=data,
        arguments=arguments,
        state=args.set,
        before=args.before,
        batch_loss=args.batch_loss,
        batched=not args.unbatched,
        dtype=args.dtype,
        timeout=args.timeout,
        seed=args.seed,
    )


_LAYER_ONLY = ("weights", "targets", "layout", "bias", "inputs", "regularization")


def _layer_options(args: argparse.Namespace) -> list[str]:
    """The built-in layers' conventions given with --against, where they do not apply."""
    defaults = {"weights": "out-in", "targets": "one-hot", "layout": "rows", "inputs": "logits"}
    given = [n for n in _LAYER_ONLY if getattr(args, n) not in (None, defaults.get(n))]
    if args.relu_at_zero != "0":
        given.append("relu_at_zero")
    if not args.normalized_targets:
        given.append("no_normalized_targets")
    return ["--" + n.replace("_", "-") for n in given]


def run_against(args: argparse.Namespace) -> int:
    if args.function is None:
        print("derive: error: give MODULE:FUNCTION", file=sys.stderr)
        return EXIT_USAGE
    layer = _layer_options(args)
    if layer:
        print(
            f"derive: error: {layer[0]} is a convention of the built-in layers; with --against "
            "the derivation's own arguments and shapes are used",
            file=sys.stderr,
        )
        return EXIT_USAGE
    return reported(lambda: _check_against(args), args.json)


def reported(check, as_json: bool) -> int:
    """Run ``check`` and print its report (text or JSON); the exit code says whether it passed.
    A result derive cannot prove or compute is a failure; the user's code or options that
    cannot be used are a usage error, in one line."""
    try:
        report = check()
    except EmitError as error:  # the derivation's result is not proved, or not computable
        print(f"derive: error: {printable(str(error), 600)}", file=sys.stderr)
        return EXIT_FAILED
    except (UserCodeError, ValueError) as error:
        print(f"derive: error: {printable(str(error), 600)}", file=sys.stderr)
        return EXIT_USAGE
    if as_json:
        print(json.dumps(report.to_dict(), indent=2, ensure_ascii=False))
    else:
        print(report)
    return EXIT_OK if report.passed else EXIT_FAILED
