"""Calling the user's function: binding its parameters, a time limit, and whatever it does wrong
(raises, hangs, warns, returns something else, modifies its inputs) turned into an Outcome.

The function is the only foreign code run. It gets fresh copies of the arrays every call, so
it cannot change the suite, and a change it makes to them is reported. Its exceptions are caught
and described by where they came from in its own code (never a traceback from derive). Its
warnings are recorded, also where pytest turns warnings into errors.

The time limit: on the main thread a ``SIGALRM`` timer interrupts the call
(:func:`derive.checker.guard.guarded`, the checker's guard against SymPy hanging); elsewhere
the call runs in a daemon thread that is abandoned when the time is up.
"""

from __future__ import annotations

import inspect
import os
import signal
import threading
import traceback
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy

from derive.checker.guard import guarded

_DERIVE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_NUMPY = os.path.dirname(os.path.abspath(numpy.__file__))


@dataclass(frozen=True)
class Outcome:
    """What one call did.

    Attributes:
        value: what it returned (None if it raised or hung).
        error: "TypeError: ... (layer.py:12 in grad)" if it raised.
        hung: it did not return within the time limit.
        warnings: the warnings it issued, once each ("RuntimeWarning: overflow in exp").
        modified: the parameters whose arrays it changed in place.
    """

    value: object = None
    error: str | None = None
    hung: bool = False
    warnings: tuple[str, ...] = ()
    modified: tuple[str, ...] = field(default_factory=tuple)


def signature_problem(fn: Callable, parameters: Mapping[str, str]) -> str | None:
    """Why ``fn`` cannot be called with these keyword arguments, if it cannot; else None."""
    if not callable(fn):
        return f"{fn!r} is not callable"
    try:
        signature = inspect.signature(fn)
    except (TypeError, ValueError):
        return None  # a builtin without a signature: the call itself will tell
    kinds = {p.kind for p in signature.parameters.values()}
    for name in parameters:
        if name not in signature.parameters and inspect.Parameter.VAR_KEYWORD not in kinds:
            known = ", ".join(signature.parameters) or "none"
            return f"the function has no parameter {name!r} (its parameters: {known})"
    for name, p in signature.parameters.items():
        required = p.default is inspect.Parameter.empty and p.kind not in (
            inspect.Parameter.VAR_POSITIONAL,
            inspect.Parameter.VAR_KEYWORD,
        )
        if required and name not in parameters:
            return f"the function's parameter {name!r} gets no array: map it (NAME=ARRAY)"
    return None


def parameter_names(fn: Callable) -> list[str]:
    """The names of ``fn``'s parameters, or [] if it has no signature."""
    try:
        return list(inspect.signature(fn).parameters)
    except (TypeError, ValueError):
        return []


def _split(fn: Callable, kwargs: dict) -> tuple[list, dict]:
    """Positional-only parameters are passed by position, in the signature's order."""
    try:
        parameters = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):
        return [], kwargs
    positional = [p.name for p in parameters if p.kind is inspect.Parameter.POSITIONAL_ONLY]
    args = [kwargs[name] for name in positional if name in kwargs]
    return args, {k: v for k, v in kwargs.items() if k not in positional}


def where(error: BaseException) -> str:
    """The innermost frame of the error outside derive and NumPy: "file.py:12 in name"."""
    frames = traceback.extract_tb(error.__traceback__)
    own = [f for f in frames if not os.path.abspath(f.filename).startswith((_DERIVE, _NUMPY))]
    frame = (own or frames or [None])[-1]
    if frame is None:
        return ""
    return f" ({os.path.basename(frame.filename)}:{frame.lineno} in {frame.name})"


def describe(error: BaseException) -> str:
    """One line: the exception's type, message and where in the user's code it came from."""
    message = str(error).strip().splitlines()
    text = type(error).__name__ + (f": {message[0]}" if message else "")
    return text + where(error)


def _on_main_thread() -> bool:
    """The SIGALRM timer can interrupt the call (Unix, main thread)."""
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


def _run_in_thread(call: Callable[[], object], seconds: float) -> tuple[bool, object]:
    box: dict[str, object] = {}

    def target() -> None:
        try:
            box["value"] = call()
        except BaseException as error:  # carried back to the caller's thread
            box["error"] = error

    worker = threading.Thread(target=target, name="derive-check-code", daemon=True)
    worker.start()
    worker.join(seconds)
    if worker.is_alive():
        return False, None
    if "error" in box:
        raise box["error"]  # type: ignore[misc]
    return True, box.get("value")


def call(fn: Callable, kwargs: dict[str, object], timeout: float) -> Outcome:
    """Call ``fn(**kwargs)`` once, guarded (see the module docstring)."""
    before = {name: value.copy() for name, value in kwargs.items() if hasattr(value, "copy")}
    args, keywords = _split(fn, kwargs)

    def run() -> object:
        return fn(*args, **keywords)

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            if _on_main_thread():
                finished, value = guarded(run, timeout)
            else:
                finished, value = _run_in_thread(run, timeout)
        except (KeyboardInterrupt, GeneratorExit):
            raise
        except BaseException as error:  # SystemExit too: the user's code must not end derive
            return Outcome(error=describe(error), warnings=_texts(caught))
    if not finished:
        return Outcome(hung=True, warnings=_texts(caught))
    modified = tuple(
        name
        for name, value in before.items()
        if not numpy.array_equal(value, kwargs[name], equal_nan=True)
    )
    return Outcome(value=value, warnings=_texts(caught), modified=modified)


def _texts(caught: list[warnings.WarningMessage]) -> tuple[str, ...]:
    texts: list[str] = []
    for w in caught:
        text = f"{w.category.__name__}: {w.message}"
        if text not in texts:
            texts.append(text)
    return tuple(texts)
