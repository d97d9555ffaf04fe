"""The shell around the commands: a bare ``derive``, ``--version`` and ``--help`` without SymPy,
"did you mean", quiet pipes, report directories, colour and the progress line."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys

import pytest

from derive.cli import main
from derive.cli.terminal import Progress, paint_status, wants_colour

GOOD = """\
[symbols]
x = "real"

[[derivation]]
name = "logs"
start = "log(exp(x)) * 2"
steps = ["2*x", "x + x"]
"""


def _derive(*args: str, **kwargs) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "derive", *args],
        capture_output=True,
        text=True,
        timeout=300,
        **kwargs,
    )


def _imports(*args: str) -> set[str]:
    """The top-level modules loaded by ``derive ARGS`` (run in a fresh interpreter)."""
    code = (
        "import sys\nfrom derive.cli import main\ncode = main(sys.argv[1:])\n"
        "print('\\n' + ' '.join(sorted({m.split('.')[0] for m in sys.modules})))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=120
    )
    return set(done.stdout.strip().splitlines()[-1].split())


@pytest.mark.parametrize("args", [["--version"], ["--help"], []], ids=["version", "help", "bare"])
def test_version_help_and_a_bare_derive_import_no_sympy(args) -> None:
    """What makes them answer in a few hundredths of a second: nothing heavy is imported."""
    loaded = _imports(*args)
    assert "derive" in loaded
    assert not loaded & {"sympy", "numpy", "mpmath", "flint", "lark"}


def test_version_names_the_distribution(capsys) -> None:
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == "derive 0.1.0 (derive-check)"


def test_a_bare_derive_prints_the_usage_and_every_command(capsys) -> None:
    assert main([]) == 2
    err = capsys.readouterr().err
    assert err.startswith("usage: derive ")
    for command in ("prove", "check", "emit", "latex", "check-code", "cache"):
        assert f"\n  {command} " in err


@pytest.mark.parametrize(
    ("argv", "hint"),
    [
        (["chek", "x.toml"], "did you mean 'check'"),
        (["prov"], "did you mean 'prove'"),
        (["check", "--jsn", "x.toml"], "did you mean '--json'"),
        (["check", "--limt", "rewrites=5", "x.toml"], "did you mean '--limit'"),
        (["--vrsion"], "did you mean '--version'"),
        (["check", "--limit", "rewrite=5", "x.toml"], "did you mean 'rewrites'"),
        (["check", "--limit", "file_byte=5", "x.toml"], "did you mean 'file-bytes'"),
        (["prove", "--limit", "simplfy=5"], "did you mean 'simplify'"),
    ],
)
def test_a_misspelt_command_option_or_limit_gets_a_did_you_mean(argv, hint, capsys) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("derive: error: ") and err.count("\n") == 1
    assert hint in err


def test_a_reader_that_goes_away_ends_the_run_quietly(tmp_path) -> None:
    """``derive check --json | head -2``: no BrokenPipeError traceback, exit as SIGPIPE."""
    path = tmp_path / "good.toml"
    path.write_text(GOOD)
    read, write = os.pipe()
    os.close(read)  # nobody reads: the first write fails with EPIPE
    done = subprocess.run(
        [sys.executable, "-m", "derive", "check", "--json", str(path)],
        stdout=write,
        stderr=subprocess.PIPE,
        text=True,
        timeout=300,
    )
    os.close(write)
    assert done.stderr == ""
    assert done.returncode == 141


def test_a_shell_pipe_into_head_prints_no_traceback(tmp_path) -> None:
    path = tmp_path / "good.toml"
    path.write_text(GOOD)
    command = f"{sys.executable} -m derive check --json {path} --no-cache | head -2"
    done = subprocess.run(["bash", "-c", command], capture_output=True, text=True, timeout=300)
    assert done.stdout.splitlines()[0] == "["
    assert "Traceback" not in done.stderr and "BrokenPipe" not in done.stderr


def test_the_junit_report_directory_is_created(tmp_path, capsys) -> None:
    path = tmp_path / "good.toml"
    path.write_text(GOOD)
    report = tmp_path / "reports" / "nested" / "derive.xml"
    assert main(["check", str(path), "--junit-xml", str(report)]) == 0
    assert report.read_text().startswith('<?xml version="1.0"')


def test_quiet_prints_only_what_is_not_proved_and_qq_nothing(tmp_path, capsys) -> None:
    good = tmp_path / "good.toml"
    good.write_text(GOOD)
    bad = tmp_path / "bad.toml"
    bad.write_text(GOOD.replace('"x + x"', '"x + 2"'))
    assert main(["check", str(good), "-q"]) == 0
    assert capsys.readouterr().out == ""
    assert main(["check", str(good), str(bad), "-q"]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"{bad}:7: refuted: logs, step 2")
    assert main(["check", str(bad), "-qq"]) == 1
    assert capsys.readouterr().out == ""


def test_verbose_prints_the_proved_steps(tmp_path, capsys) -> None:
    good = tmp_path / "good.toml"
    good.write_text(GOOD)
    assert main(["check", str(good), "-v"]) == 0
    out = capsys.readouterr().out
    assert f"{good}:7: proved: logs, step 1" in out and f"{good}:7: proved: logs, step 2" in out


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_colour_on_a_terminal_unless_no_color(monkeypatch) -> None:
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    assert wants_colour(_Terminal())
    assert not wants_colour(io.StringIO())  # a pipe or a file: never
    monkeypatch.setenv("NO_COLOR", "1")
    assert not wants_colour(_Terminal())
    monkeypatch.setenv("NO_COLOR", "")  # set but empty: no effect (no-color.org)
    assert wants_colour(_Terminal())
    line = paint_status("a.toml:3: refuted: x, step 1: y", "refuted", True)
    assert line == "a.toml:3: \x1b[31mrefuted\x1b[0m: x, step 1: y"


def test_a_piped_report_has_no_colour_codes(tmp_path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(GOOD.replace('"x + x"', '"x + 2"'))
    env = {**os.environ, "TERM": "xterm"}
    env.pop("FORCE_COLOR", None)
    done = _derive("check", str(path), env=env)
    assert done.returncode == 1 and "\x1b" not in done.stdout + done.stderr


def test_the_progress_line_shows_on_a_terminal_after_two_seconds(monkeypatch) -> None:
    clock = iter([0.0, 0.5, 2.5, 2.7, 3.0])
    monkeypatch.setattr("derive.cli.terminal.time.monotonic", lambda: next(clock))
    screen = _Terminal()
    progress = Progress(10, screen)
    progress.at("posts/a.md")
    progress.advance(3)  # at 0.5 s: nothing yet
    assert screen.getvalue() == ""
    progress.advance(3)  # at 2.5 s: shown
    assert screen.getvalue().endswith("derive: checked 6/10 steps (posts/a.md)")
    progress.close()
    assert screen.getvalue().endswith("\r\x1b[K")


def test_no_progress_line_without_a_terminal(monkeypatch) -> None:
    clock = iter([0.0, 10.0, 20.0])
    monkeypatch.setattr("derive.cli.terminal.time.monotonic", lambda: next(clock))
    stream = io.StringIO()
    progress = Progress(10, stream)
    progress.advance(5)
    progress.close()
    assert stream.getvalue() == ""


def test_prove_json_is_one_array_and_jsonl_one_record_a_line(capsys) -> None:
    args = ["prove", "output", "--K", "2", "--J", "1", "--jobs", "1"]
    assert main([*args, "--json"]) == 0
    records = json.loads(capsys.readouterr().out)
    assert main([*args, "--output-format", "jsonl"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [json.loads(line) for line in lines] == [
        {**r, "seconds": json.loads(line)["seconds"]}
        for r, line in zip(records, lines, strict=True)
    ]
    assert records[-1]["type"] == "summary"


def test_version_into_a_closed_pipe_is_quiet() -> None:
    read, write = os.pipe()
    os.close(read)
    done = subprocess.run(
        [sys.executable, "-m", "derive", "--version"],
        stdout=write,
        stderr=subprocess.PIPE,
        text=True,
        timeout=60,
    )
    os.close(write)
    assert done.stderr == "" and done.returncode in (0, 141)
