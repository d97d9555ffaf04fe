"""``derive latex [NAME|FILE ...] [--K N] [--format tex|md] [--fragment [--verdicts]] [--expanded]
[--strict] [-o FILE]``.

Checks the named sets of derivations (default: the same as ``derive prove``), or derivation
files (``.toml``; a name that is not a set is a file, known by its extension or by existing),
and typesets every chain with its verdicts: a standalone LaTeX article, an ``align*`` fragment
(the derivation alone, to paste into a paper; with ``--verdicts``, a mark at each step), or
Markdown. A file is typeset in its own notation: its definitions and assumptions first, then
each chain as written (``derive.sources.toml.display``). Sets
checked at concrete sizes are shown in indexed form (``\\sum_{c=1}^{K}``) and say the sizes;
``--expanded`` writes the K-term sums out instead. Only verdicts reach the file, never timings,
so a file regenerates byte for byte. ``--check`` writes nothing: exit 0 if FILE is current, 1 if
it is missing or stale.

Every step typeset that is not proved is named on stderr, one line each (the report line of
``derive check``). Exit codes: 0 written or current (whatever the verdicts, unless ``--strict``);
1 stale or missing (``--check``), or with ``--strict`` a step typeset that is not proved (the
file is written all the same); 2 bad usage or a file that cannot be written (nothing is left half
written).
"""

from __future__ import annotations

import argparse
import dataclasses
import functools
import os
import sys

from derive.checker.equal import DEFAULT_TIMEOUT
from derive.checker.limits import Limits
from derive.checker.matrix.shapes import sizes_of
from derive.checker.verdict import Verdict
from derive.cli.check import check_loaded, load_files
from derive.cli.exits import EXIT_FAILED, EXIT_OK, EXIT_USAGE
from derive.cli.options import (
    add_limit_option,
    add_size_options,
    add_timeout_option,
    limits_of,
    loading_limits_of,
    set_or_file,
)
from derive.cli.writing import output_problem, read_existing, write_atomically
from derive.derivations import DEFAULT, DERIVATIONS, build, sizes_for
from derive.model.symbols import I_, J, K, N
from derive.render.latex import FILES_HEADER, Section, latex_document, markdown_document
from derive.render.latex.document import MATRIX_HEADER
from derive.render.latex.files import file_section
from derive.render.latex.posts import post_section
from derive.sources.oneline import one_line
from derive.sources.posts.file import PostFile
from derive.sources.statuses import QUIET_STATUSES
from derive.steps import Derivation

SIZE_SYMBOLS = {"K": K, "J": J, "I": I_, "N": N}


class FileProblem(Exception):
    """A derivation file that cannot be read or loaded: one line, exit code 2."""


Sizes = tuple[int | None, int | None, int | None, int | None]  # K, J, N, I (None: default)


def add_parser(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "latex",
        help="typeset checked derivations as LaTeX or Markdown",
        description=(
            "Check derivations and typeset each chain with its verdicts: a LaTeX article, an "
            "align* fragment (--fragment) or Markdown (--format md). Exit 0 once written."
        ),
    )
    parser.add_argument(
        "names",
        nargs="*",
        type=set_or_file,
        metavar="NAME|FILE",
        help=(
            f"sets to typeset, from {', '.join(DERIVATIONS)} (default: {' '.join(DEFAULT)}), "
            "or derivation files (.toml)"
        ),
    )
    add_size_options(parser)
    add_timeout_option(parser)
    add_limit_option(parser)
    parser.add_argument("--format", choices=("tex", "md"), default="tex", help="default: tex")
    parser.add_argument(
        "--fragment", action="store_true", help="only the align* blocks (tex), to paste"
    )
    parser.add_argument(
        "--verdicts", action="store_true", help="with --fragment: each step's verdict too"
    )
    parser.add_argument(
        "--strict", action="store_true", help="exit 1 if a step typeset is not proved"
    )
    parser.add_argument(
        "--expanded", action="store_true", help="write sums over concrete sizes out term by term"
    )
    parser.add_argument("-o", "--output", metavar="FILE", help="write FILE (default: stdout)")
    parser.add_argument(
        "--check", action="store_true", help="write nothing; exit 1 if FILE is missing or stale"
    )
    parser.set_defaults(run=run)


@functools.lru_cache(maxsize=32)
def checked(
    name: str, sizes: Sizes, timeout: float | None, limits: Limits | None = None
) -> tuple[tuple[Verdict, ...], ...]:
    """The verdicts of every derivation of set ``name`` (cached for the process)."""
    guard = DEFAULT_TIMEOUT if timeout is None else timeout
    return tuple(d.check(timeout=guard, limits=limits).verdicts for d in build(name, *sizes))


def _symbolic_sizes(name: str) -> list[str]:
    """The size symbols the set's derivations use (none: it was built for concrete sizes)."""
    used = set().union(*(d.start.free_symbols for d in build(name)))
    return [key for key, symbol in SIZE_SYMBOLS.items() if symbol in used]


MATRIX_SETS = ("matrix",)


def _matrix_note(derivation: Derivation) -> str:
    """``checked for every B, J, K``: a derivation in matrix form is checked for every value of
    its matrices' sizes."""
    sizes = sizes_of(derivation.start, *(step.expr for step in derivation.steps))
    return f"checked for every {', '.join(map(str, sizes))}" if sizes else ""


def section(
    name: str,
    sizes: Sizes,
    timeout: float | None,
    expand: bool = False,
    limits: Limits | None = None,
) -> Section:
    """Set ``name`` checked at ``sizes``, shown in indexed form (symbolic sizes) unless
    ``expand``, every derivation noting the sizes it was checked for."""
    derivations = build(name, *sizes)
    symbolic = _symbolic_sizes(name)
    if symbolic:
        where = f"checked for every {', '.join(symbolic)}"
    else:
        used = sizes_for(name, K=sizes[0], J=sizes[1], N=sizes[2], I=sizes[3])
        where = "checked for " + ", ".join(
            f"{key} = {used[key]}" for key in SIZE_SYMBOLS if key in used
        )
        if not expand:
            derivations = _indexed_form(name, derivations)
    shown = tuple(dataclasses.replace(d, note=_matrix_note(d) or where) for d in derivations)
    verdicts = tuple(
        tuple(_renamed(v, c, d, step) for step, v in enumerate(vs))
        for vs, c, d in zip(
            checked(name, sizes, timeout, limits), build(name, *sizes), shown, strict=True
        )
    )
    summary = (DERIVATIONS[name].__doc__ or "").strip().splitlines()[0].split(" (")[0]
    return Section(f"{name}: {summary}", shown, verdicts)


def _renamed(verdict: Verdict, checked_as: Derivation, shown: Derivation, step: int) -> Verdict:
    """``verdict`` with the assumptions it needs as the shown derivation writes them (the
    offered assumptions correspond by position: sum_{d=1}^{3} t_d = 1 is sum_{d=1}^{K} t_d = 1).
    """
    offered = (*checked_as.assume, *checked_as.steps[step].assume)
    shown_as = (*shown.assume, *shown.steps[step].assume)
    if len(offered) != len(shown_as) or not all(a in offered for a in verdict.needs):
        return verdict
    needs = tuple(shown_as[offered.index(a)] for a in verdict.needs)
    return dataclasses.replace(verdict, needs=needs)


def _indexed_form(name: str, concrete: tuple[Derivation, ...]) -> tuple[Derivation, ...]:
    """The same derivations built with symbolic sizes, if they line up step for step."""
    indexed = build(name, K, J, N, I_)
    lined_up = len(indexed) == len(concrete) and all(
        a.name == b.name and len(a.steps) == len(b.steps)
        for a, b in zip(indexed, concrete, strict=True)
    )
    return indexed if lined_up else concrete


def _typeset_file(loaded, timeout: float, limits: Limits | None, unproved: list[str]):
    """A derivation file or a post, checked, as a section in its own notation; the report
    line of each step that is not proved goes to ``unproved``."""
    results = check_loaded(loaded, timeout, limits)
    unproved += [r.message() for r in results if r.status not in QUIET_STATUSES]
    if isinstance(loaded, PostFile):
        return post_section(loaded, results)
    return file_section(loaded, results)


def _unproved_steps(name: str, typeset: Section) -> list[str]:
    """``reference: dE/dz_k (post), step 5: refuted`` for each step of a set not proved."""
    return [
        one_line(f"{name}: {derivation.name}, step {number}: {verdict.status}")
        for derivation, verdicts in zip(typeset.derivations, typeset.verdicts, strict=True)
        for number, verdict in enumerate(verdicts, start=1)
        if not verdict.proved
    ]


def _command(args: argparse.Namespace) -> str:
    """The command that regenerates the output, for the file's header (no --check)."""
    words = ["derive latex", *args.names]
    for key in ("K", "J", "I", "N", "timeout"):
        if getattr(args, key) is not None:
            words.append(f"--{key} {getattr(args, key):g}")
    words += [f"--limit {name}={value}" for name, value in args.limit]
    words += ["--format md"] if args.format == "md" else []
    words += [f"--{flag}" for flag in ("fragment", "verdicts", "expanded") if getattr(args, flag)]
    words += [f"-o {args.output}"] if args.output else []
    return " ".join(words)


def render(args: argparse.Namespace) -> str:
    """The text ``derive latex`` writes for ``args`` (checks the derivations).

    Raises:
        FileProblem: a derivation file cannot be read or loaded (one line, with its place).
    """
    return typeset(args)[0]


def typeset(args: argparse.Namespace) -> tuple[str, list[str]]:
    """The text ``derive latex`` writes for ``args``, and a report line for every step it
    typesets that is not proved. Raises FileProblem (see :func:`render`)."""
    sizes = (args.K, args.J, args.N, args.I)
    names = tuple(args.names) or DEFAULT
    files = [name for name in names if name not in DERIVATIONS]
    timeout = DEFAULT_TIMEOUT if args.timeout is None else args.timeout
    # by extension; all read before anything is checked
    loaded, errors = load_files(files, None, loading_limits_of(args), timeout)
    if errors:
        raise FileProblem(errors[0])
    by_path = dict(zip(files, loaded, strict=True))
    limits = limits_of(args)
    sections, unproved = [], []
    for name in names:
        if name in DERIVATIONS:
            sections.append(section(name, sizes, args.timeout, args.expanded, limits))
            unproved += _unproved_steps(name, sections[-1])
        else:
            sections.append(_typeset_file(by_path[name], timeout, limits, unproved))
    # the post's title and definitions open a document of the library's sets
    header = None if any(name in DERIVATIONS for name in names) else FILES_HEADER
    if names and all(name in MATRIX_SETS for name in names):
        header = MATRIX_HEADER  # not the post's network: the matrix forms have their own
    command = _command(args)
    if args.format == "md":
        text = markdown_document(
            sections, generated_by=command, expand=args.expanded, header=header
        )
        return text, unproved
    text = latex_document(
        sections,
        generated_by=command,
        fragment=args.fragment,
        expand=args.expanded,
        header=header,
        verdicts=args.verdicts or not args.fragment,
    )
    return text, unproved


def _usage_problem(args: argparse.Namespace) -> str | None:
    if args.check and not args.output:
        return "--check needs -o FILE"
    if args.fragment and args.format == "md":
        return "--fragment is for --format tex"
    if args.verdicts and not args.fragment:
        return "--verdicts is for --fragment (a whole document always shows them)"
    if args.output is None:
        return None
    problem = output_problem(args.output)  # a device, FIFO or directory is never written
    if problem:
        return problem
    directory = os.path.dirname(os.path.abspath(args.output))
    if not args.check and not os.access(directory, os.W_OK):
        return f"-o {args.output}: directory is not writable"
    return None


def run(args: argparse.Namespace) -> int:
    problem = _usage_problem(args)
    if problem:
        print(f"derive: error: {problem}", file=sys.stderr)
        return EXIT_USAGE
    try:
        text, unproved = typeset(args)
    except FileProblem as error:
        print(f"derive: error: {one_line(str(error))}", file=sys.stderr)
        return EXIT_USAGE
    if args.check:
        return _check(args, text.encode("utf-8"))
    if args.output is None:
        sys.stdout.write(text)
    elif not _write(args.output, text.encode("utf-8")):
        return EXIT_USAGE
    _warn(unproved, args.strict)
    return EXIT_FAILED if args.strict and unproved else EXIT_OK


def _check(args: argparse.Namespace, data: bytes) -> int:
    """``--check``: 0 if ``-o FILE`` holds ``data``, 1 if it is missing or stale."""
    path = args.output
    try:
        existing = read_existing(path, len(data) + 1)  # one byte more than data: differs
    except OSError as error:
        print(f"derive: error: cannot read {path}: {error.strerror or error}", file=sys.stderr)
        return EXIT_USAGE
    state = "missing" if existing is None else "current" if existing == data else "stale"
    print(f"{path}: {state}" + ("" if state == "current" else f" (run: {_command(args)})"))
    return EXIT_OK if state == "current" else EXIT_FAILED


def _write(path: str, data: bytes) -> bool:
    """Write ``data`` to ``path`` unless it holds it already; False (said) if it cannot."""
    try:
        existing = read_existing(path, len(data) + 1)
        if existing != data:
            write_atomically(path, data)
    except OSError as error:
        print(f"derive: error: cannot write {path}: {error.strerror or error}", file=sys.stderr)
        return False
    print(f"{path}: {'written' if existing != data else 'current, not rewritten'}")
    return True


def _warn(unproved: list[str], strict: bool) -> None:
    """Each step typeset that is not proved, on stderr, then how many."""
    for line in unproved:
        print(line, file=sys.stderr)
    if unproved:
        count = len(unproved)
        steps = f"{count} step{'s' * (count != 1)}"
        verb = "are" if count != 1 else "is"
        exit_note = " (--strict: exit 1)" if strict else ""
        print(f"derive latex: {steps} typeset {verb} not proved{exit_note}", file=sys.stderr)
