"""What a kept verdict must have been decided by: derive's version, a hash of derive's own
source (a changed checker in a development install reads no old verdict) and the versions of
the libraries whose arithmetic verdicts rest on. Light: read from package metadata, without
importing SymPy."""

from __future__ import annotations

import functools
import hashlib
from importlib import metadata
from pathlib import Path

from derive.version import __version__

SCHEMA = 1  # the layout of cache entries; a change makes every old entry a miss
LIBRARIES = ("sympy", "mpmath", "python-flint", "numpy")


def _version(distribution: str) -> str:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return "-"


@functools.lru_cache(maxsize=1)
def fingerprint() -> str:
    """``SCHEMA:version:library versions:source hash`` (computed once a process)."""
    digest = hashlib.sha256()
    root = Path(__file__).resolve().parents[1]
    for path in sorted(root.rglob("*.py")):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(path.read_bytes())
    versions = ":".join(_version(name) for name in LIBRARIES)
    return f"{SCHEMA}:{__version__}:{versions}:{digest.hexdigest()[:16]}"
