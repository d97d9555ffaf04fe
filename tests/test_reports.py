"""One-line reports stay one line: user text (names, file names, claims) is shown with control
characters escaped, so a derivation name cannot start a GitHub workflow command (a line that
begins with ``::``) nor drive the terminal."""

from __future__ import annotations

import unicodedata
import xml.etree.ElementTree as ET
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from derive.cli import main
from derive.sources.oneline import one_line, one_line_path

pytest_plugins = ["pytester"]

PAYLOAD = "\n::error file=README.md,line=1::pwned\x1b[2J\x00"
FILE = """\
[symbols]
x = "real"
y = "real"

[[derivation]]
name = "square\\n::error file=README.md,line=1::pwned\\u001b[2J\\u0000"
title = "t\\n::warning::t"
start = "(x + y)**2"
steps = [
  { expr = "x**2 + 2*x*y + y**2", why = "w\\n::notice::w" },
  { expr = "x**2 + y**2" },
]
"""


def test_escaping_keeps_printable_text_and_escapes_every_line_break():
    assert one_line("dE/dz_k, step 2: a[k] - t[k] \\ é") == "dE/dz_k, step 2: a[k] - t[k] \\ é"
    assert one_line(PAYLOAD) == "\\n::error file=README.md,line=1::pwned\\x1b[2J\\x00"
    assert one_line("a\rb\tc\x85d\u2028e\u2029f\x7f") == "a\\rb\\tc\\x85d\\u2028e\\u2029f\\x7f"
    assert one_line("abc\u202edcba") == "abc\\u202edcba"  # a bidi override (Trojan Source)


def test_a_file_name_never_starts_a_report_line_with_two_colons():
    assert one_line_path("::error::x.toml") == "./::error::x.toml"
    assert one_line_path("derivations/a.toml") == "derivations/a.toml"


@given(st.text())
def test_escaped_text_is_one_line_without_control_characters(text):
    shown = one_line(text)
    assert len(shown.splitlines()) <= 1
    assert not any(unicodedata.category(c) in ("Cc", "Zl", "Zp") for c in shown)
    if text.isprintable():
        assert shown == text


def test_a_workflow_command_in_a_derivation_name_stays_inside_its_line(tmp_path, capsys):
    path = tmp_path / "evil.toml"
    path.write_text(FILE)
    report = tmp_path / "report.xml"
    assert main(["check", "-v", str(path), "--junit-xml", str(report)]) == 1
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert len(lines) == 3  # two steps and the summary: nothing split
    assert all(line.startswith(f"{path}:") for line in lines[:2])
    assert not any(line.startswith("::") for line in out.splitlines())
    assert "\x1b" not in out and "\x00" not in out
    assert "square\\n::error file=README.md,line=1::pwned\\x1b[2J\\x00, step 2" in lines[1]
    # the JUnit report keeps the name as written (XML escapes it), the message one line
    cases = ET.parse(report).getroot().iter("testcase")
    failure = [c.find("failure") for c in cases][1]
    assert "\n" not in failure.get("message")


def test_a_workflow_command_in_a_file_name_does_not_start_a_line(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    name = "::error file=README.md,line=1::x.toml"
    Path(name).write_text(FILE.replace("square\\n", "square "))
    assert main(["check", name]) == 1
    out = capsys.readouterr().out
    assert out.startswith(f"./{name}:11: refuted:")
    assert not any(line.startswith("::") for line in out.splitlines())


def test_an_error_naming_a_file_is_one_line(tmp_path, capsys):
    name = tmp_path / "a\n::error::b.toml"
    name.write_text("[symbols\n")
    assert main(["check", str(name)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "a\\n::error::b.toml:1:" in err


def test_pytest_reports_of_a_hostile_name_stay_one_line(pytester):
    pytester.makefile(".toml", evil=FILE)
    pytester.makeini("[pytest]\nderive_files = *.toml\n")
    result = pytester.runpytest("-p", "no:cacheprovider", "-rf")
    result.assert_outcomes(passed=1, failed=1)
    out = result.stdout.str()
    assert not any(line.startswith("::") for line in out.splitlines())
    result.stdout.fnmatch_lines(["FAILED evil.toml::square\\n::error*step 2*"])


def test_a_report_table_keeps_one_row_per_line():
    from sympy import symbols

    from derive import Derivation, Step

    x = symbols("x", real=True)
    table = str(Derivation("name\n::error::x", x + x, (Step(2 * x, "why\n::x"),)).check())
    rows = table.splitlines()
    assert len(rows) == 3  # header, rule, the step
    assert rows[2].startswith("name\\n::error::x")
