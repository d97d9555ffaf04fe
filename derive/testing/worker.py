"""The child's side: import the user's code, then answer one request per input.

Requests (from the parent, :mod:`derive.testing.child`):

- ``setup``: import the module and find the callable (:mod:`derive.testing.target`); the reply
  names it, its parameters and its return statement's names, or says in one line why not;
- ``plan``: what each parameter receives, ``--set``, ``--before`` and ``--result`` as trees of
  the restricted syntax (:mod:`derive.testing.callsyntax`);
- ``call``: the input's arrays; build the object, set its state, run the calls before, call,
  and send back every requested part of the result as a plain array (or why it is none).

Everything the user's code does happens here and is turned into data: an exception becomes
its one-line description, a value that is not an array becomes the reason, a huge or strange
value (``__array__`` that raises, ``__len__`` of 10^18, a broadcast view of 10^12 entries) is
described without being copied. A copy of this process made by a fork in the user's code
leaves before it can answer, so only one answer per request ever reaches the parent.
"""

from __future__ import annotations

import contextlib
import os
import sys
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy

from derive.testing import importing
from derive.testing.callsyntax import show
from derive.testing.describe import describe
from derive.testing.importing import UserCodeError
from derive.testing.scope import Scope, ScopeError, assign, evaluate
from derive.testing.target import Callee
from derive.testing.wire import WireError, decode, encode, reader, write_all

REQUEST_LIMIT = 1 << 30  # bytes of one input array from the parent (which checks the sizes)


@dataclass
class Plan:
    """The calls for every input, as the parent planned them (plain data)."""

    parameters: dict[str, list] = field(default_factory=dict)  # parameter -> tree
    positional: list[str] = field(default_factory=list)  # positional-only, in order
    definitions: dict[str, list] = field(default_factory=dict)  # --arg names -> trees
    sets: list[list] = field(default_factory=list)  # [[target, value], ...]
    before: list[list] = field(default_factory=list)
    results: dict[str, list | None] = field(default_factory=dict)  # quantity -> tree
    limits: dict[str, int] = field(default_factory=dict)  # quantity -> entries sent at most
    aliases: dict[str, str] = field(default_factory=dict)  # usual names -> array names

    @classmethod
    def of(cls, header: Mapping) -> Plan:
        fields = (
            "parameters",
            "positional",
            "definitions",
            "sets",
            "before",
            "results",
            "limits",
            "aliases",
        )
        return cls(**{name: header[name] for name in fields if name in header})


class _Stage:
    """Which part of the work is running, for the message when it raises."""

    def __init__(self) -> None:
        self.text: str | None = None


class Worker:
    """Serves the parent's requests until its pipe closes."""

    def __init__(self, setup: Callable[[], Callee], requests: int, replies: int) -> None:
        self.setup, self.read, self.replies = setup, reader(requests), replies
        self.pid = os.getpid()
        self.callee: Callee | None = None
        self.plan = Plan()

    def serve(self) -> None:
        while True:
            try:
                header, arrays = decode(self.read, REQUEST_LIMIT)
            except (WireError, OSError, ValueError):
                return  # the parent is done (or gone)
            op = header.get("op")
            if op == "setup":
                self._send(self._setup())
            elif op == "plan":
                self.plan = Plan.of(header)
                self._send({"ok": True})
            elif op in ("call", "probe") and self.callee is not None:
                reply, out = self._call(header, arrays, probe=op == "probe")
                self._send({**reply, "seq": header.get("seq")}, out)
            else:
                return

    def _send(self, header: Mapping, arrays: Mapping[str, numpy.ndarray] = {}) -> None:
        if os.getpid() != self.pid:  # a copy made by a fork in the user's code: leave quietly
            os._exit(0)
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):
                stream.flush()
        write_all(self.replies, encode(header, arrays))

    def _setup(self) -> dict:
        try:
            self.callee = self.setup()
        except UserCodeError as error:
            return {"ok": False, "error": str(error)}
        except BaseException as error:  # the user's code, while derive looked for the callable
            return {"ok": False, "error": f"finding the function raised {describe(error)}"}
        return {
            "ok": True,
            "name": self.callee.name,
            "parameters": self.callee.parameters(),
            "returns": self.callee.returned_names(),
            "method": self.callee.method,
            "init_names": _listed(self.callee.init_names),
            "skipped": list(importing.SKIPPED[:50]),
        }

    def _call(self, header: Mapping, arrays: dict, probe: bool = False) -> tuple[dict, dict]:
        callee, plan, stage = self.callee, self.plan, _Stage()
        values = {**arrays, **{k: v for k, v in header.get("values", {}).items()}}
        scope = Scope(values, plan.definitions, module=callee.namespace, aliases=plan.aliases)
        if any(tree and tree[0] == "update" for tree in plan.results.values()):
            scope.before = {k: v.copy() for k, v in arrays.items() if hasattr(v, "copy")}
        scope.returned_names = tuple(header.get("returns") or ()) or None
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                kwargs, before = self._prepare(scope, stage)
                stage.text = None
                args = [kwargs.pop(name) for name in plan.positional if name in kwargs]
                scope.returned = callee.bound(scope.obj)(*args, **kwargs)
                scope.has_returned = True
                for name, value in zip(plan.positional, args, strict=False):
                    kwargs[name] = value
            except ScopeError as error:
                return {"status": "usage", "message": _staged(stage, str(error))}, {}
            except BaseException as error:  # SystemExit too: the user's code must not end this
                return {"status": "raised", "stage": stage.text, "error": describe(error)}, {}
            if probe:
                return {"status": "returned", "structure": structure(scope)}, {}
            parts, out = self._parts(scope)
            modified = [n for n, v in before.items() if not _same(v, kwargs.get(n))]
        return {
            "status": "returned",
            "parts": parts,
            "warnings": _texts(caught),
            "modified": modified,
        }, out

    def _prepare(self, scope: Scope, stage: _Stage) -> tuple[dict, dict]:
        """The object, its state, the calls before, and the arguments (with copies of the
        arrays, to see which the function changes in place)."""
        callee, plan = self.callee, self.plan
        stage.text = "building the object" if callee.build is not None else None
        scope.obj = callee.build(scope) if callee.build is not None else callee.holder
        for target, value in plan.sets:
            stage.text = f"--set {show(target)}={show(value)}"
            assign(target, evaluate(value, scope), scope)
        for tree in plan.before:
            stage.text = f"--before {show(tree)}"
            evaluate(tree, scope)
        kwargs = {}
        for name, tree in plan.parameters.items():
            stage.text = f"--arg {name}={show(tree)}"
            kwargs[name] = evaluate(tree, scope)
        before = {n: v.copy() for n, v in kwargs.items() if isinstance(v, numpy.ndarray)}
        return kwargs, before

    def _parts(self, scope: Scope) -> tuple[dict, dict]:
        parts, out = {}, {}
        for quantity, tree in self.plan.results.items():
            limit = int(self.plan.limits.get(quantity, 1 << 20))
            part, array = _part(scope, tree, quantity, limit)
            parts[quantity] = part
            if array is not None:
                out[quantity] = array
        return parts, out


def _staged(stage: _Stage, message: str) -> str:
    return f"{stage.text}: {message}" if stage.text else message


def _same(before: numpy.ndarray, after: object) -> bool:
    try:
        return bool(numpy.array_equal(before, after, equal_nan=True))
    except Exception:
        return False


def _texts(caught: list) -> list[str]:
    texts: list[str] = []
    for w in caught:
        try:
            text = f"{w.category.__name__}: {w.message}"
        except Exception:
            continue
        if text not in texts:
            texts.append(text)
    return texts[:20]


def _selected(scope: Scope, tree: list | None, quantity: str) -> tuple[object, str | None]:
    """The part of the result that is ``quantity``, or why there is none."""
    returned = scope.returned
    if tree is None:
        if isinstance(returned, tuple):
            return None, (
                f"returned a tuple of {len(returned)} values: say which one is {quantity} "
                "(result=INDEX)"
            )
        if isinstance(returned, Mapping):
            keys = ", ".join(repr(k) for k in list(returned)[:8])
            return None, f"returned a dict ({keys}): say which entry is {quantity} (result=KEY)"
        return returned, None
    try:
        return evaluate(tree, scope, result=True), None
    except ScopeError as error:
        return None, str(error)
    except BaseException as error:
        kind = type(returned).__name__
        return None, f"returned {kind}, which has no part {show(tree)} ({describe(error)})"


def _part(scope: Scope, tree: list | None, quantity: str, limit: int) -> tuple[dict, object]:
    """One quantity as plain data: (facts, the array or None)."""
    value, problem = _selected(scope, tree, quantity)
    if problem is not None:
        return {"problem": problem}, None
    if value is None:
        return {"problem": "returned None (is a return statement missing?)"}, None
    kind = type(value).__name__
    python_number = isinstance(value, int | float) and not isinstance(value, bool)
    try:
        array = numpy.asarray(value)
        shape, dtype = tuple(int(n) for n in array.shape), array.dtype
    except BaseException as error:
        return {"problem": f"returned {kind}, not an array ({describe(error)})"}, None
    if dtype.hasobject or dtype.kind not in "fiu" or dtype == numpy.bool_:
        return {"problem": f"returned {kind} of {dtype}, not real numbers"}, None
    facts = {"shape": list(shape), "dtype": None if python_number else dtype.name}
    if array.size > limit:  # a wrong shape far too large to send: its shape says enough
        return {**facts, "sent": False}, None
    try:
        plain = numpy.array(array, copy=True, order="C")
    except BaseException as error:
        return {"problem": f"returned {kind}, not an array ({describe(error)})"}, None
    return {**facts, "sent": True}, plain


def _node(value: object, depth: int) -> dict:
    """What a returned value is made of, by names (for finding which part is which)."""
    if isinstance(value, tuple | list) and depth:  # a list of gradients reads like a tuple
        return {"kind": "tuple", "items": [_node(v, depth - 1) for v in value[:32]]}
    if isinstance(value, Mapping) and depth:
        keys = [k for k in list(value)[:64] if isinstance(k, str)]
        return {"kind": "dict", "items": {k: _node(value[k], depth - 1) for k in keys}}
    if isinstance(value, numpy.ndarray | float | int) and not isinstance(value, bool):
        return {"kind": "array", "shape": list(numpy.shape(value))}
    return {"kind": "other"}


def structure(scope: Scope) -> dict:
    """The return value's structure, and the object's array attributes after the call."""
    found = {"returned": _node(scope.returned, 2), "attributes": {}}
    obj = scope.obj
    try:
        attributes = dict(vars(obj)) if obj is not None and hasattr(obj, "__dict__") else {}
    except Exception:
        attributes = {}
    for name, value in list(attributes.items())[:256]:
        if isinstance(name, str) and not name.startswith("_"):
            node = _node(value, 1)
            if node["kind"] in ("array", "dict"):
                found["attributes"][name] = node
    return found


def serve(setup: Callable[[], Callee], requests: int, replies: int) -> None:
    """The child's main: serve until the parent closes the pipe."""
    Worker(setup, requests, replies).serve()


def _listed(found: frozenset[str] | None) -> list[str] | None:
    return None if found is None else sorted(found)
