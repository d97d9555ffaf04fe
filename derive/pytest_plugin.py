"""pytest plugin: derivation files become test items, one per step (see docs/ci.md).

Opt-in: nothing is collected unless the project names its derivation files, in its pytest
configuration (``derive_files = derivations/*.toml``) or on the command line
(``--derive-files 'derivations/*.toml'``). Posts (``.md``, ``.markdown``, ``.tex``) are collected
the same way, one item per ``=`` of their displays (docs/posts.md). A step that is refuted or
undecided (for a post also: not read, not checked) fails, and the report is the
``file:line: refuted: ...`` line of ``derive check``, with the counterexample.

The files must lie where pytest looks (its ``testpaths`` or the paths given on the command
line). Patterns are matched against the path relative to the rootdir, ``*`` crossing ``/``;
a pattern without ``/`` is also matched against the file name alone.

Items are named ``derivation[step n]`` (control characters in the name escaped, so pytest's
one-line reports stay one line) and carry their node id as pytest would parse it back from its
cache: pytest 9 compares structured ids, and ``name[step n]`` built as a child name did not
equal the same text parsed from ``--lf``'s cache, so every item ran again. Items are collected
identically in every process, so ``pytest -n`` (pytest-xdist) spreads them over workers.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterator
from pathlib import Path

import pytest

from derive.checker.equal import DEFAULT_TIMEOUT
from derive.checker.limits import LIMIT_HELP, Limits
from derive.sources.limits import LoadingLimits, check_seconds, names, parse_any_limit, split_limits
from derive.sources.oneline import one_line
from derive.sources.posts.check import check_item
from derive.sources.posts.file import PostFile, format_of, load_post
from derive.sources.toml.file import DerivationFile, load_file
from derive.sources.toml.parse import ParseError
from derive.sources.toml.results import StepResult, check_step, passes

INI_FILES = "derive_files"
INI_TIMEOUT = "derive_timeout"
INI_LIMITS = "derive_limits"
TIMEOUT = pytest.StashKey[float]()
LIMITS = pytest.StashKey[LoadingLimits]()
CHECK_LIMITS = pytest.StashKey[Limits]()


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
            f"{DEFAULT_TIMEOUT:g}): it only stops a hang; verdicts do not depend on the clock"
        ),
    )
    group.addoption(
        "--derive-limit",
        action="append",
        default=[],
        metavar="NAME=N",
        help=(
            f"set a limit on the work per step ({', '.join(LIMIT_HELP)}; docs/limits.md) or "
            f"on what a file may cost to load ({', '.join(names())}); repeatable"
        ),
    )
    parser.addini(INI_FILES, "globs of derivation files to collect as tests", type="linelist")
    parser.addini(
        INI_TIMEOUT, "the time guard per derivation step, in seconds", default=str(DEFAULT_TIMEOUT)
    )
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


def _matches(path: Path, config: pytest.Config) -> bool:
    patterns = _patterns(config)
    if not patterns:
        return False  # the project did not opt in
    relative = _shown_path(path, config)
    return any(
        fnmatch.fnmatch(relative, p) or ("/" not in p and fnmatch.fnmatch(path.name, p))
        for p in patterns
    )


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    if _matches(file_path, parent.config):
        if format_of(str(file_path)) in ("md", "tex"):
            return PostCollector.from_parent(parent, path=file_path)
        return DerivationFileCollector.from_parent(parent, path=file_path)
    return None


def _timeout(config: pytest.Config) -> float:
    option = config.getoption("--derive-timeout")
    text = config.getini(INI_TIMEOUT) if option is None else option
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
    texts = [*config.getini(INI_LIMITS), *config.getoption("--derive-limit")]
    try:
        return split_limits(parse_any_limit(text) for text in texts)
    except ValueError as error:
        raise pytest.UsageError(f"derive limit: {error}") from None


def pytest_configure(config: pytest.Config) -> None:
    # bad values stop the run before collection
    config.stash[TIMEOUT] = _timeout(config)
    config.stash[LIMITS], config.stash[CHECK_LIMITS] = _limits(config)


class DerivationFileCollector(pytest.File):
    """A derivation file; its items are the steps of its derivations."""

    def collect(self) -> Iterator[pytest.Item]:
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
        stash = self.config.stash
        result = check_item(
            self.post, self.index, timeout=stash[TIMEOUT], limits=stash[CHECK_LIMITS]
        )
        if result is None:
            return
        self.user_properties.append(("verdict", result.message()))
        if not passes(result.status):  # a definition or a condition passes: it is not judged
            raise StepNotProved(result)

    def reportinfo(self) -> tuple[Path, int, str]:
        item = self.post.items[self.index]
        shown = f"{one_line(self.post.path)}:{item.line}:{item.column}"
        return self.path, item.line - 1, f"{shown}: {self.name}"
