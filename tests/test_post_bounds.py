"""Reading is bounded, limits never judge, depth is a limit and nothing is dropped silently.

- A limit is never a free symbol: definitions are written out within a named depth and size;
  past them a claim is "cannot check", never refuted with a defined symbol left free.
- Every stage of reading a post is linear or refused before the work: each case of the hostile
  run ends in its report within ``test_hostile``'s caps on memory (768 MiB) and CPU (60 s).
- Nesting is measured before tomllib and pylatexenc: ``file:line:col: nested too deep``, exit 2
  (a collection error for that file only, in the pytest plugin).
- Line ends of every kind count as line ends; a NUL or control character in math makes its row
  "cannot read"; an ``=`` in a ``&&`` note is reported as "not checked: a note".
"""

from __future__ import annotations

import itertools
import json
import string
from pathlib import Path

import pytest
from post_support import check
from test_hostile import expect_usage_error, run_derive
from test_plugin import _run

from derive.cli import main
from derive.sources.posts.definitions import MAX_DEPTH

pytest_plugins = ["pytester"]


def _chain(levels: int) -> str:
    """``a^{(0)} = 0``, then ``a^{(i)} = a^{(i-1)} + 1`` up to ``levels``, then the claim."""
    rows = ["$$ a^{(0)} = 0 $$"]
    rows += [f"$$ a^{{({i})}} = a^{{({i - 1})}} + 1 $$" for i in range(1, levels + 1)]
    rows.append(f"$$ y = a^{{({levels})}} = {levels} $$")
    return "\n\n".join(rows) + "\n"


def _doubling(rows: int) -> str:
    """Each letter defined as the one before plus its square: 2^rows terms written out."""
    letters = [c for c in string.ascii_lowercase if c != "e"][: rows + 1]
    text = f"$$ {letters[0]} = 2 $$\n\n"
    text += "".join(f"$$ {b} = {a} + {a} \\cdot {a} $$\n\n" for a, b in itertools.pairwise(letters))
    return text + f"$$ {letters[-1]} + 1 = 1 + {letters[-1]} $$\n"


# --- definitions: a limit, never a free symbol ---------------------------------------------------


def test_a_chain_of_30_definitions_is_proved() -> None:
    (result,) = check(_chain(30), timeout=30)
    assert result.status == "proved", result.message()


def test_a_chain_deeper_than_the_limit_cannot_be_checked_and_is_never_refuted() -> None:
    (result,) = check(_chain(MAX_DEPTH + 5), timeout=30)
    assert result.status == "cannot check", result.message()
    assert f"definitions nested deeper than {MAX_DEPTH}" in result.detail


def test_definitions_that_double_are_measured_before_they_are_written_out() -> None:
    (result,) = check(_doubling(25), timeout=30)
    assert result.status == "cannot check", result.message()
    assert "definitions written out would exceed 20000 nodes" in result.detail


# --- bounded reading, under a memory cap ---------------------------------------------------------

_SCRIPTS = "$$ x" + "_a" * 40_000 + " = 1 $$\n"  # 80 KB of scripts
_DISPLAY = "$$\n" + "x + " * 240_000 + "x = 1\n$$\n"  # a 1 MB display
_CONTINUED = "$$\n\\begin{aligned}\ny &= a \\\\\n" + "+a \\\\\n" * 140_000 + "\\end{aligned}\n$$\n"
_JOINED = "$$\n\\begin{aligned}\ny &= a \\\\\n" + "+a \\\\\n" * 3_000 + "\\end{aligned}\n$$\n"

REPORTS = {  # exit 1, with this report
    "powers of powers of numbers": (
        "$$ y = ((10^{999})^{999})^{999} $$\n",
        "post.md:1:6: cannot read: number too large: the power has too many digits",
    ),
    "powers of powers of a symbol": (
        "$$ ((x+1)^{999})^{999} = 1 $$\n",
        "post.md:1:24: cannot check: a power above 1000 is not built",
    ),
    "a product of powers": ("$$ x^{999} x^{999} = 1 $$\n", "cannot check: a power above 1000"),
    "26 definitions that double": (_doubling(25), "definitions written out would exceed"),
    "80 KB of scripts": (_SCRIPTS, "post.md:1:3: cannot read: the display is longer than 20000"),
    "continuations joined past the row limit": (_JOINED, "cannot read: the row is too long"),
}
REFUSALS = {  # exit 2, one line
    "a 1 MB display": (_DISPLAY, "characters of math, more than 200000: split the file"),
    "140,000 continuation rows": (_CONTINUED, "characters of math, more than 200000"),
}


@pytest.mark.parametrize("name", list(REPORTS))
def test_hostile_reading_ends_in_a_report_within_the_caps(name: str, tmp_path: Path) -> None:
    text, report = REPORTS[name]
    (tmp_path / "post.md").write_text(text, encoding="utf-8")
    result = run_derive(tmp_path, ("check", "post.md"))
    assert "Traceback" not in result.stdout + result.stderr
    assert result.returncode == 1 and result.stderr == "", result.stderr[-2000:]
    assert report in result.stdout, result.stdout[-2000:]


@pytest.mark.parametrize("name", list(REFUSALS))
def test_hostile_reading_is_refused_within_the_caps(name: str, tmp_path: Path) -> None:
    text, message = REFUSALS[name]
    (tmp_path / "post.md").write_text(text, encoding="utf-8")
    expect_usage_error(tmp_path, ("check", "{tmp}/post.md"), message, r"post\.md:1:1:")


# --- depth: a limit, not a crash -----------------------------------------------------------------

NESTED = {
    "500 braces in a .tex file": (
        "paper.tex",
        "\\documentclass{article}\n\\begin{document}\n" + "{" * 500 + "x" + "}" * 500 + "\n"
        "\\[ 1 = 1 \\]\n\\end{document}\n",
        r"paper\.tex:3:100:",
    ),
    "600 environments in a .tex file": (
        "paper.tex",
        "\\begin{document}\n" + "\\begin{a}" * 600 + "\n\\[ 1 = 1 \\]\n",
        r"paper\.tex:2:\d+:",
    ),
    "500 nested arrays in a derivation file": (
        "file.toml",
        '[symbols]\nx = "real"\ny = ' + "[" * 500 + "1" + "]" * 500 + "\n",
        r"file\.toml:3:105:",
    ),
    "500 nested arrays in a declarations block": (
        "post.md",
        "<!-- derive\n[symbols]\nx = " + "[" * 500 + "]" * 500 + "\n-->\n\n$$ 1 = 1 $$\n",
        r"post\.md:3:105:",
    ),
}


@pytest.mark.parametrize("name", list(NESTED))
@pytest.mark.parametrize("command", ["check", "latex"])
def test_nesting_past_the_limit_is_one_line_and_exit_2(name: str, command: str, tmp_path) -> None:
    file, text, place = NESTED[name]
    (tmp_path / file).write_text(text, encoding="utf-8")
    expect_usage_error(tmp_path, (command, f"{{tmp}}/{file}"), "nested too deep (limit 100)", place)


def test_a_configuration_nested_too_deep_is_one_line_and_exit_2(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        "[tool.derive]\nx = " + "[" * 500 + "]" * 500 + "\n", encoding="utf-8"
    )
    (tmp_path / "post.md").write_text("$$ 1 = 1 $$\n", encoding="utf-8")
    message = "pyproject.toml:2:105: nested too deep (limit 100)"
    expect_usage_error(tmp_path, ("check", "{tmp}/post.md"), message)


def test_a_derivation_file_nested_too_deep_in_a_folder_is_reported(tmp_path: Path) -> None:
    _, text, _ = NESTED["500 nested arrays in a derivation file"]
    (tmp_path / "derivations").mkdir()
    (tmp_path / "derivations" / "deep.toml").write_text(text, encoding="utf-8")
    expect_usage_error(tmp_path, ("check", "{tmp}/derivations"), "nested too deep (limit 100)")


def test_the_plugin_reports_a_file_nested_too_deep_as_its_own_collection_error(pytester):
    _, text, _ = NESTED["500 braces in a .tex file"]
    pytester.makefile(".tex", paper=text)
    pytester.makefile(".md", good="$$ 2x = x + x $$\n")
    files = ("--derive-files", "*.tex", "--derive-files", "*.md")
    result = _run(pytester, *files, "--continue-on-collection-errors")
    result.assert_outcomes(passed=1, errors=1)  # the other file is still collected and run
    result.stdout.fnmatch_lines(["*paper.tex:3:100: nested too deep (limit 100)*"])
    assert "Traceback" not in result.stdout.str() and "RecursionError" not in result.stdout.str()


# --- nothing dropped silently --------------------------------------------------------------------

POST = "# A post\n\nSome text.\n\n$$\n1 + 1 = 3\n$$\n\n$$ x = 2 = 2 $$\n"


@pytest.mark.parametrize("ending", ["\n", "\r\n", "\r"], ids=["LF", "CRLF", "CR"])
def test_every_kind_of_line_end_is_a_line_end_with_the_same_positions(ending: str) -> None:
    results = check(POST.replace("\n", ending))
    assert [(r.line, r.column, r.status) for r in results] == [
        (6, 7, "refuted"),
        (9, 10, "proved"),
    ]


@pytest.mark.parametrize("char", ["\x00", "\x01", "\x0c", "\x1f", "\x7f", "\x85"])
def test_a_control_character_in_math_makes_its_row_unreadable_at_its_place(char: str) -> None:
    (result,) = check(f"Text.\n\n$$ 1 + {char}1 = 3 $$\n")
    assert result.status == "cannot read" and (result.line, result.column) == (3, 11)
    assert f"unexpected character {char!r} (at 3:8)" in result.detail


def test_an_equation_in_a_note_is_reported_as_not_checked(tmp_path, capsys) -> None:
    post = tmp_path / "post.md"
    post.write_text(
        "$$\n\\begin{aligned}\nx &= 1 && 1 = 2 \\\\\ny &= 2 + 2 = 4\n\\end{aligned}\n$$\n"
    )
    assert main(["check", str(post)]) == 0  # a note is not a claim: no failure
    quiet = capsys.readouterr().out
    assert "not checked" not in quiet.splitlines()[-2] and "1 not checked" in quiet
    assert main(["check", str(post), "-v"]) == 0
    assert f"{post}:3:13: not checked: a note: 1 = 2" in capsys.readouterr().out
    assert main(["check", str(post), "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    (note,) = [r for r in rows if r["status"] == "not checked"]
    assert (note["line"], note["column"], note["detail"], note["rhs"]) == (3, 13, "a note", "1 = 2")
