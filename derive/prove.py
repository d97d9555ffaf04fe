"""The symbolic side of the checker: try to show ``lhs - rhs`` is identically zero.

The strategies form a table (``STRATEGIES``), cheapest first, each with a name and a one-line
justification; each one feeds the next. None of them uses ``force=True`` or anything else that
ignores assumptions. A success here is only a claim: ``check.py`` cross-checks it numerically.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import sympy
from sympy import Add, Basic, Dummy, Expr, Mul, Product, Sum

from derive.budget import Budget
from derive.sampling import free_atoms


def canonical(expr: Basic, level: int = 0) -> Basic:
    """Rename the bound indices of sums canonically (keeping their assumptions).

    Sums that differ only in the name of their bound index then compare equal, and their
    difference cancels (SymPy does not do this itself: sympy issue 15240).

    >>> from sympy import IndexedBase, Sum, symbols
    >>> c, d, K = symbols("c d K", integer=True, positive=True)
    >>> t = IndexedBase("t")
    >>> canonical(Sum(t[c], (c, 1, K)) - Sum(t[d], (d, 1, K)))
    0
    """
    if not expr.args:
        return expr
    if isinstance(expr, (Sum, Product)):
        mapping: dict[Basic, Basic] = {}
        limits = []
        for position, (var, *bounds) in enumerate(expr.limits):
            index = 10**9 + 100 * level + position  # fixed, so the renaming is canonical
            new = Dummy(f"i{level}{position}", dummy_index=index, **var.assumptions0)
            bounds = [canonical(b.xreplace(mapping), level) for b in bounds]
            mapping[var] = new
            limits.append((new, *bounds))
        body = canonical(expr.function.xreplace(mapping), level + 1)
        return expr.func(body, *limits)
    return expr.func(*[canonical(a, level) for a in expr.args])


def is_zero(expr: Basic) -> bool:
    """Structurally zero after canonical renaming (no simplification, no guessing)."""
    return expr == 0 or canonical(expr) == 0


def pull_out_of_sums(expr: Basic) -> Basic:
    """Linearity: Sum(f + g) = Sum(f) + Sum(g); Sum(c f) = c Sum(f) for c free of the index."""

    def rewrite(s: Sum) -> Basic:
        body = s.function
        indices = {lim[0] for lim in s.limits}
        if isinstance(body, Add):
            return Add(*[pull_out_of_sums(s.func(term, *s.limits)) for term in body.args])
        if isinstance(body, Mul):
            outside = [f for f in body.args if not (f.free_symbols & indices)]
            if outside:
                inside = [f for f in body.args if f.free_symbols & indices]
                return Mul(*outside) * pull_out_of_sums(s.func(Mul(*inside), *s.limits))
        return s

    return expr.replace(lambda e: isinstance(e, Sum), rewrite)


@dataclass(frozen=True)
class Facts:
    """What a proof may use: equalities (substituted) and relations (given to ``refine``)."""

    equalities: tuple[Basic, ...] = ()
    relations: tuple[Basic, ...] = ()

    def substitute(self, expr: Basic) -> Basic:
        """Eliminate each equality: solve it for an atom it holds linearly, or replace its side."""
        for eq in self.equalities:
            lhs, rhs = eq.lhs.doit(), eq.rhs.doit()
            solved = _solve_linear(lhs - rhs)
            if solved is not None:
                expr = expr.xreplace({solved[0]: solved[1]})
                continue
            pattern, replacement = (
                (lhs, rhs)
                if sympy.count_ops(lhs) >= sympy.count_ops(rhs)
                else (
                    rhs,
                    lhs,
                )
            )
            target = canonical(pattern)
            expr = expr.replace(lambda e, t=target: canonical(e) == t, lambda e, r=replacement: r)
        return expr

    def refine(self, expr: Basic) -> Basic:
        if not self.relations:
            return expr
        return sympy.refine(expr, sympy.And(*self.relations))


def _solve_linear(difference: Expr) -> tuple[Basic, Expr] | None:
    for atom in sorted(free_atoms(difference), key=sympy.default_sort_key, reverse=True):
        if atom.is_integer:
            continue
        slope = sympy.expand(difference.diff(atom))
        if slope != 0 and atom not in slope.free_symbols:
            return atom, -difference.xreplace({atom: 0}) / slope
    return None


Strategy = Callable[[Basic, Facts], Basic]

STRATEGIES: tuple[tuple[str, Strategy, str], ...] = (
    ("doit", lambda e, f: e.doit(), "evaluate derivatives, finite sums and Kronecker deltas"),
    ("refine", lambda e, f: f.refine(e), "decide piecewise conditions from the index ranges"),
    ("expand", lambda e, f: sympy.expand(e), "expand products and logs (only where valid)"),
    ("sums", lambda e, f: sympy.expand(pull_out_of_sums(e)), "linearity of sums"),
    ("cancel", lambda e, f: sympy.cancel(sympy.together(e)), "common denominator, cancel"),
    ("simplify", lambda e, f: f.refine(sympy.simplify(e)), "sympy.simplify"),
)


def _apply(strategy: Strategy, expr: Basic, facts: Facts) -> Basic:
    try:
        return facts.substitute(canonical(strategy(expr, facts)))
    except Exception:  # SymPy raises many kinds on odd input; a failed strategy proves nothing
        return expr


def prove_zero(difference: Basic, facts: Facts, budget: Budget) -> tuple[str | None, bool]:
    """Try to show ``difference`` is identically zero given ``facts``.

    Returns ``(method, timed_out)``: the names of the strategies applied when zero was reached,
    or ``None``.
    """
    expr = facts.substitute(canonical(difference))
    if is_zero(expr):
        return ("structural" if not facts.equalities else "substitution"), False
    applied: list[str] = []
    for name, strategy, _why in STRATEGIES:
        ok, result = budget.run(lambda s=strategy, e=expr: _apply(s, e, facts))
        if not ok:
            return None, True
        if result != expr:
            applied.append(name)
        expr = result
        if is_zero(expr):
            return "+".join(applied) or name, False
    return None, False


def prove_all_zero(
    differences: Sequence[Basic], facts: Facts, budget: Budget
) -> tuple[str | None, bool]:
    """``prove_zero`` for every entry (matrices); the method of the first entry that needed work."""
    methods = []
    for difference in differences:
        method, timed_out = prove_zero(difference, facts, budget)
        if method is None:
            return None, timed_out
        methods.append(method)
    return max(methods, key=len), False
