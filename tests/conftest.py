"""Shared fixtures: seeded randomness and hypothesis settings sized for a 2-core machine."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, settings

settings.register_profile(
    "derive",
    deadline=None,  # SymPy's first calls are slow (caches); timing belongs in benchmarks/
    max_examples=25,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile("derive")

# The verdict cache stays off in the suite (a test that swaps a strategy must not store what it
# proves), and any cache a test opens without naming a directory lands in a temporary one.
os.environ["DERIVE_NO_CACHE"] = "1"
os.environ.setdefault("DERIVE_CACHE_DIR", tempfile.mkdtemp(prefix="derive-test-cache-"))


@pytest.fixture
def rng() -> np.random.Generator:
    """A seeded generator, so failures reproduce."""
    return np.random.default_rng(20261125)


def require_tool(tool: str) -> None:
    """Skip without ``tool`` (pdflatex, pdftotext), except under CI=true, where .ci/run
    installs it and its absence is a failure."""
    if shutil.which(tool) is None and os.environ.get("CI") != "true":
        pytest.skip(f"{tool} is not installed (under CI=true this fails instead)")


def compile_latex(text: str, where: Path, name: str = "doc") -> Path:
    """Compile ``text`` with pdflatex in ``where``; assert it compiles with no overfull box.

    Returns the PDF's path.
    """
    require_tool("pdflatex")
    (where / f"{name}.tex").write_text(text, encoding="utf-8")
    compiled = subprocess.run(
        ["pdflatex", "-halt-on-error", "-interaction=nonstopmode", f"{name}.tex"],
        cwd=where,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert compiled.returncode == 0, compiled.stdout[-3000:]
    assert "Overfull \\hbox" not in compiled.stdout
    return where / f"{name}.pdf"
