"""A worked example's claims at the values the text gives (``values``): both sides with the
given names and entries replaced by their values (before the definitions are written out, so
that a name's value as the text shows it wins), the definitions written out, the sums with
concrete bounds written out, and the values replaced again (entries the sums produced).

A claim of an instance that still has symbols after that is about values the text does not
give (or gives in a way that is not read): it is never refuted for values the author did not
mean (:func:`unknowns` names them for the report).
"""

from __future__ import annotations

from collections.abc import Callable

from sympy import Basic, Expr, Indexed, Sum, Symbol

from derive.checker.sums import expand_finite_sums
from derive.sources.posts.definitions import Definitions


def at_values(
    expr: Expr,
    values: tuple[tuple[Basic, Expr], ...],
    definitions: Definitions,
    resolve: Callable[[Expr], Expr],
) -> Expr:
    """``expr`` (as built, definitions kept) at ``values``.

    Raises:
        TooDeep: the definitions cannot be written out within their limits.
    """
    given = dict(values)
    expr = expr.xreplace(given)
    # a name with a value keeps it: a definition written later (w = 0 - 0.1 (-6.5)) is not
    # what a row before it computes with
    expr = resolve(definitions.expand(expr, lambda atom: atom not in given))
    for _ in range(2):  # a sum's entries appear when it is written out
        if expr.has(Sum):
            expr = expand_finite_sums(expr)
        expr = expr.xreplace(given)
    return expr


def unknowns(expr: Expr, shown: Callable[[Basic], str]) -> list[str]:
    """The names in ``expr`` that have no value (each once, in a fixed order)."""
    free = expr.free_symbols
    entries = sorted((e for e in free if isinstance(e, Indexed)), key=str)
    labels = {e.base.label for e in entries}
    symbols = sorted((s for s in free if isinstance(s, Symbol) and s not in labels), key=str)
    return list(dict.fromkeys(shown(x) for x in [*entries, *symbols]))
