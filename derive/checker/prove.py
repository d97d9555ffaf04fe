"""The symbolic side of the checker: try to show ``lhs - rhs`` is identically zero.

The strategies form a table (``STRATEGIES``), cheapest first, each with a name and a one-line
justification; each one feeds the next. None of them uses ``force=True`` or anything else that
ignores assumptions. A success here is only a claim: ``check.py`` cross-checks it numerically.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import sympy
from sympy import Add, Basic, Dummy, Expr, Indexed, Mul, Product, S, Sum
from sympy.core.relational import Relational

from derive.checker.budget import Budget
from derive.checker.doit import evaluated, evaluated_or_same
from derive.checker.sampling import free_atoms
from derive.checker.sums import canonical, is_zero, pull_out_of_sums, sum_deltas, use_sum_limits


@dataclass(frozen=True)
class Facts:
    """What a proof may use: equalities (substituted) and relations (index ranges, ``refine``).

    ``items`` pairs each assumption as given with its current form (cases substitute values);
    ``used`` collects the given assumptions a proof actually relied on, so a verdict's ``needs``
    says what the proof used.
    """

    items: tuple[tuple[Basic, Basic], ...] = ()
    used: set[Basic] = field(default_factory=set, compare=False)

    @classmethod
    def of(cls, assumptions: Sequence[Basic]) -> Facts:
        return cls(tuple((a, a) for a in assumptions))

    @property
    def equalities(self) -> list[tuple[Basic, Basic]]:
        return [(given, now) for given, now in self.items if isinstance(now, sympy.Eq)]

    @property
    def relations(self) -> list[tuple[Basic, Basic]]:
        return [(given, now) for given, now in self.items if not isinstance(now, sympy.Eq)]

    def substitute(self, expr: Basic) -> Basic:
        """Eliminate each equality: solve it for an atom it holds linearly, or replace its side."""
        for given, eq in self.equalities:
            before = expr
            lhs, rhs = eq.lhs.doit(), eq.rhs.doit()
            solved = _solve_linear(lhs - rhs)
            if solved is not None:
                expr = expr.xreplace({solved[0]: solved[1]})
            else:
                big = sympy.count_ops(lhs) >= sympy.count_ops(rhs)
                pattern, replacement = (lhs, rhs) if big else (rhs, lhs)
                target = canonical(pattern)
                expr = expr.replace(
                    lambda e, t=target: canonical(e) == t, lambda e, r=replacement: r
                )
            if expr != before:
                self.used.add(given)
        return expr

    def xreplace(self, mapping: dict[Basic, Basic]) -> Facts | None:
        """The facts with ``mapping`` applied; None when one became false (a vacuous case)."""
        items = [(given, now.xreplace(mapping)) for given, now in self.items]
        if any(now is sympy.false for _, now in items):
            return None
        return Facts(tuple((g, now) for g, now in items if now is not sympy.true), self.used)

    def within(self, x: Basic, lo: Basic, hi: Basic) -> bool:
        """Whether lo <= x <= hi follows from x's assumptions or from a single relation."""
        return self._at_most(lo, x) and self._at_most(x, hi)

    def _at_most(self, small: Basic, large: Basic) -> bool:
        if (large - small).is_nonnegative:
            return True
        for given, relation in self.relations:
            if isinstance(relation, Relational) and relation.rel_op in ("<=", ">="):
                low, high = (
                    (relation.lhs, relation.rhs)
                    if relation.rel_op == "<="
                    else (relation.rhs, relation.lhs)
                )
                if (small - low).is_nonnegative and (high - large).is_nonnegative:
                    self.used.add(given)
                    return True
        return False

    def refine(self, expr: Basic) -> Basic:
        relations = [(g, r) for g, r in self.relations if r.free_symbols & expr.free_symbols]
        if not relations:
            return expr
        result = sympy.refine(expr, sympy.And(*(r for _, r in relations)))
        if result != expr:  # name only the relations the result depends on
            for given, relation in relations:
                others = sympy.And(*(r for _, r in relations if r is not relation))
                if len(relations) == 1 or sympy.refine(expr, others) != result:
                    self.used.add(given)
        return result


def _solve_linear(difference: Expr) -> tuple[Basic, Expr] | None:
    for atom in sorted(free_atoms(difference), key=sympy.default_sort_key, reverse=True):
        if atom.is_integer:
            continue
        slope = sympy.expand(difference.diff(atom))
        if slope != 0 and atom not in slope.free_symbols:
            return atom, -difference.xreplace({atom: 0}) / slope
    return None


def _abstract(expr: Basic) -> Basic:
    """Replace every non-rational part (exp, log, sums, steps, ...) by a fresh symbol.

    Identical parts get the same symbol, and exp(u + v + n w) becomes e_u e_v e_w**n, so the
    exponentials of sums that SymPy keeps whole still match their factors. If the result is zero
    as a rational function of the new symbols, the original is zero: a value for each part is
    one point of that function (the congruence abstraction).
    """
    table: dict[Basic, Basic] = {}

    def symbol(part: Basic) -> Basic:
        key = canonical(part)
        if key not in table:
            table[key] = Dummy(f"u{len(table)}")
        return table[key]

    def exponential(argument: Basic) -> Basic:
        factors = []
        for term in Add.make_args(sympy.expand(argument)):
            coefficient, rest = term.as_coeff_Mul()
            if coefficient.is_Integer and rest != 1:
                factors.append(symbol(sympy.exp(rest)) ** coefficient)
            else:
                factors.append(symbol(sympy.exp(term)))
        return Mul(*factors)

    def walk(e: Basic) -> Basic:
        if e.is_Atom or isinstance(e, Indexed):
            return e
        if isinstance(e, sympy.exp):
            return exponential(e.args[0])
        if isinstance(e, (Add, Mul)):
            return e.func(*[walk(a) for a in e.args])
        if isinstance(e, sympy.Pow) and e.exp.is_Integer:
            return walk(e.base) ** e.exp
        return symbol(e)

    return walk(expr)


def zero_as_rational_function(expr: Basic) -> bool:
    """Whether ``expr`` is zero once abstracted (see ``_abstract``): numerator expands to 0."""
    numerator, _ = sympy.together(_abstract(expr)).as_numer_denom()
    return sympy.expand(numerator) == 0


Strategy = Callable[[Basic, Facts], Basic]

_UNEVALUATED = (Sum, Product, sympy.Derivative, sympy.Subs, sympy.Integral)


def _has_sums(e: Basic, f: Facts) -> bool:
    return e.has(Sum)


def _always(e: Basic, f: Facts) -> bool:
    return True


# (name, when it applies, the rewrite, why it is valid)
STRATEGIES: tuple[tuple[str, Callable[[Basic, Facts], bool], Strategy, str], ...] = (
    (
        "deltas",
        lambda e, f: e.has(Sum) and e.has(sympy.KroneckerDelta),
        lambda e, f: sum_deltas(pull_out_of_sums(e), f.within),
        "sum_c f(c) 1[c = k] = f(k) for k in the range of c",
    ),
    (
        "doit",
        lambda e, f: e.has(*_UNEVALUATED),
        lambda e, f: evaluated(e),
        "evaluate derivatives, finite sums and Kronecker deltas",
    ),
    (
        "refine",
        lambda e, f: bool(f.relations) or e.has(Sum),
        lambda e, f: f.refine(use_sum_limits(e)),
        "decide piecewise conditions from the index ranges and the sums' limits",
    ),
    (
        "rational",
        _always,
        lambda e, f: S.Zero if zero_as_rational_function(e) else e,
        "zero as a rational function of its exp, log and sum parts",
    ),
    ("expand", _always, lambda e, f: sympy.expand(e), "expand products, and logs where valid"),
    ("sums", _has_sums, lambda e, f: sympy.expand(pull_out_of_sums(e)), "linearity of sums"),
    ("cancel", _always, lambda e, f: sympy.cancel(sympy.together(e)), "common denominator"),
    ("simplify", _always, lambda e, f: f.refine(sympy.simplify(e)), "sympy.simplify"),
)


def _apply(strategy: Strategy, expr: Basic, facts: Facts) -> Basic:
    try:
        return facts.substitute(canonical(strategy(expr, facts)))
    except Exception:  # SymPy raises many kinds on odd input; a failed strategy proves nothing
        return expr


def _pipeline(
    difference: Basic, facts: Facts, budget: Budget, *, quick: bool = False
) -> tuple[str | None, bool]:
    """Apply the strategies in turn until the difference is zero (``quick``: without the
    costly general ones, cancel and simplify)."""
    expr = facts.substitute(canonical(difference))
    if is_zero(expr):
        return ("structural" if not facts.equalities else "substitution"), False
    applied: list[str] = []
    for name, applies, strategy, _why in STRATEGIES:
        if quick and name in ("cancel", "simplify"):
            continue
        if not applies(expr, facts):
            continue
        ok, result = budget.run(lambda s=strategy, e=expr: _apply(s, e, facts))
        if not ok:
            return None, True
        if result != expr:
            applied.append(name)
        expr = result
        if is_zero(expr):
            return "+".join(applied) or name, False
    return None, False


MAX_CASES = 64


def _bound(relation: Basic, symbol: Basic) -> tuple[str, int] | None:
    """("lo"/"hi", value) when ``relation`` bounds the integer ``symbol`` by a number."""
    if not isinstance(relation, Relational) or isinstance(relation, (sympy.Eq, sympy.Ne)):
        return None
    small, large = (
        (relation.lhs, relation.rhs)
        if relation.rel_op in ("<", "<=")
        else (relation.rhs, relation.lhs)
    )
    strict = relation.rel_op in ("<", ">")
    if small == symbol and large.is_number and large.is_real:
        return "hi", int(sympy.ceiling(large)) - 1 if strict else int(sympy.floor(large))
    if large == symbol and small.is_number and small.is_real:
        return "lo", int(sympy.floor(small)) + 1 if strict else int(sympy.ceiling(small))
    return None


def finite_cases(expr: Basic, facts: Facts) -> list[dict[Basic, Basic]] | None:
    """All values of the free integer symbols when the relations bound each one (few enough)."""
    symbols = sorted(
        (s for s in expr.free_symbols if isinstance(s, sympy.Symbol) and s.is_integer),
        key=sympy.default_sort_key,
    )
    ranges = []
    bounding = set()
    for symbol in symbols:
        lo = 1 if symbol.is_positive else 0 if symbol.is_nonnegative else None
        hi = None
        for given, relation in facts.relations:
            found = _bound(relation, symbol)
            if found:
                bounding.add(given)
            if found and found[0] == "lo":
                lo = found[1] if lo is None else max(lo, found[1])
            elif found:
                hi = found[1] if hi is None else min(hi, found[1])
        if lo is None or hi is None:
            return None
        ranges.append(range(lo, hi + 1))
    if not symbols or math.prod(len(r) for r in ranges) > MAX_CASES:
        return None
    facts.used.update(bounding)
    return [
        dict(zip(symbols, map(sympy.Integer, values), strict=True))
        for values in itertools.product(*ranges)
    ]


def prove_zero(difference: Basic, facts: Facts, budget: Budget) -> tuple[str | None, bool]:
    """Try to show ``difference`` is identically zero given ``facts``.

    Integer symbols that the relations confine to a few values (an index k with 1 <= k <= 3)
    are split into cases, each proved on its own. Returns ``(method, timed_out)``: the names of
    the strategies that reached zero, or None.
    """
    cases = finite_cases(difference, facts)
    if cases is None:
        method, timed_out = _pipeline(difference, facts, budget)
        if method is not None or timed_out:
            return method, timed_out
        # the delta rule wants sums unevaluated, but some claims only close once doit has
        # evaluated them first (a network's chain with symbolic sizes): try that order too
        ok, evaluated = budget.run(lambda: evaluated_or_same(difference))
        if not ok:
            return None, True
        if evaluated == difference:
            return None, False
        method, timed_out = _pipeline(evaluated, facts, budget)
        return (f"doit, then {method}" if method else None), timed_out
    method, _ = _pipeline(difference, facts, budget.part(0.4), quick=True)
    if method is not None:  # for every index value at once: cheaper than many cases
        return method, False
    ok, general = budget.run(lambda: evaluated_or_same(difference))  # once, before instantiating
    if not ok:
        return None, True
    methods = set()
    for case in cases:
        case_facts = facts.xreplace(case)
        if case_facts is None:
            continue
        method, timed_out = _pipeline(general.xreplace(case), case_facts, budget)
        if method is None:
            return None, timed_out
        methods.add(method)
    names = ", ".join(str(s) for s in cases[0])
    return f"case split over {names} ({len(cases)} cases): " + "/".join(sorted(methods)), False


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


def attempt(
    diffs: Sequence[Basic], assume: Sequence[Basic], budget: Budget
) -> tuple[str | None, tuple[Basic, ...], bool]:
    """A proof attempt: (method or None, the assumptions it used, whether time ran out)."""
    facts = Facts.of(assume)
    method, timed_out = prove_all_zero(diffs, facts, budget)
    return method, tuple(a for a in assume if a in facts.used), timed_out
