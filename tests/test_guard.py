"""The time guard stops a call and never escapes it: late alarms, swallowed raises, collections."""

from __future__ import annotations

import contextlib
import gc
import signal
import time

from derive.checker import guard


def _busy(seconds: float) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        pass


def test_a_call_that_ends_in_time_keeps_its_value() -> None:
    assert guard.guarded(lambda: 41 + 1, 5.0) == (True, 42)


def test_a_call_past_its_deadline_is_stopped() -> None:
    assert guard.guarded(lambda: _busy(3.0), 0.05) == (False, None)


def test_an_alarm_after_the_call_returned_is_ignored() -> None:
    # The race: SIGALRM delivered between fn's return and the disarm. With no guarded call
    # running, the handler must return instead of raising out of ``guarded``.
    assert guard._on_alarm(signal.SIGALRM, None) is None


def test_a_swallowed_stop_is_repeated_until_the_call_ends() -> None:
    def swallows_once() -> str:
        with contextlib.suppress(BaseException):  # code that catches everything, once
            _busy(3.0)
        _busy(3.0)
        return "ran to the end"

    assert guard.guarded(swallows_once, 0.05) == (False, None)


def test_a_stop_during_a_garbage_collection_waits_for_its_end() -> None:
    # A raise inside a gc callback is swallowed ("Exception ignored in gc callback"; pytest
    # turns that into an error): the guard must wait for the collection and stop the call after.
    def slow_callback(phase: str, info: dict) -> None:
        if phase == "start":
            _busy(0.3)

    def collects() -> None:
        gc.collect()
        _busy(3.0)

    gc.callbacks.append(slow_callback)
    try:
        assert guard.guarded(collects, 0.05) == (False, None)
    finally:
        gc.callbacks.remove(slow_callback)
    assert guard._gc_first not in gc.callbacks and guard._gc_last not in gc.callbacks


def test_nested_guards_stop_at_the_nearer_deadline() -> None:
    def inner() -> tuple[bool, object]:
        return guard.guarded(lambda: _busy(3.0), 10.0)

    assert guard.guarded(inner, 0.05) == (False, None)
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
