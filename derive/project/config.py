"""``[tool.derive]`` in pyproject.toml: a project's settings for ``derive check``.

Found as ruff finds ``[tool.ruff]``: the nearest ``pyproject.toml`` with a ``[tool.derive]``
table, from the current directory upwards (``--config FILE`` names one, ``--no-config`` ignores
them). The precedence, highest first: command-line flags, then ``[tool.derive]``, then
derive's defaults. Limits merge by name: ``--limit rewrites=800`` replaces the file's
``rewrites`` and keeps its other limits. Paths in the table (``paths``, ``exclude``,
``junit-xml``, ``cache-dir``) are relative to the file's directory.

    [tool.derive]
    paths = ["derivations", "posts"]      # checked when no FILE is given
    exclude = ["drafts/", "*.draft.md"]   # gitignore patterns, skipped when walking
    force-exclude = false                 # also skip excluded files that are named
    format = "md"                         # read every file as this format (toml, md, tex)
    output-format = "github"              # text, json, jsonl, github, junit
    junit-xml = "reports/derive.xml"      # also write a JUnit XML report
    strict = true                         # a file with nothing to check fails the run
    timeout = 120                         # the time guard per step, in seconds
    cache = true                          # the verdict cache (false: --no-cache)
    cache-dir = ".derive_cache"           # where it is
    limits = { rewrites = 800, file-bytes = 1048576 }

Unknown keys and wrong types are errors that name the key, with a "did you mean".
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from derive.sources.limits import check_seconds, parse_any_limit
from derive.sources.nesting import NestedTooDeep, text_place, toml_too_deep
from derive.suggest import did_you_mean

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

INPUT_FORMATS = ("toml", "md", "tex")
OUTPUT_FORMATS = ("text", "json", "jsonl", "github", "junit")


class ConfigError(ValueError):
    """A bad ``[tool.derive]`` table or config file: one line naming the file and the key."""


@dataclass(frozen=True)
class Config:
    """The settings of ``[tool.derive]`` (None or empty: not set, the default applies).

    Attributes:
        source: the pyproject.toml they were read from ("" when none was).
        paths, exclude: absolute or relative to the current directory (already resolved
            against the file's directory).
    """

    source: str = ""
    paths: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    force_exclude: bool | None = None
    format: str | None = None
    output_format: str | None = None
    junit_xml: str | None = None
    strict: bool | None = None
    timeout: float | None = None
    cache: bool | None = None
    cache_dir: str | None = None
    limits: tuple[tuple[str, int], ...] = field(default=())

    @property
    def base(self) -> str:
        """The directory the file's relative paths start from."""
        return os.path.dirname(os.path.abspath(self.source)) if self.source else os.getcwd()


def _strings(value: object, key: str) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return tuple(value)
    raise ConfigError(f"{key} must be a string or a list of strings")


def _boolean(value: object, key: str) -> bool:
    if not isinstance(value, bool):
        raise ConfigError(f"{key} must be true or false")
    return value


def _choice(choices: tuple[str, ...]):
    def read(value: object, key: str) -> str:
        if value not in choices:
            hint = did_you_mean(str(value), choices)
            raise ConfigError(f"{key} must be one of {', '.join(choices)}, got {value!r}{hint}")
        return value

    return read


def _text(value: object, key: str) -> str:
    if not isinstance(value, str) or not value:
        raise ConfigError(f"{key} must be a non-empty string")
    return value


def _seconds(value: object, key: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ConfigError(f"{key} must be a number of seconds")
    try:
        return check_seconds(float(value))
    except ValueError as error:
        raise ConfigError(f"{key} {error}") from None


def _limits(value: object, key: str) -> tuple[tuple[str, int], ...]:
    if not isinstance(value, dict):
        raise ConfigError(f"{key} must be a table of NAME = N, e.g. {{ rewrites = 800 }}")
    settings = []
    for name, number in value.items():
        if isinstance(number, bool) or not isinstance(number, int):
            raise ConfigError(f"{key}.{name} must be a whole number")
        try:
            settings.append(parse_any_limit(f"{name}={number}"))
        except ValueError as error:
            raise ConfigError(f"{key}: {error}") from None
    return tuple(settings)


# key -> (field, reader); the keys are spelled as ruff and black spell theirs (kebab-case)
KEYS = {
    "paths": ("paths", _strings),
    "exclude": ("exclude", _strings),
    "force-exclude": ("force_exclude", _boolean),
    "format": ("format", _choice(INPUT_FORMATS)),
    "output-format": ("output_format", _choice(OUTPUT_FORMATS)),
    "junit-xml": ("junit_xml", _text),
    "strict": ("strict", _boolean),
    "timeout": ("timeout", _seconds),
    "cache": ("cache", _boolean),
    "cache-dir": ("cache_dir", _text),
    "limits": ("limits", _limits),
}
_RELATIVE = ("paths", "junit_xml", "cache_dir")  # resolved against the file's directory


def read_table(table: Mapping[str, object], source: str) -> Config:
    """The settings of a ``[tool.derive]`` table read from ``source``. Raises ConfigError."""
    values: dict[str, object] = {}
    for key, value in table.items():
        if key not in KEYS:
            hint = did_you_mean(key, KEYS)
            raise ConfigError(
                f"{source}: [tool.derive]: unknown key {key!r}{hint} (known: {', '.join(KEYS)})"
            )
        name, reader = KEYS[key]
        try:
            values[name] = reader(value, key)
        except ConfigError as error:
            raise ConfigError(f"{source}: [tool.derive]: {error}") from None
    base = os.path.dirname(os.path.abspath(source))
    for name in _RELATIVE:
        if name in values:
            found = values[name]
            texts = found if isinstance(found, tuple) else (found,)
            joined = [_relative(os.path.join(base, p)) for p in texts]
            values[name] = tuple(joined) if name == "paths" else joined[0]
    return Config(source=source, **values)


def _relative(path: str) -> str:
    """``path`` relative to the current directory when it lies below it (reports show
    ``posts/a.md``, not an absolute path), else absolute."""
    relative = os.path.relpath(path)
    return path if relative.startswith("..") else relative


def _loads(text: str, path: Path) -> dict:
    """``tomllib.loads``, the nesting measured first (tomllib recurses into nested arrays)."""
    deep = toml_too_deep(text)
    if deep is not None:
        line, column = text_place(text, deep)
        raise ConfigError(f"{path}:{line}:{column}: {NestedTooDeep()}")
    return tomllib.loads(text)


def _table(path: Path) -> Mapping[str, object] | None:
    """The ``[tool.derive]`` table of a pyproject.toml (None without one)."""
    try:
        data = _loads(path.read_text(encoding="utf-8"), path)
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or error
        raise ConfigError(f"{path}: cannot read: {reason}") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: TOML: {error}") from None
    tool = data.get("tool")
    table = tool.get("derive") if isinstance(tool, dict) else None
    if table is not None and not isinstance(table, dict):
        raise ConfigError(f"{path}: [tool.derive] must be a table")
    return table


def find_config(start: str | None = None) -> Path | None:
    """The nearest pyproject.toml with a ``[tool.derive]`` table, from ``start`` (default:
    the current directory) upwards; None if there is none."""
    here = Path(start or os.getcwd()).resolve()
    for directory in (here, *here.parents):
        candidate = directory / "pyproject.toml"
        if candidate.is_file() and _table(candidate) is not None:
            return candidate
    return None


def load_config(path: str | None = None, *, search: bool = True) -> Config:
    """The settings in force: those of ``path`` (a pyproject.toml, or a TOML file whose
    top level is the table itself), else of the nearest pyproject.toml with a
    ``[tool.derive]`` table if ``search``, else none. Raises ConfigError."""
    if path is None:
        found = find_config() if search else None
        if found is None:
            return Config()
        return read_table(_table(found) or {}, _relative(str(found)))
    file = Path(path)
    if not file.is_file():
        raise ConfigError(f"--config {path}: no such file")
    table = _table(file)
    if table is None and file.name != "pyproject.toml":
        try:
            table = _loads(file.read_text(encoding="utf-8"), file)
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
            raise ConfigError(f"--config {path}: {error}") from None
    return read_table(table or {}, path)
