"""The distribution: its own name on the package index, ``import derive`` and the ``derive``
command kept, no top-level name another project could own (``numeric``), and a wheel that
installs into a fresh environment and names itself."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from derive.version import DISTRIBUTION, __version__

ROOT = Path(__file__).resolve().parents[1]

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib


def test_the_project_is_named_as_the_package_index_knows_it() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["name"] == DISTRIBUTION == "derive-check"
    assert project["scripts"] == {"derive": "derive.cli:main"}
    for page in ("README.md", "docs/ci.md"):
        text = (ROOT / page).read_text()
        assert "pip install derive-check" in text, page
        assert "pip install derive " not in text and "pip install derive\n" not in text, page


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    source = tmp_path_factory.mktemp("source")  # a copy: building writes into the tree
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    for folder in ("derive", "derive_numeric"):
        shutil.copytree(
            ROOT / folder, source / folder, ignore=shutil.ignore_patterns("__pycache__")
        )
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(source), "--no-deps", "-q", "-w", str(out)],
        check=True,
        capture_output=True,
        timeout=600,
    )
    (found,) = out.glob("*.whl")
    return found


@pytest.mark.slow
def test_the_wheel_installs_only_derive_and_derive_numeric(wheel) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    top = {name.split("/")[0] for name in names if not name.split("/")[0].endswith(".dist-info")}
    assert top == {"derive", "derive_numeric"}
    assert wheel.name.startswith(f"derive_check-{__version__}-")


@pytest.mark.slow
def test_the_wheel_in_a_fresh_venv_runs_and_names_the_distribution(wheel, tmp_path) -> None:
    """No dependencies installed: --version imports none of them (lazy imports)."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(python),
            "install",
            "-q",
            "--no-deps",
            "--no-index",
            str(wheel),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    done = subprocess.run(
        [str(venv / "bin" / "derive"), "--version"], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"derive {__version__} (derive-check)"
    metadata = subprocess.run(
        [
            str(python),
            "-c",
            "from importlib.metadata import version; print(version('derive-check'))",
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert metadata.stdout.strip() == __version__
