"""check-code cannot be fooled or stopped by the code it checks: every way the code under test
can misbehave (replacing NumPy's functions, exiting, forking, ignoring signals, looping
anywhere, printing around the report, returning values that explode when read) ends in an
honest verdict and the right exit code, and the report alone on stdout.

The code runs in a child process; these tests run ``derive check-code`` in this process (so a
leak would break the test run itself) and, where the process's real stdout matters, as a
command of its own.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from derive.cli import main

LAYER = ["--quantity", "dE_dW", "--K", "3", "--J", "4"]
CORRECT = """
import numpy as np

def grad(X, W, b, y):
    z = X @ W.T + b
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return (e / e.sum(axis=1, keepdims=True) - y).T @ X
"""


@pytest.fixture(autouse=True)
def _restore_import_state(monkeypatch):
    monkeypatch.setattr(sys, "path", list(sys.path))


def module(tmp_path: Path, body: str, name: str = "hostile") -> str:
    path = tmp_path / f"{name}.py"
    path.write_text(CORRECT + textwrap.dedent(body))
    return str(path)


def check(capfd, target: str, *argv: str) -> tuple[int, str, str]:
    code = main(["check-code", target, *LAYER, *argv])
    out, err = capfd.readouterr()
    return code, out, err


def report(capfd, target: str, *argv: str) -> tuple[int, dict]:
    code, out, err = check(capfd, target, *argv, "--json")
    assert err == ""
    return code, json.loads(out)  # stdout holds one JSON object and nothing else


def test_a_function_that_returns_zeros_and_replaces_numpy_abs_is_wrong(tmp_path, capfd) -> None:
    target = module(
        tmp_path,
        """
        def zeros(X, W, b, y):
            np.abs = lambda *args, **kwargs: np.zeros(np.shape(args[0]))
            np.max = lambda *args, **kwargs: 0.0
            return np.zeros_like(W)
        """,
    )
    code, data = report(capfd, f"{target}:zeros")
    assert code == 1 and data["passed"] is False
    assert data["diagnosis"] == "wrong"
    assert {c["status"] for c in data["cases"]} == {"wrong"}


@pytest.mark.parametrize("where", ["function", "top level"])
def test_os_exit_0_is_no_pass(tmp_path, capfd, where) -> None:
    if where == "function":
        target = module(tmp_path, "def leaves(X, W, b, y):\n    import os\n    os._exit(0)\n")
        code, data = report(capfd, f"{target}:leaves")
        assert code == 1 and data["diagnosis"] == "exited"
        assert "did not return (exit status 0) at random, B = " in data["findings"][0]["message"]
        found = [c["status"] for c in data["cases"]]
        assert found.count("exited") == 1 and found.count("not run") == len(found) - 1
    else:
        target = module(tmp_path, "import os\nos._exit(0)\n")
        code, out, err = check(capfd, f"{target}:grad")
        assert code == 2 and out == ""
        assert err.startswith("derive: error: importing ") and "(exit status 0)" in err
        assert "__main__" in err and len(err.strip().splitlines()) == 1


def test_a_crash_is_reported_with_its_signal(tmp_path, capfd) -> None:
    body = """
    def crashes(X, W, b, y):
        import os, signal
        os.kill(os.getpid(), signal.SIGSEGV)
    """
    target = module(tmp_path, body)
    code, data = report(capfd, f"{target}:crashes")
    assert code == 1 and data["diagnosis"] == "exited"
    assert "killed by signal 11 (SIGSEGV)" in data["findings"][0]["message"]


def test_a_function_that_forks_gets_one_report(tmp_path) -> None:
    target = module(
        tmp_path,
        """
        def forks(X, W, b, y):
            import os
            os.fork()
            return grad(X, W, b, y)
        """,
    )
    done = subprocess.run(
        [sys.executable, "-m", "derive", "check-code", f"{target}:forks", *LAYER, "--json"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert json.loads(done.stdout)["passed"] is True  # one JSON object: no copy answered


@pytest.mark.parametrize(
    "body",
    [
        # catching BaseException in a loop
        """
        def stubborn(X, W, b, y):
            while True:
                try:
                    while True:
                        pass
                except BaseException:
                    pass
        """,
        # ignoring SIGALRM
        """
        def stubborn(X, W, b, y):
            import signal
            signal.signal(signal.SIGALRM, signal.SIG_IGN)
            while True:
                pass
        """,
        # switching the interval timer off
        """
        def stubborn(X, W, b, y):
            import signal
            signal.setitimer(signal.ITIMER_REAL, 0)
            while True:
                pass
        """,
    ],
    ids=["catches-BaseException", "ignores-SIGALRM", "setitimer-0"],
)
def test_a_function_that_never_returns_is_stopped(tmp_path, capfd, body) -> None:
    target = module(tmp_path, body)
    code, data = report(capfd, f"{target}:stubborn", "--timeout", "0.5")
    assert code == 1 and data["diagnosis"] == "hung"
    assert "did not return within 0.5 s" in data["findings"][0]["message"]


def test_a_non_daemon_thread_does_not_keep_the_check_alive(tmp_path) -> None:
    target = module(
        tmp_path,
        """
        import threading, time

        def threaded(X, W, b, y):
            threading.Thread(target=lambda: time.sleep(3600)).start()
            return grad(X, W, b, y)
        """,
    )
    done = subprocess.run(
        [sys.executable, "-m", "derive", "check-code", f"{target}:threaded", *LAYER],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.startswith("dE_dW: hostile:threaded matches the derivation")


@pytest.mark.parametrize(
    ("body", "name"),
    [
        (
            """
            class Loops:
                def __array__(self, dtype=None, copy=None):
                    while True:
                        pass

            def answer(X, W, b, y):
                return Loops()
            """,
            "array-loops",
        ),
        (
            """
            class Loud(Exception):
                def __str__(self):
                    while True:
                        pass

            def answer(X, W, b, y):
                raise Loud()
            """,
            "str-loops",
        ),
    ],
    ids=lambda v: v if isinstance(v, str) and "\n" not in v else "",
)
def test_a_loop_in_reading_the_answer_is_stopped(tmp_path, capfd, body, name) -> None:
    target = module(tmp_path, body)
    code, data = report(capfd, f"{target}:answer", "--timeout", "0.5")
    assert code == 1 and data["diagnosis"] == "hung"


def test_a_module_that_sleeps_at_import_is_stopped(tmp_path, capfd) -> None:
    target = module(tmp_path, "import time\ntime.sleep(3600)\n")
    code, out, err = check(capfd, f"{target}:grad", "--timeout", "0.5")
    assert code == 2 and out == ""
    assert "did not finish within 0.5 s" in err and 'if __name__ == "__main__":' in err
    assert len(err.strip().splitlines()) == 1


def test_output_around_json_stays_out_of_it(tmp_path) -> None:
    target = module(
        tmp_path,
        """
        import atexit, os, subprocess, sys

        atexit.register(lambda: print("atexit ran"))
        print("importing")

        def noisy(X, W, b, y):
            os.write(1, b"raw bytes on fd 1\\n")
            os.write(2, b"raw bytes on fd 2\\n")
            subprocess.run([sys.executable, "-c", "print('from a subprocess')"])
            print("\\x1b[2Kforged headline\\r")
            return grad(X, W, b, y)
        """,
    )
    done = subprocess.run(
        [sys.executable, "-m", "derive", "check-code", f"{target}:noisy", *LAYER, "--json"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    data = json.loads(done.stdout)  # the whole of stdout is the report
    assert done.stderr == ""
    for text in ("importing", "raw bytes on fd 1", "raw bytes on fd 2", "from a subprocess"):
        assert text in data["output"]
    assert "atexit ran" not in done.stdout + done.stderr + data["output"]
    text = subprocess.run(
        [sys.executable, "-m", "derive", "check-code", f"{target}:noisy", *LAYER],
        capture_output=True,
        text=True,
        timeout=300,
    ).stdout
    assert "\x1b" not in text and "\r" not in text  # escaped: it cannot redraw the headline
    assert "| \\x1b[2Kforged headline" in text


@pytest.mark.parametrize(
    ("body", "words"),
    [
        (
            """
            class Raises:
                def __array__(self, dtype=None, copy=None):
                    raise ValueError("no array here")

            def answer(X, W, b, y):
                return Raises()
            """,
            "returned Raises, not an array (ValueError: no array here",
        ),
        (
            """
            class Huge:
                def __len__(self):
                    return 10**18

                def __getitem__(self, index):
                    return 0.0

            def answer(X, W, b, y):
                return Huge()
            """,
            "returned Huge",
        ),
        (
            """
            def answer(X, W, b, y):
                return np.broadcast_to(np.float64(0.0), (10**6, 10**6))
            """,
            "returned shape (1000000, 1000000), expected (K, J) = (3, 4)",
        ),
    ],
    ids=["array-raises", "len-1e18", "broadcast-view"],
)
def test_an_answer_that_explodes_when_read_is_described(tmp_path, capfd, body, words) -> None:
    target = module(tmp_path, body)
    code, data = report(capfd, f"{target}:answer")
    assert code == 1 and data["diagnosis"] == "returned"
    assert words in data["findings"][0]["message"]


def test_an_exception_whose_str_raises_is_described(tmp_path, capfd) -> None:
    target = module(
        tmp_path,
        """
        class Odd(Exception):
            def __str__(self):
                raise RuntimeError("no message")

        def answer(X, W, b, y):
            raise Odd()
        """,
    )
    code, data = report(capfd, f"{target}:answer")
    assert code == 1 and data["diagnosis"] == "raised"
    message = data["findings"][0]["message"]
    assert "your function raised Odd: (its message could not be shown" in message
    assert "hostile.py:" in message


def test_closing_fd_1_does_not_close_the_report(tmp_path) -> None:
    target = module(
        tmp_path,
        """
        import os

        os.close(1)  # at import: the child's stdout, not the report's

        def closes(X, W, b, y):
            os.close(1)  # a second time: EBADF, the function's own error
            return grad(X, W, b, y)
        """,
    )
    for name, code, verdict in (("grad", 0, None), ("closes", 1, "raised")):
        done = subprocess.run(
            [sys.executable, "-m", "derive", "check-code", f"{target}:{name}", *LAYER, "--json"],
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == code, done.stderr
        assert json.loads(done.stdout)["diagnosis"] == verdict


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["--K", "100000", "--J", "100000"], "more than check-code takes (at most 256"),
        (["--timeout", "0.00001"], "must be at least 0.1 s"),
    ],
)
def test_limits_are_one_line_and_exit_2(tmp_path, capfd, argv, words) -> None:
    target = module(tmp_path, "")
    code = main(
        ["check-code", f"{target}:grad", "--quantity", "dE_dW", "--K", "3", "--J", "4", *argv]
    )
    out, err = capfd.readouterr()
    assert code == 2 and out == ""
    assert err.startswith("derive: error: ") and words in err
    assert len(err.strip().splitlines()) == 1


def test_a_correct_function_passes_under_the_smallest_timeout(tmp_path, capfd) -> None:
    target = module(tmp_path, "")
    code, data = report(capfd, f"{target}:grad", "--timeout", "0.1")
    assert code == 0 and data["passed"] is True


def test_the_checkers_numpy_is_not_the_childs(tmp_path, capfd) -> None:
    """A module that replaces NumPy's functions at import changes only its own process."""
    import numpy as np

    target = module(tmp_path, "np.allclose = lambda *a, **k: True\nnp.array_equal = np.allclose\n")
    code, data = report(capfd, f"{target}:grad")
    assert code == 0 and data["passed"] is True
    assert not np.allclose(np.zeros(2), np.ones(2))
