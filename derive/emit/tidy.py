"""Tidier forms of a result to try before the stable rewrites (:mod:`derive.emit.stable`),
and the score that picks among them: how many exponentials stay unshifted.

A proved result may be written so that the rewrites cannot see a softmax in it (two sums that
differ only in their index, a delta inside a sum, e^{-z} e^{z}); :func:`tidied` gives forms
where they can. The caller (:func:`derive.emit.module._tidy`) proves a form equal to the result
before using it.
"""

from __future__ import annotations

from sympy import Basic, Expr, KroneckerDelta, Mul, Sum, Symbol, count_ops, exp, expand, powsimp
from sympy.simplify.simplify import factor_sum

from derive.emit.graph import bound_by_depth
from derive.emit.markers import RowMax

LARGER = 4  # an expanded form more than this many times larger is not tried


def _selecting(expr: Basic) -> bool:
    """A sum over c of a product with a factor delta(c, k), k another symbol."""
    if not isinstance(expr, Sum) or len(expr.limits) != 1 or not isinstance(expr.function, Mul):
        return False
    index = expr.limits[0][0]
    return any(_delta_partner(f, index) is not None for f in expr.function.args)


def _delta_partner(factor: Basic, index: Symbol) -> Basic | None:
    if isinstance(factor, KroneckerDelta) and index in factor.args:
        (other,) = [a for a in factor.args if a != index] or [None]
        if other is not None and isinstance(other, Symbol) and other != index:
            return other
    return None


def _selected(expr: Sum) -> Expr:
    """sum_c f(c) delta(c, k) -> f(k) (right for k within c's range, which the caller's proof
    checks)."""
    index = expr.limits[0][0]
    delta = next(f for f in expr.function.args if _delta_partner(f, index) is not None)
    rest = Mul(*[f for f in expr.function.args if f is not delta])
    return rest.xreplace({index: _delta_partner(delta, index)})


def tidied(expr: Expr) -> list[Expr]:
    """Tidier forms of ``expr`` to try, the plainest first: every sum's index renamed by its
    depth (so two sums that differ only in the name of their index are one and cancel: S / S'),
    factors that do not depend on a sum's index taken out of it (C e^{x_i} / sum_c C e^{x_c}),
    a Kronecker delta in a sum's term selected (sum_c e^{z_c} delta_ck = e^{z_k}, so that the
    softmax it is part of shows; the proof's index ranges make it so, and the check sees),
    products of exponentials combined (e^{-z} e^{z} = 1); then the same with the products
    multiplied out, so that such factors meet (a gradient written out in the softmax's parts,
    ``(e^{z_i} delta_ik / S - ...) e^{-z_i} S``). Written as they stand, these keep factors that
    overflow at z = 710. The caller proves a form equal to the result before using it."""
    # each change of structure may put a sum at another depth: its index is renamed again
    renamed = bound_by_depth(bound_by_depth(expr).replace(_selecting, _selected))
    renamed = bound_by_depth(renamed.replace(lambda e: isinstance(e, Sum), factor_sum))
    plain = powsimp(renamed, combine="exp", deep=True)
    flat = dict(mul=True, multinomial=False, power_exp=False, power_base=False, log=False)
    multiplied = powsimp(bound_by_depth(expand(plain, **flat)), combine="exp", deep=True)
    found = [plain]
    if multiplied != plain and count_ops(multiplied) <= LARGER * max(count_ops(plain), 1):
        found.append(multiplied)
    return found


def unstable(expr: Expr) -> int:
    """How many exponentials a stable form still computes unshifted (the fewer, the better);
    a row maximum's own sum, ``RowMax(sum_c e^{z_c})``, names the row and computes none."""
    found, todo = set(), [expr]
    while todo:
        node = todo.pop()
        if isinstance(node, RowMax):
            continue
        if isinstance(node, exp) and not node.args[0].has(RowMax):
            found.add(node)
        todo.extend(node.args)
    return len(found)
