"""derive: a symbolic derivation verifier for softmax cross-entropy backprop.

The package's face: the names users import. They are loaded on first use (PEP 562), so that
``import derive`` and the command line's ``derive --version`` and ``--help`` cost no SymPy
import. It also registers the renderers behind ``str(report)`` and Jupyter's display of
derivations (``derive.display``): this file runs before any module of derive, so a Report
prints as a table however it was imported; each renderer loads on its first use.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from derive import display as _display
from derive.version import DISTRIBUTION, __version__

if TYPE_CHECKING:  # the names below, for type checkers and editors
    from derive.checker import Verdict, check_equal
    from derive.checker.matrix import Gradient, Softmax
    from derive.project.api import check_file
    from derive.project.report import FileReport
    from derive.sources.toml.parse import parse_expr
    from derive.steps import Derivation, Report, Step, diff

# name -> the module that defines it
_LAZY = {
    "Derivation": "derive.steps",
    "Report": "derive.steps",
    "Step": "derive.steps",
    "diff": "derive.steps",
    "Verdict": "derive.checker",
    "check_equal": "derive.checker",
    "Gradient": "derive.checker.matrix",
    "Softmax": "derive.checker.matrix",
    "FileReport": "derive.project.report",
    "check_file": "derive.project.api",
    "parse_expr": "derive.sources.toml.parse",
}

__all__ = [
    "DISTRIBUTION",
    "Derivation",
    "FileReport",
    "Gradient",
    "Report",
    "Softmax",
    "Step",
    "Verdict",
    "__version__",
    "check_equal",
    "check_file",
    "diff",
    "parse_expr",
]


def _text(reports: list) -> str:
    from derive.render.table import report_table

    return report_table(reports)


def _latex(derivation, verdicts) -> str:
    from derive.render.latex import derivation_math

    return derivation_math(derivation, verdicts)


def _markdown(derivation, verdicts) -> str:
    from derive.render.latex import derivation_markdown

    return derivation_markdown(derivation, verdicts)


def _html(derivation, verdicts) -> str:
    from derive.render.results import report_html

    return report_html(derivation, verdicts)


_display.register(text=_text, latex=_latex, markdown=_markdown, html=_html)


def __getattr__(name: str) -> object:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'derive' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})
