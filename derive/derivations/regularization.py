"""The L2 regularization term that real training code adds to the loss, and its gradient.

Code written in the cs231n style adds ``0.5 * reg * sum(W * W)`` (gradient ``reg * W``) or
``reg * sum(W * W)`` (gradient ``2 * reg * W``) for every weight matrix. Both are
``kappa * sum_k sum_j W_kj^2`` with kappa = reg / 2 or reg, so one derivation, for a symbolic
kappa and every K and J, proves the gradient of either: d/dW_kj = 2 kappa W_kj. The term does
not depend on the data, so it adds to the proved data gradient of each weight matrix.
"""

from __future__ import annotations

from sympy import Derivative, Expr, Sum, Symbol, diff

from derive.model.sizes import Size
from derive.model.symbols import W, cp, j, jp, k
from derive.steps import Derivation, Step

kappa = Symbol("kappa", nonnegative=True)  # the term's coefficient: reg / 2 or reg
R = Symbol("R")  # the regularization term, as the derivation's left side


def l2_term(K: Size, J: Size) -> Expr:
    """kappa sum_k' sum_j' W_k'j'^2 (primed indices: they never capture k, j)."""
    return kappa * Sum(Sum(W[cp, jp] ** 2, (jp, 1, J)), (cp, 1, K))


def grad_l2(K: Size, J: Size) -> Derivation:
    """dR/dW_kj = 2 kappa W_kj."""
    return Derivation(
        name="dR/dW_kj",
        title="the gradient of the L2 term",
        start=diff(l2_term(K, J), W[k, j]),
        lhs=Derivative(R, W[k, j]),
        steps=(Step(2 * kappa * W[k, j], "only the (k, j) term depends on W_kj; d(W^2) = 2W"),),
        assume=(k <= K, j <= J),
    )
