"""Outputs: only regular files or new paths are written, with the mode a plain write would
give; an existing output is read only as far as a comparison needs."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from derive.cli import main
from derive.cli.writing import output_problem, read_existing, write_atomically

pytest_plugins = ["pytester"]

GOOD = """\
[symbols]
x = "real"

[[derivation]]
name = "logs"
start = "log(exp(x))"
steps = ["x"]
"""


@pytest.fixture
def umask():
    """Set a umask for the test, and put the old one back."""
    previous = os.umask(0o022)
    yield os.umask
    os.umask(previous)


@pytest.mark.parametrize("mask", [0o022, 0o027, 0o002])
def test_a_junit_report_gets_the_mode_a_new_file_gets_under_the_umask(mask, umask, tmp_path):
    source = tmp_path / "good.toml"
    source.write_text(GOOD)
    report = tmp_path / "report.xml"
    umask(mask)
    assert main(["check", str(source), "--junit-xml", str(report)]) == 0
    assert stat.S_IMODE(report.stat().st_mode) == 0o666 & ~mask
    assert [p.name for p in tmp_path.iterdir()] == sorted(["good.toml", "report.xml"])


@pytest.mark.parametrize("old_mode", [0o640, 0o4755, 0o2777, 0o600])
def test_replacing_a_file_gives_it_the_mode_of_a_new_file(old_mode, umask, tmp_path):
    path = tmp_path / "out.txt"
    path.write_text("old")
    path.chmod(old_mode)
    umask(0o022)
    write_atomically(str(path), b"new")
    assert path.read_bytes() == b"new" and stat.S_IMODE(path.stat().st_mode) == 0o644


def _setuid_target(tmp_path: Path) -> Path:
    target = tmp_path / "tool"
    target.write_text("#!/bin/sh\n")
    target.chmod(0o4755)
    (tmp_path / "out").symlink_to(target)
    return target


@pytest.mark.parametrize(
    "argv",
    [
        ["latex", "{good}", "-o", "{out}"],
        ["emit", "--K", "2", "--J", "2", "--force", "-o", "{out}"],
        ["check", "{good}", "--junit-xml", "{out}"],
    ],
    ids=["latex", "emit --force", "junit"],
)
def test_an_output_symlink_to_a_setuid_file_is_replaced_by_a_plain_file(argv, umask, tmp_path):
    """The link is replaced (never written through), and the new file's mode is a new file's:
    the target's 4755 is not copied."""
    target = _setuid_target(tmp_path)
    good = tmp_path / "good.toml"
    good.write_text(GOOD)
    out = tmp_path / "out"
    umask(0o022)
    argv = [a.format(good=good, out=out) for a in argv]
    assert main(argv) == 0
    assert not out.is_symlink() and stat.S_IMODE(out.lstat().st_mode) == 0o644
    assert target.read_text() == "#!/bin/sh\n" and stat.S_IMODE(target.stat().st_mode) == 0o4755


def test_an_existing_output_is_read_only_as_far_as_needed(tmp_path):
    path = tmp_path / "big.py"
    path.write_bytes(b"x" * 100_000)
    assert read_existing(str(path), 11) == b"x" * 11
    assert read_existing(str(tmp_path / "missing.py"), 11) is None


@pytest.mark.parametrize(
    ("make", "problem"),
    [
        (lambda p: p.mkdir(), "is a directory"),
        (os.mkfifo, "not a regular file (a FIFO); derive writes only regular files"),
        (lambda p: p.symlink_to("/dev/null"), "not a regular file (a character device)"),
        (lambda p: None, None),  # nothing there yet: fine
        (lambda p: p.write_text("x"), None),  # a regular file: fine
    ],
    ids=["directory", "fifo", "device", "new", "regular"],
)
def test_only_a_regular_file_or_a_new_path_may_be_written(make, problem, tmp_path):
    path = tmp_path / "out"
    make(path)
    found = output_problem(str(path))
    if problem is None:
        assert found is None
    else:
        assert found.startswith(f"-o {path}: {problem}")
    missing = tmp_path / "no" / "out"
    assert output_problem(str(missing)) == f"-o {missing}: no such directory"


def test_write_atomically_refuses_a_path_that_stopped_being_a_regular_file(tmp_path):
    path = tmp_path / "out"
    os.mkfifo(path)
    with pytest.raises(OSError, match="not a regular file"):
        write_atomically(str(path), b"data")
    assert stat.S_ISFIFO(path.lstat().st_mode)
    assert [p.name for p in tmp_path.iterdir()] == ["out"]  # no temporary file left


def test_emit_check_reads_a_prefix_of_a_huge_file(tmp_path, capsys, monkeypatch):
    path = tmp_path / "grads.py"
    with open(path, "wb") as handle:  # sparse: 1 GB that no one should read whole
        handle.truncate(2**30)
    reads = []
    real_read = os.read

    monkeypatch.setattr(os, "read", lambda fd, n: reads.append(n) or real_read(fd, n))
    assert main(["emit", "--K", "2", "--J", "2", "--check", "-o", str(path)]) == 1
    assert "stale" in capsys.readouterr().out
    assert sum(reads) < 2**20  # a bounded prefix, not the gigabyte


@pytest.mark.parametrize(
    "argv",
    [
        ["prove", "--timeout", "1e10"],
        ["latex", "--timeout", "inf"],
        ["check", "x.toml", "--timeout", "86401"],
    ],
)
def test_every_timeout_option_is_bounded_at_parse_time(argv, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "at most 86400 seconds" in err


def test_the_plugin_bounds_its_timeout_and_limits(pytester):
    pytester.makefile(".toml", good=GOOD)
    result = pytester.runpytest("--derive-files", "*.toml", "--derive-timeout", "1e10")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*derive timeout must be more than 0 and at most 86400*"])
    result = pytester.runpytest("--derive-files", "*.toml", "--derive-limit", "depth=0")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*derive limit: limit depth must be from 1 to 150, got 0*"])
    pytester.makeini("[pytest]\nderive_limits = expression-chars=5\n")
    result = pytester.runpytest("--derive-files", "*.toml", "-p", "no:cacheprovider")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*good.toml:6:10: expression longer than 5 characters*"])


def test_output_problem_takes_the_option_name(tmp_path):
    assert output_problem(str(tmp_path), "--junit-xml").startswith("--junit-xml ")
    assert Path(tmp_path).is_dir()
