"""Where kept verdicts live on disk: a directory of JSON entries, each under its key.

Shared by the verdict cache of single steps (``cache.py``) and the file cache of ``derive
check`` (``derive.project.filecache``). An entry is ``{"key", "checksum", "value"}``: the
checksum is a SHA-256 of the key and the value, so a truncated, edited or misplaced entry is
found out and ignored (the caller decides again and writes it anew); entries are written
atomically (a temporary file, then a rename), so readers in other processes never see half
of one. Light (no SymPy). The directory is marked as a cache: a ``.gitignore`` of ``*`` and
a ``CACHEDIR.TAG``, and only a directory with derive's tag is ever cleared.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path

DEFAULT_DIRECTORY = ".derive_cache"
ENVIRONMENT = "DERIVE_CACHE_DIR"  # the directory, unless a setting names one
NO_CACHE = "DERIVE_NO_CACHE"  # set to anything but "" or "0": no cache unless one is named
TAG = "Signature: 8a477f597d28d172789f06886806bc55\n# derive's verdict cache\n"


def directory_of(setting: str | None = None) -> Path:
    """The cache directory: ``setting``, else ``$DERIVE_CACHE_DIR``, else ``.derive_cache``."""
    return Path(setting or os.environ.get(ENVIRONMENT) or DEFAULT_DIRECTORY)


def disabled_by_environment() -> bool:
    """Whether ``DERIVE_NO_CACHE`` turns the cache off (as ``RUFF_NO_CACHE`` does ruff's)."""
    return os.environ.get(NO_CACHE, "") not in ("", "0")


def _checksum(key: str, value: object) -> str:
    body = json.dumps(value, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256((key + "\0" + body).encode("utf-8")).hexdigest()


class Store:
    """The entries of one kind (``verdicts``, ``files``) under a cache directory."""

    def __init__(self, directory: str | os.PathLike[str], kind: str) -> None:
        self.directory = Path(directory)
        self.kind = kind
        self.hits = self.misses = 0

    def _path(self, key: str) -> Path:
        return self.directory / self.kind / key[:2] / f"{key[2:]}.json"

    def read(self, key: str) -> object | None:
        """The value stored under ``key``, if its entry is whole and its own (else None)."""
        try:
            data = json.loads(self._path(key).read_text(encoding="utf-8"))
            if not isinstance(data, dict) or data.get("key") != key:
                return None
            value = data.get("value")
            if data.get("checksum") != _checksum(key, value):
                return None
            return value
        except (OSError, ValueError, RecursionError):
            return None

    def write(self, key: str, value: object) -> None:
        """Store ``value`` (JSON) under ``key``; a cache that cannot be written is no cache,
        so an OSError is ignored."""
        entry = {"key": key, "checksum": _checksum(key, value), "value": value}
        text = json.dumps(entry, ensure_ascii=False, allow_nan=False)
        with contextlib.suppress(OSError):
            self._prepare()
            path = self._path(key)
            path.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(prefix=".entry-", dir=path.parent)
            try:
                with os.fdopen(handle, "w", encoding="utf-8") as out:
                    out.write(text)
                os.replace(temporary, path)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(temporary)
                raise

    def _prepare(self) -> None:
        if (self.directory / "CACHEDIR.TAG").exists():
            return
        self.directory.mkdir(parents=True, exist_ok=True)
        (self.directory / ".gitignore").write_text("# created by derive\n*\n", encoding="utf-8")
        (self.directory / "CACHEDIR.TAG").write_text(TAG, encoding="utf-8")


def clear(directory: str | os.PathLike[str]) -> bool:
    """Remove the cache directory; False if there was none. Raises ValueError for a directory
    that is not derive's cache (no CACHEDIR.TAG of derive's in it): nothing else is removed."""
    path = Path(directory)
    if not path.exists():
        return False
    tag = path / "CACHEDIR.TAG"
    if not tag.is_file() or tag.read_text(encoding="utf-8", errors="replace") != TAG:
        raise ValueError(f"{path} is not derive's cache (no CACHEDIR.TAG of derive's in it)")
    shutil.rmtree(path)
    return True
