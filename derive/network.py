"""Symbolic layers: eq. (0) z_k = sum_j W_kj a_j + b_k, for concrete or symbolic sizes."""

from __future__ import annotations

from sympy import Basic, Expr, Indexed, Sum

from derive.sizes import Size
from derive.symbols import W, a_prev, b, jp, z


def logit(index: Expr, J: Size) -> Expr:
    """z_index = sum_j' W_{index j'} a_j'^{L-1} + b_index (eq. 0)."""
    return Sum(W[index, jp] * a_prev[jp], (jp, 1, J)) + b[index]


def in_parameters(expr: Basic, J: Size) -> Basic:
    """``expr`` with every logit z_c replaced by eq. (0), so it depends on W, b and a^{L-1}."""
    return expr.replace(
        lambda e: isinstance(e, Indexed) and e.base == z,
        lambda e: logit(e.indices[0], J),
    )
