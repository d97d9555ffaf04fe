"""Many files, one run: directories walked (``.gitignore``, exclusions), ``[tool.derive]``
settings under the flags, every error of a file listed, GitHub annotations and JSON Lines."""

from __future__ import annotations

import json
import re
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from derive.cli import main
from derive.project.config import ConfigError, load_config
from derive.project.discover import Exclusions, find_files
from derive.render.github import annotation

GOOD = """\
[symbols]
x = "real"

[[derivation]]
name = "logs"
start = "log(exp(x)) * 2"
steps = ["2*x", "x + x"]
"""
BAD = GOOD.replace('"x + x"', '"x + 2"')
POST = "# Post\n\n$$ (a + b)^2 = a^2 + 2ab + b^2 $$\n"


def _tree(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def _relative(found: list[str], root: Path) -> list[str]:
    return [Path(f).resolve().relative_to(root.resolve()).as_posix() for f in found]


def test_a_walk_honours_gitignore_exclusions_and_skips_other_toml(tmp_path) -> None:
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    _tree(
        tmp_path,
        {
            ".gitignore": "build/\n*.draft.md\n",
            "pyproject.toml": "[project]\nname = 'x'\n",  # not a derivation file
            "derivations/model.toml": GOOD,
            "derivations/old/legacy.toml": BAD,
            "derivations/.gitignore": "scratch.toml\n",
            "derivations/scratch.toml": BAD,
            "posts/a.md": POST,
            "posts/b.draft.md": POST,
            "build/out.md": POST,
            ".venv/lib/x.md": POST,
            "notes.txt": "not a source",
        },
    )
    found = find_files([str(tmp_path)], Exclusions(("derivations/old/",), str(tmp_path)))
    assert _relative(found.files, tmp_path) == ["derivations/model.toml", "posts/a.md"]
    assert not found.problems


def test_a_named_file_is_checked_even_if_excluded_unless_forced(tmp_path) -> None:
    _tree(tmp_path, {"drafts/a.md": POST})
    named = str(tmp_path / "drafts" / "a.md")
    exclusions = Exclusions(("drafts/",), str(tmp_path))
    assert find_files([named], exclusions).files == [named]
    assert find_files([named], exclusions, force_exclude=True).files == []


def test_check_walks_a_directory_and_reports_every_file(tmp_path, capsys, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    _tree(tmp_path, {"d/good.toml": GOOD, "d/bad.toml": BAD, "d/post.md": POST})
    assert main(["check", "d", "--no-config"]) == 1
    out = capsys.readouterr().out
    assert "d/bad.toml:7: refuted: logs, step 2" in out
    assert out.splitlines()[-1].startswith("3 files, 5 steps: 4 proved, 1 refuted")


def test_every_error_of_a_file_is_listed(tmp_path, capsys) -> None:
    path = tmp_path / "typos.toml"
    path.write_text(
        GOOD.replace('"2*x"', '"2*q"').replace('"x + x"', '"x +"')
        + '\n[[derivation]]\nname = "two"\nstart = "x"\nsteps = ["y"]\n'
    )
    assert main(["check", str(path)]) == 2
    lines = capsys.readouterr().err.splitlines()
    places = [re.match(rf"derive: error: {re.escape(str(path))}:(\d+):(\d+): ", x) for x in lines]
    assert [m.groups() for m in places] == [("7", "13"), ("7", "21"), ("12", "11")]
    assert "unknown name 'q'" in lines[0] and "unknown name 'y'" in lines[2]


CONFIG = """\
[project]
name = "demo"

[tool.derive]
paths = ["derivations"]
exclude = ["derivations/wip/"]
output-format = "json"
strict = true
timeout = 30
limits = { rewrites = 5, file-bytes = 100000 }
"""


def test_tool_derive_settings_apply_and_flags_win(tmp_path, capsys, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    _tree(
        tmp_path,
        {
            "pyproject.toml": CONFIG,
            "derivations/good.toml": GOOD,
            "derivations/wip/bad.toml": BAD,
            "other/bad.toml": BAD,
        },
    )
    config = load_config()
    assert config.paths == ("derivations",) and config.strict and config.timeout == 30
    assert dict(config.limits) == {"rewrites": 5, "file-bytes": 100000}
    assert main(["check"]) == 0  # the paths, the exclusion and the output format of the table
    records = json.loads(capsys.readouterr().out)
    assert {r.get("file") for r in records[:-1]} == {"derivations/good.toml"}
    assert main(["check", "other", "--output-format", "text"]) == 1  # named paths and a flag win
    assert "other/bad.toml:7: refuted" in capsys.readouterr().out
    assert main(["check", "--exclude", "nothing/", "--output-format", "jsonl"]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert any("derivations/wip/bad.toml" in line for line in lines)  # --exclude replaced it


def test_a_flag_limit_replaces_the_same_limit_of_the_table_only(tmp_path, monkeypatch) -> None:
    from derive.cli import parse
    from derive.cli.settings import settings_of

    monkeypatch.chdir(tmp_path)
    _tree(tmp_path, {"pyproject.toml": CONFIG})
    settings, problem = settings_of(parse(["check", "x.toml", "--limit", "rewrites=9"]))
    assert problem is None
    assert settings.options.limits.rewrites == 9  # the flag
    assert settings.options.loading.file_bytes == 100000  # the table's, kept
    assert settings.options.timeout == 30
    settings, _ = settings_of(parse(["check", "x.toml", "--timeout", "5", "--no-strict"]))
    assert settings.options.timeout == 5 and settings.strict is False
    settings, _ = settings_of(parse(["check", "x.toml", "--no-config"]))
    assert settings.options.limits.rewrites == 400 and settings.output_format == "text"


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ("pathz = ['a']", "unknown key 'pathz' (did you mean 'paths'?)"),
        ("strict = 'yes'", "strict must be true or false"),
        ("output-format = 'githb'", "did you mean 'github'?"),
        ("limits = { rewrite = 5 }", "did you mean 'rewrites'?"),
        ("timeout = -1", "timeout must be more than 0"),
    ],
)
def test_a_bad_table_is_one_line_naming_the_key(table, message, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    _tree(tmp_path, {"pyproject.toml": f"[tool.derive]\n{table}\n", "a.toml": GOOD})
    with pytest.raises(ConfigError, match=r"pyproject.toml: \[tool.derive\]"):
        load_config()
    assert main(["check", "a.toml"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message in err


def test_github_annotations_carry_file_line_column_and_title(tmp_path, capsys) -> None:
    bad = tmp_path / "bad,1.toml"
    bad.write_text(BAD)
    post = tmp_path / "post.md"
    post.write_text("$$ (a + b)^2 = a^2 + b^2 $$\n")
    empty = tmp_path / "README.md"
    empty.write_text("# nothing\n")
    assert main(["check", str(bad), str(post), str(empty), "--output-format", "github"]) == 1
    lines = capsys.readouterr().out.splitlines()
    escaped = str(bad).replace(",", "%2C")
    assert lines[0] == f"::notice file={empty},line=1,title=derive%3A nothing to check::" + (
        "no display math: nothing to check"
    )
    assert lines[1].startswith(f"::error file={escaped},line=7,col=18,title=derive%3A refuted::")
    assert lines[2].startswith(f"::error file={post},line=1,col=14,title=derive%3A refuted::")
    assert lines[3].startswith("3 files, 3 steps: 1 proved, 2 refuted")


def test_annotation_escapes_user_text() -> None:
    line = annotation("error", "a:b.md", 1, 2, "t", "x\n::error::y 100%")
    assert line == "::error file=a%3Ab.md,line=1,col=2,title=t::x\\n::error::y 100%25"
    assert "\n" not in line


def test_errors_in_github_format_are_annotations_too(tmp_path, capsys) -> None:
    path = tmp_path / "typo.toml"
    path.write_text(GOOD.replace('"2*x"', '"2*q"'))
    assert main(["check", str(path), "--output-format", "github"]) == 2
    captured = capsys.readouterr()
    assert captured.out.startswith(f"::error file={path},line=7,col=13,title=derive%3A error::")
    assert "unknown name 'q'" in captured.err


def test_junit_on_stdout_and_a_file_with_nothing_to_check_is_a_skipped_case(tmp_path, capsys):
    good = tmp_path / "good.toml"
    good.write_text(GOOD)
    empty = tmp_path / "README.md"
    empty.write_text("# nothing\n")
    assert main(["check", str(good), str(empty), "--output-format", "junit"]) == 0
    root = ET.fromstring(capsys.readouterr().out.split("\n", 1)[1])
    assert (root.get("tests"), root.get("skipped"), root.get("failures")) == ("3", "1", "0")
    assert main(["check", str(good), str(empty), "--output-format", "junit", "--strict"]) == 1
    root = ET.fromstring(capsys.readouterr().out.split("\n", 1)[1])
    assert root.get("failures") == "1"
