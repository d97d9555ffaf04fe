"""Calling the user's code, seen from the checker: one child process per check
(:mod:`derive.testing.child`), set up once, then one request per input; each answer turned into
an :class:`Outcome` of plain data.

Whatever the code does wrong (raises, hangs, ends the process, prints, warns, returns something
else, changes its inputs) becomes part of the Outcome; none of it reaches the checker's own
process. The time limit is per request, the import's included: a call that has not answered
within it is killed with its whole process group and reported as hung.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy

from derive.testing.child import Child, Gone, Reply
from derive.testing.describe import printable
from derive.testing.importing import TOP_LEVEL_HINT, UserCodeError
from derive.testing.target import Callee
from derive.testing.worker import serve

MIN_TIMEOUT = 0.1  # seconds: below this a correct function is "hung" on a busy machine
# derive's own requests (the plan; the setup of a callable that imports nothing) are no call
# of the user's code: they get at least this long, so a short --timeout on a loaded machine
# never stops them (a hang guard, never a verdict)
OWN_STEPS = 10.0
MAX_TIMEOUT = 86400.0


@dataclass(frozen=True)
class Part:
    """What the call returned for one quantity.

    Attributes:
        array: the answer as a float64 array (None if unusable, or too large to send).
        problem: why it is no answer, in words ("returned None", ...), or None.
        shape: its shape (None if it was not an array).
        dtype: its dtype's name (None for a Python number, which carries none).
    """

    array: numpy.ndarray | None
    problem: str | None = None
    shape: tuple[int, ...] | None = None
    dtype: str | None = None


@dataclass(frozen=True)
class Outcome:
    """What one call did.

    Attributes:
        parts: quantity -> the part of the result that is it.
        error: "TypeError: ... (layer.py:12 in grad)" if it raised.
        stage: where it raised, if not in the checked call ("--before forward(X)").
        hung: it did not answer within the time limit (the child was killed).
        ended: how the child ended without answering ("exit status 0"), or None.
        warnings: the warnings it issued, once each ("RuntimeWarning: overflow in exp").
        modified: the parameters whose arrays it changed in place.
    """

    parts: dict[str, Part] = field(default_factory=dict)
    error: str | None = None
    stage: str | None = None
    hung: bool = False
    ended: str | None = None
    warnings: tuple[str, ...] = ()
    modified: tuple[str, ...] = ()


def check_timeout(timeout: object) -> float:
    """The time limit per call, in seconds, within [MIN_TIMEOUT, MAX_TIMEOUT]."""
    if isinstance(timeout, bool) or not isinstance(timeout, int | float):
        raise ValueError(f"timeout must be a number of seconds, got {timeout!r}")
    if not MIN_TIMEOUT <= timeout <= MAX_TIMEOUT:
        raise ValueError(
            f"timeout must be at least {MIN_TIMEOUT:g} s and at most {MAX_TIMEOUT:g} s (a day), "
            f"got {timeout!r}: a shorter limit stops correct code on a busy machine"
        )
    return float(timeout)


class Session:
    """The child for one check: the callable found, the calls planned, one call per input.

    Args:
        setup: runs in the child and returns the Callee (imports the module for the CLI).
        shown: how the user named it, for the one-line errors.
        timeout: seconds per request (the setup's too, if it imports).
        imports: the setup imports the user's module (else it is derive's own, quick step).

    Raises:
        UserCodeError: the callable cannot be set up: the import failed, hung or ended the
            process, or there is no such function.
    """

    def __init__(
        self, setup: Callable[[], Callee], shown: str, timeout: float, imports: bool = True
    ) -> None:
        self.timeout = timeout
        self.child = Child(lambda requests, replies: serve(setup, requests, replies))
        limit = timeout if imports else max(timeout, OWN_STEPS)
        reply = self.child.request({"op": "setup"}, {}, limit, 0)
        if isinstance(reply, Gone):
            self.__exit__()
            raise UserCodeError(_setup_gone(shown, reply, limit))
        if not reply.header.get("ok"):
            self.__exit__()
            raise UserCodeError(printable(reply.header.get("error"), 600))
        self.info = reply.header
        self.seq = 0
        self.probed: tuple[str, int] | None = None  # the input the probe's call was at

    @property
    def name(self) -> str:
        return printable(self.info.get("name"), 200)

    def parameters(self) -> list[tuple[str, str, bool]] | None:
        """[(name, kind, has_default), ...] of the call as the user's code makes it; None
        if it has no signature to read."""
        given = self.info.get("parameters")
        if not isinstance(given, list):
            return None
        found = []
        for entry in given:
            if isinstance(entry, list) and len(entry) == 3 and isinstance(entry[0], str):
                found.append((entry[0], str(entry[1]), bool(entry[2])))
        return found

    def returned_names(self) -> tuple[str, ...] | None:
        """The names of the function's return statement (() if it has none; None if its
        source does not say)."""
        names = self.info.get("returns")
        if isinstance(names, list) and all(isinstance(n, str) for n in names):
            return tuple(names)
        return None

    def skipped(self) -> list[str]:
        """What --definitions-only left out of the module (one line each)."""
        found = self.info.get("skipped")
        return [printable(t, 160) for t in found if isinstance(t, str)] if found else []

    def plan(self, plan: Mapping[str, object]) -> None:
        """Send the plan. A child already gone (the probe's call ended it) is left to the
        calls to report; one that answers otherwise is broken."""
        reply = self.child.request({"op": "plan", **plan}, {}, max(self.timeout, OWN_STEPS), 0)
        if not isinstance(reply, Gone) and not reply.header.get("ok"):
            raise UserCodeError(f"{self.name}: the code under test did not take the plan")

    def call(
        self,
        arrays: Mapping[str, numpy.ndarray],
        values: Mapping[str, object],
        sizes: Mapping[str, int],
    ) -> Outcome:
        """One input: ``arrays`` and scalar ``values`` by name; ``sizes``: quantity -> the
        number of entries its answer has (larger answers are described, not sent).

        Raises:
            ValueError: the plan refers to a name or function that is not there (bad usage).
        """
        self.seq += 1
        header = {"op": "call", "seq": self.seq, "values": dict(values)}
        header["returns"] = list(self.returned_names() or ())
        limit = 8 * max([4 * n + 64 for n in sizes.values()] or [64]) + 4096
        reply = self.child.request(header, arrays, self.timeout, limit)
        if isinstance(reply, Gone):
            return Outcome(hung=reply.hung, ended=None if reply.hung else reply.status)
        return _outcome(reply, self.seq)

    def probe(
        self,
        arrays: Mapping[str, numpy.ndarray],
        values: Mapping[str, object],
        at: tuple[str, int],
    ) -> dict:
        """Call once, at the input ``at`` (its kind and B), and describe what came back (its parts'
        names), to find which part is which quantity; {} if the call gave nothing (the suite
        then says why, at that input)."""
        self.probed = at
        self.seq += 1
        header = {"op": "probe", "seq": self.seq, "values": dict(values)}
        header["returns"] = list(self.returned_names() or ())
        reply = self.child.request(header, arrays, self.timeout, 0)
        if isinstance(reply, Gone) or reply.header.get("seq") != self.seq:
            return {}
        if reply.header.get("status") == "usage":
            raise ValueError(printable(reply.header.get("message"), 600))
        found = reply.header.get("structure")
        return found if isinstance(found, dict) else {}

    def output(self) -> tuple[str, int]:
        """What the code under test printed (the first part), and how many bytes in all."""
        return self.child.output()

    def close(self) -> None:
        self.child.close()

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *exc: object) -> None:
        self.child.__exit__()


def _setup_gone(shown: str, gone: Gone, timeout: float) -> str:
    if gone.hung:
        return f"importing {shown} did not finish within {timeout:g} s; {TOP_LEVEL_HINT}"
    return (
        f"importing {shown} ended the process ({printable(gone.status)}) before anything "
        f"could be checked; {TOP_LEVEL_HINT}"
    )


def _outcome(reply: Reply, seq: int) -> Outcome:
    header = reply.header
    if header.get("seq") != seq:
        return Outcome(ended="answered out of turn: the code under test wrote to derive's pipe")
    status = header.get("status")
    if status == "usage":
        raise ValueError(printable(header.get("message"), 600))
    texts = tuple(printable(w) for w in header.get("warnings") or [] if isinstance(w, str))
    if status == "raised":
        stage = header.get("stage")
        return Outcome(
            error=printable(header.get("error")),
            stage=printable(stage) if isinstance(stage, str) else None,
            warnings=texts,
        )
    parts = {}
    for quantity, facts in (header.get("parts") or {}).items():
        if isinstance(facts, dict):
            parts[str(quantity)] = _part(facts, reply.arrays.get(quantity))
    modified = tuple(printable(m, 80) for m in header.get("modified") or [] if isinstance(m, str))
    return Outcome(parts=parts, warnings=texts, modified=modified)


def _part(facts: dict, array: numpy.ndarray | None) -> Part:
    problem = facts.get("problem")
    if problem is not None:
        return Part(None, printable(problem))
    shape = facts.get("shape")
    if not isinstance(shape, list) or not all(isinstance(n, int) and n >= 0 for n in shape):
        return Part(None, "returned something whose shape cannot be read")
    dtype = facts.get("dtype")
    dtype = printable(dtype, 40) if isinstance(dtype, str) else None
    if array is not None:
        if tuple(array.shape) != tuple(shape) or array.dtype.kind not in "fiu":
            return Part(None, "returned an array that changed on the way")
        array = array.astype(numpy.float64)
    return Part(array, None, tuple(shape), dtype)
