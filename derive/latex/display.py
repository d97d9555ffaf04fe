"""Display rewrites: what a reader sees, never what is checked.

The checked expressions have eq. (0) and the ReLUs written out (so that ``sympy.diff`` sees every
path); a reader wants the post's names back: ``b_c + sum_j' W_cj' a_j'`` is ``z_c``,
``relu(z_j^{L-1})`` is ``a_j^{L-1}``, and the softmax formula is ``a_k``.
"""

from __future__ import annotations

from collections.abc import Mapping

from sympy import Add, Basic, Expr, Indexed, IndexedBase, Integer, Max, Sum

from derive.network import FIRST, HIDDEN, OUTPUT, Layer
from derive.symbols import a2, a_prev, z1, z2

# innermost layer first: a folded z^{L-2} makes relu(z^{L-2}) foldable, and so on up
_LAYERS: tuple[Layer, ...] = (FIRST, HIDDEN, OUTPUT)
_ACTIVATIONS: dict[IndexedBase, IndexedBase] = {z2: a2, z1: a_prev}


def _fold_logit(expr: Expr, layer: Layer) -> Expr | None:
    """``b[i] + Sum(W[i, v] inputs[v], (v, 1, n)) + rest`` -> ``z[i] + rest``, else None."""
    terms = list(expr.args)
    for bias in terms:
        if not (isinstance(bias, Indexed) and bias.base == layer.b):
            continue
        index = bias.indices[0]
        for term in terms:
            if not isinstance(term, Sum) or len(term.limits) != 1:
                continue
            bound, low, _ = term.limits[0]
            if low == 1 and term.function == layer.W[index, bound] * layer.inputs[bound]:
                rest = [t for t in terms if t is not bias and t is not term]
                return Add(layer.z[index], *rest)
    return None


def _fold_relu(expr: Max) -> Expr | None:
    """``Max(0, z^{L-1}[j])`` -> ``a^{L-1}[j]`` (and the same one layer down), else None."""
    if len(expr.args) != 2 or 0 not in expr.args:
        return None
    (argument,) = (arg for arg in expr.args if arg != 0)
    if isinstance(argument, Indexed) and argument.base in _ACTIVATIONS:
        return _ACTIVATIONS[argument.base][argument.indices[0]]
    return None


def _fold_signed(expr: Expr, layer: Layer) -> Expr | None:
    """Fold ``b + sum W a + rest`` and also ``-b - sum W a - rest`` (as in ``e^{-z}``)."""
    folded = _fold_logit(expr, layer)
    if folded is None:
        negated = _fold_logit(-expr, layer) if isinstance(-expr, Add) else None
        folded = None if negated is None else -negated
    return folded


def fold(expr: Basic) -> Basic:
    """Write eq. (0) and relu(z) back as z and a, layer by layer from the input up."""
    for layer in _LAYERS:
        expr = expr.replace(
            lambda e, layer=layer: isinstance(e, Add) and _fold_signed(e, layer) is not None,
            lambda e, layer=layer: _fold_signed(e, layer),
        )
        expr = expr.replace(
            lambda e: isinstance(e, Max) and _fold_relu(e) is not None,
            _fold_relu,
        )
    return expr


def shown(expr: Basic, names: Mapping[Basic, Basic]) -> Basic:
    """``expr`` as displayed: folded, then the derivation's abbreviations (softmax -> a_k)."""
    expr = fold(expr)
    for long, short in names.items():
        # xreplace also reaches inside a sum over the name's own index (subs will not: it is
        # bound there); subs also finds the name inside a larger product, like -a_k t_d
        expr = expr.xreplace({fold(long): short}).subs(fold(long), short)
    return expr


def expanded(expr: Basic) -> Basic:
    """Sums with integer limits written out term by term (``--expanded``)."""
    return expr.replace(
        lambda e: (
            isinstance(e, Sum)
            and all(isinstance(limit, Integer) for _, *bounds in e.limits for limit in bounds)
        ),
        lambda e: e.doit(deep=False),
    )


def is_index_range(relation: Basic) -> bool:
    """``k <= K``, ``j <= 4``: an index's range, assumed throughout and not repeated per step."""
    lhs, rhs = relation.args
    return (
        relation.rel_op == "<="
        and lhs.is_Symbol
        and bool(lhs.is_integer)
        and (rhs.is_Integer or rhs.is_Symbol)
    )
