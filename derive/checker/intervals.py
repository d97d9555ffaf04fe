"""Proofs on intervals: a real symbol that the assumptions bound by constants is replaced by a
parametrization of exactly its interval, so that the signs the bounds imply become structural.

``log(p/(1 - p)) = log(p) - log(1 - p)`` for 0 < p < 1, or ``atanh(r)`` as a logarithm for
-1 < r < 1, need 1 - p > 0, which SymPy's assumptions on p cannot say (a symbol has a sign, not
an upper bound). With a parameter s > 0 (a symbol SymPy knows to be positive):

| bounds | x is | where |
|---|---|---|
| a < x (a <= x) | a + s | s > 0 (s >= 0) |
| x < b (x <= b) | b - s | s > 0 (s >= 0) |
| a < x < b | a + (b - a) s / (1 + s) | s > 0; an end the bounds include is a case of its own |

Each map is onto its interval, so the difference is zero for every x in the interval exactly
when it is zero for every s (and at the included ends). The rewriting strategies then decide
1 - p = 1/(1 + s) > 0 from s's sign alone. The relations that bound the symbols are what the
proof uses; the other assumptions are passed on, rewritten in s.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import sympy
from sympy import Basic, Dummy, S
from sympy.core.relational import Relational

from derive.checker.facts import _oriented
from derive.checker.instances import free_atoms
from derive.checker.limits import Work
from derive.checker.prove import attempt

_DUMMY_INDEX = 6 * 10**9  # fixed indices: the parameters sort the same way every run
ORDERS = ("<", "<=", ">", ">=")
MAX_SYMBOLS = 3  # bounded symbols parametrized at once, at most
UNDEFINED = (sympy.zoo, sympy.nan, sympy.oo, -sympy.oo)


class _Bound:
    """The tightest constant bound of one side of a symbol, and the relations that gave it."""

    def __init__(self) -> None:
        self.value: Basic | None = None
        self.strict = False
        self.given: list[Basic] = []

    def tighten(self, value: Basic, strict: bool, given: Basic | None, upper: bool) -> bool:
        """Take ``value`` when it is tighter; False when the two cannot be compared."""
        if self.value is not None:
            gap = (self.value - value) if upper else (value - self.value)
            if gap.is_negative:
                return True  # looser than the bound already taken
            if gap.is_positive:
                self.given = []
            elif not gap.is_zero:
                return False
        if self.value is None or not (self.value - value).is_zero:
            self.value, self.strict = value, strict
        else:
            self.strict = self.strict or strict
        if given is not None:
            self.given.append(given)
        return True


def _sign_bounds(symbol: Basic, lower: _Bound, upper: _Bound) -> None:
    """The bounds a symbol's own sign gives (a positive symbol: 0 < x)."""
    if symbol.is_positive or symbol.is_nonnegative:
        lower.tighten(S.Zero, bool(symbol.is_positive), None, upper=False)
    if symbol.is_negative or symbol.is_nonpositive:
        upper.tighten(S.Zero, bool(symbol.is_negative), None, upper=True)


def _bounded(
    atoms: list[Basic], relations: Sequence[tuple[Basic, Basic]]
) -> dict[Basic, tuple[_Bound, _Bound]]:
    """The real symbols that some relation bounds by a constant, with their bounds."""
    found = {}
    for symbol in atoms:
        lower, upper, named = _Bound(), _Bound(), False
        for given, relation in relations:
            if not isinstance(relation, Relational) or relation.rel_op not in ORDERS:
                continue
            small, large, strict = _oriented(relation)
            if small == symbol and large.is_number and large.is_finite and large.is_extended_real:
                named = True
                if not upper.tighten(large, strict, given, upper=True):
                    break
            elif large == symbol and small.is_number and small.is_finite and small.is_extended_real:
                named = True
                if not lower.tighten(small, strict, given, upper=False):
                    break
        else:
            if named:
                _sign_bounds(symbol, lower, upper)
                found[symbol] = (lower, upper)
    return found


def _parameter(count: int, strict: bool) -> Dummy:
    assumption = {"positive": True} if strict else {"nonnegative": True}
    return Dummy(f"s{count}", dummy_index=_DUMMY_INDEX + count, **assumption)


def _pieces(symbol: Basic, lower: _Bound, upper: _Bound, count: int) -> list[Basic] | None:
    """The values of ``symbol`` that cover its interval exactly (see the module's table)."""
    lo, hi = lower.value, upper.value
    if hi is None:
        return [lo + _parameter(count, lower.strict)]
    if lo is None:
        return [hi - _parameter(count, upper.strict)]
    if not (hi - lo).is_positive:
        return None  # an empty interval or a point: nothing to parametrize
    s = _parameter(count, True)
    pieces = [lo + (hi - lo) * s / (1 + s)]
    return pieces + [v for v, b in ((lo, lower), (hi, upper)) if not b.strict]


def _factored(expr: Basic) -> Basic:
    """The arguments of functions and the bases of powers factored (log((2s/(1 + s)) /
    (2/(1 + s))) is log(s)), so that the parameters' signs decide the arguments' signs."""

    def tidy(e: Basic) -> Basic:
        if isinstance(e, sympy.Pow):
            return sympy.Pow(sympy.factor(e.base), e.exp)
        return e.func(*(sympy.factor(a) for a in e.args))

    return expr.replace(
        lambda e: (
            isinstance(e, (sympy.Function, sympy.Pow))
            and not e.has(sympy.Sum, sympy.Product)
            and any(a.is_Dummy for a in e.free_symbols)
        ),
        tidy,
    )


def prove_on_intervals(
    diffs: Sequence[Basic], assumptions: Sequence[Basic], work: Work
) -> tuple[str, tuple[Basic, ...]] | None:
    """(method, needs) when every difference is zero on the intervals the relations give the
    real symbols (each parametrized, see the module's doc), else None."""
    relations = [(a, a) for a in assumptions if not isinstance(a, sympy.Eq)]
    atoms = sorted(
        {a for d in diffs for a in free_atoms(d) if isinstance(a, sympy.Symbol)},
        key=sympy.default_sort_key,
    )
    real = [a for a in atoms if a.is_extended_real and not a.is_integer]
    bounded = _bounded(real, relations)
    if not bounded or len(bounded) > MAX_SYMBOLS:
        return None
    symbols = sorted(bounded, key=sympy.default_sort_key)
    choices = []
    for count, symbol in enumerate(symbols):
        pieces = _pieces(symbol, *bounded[symbol], count)
        if pieces is None:
            return None
        choices.append(pieces)
    cases = list(itertools.product(*choices))
    if not work.allows("cases", len(cases)):
        return None
    used = {g for symbol in symbols for bound in bounded[symbol] for g in bound.given}
    rest = [a for a in assumptions if a not in used]
    for values in cases:
        mapping = dict(zip(symbols, values, strict=True))
        given = [a.xreplace(mapping) for a in rest]
        if any(g is sympy.false for g in given):
            continue
        kept = [(a, g) for a, g in zip(rest, given, strict=True) if g is not sympy.true]
        local = [_factored(d.xreplace(mapping)) for d in diffs]
        if any(d.has(*UNDEFINED) for d in local) and not all(v.free_symbols for v in values):
            continue  # an included end where a side is undefined (log 0): no value to compare
        method, needs = attempt(local, [g for _, g in kept], work)
        if method is None:
            return None
        used.update(a for a, g in kept if g in needs)
    names = {d: sympy.Symbol(d.name) for v in cases[0] for d in v.atoms(Dummy)}
    shown = ", ".join(f"{s} = {v.xreplace(names)}" for s, v in zip(symbols, cases[0], strict=True))
    method = f"on intervals: {shown}" + (f" ({len(cases)} cases)" if len(cases) > 1 else "")
    return method, tuple(a for a in assumptions if a in used)
