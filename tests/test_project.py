"""The project's own promises: the README's commands are what CI runs, and the layout holds."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _readme_commands() -> list[str]:
    """The ``sh`` code blocks of the README, in order."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return [block.strip() for block in re.findall(r"```sh\n(.*?)```", text, flags=re.DOTALL)]


def test_readme_gives_two_commands_and_ci_runs_the_test_command_verbatim() -> None:
    main, tests = _readme_commands()[:2]
    assert "derive prove" in main and "pip install" in main
    assert "pytest" in tests and "ruff check" in tests and "ruff format --check" in tests
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "set -euo pipefail" in ci
    assert tests in ci.splitlines(), "the README's test command is not a line of .ci/run"
    assert re.search(r"pytest -q -n (auto|2)$", tests), "the suite runs on pytest-xdist workers"
    assert (ROOT / ".ci" / "run").stat().st_mode & 0o111, ".ci/run is not executable"


def test_ci_installs_the_tex_tools_the_pdf_test_needs() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    for package in ("texlive-latex-base", "texlive-latex-recommended", "poppler-utils"):
        assert package in ci


def test_readme_python_examples_run_and_prove() -> None:
    """The README's Python blocks are the API tour: they must keep working as written."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.DOTALL)
    assert len(blocks) >= 2
    scope: dict[str, object] = {}
    for block in blocks:
        exec(compile(block, "README.md", "exec"), scope)  # our own text, never user input
    assert scope["report"].proved
    assert scope["v"].status == "proved" and scope["v"].needs
