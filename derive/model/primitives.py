"""Primitives that carry their own derivative and evaluation rules (sympy's numpy_nodes style)."""

from __future__ import annotations

from sympy import DiracDelta, Expr, Function, Heaviside


class relu_prime(Function):  # lowercase, like SymPy's exp and log
    """relu'(u), the derivative of max(0, u): 1 for u > 0, 0 for u < 0, none at the kink u = 0.

    ``doit()`` gives SymPy's ``Heaviside(u)`` (1/2 at u = 0, the value ``diff(Max(0, u), u)``
    produces); ``numeric`` and the emitted code use 0 there. Unlike an unevaluated Derivative,
    its argument can be substituted, so the recursion can be written layer by layer.

    >>> from sympy import Symbol
    >>> relu_prime(Symbol("u", real=True)).doit()
    Heaviside(u)
    """

    nargs = 1
    is_real = True

    def doit(self, deep: bool = True, **hints: object) -> Expr:
        argument = self.args[0].doit(deep=deep, **hints) if deep else self.args[0]
        return Heaviside(argument)

    def fdiff(self, argindex: int = 1) -> Expr:
        return DiracDelta(self.args[0])

    def _eval_rewrite_as_Heaviside(self, u: Expr, **kwargs: object) -> Expr:
        return Heaviside(u)
