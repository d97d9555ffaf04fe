"""derive as a pre-commit hook: ``.pre-commit-hooks.yaml`` used as a remote hook, by pre-commit
itself, against a temporary repository. The hook's repository is a local clone of this one
(no network for the hook), and pre-commit's environment lives in a temporary PRE_COMMIT_HOME."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

GOOD = """\
[symbols]
x = "real"

[[derivation]]
name = "logs"
start = "log(exp(x)) * 2"
steps = ["2*x", "x + x"]
"""


def _git(cwd: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-c", "user.email=t@example.org", "-c", "user.name=t", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return done.stdout.strip()


def test_the_hook_file_declares_derive_check() -> None:
    text = (ROOT / ".pre-commit-hooks.yaml").read_text()
    assert "- id: derive-check" in text and "entry: derive check" in text
    assert "language: python" in text


@pytest.mark.slow
def test_pre_commit_runs_the_hook_from_a_clone_and_fails_on_a_refuted_step(tmp_path) -> None:
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("needs git and this project's repository")
    pre_commit = Path(sys.executable).with_name("pre-commit")
    if not pre_commit.exists():
        pytest.skip("pre-commit is not installed (pip install -e '.[test]')")
    hooks = tmp_path / "hooks"  # the hook's repository: a clone, with this tree's hook file
    _git(tmp_path, "clone", "-q", "--no-hardlinks", str(ROOT), str(hooks))
    for name in (".pre-commit-hooks.yaml", "pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, hooks / name)
    for folder in ("derive", "derive_numeric"):  # this tree's code, committed or not
        shutil.rmtree(hooks / folder, ignore_errors=True)
        shutil.copytree(ROOT / folder, hooks / folder, ignore=shutil.ignore_patterns("__pycache__"))
    _git(hooks, "add", "-A")
    _git(hooks, "commit", "-q", "--allow-empty", "-m", "this tree")
    rev = _git(hooks, "rev-parse", "HEAD")

    user = tmp_path / "project"  # a project that uses the hook
    user.mkdir()
    _git(user, "init", "-q")
    (user / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {hooks}\n    rev: {rev}\n    hooks:\n      - id: derive-check\n"
    )
    (user / "derivations").mkdir()
    (user / "derivations" / "model.toml").write_text(GOOD.replace('"x + x"', '"x + 2"'))
    (user / "README.md").write_text("# A project\n\nNo display math here.\n")
    (user / "pyproject.toml").write_text("[project]\nname = 'demo'\n")
    _git(user, "add", "-A")
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home")}
    env.pop("DERIVE_NO_CACHE", None)
    run = lambda: subprocess.run(  # noqa: E731
        [str(pre_commit), "run", "--all-files"],
        cwd=user,
        capture_output=True,
        text=True,
        env=env,
        timeout=1800,
    )
    failed = run()
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "derivations/model.toml:7: refuted: logs, step 2" in failed.stdout
    assert "README.md: no display math: nothing to check" in failed.stdout
    assert "pyproject.toml: not a derivation file" in failed.stdout

    (user / "derivations" / "model.toml").write_text(GOOD)
    _git(user, "add", "-A")
    passed = run()
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "derive check" in passed.stdout and "Passed" in passed.stdout
