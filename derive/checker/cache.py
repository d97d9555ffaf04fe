"""The verdict cache: verdicts on disk, so that a second check of an unchanged file is quick.

A verdict is a function of its input (``equal.py``: same input, same verdict), so it can be
kept, as ruff and mypy keep their results. An entry's key is a hash of everything the verdict
depends on: both sides and the assumptions in a canonical form (SymPy's ``srepr``, with the
assumptions of undefined functions, which ``srepr`` leaves out), the seed, the limits, the
general claim it may instantiate, and derive's version with a fingerprint of derive's own
source and the versions of SymPy, mpmath and python-flint (a changed checker never reads an
old verdict). The time guard is not in the key: a verdict it stopped is never stored, and a
stored verdict is used only under a guard at least as long as the time it took.

Entries are JSON (never pickle: reading one never runs code), written atomically, and carry a
checksum of their content under their key. Reading one trusts nothing: a file that does not
parse, whose checksum or key does not match, or whose fields do not rebuild a valid verdict is
ignored, and the verdict is computed and written again. SymPy objects in a verdict (the
assumptions it needs, the counterexample) are stored as trees of a few whitelisted classes,
and a verdict is stored only if it rebuilds from its entry exactly, so a verdict read from
the cache equals the one computed.

The cache is used only inside :func:`using` (``derive check`` opens it; ``--no-cache``
does not), in a directory of its own (``--cache-dir``, ``DERIVE_CACHE_DIR``, default
``.derive_cache``) with a ``.gitignore`` and a ``CACHEDIR.TAG``.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import os
from collections.abc import Iterator, Sequence
from pathlib import Path

import sympy
from sympy import Basic
from sympy.core.function import FunctionClass, UndefinedFunction
from sympy.printing.repr import ReprPrinter

from derive.checker.fingerprint import fingerprint
from derive.checker.limits import Limits
from derive.checker.store import Store
from derive.checker.verdict import STATUSES, Verdict

_active: list[VerdictCache] = []  # the cache in force, innermost last


class _KeyPrinter(ReprPrinter):
    """``srepr`` that also tells undefined functions apart by their assumptions
    (``Function('f', real=True)`` and ``Function('f')`` differ, their srepr does not) and
    names derive's own function classes by module."""

    def _print_FunctionClass(self, expr: FunctionClass) -> str:
        if isinstance(expr, UndefinedFunction):
            assumptions = ", ".join(f"{k}={v}" for k, v in sorted(expr._kwargs.items()))
            return f"Function({expr.__name__!r}, {assumptions})"
        return f"{expr.__module__}.{expr.__name__}"


def canonical(expr: Basic) -> str:
    """The canonical text of ``expr`` in a key."""
    return _KeyPrinter().doprint(expr)


# ---- SymPy objects <-> JSON trees, for the few classes a verdict's objects are made of ----

_CLASSES = {
    cls.__name__: cls
    for cls in (
        sympy.Add,
        sympy.Mul,
        sympy.Pow,
        sympy.Tuple,
        sympy.Indexed,
        sympy.IndexedBase,
        sympy.Idx,
    )
}
_RELATIONS = {
    cls.__name__: cls for cls in (sympy.Eq, sympy.Ne, sympy.Lt, sympy.Le, sympy.Gt, sympy.Ge)
}


class NotStorable(Exception):
    """An object outside the whitelist: the verdict is not stored."""


def encode(expr: Basic) -> list:
    """A JSON tree of ``expr``; NotStorable for a class outside the whitelist."""
    if isinstance(expr, sympy.Dummy):
        raise NotStorable("Dummy")
    if isinstance(expr, sympy.Symbol):
        return ["Symbol", expr.name, dict(sorted(expr.assumptions0.items()))]
    if expr is sympy.I:
        return ["I"]
    if getattr(expr, "is_Rational", False):
        return ["Q", int(expr.p), int(expr.q)]
    name = type(expr).__name__
    if _CLASSES.get(name) is type(expr) or _RELATIONS.get(name) is type(expr):
        return [name, *(encode(arg) for arg in expr.args)]
    raise NotStorable(name)


def decode(tree: object) -> Basic:
    """The object of a JSON tree; ValueError for anything that is not one (a tree from disk
    is untrusted: only whitelisted classes are built, from decoded arguments)."""
    if not isinstance(tree, list) or not tree or not isinstance(tree[0], str):
        raise ValueError("not a tree")
    head, *rest = tree
    if head == "Symbol" and len(rest) == 2 and isinstance(rest[0], str):
        assumptions = rest[1]
        if not isinstance(assumptions, dict) or not all(
            isinstance(k, str) and isinstance(v, bool) for k, v in assumptions.items()
        ):
            raise ValueError("bad assumptions")
        return sympy.Symbol(rest[0], **assumptions)
    if head == "I" and not rest:
        return sympy.I
    if head == "Q" and len(rest) == 2 and all(type(n) is int for n in rest) and rest[1] > 0:
        return sympy.Rational(rest[0], rest[1])
    if head in _CLASSES:
        return _CLASSES[head](*(decode(arg) for arg in rest))
    if head in _RELATIONS and len(rest) == 2:
        return _RELATIONS[head](*(decode(arg) for arg in rest), evaluate=False)
    raise ValueError(f"unknown tree {head!r}")


# ---- Verdict <-> entry ----


def _complex(value: complex | None) -> list[float] | None:
    return None if value is None else [value.real, value.imag]


def _uncomplex(value: object) -> complex | None:
    if value is None:
        return None
    if isinstance(value, list) and len(value) == 2 and all(type(x) is float for x in value):
        return complex(value[0], value[1])
    raise ValueError("bad complex value")


def to_entry(verdict: Verdict, assume: Sequence[Basic]) -> dict:
    """The JSON fields of a verdict; NotStorable if it cannot be rebuilt exactly."""
    offered = list(assume)
    if not all(any(n is a or n == a for a in offered) for n in verdict.needs):
        raise NotStorable("needs")
    fields = {}
    for item in dataclasses.fields(Verdict):
        value = getattr(verdict, item.name)
        if item.name == "needs":
            value = [next(i for i, a in enumerate(offered) if n is a or n == a) for n in value]
        elif item.name == "counterexample":
            value = None if value is None else [[encode(k), encode(v)] for k, v in value.items()]
        elif item.name in ("lhs_value", "rhs_value"):
            value = _complex(value)
        elif isinstance(value, tuple):
            value = list(value)
        fields[item.name] = value
    json.dumps(fields, allow_nan=False)  # ValueError for a value JSON cannot hold
    return fields


def from_entry(fields: object, assume: Sequence[Basic]) -> Verdict:
    """The verdict of an entry's fields; ValueError (or TypeError) if they are not one."""
    if not isinstance(fields, dict) or fields.get("status") not in STATUSES:
        raise ValueError("not a verdict")
    values = dict(fields)
    indices = values["needs"]
    if not isinstance(indices, list) or not all(
        type(i) is int and 0 <= i < len(assume) for i in indices
    ):
        raise ValueError("bad needs")
    values["needs"] = tuple(assume[i] for i in indices)
    for name, kinds in _TYPES.items():
        if name in values and not isinstance(values[name], kinds):
            raise ValueError(f"bad {name}")
    point = values["counterexample"]
    values["counterexample"] = None if point is None else {decode(k): decode(v) for k, v in point}
    values["lhs_value"] = _uncomplex(values["lhs_value"])
    values["rhs_value"] = _uncomplex(values["rhs_value"])
    values["caveats"] = tuple(values["caveats"])
    names = {item.name for item in dataclasses.fields(Verdict)}
    if set(values) != names:
        raise ValueError("fields differ")
    verdict = Verdict(**values)
    if not all(isinstance(c, str) for c in verdict.caveats):
        raise ValueError("bad caveats")
    return verdict


# the types an entry's plain fields must have (bool is an int: points must not be one)
_TYPES: dict[str, type | tuple[type, ...]] = {
    "method": str,
    "caveats": list,
    "discrepancy": (float, type(None)),
    "points": int,
    "guard": bool,
    "certified": bool,
    "seconds": float,
}


class VerdictCache:
    """Verdicts kept under a cache directory (``store.Store``, kind ``verdicts``)."""

    def __init__(self, directory: str | os.PathLike[str]) -> None:
        self.store = Store(directory, "verdicts")
        self.hits = self.misses = 0

    @property
    def directory(self) -> Path:
        return self.store.directory

    def key(
        self,
        lhs: Basic,
        rhs: Basic,
        assume: Sequence[Basic],
        seed: int,
        limits: Limits,
        instance_of: object,
    ) -> str:
        """The hash of everything a verdict on ``lhs = rhs`` depends on."""
        general = None
        if instance_of is not None:
            general = [
                canonical(instance_of.lhs),
                canonical(instance_of.rhs),
                [canonical(n) for n in instance_of.needs],
                instance_of.method,
                list(instance_of.caveats),
                [[canonical(s), v] for s, v in instance_of.sizes],
            ]
        text = json.dumps(
            [
                fingerprint(),
                canonical(lhs),
                canonical(rhs),
                [canonical(a) for a in assume],
                seed,
                dataclasses.asdict(limits),
                general,
            ]
        )
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def get(self, key: str, assume: Sequence[Basic], timeout: float | None) -> Verdict | None:
        """The stored verdict, or None (missing, corrupt, or slower than ``timeout``)."""
        fields = self.store.read(key)
        try:
            verdict = None if fields is None else from_entry(fields, assume)
        except (ValueError, TypeError, KeyError, IndexError, RecursionError):
            verdict = None  # a whole entry whose content is no verdict: never trusted
        if verdict is not None and (isinstance(verdict.points, bool) or verdict.guard):
            verdict = None
        if verdict is not None and timeout is not None and verdict.seconds > timeout:
            verdict = None  # the guard would have stopped it: decide again
        if verdict is None:
            self.misses += 1
        else:
            self.hits += 1
        return verdict

    def put(self, key: str, verdict: Verdict, assume: Sequence[Basic]) -> None:
        """Store ``verdict`` if it rebuilds exactly from its entry (never a guarded one)."""
        if verdict.guard:
            return
        try:
            fields = to_entry(verdict, assume)
            if from_entry(json.loads(json.dumps(fields)), assume) != verdict:
                return
        except (NotStorable, ValueError, TypeError, RecursionError):
            return
        self.store.write(key, fields)


@contextlib.contextmanager
def using(cache: VerdictCache | None) -> Iterator[VerdictCache | None]:
    """Check with ``cache`` in force (None: without a cache) for the duration."""
    _active.append(cache)
    try:
        yield cache
    finally:
        _active.pop()


def active() -> VerdictCache | None:
    """The cache in force, if any."""
    return _active[-1] if _active else None
