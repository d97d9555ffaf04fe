"""The functions a post may apply, as data: name -> (arity range, SymPy builder).

One line per function (and one line in docs/posts.md). ``softmax`` is special: it reads a
component (``softmax(z_k)``) and sums over the component's index range.
"""

from __future__ import annotations

from collections.abc import Callable

from sympy import Expr, Max, Min, Sum, Symbol, cosh, exp, log, sech, sign, sinh, sqrt, tanh

from derive.model.primitives import relu_prime
from derive.sources.posts.names import BuildError


def _sigmoid(x: Expr) -> Expr:
    return 1 / (1 + exp(-x))


FUNCTIONS: dict[str, tuple[tuple[int, int], Callable[..., Expr]]] = {
    "log": ((1, 1), log),  # natural logarithm, as in ML; \log_b x is log x / log b
    "exp": ((1, 1), exp),
    "max": ((1, 16), Max),
    "min": ((1, 16), Min),
    "relu": ((1, 1), lambda x: Max(0, x)),
    "relu'": ((1, 1), relu_prime),  # 1 for x > 0, 0 for x < 0, none at 0
    "sigmoid": ((1, 1), _sigmoid),  # also \sigma(x)
    "sigmoid'": ((1, 1), lambda x: _sigmoid(x) * (1 - _sigmoid(x))),
    "tanh": ((1, 1), tanh),
    "tanh'": ((1, 1), lambda x: 1 - tanh(x) ** 2),
    "sqrt": ((1, 1), sqrt),
    "cosh": ((1, 1), cosh),  # tanh' = 1/cosh^2 = sech^2 in posts on activations
    "sinh": ((1, 1), sinh),
    "sech": ((1, 1), sech),
    "sign": ((1, 1), sign),  # -1, 0, 1; the derivative of |x| away from 0 (Huber, L1)
}


def softmax(builder, argument: Expr, env, pos: int) -> Expr:
    """``softmax(z_k) = e^{z_k} / \\sum_c e^{z_c}``, c over the range of k.

    The component is the one index in the argument (free, or bound by an enclosing sum); its
    range comes from the sum that binds it, or from the post's ranges.
    """
    bound = {symbol: (lo, hi) for symbol, lo, hi in env.values()}
    indices = [
        s
        for s in sorted(argument.free_symbols, key=str)
        if isinstance(s, Symbol) and (s in bound or s in builder.scope.free.values())
    ]
    if len(indices) != 1:
        raise BuildError("softmax reads one component: softmax(z_k)", pos)
    index = indices[0]
    if index in bound:
        lo, hi = bound[index]
    else:
        letter = next(k for k, v in builder.scope.free.items() if v == index)
        if letter not in builder.scope.index_ranges:
            message = f'the range of {letter} is unknown: declare {letter} = "index 1..K"'
            raise BuildError(message, pos, "cannot check")
        lo, hi = builder.scope.index_ranges[letter]
    other = builder.scope.fresh(index)
    return exp(argument) / Sum(exp(argument.xreplace({index: other})), (other, lo, hi))
