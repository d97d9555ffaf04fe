"""derive check on posts from the command line: dispatch by extension and --format, the text,
JSON and JUnit reports, exit codes, and bad input as one-line errors with exit 2."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from derive.cli import main

GOOD = "# Algebra\n\nExpand:\n\n$$ (a + b)^2 = a^2 + 2ab + b^2 $$\n"
BAD = GOOD + "\nAnd a slip:\n\n$$ (a - b)^2 = a^2 - b^2 $$\n"
TEX = (
    "\\documentclass{article}\n\\begin{document}\n\\begin{align}\n"
    "(a+b)^2 &= a^2 + 2ab + b^2\n\\end{align}\n\\end{document}\n"
)


def _run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["check", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _write(tmp_path: Path, name: str, text: str | bytes) -> str:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return str(path)


def test_a_proved_post_exits_0(capsys, tmp_path) -> None:
    code, out, err = _run(capsys, _write(tmp_path, "good.md", GOOD))
    assert code == 0 and err == ""
    assert out.strip().endswith("(0.0 s)") or "1 step: 1 proved, 0 refuted, 0 undecided" in out


def test_a_refuted_step_exits_1_with_file_line_col(capsys, tmp_path) -> None:
    path = _write(tmp_path, "bad.md", BAD)
    code, out, _ = _run(capsys, path)
    assert code == 1
    assert f"{path}:9:14: refuted: (a - b)^2 = a^2 - b^2 at " in out
    assert "2 steps: 1 proved, 1 refuted, 0 undecided" in out


def test_tex_is_chosen_by_extension_and_format_overrides(capsys, tmp_path) -> None:
    assert _run(capsys, _write(tmp_path, "paper.tex", TEX))[0] == 0
    path = _write(tmp_path, "paper.txt", TEX)
    code, _, err = _run(capsys, path)  # an unknown extension is read as TOML
    assert code == 2 and "TOML" in err
    assert _run(capsys, path, "--format", "tex")[0] == 0
    assert _run(capsys, _write(tmp_path, "post.markdown", GOOD))[0] == 0


def test_verbose_prints_proved_steps(capsys, tmp_path) -> None:
    path = _write(tmp_path, "good.md", GOOD)
    code, out, _ = _run(capsys, path, "-v")
    assert code == 0 and f"{path}:5:14: proved: " in out


def test_unreadable_and_uncheckable_steps_count_as_not_proved(capsys, tmp_path) -> None:
    path = _write(tmp_path, "broken.md", GOOD + "\n$$ f = max(0, x $$\n")
    code, out, _ = _run(capsys, path)
    assert code == 1 and f"{path}:7:6: cannot read: " in out
    assert "1 cannot read" in out


def test_json_rows_have_the_toml_fields_and_the_column(capsys, tmp_path) -> None:
    code, out, _ = _run(capsys, _write(tmp_path, "bad.md", BAD), "--json")
    rows = [r for r in json.loads(out) if r["type"] == "step"]
    assert code == 1 and [r["status"] for r in rows] == ["proved", "refuted"]
    for key in ("derivation", "step", "lhs", "rhs", "needs", "counterexample", "file", "line"):
        assert key in rows[1]
    assert rows[1]["line"] == 9 and rows[1]["column"] == 14
    assert rows[1]["counterexample"] and rows[1]["defaults"]


def test_junit_marks_every_step_not_proved_as_a_failure(capsys, tmp_path) -> None:
    report = tmp_path / "report.xml"
    path = _write(tmp_path, "broken.md", BAD + "\n$$ g = max(0, x $$\n")
    code, _, _ = _run(capsys, path, "--junit-xml", str(report))
    suite = ET.parse(report).getroot().find("testsuite")
    failures = [c.find("failure") for c in suite.findall("testcase")]
    assert code == 1
    assert [f.get("type") if f is not None else None for f in failures] == [
        None,
        "refuted",
        "cannot read",
    ]


def test_toml_and_posts_together(capsys, tmp_path) -> None:
    toml = Path(__file__).resolve().parents[1] / "examples" / "sigmoid_bce.toml"
    code, out, _ = _run(capsys, str(toml), _write(tmp_path, "good.md", GOOD))
    assert code == 0 and "2 files" in out


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("missing.md", None, "cannot read"),
        ("folder.md", "DIR", "no derivation files, posts or papers in it"),
        ("latin1.md", b"$$ x = \xe9 $$\n", "not UTF-8"),
        ("latin1.tex", b"\\[ x = \xe9 \\]\n", "not UTF-8"),
    ],
)
def test_bad_input_is_a_one_line_error_and_exit_2(capsys, tmp_path, name, content, message) -> None:
    path = tmp_path / name
    if content == "DIR":
        path.mkdir()
    elif isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        path.write_text(content, encoding="utf-8")
    code, out, err = _run(capsys, str(path))
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and message in err and "Traceback" not in err


NO_MATH = [
    ("nomath.tex", "\\documentclass{article}\n\\begin{document}\nHello.\n\\end{document}\n"),
    ("nomath.md", "# Title\n\nOnly $x = 1$ inline.\n"),
]


@pytest.mark.parametrize(("name", "content"), NO_MATH)
def test_a_file_without_display_math_is_noted_and_the_others_are_checked(
    capsys, tmp_path, name, content
) -> None:
    empty = _write(tmp_path, name, content)
    post = _write(tmp_path, "bad.md", BAD)
    code, out, err = _run(capsys, empty, post)
    assert code == 1 and err == ""  # bad.md's refuted step decides the exit code
    assert f"{empty}: no display math: nothing to check" in out.splitlines()
    assert f"{post}:9:14: refuted: " in out  # the other post is still checked
    assert out.splitlines()[-1].startswith("2 files, 2 steps: 1 proved, 1 refuted, 0 undecided;")
    assert "1 file with nothing to check" in out.splitlines()[-1]


def test_strict_makes_a_file_with_nothing_to_check_fail_the_run(capsys, tmp_path) -> None:
    empty = _write(tmp_path, "README.md", "# Read me\n\nNo math here.\n")
    good = _write(tmp_path, "good.md", "$$ (a + b)^2 = a^2 + 2ab + b^2 $$\n")
    assert _run(capsys, empty, good)[0] == 0
    code, out, _ = _run(capsys, empty, good, "--strict")
    assert code == 1 and "nothing to check" in out
    records = json.loads(_run(capsys, empty, good, "--strict", "--json")[1])
    assert records[-1]["nothing_to_check"] == [
        {"file": empty, "reason": "no display math: nothing to check"}
    ]
    assert records[-1]["exit_code"] == 1 and records[-1]["status"] == "failed"


def test_the_same_post_gives_the_same_report_under_any_hash_seed(tmp_path) -> None:
    import os
    import subprocess
    import sys

    post = _write(
        tmp_path,
        "softmax.md",
        "$$ a_k = \\frac{e^{z_k}}{\\sum_{c=1}^{K} e^{z_c}} $$\n\n"
        "$$ E = -\\sum_{k=1}^{K} t_k \\log a_k $$\n\n"
        "$$ \\frac{\\partial E}{\\partial z_k} = a_k \\sum_{d=1}^{K} t_d - t_k = a_k - t_k $$\n",
    )
    reports = []
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run(
            [sys.executable, "-m", "derive", "check", post, "--json"],
            capture_output=True,
            text=True,
            env=env,
            check=False,
        )
        rows = [r for r in json.loads(done.stdout) if r["type"] == "step"]
        reports.append([{k: v for k, v in r.items() if k != "seconds"} for r in rows])
    assert reports[0] == reports[1]
    assert [r["status"] for r in reports[0] if r["kind"] == "claim"] == ["proved", "refuted"]
    assert [r["kind"] for r in reports[0]] == ["definition", "definition", "claim", "claim"]
