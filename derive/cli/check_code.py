"""``derive check-code MODULE:FUNCTION --quantity Q --K N --J N [--arg NAME=EXPR ...] [--json]``:
check hand-written gradient code against the proved results (:mod:`derive.testing`).

Prints the report (or, with ``--json``, the report as one JSON object). The code under test runs
in a child process whose stdout and stderr are captured and shown in the report (a field of
the JSON), so this process's stdout holds the report alone. Exit codes as for ``derive
check``: 0 the code matches at every input, 1 it is wrong (or raised, hung, ended without an
answer, returned something else), 2 bad usage, with a one-line error: bad options, a module
that cannot be imported, no such function.
"""

from __future__ import annotations

import argparse
import sys

from derive.cli.check_code_against import add_against, reported, run_against
from derive.cli.exits import EXIT_OK, EXIT_USAGE
from derive.cli.options import seed
from derive.testing import cache
from derive.testing.calling import MAX_TIMEOUT, MIN_TIMEOUT
from derive.testing.callsyntax import SyntaxProblem, parse, parse_assignment
from derive.testing.check import check
from derive.testing.spec import ARRAYS, LAYER_QUANTITIES, MAX_SIZE
from derive.testing.target import from_spec

_QUANTITY_NAMES = {name for quantities in LAYER_QUANTITIES.values() for name in quantities}


def _size(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be an integer >= 1, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be an integer >= 1, got {value}")
    if value > MAX_SIZE:
        raise argparse.ArgumentTypeError(
            f"{value} is more than check-code takes (at most {MAX_SIZE}: the reference is "
            "computed at 40 digits; the usual mistakes show at small sizes)"
        )
    return value


def _timeout(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a number of seconds, got {text!r}") from None
    if not MIN_TIMEOUT <= value <= MAX_TIMEOUT:
        raise argparse.ArgumentTypeError(
            f"must be at least {MIN_TIMEOUT:g} s (a shorter limit stops correct code on a "
            f"busy machine) and at most {MAX_TIMEOUT:g} s, got {text}"
        )
    return value


def _argument(text: str) -> tuple[str, str]:
    """NAME=EXPR: EXPR an array's name or an expression of the restricted syntax."""
    try:
        target, value = parse_assignment(text)
    except SyntaxProblem as error:
        raise argparse.ArgumentTypeError(
            f"expected NAME=ARRAY or NAME=EXPRESSION (e.g. X=a_prev), got {text!r}: {error}"
        ) from None
    if target[0] != "name":
        raise argparse.ArgumentTypeError(f"expected NAME=... with a plain name, got {text!r}")
    return target[1], value


def _assignment(text: str) -> str:
    try:
        parse_assignment(text)
    except SyntaxProblem as error:
        raise argparse.ArgumentTypeError(f"expected TARGET=EXPR, got {text!r}: {error}") from None
    return text


def _expression(text: str) -> list:
    try:
        return parse(text)
    except SyntaxProblem as error:
        raise argparse.ArgumentTypeError(f"{error}") from None


def _result(text: str) -> tuple[str | None, object, str]:
    """[QUANTITY=]PART: an index, a key, or an expression of the restricted syntax; with
    --against, NAME[=PART]: a result of the derivation (the raw text is kept for that)."""
    name, equals, rest = text.partition("=")
    if equals and name.strip().replace("/", "_") in _QUANTITY_NAMES:
        text, quantity = rest, name.strip().replace("/", "_")
    else:
        quantity = None
    text = text.strip()
    part: object = int(text) if text.lstrip("-").isdigit() else text
    if isinstance(part, str):
        try:
            _expression(part)
        except argparse.ArgumentTypeError as error:
            return None, _Unreadable(str(error)), text
    return quantity, part, text


class _Unreadable(str):
    """A --result that is no expression: fine as a result's name under --against, an error
    otherwise (its message)."""


def add_parser(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "check-code",
        help="check hand-written gradient code against the proved results",
        description=(
            "Run MODULE:FUNCTION (or MODULE:Class.method) at a seeded suite of inputs chosen to "
            "break gradient code, in a child process, and compare every answer with the "
            "proved result at 40 digits; name the usual mistake if it is wrong. Exit 0 iff "
            "every quantity matches everywhere."
        ),
    )
    parser.add_argument(
        "function",
        nargs="?",
        metavar="MODULE:FUNCTION",
        help="e.g. layer.py:grad_W or net.py:Net.loss",
    )
    parser.add_argument(
        "--quantity",
        metavar="Q[,Q...]|all",
        help="the result(s) it computes: " + ", ".join(sorted(_QUANTITY_NAMES)) + ", or all",
    )
    parser.add_argument("--K", type=_size, help=f"classes (output units), at most {MAX_SIZE}")
    parser.add_argument(
        "--J", type=_size, help="inputs of the output layer (the units of the hidden layer below)"
    )
    parser.add_argument(
        "--I", type=_size, help="units of the first of two hidden layers (network N, I, J, K)"
    )
    parser.add_argument(
        "--N", type=_size, help="inputs of a network (N, J, K: one hidden layer; N, I, J, K: two)"
    )
    add_against(parser)
    _add_calls(parser)
    _add_conventions(parser)
    _add_running(parser)
    parser.set_defaults(run=run)


def _add_calls(parser: argparse.ArgumentParser) -> None:
    """What the function receives and returns, and the object's setup: --arg, --init, --set,
    --before, --result (the restricted call syntax)."""
    arrays = sorted({name for layer in ARRAYS.values() for name in layer})
    parser.add_argument(
        "--arg",
        type=_argument,
        action="append",
        default=[],
        metavar="NAME=EXPR",
        help=f"parameter NAME receives an array ({', '.join(arrays)}) or what an expression "
        "of your code gives, e.g. 'p=softmax_loss(scores, t)[1]' (repeat; the other "
        "parameters get the array of their name)",
    )
    parser.add_argument(
        "--init", type=_expression, metavar="EXPR", help="builds the object for Class.method"
    )
    parser.add_argument(
        "--set",
        type=_assignment,
        action="append",
        default=[],
        metavar="TARGET=EXPR",
        help="state set on the object before the call, e.g. W=W1 or 'params[\"W1\"]=W1'",
    )
    parser.add_argument(
        "--before",
        action="append",
        default=[],
        metavar="EXPR",
        help="a call run before the checked one, e.g. 'forward(X)' (repeat)",
    )
    parser.add_argument(
        "--result",
        type=_result,
        action="append",
        default=[],
        metavar="[Q=]PART",
        help="which part of what it returns is the quantity: an index, a key, or an expression "
        "such as 'grads[\"W1\"]' or self.dinputs (repeat as Q=PART for several quantities); "
        "with --against: NAME or NAME=PART, a result of the derivation (repeat)",
    )


def _add_conventions(parser: argparse.ArgumentParser) -> None:
    """How the code is written: layouts, targets, the batch loss, the bias, the inputs, the
    regularization, relu'(0)."""
    parser.add_argument("--weights", default="out-in", choices=("out-in", "in-out"))
    parser.add_argument("--targets", default="one-hot", choices=("one-hot", "soft", "labels"))
    parser.add_argument("--batch-loss", default="sum", choices=("sum", "mean"))
    parser.add_argument("--dtype", default="float64", choices=("float64", "float32"))
    parser.add_argument("--layout", default="rows", choices=("rows", "columns"))
    parser.add_argument(
        "--bias",
        metavar="none|(K,)|(K,1)|(1,K)",
        help="the bias's shape, or none (default (K,) for rows, (K,1) for columns)",
    )
    parser.add_argument("--inputs", default="logits", choices=("logits", "probabilities"))
    parser.add_argument("--regularization", metavar="l2:NAME", help="an L2 term with strength NAME")
    parser.add_argument("--relu-at-zero", default="0", choices=("0", "1", "any"))
    parser.add_argument(
        "--update",
        metavar="NAME",
        help="your code steps the parameters itself (W -= NAME * dW) and returns no gradients: "
        "read each gradient off its step, NAME the step size (a parameter, or a name in --init)",
    )
    parser.add_argument(
        "--no-normalized-targets",
        dest="normalized_targets",
        action="store_false",
        help="soft targets need not sum to 1 (rows summing to 0, 1/2, 3/2, 2 are fed)",
    )
    parser.add_argument(
        "--unbatched", action="store_true", help="the function takes one example, no batch axis"
    )


def _add_running(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--definitions-only",
        action="store_true",
        help="import only the module's imports, functions, classes and constants (for a "
        "module that trains, or imports an extension that is not built, when imported)",
    )
    parser.add_argument(
        "--timeout",
        type=_timeout,
        default=10.0,
        help=f"seconds per call and for the import (10; at least {MIN_TIMEOUT:g})",
    )
    parser.add_argument("--seed", type=seed, default=0, help="the suite's seed (0)")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument(
        "--clear-cache",
        action="store_true",
        help="remove the proved results stored on disk (they are proved again when needed)",
    )


def _sizes(args: argparse.Namespace) -> dict[str, int] | str:
    """K, J (the output layer), N, J, K (one hidden layer) or N, I, J, K (two)."""
    given = {name: getattr(args, name) for name in ("N", "I", "J", "K")}
    if given["I"] is not None:
        missing = [f"--{n}" for n, v in given.items() if v is None]
        if missing:
            return (
                f"a network with two hidden layers needs --N, --I, --J and --K (missing "
                f"{' '.join(missing)})"
            )
        return given
    missing = [f"--{n}" for n in ("J", "K") if given[n] is None]
    if missing:
        return (
            "give --K and --J (the output layer), --N, --J and --K (a network with one hidden "
            f"layer), or --N, --I, --J and --K (two hidden layers) (missing {' '.join(missing)})"
        )
    return {name: size for name, size in given.items() if size is not None}


def _results(args: argparse.Namespace) -> object:
    if not args.result:
        return None
    for _, part, _ in args.result:
        if isinstance(part, _Unreadable):
            raise ValueError(f"argument --result: {part}")
    named = {q: part for q, part, _ in args.result if q is not None}
    plain = [part for q, part, _ in args.result if q is None]
    if plain and (named or len(plain) > 1):
        raise ValueError("several --result: write each as QUANTITY=PART")
    return named or plain[0]


def _check(args: argparse.Namespace, sizes: dict[str, int]):
    arguments = dict(args.arg)
    if len(arguments) < len(args.arg):
        raise ValueError("a parameter is given twice with --arg")
    init, definitions_only = args.init, args.definitions_only
    return check(
        lambda: from_spec(args.function, init, definitions_only),
        args.function,
        args.quantity,
        sizes=sizes,
        arguments=arguments,
        result=_results(args),
        state=args.set,
        before=args.before,
        timeout=args.timeout,
        seed=args.seed,
        weights=args.weights,
        targets=args.targets,
        batch_loss=args.batch_loss,
        dtype=args.dtype,
        normalized_targets=args.normalized_targets,
        batched=not args.unbatched,
        layout=args.layout,
        bias=args.bias,
        inputs=args.inputs,
        regularization=args.regularization,
        relu_at_zero=args.relu_at_zero,
        update=args.update,
    )


def _clear() -> None:
    removed, folder = cache.clear(), cache.directory()
    where = f" in {folder}" if folder is not None else " (the cache is off: DERIVE_NO_CACHE)"
    print(f"removed {removed} stored result{'s' * (removed != 1)}{where}", file=sys.stderr)


def run(args: argparse.Namespace) -> int:
    if args.clear_cache:
        _clear()
        if args.function is None:
            return EXIT_OK
    if args.against is not None:
        return run_against(args)
    for option in ("size", "data"):
        if getattr(args, option):
            print(f"derive: error: --{option} needs --against FILE", file=sys.stderr)
            return EXIT_USAGE
    if args.function is None or args.quantity is None:
        missing = "MODULE:FUNCTION" if args.function is None else "--quantity"
        print(f"derive: error: give {missing} (or --clear-cache alone)", file=sys.stderr)
        return EXIT_USAGE
    sizes = _sizes(args)
    if isinstance(sizes, str):
        print(f"derive: error: {sizes}", file=sys.stderr)
        return EXIT_USAGE
    return reported(lambda: _check(args, sizes), args.json)
