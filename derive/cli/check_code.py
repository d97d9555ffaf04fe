"""``derive check-code MODULE:FUNCTION --quantity Q --K N --J N --arg NAME=ARRAY ... [--json]``:
check a hand-written gradient function against the proved result (:mod:`derive.testing`).

Prints the report (or, with ``--json``, the report as one JSON object). Whatever the user's code
prints goes to stderr, so that stdout holds the report alone. Exit codes as for
``derive check``: 0 the function matches at every input, 1 it is wrong (or raised, hung,
returned something else), 2 bad usage, with a one-line error: bad options, a module that
cannot be imported, no such function.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys

from derive.cli.exits import EXIT_FAILED, EXIT_OK, EXIT_USAGE
from derive.cli.options import seconds, seed, size
from derive.cli.user_code import UserCodeError, load
from derive.testing import QUANTITIES, EmitError, check_gradient_code
from derive.testing.spec import ARRAYS


def _argument(text: str) -> tuple[str, str]:
    name, equals, array = text.partition("=")
    if not equals or not name.strip() or not array.strip():
        raise argparse.ArgumentTypeError(f"expected NAME=ARRAY (e.g. X=a_prev), got {text!r}")
    return name.strip(), array.strip()


def _result(text: str) -> int | str:
    return int(text) if text.lstrip("-").isdigit() else text


def add_parser(commands: argparse._SubParsersAction) -> None:
    arrays = sorted({name for layer in ARRAYS.values() for name in layer})
    parser = commands.add_parser(
        "check-code",
        help="check a hand-written gradient function against the proved result",
        description=(
            "Run MODULE:FUNCTION at a seeded suite of inputs chosen to break gradient code and "
            "compare every answer with the proved result at 40 digits; name the usual mistake "
            "if it is wrong. Exit 0 iff it matches everywhere."
        ),
    )
    parser.add_argument("function", metavar="MODULE:FUNCTION", help="e.g. layer.py:grad_W")
    parser.add_argument(
        "--quantity", required=True, choices=list(QUANTITIES), help="the result it computes"
    )
    parser.add_argument("--K", type=size, help="classes (output units)")
    parser.add_argument("--J", type=size, help="inputs of the output layer (units of L-1)")
    parser.add_argument("--I", type=size, help="units of layer L-2 (network)")
    parser.add_argument("--N", type=size, help="inputs of the network")
    parser.add_argument(
        "--arg",
        type=_argument,
        action="append",
        default=[],
        metavar="NAME=ARRAY",
        help=f"parameter NAME receives ARRAY, one of {', '.join(arrays)} (repeat; default: "
        "the parameters named like those arrays)",
    )
    parser.add_argument("--weights", default="out-in", choices=("out-in", "in-out"))
    parser.add_argument("--targets", default="one-hot", choices=("one-hot", "soft", "labels"))
    parser.add_argument("--batch-loss", default="sum", choices=("sum", "mean"))
    parser.add_argument("--dtype", default="float64", choices=("float64", "float32"))
    parser.add_argument(
        "--no-normalized-targets",
        dest="normalized_targets",
        action="store_false",
        help="soft targets need not sum to 1 (rows summing to 0, 1/2, 3/2, 2 are fed)",
    )
    parser.add_argument(
        "--unbatched", action="store_true", help="the function takes one example, no batch axis"
    )
    parser.add_argument(
        "--result",
        type=_result,
        metavar="KEY",
        help="the index or key of the quantity in what the function returns, if it returns several",
    )
    parser.add_argument("--timeout", type=seconds, default=10.0, help="seconds per call (10)")
    parser.add_argument("--seed", type=seed, default=0, help="the suite's seed (0)")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.set_defaults(run=run)


def _sizes(args: argparse.Namespace) -> dict[str, int] | str:
    given = {name: getattr(args, name) for name in ("N", "I", "J", "K")}
    if given["N"] is not None or given["I"] is not None:
        missing = [f"--{n}" for n, v in given.items() if v is None]
        if missing:
            return f"the network needs --N, --I, --J and --K (missing {' '.join(missing)})"
        return given
    if given["K"] is None or given["J"] is None:
        return "give --K and --J (the output layer), or --N, --I, --J and --K (the network)"
    return {"K": given["K"], "J": given["J"]}


def _check(args: argparse.Namespace, sizes: dict[str, int]):
    fn = load(args.function)
    arguments = dict(args.arg) if args.arg else None
    if args.arg and len(arguments) < len(args.arg):
        raise ValueError("a parameter is given twice with --arg")
    return check_gradient_code(
        fn,
        args.quantity,
        sizes=sizes,
        arguments=arguments,
        weights=args.weights,
        targets=args.targets,
        batch_loss=args.batch_loss,
        dtype=args.dtype,
        normalized_targets=args.normalized_targets,
        batched=not args.unbatched,
        result=args.result,
        timeout=args.timeout,
        seed=args.seed,
    )


def run(args: argparse.Namespace) -> int:
    sizes = _sizes(args)
    if isinstance(sizes, str):
        print(f"derive: error: {sizes}", file=sys.stderr)
        return EXIT_USAGE
    try:
        with contextlib.redirect_stdout(sys.stderr):  # the user's prints stay out of the report
            report = _check(args, sizes)
    except EmitError as error:  # derive cannot prove what it compares with (a ValueError too)
        print(f"derive: error: {error}", file=sys.stderr)
        return EXIT_FAILED
    except (UserCodeError, ValueError) as error:
        print(f"derive: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    if args.json:
        print(json.dumps(report.to_dict(), indent=2, ensure_ascii=False))
    else:
        print(report)
    return EXIT_OK if report.passed else EXIT_FAILED
