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
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

GUARD_SECONDS = 60.0  # per step: generous, only a hang reaches it
GUARD_MESSAGE = "stopped by the {seconds:g} s time guard; the result may differ on a faster machine"

_deadlines: list[float] = []  # enclosing deadlines, innermost last


class OutOfTime(BaseException):
    """Raised inside a call whose guard fired."""


def _can_interrupt() -> bool:
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


def _on_alarm(signum: int, frame: object) -> None:
    raise OutOfTime


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
    _deadlines.append(deadline)
    _arm(deadline)
    try:
        return True, fn()
    except OutOfTime:
        # Deadlines nest as minima, so the innermost running call is always the one that expired.
        return False, None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        _deadlines.pop()
        if _deadlines:
            _arm(_deadlines[-1])  # an already passed outer deadline fires at once
        else:
            signal.signal(signal.SIGALRM, previous)
