"""Which of the library's proofs this version of derive has seen pass, on disk, so that a
second check does not prove them again.

Proving the network's recursion takes tens of seconds, and every check of a network needs
it. What is kept is a fact, not a formula: "the derivations check-code relies on, under these
options, proved, and their last lines were the known forms" (:func:`derive.testing.proved.
proved`). A check that finds the fact uses the known forms, which derive builds itself, so a
kept entry can save a proof but never put an expression into a check.

The entries live in derive's cache directory (``--cache-dir`` of ``derive check``,
``$DERIVE_CACHE_DIR``, else ``.derive_cache``; ``DERIVE_NO_CACHE=1`` switches it off), under
``proved/``, with the verdict cache's store (:mod:`derive.checker.store`: JSON, a checksum,
atomic writes). A key holds the derivations' options and the fingerprint of the version —
derive's own source files byte for byte and the libraries' versions — so nothing is trusted
across versions. ``derive cache clear`` removes the whole cache, ``derive check-code
--clear-cache`` these entries alone.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import shutil
from collections.abc import Mapping
from pathlib import Path

from derive.checker.fingerprint import fingerprint
from derive.checker.store import Store, directory_of, disabled_by_environment

KIND = "proved"
_FACT = {"proved": True}


def directory() -> Path | None:
    """Where the entries are, or None when the cache is off."""
    return None if disabled_by_environment() else directory_of() / KIND


def _key(key: Mapping[str, object]) -> str:
    text = json.dumps({"key": key, "fingerprint": fingerprint()}, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


def proved_before(key: Mapping[str, object]) -> bool:
    """Whether this version has kept the fact that the proofs under ``key`` passed."""
    if disabled_by_environment():
        return False
    return Store(directory_of(), KIND).read(_key(key)) == _FACT


def remember(key: Mapping[str, object]) -> None:
    """Keep the fact (a cache that cannot be written is no cache: nothing is raised)."""
    if not disabled_by_environment():
        Store(directory_of(), KIND).write(_key(key), _FACT)


def clear() -> int:
    """Remove the kept facts; the number of entries removed."""
    folder = directory_of() / KIND
    if not folder.is_dir():
        return 0
    removed = sum(1 for _ in folder.rglob("*.json"))
    with contextlib.suppress(OSError):
        shutil.rmtree(folder)
    return removed
