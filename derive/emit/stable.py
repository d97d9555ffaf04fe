"""Stable by construction: the rewrites that keep emitted code finite, each a proved claim.

A proved result is exact mathematics; evaluated as written in floating point it may overflow
(``log(1 + e^x)`` at x = 710, a softmax at a logit of 710) or take log 0 (``-t log a`` once a
probability underflows). Each rewrite in :data:`REWRITES` recognizes one such pattern in a
result and replaces it by a value NumPy computes stably (:mod:`derive.emit.markers`):

=====================  =====================================  ================================
rewrite                pattern                                code
=====================  =====================================  ================================
log-sum-exp            log sum_c e^{g_c}                      m + log sum_c e^{g_c - m},
                                                              m = max_c g_c
log-softmax            log(e^h / sum_c e^{g_c})               h - (log-sum-exp)
softmax                e^h / (sum_c e^{g_c})^n, n = 1, 2..    e^{h - n m} / (sum_c e^{g_c - m})^n
sigmoid slope          e^a / (1 + e^a)^n, n = 2, 3, ...       sigmoid(a) sigmoid(-a)^(n - 1)
tanh                   (e^x - e^{-x}) / (e^x + e^{-x})        tanh(x)
log(1 + e^x)           log(1 + e^x)                           logaddexp(0, x)
sigmoid                1 / (1 + e^{-x}), e^x / (1 + e^x)      (1 + tanh(x/2)) / 2
1 - sigmoid            1 - sigmoid(x)                         sigmoid(-x)
log-sigmoid            log sigmoid(x)                         -logaddexp(0, -x)
x log x at 0           x log x                                0 at x = 0 (the limit)
=====================  =====================================  ================================

The sigmoid is computed through tanh rather than in the classic two-branch form (1 / (1 + e)
for x >= 0, e / (1 + e) below, e = e^{-|x|}): both are exact and never overflow, and NumPy's
tanh is one vectorized pass, 5-10 times faster at a batch of 65536 than the branches (the
``where`` or the extra exponential they need; docs/performance.md). Its error is absolute
(below 2^-53): where the sigmoid is below 1e-16 its relative accuracy is not kept, which
log-sigmoid and log(1 + e^x) (``logaddexp``, the two-branch form) keep.

Each rewrite carries the claims that justify it (:mod:`derive.emit.stable_claims`), stated for
arbitrary real arguments (and, for the shifts, every real m): :func:`proved_rewrites` has the
step checker prove them, once per process, and a generated module lists them with their
verdicts. A rewrite whose claims are not proved is not applied, and a pattern whose arguments
are not known to be real wherever they are defined (:func:`real`: ``z / tau`` is) is left as
it is: the formula stays exact, only less robust.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass

from sympy import (
    Add,
    Basic,
    Dummy,
    Expr,
    Indexed,
    Integer,
    Mul,
    Pow,
    Sum,
    Symbol,
    exp,
    log,
    tanh,
)

from derive.emit.markers import RowMax, log_sigmoid, shifted, sigmoid, softplus, xlogx
from derive.emit.stable_claims import (
    claims_log_sigmoid,
    claims_log_softmax,
    claims_log_softmax_terms,
    claims_log_sum_exp,
    claims_log_sum_exp_terms,
    claims_one_minus_sigmoid,
    claims_sigmoid,
    claims_sigmoid_slope,
    claims_softmax_power,
    claims_softmax_terms,
    claims_softplus,
    claims_tanh,
    claims_xlogx,
)
from derive.steps import Derivation, Report


@dataclass(frozen=True)
class Rewrite:
    """One rewrite: its name, the claims that justify it, and its matcher.

    ``match`` takes an expression whose arguments are already rewritten (``early`` False) or
    not yet (``early`` True: log-softmax must see the softmax before it is rewritten) and
    returns the replacement, or None. ``rewrite`` is the function that rewrites arguments.
    """

    name: str
    claims: Callable[[], tuple[Derivation, ...]]
    match: Callable[[Expr, Callable[[Expr], Expr]], Expr | None]
    early: bool = False


def real(expr: Basic) -> bool:
    """True if ``expr`` is real wherever it is defined: SymPy knows it real, or knows it real
    once its real symbols are taken nonzero. ``z_c / tau`` of real z and tau is such: at tau = 0
    it is undefined, not complex, and the emitted code (real arrays in, real floats out)
    computes the same inf or NaN in either form, so a rewrite that needs real arguments changes
    nothing there.

    >>> tau, x = Symbol("tau", real=True), Symbol("x", real=True)
    >>> real(x / tau), real(log(tau)), real(x * log(x**2 + 1))
    (True, False, True)
    """
    if expr.is_real is not None:
        return bool(expr.is_real)
    atoms = [a for a in expr.atoms(Symbol, Indexed) if a.is_real and not a.is_integer]
    nonzero = {a: Dummy(real=True, nonzero=True) for a in atoms if not a.is_nonzero}
    return bool(nonzero) and bool(expr.xreplace(nonzero).is_real)


def _sum_of_exp(expr: Basic) -> bool:
    return isinstance(expr, Sum) and isinstance(expr.function, exp) and real(expr.function.args[0])


def _terms_of_exp(expr: Basic) -> bool:
    """A sum of exponentials written out, ``e^a + e^b + ...`` (a two-class softmax's)."""
    return isinstance(expr, Add) and all(
        isinstance(term, exp) and real(term.args[0]) for term in expr.args
    )


def _log_sum_exp(total: Sum) -> Expr:
    return RowMax(total) + log(shifted(total))


def _match_log_sum_exp(expr: Expr, rewrite, total=_sum_of_exp) -> Expr | None:
    if isinstance(expr, log) and total(expr.args[0]):
        return _log_sum_exp(rewrite(expr.args[0]))
    return None


def _softmax_parts(expr: Basic, total=_sum_of_exp) -> tuple[Expr, Sum] | None:
    """(h, S) if ``expr`` is e^h / S with S a sum of exponentials (``total`` says which)."""
    if not isinstance(expr, Mul) or len(expr.args) != 2:
        return None
    tops = [f for f in expr.args if isinstance(f, exp)]
    bottoms = [f for f in expr.args if isinstance(f, Pow) and f.exp == -1]
    if len(tops) == 1 and len(bottoms) == 1 and total(bottoms[0].base):
        h = tops[0].args[0]
        return (h, bottoms[0].base) if real(h) else None
    return None


def _match_log_softmax(expr: Expr, rewrite, total=_sum_of_exp) -> Expr | None:
    parts = isinstance(expr, log) and _softmax_parts(expr.args[0], total)
    if not parts:
        return None
    h, total = parts
    return rewrite(h) - _log_sum_exp(rewrite(total))


def _power_of_sum(factor: Basic, total=_sum_of_exp) -> tuple[Sum, int] | None:
    """(S, n) if ``factor`` is S^-n, S a sum of exponentials and n a positive integer."""
    negative = isinstance(factor, Pow) and factor.exp.is_Integer and factor.exp < 0
    return (factor.base, int(-factor.exp)) if negative and total(factor.base) else None


def _match_softmax(expr: Expr, rewrite, total=_sum_of_exp) -> Expr | None:
    """e^h / S^n (n = 1: the softmax; n = 2: its Jacobian written out, e^{z_i + z_j} / S^2)
    -> e^{h - n m} / S'^n, both shifted by m = max_c g_c."""
    if not isinstance(expr, Mul):
        return None
    for top in (f for f in expr.args if isinstance(f, exp) and real(f.args[0])):
        for bottom in expr.args:
            found = _power_of_sum(bottom, total)
            if found is not None:
                denominator, n = found
                rest = [f for f in expr.args if f is not top and f is not bottom]
                shift = exp(top.args[0] - n * RowMax(denominator))
                return Mul(*rest, shift / shifted(denominator) ** n)
    return None


def _one_plus_exp(expr: Basic) -> Expr | None:
    """x if ``expr`` is 1 + e^x (x real), else None."""
    if isinstance(expr, Add) and len(expr.args) == 2 and 1 in expr.args:
        (other,) = [a for a in expr.args if a != 1]
        if isinstance(other, exp) and real(other.args[0]):
            return other.args[0]
    return None


def _match_softplus(expr: Expr, rewrite) -> Expr | None:
    if isinstance(expr, log):
        x = _one_plus_exp(expr.args[0])
        if x is not None:
            return softplus(x)
    return None


def _match_sigmoid(expr: Expr, rewrite) -> Expr | None:
    if isinstance(expr, Pow) and expr.exp == -1:
        y = _one_plus_exp(expr.base)
        if y is not None:
            return sigmoid(-y)
    if isinstance(expr, Mul):  # e^x sigmoid(-x), from e^x / (1 + e^x)
        for top in (f for f in expr.args if isinstance(f, exp)):
            for s in (f for f in expr.args if isinstance(f, sigmoid)):
                if s.args[0] == -top.args[0]:
                    rest = [f for f in expr.args if f is not top and f is not s]
                    return Mul(*rest, sigmoid(top.args[0]))
    return None


def _match_one_minus_sigmoid(expr: Expr, rewrite) -> Expr | None:
    if isinstance(expr, Add) and 1 in expr.args:
        for term in expr.args:
            if isinstance(-term, sigmoid):
                rest = [a for a in expr.args if a != 1 and a is not term]
                return Add(*rest, sigmoid(-(-term).args[0]))
    return None


def _match_sigmoid_slope(expr: Expr, rewrite) -> Expr | None:
    """e^a / (1 + e^a)^n, n >= 2 (the sigmoid's derivative written out, e^{-u}/(1 + e^{-u})^2)
    -> sigmoid(a) sigmoid(-a)^(n - 1)."""
    if not isinstance(expr, Mul):
        return None
    for top in (f for f in expr.args if isinstance(f, exp)):
        for bottom in expr.args:
            if not (isinstance(bottom, Pow) and bottom.exp.is_Integer and bottom.exp < -1):
                continue
            a = _one_plus_exp(bottom.base)
            if a is not None and a == top.args[0]:
                n = int(-bottom.exp)
                rest = [f for f in expr.args if f is not top and f is not bottom]
                return Mul(*rest, sigmoid(a), sigmoid(-a) ** (n - 1))
    return None


def _tanh_of(top: Basic, bottom: Basic) -> Expr | None:
    """tanh(x) if top / bottom is (e^x - e^{-x}) / (e^x + e^{-x}) (or its negative)."""
    if not isinstance(bottom, Add) or len(bottom.args) != 2:
        return None
    if not all(isinstance(e, exp) for e in bottom.args):
        return None
    x = bottom.args[0].args[0]
    if bottom.args[1].args[0] != -x or not real(x):
        return None
    if top == exp(x) - exp(-x):
        return tanh(x)
    return -tanh(x) if top == exp(-x) - exp(x) else None


def _match_tanh(expr: Expr, rewrite) -> Expr | None:
    """((e^x - e^{-x}) / (e^x + e^{-x}))^n -> tanh(x)^n (tanh' written out: n = 2)."""
    if not isinstance(expr, Mul):
        return None
    powers = [(f.base, f.exp) if isinstance(f, Pow) else (f, Integer(1)) for f in expr.args]
    for i, (top, n) in enumerate(powers):
        if not isinstance(top, Add) or not n.is_Integer or n < 1:
            continue
        for j, (bottom, m) in enumerate(powers):
            found = _tanh_of(top, bottom) if m == -n else None
            if found is not None:
                keep = [f for k, f in enumerate(expr.args) if k not in (i, j)]
                return Mul(*keep, found**n)
    return None


def _match_log_sigmoid(expr: Expr, rewrite) -> Expr | None:
    if isinstance(expr, log) and isinstance(expr.args[0], sigmoid):
        return log_sigmoid(expr.args[0].args[0])
    return None


def _match_xlogx(expr: Expr, rewrite) -> Expr | None:
    if not isinstance(expr, Mul):
        return None
    for logarithm in (f for f in expr.args if isinstance(f, log)):
        x = logarithm.args[0]
        if x in expr.args and real(x):
            rest = [f for f in expr.args if f is not logarithm and f is not x]
            return Mul(*rest, xlogx(x))
    return None


def _terms(match):
    """``match`` for a sum of exponentials written out rather than a ``Sum``."""
    return functools.partial(match, total=_terms_of_exp)


REWRITES: tuple[Rewrite, ...] = (
    Rewrite("log-softmax", claims_log_softmax, _match_log_softmax, early=True),
    Rewrite("log-sum-exp", claims_log_sum_exp, _match_log_sum_exp, early=True),
    # the same three with the sum written out, e^a + e^b (a two-class softmax)
    Rewrite("log-softmax (terms)", claims_log_softmax_terms, _terms(_match_log_softmax), True),
    Rewrite("log-sum-exp (terms)", claims_log_sum_exp_terms, _terms(_match_log_sum_exp), True),
    Rewrite("softmax", claims_softmax_power, _match_softmax),
    Rewrite("softmax (terms)", claims_softmax_terms, _terms(_match_softmax)),
    Rewrite("sigmoid slope", claims_sigmoid_slope, _match_sigmoid_slope),
    Rewrite("tanh", claims_tanh, _match_tanh),
    Rewrite("log(1 + e^x)", claims_softplus, _match_softplus),
    Rewrite("sigmoid", claims_sigmoid, _match_sigmoid),
    Rewrite("1 - sigmoid", claims_one_minus_sigmoid, _match_one_minus_sigmoid),
    Rewrite("log-sigmoid", claims_log_sigmoid, _match_log_sigmoid),
    Rewrite("x log x at 0", claims_xlogx, _match_xlogx),
)


@functools.cache
def proved_rewrites() -> dict[str, tuple[Report, ...]]:
    """Every rewrite's claims, checked once per process: name -> reports."""
    return {r.name: tuple(claim.check() for claim in r.claims()) for r in REWRITES}


def _usable(rewrite: Rewrite) -> bool:
    return all(report.proved for report in proved_rewrites()[rewrite.name])


def stable_form(expr: Expr) -> tuple[Expr, tuple[str, ...]]:
    """``expr`` with every rewrite applied where its pattern occurs; the names of those used.

    >>> x = Symbol("x", real=True)
    >>> stable_form(log(1 + exp(x)))
    (softplus(x), ('log(1 + e^x)',))
    """
    used: list[str] = []

    def rewrite(e: Expr) -> Expr:
        if not e.args or e.is_Atom:
            return e
        for r in (r for r in REWRITES if r.early):
            found = r.match(e, rewrite)
            if found is not None and _usable(r):
                used.append(r.name)
                return found
        args = tuple(rewrite(a) for a in e.args)
        e = e.func(*args) if args != e.args else e
        for r in (r for r in REWRITES if not r.early):
            found = r.match(e, rewrite)
            if found is not None and _usable(r):
                used.append(r.name)
                e = found
        return e

    result = rewrite(expr)
    names = tuple(r.name for r in REWRITES if r.name in used)
    return result, names
