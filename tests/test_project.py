"""The project's own promises: the README's commands are what CI runs, and the layout holds."""

from __future__ import annotations

import ast
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
    assert (ROOT / ".ci" / "run").stat().st_mode & 0o111, ".ci/run is not executable"


def test_ci_installs_the_tex_tools_the_pdf_test_needs() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    for package in ("texlive-latex-base", "texlive-latex-recommended", "poppler-utils"):
        assert package in ci


def _imported_modules(package: str) -> set[str]:
    names = set()
    for path in (ROOT / package).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.add(node.module.split(".")[0])
    return names


def test_numeric_source_never_imports_sympy_or_derive() -> None:
    """Static twin of the runtime check in test_numeric.py: no import anywhere, not even lazily."""
    imported = _imported_modules("numeric")
    assert "numpy" in imported
    assert not imported & {"sympy", "derive", "mpmath"}
