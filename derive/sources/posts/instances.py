"""A worked example's claims at the values the text gives (``values``): both sides with the
given names and entries replaced by their values (before the definitions are written out, so
that a name's value as the text shows it wins), the definitions written out, the sums with
concrete bounds written out, and the values replaced again (entries the sums produced). An
iterate at a concrete step (``w_2`` of ``w_{t+1} = w_t - \\eta \\cdot 2(w_t - 3)``) is written
out by its recurrence down to the start value the text states (``$w_0 = 0$``).

A claim of an instance that still has symbols after that is about values the text does not
give (or gives in a way that is not read, a figure): it is never refuted for values the author
did not mean (:func:`unknowns` names them for the report). It may still be proved with the
values earlier chains showed for names (``out_{h1} = ... = 0.593269992``), where the
computation each shown value rounds agrees with it; a claim refuted only at values an earlier
section gave is not refuted either (the example there may have others).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from sympy import Basic, Expr, Indexed, Sum, Symbol

from derive.checker.sums import expand_finite_sums
from derive.checker.verdict import Verdict
from derive.sources.posts.definitions import Definitions, TooDeep
from derive.sources.posts.display import show
from derive.sources.posts.recurrences import to_start
from derive.sources.posts.result import PostResult

SHOWN_VALUES = 12  # names listed in a report line


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


class InstanceMixin:
    """The worked-example part of ``check._Check`` (its ``item``, ``definitions``,
    ``conditions``, ``resolved``, ``verdict`` and ``result``)."""

    def instance(self, verdict: Verdict) -> tuple | PostResult | None:
        """A claim of a worked example at the values the text gives: (lhs, rhs, verdict)
        there; a report when values it needs are not given (never refuted for values the
        author did not mean, nor for values an earlier section gave); None when the values
        change nothing."""
        item = self.item
        try:
            lhs, rhs = self.at(item.values)
        except TooDeep:
            return None
        missing = unknowns(lhs - rhs, lambda x: show(self.post.scope, x))
        if missing and item.shown:  # out_{h1} = ... = 0.615384 earlier: a proof may use it
            proved = self.at_shown()
            if proved is not None:
                return proved
        if missing:
            if item.otherwise:
                return None
            message = (
                "an instance at numbers: the text gives no value (that the reader reads) "
                f"for {', '.join(missing[:SHOWN_VALUES])}"
            )
            return self.result("cannot check", message, Verdict("undecided"))
        if not item.values:
            return None
        verdict = self.verdict(lhs, rhs)
        if verdict.refuted and not item.otherwise and self.before_the_last_example():
            names = ", ".join(show(self.post.scope, k) for k in item.latest[:SHOWN_VALUES])
            message = (
                "refuted at values given before the last ones the text gives (for "
                f"{names}), which this row does not use: a new example may have others"
            )
            return self.result("cannot check", message, Verdict("undecided"))
        stale = [k for k in item.stale if self.uses(k)]
        if verdict.refuted and stale and not item.otherwise:
            names = ", ".join(show(self.post.scope, k) for k in stale[:SHOWN_VALUES])
            message = (
                f"refuted at the values an earlier section gives for {names}: this example "
                "may have others"
            )
            return self.result("cannot check", message, Verdict("undecided"))
        return lhs, rhs, verdict

    def before_the_last_example(self) -> bool:
        """Whether the row uses none of the values the text gave last ("$y = (0, 1, 0)$ and
        $p = (0.2, 0.7, 0.1)$ give $$L = -\\log 0.7$$"), but values given before them: then it
        may belong to the new example, whose other values the reader does not tie to it."""
        latest = self.item.latest
        if not latest or any(self.uses(k) for k in latest):
            return False
        return any(self.uses(k) for k, _ in self.item.values if k not in latest)

    def at(self, values: tuple) -> tuple[Expr, Expr]:
        item, conditions = self.item, self.conditions
        sides = [
            at_values(side, values, self.definitions, self.resolved)
            for side in (item.lhs, item.rhs)
        ]
        if item.recurrences:  # w_2 of w_{t+1} = w_t - \eta g_t: from the start the text gives
            sides = [self.stepped(side, values) for side in sides]
        return tuple(conditions.apply(side) for side in sides)

    def stepped(self, expr: Expr, values: tuple) -> Expr:
        """``expr`` with the entries of recurrent arrays at concrete steps written out by
        their recurrences down to the start values the text states, then at ``values``."""
        steps = {  # a start an earlier section stated is another example's: not this one's
            r.array: dataclasses.replace(r, body=self.resolved(self.definitions.expand(r.body)))
            for r in self.item.recurrences
            if r.starts and not r.stale
        }
        start = {a: min(int(e.indices[-1]) for e, _ in r.starts) for a, r in steps.items()}
        written = to_start(expr, steps, start) if steps else None
        if written is None or written == expr:
            return expr
        return written.xreplace(dict(values))

    def at_shown(self) -> tuple | None:
        """(lhs, rhs, verdict) with the values earlier chains showed, if that proves it."""
        item = self.item
        shown = {
            key: value
            for key, (value, computation) in item.shown
            if self.uses(key) and self.verdict(computation, value).proved
        }
        if not shown:
            return None
        merged = tuple({**shown, **dict(item.values)}.items())
        try:
            lhs, rhs = self.at(merged)
        except TooDeep:
            return None
        if (lhs - rhs).free_symbols:
            return None
        verdict = self.verdict(lhs, rhs)
        if not verdict.proved:
            return None
        used = [show(self.post.scope, k) for k in shown if self.uses(k, stop=set(shown))]
        note = f"at the values the text showed for {', '.join(used[:SHOWN_VALUES])}"
        return lhs, rhs, dataclasses.replace(verdict, caveats=(*verdict.caveats, note))

    def uses(self, key: Basic, stop: set | frozenset = frozenset()) -> bool:
        """Whether the claim, or a definition it reaches (not through a name in ``stop``,
        which has a value of its own), uses the name or entry ``key``."""
        item, definitions = self.item, self.definitions
        if item.lhs.has(key) or item.rhs.has(key):
            return True
        obj = key.base if isinstance(key, Indexed) else key
        stopped = {k.base if isinstance(k, Indexed) else k for k in stop}
        seen, todo = set(), list(definitions.objects(item.lhs) | definitions.objects(item.rhs))
        while todo:
            current = todo.pop()
            if current == obj:
                return True
            if current in seen or current in stopped:
                continue
            seen.add(current)
            found = definitions.table.get(current)
            if found is not None:
                todo.extend(definitions.objects(found.body))
        return False
