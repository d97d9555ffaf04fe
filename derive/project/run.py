"""Loading and checking the files of one run: derivation files (TOML), posts and papers.

Every file is loaded before any is checked, so that a mistake in the last file is reported
before minutes of checking. Loading a file reports every error in it, not only the first
(``ParseError.errors``). A post without display math, or whose math holds no claim, has
nothing to check: it is noted (:class:`Loaded` ``nothing``) and the other files are checked.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from derive.project.discover import holds_derivations
from derive.project.options import Options
from derive.sources.oneline import one_line_path
from derive.sources.posts.check import PostResult, check_item
from derive.sources.posts.file import NoDisplayMath, PostFile, format_of, load_post
from derive.sources.toml.file import DerivationFile, load_file
from derive.sources.toml.parse import ParseError
from derive.sources.toml.results import StepResult, check_derivation

Result = StepResult | PostResult
NO_MATH = "no display math: nothing to check"
NO_CLAIMS = "no claims in its display math: nothing to check"
NO_DERIVATIONS = "not a derivation file (no [[derivation]] table): nothing to check"


class NotDerivations(ParseError):
    """A TOML file with no table of derive's (a ``pyproject.toml`` that pre-commit passes
    along): nothing to check, like a post without display math."""


@dataclass(frozen=True)
class FileError:
    """A mistake in a file, or why it cannot be read: one line (``str``), with its place."""

    path: str
    message: str
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        where = one_line_path(self.path)
        if self.line is None:
            return f"{where}: {self.message}"
        return f"{where}:{self.line}:{self.column or 1}: {self.message}"


@dataclass(frozen=True)
class Loaded:
    """One file of a run: loaded, or its errors (one line each), or why there is nothing to
    check in it."""

    path: str
    file: DerivationFile | PostFile | None = None
    errors: tuple[FileError, ...] = ()
    nothing: str | None = None


def read(path: str, options: Options | None = None) -> DerivationFile | PostFile:
    """Load one file by its format (``options.format``, else its extension).

    Raises:
        OSError: it cannot be read (IsADirectoryError for a directory).
        NoDisplayMath: a post or paper without display math.
        NotDerivations: a TOML file that is not a derivation file.
        ParseError: anything wrong in it; ``error.errors`` has every error of the file.
    """
    options = options or Options()
    kind = format_of(path, options.format)
    if kind == "toml":
        if not holds_derivations(path):
            raise NotDerivations(NO_DERIVATIONS, 1, 1, path)
        return load_file(path, limits=options.loading, timeout=options.timeout)
    return load_post(path, kind)


def load(path: str, options: Options | None = None) -> Loaded:
    """Load one file by its format; never raises for a problem of the file."""
    try:
        loaded = read(path, options)
    except NoDisplayMath:
        return Loaded(path, nothing=NO_MATH)
    except NotDerivations:
        return Loaded(path, nothing=NO_DERIVATIONS)
    except ParseError as error:
        errors = (FileError(e.path or path, e.message, e.line, e.column) for e in error.errors)
        return Loaded(path, errors=tuple(errors))
    except IsADirectoryError:
        return Loaded(path, errors=(FileError(path, "is a directory"),))
    except OSError as error:
        reason = error.strerror or str(error)
        return Loaded(path, errors=(FileError(path, f"cannot read: {reason}"),))
    if isinstance(loaded, PostFile) and not loaded.items:
        return Loaded(path, loaded, nothing=NO_CLAIMS)
    return Loaded(path, loaded)


def steps_of(file: DerivationFile | PostFile) -> int:
    """How many steps checking ``file`` judges (for a progress count)."""
    if isinstance(file, PostFile):
        return len(file.items)
    return sum(len(d.steps) for d in file.derivations)


def check(
    file: DerivationFile | PostFile,
    options: Options | None = None,
    done: Callable[[int], None] | None = None,
) -> list[Result]:
    """The results of every step of a loaded file, in file order; ``done(n)`` is told each
    time n more steps are judged."""
    return list(_results(file, options or Options(), done or (lambda n: None)))


def _results(
    file: DerivationFile | PostFile, options: Options, done: Callable[[int], None]
) -> Iterator[Result]:
    if isinstance(file, PostFile):
        for index in range(len(file.items)):
            result = check_item(file, index, timeout=options.timeout, limits=options.limits)
            done(1)
            if result is not None:  # a stated meaning of notation that agrees: not a claim
                yield result
        return
    for number, derivation in enumerate(file.derivations):
        yield from check_derivation(file, number, timeout=options.timeout, limits=options.limits)
        done(len(derivation.steps))
