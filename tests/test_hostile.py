"""Hostile input, as a pull request could bring it: every case exits 2 with a one-line message
naming its limit or problem (and the place, file:line:column, where there is one), prints no
traceback, writes nothing, runs nothing, and stays within a bound on memory and CPU time.

Each case runs ``python -m derive`` in a subprocess under ``resource.setrlimit``: an address
space of 768 MiB (loading a 20 MB string once took 1.2 GB) and 60 s of CPU (a hang in a loop
is killed there). A process blocked on a FIFO uses no CPU, so ``subprocess.run`` also has a
generous timeout: a guard against hanging, not a measure of speed.
"""

from __future__ import annotations

import os
import re
import resource
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

MEMORY = 768 * 2**20
CPU_SECONDS = 60
HANG_GUARD = 300

HEADER = '[symbols]\nx = "real"\ny = "real"\n\n[[derivation]]\nname = "d"\n'


def _file(start: str = "x", step: str = "x", header: str = HEADER) -> str:
    return f'{header}start = "{start}"\nsteps = ["{step}"]\n'


def _nested_diff(levels: int) -> str:
    expr = "x"
    for _ in range(levels):
        expr = f"diff(tanh({expr}), x)"
    return expr


def _growing_definitions(levels: int) -> str:
    """Each definition differentiates the one before: every diff is one level deep, but what
    it produces grows about fivefold a level."""
    lines = ['[symbols]\nx = "real"\n\n[define]\nD0 = "tanh(x)"\n']
    lines += [f'D{n} = "diff(tanh(D{n - 1}), x)"\n' for n in range(1, levels + 1)]
    return "".join(lines) + f'\n[[derivation]]\nname = "d"\nstart = "D{levels}"\nsteps = ["x"]\n'


def _derivations(count: int, steps: int = 1) -> str:
    listed = ", ".join(['"x"'] * steps)
    body = "".join(
        f'[[derivation]]\nname = "d{n}"\nstart = "x"\nsteps = [{listed}]\n' for n in range(count)
    )
    return '[symbols]\nx = "real"\n\n' + body


@dataclass(frozen=True)
class Case:
    """A hostile input: files to write (name -> text or bytes), the arguments, and what the
    one-line error must contain (``{tmp}`` is the case's directory)."""

    files: dict[str, str | bytes]
    argv: tuple[str, ...]
    message: str
    place: str = ""  # a regex for file:line:column, when the error has a place


INJECTION = "__import__('os').system('touch {tmp}/marker')"
GOOD = _file("log(exp(x))", "x")

CASES: dict[str, Case] = {
    "a device as input": Case({}, ("check", "/dev/zero"), "not a regular file (a character"),
    "a symlink to a device as input": Case(
        {"zero.toml": "->/dev/zero"}, ("check", "{tmp}/zero.toml"), "not a regular file"
    ),
    "a file over the size limit": Case(
        {"big.toml": GOOD + "#" * 3000 + "\n"},
        ("check", "--limit", "file-bytes=2000", "{tmp}/big.toml"),
        "file larger than 2000 bytes (limit: file-bytes)",
        r"big\.toml:9:\d+:",
    ),
    "a 20 MB string": Case(
        {"huge.toml": _file("x + " + "x" * 20_000_000)},
        ("check", "{tmp}/huge.toml"),
        "(limit: file-bytes)",
        r"huge\.toml:\d+:\d+:",
    ),
    "an expression over the length limit": Case(
        {"long.toml": _file("+".join(["x"] * 6000))},
        ("check", "{tmp}/long.toml"),
        "(limit: expression-chars)",
        r"long\.toml:7:\d+:",
    ),
    "invalid UTF-8 on line 3": Case(
        {"latin.toml": GOOD.replace('y = "real"', 'y = "r\xe9al"').encode("latin-1")},
        ("check", "{tmp}/latin.toml"),
        "not UTF-8 text",
        r"latin\.toml:3:7:",
    ),
    "a 5000-digit integer": Case(
        {"digits.toml": _file("x + " + "7" * 5000)},
        ("check", "{tmp}/digits.toml"),
        "a number of 5000 digits (limit: digits 100)",
        r"digits\.toml:7:14:",
    ),
    "a 3000-term sum": Case(
        {"sum.toml": _file("+".join(["x"] * 3000))},
        ("check", "{tmp}/sum.toml"),
        "(limit: terms 2000)",
        r"sum\.toml:7:\d+:",
    ),
    "9000 unary minuses": Case(
        {"minus.toml": _file("-" * 9000 + "x")},
        ("check", "{tmp}/minus.toml"),
        "nested deeper than 64 levels (limit: depth 64)",
        r"minus\.toml:7:74:",
    ),
    "3000 chained powers": Case(
        {"power.toml": _file("x**" * 3000 + "x")},
        ("check", "{tmp}/power.toml"),
        "(limit: depth 64)",
        r"power\.toml:7:\d+:",
    ),
    "a power of a power of a symbol": Case(
        {"pp.toml": _file("((x + 1)**999)**999")},
        ("check", "{tmp}/pp.toml"),
        "a power above 1000 is not built",
        r"pp\.toml:7:10:",
    ),
    "a product of powers": Case(
        {"mp.toml": _file("x**999 * x**999")},
        ("check", "{tmp}/mp.toml"),
        "a power above 1000 is not built",
        r"mp\.toml:7:10:",
    ),
    "powers of powers of numbers": Case(
        {"np.toml": _file("((10**999)**999)**999")},
        ("check", "{tmp}/np.toml"),
        "number too large: the power has too many digits",
        r"np\.toml:7:11:",
    ),
    "12 nested diff(tanh(...))": Case(
        {"diff.toml": _file(_nested_diff(12))},
        ("check", "{tmp}/diff.toml"),
        "derivatives nested 5 deep (limit: diff-depth 4)",
        r"diff\.toml:7:\d+:",
    ),
    "derivatives that grow through definitions": Case(
        {"grow.toml": _growing_definitions(12)},
        ("check", "{tmp}/grow.toml", "--timeout", "3600"),  # the limit decides, not the clock
        "nodes (limit: diff-nodes 5000)",
        r"grow\.toml:\d+:\d+:",
    ),
    "max of 200 arguments": Case(
        {"max.toml": _file("max(" + ", ".join(["x", "y"] * 100) + ")")},
        ("check", "{tmp}/max.toml"),
        "200 arguments (limit: arguments 32)",
        r"max\.toml:7:10:",
    ),
    "more derivations than the limit": Case(
        {"many.toml": _derivations(12)},
        ("check", "--limit", "derivations=10", "{tmp}/many.toml"),
        "more than 10 derivations (limit: derivations 10)",
        r"many\.toml:44:1:",
    ),
    "more steps than the limit": Case(
        {"steps.toml": _derivations(3, steps=4)},
        ("check", "--limit", "steps=10", "{tmp}/steps.toml"),
        "more than 10 steps in the file (limit: steps 10)",
        r"steps\.toml:\d+:1:",
    ),
    "x/0 in a step": Case(
        {"zero.toml": _file("x", "x/0")},
        ("check", "{tmp}/zero.toml"),
        "division by zero",
        r"zero\.toml:8:11:",
    ),
    "log(0) in a step": Case(
        {"log.toml": _file("x", "x + log(0)")},
        ("check", "{tmp}/log.toml"),
        "undefined: SymPy evaluates this to zoo",
        r"log\.toml:8:15:",
    ),
    "a keyword as a symbol": Case(
        {"kw.toml": _file(header=HEADER.replace('y = "real"', 'lambda = "real"'))},
        ("check", "{tmp}/kw.toml"),
        "'lambda' is a reserved word",
        r"kw\.toml:3:1:",
    ),
    "code in an expression": Case(
        {"evil.toml": _file("x", INJECTION)},
        ("check", "{tmp}/evil.toml", "--junit-xml", "{tmp}/report.xml"),
        "dunder names such as '__import__'",
        r"evil\.toml:8:11:",
    ),
    "a timeout that overflows": Case(
        {"good.toml": GOOD}, ("check", "{tmp}/good.toml", "--timeout", "1e10"), "at most 86400"
    ),
    "a timeout that is not a number": Case(
        {"good.toml": GOOD}, ("check", "{tmp}/good.toml", "--timeout", "nan"), "must be positive"
    ),
    "an unknown limit": Case(
        {"good.toml": GOOD}, ("check", "{tmp}/good.toml", "--limit", "x=1"), "unknown limit 'x'"
    ),
    "a limit out of range": Case(
        {"good.toml": GOOD},
        ("check", "{tmp}/good.toml", "--limit", "depth=100000"),
        "limit depth must be from 1 to 150",
    ),
    "a JUnit report that is a directory": Case(
        {"good.toml": GOOD, "out/keep": ""},
        ("check", "{tmp}/good.toml", "--junit-xml", "{tmp}/out"),
        "--junit-xml {tmp}/out: is a directory",
    ),
    "a JUnit report that is a symlink to a device": Case(
        {"good.toml": GOOD, "report.xml": "->/dev/full"},
        ("check", "{tmp}/good.toml", "--junit-xml", "{tmp}/report.xml"),
        "not a regular file (a character device); derive writes only regular files",
    ),
    "emit to a device, forced": Case(
        {"full.py": "->/dev/full"},
        ("emit", "--K", "3", "--J", "2", "--force", "-o", "{tmp}/full.py"),
        "-o {tmp}/full.py: not a regular file (a character device)",
    ),
    "emit --check against an endless device": Case(
        {"zero.py": "->/dev/zero"},
        ("emit", "--K", "3", "--J", "2", "--check", "-o", "{tmp}/zero.py"),
        "not a regular file",
    ),
    "a post that is a device": Case(
        {"zero.md": "->/dev/zero"}, ("check", "{tmp}/zero.md"), "not a regular file (a character"
    ),
    "a post with invalid UTF-8 on line 3": Case(
        {"post.md": b"# A post\n\nab\xff $$ x = x $$\n"},
        ("check", "{tmp}/post.md"),
        "not UTF-8 text",
        r"post\.md:3:3:",
    ),
    "latex to an endless device": Case(
        {"zero.md": "->/dev/zero"},
        ("latex", "output", "--format", "md", "-o", "{tmp}/zero.md"),
        "not a regular file",
    ),
}


def _limits() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))
    resource.setrlimit(resource.RLIMIT_CPU, (CPU_SECONDS, CPU_SECONDS))


def run_derive(tmp: Path, argv: tuple[str, ...]) -> subprocess.CompletedProcess[str]:
    """``python -m derive ARGV`` in ``tmp`` under the memory and CPU limits."""
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
    return subprocess.run(
        [sys.executable, "-m", "derive", *(a.replace("{tmp}", str(tmp)) for a in argv)],
        cwd=tmp,
        env=env,
        capture_output=True,
        text=True,
        preexec_fn=_limits,
        timeout=HANG_GUARD,
        check=False,
    )


def _write(tmp: Path, files: dict[str, str | bytes]) -> None:
    for name, content in files.items():
        path = tmp / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, str) and content.startswith("->"):
            path.symlink_to(content[2:])
        elif isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")


def _listing(tmp: Path) -> dict[str, tuple[int, int]]:
    return {
        str(p.relative_to(tmp)): (p.lstat().st_mode, p.lstat().st_mtime_ns) for p in tmp.rglob("*")
    }


def expect_usage_error(tmp: Path, argv: tuple[str, ...], message: str, place: str = "") -> str:
    """Run; assert exit 2, one line naming the problem, no traceback, nothing written or run."""
    before = _listing(tmp)
    result = run_derive(tmp, argv)
    assert "Traceback" not in result.stderr + result.stdout
    assert result.returncode == 2, result.stderr[-2000:]
    assert result.stdout == ""  # nothing checked, nothing reported
    err = result.stderr
    assert err.count("\n") == 1 and err.startswith("derive: error: "), err[-2000:]
    assert message.replace("{tmp}", str(tmp)) in err
    if place:
        assert re.search(place, err), err
    assert _listing(tmp) == before  # no report, no module, no temporary file
    assert not (tmp / "marker").exists()
    return err


@pytest.mark.parametrize("name", list(CASES))
def test_hostile_input_is_refused_within_bounds(name, tmp_path):
    case = CASES[name]
    _write(tmp_path, {k: v for k, v in case.files.items()})
    expect_usage_error(tmp_path, case.argv, case.message, case.place)


def test_the_corpus_runner_notices_a_case_that_is_accepted(tmp_path):
    """Test the tester: a good file exits 0, and the runner's assertions reject it."""
    _write(tmp_path, {"good.toml": GOOD})
    with pytest.raises(AssertionError):
        expect_usage_error(tmp_path, ("check", "{tmp}/good.toml"), "error")


@pytest.mark.slow
def test_a_file_within_the_limits_loads_64000_derivations(tmp_path):
    """Loading is linear in the file's size: 64,000 small derivations (3.9 MB) load within the
    CPU bound (the scan of every literal per lookup never finished), and memory stays bounded."""
    path = tmp_path / "many.toml"
    path.write_text(_derivations(64_000))
    code = (
        "import sys; from derive.sources.toml.file import load_file; "
        "print(len(load_file(sys.argv[1]).derivations))"
    )

    def limits() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (1536 * 2**20, 1536 * 2**20))
        resource.setrlimit(resource.RLIMIT_CPU, (CPU_SECONDS, CPU_SECONDS))

    result = subprocess.run(
        [sys.executable, "-c", code, str(path)],
        capture_output=True,
        text=True,
        preexec_fn=limits,
        timeout=HANG_GUARD,
        env={**os.environ, "OPENBLAS_NUM_THREADS": "1"},
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "64000"


Make = Callable[[Path], None]


def _fifo(path: Path) -> None:
    os.mkfifo(path)


def _char_device(path: Path) -> None:
    os.mknod(path, 0o666 | 0o020000, os.makedev(1, 3))  # a copy of /dev/null


@pytest.mark.parametrize("make", [_fifo, _char_device], ids=["fifo", "char-device"])
@pytest.mark.parametrize(
    "argv",
    [
        ("check", "{tmp}/good.toml", "--junit-xml", "{tmp}/node"),
        ("emit", "--K", "3", "--J", "2", "-o", "{tmp}/node"),
        ("emit", "--K", "3", "--J", "2", "--force", "-o", "{tmp}/node"),
        ("emit", "--K", "3", "--J", "2", "--check", "-o", "{tmp}/node"),
        ("latex", "output", "--format", "md", "-o", "{tmp}/node"),
        ("latex", "output", "--format", "md", "--check", "-o", "{tmp}/node"),
        ("check", "{tmp}/node"),
    ],
    ids=["junit", "emit", "emit-force", "emit-check", "latex", "latex-check", "check-input"],
)
def test_a_device_node_or_fifo_is_never_written_nor_read(make, argv, tmp_path):
    """Exit 2 before any work, without hanging on the FIFO, and the node is left as it was."""
    _write(tmp_path, {"good.toml": GOOD})
    node = tmp_path / "node"
    try:
        make(node)
    except (PermissionError, OSError) as error:  # mknod needs root (or CAP_MKNOD)
        pytest.skip(f"cannot make a {make.__name__[1:]} here: {error}")
    kind = node.lstat().st_mode
    err = expect_usage_error(tmp_path, argv, "not a regular file")
    assert node.lstat().st_mode == kind  # still the device or FIFO, not a regular file
    assert err.count("not a regular file (a") == 1
