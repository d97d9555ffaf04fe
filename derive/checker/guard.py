"""The time guard: a wall-clock limit that only stops a hang, never decides a verdict.

Verdicts are bounded by deterministic limits (``limits.py``), so the same input gives the same
verdict on any machine. SymPy can still hang on odd input, so each step also runs under a
generous wall-clock guard (``GUARD_SECONDS``). When it fires, the verdict says so in its own
words and carries ``guard=True``: that verdict is the one thing that may differ on a faster
machine. Every derivation shipped with derive stays below a tenth of the default guard
(``benchmarks/bench_prove.py`` reports the slowest step; docs/performance.md).

On the main thread of a Unix process the guard is ``signal.setitimer``: the ``SIGALRM`` handler
raises :class:`OutOfTime` inside whatever SymPy is doing. ``OutOfTime`` derives from
``BaseException`` so that SymPy's own ``except Exception`` blocks cannot swallow it. Elsewhere
(another thread, or no ``setitimer``) there is no guard: the step runs to its end.

Two races are closed here. The alarm may arrive after ``fn`` returned but before the timer is
disarmed: the handler raises only while a guarded call is running (``_running``), so a late
alarm is ignored instead of escaping ``guarded``. And an exception raised inside a garbage
collector callback or a finalizer is swallowed by Python ("Exception ignored in ...") and the
call would run on unguarded: while a collection runs (tracked by two ``gc.callbacks``, the first
and the last in the list) the handler retries a moment later instead of raising, and every
time it raises it first re-arms a short retry, so a raise that something swallowed is repeated
until the guarded call ends.
"""

from __future__ import annotations

import gc
import signal
import threading
import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

GUARD_SECONDS = 60.0  # per step: generous, only a hang reaches it
GUARD_MESSAGE = "stopped by the {seconds:g} s time guard; the result may differ on a faster machine"

RETRY_SECONDS = 0.05  # a raise that was swallowed (or deferred during a collection) is repeated

_deadlines: list[float] = []  # enclosing deadlines, innermost last
_running: list[bool] = []  # per enclosing guarded call: is its fn still running?
_collecting = [False]  # a garbage collection (and its callbacks, finalizers) is under way


class OutOfTime(BaseException):
    """Raised inside a call whose guard fired."""


def _can_interrupt() -> bool:
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


def _on_alarm(signum: int, frame: object) -> None:
    if not _running or not _running[-1]:
        return  # the call already returned: a late alarm must not escape
    signal.setitimer(signal.ITIMER_REAL, RETRY_SECONDS)
    if _collecting[0]:
        return  # a raise here would be swallowed as "Exception ignored": retry after it
    raise OutOfTime


def _gc_first(phase: str, info: dict) -> None:
    if phase == "start":
        _collecting[0] = True


def _gc_last(phase: str, info: dict) -> None:
    if phase == "stop":
        _collecting[0] = False


def _watch_collections(on: bool) -> None:
    for callback in (_gc_first, _gc_last):
        if callback in gc.callbacks:
            gc.callbacks.remove(callback)
    _collecting[0] = False
    if on:
        gc.callbacks.insert(0, _gc_first)
        gc.callbacks.append(_gc_last)


def _arm(deadline: float) -> None:
    signal.setitimer(signal.ITIMER_REAL, max(deadline - time.monotonic(), 1e-6))


def guarded(fn: Callable[[], T], seconds: float | None) -> tuple[bool, T | None]:
    """Call ``fn()`` under a guard of ``seconds`` (None: no guard).

    Returns ``(True, value)``, or ``(False, None)`` when the guard fired first.
    """
    if seconds is None or not _can_interrupt():
        return True, fn()
    deadline = time.monotonic() + seconds
    if _deadlines:
        deadline = min(deadline, _deadlines[-1])
    else:
        previous = signal.signal(signal.SIGALRM, _on_alarm)
        _watch_collections(True)
    _deadlines.append(deadline)
    _running.append(True)
    _arm(deadline)
    try:
        value = fn()
        _running[-1] = False  # an alarm from here on is ignored by the handler
        return True, value
    except OutOfTime:
        # Deadlines nest as minima, so the innermost running call is always the one that expired.
        return False, None
    finally:
        _running[-1] = False
        signal.setitimer(signal.ITIMER_REAL, 0)
        _running.pop()
        _deadlines.pop()
        if _deadlines:
            _arm(_deadlines[-1])  # an already passed outer deadline fires at once
        else:
            _watch_collections(False)
            signal.signal(signal.SIGALRM, previous)
