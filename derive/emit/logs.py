"""Logarithms of products split into sums of logarithms, where every factor is positive.

A result written with a ratio inside one logarithm, such as a KL divergence between two
softmaxes ``sum_g p_g log(p_g / q_g)``, hides the log-softmax of each: computed as written, the
ratio of exponentials overflows at a logit of 710 (inf / inf is NaN). Split, ``log p_g - log
q_g`` is two log-softmaxes, which the stable rewrites compute shifted by the row maximum.

The split ``log(a b) = log a + log b`` holds only for positive factors, so a factor is split
off only when it is known positive: a positive number, ``e^u`` with u real, a sum of positive
terms, a positive base to a real power. The form is a candidate only: the emitter uses it after
the step checker proves it equal to the result (``derive.emit.module``).
"""

from __future__ import annotations

from sympy import Add, Basic, Expr, Mul, Pow, Sum, exp, log

from derive.emit.stable import real


def _positive(expr: Basic) -> bool:
    """Known positive, by the rules of the module docstring (never a guess: False if unsure)."""
    if expr.is_positive:
        return True
    if isinstance(expr, exp):
        return real(expr.args[0])
    if isinstance(expr, Sum):
        # a sum over a range that may be empty is 0: only ranges with lo a number <= 1 and a
        # positive upper bound are taken as nonempty (1..K, 0..K-1 with K >= 1)
        return all(
            lo.is_Integer and lo <= 1 and (hi - lo + 1).is_positive for _, lo, hi in expr.limits
        ) and _positive(expr.function)
    if isinstance(expr, Add):
        return all(_positive(term) for term in expr.args)
    if isinstance(expr, Mul):
        return all(_positive(factor) for factor in expr.args)
    if isinstance(expr, Pow):
        return _positive(expr.base) and bool(expr.exp.is_real)
    return False


def _split(argument: Expr) -> Expr | None:
    """log(argument) as a sum of logs of its positive factors, or None if nothing splits."""
    if isinstance(argument, exp) and real(argument.args[0]):
        return argument.args[0]
    if isinstance(argument, Pow) and _positive(argument.base) and argument.exp.is_real:
        inner = _split(argument.base)
        return argument.exp * (log(argument.base) if inner is None else inner)
    if not isinstance(argument, Mul) or not all(_positive(f) for f in argument.args):
        return None
    terms = []
    for factor in argument.args:
        inner = _split(factor)
        terms.append(log(factor) if inner is None else inner)
    return Add(*terms)


def split_logs(expr: Expr) -> Expr:
    """``expr`` with every logarithm of a product of positive factors split (innermost first)."""

    def rewrite(node: Basic) -> Basic:
        if not node.args:
            return node
        node = (
            node.func(*(rewrite(a) for a in node.args))
            if not isinstance(node, Sum)
            else (Sum(rewrite(node.function), *node.limits))
        )
        if isinstance(node, log):
            split = _split(node.args[0])
            if split is not None:
                return split
        return node

    return rewrite(expr)
