"""Step results as JUnit XML, the report format CI systems read (pure: returns the text).

One ``<testsuite>`` per file, one ``<testcase>`` per step (with ``file`` and ``line``
attributes, as pytest writes them), and a ``<failure>`` for a refuted or undecided step, whose
``type`` is the status and whose text is the verdict with its counterexample.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING
from xml.etree.ElementTree import Element, SubElement, tostring

from derive.sources.oneline import one_line, one_line_path
from derive.sources.statuses import NOT_A_CLAIM, NOT_CHECKED, QUIET_STATUSES

if TYPE_CHECKING:
    from derive.sources.toml.results import StepResult

# characters XML 1.0 cannot hold at all, escaped or not (user text may contain them)
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _clean(text: str) -> str:
    return _NOT_XML.sub("?", text)


def _seconds(result) -> float:
    """A result's time: its verdict's, or its own (a result read from the file cache)."""
    kept = getattr(result, "seconds", None)
    return result.verdict.seconds if kept is None else kept


def _counts(results: Sequence[StepResult]) -> dict[str, str]:
    failures = sum(r.status not in QUIET_STATUSES for r in results)
    skipped = sum(r.status in (NOT_CHECKED, NOT_A_CLAIM) for r in results)
    seconds = sum(_seconds(r) for r in results)
    return {
        "tests": str(len(results)),
        "failures": str(failures),
        "errors": "0",
        "skipped": str(skipped),
        "time": f"{seconds:.3f}",
    }


def _nothing_case(suite: Element, file: str, reason: str, strict: bool) -> None:
    case = SubElement(suite, "testcase", classname=_clean(file), name="nothing to check")
    case.set("file", _clean(file))
    case.set("time", "0.000")
    message = _clean(f"{one_line_path(file)}: {one_line(reason)}")
    SubElement(case, "failure" if strict else "skipped", message=message)


def _recount(root: Element) -> None:
    """The counts of every suite and of the root, from their test cases."""
    totals = dict.fromkeys(("tests", "failures", "skipped"), 0)
    for suite in root:
        cases = list(suite)
        counts = {
            "tests": len(cases),
            "failures": sum(c.find("failure") is not None for c in cases),
            "skipped": sum(c.find("skipped") is not None for c in cases),
        }
        for key, value in counts.items():
            suite.set(key, str(value))
            totals[key] += value
    for key, value in totals.items():
        root.set(key, str(value))


def junit_xml(
    results: Sequence[StepResult],
    files: Sequence[str] = (),
    nothing: Mapping[str, str] | None = None,
    strict: bool = False,
) -> str:
    """A JUnit XML document for ``results``.

    Args:
        results: step results, in order.
        files: every file checked, in order (a file without results still gets a suite);
            by default the files of ``results``.
        nothing: file -> why there is nothing to check in it: its suite gets one test case,
            skipped (a failure if ``strict``), so that a report never passes silently empty.
        strict: whether a file with nothing to check fails the run.

    Returns:
        The document, with an XML declaration, as text.
    """
    nothing = nothing or {}
    order = list(dict.fromkeys([*files, *(r.file for r in results)]))
    root = Element("testsuites", name="derive check", **_counts(results))
    for file in order:
        mine = [r for r in results if r.file == file]
        suite = SubElement(root, "testsuite", name=_clean(file), **_counts(mine))
        if file in nothing:
            _nothing_case(suite, file, nothing[file], strict)
        for result in mine:
            case = SubElement(
                suite,
                "testcase",
                classname=_clean(file),
                name=_clean(f"{result.derivation}, step {result.step}"),
                file=_clean(file),
                line=str(result.line),
                time=f"{_seconds(result):.3f}",
            )
            if result.status in (NOT_CHECKED, NOT_A_CLAIM):  # a note, a definition: not judged
                SubElement(case, "skipped", message=_clean(result.message()))
            elif result.status != "proved":
                failure = SubElement(
                    case, "failure", message=_clean(result.message()), type=result.status
                )
                defaults = "".join(f"default: {d}\n" for d in getattr(result, "defaults", ()))
                text = f"{result.message()}\nlhs: {result.lhs}\nrhs: {result.rhs}\n{defaults}"
                failure.text = _clean(text)
    if nothing:
        _recount(root)
    body = tostring(root, encoding="unicode")
    return f'<?xml version="1.0" encoding="utf-8"?>\n{body}\n'
