"""Step results as JUnit XML, the report format CI systems read (pure: returns the text).

One ``<testsuite>`` per file, one ``<testcase>`` per step (with ``file`` and ``line``
attributes, as pytest writes them), and a ``<failure>`` for a refuted or undecided step, whose
``type`` is the status and whose text is the verdict with its counterexample; a post's row that
is not a claim (a definition, a condition) is ``<skipped>``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from xml.etree.ElementTree import Element, SubElement, tostring

from derive.sources.toml.results import NOT_A_CLAIM, StepResult, passes

# characters XML 1.0 cannot hold at all, escaped or not (user text may contain them)
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _clean(text: str) -> str:
    return _NOT_XML.sub("?", text)


def _counts(results: Sequence[StepResult]) -> dict[str, str]:
    failures = sum(not passes(r.status) for r in results)
    skipped = sum(r.status == NOT_A_CLAIM for r in results)
    seconds = sum(r.verdict.seconds for r in results)
    return {
        "tests": str(len(results)),
        "failures": str(failures),
        "errors": "0",
        "skipped": str(skipped),
        "time": f"{seconds:.3f}",
    }


def junit_xml(results: Sequence[StepResult], files: Sequence[str] = ()) -> str:
    """A JUnit XML document for ``results``.

    Args:
        results: step results, in order.
        files: every file checked, in order (a file without results still gets a suite);
            by default the files of ``results``.

    Returns:
        The document, with an XML declaration, as text.
    """
    order = list(dict.fromkeys([*files, *(r.file for r in results)]))
    root = Element("testsuites", name="derive check", **_counts(results))
    for file in order:
        mine = [r for r in results if r.file == file]
        suite = SubElement(root, "testsuite", name=_clean(file), **_counts(mine))
        for result in mine:
            case = SubElement(
                suite,
                "testcase",
                classname=_clean(file),
                name=_clean(f"{result.derivation}, step {result.step}"),
                file=_clean(file),
                line=str(result.line),
                time=f"{result.verdict.seconds:.3f}",
            )
            if result.status == NOT_A_CLAIM:  # a definition, condition, ...: not judged
                SubElement(case, "skipped", message=_clean(result.message()))
            elif result.status != "proved":
                failure = SubElement(
                    case, "failure", message=_clean(result.message()), type=result.status
                )
                defaults = "".join(f"default: {d}\n" for d in getattr(result, "defaults", ()))
                text = f"{result.message()}\nlhs: {result.lhs}\nrhs: {result.rhs}\n{defaults}"
                failure.text = _clean(text)
    body = tostring(root, encoding="unicode")
    return f'<?xml version="1.0" encoding="utf-8"?>\n{body}\n'
