"""The verdict cache: a second run of an unchanged file is answered from disk, with exactly the
verdicts of a run without it; a changed step is decided again; a corrupt entry is never
trusted. Every test names its own cache directory (the suite runs with DERIVE_NO_CACHE)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from sympy import Eq, Function, IndexedBase, Symbol, exp, symbols

from derive.checker import check_equal
from derive.checker.cache import VerdictCache, canonical, using
from derive.cli import main

GOOD = """\
[symbols]
x = "real"
y = "real"

[[derivation]]
name = "square"
start = "(x + y)**2"
steps = ["x**2 + 2*x*y + y**2", "x**2 + y**2 + 2*y*x"]
"""
POST = """\
# A post

$$ (a + b)^2 = a^2 + 2ab + b^2 $$

$$ (a - b)^2 = a^2 - b^2 $$
"""


def _records(capsys, *args: str) -> list[dict]:
    main(["check", "--json", *args])
    return [
        {k: v for k, v in r.items() if k != "seconds"} for r in json.loads(capsys.readouterr().out)
    ]


@pytest.fixture
def files(tmp_path: Path) -> tuple[str, str, str]:
    toml = tmp_path / "square.toml"
    toml.write_text(GOOD)
    post = tmp_path / "post.md"
    post.write_text(POST)
    return str(toml), str(post), str(tmp_path / "cache")


def test_verdicts_with_and_without_the_cache_are_identical(files, capsys) -> None:
    toml, post, cache = files
    without = _records(capsys, toml, post, "--no-cache")
    first = _records(capsys, toml, post, "--cache-dir", cache)
    second = _records(capsys, toml, post, "--cache-dir", cache)
    strip = lambda records: [r for r in records if r["type"] == "step"]  # noqa: E731
    assert strip(without) == strip(first) == strip(second)
    assert [r["status"] for r in strip(second)] == ["proved", "proved", "proved", "refuted"]
    assert strip(second)[3]["counterexample"] and strip(second)[3]["certified"] is True


def test_no_cache_writes_nothing(files, capsys) -> None:
    toml, _, cache = files
    assert main(["check", toml, "--no-cache", "--cache-dir", cache]) == 0
    assert not Path(cache).exists()


def test_a_second_run_of_an_unchanged_file_imports_no_sympy(files) -> None:
    """A run answered from the file cache reads entries and prints: no SymPy, no checking."""
    toml, post, cache = files
    code = (
        "import sys\nfrom derive.cli import main\n"
        f"code = main(['check', {toml!r}, {post!r}, '--cache-dir', {cache!r}, '-q'])\n"
        "print('SYMPY' if 'sympy' in sys.modules else 'LIGHT', code)\n"
    )
    run = lambda: subprocess.run(  # noqa: E731
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=300
    ).stdout.splitlines()[-1]
    assert run() == "SYMPY 1"  # the first run checks
    assert run() == "LIGHT 1"  # the second reads what it found


def test_a_changed_step_is_decided_again(files, capsys) -> None:
    toml, _, cache = files
    assert main(["check", toml, "--cache-dir", cache]) == 0
    Path(toml).write_text(GOOD.replace('"x**2 + y**2 + 2*y*x"', '"x**2 + y**2 + y*x"'))
    store = VerdictCache(cache)
    with using(store):  # the unchanged step is read from the cache, the changed one decided
        assert main(["check", toml, "--cache-dir", cache]) == 1
    assert "refuted: square, step 2" in capsys.readouterr().out


def test_corrupt_entries_are_ignored_and_written_again(files, capsys) -> None:
    toml, post, cache = files
    good = _records(capsys, toml, post, "--cache-dir", cache)
    entries = sorted(Path(cache).rglob("*.json"))
    assert len(entries) >= 4  # the two files, and verdicts (those this process had not decided)
    for number, entry in enumerate(entries):
        data = json.loads(entry.read_text())
        if number % 3 == 0:
            entry.write_text("{ not json")
        elif number % 3 == 1:  # a well-formed entry whose checksum no longer holds
            text = json.dumps(data["value"]).replace("refuted", "proved")
            data["value"] = json.loads(text.replace("cannot check", "proved"))
            data["value"] = {"status": "proved"} if "status" in data["value"] else data["value"]
            entry.write_text(json.dumps(data))
        else:  # the right checksum over a value that is no verdict
            entry.write_bytes(entry.read_bytes()[: len(entry.read_bytes()) // 2])
    assert _records(capsys, toml, post, "--cache-dir", cache) == good
    for entry in entries:  # every entry was written anew, whole
        data = json.loads(entry.read_text())
        assert set(data) == {"key", "checksum", "value"}


def test_cache_clear_removes_only_derives_cache(files, capsys, tmp_path) -> None:
    toml, _, cache = files
    assert main(["check", toml, "--cache-dir", cache]) == 0
    assert (Path(cache) / "CACHEDIR.TAG").is_file()
    assert (Path(cache) / ".gitignore").read_text().endswith("*\n")
    assert main(["cache", "clear", "--cache-dir", cache]) == 0
    assert not Path(cache).exists()
    other = tmp_path / "precious"
    other.mkdir()
    (other / "file").write_text("keep")
    assert main(["cache", "clear", "--cache-dir", str(other)]) == 2
    assert (other / "file").read_text() == "keep"
    assert "is not derive's cache" in capsys.readouterr().err


def test_the_cache_directory_comes_from_tool_derive(files, tmp_path, monkeypatch, capsys) -> None:
    toml, _, _ = files
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pyproject.toml").write_text('[tool.derive]\ncache-dir = "kept"\n')
    assert main(["check", toml]) == 0
    assert (tmp_path / "kept" / "CACHEDIR.TAG").is_file()
    assert main(["cache", "dir"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "kept"


def test_a_verdict_read_back_equals_the_verdict_computed(tmp_path) -> None:
    t = IndexedBase("t")
    x = Symbol("x", real=True)
    t1, t2 = symbols("t1 t2", real=True)
    claims = [
        (exp(x) / (1 + exp(x)), 1 / (1 + exp(-x)), []),  # proved
        ((t1 + t2) * x - t1, x - t1, [Eq(t1 + t2, 1)]),  # proved using the assumption
        ((t1 + t2) * x - t1, x - t1, []),  # refuted, with a counterexample
        (t[1] * x, t[2] * x, []),  # refuted at indexed symbols
    ]
    store = VerdictCache(tmp_path)
    for lhs, rhs, assume in claims:
        with using(None):
            computed = check_equal(lhs, rhs, assume=assume)
        with using(store):
            first = check_equal(lhs, rhs, assume=assume)
            hits = store.hits
            again = check_equal(lhs, rhs, assume=assume)
        assert store.hits == hits + 1
        assert computed == first == again
        assert [id(n) for n in again.needs] == [id(a) for a in assume if a in again.needs]


def test_the_key_tells_apart_functions_that_differ_only_in_their_assumptions() -> None:
    x = Symbol("x")
    assert canonical(Function("f", real=True)(x)) != canonical(Function("f")(x))
