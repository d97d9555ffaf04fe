"""A project's derivations: which files (``discover``: directories walked, ``.gitignore`` and
exclusions honoured), its settings (``config``: ``[tool.derive]`` in pyproject.toml), loading
and checking them (``run``) and the report (``report``), for ``derive check``, the pytest
plugin and :func:`check_file`.

In: paths and options. Out: a :class:`~derive.project.report.FileReport`.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from derive.project.api import check_file
    from derive.project.report import FileReport

_LAZY = {"check_file": "derive.project.api", "FileReport": "derive.project.report"}
__all__ = ["FileReport", "check_file"]


def __getattr__(name: str) -> object:
    # loaded on first use: derive check's light path imports config and discover alone
    if name not in _LAZY:
        raise AttributeError(f"module 'derive.project' has no attribute {name!r}")
    value = getattr(importlib.import_module(_LAZY[name]), name)
    globals()[name] = value
    return value
