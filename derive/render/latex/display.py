"""Display rewrites: what a reader sees, never what is checked.

The checked expressions have eq. (0) and the ReLUs written out (so that ``sympy.diff`` sees every
path); a reader wants the post's names back: ``b_c + sum_j' W_cj' a_j'`` is ``z_c``,
``relu(z_j^{L-1})`` is ``a_j^{L-1}``, and the softmax formula is ``a_k``. ``tidy`` drops what
``sympy.diff`` leaves behind (a sum of zeros, a delta inside its sum), each an exact identity
under the index ranges assumed throughout; ``displayed`` shows a derivation's own form of a line
only if it is identically the checked one.
"""

from __future__ import annotations

from collections.abc import Mapping

from sympy import (
    Add,
    Basic,
    Expr,
    Indexed,
    IndexedBase,
    Integer,
    KroneckerDelta,
    Max,
    Mul,
    Sum,
    cancel,
)
from sympy.matrices.expressions import MatrixExpr

from derive.model.network import FIRST, HIDDEN, OUTPUT, Layer
from derive.model.symbols import a2, a_prev, z1, z2

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


Ranges = Mapping[Basic, tuple[Basic, Basic]]  # index -> (low, high), both inclusive


def index_ranges(assume: tuple[Basic, ...]) -> dict[Basic, tuple[Basic, Basic]]:
    """``k <= K`` for a positive integer ``k``: ``{k: (1, K)}``."""
    return {
        relation.lhs: (Integer(1), relation.rhs)
        for relation in assume
        if is_index_range(relation) and relation.lhs.is_positive
    }


def _picked(expr: Sum, ranges: Ranges) -> Expr | None:
    """``sum_{v=1}^{N} f(v) 1_{v=w}`` -> ``f(w)`` if ``1 <= w <= N``, else None."""
    if len(expr.limits) != 1:
        return None
    bound, low, high = expr.limits[0]
    factors = Mul.make_args(expr.function)
    for delta in factors:
        if not isinstance(delta, KroneckerDelta) or bound not in delta.args:
            continue
        (other,) = [arg for arg in delta.args if arg != bound] or [bound]
        rest = Mul(*(f for f in factors if f is not delta))
        bound_inside = {limit[0] for inner in rest.atoms(Sum) for limit in inner.limits}
        if ranges.get(other) == (low, high) and other not in bound_inside:
            return rest.subs(bound, other)
    return None


def _tidied_sum(expr: Sum, ranges: Ranges) -> Expr | None:
    if expr.function == 0:
        return Integer(0)  # a sum of zeros, over any range
    return _picked(expr, ranges)


def tidy(expr: Basic, ranges: Ranges) -> Basic:
    """Display-only tidying, each an exact identity when every index is in its range.

    ``sum_{v} 0 = 0``; a delta picks one term of the sum over its index,
    ``sum_{v=1}^{N} f(v) 1_{v=w} = f(w)``, but only if ``w``'s range is exactly ``1..N``
    (``ranges``, from the index ranges assumed throughout, and the ranges of the enclosing sums'
    own indices).
    """
    if isinstance(expr, Sum) and len(expr.limits) == 1:
        bound, low, high = expr.limits[0]
        inner = {**ranges, bound: (low, high)}
        expr = Sum(tidy(expr.function, inner), *expr.limits)
        picked = _tidied_sum(expr, ranges)
        return expr if picked is None else tidy(picked, ranges)
    if expr.is_Atom or not expr.args or isinstance(expr, Indexed):
        return expr
    return expr.func(*(tidy(arg, ranges) for arg in expr.args))


def shown(
    expr: Basic, names: Mapping[Basic, Basic], ranges: Ranges | None = None, tidied: bool = True
) -> Basic:
    """``expr`` as displayed: folded, tidied (see :func:`tidy`; unless not ``tidied``), then
    the abbreviations ``names`` (softmax -> a_k) and their reciprocals (e^{-z_k} sum_c e^{z_c}
    -> 1/a_k)."""
    expr = fold(expr)
    if tidied:
        expr = tidy(expr, ranges or {})
    pairs = [(fold(long), short) for long, short in names.items()]
    reciprocals = [(1 / long, 1 / short) for long, short in pairs if not _matrix(long)]
    for long, short in [*pairs, *reciprocals]:
        expr = _named(expr, long, short)
    return expr


def _matrix(expr: Basic) -> bool:
    return isinstance(expr, MatrixExpr)  # a matrix has no reciprocal


def _named(expr: Basic, long: Basic, short: Basic) -> Basic:
    """``long`` written as ``short`` wherever it occurs, also inside a sum over its own index
    (``subs`` skips those, the index being bound there) and inside larger products (-a_k t_d)."""
    expr = expr.replace(
        lambda e: isinstance(e, Sum), lambda e: Sum(e.function.subs(long, short), *e.limits)
    )
    return expr.xreplace({long: short}).subs(long, short)


def _evaluated(expr: Basic) -> Basic:
    """``expr`` rebuilt with SymPy's automatic simplification (products multiplied out of an
    ``evaluate=False`` form), but no sum written out."""
    if expr.is_Atom or not expr.args:
        return expr
    return expr.func(*(_evaluated(arg) for arg in expr.args))


def _normal(expr: Basic) -> Basic:
    """Every sum's body, then the whole, as one canonical fraction (``cancel``)."""
    expr = expr.replace(lambda e: isinstance(e, Sum), lambda e: Sum(cancel(e.function), *e.limits))
    return cancel(expr)


def displayed(checked: Basic, display: Basic | None) -> Basic:
    """``display`` if it is identically ``checked`` (both as displayed), else ``checked``.

    Identically: the two agree as rational functions of their symbols, exponentials and sums,
    sum bodies compared likewise (sums with the same limits). This is exact, so a verdict on
    ``checked`` is a verdict on ``display``; a display that is only equal under assumptions
    (or that SymPy cannot match) falls back to ``checked``.
    """
    if display is None:
        return checked
    if isinstance(checked, MatrixExpr) or isinstance(display, MatrixExpr):
        # a matrix expression: the display rebuilt (transposes distributed, sums in SymPy's
        # order) must be the checked one itself
        return display if _evaluated(display).doit() == checked.doit() else checked
    if _normal(_evaluated(display) - checked) == 0:
        return display
    return checked


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
