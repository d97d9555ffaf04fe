"""``derive check``: compiler-style lines, JSON rows, a JUnit XML report, and the exit codes of
``derive prove`` (0 all proved, 1 refuted or undecided, 2 bad usage)."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from derive.cli import main

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"

GOOD = """\
[symbols]
x = "real"
p = "positive"

[[derivation]]
name = "logs"
start = "log(exp(x)) + log(p**2)"
steps = [
  { expr = "x + log(p**2)", why = "x is real" },
  { expr = "x + 2*log(p)", why = "p is positive" },
]
"""

BAD = """\
[symbols]
x = "real"
y = "real"

[[derivation]]
name = "square"
start = "(x + y)**2"
steps = [
  { expr = "x**2 + 2*x*y + y**2", why = "expand" },
  { expr = "x**2 + y**2", why = "a classic slip" },
]
"""


@pytest.fixture
def files(tmp_path: Path) -> dict[str, str]:
    paths = {}
    for name, text in {"good": GOOD, "bad": BAD}.items():
        path = tmp_path / f"{name}.toml"
        path.write_text(text)
        paths[name] = str(path)
    return paths


def test_all_proved_exits_0_with_a_summary(files, capsys):
    assert main(["check", files["good"]]) == 0
    out = capsys.readouterr().out
    assert out.startswith("1 file, 2 steps: 2 proved, 0 refuted, 0 undecided (")  # no step lines


def test_refuted_step_is_reported_at_its_line_with_a_counterexample(files, capsys):
    assert main(["check", files["good"], files["bad"]]) == 1
    lines = capsys.readouterr().out.strip().split("\n")
    assert len(lines) == 2  # the failing step, then the summary
    assert lines[0].startswith(f"{files['bad']}:10: refuted: square, step 2: x**2 + y**2 at x = ")
    assert "lhs = " in lines[0] and "rhs = " in lines[0]
    assert "2 files, 4 steps: 3 proved, 1 refuted, 0 undecided" in lines[1]


def test_verbose_prints_proved_steps_too(files, capsys):
    assert main(["check", "-v", files["good"]]) == 0
    out = capsys.readouterr().out
    assert f"{files['good']}:9: proved: logs, step 1: x + log(p**2)" in out
    assert f"{files['good']}:10: proved: logs, step 2: x + 2*log(p)" in out


def test_json_rows_carry_the_prove_fields_plus_file_and_line(files, capsys):
    assert main(["check", "--json", files["bad"]]) == 1
    records = json.loads(capsys.readouterr().out)
    rows, summary = records[:-1], records[-1]
    assert [r["status"] for r in rows] == ["proved", "refuted"]
    assert list(rows[1]) == [
        "type",
        "derivation",
        "step",
        "lhs",
        "rhs",
        "status",
        "needs",
        "counterexample",
        "lhs_value",
        "rhs_value",
        "seconds",
        "file",
        "line",
        "column",
        "needs_detail",
        "method",
        "guard",
        "certified",
        "slip",
        "lhs_sympy",
        "rhs_sympy",
    ]
    assert summary["type"] == "summary" and summary["exit_code"] == 1
    assert summary["counts"] == {"proved": 1, "refuted": 1, "undecided": 0}
    assert rows[1]["guard"] is False and "confirmed at 50 digits" in rows[1]["method"]
    assert rows[1]["certified"] is True and rows[0]["certified"] is False  # refuted / proved
    assert (rows[1]["file"], rows[1]["line"], rows[1]["step"]) == (files["bad"], 10, 2)
    assert rows[1]["rhs"] == "x**2 + y**2"
    assert set(rows[1]["counterexample"]) == {"x", "y"}  # the user's names, not generated ones
    x, y = (float(eval_number(v)) for v in rows[1]["counterexample"].values())
    assert (x + y) ** 2 != pytest.approx(x**2 + y**2)  # an independent check of the witness
    # the sides at the counterexample, as JSON numbers: (x + y)^2 before, x^2 + y^2 after
    assert rows[1]["lhs_value"] == pytest.approx((x + y) ** 2)
    assert rows[1]["rhs_value"] == pytest.approx(x**2 + y**2)


def eval_number(value: int | str) -> float:
    """-1 or '3/2' as a float (counterexample values: an integer is a JSON number, a rational
    a string p/q)."""
    if isinstance(value, int):
        return float(value)
    numerator, _, denominator = value.partition("/")
    assert denominator, f"a non-integer is written p/q, got {value!r}"
    return int(numerator) / int(denominator)


def test_junit_xml_parses_back_with_a_suite_per_file_and_a_case_per_step(files, tmp_path, capsys):
    report = tmp_path / "reports" / "derive.xml"
    report.parent.mkdir()
    assert main(["check", files["good"], files["bad"], "--junit-xml", str(report)]) == 1
    root = ET.parse(report).getroot()
    assert root.tag == "testsuites"
    assert (root.get("tests"), root.get("failures")) == ("4", "1")
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == [files["good"], files["bad"]]
    cases = suites[1].findall("testcase")
    assert [c.get("name") for c in cases] == ["square, step 1", "square, step 2"]
    assert [c.get("line") for c in cases] == ["9", "10"]
    assert cases[0].find("failure") is None
    failure = cases[1].find("failure")
    assert failure.get("type") == "refuted"
    assert failure.get("message").startswith(f"{files['bad']}:10: refuted: square, step 2")
    assert "at x = " in failure.text
    assert [p.name for p in report.parent.iterdir()] == ["derive.xml"]  # no temporary left
    assert "refuted" in capsys.readouterr().out  # the text report is still printed


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["check", "--no-config"], "no PATH given"),
        (["check", "{tmp}/missing.toml"], "missing.toml: cannot read: No such file or directory"),
        (["check", "{tmp}/empty"], "no derivation files, posts or papers in it"),
        (["check", "{good}", "--junit-xml", "{good}/r.xml"], "ot a directory"),
        (["check", "{good}", "--timeout", "0"], "must be positive"),
    ],
)
def test_bad_usage_exits_2_with_one_line(argv, message, files, tmp_path, capsys):
    (tmp_path / "empty").mkdir()
    argv = [a.format(tmp=tmp_path, good=files["good"]) for a in argv]
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1 and captured.err.startswith("derive: error: ")
    assert message in captured.err


@pytest.mark.parametrize(
    ("replace", "by", "where", "message"),
    [
        ('"x + log(p**2)"', '"x + log(q**2)"', ":9:21:", "unknown name 'q'"),
        ('"x + 2*log(p)"', '"x + 2*log(p"', ":10:22:", "'(' was never closed"),
        ('p = "positive"', 'p = "postive"', ":3:1:", "unknown domain 'postive'"),
    ],
)
def test_a_mistake_in_a_file_exits_2_naming_file_line_and_column(
    replace, by, where, message, tmp_path, capsys
):
    path = tmp_path / "typo.toml"
    path.write_text(GOOD.replace(replace, by))
    assert main(["check", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"derive: error: {path}{where} ") and message in err


def test_injection_exits_2_without_side_effect(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    marker = tmp_path / "marker"
    path = tmp_path / "evil.toml"
    path.write_text(
        GOOD.replace('"x + 2*log(p)"', f"\"__import__('os').system('touch {marker}')\"")
    )
    report = tmp_path / "r.xml"
    assert main(["check", str(path), "--junit-xml", str(report)]) == 2
    assert f"{path}:10:13: dunder names such as '__import__'" in capsys.readouterr().err
    assert not marker.exists() and not report.exists()


@pytest.mark.slow
def test_the_shipped_examples_pass_and_the_wrong_one_fails_where_it_should(capsys):
    good = [str(EXAMPLES / "softmax_cross_entropy.toml"), str(EXAMPLES / "sigmoid_bce.toml")]
    assert main(["check", *good]) == 0
    capsys.readouterr()
    wrong = EXAMPLES / "wrong.toml"
    assert main(["check", "--json", str(wrong)]) == 1
    rows = [r for r in json.loads(capsys.readouterr().out) if r["type"] == "step"]
    refuted = [(r["derivation"], r["step"]) for r in rows if r["status"] == "refuted"]
    assert refuted == [
        ("Delta W_kj (post)", 1),
        ("dE/dz_k (forgot sum t = 1)", 2),
        ("dE/dz_k (sign)", 1),
    ]
    assert all(r["status"] == "proved" for r in rows if (r["derivation"], r["step"]) not in refuted)
    lines = wrong.read_text().split("\n")
    for row in rows:
        assert "expr" in lines[row["line"] - 1]
