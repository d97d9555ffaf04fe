"""``derive emit (FILE... | --K N --J N [--no-normalized-targets] | --network N I J K) -o FILE.py
[--check] [--force]``.

Writes the NumPy module of the proved results of derivation files, posts and papers
(:mod:`derive.cli.emit_files`), of :func:`derive.emit.output_layer_source` (the output layer)
or of :func:`derive.emit.network_source` (the whole network): the one place in derive that
writes generated code. Writes are atomic (a temporary file in the same directory, then a
rename), an unchanged file is left alone, and a file derive did not generate is only replaced
with ``--force``. ``--check`` writes nothing: exit 0 if FILE is current, 1 if it is missing or
differs from what would be generated.

Exit codes: 0 written or current, 1 stale or missing (``--check``), a refusal to overwrite, or a
derivation that is not proved; 2 bad usage.
"""

from __future__ import annotations

import argparse
import sys
import time

from derive.checker.equal import DEFAULT_TIMEOUT
from derive.cli import emit_files
from derive.cli.exits import EXIT_FAILED, EXIT_OK, EXIT_USAGE
from derive.cli.options import TIMEOUT_HELP, add_limit_option, seconds, size
from derive.cli.writing import output_problem, read_existing, write_atomically
from derive.emit import MARKER, EmitError, is_generated, network_source, output_layer_source


def add_parser(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "emit",
        help="write proved results as a NumPy module",
        description=(
            "Write a standalone NumPy module: one function per proved result of FILEs "
            "(derivation files, Markdown posts, TeX papers); with --K and --J instead, the "
            "output layer's (forward, E, dE_dz, dE_dW, dE_db, loss_and_grads); with --network "
            "N I J K, the whole network's (forward, E, gradients, loss_and_grads)."
        ),
    )
    parser.add_argument(
        "files", nargs="*", metavar="FILE", help="derivation files (.toml) or posts (.md, .tex)"
    )
    parser.add_argument("--K", type=size, help="classes (output units)")
    parser.add_argument("--J", type=size, help="inputs (units of layer L-1)")
    parser.add_argument(
        "--network",
        type=size,
        nargs=4,
        metavar=("N", "I", "J", "K"),
        help="instead of --K/--J: the whole network, input N -> ReLU I -> ReLU J -> softmax K",
    )
    parser.add_argument("-o", "--output", required=True, metavar="FILE", help="the .py to write")
    parser.add_argument(
        "--no-normalized-targets",
        dest="normalized_targets",
        action="store_false",
        help="do not assume sum_d t_d = 1: emit dE/dz_k = a_k sum_d t_d - t_k",
    )
    parser.add_argument(
        "--check", action="store_true", help="write nothing; exit 1 if FILE is missing or stale"
    )
    parser.add_argument(
        "--force", action="store_true", help="overwrite FILE even if derive did not generate it"
    )
    emit_files.add_options(parser)
    parser.add_argument("--timeout", type=seconds, default=DEFAULT_TIMEOUT, help=TIMEOUT_HELP)
    add_limit_option(parser)
    parser.set_defaults(run=run)


def _check(path: str, existing: bytes | None, data: bytes, command: str) -> int:
    if existing is None:
        print(f"{path}: missing (write it with: {command} -o {path})")
        return EXIT_FAILED
    if existing != data:
        print(f"{path}: stale, differs from what derive would generate ({command} -o {path})")
        return EXIT_FAILED
    print(f"{path}: current")
    return EXIT_OK


def _refuse_overwrite(existing: bytes) -> bool:
    """True unless the file starts with derive's marker (only a prefix of it was read)."""
    prefix = existing[: len(MARKER.encode("utf-8"))]
    try:
        return not is_generated(prefix.decode("utf-8"))
    except UnicodeDecodeError:
        return True


FILE_OPTIONS = ("every", "only", "allow_unproved", "data", "format")


def _form_problem(args: argparse.Namespace) -> str | None:
    """Why the arguments name no module or two, if so: FILEs, --K and --J, or --network."""
    if args.files:
        if args.network is not None or args.K is not None or args.J is not None:
            return "give FILEs, or --K and --J, or --network N I J K: one of them"
        if not args.normalized_targets:
            return "--no-normalized-targets is for --K and --J (a file states its assumptions)"
        return None
    used = [o for o in FILE_OPTIONS if getattr(args, o) not in (None, False, [])]
    if used or args.batch != "sum":
        name = "--" + (used[0] if used else "batch").replace("_", "-").replace("every", "all")
        return f"{name} is for FILEs (derivation files, posts, papers)"
    if args.network is not None:
        if args.K is not None or args.J is not None:
            return "give either --K and --J (output layer) or --network N I J K, not both"
        if not args.normalized_targets:
            return "--no-normalized-targets is not available with --network (sum t = 1 is used)"
        return None
    if args.K is None or args.J is None:
        missing = " and ".join(f"--{n}" for n in ("K", "J") if getattr(args, n) is None)
        return f"the following arguments are required: {missing} (or --network N I J K)"
    return None


def run(args: argparse.Namespace) -> int:
    start = time.monotonic()
    path = args.output
    problem = output_problem(path)  # a device, FIFO or directory: refused, --force or not
    if problem:
        print(f"derive: error: {problem}", file=sys.stderr)
        return EXIT_USAGE
    problem = _form_problem(args)
    if problem:
        print(f"derive: error: {problem}", file=sys.stderr)
        return EXIT_USAGE
    if args.files:
        return _run_files(args, start)
    if args.network:
        command = "derive emit --network " + " ".join(map(str, args.network))
    else:
        command = f"derive emit --K {args.K} --J {args.J}"
        command += "" if args.normalized_targets else " --no-normalized-targets"
    try:
        if args.network:
            data = network_source(*args.network).encode("utf-8")
        else:
            data = output_layer_source(args.K, args.J, args.normalized_targets).encode("utf-8")
        # enough to tell "differs" (one byte more than data) and to see the marker
        existing = read_existing(path, max(len(data), len(MARKER)) + 1)
    except EmitError as error:
        print(f"derive: error: {error}", file=sys.stderr)
        return EXIT_FAILED
    except OSError as error:
        print(f"derive: error: cannot read {path}: {error.strerror or error}", file=sys.stderr)
        return EXIT_FAILED
    return _write(args, path, existing, data, command, start)


def _write(
    args: argparse.Namespace,
    path: str,
    existing: bytes | None,
    data: bytes,
    command: str,
    start: float,
) -> int:
    """--check, or write ``data`` to ``path`` unless it is current or not derive's."""
    if args.check:
        return _check(path, existing, data, command)
    if existing == data:
        print(f"{path}: current, not rewritten")
        return EXIT_OK
    if existing is not None and not args.force and _refuse_overwrite(existing):
        print(
            f"derive: error: {path} exists and was not generated by derive emit; "
            "use --force to overwrite it",
            file=sys.stderr,
        )
        return EXIT_FAILED
    try:
        write_atomically(path, data)
    except OSError as error:
        print(f"derive: error: cannot write {path}: {error.strerror or error}", file=sys.stderr)
        return EXIT_FAILED
    print(f"wrote {path} ({command}; {time.monotonic() - start:.1f} s)")
    return EXIT_OK


def _run_files(args: argparse.Namespace, start: float) -> int:
    emitted = emit_files.emitted_of(args)
    if isinstance(emitted, int):
        return emitted
    emit_files.report(emitted, time.monotonic() - start)
    if emitted.text is None:
        print("derive: error: nothing to emit: no result could be emitted", file=sys.stderr)
        return EXIT_FAILED
    data = emitted.text.encode("utf-8")
    path = args.output
    try:
        existing = read_existing(path, max(len(data), len(MARKER)) + 1)
    except OSError as error:
        print(f"derive: error: cannot read {path}: {error.strerror or error}", file=sys.stderr)
        return EXIT_FAILED
    command = emit_files.command_text(args)
    status = _write(args, path, existing, data, command, start)
    return emit_files.exit_code(emitted, status)
