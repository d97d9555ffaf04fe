"""The symbolic side of the checker: try to show ``lhs - rhs`` is identically zero.

The strategies form a table (``STRATEGIES``), cheapest first, each with a name and a one-line
justification; each one feeds the next. None of them uses ``force=True`` or anything else that
ignores assumptions. A success here is only a claim: ``check.py`` cross-checks it numerically.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import sympy
from sympy import Basic, Indexed, Product, S, Sum

from derive.checker.bounds import combine_bounds
from derive.checker.doit import light_doit, summed
from derive.checker.exponentials import (
    TRIGONOMETRIC,
    split_logs,
    to_exponentials,
    zero_as_rational_function,
)
from derive.checker.facts import Facts, finite_cases
from derive.checker.limits import Work
from derive.checker.rewrites import (
    COMPLEX_FUNCTIONS,
    GAMMA_FUNCTIONS,
    INVERSE_HYPERBOLIC,
    algebraic_constant,
    has_symbolic_powers,
    inverse_hyperbolic_as_logs,
    powers_as_exponentials,
    simplified_bodies,
    zero_by_gamma,
    zero_in_parts,
)
from derive.checker.sums import (
    canonical,
    delta_points,
    is_zero,
    merge_sums,
    pull_out_of_sums,
    sum_deltas,
    under_one_sum,
    use_sum_limits,
)

Strategy = Callable[[Basic, Facts], Basic]

BODY_SIZE = 60  # operations in a sum's body that the "bodies" strategy simplifies, at most
PARTS_SIZE = 200  # nodes of the real-parts form "complex parts" gives simplify, at most

_UNEVALUATED = (Sum, Product, sympy.Derivative, sympy.Subs, sympy.Integral)


def _has_sums(e: Basic, f: Facts) -> bool:
    return e.has(Sum)


def _always(e: Basic, f: Facts) -> bool:
    return True


def _with_sum_limits(e: Basic) -> Basic:
    """The sums' limits used in their bodies, and the sums that became simple evaluated."""
    limited = use_sum_limits(e)
    return e if limited == e else light_doit(limited)


def _zero_as_exponentials(e: Basic) -> bool:
    return zero_as_rational_function(split_logs(powers_as_exponentials(e)))


def _summands_zero(e: Basic) -> bool:
    summands = under_one_sum(e)
    return summands is not None and all(
        zero_as_rational_function(to_exponentials(exp_of_sums(s))) for s in summands
    )


def exp_of_sums(e: Basic) -> Basic:
    """prod_L e^(f) = e^(sum_L f) (expand splits the exponential of a sum into a product of
    exponentials, which the rational abstraction would take for another part)."""
    return e.replace(
        lambda x: isinstance(x, Product) and isinstance(x.function, sympy.exp),
        lambda x: sympy.exp(Sum(x.function.args[0], *x.limits)),
    )


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
        lambda e, f: light_doit(e),
        "evaluate derivatives, finite sums, Kronecker deltas and sums with a simple body",
    ),
    (
        "bodies",
        lambda e, f: any(s.function.has(*TRIGONOMETRIC) for s in e.atoms(Sum, Product)),
        lambda e, f: simplified_bodies(e, BODY_SIZE),
        "the body of a sum or product simplified (sin(t)**2 + cos(t)**2 is 1)",
    ),
    (
        "summation",
        lambda e, f: e.has(Sum, Product) and not any(s.has(Indexed) for s in e.atoms(Sum, Product)),
        lambda e, f: summed(e),
        "closed forms of sums and products (geometric, telescoping, Gosper): F(b + 1) - F(a)",
    ),
    (
        "algebraic",
        lambda e, f: not e.free_symbols and e.is_number is True,
        lambda e, f: S.Zero if algebraic_constant(e) else e,
        "a constant algebraic number is 0 exactly when its minimal polynomial is X",
    ),
    (
        "gamma",
        lambda e, f: e.has(*GAMMA_FUNCTIONS) and not e.has(Sum, Product),
        lambda e, f: S.Zero if zero_by_gamma(e) else e,
        "gamma, factorials and binomials by SymPy's gammasimp, term by term, then together",
    ),
    (
        "refine",
        lambda e, f: bool(f.relations) or e.has(Sum),
        lambda e, f: f.refine(_with_sum_limits(e)),
        "decide piecewise conditions from the index ranges and the sums' limits",
    ),
    (
        "rational",
        _always,
        lambda e, f: S.Zero if zero_as_rational_function(e) else e,
        "zero as a rational function of its exp, log and sum parts",
    ),
    (
        "ideal",
        lambda e, f: bool(f.curves()),
        lambda e, f: S.Zero if f.on_curves(e) else e,
        "zero where the equalities hold: the numerator lies in their ideal (Gröbner basis)",
    ),
    (
        "inverse hyperbolic",
        lambda e, f: e.has(*INVERSE_HYPERBOLIC),
        lambda e, f: inverse_hyperbolic_as_logs(e),
        "asinh, acosh, atanh, ... by their logarithmic forms (SymPy's branches)",
    ),
    (
        "powers",
        lambda e, f: has_symbolic_powers(e),
        lambda e, f: S.Zero if _zero_as_exponentials(e) else e,
        "b**e = exp(e*log(b)) (a principal power), then logs of positive products split",
    ),
    (
        "complex parts",
        lambda e, f: e.has(*COMPLEX_FUNCTIONS),
        lambda e, f: S.Zero if zero_in_parts(e, PARTS_SIZE) else e,
        "z = a + b*I: |z|, sign, re, im, conjugate and arg as real expressions",
    ),
    ("expand", _always, lambda e, f: sympy.expand(e), "expand products, and logs where valid"),
    (
        "sums",
        _has_sums,
        lambda e, f: light_doit(sympy.expand(pull_out_of_sums(e))),
        "linearity of sums",
    ),
    (
        "bounds",
        _has_sums,
        lambda e, f: combine_bounds(e),
        "Σ_{a'}^{b'} f - Σ_a^b f = Σ_{b+1}^{b'} f + Σ_{a'}^{a-1} f, a few terms written out "
        "(Karr's convention: every order of the bounds); an index shifted to line sums up",
    ),
    (
        "merge",
        _has_sums,
        lambda e, f: S.Zero if is_zero(merge_sums(sympy.expand(e))) else e,
        "a product of sums is one sum over all their indices (sums over independent ranges): "
        "zero when the terms cancel so (the merged form is not kept: it stays a closing test)",
    ),
    (
        "exponentials",
        lambda e, f: e.has(*TRIGONOMETRIC),
        lambda e, f: S.Zero if zero_as_rational_function(to_exponentials(e)) else e,
        "sin, cos, tanh, ... by their definitions with exp: zero as a rational function",
    ),
    (
        "logs",
        lambda e, f: e.has(sympy.log),
        lambda e, f: S.Zero if zero_as_rational_function(split_logs(to_exponentials(e))) else e,
        "log of a positive product as a sum of logs, log(exp(r)) = r for real r",
    ),
    (
        "delta points",
        lambda e, f: e.has(sympy.KroneckerDelta),
        lambda e, f: S.Zero if is_zero(sympy.expand(delta_points(sympy.expand(e)))) else e,
        "1[a = b] f(a, b) = 1[a = b] f(a, a) (both 0 where a != b): zero when the terms cancel so",
    ),
    (
        "summands",
        _has_sums,
        lambda e, f: S.Zero if _summands_zero(e) else e,
        "Σ_L f + c Σ_L g = Σ_L (f + c g), zero when the summand is, as a rational function",
    ),
    ("cancel", _always, lambda e, f: sympy.cancel(sympy.together(e)), "common denominator"),
    ("simplify", _always, lambda e, f: f.refine(sympy.simplify(e, doit=False)), "sympy.simplify"),
)


def _apply(strategy: Strategy, expr: Basic, facts: Facts) -> Basic:
    try:
        return facts.substitute(canonical(strategy(expr, facts)))
    except Exception:  # SymPy raises many kinds on odd input; a failed strategy proves nothing
        return expr


# a strategy whose cost grows steeply with the size of its input has a limit of its own
SIZE_LIMITS = {"simplify": "simplify"}
COSTLY = ("cancel", "simplify")  # left out of the quick pipeline tried before a case split
# A first pass of cheap strategies, tried on index-form sums (matrix claims translated) when
# "bodies" would apply: SymPy's simplify of every sum's body costs seconds there (tanh inside σ
# inside log in a network's gradient), and these strategies alone often prove the step (the
# sums expanded, then summand by summand as rational functions of their exponentials). Each is
# cheap on any input within the size limits; closed forms of sums ("summation") are not, which
# is why sums without entries keep the full pipeline.
CHEAP_FIRST = (
    "deltas",
    "doit",
    "refine",
    "rational",
    "expand",
    "sums",
    "bounds",
    "merge",
    "exponentials",
    "summands",
)


def _pipeline(
    difference: Basic,
    facts: Facts,
    work: Work,
    *,
    quick: bool = False,
    only: tuple[str, ...] | None = None,
) -> str | None:
    """Apply the strategies in turn until the difference is zero; the names of those that
    changed it, or None. Each strategy applied counts as a rewrite; one is skipped, and its
    result dropped, when the expression is over the size limit (or not among ``only``)."""
    expr = facts.substitute(canonical(difference))
    if is_zero(expr):
        return "structural" if not facts.equalities else "substitution"
    applied: list[str] = []
    for name, applies, strategy, _why in STRATEGIES:
        left_out = (quick and name in COSTLY) or (only is not None and name not in only)
        if left_out or not applies(expr, facts):
            continue
        if not work.fits(expr) or not work.fits(expr, SIZE_LIMITS.get(name, "size")):
            continue
        work.rewrite()
        result = _apply(strategy, expr, facts)
        if result != expr and work.fits(result):
            applied.append(name)
            expr = result
        if is_zero(expr):
            return "+".join(applied) or name
    return None


def _evaluated(difference: Basic, work: Work) -> Basic:
    work.rewrite()
    try:
        return light_doit(difference)
    except Exception:  # SymPy fails on odd input: nothing evaluated
        return difference


def prove_zero(difference: Basic, facts: Facts, work: Work) -> str | None:
    """Try to show ``difference`` is identically zero given ``facts``: the method, or None.

    Integer symbols that the relations confine to a few values (an index k with 1 <= k <= 3)
    are split into cases, each proved on its own. Raises LimitReached when the work reaches
    the rewrite limit.
    """
    cases = finite_cases(difference, facts, work)
    if cases is None:
        method = _cheap_first(difference, facts, work) or _pipeline(difference, facts, work)
        if method is not None:
            return method
        # the delta rule wants sums unevaluated, but some claims only close once doit has
        # evaluated them first (a network's chain with symbolic sizes): try that order too
        evaluated = _evaluated(difference, work)
        if evaluated == difference:
            return None
        method = _pipeline(evaluated, facts, work)
        return f"doit, then {method}" if method else None
    method = _pipeline(difference, facts, work, quick=True)
    if method is not None:  # for every index value at once: cheaper than many cases
        return method
    general = _evaluated(difference, work)  # once, before instantiating
    methods = set()
    for case in cases:
        case_facts = facts.xreplace(case)
        if case_facts is None:
            continue
        method = _pipeline(general.xreplace(case), case_facts, work)
        if method is None:
            return None
        methods.add(method)
    names = ", ".join(str(s) for s in cases[0])
    return f"case split over {names} ({len(cases)} cases): " + "/".join(sorted(methods))


def _cheap_first(difference: Basic, facts: Facts, work: Work) -> str | None:
    """The strategies of ``CHEAP_FIRST`` alone, when the sums are over entries (``Indexed``)
    and "bodies" would apply (else the full pipeline is no dearer): its method, or None. A
    fixed order of sound rewrites, so the same step gets the same proof every run; a step it
    does not prove pays for the cheap strategies once more."""
    expr = facts.substitute(canonical(difference))
    sums = expr.atoms(Sum, Product)
    if not sums or not all(s.has(Indexed) for s in sums):
        return None
    bodies = next(a for name, a, *_ in STRATEGIES if name == "bodies")
    if not bodies(expr, facts):
        return None
    return _pipeline(difference, facts, work, only=CHEAP_FIRST)


def prove_all_zero(differences: Sequence[Basic], facts: Facts, work: Work) -> str | None:
    """``prove_zero`` for every entry (matrices); the method of the first entry that needed most."""
    methods = []
    for difference in differences:
        method = prove_zero(difference, facts, work)
        if method is None:
            return None
        methods.append(method)
    return max(methods, key=len)


def attempt(
    diffs: Sequence[Basic], assume: Sequence[Basic], work: Work
) -> tuple[str | None, tuple[Basic, ...]]:
    """A proof attempt: (method or None, the assumptions it used, in the order given)."""
    facts = Facts.of(assume)
    method = prove_all_zero(diffs, facts, work)
    return method, tuple(a for a in assume if a in facts.used)
