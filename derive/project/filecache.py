"""The file cache of ``derive check``: the report lines of an unchanged file, kept whole.

The verdict cache (``derive.checker.cache``) spares the checker's work on a step decided
before, but reading a post and building its claims costs seconds of SymPy on its own. So
``derive check`` also keeps, per file, what it reports: every step's line, JSON record and
JUnit fields, the defaults a post used, or why there was nothing to check. The key is a hash
of the file's bytes, its name as given (reports print it), the options that decide verdicts
(``Options.key``) and the fingerprint of derive and its libraries; a file with a step the
time guard stopped is not kept, and a kept file is used only under a guard at least as long
as its slowest step took. A run whose files are all kept imports no SymPy: it reads the
entries and prints (``docs/performance.md`` measures it).

Entries live in the cache directory beside the verdicts (``derive.checker.store``: checksums,
atomic writes); an entry whose content is not what this module writes is ignored and the file
is checked again.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from derive.checker.fingerprint import fingerprint
from derive.checker.store import Store
from derive.project.options import Options
from derive.sources.reading import read_regular
from derive.sources.statuses import POST_STATUSES

# a kept result's fields and their types (``record`` is the JSON row, ``message`` the line)
_FIELDS: dict[str, type | tuple[type, ...]] = {
    "file": str,
    "line": int,
    "column": (int, type(None)),
    "derivation": str,
    "step": int,
    "status": str,
    "lhs": str,
    "rhs": str,
    "text": str,
    "detail": str,
    "defaults": list,
    "message": str,
    "record": dict,
    "seconds": float,
}
STATUSES = ("proved", "refuted", "undecided", *POST_STATUSES)


@dataclass(frozen=True)
class KeptResult:
    """A step's result as a run reported it, read back from the file cache: what every
    output needs (``message()``, ``row()``, the JUnit fields), not the SymPy objects."""

    file: str
    line: int
    column: int | None
    derivation: str
    step: int
    status: str
    lhs: str
    rhs: str
    text: str
    detail: str
    defaults: tuple[str, ...]
    message_text: str
    record: Mapping[str, object] = field(compare=False)
    seconds: float = 0.0  # this run spent no time on it

    def message(self) -> str:
        return self.message_text

    def row(self) -> dict[str, object]:
        return {**self.record, "seconds": 0.0}


@dataclass(frozen=True)
class KeptFile:
    """A file's outcome read back: its results, a post's defaults, or nothing to check."""

    results: tuple[KeptResult, ...]
    defaults: tuple[str, ...] = ()
    nothing: str | None = None


def _result_fields(result, detail: str) -> dict[str, object]:
    return {
        "file": result.file,
        "line": result.line,
        "column": getattr(result, "column", None),
        "derivation": result.derivation,
        "step": result.step,
        "status": result.status,
        "lhs": result.lhs,
        "rhs": result.rhs,
        "text": getattr(result, "text", ""),
        "detail": detail,
        "defaults": list(getattr(result, "defaults", ())),
        "message": result.message(),
        "record": result.row(),
        "seconds": float(result.verdict.seconds),
    }


def _kept(fields: object) -> KeptResult:
    if not isinstance(fields, dict) or set(fields) != set(_FIELDS):
        raise ValueError("not a kept result")
    for name, kinds in _FIELDS.items():
        value = fields[name]
        if not isinstance(value, kinds) or (kinds is int and isinstance(value, bool)):
            raise ValueError(f"bad {name}")
    if fields["status"] not in STATUSES or not all(isinstance(d, str) for d in fields["defaults"]):
        raise ValueError("bad status or defaults")
    return KeptResult(
        fields["file"],
        fields["line"],
        fields["column"],
        fields["derivation"],
        fields["step"],
        fields["status"],
        fields["lhs"],
        fields["rhs"],
        fields["text"],
        fields["detail"],
        tuple(fields["defaults"]),
        fields["message"],
        fields["record"],
    )


class FileCache:
    """Kept files under a cache directory (``Store``, kind ``files``)."""

    def __init__(self, directory: str) -> None:
        self.store = Store(directory, "files")
        self.hits = self.misses = 0

    def key(self, path: str, options: Options) -> str | None:
        """The key of ``path`` as it is now, or None if it cannot be read whole."""
        try:
            data = read_regular(path, options.loading.file_bytes)
        except OSError:
            return None
        if len(data) > options.loading.file_bytes:
            return None
        text = json.dumps(
            [fingerprint(), path, hashlib.sha256(data).hexdigest(), options.key()],
            sort_keys=True,
        )
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def get(self, key: str | None, timeout: float) -> KeptFile | None:
        """The kept outcome, or None (missing, corrupt, or a step slower than ``timeout``)."""
        value = None if key is None else self.store.read(key)
        try:
            kept = None if value is None else _file(value, timeout)
        except (ValueError, TypeError, KeyError):
            kept = None
        if kept is None:
            self.misses += 1
        else:
            self.hits += 1
        return kept

    def put(
        self,
        key: str | None,
        results: Sequence,
        details: Sequence[str],
        defaults: Sequence[str] = (),
        nothing: str | None = None,
    ) -> None:
        """Keep a checked file's outcome (not one with a step the time guard stopped)."""
        if key is None or any(r.verdict.guard for r in results):
            return
        value = {
            "results": [_result_fields(r, d) for r, d in zip(results, details, strict=True)],
            "defaults": list(defaults),
            "nothing": nothing,
        }
        self.store.write(key, value)


def _file(value: object, timeout: float) -> KeptFile | None:
    if not isinstance(value, dict) or set(value) != {"results", "defaults", "nothing"}:
        raise ValueError("not a kept file")
    fields = value["results"]
    if not isinstance(fields, list) or any(
        not isinstance(f, dict) or not isinstance(f.get("seconds"), float) for f in fields
    ):
        raise ValueError("bad results")
    if any(f["seconds"] > timeout for f in fields):
        return None  # the guard would have stopped a step: check again
    nothing, defaults = value["nothing"], value["defaults"]
    if not (nothing is None or isinstance(nothing, str)) or not isinstance(defaults, list):
        raise ValueError("bad file fields")
    if not all(isinstance(d, str) for d in defaults):
        raise ValueError("bad defaults")
    return KeptFile(tuple(_kept(f) for f in fields), tuple(defaults), nothing)
