"""The pytest plugin: opted-in derivation files become one test per step; a refuted step fails
with its verdict and counterexample; a project that did not opt in collects nothing."""

from __future__ import annotations

import os
import xml.etree.ElementTree as ET
from importlib.metadata import entry_points
from pathlib import Path

import pytest

pytest_plugins = ["pytester"]

GOOD = """\
[symbols]
x = "real"

[[derivation]]
name = "logs"
start = "log(exp(x)) * 2"
steps = [
  { expr = "2*x", why = "x is real" },
  { expr = "x + x" },
]
"""

BAD = """\
[symbols]
x = "real"
y = "real"

[[derivation]]
name = "square"
start = "(x + y)**2"
steps = [
  { expr = "x**2 + 2*x*y + y**2", why = "expand" },
  { expr = "x**2 + y**2", why = "a classic slip" },
]
"""


def _installed() -> bool:
    return any(e.value == "derive.pytest_plugin" for e in entry_points(group="pytest11"))


def _run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    # the entry point loads the plugin when derive is installed (pip install -e .); otherwise
    # load it by module name (loading it both ways would register it twice)
    autoload = not os.environ.get("PYTEST_DISABLE_PLUGIN_AUTOLOAD")
    plugin = [] if autoload and _installed() else ["-p", "derive.pytest_plugin"]
    return pytester.runpytest(*plugin, "-p", "no:cacheprovider", *args)


def test_the_plugin_is_declared_as_a_pytest11_entry_point():
    if not _installed():
        pytest.skip("derive is not installed (pip install -e .): no entry points to read")
    (entry,) = [e for e in entry_points(group="pytest11") if e.name == "derive"]
    assert entry.value == "derive.pytest_plugin"


def test_a_project_that_did_not_opt_in_collects_nothing(pytester):
    pytester.makefile(".toml", wrong=BAD)
    pytester.makepyfile(test_other="def test_other():\n    assert True\n")
    result = _run(pytester)
    result.assert_outcomes(passed=1)
    assert "square" not in result.stdout.str()


def test_every_step_of_a_proved_file_passes(pytester):
    pytester.makefile(".toml", good=GOOD)
    pytester.makeini("[pytest]\nderive_files = *.toml\n")
    result = _run(pytester, "-v")
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(["*good.toml::logs?step 1? PASSED*", "*logs?step 2? PASSED*"])
    assert result.ret == pytest.ExitCode.OK


def test_a_refuted_step_fails_with_verdict_and_counterexample(pytester):
    pytester.makefile(".toml", good=GOOD, bad=BAD)
    pytester.makeini("[pytest]\nderive_files = *.toml\n")
    result = _run(pytester)
    result.assert_outcomes(passed=3, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*bad.toml:10: refuted: square, step 2: x**2 + y**2 at x = *, y = *: lhs = *, rhs = *",
            "*lhs: x**2 + 2*x*y + y**2",  # the line before, which the step is compared with
            "*rhs: x**2 + y**2",
            "FAILED bad.toml::square[[]step 2[]]*",
        ]
    )
    assert result.ret == pytest.ExitCode.TESTS_FAILED


def test_the_command_line_option_opts_in_and_filters_by_glob(pytester):
    pytester.makefile(".toml", good=GOOD)
    pytester.mkdir("other")
    (pytester.path / "other" / "bad.toml").write_text(BAD)
    result = _run(pytester, "--derive-files", "good*.toml")
    result.assert_outcomes(passed=2)


def test_a_mistake_in_a_file_is_a_collection_error_with_its_position(pytester):
    pytester.makefile(".toml", typo=GOOD.replace('"2*x"', '"2*q"'))
    pytester.makeini("[pytest]\nderive_files = *.toml\n")
    result = _run(pytester)
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*derive: error: typo.toml:8:15: unknown name 'q'*"])
    assert "Traceback" not in result.stdout.str()


def test_injection_in_a_collected_file_is_rejected_without_side_effect(pytester):
    marker = pytester.path / "marker"
    evil = GOOD.replace('"2*x"', f"\"__import__('os').system('touch {marker}')\"")
    pytester.makefile(".toml", evil=evil)
    pytester.makeini("[pytest]\nderive_files = *.toml\n")
    result = _run(pytester)
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*evil.toml:8:13: dunder names such as '__import__'*"])
    assert not marker.exists()


def test_a_timeout_that_is_not_positive_is_a_usage_error(pytester):
    pytester.makefile(".toml", good=GOOD)
    result = _run(pytester, "--derive-files", "*.toml", "--derive-timeout", "0")
    result.stderr.fnmatch_lines(["*derive timeout must be positive seconds, got 0.0*"])
    assert result.ret == pytest.ExitCode.USAGE_ERROR


def _run_cached(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    """As _run, with pytest's cache (what --lf and --ff read) on."""
    autoload = not os.environ.get("PYTEST_DISABLE_PLUGIN_AUTOLOAD")
    plugin = [] if autoload and _installed() else ["-p", "derive.pytest_plugin"]
    return pytester.runpytest(*plugin, *args)


ODD_NAMES = BAD.replace('name = "square"', 'name = "a::b [c]"')


@pytest.mark.parametrize("text", [BAD, ODD_NAMES], ids=["plain", "odd-name"])
def test_last_failed_reruns_only_the_refuted_step(pytester, text):
    """pytest 9 compares structured node ids: an item's id must equal its id parsed back from
    the cache, or --lf finds no known failure and reruns everything."""
    pytester.makefile(".toml", good=GOOD, bad=text)
    pytester.makeini("[pytest]\nderive_files = *.toml\n")
    _run_cached(pytester).assert_outcomes(passed=3, failed=1)
    again = _run_cached(pytester, "--lf", "-v")
    again.assert_outcomes(failed=1)  # neither the proved step of bad.toml nor good.toml
    again.stdout.fnmatch_lines(["*rerun previous 1 failure*", "*step 2?*FAILED*"])
    assert "step 1" not in again.stdout.str().split("short test summary")[0].split("rerun")[1]


def test_failed_first_runs_the_refuted_step_before_the_others(pytester):
    pytester.makefile(".toml", good=GOOD, bad=BAD)
    pytester.makeini("[pytest]\nderive_files = *.toml\n")
    _run_cached(pytester).assert_outcomes(passed=3, failed=1)
    again = _run_cached(pytester, "--ff", "-v")
    again.assert_outcomes(passed=3, failed=1)
    lines = [line for line in again.stdout.lines if "PASSED" in line or "FAILED" in line]
    assert "square[step 2]" in lines[0] and "FAILED" in lines[0]


def _cases(report: Path) -> list[tuple[str, ...]]:
    """The JUnit test cases as (classname, name, file, line, failure type, message), sorted:
    workers finish in any order, and times, hostnames and timestamps differ from run to run."""
    cases = []
    for case in ET.parse(report).getroot().iter("testcase"):
        failure = case.find("failure")
        found = ("", "") if failure is None else (failure.get("type"), failure.get("message"))
        cases.append(
            (case.get("classname"), case.get("name"), case.get("file"), case.get("line"), *found)
        )
    return sorted(cases)


@pytest.mark.slow
def test_parallel_workers_collect_and_report_what_a_serial_run_does(pytester):
    """pytest-xdist: the same items, the same failures and the same JUnit cases with -n 2."""
    pytest.importorskip("xdist")
    pytester.makefile(".toml", good=GOOD, bad=BAD, more=GOOD.replace('"logs"', '"logs 2"'))
    pytester.makeini("[pytest]\nderive_files = *.toml\n")
    serial = pytester.runpytest_subprocess("-p", "no:cacheprovider", "--junitxml=serial.xml")
    parallel = pytester.runpytest_subprocess(
        "-p", "no:cacheprovider", "-n", "2", "--junitxml=parallel.xml"
    )
    for result in (serial, parallel):
        result.assert_outcomes(passed=5, failed=1)
        result.stdout.fnmatch_lines(["FAILED bad.toml::square[[]step 2[]]*"])
    parallel.stdout.fnmatch_lines(["*2 workers*"])  # it really ran in two worker processes
    assert _cases(pytester.path / "serial.xml") == _cases(pytester.path / "parallel.xml")
    assert len(_cases(pytester.path / "serial.xml")) == 6


POST = """\
# A post

$$ (a + b)^2 = a^2 + 2ab + b^2 $$

$$
\\begin{align*}
(a - b)^2 &= a^2 - 2ab + b^2 \\\\
          &= a^2 - b^2
\\end{align*}
$$
"""

PAPER = """\
\\documentclass{article}
\\begin{document}
\\begin{equation}
(a + b)(a - b) = a^2 - b^2
\\end{equation}
\\end{document}
"""


def test_posts_are_collected_one_item_per_equals_sign(pytester: pytest.Pytester) -> None:
    pytester.makefile(".md", post=POST)
    pytester.makefile(".tex", paper=PAPER)
    pytester.makefile(".md", README="# not opted in\n\n$$ 1 = 2 $$\n")
    result = _run(pytester, "--derive-files", "post.md", "--derive-files", "*.tex", "-v")
    result.assert_outcomes(passed=3, failed=1)
    result.stdout.fnmatch_lines(["*post.md:8:12: refuted: *"])
    assert "README" not in result.stdout.str()


def test_a_post_without_math_is_a_collection_error(pytester: pytest.Pytester) -> None:
    pytester.makefile(".tex", empty="\\documentclass{article}\n\\begin{document}\\end{document}\n")
    result = _run(pytester, "--derive-files", "*.tex")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*no display math*"])


def test_a_pattern_that_matches_no_file_is_a_collection_error_naming_it(pytester):
    """A typo in derive_files must not turn CI green with nothing checked."""
    pytester.mkdir("derivations")
    (pytester.path / "derivations" / "model.toml").write_text(GOOD)
    pytester.makeini("[pytest]\nderive_files = derivation/*.toml\n")
    pytester.makepyfile(test_other="def test_other():\n    assert True\n")
    result = _run(pytester)
    result.assert_outcomes(passed=0, errors=1)
    result.stdout.fnmatch_lines(["*derivation/[*].toml*matches no file*"])
    assert result.ret == pytest.ExitCode.INTERRUPTED


def test_a_command_line_pattern_that_matches_nothing_errors_too(pytester):
    pytester.makefile(".toml", good=GOOD)
    result = _run(pytester, "--derive-files", "goood.toml")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*goood.toml*matches no file*"])


def test_files_outside_testpaths_are_still_collected(pytester):
    """testpaths = tests, derive_files under derivations/: the steps still run (and fail)."""
    pytester.mkdir("tests")
    (pytester.path / "tests" / "test_x.py").write_text("def test_x():\n    assert True\n")
    pytester.mkdir("derivations")
    (pytester.path / "derivations" / "model.toml").write_text(BAD)
    pytester.makeini("[pytest]\ntestpaths = tests\nderive_files = derivations/*.toml\n")
    result = _run(pytester)
    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines(["*derivations/model.toml:10: refuted: square, step 2*"])
    assert result.ret == pytest.ExitCode.TESTS_FAILED


def test_paths_on_the_command_line_still_choose_what_runs(pytester):
    pytester.mkdir("tests")
    (pytester.path / "tests" / "test_x.py").write_text("def test_x():\n    assert True\n")
    pytester.makefile(".toml", bad=BAD)
    pytester.makeini("[pytest]\nderive_files = *.toml\n")
    result = _run(pytester, "tests")
    result.assert_outcomes(passed=1)


def test_a_project_without_derive_settings_imports_no_sympy(pytester):
    """pytest loads the plugin in every project where derive is installed: it stays light."""
    pytester.makepyfile(
        test_light="import sys\n\ndef test_light():\n    assert 'sympy' not in sys.modules\n"
    )
    autoload = not os.environ.get("PYTEST_DISABLE_PLUGIN_AUTOLOAD")
    plugin = [] if autoload and _installed() else ["-p", "derive.pytest_plugin"]
    result = pytester.runpytest_subprocess(*plugin, "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)


def test_keyword_selection_applies_to_files_outside_testpaths(pytester):
    pytester.mkdir("tests")
    (pytester.path / "tests" / "test_x.py").write_text("def test_x():\n    assert True\n")
    pytester.mkdir("derivations")
    (pytester.path / "derivations" / "model.toml").write_text(BAD)
    pytester.makeini("[pytest]\ntestpaths = tests\nderive_files = derivations/*.toml\n")
    result = _run(pytester, "-k", "test_x")
    result.assert_outcomes(passed=1, deselected=2)
