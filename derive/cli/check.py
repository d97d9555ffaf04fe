"""``derive check [PATH...] [--output-format F] [--junit-xml PATH]``: check derivation files,
posts and papers, like a compiler.

Derivation files (``.toml``) and posts (``.md``/``.markdown``, ``.tex``: every ``=`` of every
display), chosen by extension; ``--format`` overrides it. A directory is walked
(``derive.project.discover``: ``.gitignore`` and ``--exclude`` honoured); no PATH: the ``paths``
of ``[tool.derive]`` (``derive.project.config``, whose settings the flags override). Prints
``file:line: refuted: ...`` (``file:line:col: ...`` for a post, after the defaults it used) for
every step that is not proved (``-v``: every step), a note for each file with nothing to check,
then a summary line; ``--output-format`` json, jsonl, github or junit for machines.

Exit codes as for ``derive prove``: 0 every step proved, 1 a step refuted, undecided, not read
or not checked (or, with ``--strict``, a file with nothing to check), 2 bad usage (a missing
file, a mistake in a file: every mistake of every file is listed, and nothing is checked).
"""

from __future__ import annotations

import argparse
import sys
import time

from derive.checker.limits import Limits
from derive.checker.store import directory_of
from derive.cli.exits import EXIT_FAILED, EXIT_OK, EXIT_USAGE
from derive.cli.options import TIMEOUT_HELP, add_limit_option, seconds
from derive.cli.settings import Settings, settings_of
from derive.cli.terminal import Progress, paint, paint_status, wants_colour
from derive.cli.writing import output_problem, prepare_output, write_atomically
from derive.project.config import INPUT_FORMATS, OUTPUT_FORMATS
from derive.project.discover import Exclusions, find_files
from derive.project.filecache import FileCache, KeptFile
from derive.project.options import Options
from derive.project.report import FileReport
from derive.render.github import annotation, step_annotation
from derive.render.junit import junit_xml
from derive.render.records import json_text, jsonl_text, step_record, summary_record
from derive.sources.limits import DEFAULT_LIMITS, LoadingLimits
from derive.sources.oneline import one_line, one_line_path
from derive.sources.statuses import QUIET_STATUSES


def add_parser(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "check",
        help="check derivation files, posts and papers step by step",
        description=(
            "Check every derivation in PATHs (files, or directories to walk); exit 0 iff every "
            "step is proved. Settings come from [tool.derive] in pyproject.toml; flags win."
        ),
    )
    parser.add_argument(
        "files",
        nargs="*",
        metavar="PATH",
        help="derivation files (.toml), posts (.md, .tex) or directories (default: the paths "
        "of [tool.derive])",
    )
    parser.add_argument(
        "--format",
        choices=INPUT_FORMATS,
        help="read every file as this format (default: by extension; unknown: toml)",
    )
    parser.add_argument(
        "--output-format",
        choices=OUTPUT_FORMATS,
        help="text (default), json (one array), jsonl (a record a line), github (workflow "
        "annotations) or junit (JUnit XML on stdout)",
    )
    parser.add_argument(
        "--json",
        dest="output_format",
        action="store_const",
        const="json",
        help="--output-format json",
    )
    parser.add_argument("--junit-xml", metavar="PATH", help="also write a JUnit XML report")
    parser.add_argument("--timeout", type=seconds, help=TIMEOUT_HELP)
    add_limit_option(parser)
    add_walk_options(parser)
    parser.add_argument(
        "--strict",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="a file with nothing to check (no display math) fails the run (default: it is "
        "noted and the others are checked)",
    )
    parser.add_argument("-v", "--verbose", action="count", default=0, help="print proved steps too")
    parser.add_argument(
        "-q",
        "--quiet",
        action="count",
        default=0,
        help="print only the steps not proved (-qq: nothing; the exit code tells)",
    )
    parser.set_defaults(run=run)


def add_walk_options(parser: argparse.ArgumentParser) -> None:
    """--exclude, --force-exclude, --no-cache, --cache-dir, --config, --no-config."""
    parser.add_argument(
        "--exclude",
        action="append",
        metavar="PATTERN",
        help="skip files and directories matching PATTERN (gitignore syntax) when walking a "
        "directory; repeatable; replaces the exclude of [tool.derive]",
    )
    parser.add_argument(
        "--force-exclude",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="apply the exclusions to files named on the command line too (pre-commit)",
    )
    parser.add_argument(
        "--no-cache",
        dest="cache",
        action="store_false",
        default=None,
        help="decide every step again, without the verdict cache",
    )
    parser.add_argument(
        "--cache-dir",
        metavar="DIR",
        help="the verdict cache's directory (default: $DERIVE_CACHE_DIR, else .derive_cache)",
    )
    parser.add_argument("--config", metavar="FILE", help="read the settings from FILE")
    parser.add_argument(
        "--no-config", action="store_true", help="ignore [tool.derive] in pyproject.toml"
    )


def load_files(
    paths: list[str],
    form: str | None = None,
    limits: LoadingLimits = DEFAULT_LIMITS,
    timeout: float | None = None,
) -> tuple[list, list[str]]:
    """Every file loaded, or the errors (one line each): all files are read before any check.
    A file with nothing to check is an error here (``derive latex`` has nothing to typeset)."""
    from derive.project.run import load

    options = Options(format=form, loading=limits, **({"timeout": timeout} if timeout else {}))
    loaded, errors = [], []
    for path in paths:
        found = load(path, options)
        errors += [str(e) for e in found.errors]
        if found.nothing and found.file is None:
            errors.append(f"{one_line_path(path)}: {found.nothing}")
        elif found.file is not None:
            loaded.append(found.file)
    return loaded, errors


def check_loaded(file, timeout: float, limits: Limits | None = None) -> list:
    """The per-step results of a loaded file or post (``timeout``: the time guard per step)."""
    from derive.project.run import check

    return check(file, Options(timeout=timeout, limits=limits or Limits()))


class _Run:
    """One run's files: each answered from the file cache, or loaded and then checked.

    Nothing heavy is imported while every file is answered from the cache (no SymPy)."""

    def __init__(self, settings: Settings, start: float) -> None:
        self.settings, self.start = settings, start
        use = settings.cache
        self.files = FileCache(str(directory_of(settings.cache_dir))) if use else None
        self.keys: dict[str, str | None] = {}
        self.kept: dict[str, KeptFile] = {}
        self.loaded: list = []

    def load(self, paths: list[str]) -> list:
        """Look every file up in the cache, load the others; their errors (none: go on)."""
        options = self.settings.options
        missing = []
        for path in paths:
            if self.files is not None:
                self.keys[path] = self.files.key(path, options)
                kept = self.files.get(self.keys[path], options.timeout)
                if kept is not None:
                    self.kept[path] = kept
                    continue
            missing.append(path)
        if not missing:
            return []
        from derive.project.run import load

        self.loaded = [load(path, options) for path in missing]
        return [e for file in self.loaded for e in file.errors]

    def check(self, order: list[str]) -> FileReport:
        """Check the loaded files (the verdict cache in force) and report all in ``order``."""
        outcomes = {
            path: (kept.results, kept.defaults, kept.nothing) for path, kept in self.kept.items()
        }
        if self.loaded:
            with self.settings.cache_in_force():
                outcomes.update(self._checked())
        results, nothing, defaults = [], {}, {}
        for path in order:
            found, used, why = outcomes[path]
            results += found
            if why:
                nothing[path] = why
            if used:
                defaults[path] = tuple(used)
        return FileReport(
            tuple(order), tuple(results), nothing, defaults, time.monotonic() - self.start
        )

    def _checked(self) -> dict[str, tuple]:
        from derive.project.run import check, steps_of
        from derive.render.results import details_of

        files = [f for f in self.loaded if f.file is not None]
        progress = Progress(sum(steps_of(f.file) for f in files), enabled=self.settings.quiet == 0)
        outcomes = {}
        try:
            for found in self.loaded:
                results = []
                if found.file is not None:
                    progress.at(one_line_path(found.path))
                    results = check(found.file, self.settings.options, progress.advance)
                defaults = tuple(getattr(found.file, "defaults", ()))
                outcomes[found.path] = (results, defaults, found.nothing)
                if self.files is not None:
                    details = [details_of(r) for r in results]
                    key = self.keys.get(found.path)
                    self.files.put(key, results, details, defaults, found.nothing)
        finally:
            progress.close()
        return outcomes


def _exit_code(report: FileReport, strict: bool) -> int:
    if any(r.status not in QUIET_STATUSES for r in report.results):
        return EXIT_FAILED
    return EXIT_FAILED if strict and report.nothing else EXIT_OK


def _print_text(report: FileReport, settings: Settings) -> None:
    colour = wants_colour(sys.stdout)
    if settings.quiet >= 2:
        return
    if settings.quiet == 0:
        for path, reason in report.nothing.items():
            print(f"{one_line_path(path)}: {one_line(reason)}")
        for path, defaults in report.defaults.items():
            for default in defaults:
                print(one_line(f"{one_line_path(path)}: default: {default}"))
    for result in report.results:
        if settings.verbose or result.status not in QUIET_STATUSES:
            print(paint_status(result.message(), result.status, colour))
    if settings.quiet == 0:
        summary = report.summary()
        status = "proved" if report.proved else "refuted" if report.failed else ""
        print(paint(summary, status, colour))


def _records(report: FileReport, code: int) -> list[dict]:
    records = [step_record(r.row()) for r in report.results]
    statuses = [r.status for r in report.results]
    records.append(
        summary_record(
            statuses,
            seconds=report.seconds,
            exit_code=code,
            files=len(report.files),
            nothing_to_check=dict(report.nothing),
        )
    )
    return records


def _print_github(report: FileReport, strict: bool) -> None:
    for path, reason in report.nothing.items():
        level = "error" if strict else "notice"
        print(annotation(level, path, 1, None, "derive: nothing to check", reason))
    for result in report.failed:
        print(step_annotation(result))
    print(report.summary())


def _print_report(report: FileReport, settings: Settings, code: int) -> None:
    form = settings.output_format
    if form == "json":
        print(json_text(_records(report, code)))
    elif form == "jsonl":
        print(jsonl_text(_records(report, code)))
    elif form == "github":
        _print_github(report, settings.strict)
    elif form == "junit":
        sys.stdout.write(_junit(report, settings.strict))
    else:
        _print_text(report, settings)


def _junit(report: FileReport, strict: bool) -> str:
    return junit_xml(report.results, report.files, report.nothing, strict)


def _print_errors(errors: list, settings: Settings) -> None:
    for error in errors:
        print(f"derive: error: {one_line(str(error))}", file=sys.stderr)
        if settings.output_format == "github" and not isinstance(error, str):
            line = error.line or 1
            print(annotation("error", error.path, line, error.column, "derive: error", str(error)))


def run(args: argparse.Namespace) -> int:
    start = time.monotonic()
    settings, problem = settings_of(args)
    if problem is None and settings.junit_xml is not None:
        problem = output_problem(settings.junit_xml, "--junit-xml", create=True)
    if problem:  # before any checking: exit 2 must not come after minutes of exit-1 work
        print(f"derive: error: {one_line(problem)}", file=sys.stderr)
        return EXIT_USAGE
    exclusions = Exclusions(settings.exclude, settings.exclude_base)
    found = find_files(settings.paths, exclusions, settings.force_exclude)
    files = _Run(settings, start)
    errors = [*found.problems, *files.load(found.files)]
    if errors:
        _print_errors(errors, settings)
        return EXIT_USAGE
    report = files.check(found.files)
    code = _exit_code(report, settings.strict)
    _print_report(report, settings, code)
    if settings.junit_xml is not None:
        try:
            prepare_output(settings.junit_xml)
            write_atomically(settings.junit_xml, _junit(report, settings.strict).encode("utf-8"))
        except OSError as error:
            shown = one_line(settings.junit_xml)
            print(f"derive: error: cannot write {shown}: {error.strerror}", file=sys.stderr)
            return EXIT_USAGE
    return code


__all__ = ["add_parser", "check_loaded", "load_files", "run"]
