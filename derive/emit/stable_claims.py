"""The claims that justify the stable rewrites (:mod:`derive.emit.stable`), one function per
rewrite, stated in plain SymPy for arbitrary real arguments (and, for the shifts, every real
m; for the powers, every n = 1, 2, ...). The step checker proves each once per process
(:func:`derive.emit.stable.proved_rewrites`); a rewrite whose claims are not proved is not
applied.
"""

from __future__ import annotations

from sympy import Abs, Eq, Expr, IndexedBase, Max, Piecewise, Sum, Symbol, exp, log, tanh

from derive.steps import Derivation, Step

_x = Symbol("x", real=True)
_y = Symbol("y", real=True)
_m = Symbol("m", real=True)
_n = Symbol("n", nonnegative=True)
_K = Symbol("K", integer=True, positive=True)
_c = Symbol("c", integer=True, positive=True)
_g = IndexedBase("g", real=True)
_S = Sum(exp(_g[_c]), (_c, 1, _K))


def _shift(expr: Expr) -> Expr:
    return expr.xreplace({_g[_c]: _g[_c] - _m})


def _claim(name: str, start: Expr, step: Expr, why: str, assume=()) -> Derivation:
    return Derivation(name=name, start=start, steps=(Step(step, why),), assume=tuple(assume))


def claims_log_sum_exp() -> tuple[Derivation, ...]:
    why = "log sum_c e^{g_c} = m + log sum_c e^{g_c - m} for every real m"
    return (_claim("log-sum-exp", log(_S), _m + log(_shift(_S)), why),)


def claims_log_softmax() -> tuple[Derivation, ...]:
    why = "log(e^y / S) = y - log S, S > 0; then the log-sum-exp shift"
    return (_claim("log-softmax", log(exp(_y) / _S), _y - _m - log(_shift(_S)), why),)


def claims_softmax_power() -> tuple[Derivation, ...]:
    n = Symbol("n", integer=True, positive=True)
    why = "multiply above and below by e^{-n m}, for every real m and n = 1, 2, ..."
    return (
        _claim("softmax", exp(_y) / _S, exp(_y - _m) / _shift(_S), why),
        _claim("softmax power", exp(_y) / _S**n, exp(_y - n * _m) / _shift(_S) ** n, why),
    )


_a = Symbol("a", real=True)
# a sum written out, e^x + e^a: its rewrites are those of a Sum over c = 1..K with the
# exponents g_c (every K and g), proved again for two terms written out
_T = exp(_x) + exp(_a)
_T_SHIFTED = exp(_x - _m) + exp(_a - _m)


def claims_log_sum_exp_terms() -> tuple[Derivation, ...]:
    why = "log(e^x + e^a) = m + log(e^{x - m} + e^{a - m}) for every real m"
    return (_claim("log-sum-exp (terms)", log(_T), _m + log(_T_SHIFTED), why),)


def claims_log_softmax_terms() -> tuple[Derivation, ...]:
    why = "log(e^y / T) = y - log T, T > 0; then the log-sum-exp shift"
    return (_claim("log-softmax (terms)", log(exp(_y) / _T), _y - _m - log(_T_SHIFTED), why),)


def claims_softmax_terms() -> tuple[Derivation, ...]:
    n = Symbol("n", integer=True, positive=True)
    why = "multiply above and below by e^{-n m}, for every real m and n = 1, 2, ..."
    return (_claim("softmax (terms)", exp(_y) / _T**n, exp(_y - n * _m) / _T_SHIFTED**n, why),)


def claims_sigmoid_slope() -> tuple[Derivation, ...]:
    n = Symbol("n", integer=True, positive=True)
    sig, low = exp(_x) / (1 + exp(_x)), 1 / (1 + exp(_x))
    why = "e^x / (1 + e^x)^n = e^x / (1 + e^x) (1 / (1 + e^x))^(n - 1)"
    return (_claim("sigmoid slope", exp(_x) / (1 + exp(_x)) ** n, sig * low ** (n - 1), why),)


def claims_tanh() -> tuple[Derivation, ...]:
    why = "the definition of tanh"
    return (_claim("tanh", (exp(_x) - exp(-_x)) / (exp(_x) + exp(-_x)), tanh(_x), why),)


def claims_softplus() -> tuple[Derivation, ...]:
    stable = Max(_x, 0) + log(1 + exp(-Abs(_x)))
    return (_claim("log(1 + e^x)", log(1 + exp(_x)), stable, "NumPy's logaddexp(0, x)"),)


def claims_sigmoid() -> tuple[Derivation, ...]:
    why = "tanh(x/2) = (1 - e^{-x}) / (1 + e^{-x})"
    return (
        _claim("sigmoid", 1 / (1 + exp(-_x)), (1 + tanh(_x / 2)) / 2, why),
        _claim("sigmoid (e^x form)", exp(_x) / (1 + exp(_x)), 1 / (1 + exp(-_x)), "divide by e^x"),
    )


def claims_one_minus_sigmoid() -> tuple[Derivation, ...]:
    why = "1 - 1/(1 + e^{-x}) = e^{-x}/(1 + e^{-x}); divide by e^{-x}"
    return (_claim("1 - sigmoid", 1 - 1 / (1 + exp(-_x)), 1 / (1 + exp(_x)), why),)


def claims_log_sigmoid() -> tuple[Derivation, ...]:
    stable = -(Max(-_x, 0) + log(1 + exp(-Abs(_x))))
    why = "-log(1 + e^{-x}), NumPy's -logaddexp(0, -x)"
    return (_claim("log-sigmoid", log(1 / (1 + exp(-_x))), stable, why),)


def claims_xlogx() -> tuple[Derivation, ...]:
    code = _n * log(Piecewise((1, Eq(_n, 0)), (_n, True)))
    extended = Piecewise((0, Eq(_n, 0)), (_n * log(_n), True))
    return (
        _claim("x log x at 0", extended, code, "log 1 = 0 where x = 0; the limit of x log x is 0"),
    )
