"""The checker: one claimed equality ``lhs = rhs`` under assumptions in, one :class:`Verdict` out.

``equal.check_equal`` orchestrates: ``methods`` (the proof methods, a table), ``prove``, ``facts``,
``sums`` and ``doit`` (the symbolic side), ``evidence``, ``sampling``, ``instances``, ``compiled``
and ``balls`` (the numbers), ``kinks`` and ``conventions`` (ReLU, Heaviside), ``limits``
(deterministic bounds on the work), ``guard`` (the hang guard) and ``cache`` (verdicts kept on
disk). The two names below load on first use (PEP 562), so that a light module of the package
(``limits``, ``guard``) can be imported without SymPy.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from derive.checker.equal import check_equal
    from derive.checker.verdict import Verdict

_LAZY = {"check_equal": "derive.checker.equal", "Verdict": "derive.checker.verdict"}
__all__ = ["Verdict", "check_equal"]


def __getattr__(name: str) -> object:
    if name not in _LAZY:
        raise AttributeError(f"module 'derive.checker' has no attribute {name!r}")
    value = getattr(importlib.import_module(_LAZY[name]), name)
    globals()[name] = value
    return value
