"""Round trip: derive check on the pages derive latex generated (docs/derivation.md and
docs/derivation.tex) gives the verdicts printed there, step for step, with the timeout they
were generated with (the command is in each page's first line)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from post_support import remembered_verdicts

from derive.sources.posts.check import check_post
from derive.sources.posts.file import load_post

ROOT = Path(__file__).resolve().parents[1]
PRINTED = {
    "md": re.compile(r"^\| \d+ \| .* \| \**(proved|refuted|undecided)\b", re.M),
    "tex": re.compile(
        r"(?:\$\\checkmark\$|\$\\times\$|\?) (?:\\textbf\{)?(proved|refuted|undecided)"
    ),
}


def _printed(path: Path, kind: str) -> list[str]:
    return PRINTED[kind].findall(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module", autouse=True)
def _once():
    """The two pages hold the same maths: the checker judges each claim once."""
    with remembered_verdicts() as memo:
        yield memo


@pytest.mark.parametrize(("name", "kind"), [("derivation.md", "md"), ("derivation.tex", "tex")])
@pytest.mark.slow
def test_check_gives_the_verdicts_latex_printed(name: str, kind: str) -> None:
    path = ROOT / "docs" / name
    timeout = float(re.search(r"--timeout (\d+)", path.read_text(encoding="utf-8")).group(1))
    printed = _printed(path, kind)
    assert len(printed) == 25 and printed.count("refuted") == 1  # the page is what we think
    results = check_post(load_post(path, kind), timeout=timeout)
    claims = [r for r in results if r.status != "not a claim"]  # definitions are not printed
    assert [r.status for r in claims] == printed, [r.message() for r in results]


def test_the_printed_verdicts_are_read_from_the_page(tmp_path) -> None:
    """Test the tester: a page whose verdict was changed reads differently."""
    page = (ROOT / "docs" / "derivation.md").read_text(encoding="utf-8")
    changed = tmp_path / "changed.md"
    changed.write_text(page.replace("| **refuted** |", "| proved |", 1), encoding="utf-8")
    assert _printed(changed, "md").count("refuted") == 0
