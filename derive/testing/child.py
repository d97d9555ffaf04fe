"""The child process that runs the code under test, seen from the checker (the parent).

The checker's NumPy, its comparisons and its report stay in the parent; the user's code runs in
one forked child per check, reused for every input and quantity. Forking (not a fresh
interpreter) carries a function defined anywhere, a lambda in a test included, and costs a few
milliseconds. The child gets its own process group, and its stdout and stderr go to a
temporary file that the report shows; the parent's terminal and ``--json`` never see them.

Everything the child can do is one of four things, each turned into words here:

- it answers in time: a :class:`Reply` (plain arrays and a JSON header, :mod:`.wire`);
- it takes longer than the time limit: the parent kills its whole process group (SIGKILL,
  which no handler, loop or thread survives) and says it hung;
- it ends without answering (``os._exit``, a crash, a signal): "did not return (exit
  status N)";
- it writes something that is not a message: it is killed and that is said.

The wall clock is only a hang guard here, as everywhere in derive: it decides no verdict but
"hung".
"""

from __future__ import annotations

import contextlib
import os
import select
import signal
import tempfile
import time
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy

from derive.testing.wire import WireError, decode, encode, write_all

OUTPUT_SHOWN = 4000  # bytes of the child's output kept for the report
REAP_SECONDS = 2.0  # how long a child that closed its pipe may take to exit before it is killed


@dataclass(frozen=True)
class Reply:
    """An answer from the child: its JSON header and its arrays."""

    header: dict
    arrays: dict[str, numpy.ndarray]


@dataclass(frozen=True)
class Gone:
    """No answer: the child hung (and was killed), ended, or broke the protocol.

    Attributes:
        hung: it did not answer within the time limit.
        status: how it ended, in words ("exit status 0", "killed by signal 11 (SIGSEGV)",
            "wrote something that is not an answer: ...").
    """

    hung: bool
    status: str


def _status(code: int) -> str:
    if os.WIFSIGNALED(code):
        number = os.WTERMSIG(code)
        try:
            name = signal.Signals(number).name
        except ValueError:
            name = "unknown"
        return f"killed by signal {number} ({name})"
    if os.WIFEXITED(code):
        return f"exit status {os.WEXITSTATUS(code)}"
    return f"status {code}"


class Child:
    """A forked child serving requests; see the module docstring.

    Args:
        main: what the child runs, ``main(requests_fd, replies_fd)``; it must never return
            (the child calls ``os._exit`` after it in any case).
    """

    def __init__(self, main: Callable[[int, int], None]) -> None:
        self._capture = tempfile.TemporaryFile()  # noqa: SIM115 (closed in __exit__)
        requests_read, self._requests = os.pipe()
        self._replies, replies_write = os.pipe()
        with warnings.catch_warnings():  # Python 3.12 warns about forking a threaded process
            warnings.simplefilter("ignore", DeprecationWarning)
            pid = os.fork()
        if pid == 0:  # the child: never returns into the caller's code
            code = 70
            try:
                _become_child(self._capture.fileno(), requests_read, replies_write)
                main(requests_read, replies_write)
                code = 0
            finally:
                os._exit(code)
        os.close(requests_read)
        os.close(replies_write)
        with contextlib.suppress(OSError):  # the child may have done it already, or exited
            os.setpgid(pid, pid)
        self.pid = pid
        self.gone: Gone | None = None

    def request(
        self,
        header: Mapping[str, object],
        arrays: Mapping[str, numpy.ndarray],
        timeout: float,
        array_limit: int,
    ) -> Reply | Gone:
        """Send one request and wait at most ``timeout`` seconds for the reply."""
        if self.gone is not None:
            return self.gone
        try:
            write_all(self._requests, encode(header, arrays))
        except OSError:  # the child closed its end: it is ending
            return self._ended(time.monotonic() + REAP_SECONDS)
        deadline = time.monotonic() + timeout
        try:
            reply_header, reply_arrays = decode(self._reader(deadline), array_limit)
        except _TimedOut:
            self._kill()
            self.gone = Gone(True, "did not answer in time")
            return self.gone
        except _Ended:
            return self._ended(time.monotonic() + REAP_SECONDS)
        except (WireError, ValueError, UnicodeDecodeError) as error:
            self._kill()
            self.gone = Gone(False, f"wrote something that is not an answer ({error})")
            return self.gone
        return Reply(reply_header, reply_arrays)

    def _reader(self, deadline: float) -> Callable[[int], bytes]:
        poller = select.poll()
        poller.register(self._replies, select.POLLIN | select.POLLHUP | select.POLLERR)

        def read(n: int) -> bytes:
            chunks, left = [], n
            while left:
                wait = deadline - time.monotonic()
                if wait <= 0 or not poller.poll(wait * 1000.0):
                    raise _TimedOut
                chunk = os.read(self._replies, min(left, 1 << 20))
                if not chunk:
                    raise _Ended
                chunks.append(chunk)
                left -= len(chunk)
            return b"".join(chunks)

        return read

    def _ended(self, deadline: float) -> Gone:
        """The child closed its pipe: wait for its exit status (a while), else kill it."""
        while time.monotonic() < deadline:
            pid, code = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self._kill_group()
                self.gone = Gone(False, _status(code))
                self.pid = 0
                return self.gone
            time.sleep(0.005)
        self._kill()
        self.gone = Gone(False, "closed its pipe to derive without ending")
        return self.gone

    def _kill_group(self) -> None:
        """SIGKILL to the child's process group: whatever it started goes with it."""
        if self.pid:
            with contextlib.suppress(OSError):
                os.killpg(self.pid, signal.SIGKILL)

    def _kill(self) -> None:
        self._kill_group()
        if self.pid:
            with contextlib.suppress(OSError):
                os.kill(self.pid, signal.SIGKILL)
            with contextlib.suppress(ChildProcessError):
                os.waitpid(self.pid, 0)
            self.pid = 0

    def output(self) -> tuple[str, int]:
        """What the child printed (stdout and stderr as they came): the first OUTPUT_SHOWN
        bytes as text, and the total number of bytes."""
        fd = self._capture.fileno()
        total = os.fstat(fd).st_size
        text = os.pread(fd, OUTPUT_SHOWN, 0).decode("utf-8", errors="replace")
        return text, total

    def close(self) -> None:
        """End the child and everything in its process group; keep the output readable."""
        with contextlib.suppress(OSError):
            os.close(self._requests)
        self._kill()
        with contextlib.suppress(OSError):
            os.close(self._replies)
        if self.gone is None:
            self.gone = Gone(False, "closed by derive")

    def __enter__(self) -> Child:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
        self._capture.close()


class _TimedOut(Exception):
    pass


class _Ended(Exception):
    pass


def _become_child(capture: int, requests: int, replies: int) -> None:
    """In the child: its own process group, default signals, stdin from /dev/null, stdout and
    stderr into the capture file, and no other file of the parent's left open."""
    os.setpgid(0, 0)
    for number in (signal.SIGINT, signal.SIGALRM, signal.SIGTERM, signal.SIGPIPE):
        signal.signal(number, signal.SIG_DFL)
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.dup2(capture, 1)
    os.dup2(capture, 2)
    keep = sorted({requests, replies})
    low = 3
    for fd in keep:
        os.closerange(low, fd)
        low = fd + 1
    os.closerange(low, _max_fd())
    _fresh_streams()


def _max_fd() -> int:
    try:
        return min(os.sysconf("SC_OPEN_MAX"), 1 << 20)
    except (ValueError, OSError):
        return 1 << 16


def _fresh_streams() -> None:
    """sys.stdin/stdout/stderr on fds 0, 1, 2 (a test runner may have replaced them with
    objects that write elsewhere)."""
    import io
    import sys

    def stream(fd: int, mode: str) -> io.TextIOWrapper:
        raw = io.FileIO(fd, mode, closefd=False)
        buffered = io.BufferedReader(raw) if mode == "r" else io.BufferedWriter(raw)
        return io.TextIOWrapper(
            buffered, encoding="utf-8", errors="backslashreplace", line_buffering=mode == "w"
        )

    sys.stdin = sys.__stdin__ = stream(0, "r")
    sys.stdout = sys.__stdout__ = stream(1, "w")
    sys.stderr = sys.__stderr__ = stream(2, "w")
