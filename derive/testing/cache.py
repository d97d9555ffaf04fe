"""Proved results on disk, so that a second check does not prove them again.

Proving the network's recursion takes tens of seconds; every check of a network needs the
same few proved expressions. They are stored under the user's cache folder
(``$DERIVE_CACHE_DIR``, else ``$XDG_CACHE_HOME/derive``, else ``~/.cache/derive``), one JSON
file per key: the derivation, the options it was proved under, and a fingerprint of the
version — derive's own source files (every byte of them), SymPy's, mpmath's and Python's —
so a result is never trusted by another version, not even by an edited checkout.
``DERIVE_NO_CACHE=1`` switches the cache off; :func:`clear` (``derive check-code
--clear-cache``) removes it.

Expressions are stored as ``sympy.srepr`` text and read back by the restricted syntax's
parser (:mod:`derive.testing.callsyntax`), building only the SymPy classes of :data:`BUILD`:
nothing stored is ever evaluated, so a tampered file can at worst fail to load (and is then
proved again). Files are written atomically, readable by their owner only, and a file or
folder that another user could have written is ignored.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import stat
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path

import mpmath
import sympy
from sympy import (
    Abs,
    Add,
    Float,
    Heaviside,
    Indexed,
    IndexedBase,
    Integer,
    KroneckerDelta,
    Max,
    Mul,
    Pow,
    Rational,
    Sum,
    Symbol,
    Tuple,
    exp,
    log,
    srepr,
)

from derive.model.primitives import relu_prime
from derive.testing.callsyntax import SyntaxProblem, parse_long
from derive.version import __version__

# the classes a stored expression may be built from
BUILD = {
    cls.__name__: cls
    for cls in (
        Abs,
        Add,
        Float,
        Heaviside,
        Indexed,
        IndexedBase,
        Integer,
        KroneckerDelta,
        Max,
        Mul,
        Pow,
        Rational,
        Sum,
        Symbol,
        Tuple,
        exp,
        log,
        relu_prime,
    )
}
_DERIVE = Path(__file__).resolve().parents[1]


def directory() -> Path | None:
    """The cache folder, or None when the cache is off."""
    if os.environ.get("DERIVE_NO_CACHE"):
        return None
    given = os.environ.get("DERIVE_CACHE_DIR")
    if given:
        return Path(given)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "derive"


@functools.lru_cache(maxsize=1)
def fingerprint() -> str:
    """The version a stored result belongs to: derive's sources and the libraries it uses."""
    digest = hashlib.sha256()
    for text in (__version__, sympy.__version__, mpmath.__version__, sys.version):
        digest.update(text.encode() + b"\0")
    for path in sorted(_DERIVE.rglob("*.py")):
        digest.update(str(path.relative_to(_DERIVE)).encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def _file(folder: Path, key: Mapping[str, object]) -> Path:
    text = json.dumps(key, sort_keys=True) + fingerprint()
    return folder / f"proved-{hashlib.sha256(text.encode()).hexdigest()[:40]}.json"


def _private(path: Path) -> bool:
    """Owned by this user and writable by no one else (else it is not trusted)."""
    try:
        info = path.lstat()
    except OSError:
        return False
    if stat.S_ISLNK(info.st_mode):
        return False
    return info.st_uid == os.getuid() and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def _build(tree: list) -> object:
    kind = tree[0]
    if kind == "const":
        return tree[1]
    if kind == "call" and tree[1][0] == "name" and tree[1][1] in BUILD:
        args = [_build(a) for a in tree[2]]
        kwargs = {k: _build(v) for k, v in tree[3]}
        return BUILD[tree[1][1]](*args, **kwargs)
    raise ValueError("not a stored expression")


def read_expression(text: str) -> sympy.Expr:
    """An expression from its ``srepr`` text, built from :data:`BUILD` only.

    Raises:
        ValueError: the text is not such an expression.
    """
    try:
        return _build(parse_long(text, 200_000, 200))
    except (SyntaxProblem, TypeError, RecursionError) as error:
        raise ValueError(f"not a stored expression ({error})") from None


def load(key: Mapping[str, object]) -> dict[str, sympy.Expr] | None:
    """The expressions stored under ``key`` for this version, or None."""
    folder = directory()
    if folder is None or not _private(folder):
        return None
    path = _file(folder, key)
    if not _private(path):
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("fingerprint") != fingerprint() or data.get("key") != json.loads(
            json.dumps(key)
        ):
            return None
        return {name: read_expression(text) for name, text in data["values"].items()}
    except (OSError, ValueError, KeyError, AttributeError, TypeError):
        return None


def store(key: Mapping[str, object], values: Mapping[str, sympy.Expr]) -> None:
    """Store ``values`` under ``key`` (atomically; a failure to write only loses the cache)."""
    folder = directory()
    if folder is None:
        return
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not _private(folder):
            return
        texts = {name: srepr(value) for name, value in values.items()}
        if any(read_expression(text) != values[name] for name, text in texts.items()):
            return  # an expression that does not read back is not stored
        data = {"key": key, "fingerprint": fingerprint(), "values": texts}
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=".proved-", suffix=".tmp")
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(data, out)
        os.replace(temporary, _file(folder, key))
    except (OSError, ValueError):
        with contextlib.suppress(OSError, UnboundLocalError):
            os.unlink(temporary)


def clear() -> int:
    """Remove every stored result; the number of files removed."""
    folder = directory()
    if folder is None or not folder.is_dir():
        return 0
    removed = 0
    for path in folder.glob("proved-*.json"):
        with contextlib.suppress(OSError):
            path.unlink()
            removed += 1
    return removed
