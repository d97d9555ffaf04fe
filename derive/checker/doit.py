"""SymPy operations the checker repeats on the same expressions, cached."""

from __future__ import annotations

import functools

from sympy import Basic


@functools.lru_cache(maxsize=512)
def evaluated(expr: Basic) -> Basic:
    """``expr.doit()``: the same sides are instantiated for many points, cases and attempts."""
    return expr.doit()


@functools.lru_cache(maxsize=512)
def evaluated_or_same(expr: Basic) -> Basic:
    """``expr.doit()``, or ``expr`` itself when SymPy's doit fails (it does on some sums)."""
    try:
        return evaluated(expr)
    except Exception:
        return expr
