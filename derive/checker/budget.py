"""Time budgets for checks: SymPy can hang, so every call the checker makes runs under a deadline.

On the main thread of a Unix process a deadline is enforced with ``signal.setitimer``: the
``SIGALRM`` handler raises :class:`OutOfTime` inside whatever SymPy is doing. ``OutOfTime``
derives from ``BaseException`` so that SymPy's own ``except Exception`` blocks cannot swallow it.
Elsewhere (another thread, or no ``setitimer``) the budget is cooperative: it is checked between
calls, so one call can overrun it.
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

_deadlines: list[float] = []  # enclosing deadlines, innermost last (only with a real timer)


class OutOfTime(BaseException):
    """Raised inside a call whose deadline passed."""


def _can_interrupt() -> bool:
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


def _on_alarm(signum: int, frame: object) -> None:
    raise OutOfTime


def _arm(deadline: float) -> None:
    signal.setitimer(signal.ITIMER_REAL, max(deadline - time.monotonic(), 1e-6))


class Budget:
    """A time budget of ``seconds`` starting now; ``None`` means no limit."""

    def __init__(self, seconds: float | None) -> None:
        self.start = time.monotonic()
        self.deadline = None if seconds is None else self.start + seconds

    def remaining(self) -> float:
        if self.deadline is None:
            return float("inf")
        return max(0.0, self.deadline - time.monotonic())

    def expired(self) -> bool:
        return self.remaining() <= 0.0

    def elapsed(self) -> float:
        return time.monotonic() - self.start

    def part(self, share: float) -> Budget:
        """A budget of ``share`` of the time that remains here."""
        remaining = self.remaining()
        return Budget(None if remaining == float("inf") else remaining * share)

    def run(self, fn: Callable[[], T], *, share: float = 1.0) -> tuple[bool, T | None]:
        """Call ``fn()`` within ``share`` of the remaining time.

        Returns ``(True, value)``, or ``(False, None)`` when the time ran out first.
        """
        if self.expired():
            return False, None
        seconds = self.remaining() * share
        if not _can_interrupt() or seconds == float("inf"):
            return True, fn()
        return _run_with_timer(fn, time.monotonic() + seconds)


def _run_with_timer(fn: Callable[[], T], deadline: float) -> tuple[bool, T | None]:
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
