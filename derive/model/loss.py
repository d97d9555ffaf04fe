"""Softmax and the cross-entropy loss E = -sum_d t_d log a_d, for a concrete or symbolic K."""

from __future__ import annotations

from sympy import Expr, Sum, exp, log

from derive.model.sizes import Size
from derive.model.symbols import c, cp, d, t, z


def softmax_denominator(K: Size, bound: Expr = c) -> Expr:
    """sum_{c=1}^{K} e^{z_c}."""
    return Sum(exp(z[bound]), (bound, 1, K))


def softmax(index: Expr, K: Size) -> Expr:
    """a_index = e^{z_index} / sum_c e^{z_c} (the sum's index is c', if ``index`` is c)."""
    return exp(z[index]) / softmax_denominator(K, cp if index == c else c)


def cross_entropy(K: Size) -> Expr:
    """E = -sum_d t_d log a_d (eq. 1, first form), in terms of the logits z."""
    return -Sum(t[d] * log(softmax(d, K)), (d, 1, K))


def cross_entropy_log_softmax(K: Size) -> Expr:
    """E = -sum_d t_d (z_d - log sum_c e^{z_c}) (eq. 1, second form)."""
    return -Sum(t[d] * (z[d] - log(softmax_denominator(K))), (d, 1, K))


def targets_sum(K: Size) -> Expr:
    """sum_d t_d, which is 1 for a probability distribution."""
    return Sum(t[d], (d, 1, K))
