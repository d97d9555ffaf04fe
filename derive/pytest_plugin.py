"""pytest plugin: derivation files become test items, one per step (see docs/ci.md).

Opt-in: nothing is collected unless the project names its derivation files, in its pytest
configuration (``derive_files = derivations/*.toml``) or on the command line
(``--derive-files 'derivations/*.toml'``). Posts (``.md``, ``.markdown``, ``.tex``) are collected
the same way, one item per ``=`` of their displays (docs/posts.md). A step that is refuted or
undecided (for a post also: not read, not checked) fails, and the report is the
``file:line: refuted: ...`` line of ``derive check``, with the counterexample.

Patterns are matched against the path relative to the rootdir, ``*`` crossing ``/``; a
pattern without ``/`` is also matched against the file name alone. The plugin never passes on
nothing: a pattern that matches no file is a collection error that names it, and when pytest
runs its ``testpaths`` (or the current directory), matching files outside them are collected
too. Paths given on the command line choose what runs, as in any pytest run.

Nothing heavy is imported until a project opts in: pytest loads the plugin in every run of
every project where derive is installed.

Items are named ``derivation[step n]`` (control characters in the name escaped, so pytest's
one-line reports stay one line) and carry their node id as pytest would parse it back from its
cache: pytest 9 compares structured ids, and ``name[step n]`` built as a child name did not
equal the same text parsed from ``--lf``'s cache, so every item ran again. Items are collected
identically in every process, so ``pytest -n`` (pytest-xdist) spreads them over workers.
"""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from _pytest.runner import collect_one_node

from derive.sources.oneline import one_line
from derive.sources.statuses import NOT_A_CLAIM, NOT_CHECKED

if TYPE_CHECKING:
    from derive.checker.limits import Limits
    from derive.sources.limits import LoadingLimits
    from derive.sources.posts.file import PostFile
    from derive.sources.toml.file import DerivationFile
    from derive.sources.toml.results import StepResult

INI_FILES = "derive_files"
INI_TIMEOUT = "derive_timeout"
INI_LIMITS = "derive_limits"
TIMEOUT = pytest.StashKey[float]()
LIMITS = pytest.StashKey["LoadingLimits"]()
CHECK_LIMITS = pytest.StashKey["Limits"]()
MATCHED = pytest.StashKey[set]()  # the patterns that matched a collected file
COLLECTED = pytest.StashKey[set]()  # the files collected, resolved


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("derive", "derivation files checked step by step")
    group.addoption(
        "--derive-files",
        action="append",
        default=[],
        metavar="GLOB",
        help="collect derivation files matching GLOB (relative to the rootdir); repeatable",
    )
    group.addoption(
        "--derive-timeout",
        type=float,
        default=None,
        metavar="SECONDS",
        help=(
            f"the time guard per step, in seconds (default: the {INI_TIMEOUT} ini value, else "
            "derive's default, 60): it only stops a hang; verdicts do not depend on the clock"
        ),
    )
    group.addoption(
        "--derive-limit",
        action="append",
        default=[],
        metavar="NAME=N",
        help=(
            "set a limit on the work per step (rewrites, size, ...: docs/limits.md) or on what "
            "a file may cost to load (file-bytes, ...: docs/derivation-files.md); repeatable"
        ),
    )
    parser.addini(INI_FILES, "globs of derivation files to collect as tests", type="linelist")
    parser.addini(INI_TIMEOUT, "the time guard per derivation step, in seconds (default 60)")
    parser.addini(
        INI_LIMITS, "limits on checking and loading, NAME=N, one per line", type="linelist"
    )


def _patterns(config: pytest.Config) -> list[str]:
    return [*config.getini(INI_FILES), *config.getoption("--derive-files")]


def _shown_path(path: Path, config: pytest.Config) -> str:
    """The path relative to the rootdir (as pytest shows node ids), else as it is."""
    try:
        return path.relative_to(config.rootpath).as_posix()
    except ValueError:
        return path.as_posix()


def _matching(path: Path, config: pytest.Config) -> list[str]:
    """The patterns that match ``path`` (none if the project did not opt in)."""
    relative = _shown_path(path, config)
    return [
        p
        for p in _patterns(config)
        if fnmatch.fnmatch(relative, p) or ("/" not in p and fnmatch.fnmatch(path.name, p))
    ]


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    matching = _matching(file_path, parent.config)
    if not matching:
        return None
    parent.config.stash[MATCHED].update(matching)
    parent.config.stash[COLLECTED].add(file_path.resolve())
    return _collector(parent, file_path)


def _collector(parent: pytest.Collector, path: Path) -> pytest.Collector:
    from derive.sources.posts.file import format_of

    if format_of(str(path)) in ("md", "tex"):
        return PostCollector.from_parent(parent, path=path)
    return DerivationFileCollector.from_parent(parent, path=path)


def _timeout(config: pytest.Config) -> float:
    from derive.checker.equal import DEFAULT_TIMEOUT
    from derive.sources.limits import check_seconds

    option = config.getoption("--derive-timeout")
    text = (config.getini(INI_TIMEOUT) or str(DEFAULT_TIMEOUT)) if option is None else option
    try:
        seconds = float(text)
    except ValueError:
        seconds = float("nan")
    if not seconds > 0:
        raise pytest.UsageError(f"derive timeout must be positive seconds, got {text!r}")
    try:
        return check_seconds(seconds)
    except ValueError as error:
        raise pytest.UsageError(f"derive timeout {error}") from None


def _limits(config: pytest.Config) -> tuple[LoadingLimits, Limits]:
    """The limits on loading and on checking, from the ini value and ``--derive-limit``."""
    from derive.sources.limits import parse_any_limit, split_limits

    texts = [*config.getini(INI_LIMITS), *config.getoption("--derive-limit")]
    try:
        return split_limits(parse_any_limit(text) for text in texts)
    except ValueError as error:
        raise pytest.UsageError(f"derive limit: {error}") from None


def _opted_in(config: pytest.Config) -> bool:
    """Whether anything of derive's is configured (else the plugin loads nothing)."""
    given = config.getoption("--derive-timeout") is not None or config.getoption("--derive-limit")
    ini = config.getini(INI_TIMEOUT) or config.getini(INI_LIMITS)
    return bool(_patterns(config) or given or ini)


def pytest_configure(config: pytest.Config) -> None:
    config.stash[MATCHED], config.stash[COLLECTED] = set(), set()
    if _opted_in(config):  # bad values stop the run before collection
        config.stash[TIMEOUT] = _timeout(config)
        config.stash[LIMITS], config.stash[CHECK_LIMITS] = _limits(config)


def _on_disk(config: pytest.Config) -> dict[str, list[Path]]:
    """Per pattern, the files under the rootdir it matches (pytest's ``norecursedirs`` and
    hidden directories skipped), in sorted order."""
    skip = config.getini("norecursedirs")
    found: dict[str, list[Path]] = {p: [] for p in _patterns(config)}
    for top, dirs, files in os.walk(config.rootpath):
        dirs[:] = sorted(
            d
            for d in dirs
            if not d.startswith(".") and not any(fnmatch.fnmatch(d, p) for p in skip)
        )
        for name in sorted(files):
            path = Path(top, name)
            for pattern in _matching(path, config):
                found[pattern].append(path)
    return found


def _report(session: pytest.Session, nodeid: str, message: str) -> None:
    """A collection error: pytest counts it, prints it and stops before running tests."""
    report = pytest.CollectReport(nodeid, "failed", message, [])
    session.ihook.pytest_collectreport(report=report)


@pytest.hookimpl(tryfirst=True)  # before -k, -m and --lf select among the items
def pytest_collection_modifyitems(
    session: pytest.Session, config: pytest.Config, items: list[pytest.Item]
) -> None:
    """Never pass on nothing: a pattern that matches no file is a collection error naming it;
    when pytest collected its ``testpaths`` (or the current directory), matching files
    outside them are collected too."""
    if not _patterns(config):
        return
    on_disk = _on_disk(config)
    for pattern, paths in on_disk.items():
        if not paths:
            where = one_line(str(config.rootpath))
            _report(
                session,
                f"derive_files: {one_line(pattern)}",
                f"derive: error: the pattern {one_line(pattern)!r} (derive_files or "
                f"--derive-files) matches no file under {where}",
            )
    if config.args_source == pytest.Config.ArgsSource.ARGS:
        return  # paths on the command line choose what runs
    collected = config.stash[COLLECTED]
    outside = sorted({p for paths in on_disk.values() for p in paths} - collected)
    for path in outside:
        collected.add(path)
        report = collect_one_node(_collector(session, path))
        session.ihook.pytest_collectreport(report=report)
        if report.passed:
            items += [node for node in report.result if isinstance(node, pytest.Item)]


class DerivationFileCollector(pytest.File):
    """A derivation file; its items are the steps of its derivations."""

    def collect(self) -> Iterator[pytest.Item]:
        from derive.sources.toml.file import load_file
        from derive.sources.toml.parse import ParseError

        shown = _shown_path(self.path, self.config)
        limits, timeout = self.config.stash[LIMITS], self.config.stash[TIMEOUT]
        try:
            loaded = load_file(self.path, shown, limits=limits, timeout=timeout)
        except ParseError as error:
            raise self.CollectError(f"derive: error: {one_line(str(error))}") from None
        except OSError as error:
            message = f"{shown}: cannot read: {error.strerror or error}"
            raise self.CollectError(f"derive: error: {one_line(message)}") from None
        for number, derivation in enumerate(loaded.derivations):
            for index in range(len(derivation.steps)):
                name = f"{one_line(derivation.name)}[step {index + 1}]"
                yield DerivationStep.from_parent(
                    self,
                    name=name,
                    nodeid=f"{self.nodeid}::{name}",  # as pytest parses it from its cache
                    loaded=loaded,
                    number=number,
                    index=index,
                )


class StepNotProved(Exception):
    """A step was refuted or undecided."""

    def __init__(self, result: StepResult) -> None:
        super().__init__(result.message())
        self.result = result


class _Step(pytest.Item):
    """A checked step: a failure shows the one-line report, then both sides."""

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style=None) -> str:
        if isinstance(excinfo.value, StepNotProved):
            result = excinfo.value.result
            return f"{result.message()}\n  lhs: {result.lhs}\n  rhs: {result.rhs}"
        return super().repr_failure(excinfo, style=style)


class DerivationStep(_Step):
    """One step of a derivation: passes iff the checker proves it."""

    def __init__(self, *, loaded: DerivationFile, number: int, index: int, **kwargs) -> None:
        super().__init__(**kwargs)
        self.loaded, self.number, self.index = loaded, number, index

    def runtest(self) -> None:
        from derive.sources.toml.results import check_step

        timeout, limits = self.config.stash[TIMEOUT], self.config.stash[CHECK_LIMITS]
        result = check_step(self.loaded, self.number, self.index, timeout=timeout, limits=limits)
        self.user_properties.append(("verdict", result.message()))
        if result.status != "proved":
            raise StepNotProved(result)

    def reportinfo(self) -> tuple[Path, int, str]:
        where = self.loaded.where[self.number][self.index]
        shown = one_line(self.loaded.path)
        return self.path, where.line - 1, f"{shown}:{where.line}: {self.name}"


class PostCollector(pytest.File):
    """A Markdown post or TeX file; its items are the ``=`` of its displays."""

    def collect(self) -> Iterator[pytest.Item]:
        from derive.sources.posts.file import format_of, load_post
        from derive.sources.toml.parse import ParseError

        kind = format_of(str(self.path))
        try:
            post = load_post(self.path, kind, _shown_path(self.path, self.config))
        except ParseError as error:
            raise self.CollectError(f"derive: error: {one_line(str(error))}") from None
        except OSError as error:
            message = f"{self.path}: cannot read: {error.strerror or error}"
            raise self.CollectError(f"derive: error: {one_line(message)}") from None
        for index, item in enumerate(post.items):
            name = one_line(f"{item.chain}, {item.line}:{item.column}")
            # the node id as pytest parses it back from its cache (see the module docstring)
            nodeid = f"{self.nodeid}::{name}"
            yield PostStep.from_parent(self, name=name, nodeid=nodeid, post=post, index=index)


class PostStep(_Step):
    """One ``=`` of a post: passes iff it is proved (or states the reader's meaning)."""

    def __init__(self, *, post: PostFile, index: int, **kwargs) -> None:
        super().__init__(**kwargs)
        self.post, self.index = post, index

    def runtest(self) -> None:
        from derive.sources.posts.check import check_item

        stash = self.config.stash
        result = check_item(
            self.post, self.index, timeout=stash[TIMEOUT], limits=stash[CHECK_LIMITS]
        )
        if result is None:
            return
        self.user_properties.append(("verdict", result.message()))
        if result.status in (NOT_CHECKED, NOT_A_CLAIM):  # a note, a definition: not judged
            pytest.skip(result.message())
        if result.status != "proved":
            raise StepNotProved(result)

    def reportinfo(self) -> tuple[Path, int, str]:
        item = self.post.items[self.index]
        shown = f"{one_line(self.post.path)}:{item.line}:{item.column}"
        return self.path, item.line - 1, f"{shown}: {self.name}"
