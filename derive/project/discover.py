"""Which files a run checks: the files named, and the derivation files, posts and papers
found under the directories named, as ruff and black find sources.

A directory is walked in sorted order (the same files in the same order on every machine),
skipping what git ignores (every ``.gitignore`` from the repository's root down, with git's own
pattern rules, by pathspec), the usual directories that are never sources (``.git``, ``.venv``,
``node_modules``, ...) and the ``exclude`` patterns (gitignore syntax, relative to where they
were configured). A walk keeps ``.md``, ``.markdown`` and ``.tex`` files, and ``.toml`` files
that hold a ``[[derivation]]`` table (a ``pyproject.toml`` is not a derivation file). A file
named on the command line is always checked, unless ``force_exclude`` applies the exclusions
to it too (for pre-commit, which names files itself).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pathspec import GitIgnoreSpec

from derive.sources.nesting import toml_too_deep
from derive.sources.reading import read_regular
from derive.suggest import close_matches

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

POST_SUFFIXES = (".md", ".markdown", ".tex")
SUFFIXES = (".toml", *POST_SUFFIXES)
# never sources: version control, environments, caches, build output (ruff's list, mostly)
ALWAYS_EXCLUDED = (
    ".git/",
    ".hg/",
    ".svn/",
    ".venv/",
    "venv/",
    ".tox/",
    ".nox/",
    ".eggs/",
    "*.egg-info/",
    "node_modules/",
    "__pycache__/",
    "__pypackages__/",
    ".mypy_cache/",
    ".pytest_cache/",
    ".ruff_cache/",
    ".derive_cache/",
    "_build/",
    "build/",
    "dist/",
    "site-packages/",
)
DERIVE_KEYS = ("derivation", "symbols", "define", "assume")  # a derivation file's top level
_PEEK = 8 * 1024 * 1024  # bytes read to look into a TOML file


@dataclass(frozen=True)
class Exclusions:
    """Patterns (gitignore syntax) and the directory they are relative to."""

    patterns: tuple[str, ...] = ()
    base: str = "."


@dataclass
class Found:
    """The files to check, in order, and the named paths that could not be used."""

    files: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def _spec(lines: Sequence[str]) -> GitIgnoreSpec:
    return GitIgnoreSpec.from_lines(lines)


class _Ignored:
    """Whether a path is ignored: by the fixed list, the exclusions, or a ``.gitignore``."""

    def __init__(self, exclusions: Exclusions) -> None:
        self.always = _spec(ALWAYS_EXCLUDED)
        self.exclude = _spec(exclusions.patterns)
        self.base = Path(exclusions.base).resolve()
        self.gitignores: dict[Path, GitIgnoreSpec | None] = {}

    def _gitignore(self, directory: Path) -> GitIgnoreSpec | None:
        if directory not in self.gitignores:
            try:
                text = (directory / ".gitignore").read_text(encoding="utf-8", errors="replace")
                self.gitignores[directory] = _spec(text.splitlines())
            except OSError:
                self.gitignores[directory] = None
        return self.gitignores[directory]

    def __call__(self, path: Path, is_dir: bool) -> bool:
        path = path.resolve()
        tail = "/" if is_dir else ""
        if self.always.match_file(path.name + tail):
            return True
        inside = _inside(path, self.base)
        if inside and self.exclude.match_file(path.relative_to(self.base).as_posix() + tail):
            return True
        root = _repository_root(path.parent)
        for directory in _between(root, path.parent):
            spec = self._gitignore(directory)
            if spec is not None and spec.match_file(path.relative_to(directory).as_posix() + tail):
                return True
        return False


def _inside(path: Path, base: Path) -> bool:
    return path == base or base in path.parents


def _repository_root(directory: Path) -> Path | None:
    """The nearest directory upwards that holds ``.git`` (None outside a repository)."""
    for candidate in (directory, *directory.parents):
        if (candidate / ".git").exists():
            return candidate
    return None


def _between(root: Path | None, directory: Path) -> list[Path]:
    """The directories from ``root`` down to ``directory`` (just ``directory`` without a root:
    outside a repository, only the walked directories' own ``.gitignore`` files count)."""
    if root is None or not _inside(directory, root):
        return [directory]
    chain = [directory, *(p for p in directory.parents if _inside(p, root))]
    return list(reversed(chain))


def holds_derivations(path: str | os.PathLike[str]) -> bool:
    """Whether a TOML file is a derivation file: it has a key of derive's at its top level
    (``[[derivation]]``, ``[symbols]``, ``[define]``, ``[assume]``) or one spelt nearly so
    (``[[derivations]]``: loading it reports the typo), so a ``pyproject.toml`` is not one. A
    file that cannot be read, is too long to look into, is nested too deep for tomllib (which
    recurses) or is not valid TOML counts as one, so that checking it reports why."""
    try:
        data = read_regular(path, _PEEK)
        if len(data) > _PEEK:
            return True
        text = data.decode("utf-8")
        if toml_too_deep(text) is not None:
            return True
        keys = set(tomllib.loads(text))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, RecursionError):
        return True
    return any(key in DERIVE_KEYS or close_matches(key, DERIVE_KEYS) for key in keys)


def _wanted(path: Path) -> bool:
    suffix = path.suffix.lower()
    if suffix in POST_SUFFIXES:
        return True
    return suffix == ".toml" and holds_derivations(path)


def walk(directory: str, ignored: _Ignored) -> list[str]:
    """The files to check under ``directory``, in sorted order, as paths joined to it."""
    found = []
    for top, dirs, files in os.walk(directory):
        here = Path(top)
        dirs[:] = sorted(d for d in dirs if not ignored(here / d, is_dir=True))
        for name in sorted(files):
            path = here / name
            kept = path.suffix.lower() in SUFFIXES and not ignored(path, is_dir=False)
            if kept and _wanted(path):
                found.append(os.path.normpath(os.path.join(top, name)))
    return found


def find_files(
    paths: Sequence[str], exclusions: Exclusions = Exclusions(), force_exclude: bool = False
) -> Found:
    """The files to check for ``paths`` (files and directories), each once, in order.

    A missing path, or a directory with nothing to check in it, is a problem (one line).
    """
    ignored = _Ignored(exclusions)
    found = Found()
    for path in paths:
        if os.path.isdir(path):
            files = walk(path, ignored)
            if not files:
                found.problems.append(
                    f"{path}: no derivation files, posts or papers in it (.toml with "
                    "[[derivation]], .md, .markdown, .tex)"
                )
            found.files += files
        elif force_exclude and ignored(Path(path), is_dir=False):
            continue
        else:
            found.files.append(path)  # a missing or unreadable file is reported when loaded
    found.files = list(dict.fromkeys(found.files))
    return found
