"""The reference post's output-layer derivation, steps (0)-(3), line by line.

Each chain starts from the truth, a ``sympy.diff`` of the loss, and every line of the post is a
step claimed equal to the line before. The same code serves a concrete K and J (ints) and a
symbolic K and J (positive integer symbols); indices range over ``1..K`` and ``1..J``.
"""

from __future__ import annotations

import functools

from sympy import (
    Add,
    Basic,
    Derivative,
    Eq,
    Expr,
    Indexed,
    KroneckerDelta,
    Mul,
    Sum,
    diff,
    exp,
    log,
)

from derive.model.loss import (
    cross_entropy,
    cross_entropy_log_softmax,
    softmax,
    softmax_denominator,
    targets_sum,
)
from derive.model.network import in_parameters, logit
from derive.model.sizes import Size
from derive.model.symbols import E, W, a, a_indep, a_prev, b, c, cp, d, eta, j, k, t, z
from derive.steps import Derivation, Step

SUM_T = "sum_d t_d = 1"


def normalized_targets(K: Size) -> Basic:
    """The assumption sum_d t_d = 1 (targets are a probability distribution)."""
    return Eq(targets_sum(K), 1)


def target_labels(K: Size) -> dict[Basic, str]:
    """Reports name sum_d t_d = 1 "targets", as the example derivation files do."""
    return {normalized_targets(K): "targets"}


def display_names(K: Size, J: Size | None = None) -> dict[Basic, Basic]:
    """Show a_c for the softmax formula, also when the logits are written out by eq. (0)."""
    names: dict[Basic, Basic] = {softmax(i, K): a[i] for i in (k, c, cp, d)}
    if J is not None:
        names |= {in_parameters(softmax(i, K), J): a[i] for i in (k, c, cp, d)}
    return names


def _written(*factors: Expr) -> Expr:
    """Display only: a product in the post's order (``evaluate=False``)."""
    return Mul(*factors, evaluate=False)


def _minus(first: Expr, second: Expr) -> Expr:
    """Display only: ``first - second`` in this order."""
    return Add(first, -second, evaluate=False)


def loss_forms(K: Size) -> Derivation:
    """(1): -sum_d t_d log a_d = -sum_d t_d (z_d - log sum_c e^{z_c})."""
    return Derivation(
        name="E",
        title="the loss in log-softmax form",
        start=cross_entropy(K),
        lhs=E,
        steps=(
            Step(
                cross_entropy_log_softmax(K),
                "log a_d = z_d - log sum_c e^{z_c} (z real)",
                display=-Sum(_written(t[d], _minus(z[d], log(softmax_denominator(K)))), (d, 1, K)),
            ),
        ),
        tag="1",
    )


def grad_z(K: Size) -> Derivation:
    """(3): the five lines of dE/dz_k, the last one only under sum_d t_d = 1."""
    a_k = softmax(k, K)
    return Derivation(
        name="dE/dz_k",
        title="the gradient w.r.t. the logits",
        start=diff(cross_entropy_log_softmax(K), z[k]),
        lhs=Derivative(E, z[k]),
        steps=(
            Step(
                -Sum(t[d] * (KroneckerDelta(d, k) - exp(z[k]) / softmax_denominator(K)), (d, 1, K)),
                "differentiate (1): dz_d/dz_k = 1[d=k]",
                names={},  # as in the post: the softmax written out, named by the next line
                display=-Sum(
                    _written(
                        t[d], _minus(KroneckerDelta(d, k), exp(z[k]) / softmax_denominator(K))
                    ),
                    (d, 1, K),
                ),
            ),
            Step(
                -Sum(t[d] * (KroneckerDelta(d, k) - a_k), (d, 1, K)),
                "definition of a_k",
                display=-Sum(_written(t[d], _minus(KroneckerDelta(d, k), a[k])), (d, 1, K)),
            ),
            Step(
                Sum(t[d] * a_k, (d, 1, K)) - Sum(t[d] * KroneckerDelta(d, k), (d, 1, K)),
                "multiply out, split the sum",
                display=_minus(
                    Sum(_written(t[d], a[k]), (d, 1, K)),
                    Sum(_written(t[d], KroneckerDelta(d, k)), (d, 1, K)),
                ),
                tidy=False,  # the delta stays in its sum: the next line is the one that picks d = k
            ),
            Step(a_k * targets_sum(K) - t[k], "a_k does not depend on d; the delta picks d = k"),
            Step(a_k - t[k], SUM_T),
        ),
        assume=(k <= K, normalized_targets(K)),
        labels=target_labels(K),
        tag="3",
        names=display_names(K),
    )


@functools.lru_cache(maxsize=32)
def _grad_z_of_parameters(K: Size, J: Size) -> Expr:
    """dE/dz_k from sympy.diff, with the logits written out by eq. (0)."""
    return in_parameters(diff(cross_entropy_log_softmax(K), z[k]), J)


@functools.lru_cache(maxsize=32)
def _loss_gradient(K: Size, J: Size, wrt: Expr) -> Expr:
    """sympy.diff of the loss, in terms of the parameters (the truth several chains start
    from; computed once per size and parameter: it is the costly part of building them)."""
    return diff(in_parameters(cross_entropy(K), J), wrt)


def grad_logit_W(K: Size, J: Size) -> Derivation:
    """dz_k/dW_kj = a_j^{L-1}."""
    return Derivation(
        name="dz_k/dW_kj",
        title="the logit is linear in the weights",
        start=diff(logit(k, J), W[k, j]),
        lhs=Derivative(z[k], W[k, j]),
        steps=(Step(a_prev[j], "differentiate (0)"),),
        assume=(k <= K, j <= J),
    )


def grad_W(K: Size, J: Size) -> Derivation:
    """(2) and its result: dE/dW_kj = dE/dz_k dz_k/dW_kj = (a_k - t_k) a_j^{L-1}."""
    return Derivation(
        name="dE/dW_kj",
        title="the gradient w.r.t. the output weights",
        start=_loss_gradient(K, J, W[k, j]),
        lhs=Derivative(E, W[k, j]),
        steps=(
            Step(
                _grad_z_of_parameters(K, J) * diff(logit(k, J), W[k, j]),
                "chain rule (2): of all z_c only z_k depends on W_kj",
            ),
            Step(
                in_parameters((softmax(k, K) - t[k]) * a_prev[j], J),
                f"(3) and dz_k/dW_kj = a_j; {SUM_T}",
            ),
        ),
        assume=(k <= K, j <= J, normalized_targets(K)),
        labels=target_labels(K),
        tag="2",
        names=display_names(K, J),
    )


def grad_b(K: Size, J: Size) -> Derivation:
    """dE/db_k = dE/dz_k dz_k/db_k = a_k - t_k."""
    return Derivation(
        name="dE/db_k",
        title="the gradient w.r.t. the output biases",
        start=_loss_gradient(K, J, b[k]),
        lhs=Derivative(E, b[k]),
        steps=(
            Step(
                _grad_z_of_parameters(K, J) * diff(logit(k, J), b[k]),
                "chain rule: only z_k depends on b_k",
            ),
            Step(in_parameters(softmax(k, K) - t[k], J), f"(3) and dz_k/db_k = 1; {SUM_T}"),
        ),
        assume=(k <= K, normalized_targets(K)),
        labels=target_labels(K),
        names=display_names(K, J),
    )


def grad_a_prev(K: Size, J: Size) -> Derivation:
    """dE/da_j^{L-1} = sum_k dE/dz_k dz_k/da_j = sum_k (a_k - t_k) W_kj: the gradient a layer
    hands down to the one below (what layer code returns as ``dinputs`` or ``dX``)."""
    return Derivation(
        name="dE/da_j",
        title="the gradient w.r.t. the layer's input",
        start=_loss_gradient(K, J, a_prev[j]),
        lhs=Derivative(E, a_prev[j]),
        steps=(
            Step(
                Sum(_grad_z_of_parameters(K, J) * diff(logit(k, J), a_prev[j]), (k, 1, K)),
                "chain rule: a_j reaches E through every z_k",
            ),
            Step(
                Sum(in_parameters(softmax(k, K) - t[k], J) * W[k, j], (k, 1, K)),
                f"(3) and dz_k/da_j = W_kj; {SUM_T}",
            ),
        ),
        assume=(j <= J, normalized_targets(K)),
        labels=target_labels(K),
        names=display_names(K, J),
    )


def _grad_a(index: Expr, K: Size, J: Size) -> Expr:
    """The post's dE/da_index: a_c taken as independent variables, then a_c = softmax."""
    independent = diff(-Sum(t[d] * log(a_indep[d]), (d, 1, K)), a_indep[index])
    return in_parameters(
        independent.replace(
            lambda e: isinstance(e, Indexed) and e.base == a_indep,
            lambda e: softmax(e.indices[0], K),
        ),
        J,
    )


def _grad_softmax(index: Expr, K: Size, J: Size) -> Expr:
    """da_index/dz_k."""
    return in_parameters(diff(softmax(index, K), z[k]), J)


def _factors(index: Expr, wrt: Expr) -> tuple[Expr, Expr]:
    """Display only: dE/da_index = -t_index/a_index and da_index/dz_wrt = a_index (1 - a_wrt)
    (index = wrt) or a_index (1[index=wrt] - a_wrt), in the post's names and order."""
    delta = 1 if index == wrt else KroneckerDelta(index, wrt)
    return -t[index] / a[index], Mul(a[index], delta - a[wrt], evaluate=False)


def update_single_path(K: Size, J: Size) -> Derivation:
    """The post's literal Delta W_kj = -eta dE/da_k da_k/dz_k dz_k/dW_kj: one path through a_k."""
    return Derivation(
        name="Delta W_kj (post)",
        title="the post's update rule, one path through a_k",
        start=-eta * _loss_gradient(K, J, W[k, j]),
        lhs=Mul(-1, eta, Derivative(E, W[k, j]), evaluate=False),
        steps=(
            Step(
                -eta * _grad_a(k, K, J) * _grad_softmax(k, K, J) * diff(logit(k, J), W[k, j]),
                "chain rule through a_k only (as written in the post)",
                display=Mul(-1, eta, *_factors(k, k), a_prev[j], evaluate=False),
            ),
        ),
        assume=(k <= K, j <= J, normalized_targets(K)),
        labels=target_labels(K),
        names=display_names(K, J),
    )


def update_all_paths(K: Size, J: Size) -> Derivation:
    """The corrected update: z_k reaches E through every a_c, so sum over c."""
    paths = Sum(_grad_a(cp, K, J) * _grad_softmax(cp, K, J), (cp, 1, K))
    return Derivation(
        name="Delta W_kj",
        title="the update rule, summed over every path a_c",
        start=-eta * _loss_gradient(K, J, W[k, j]),
        lhs=Mul(-1, eta, Derivative(E, W[k, j]), evaluate=False),
        steps=(
            Step(
                -eta * paths * diff(logit(k, J), W[k, j]),
                "chain rule: z_k changes every a_c, so sum over c",
                display=Mul(
                    -1,
                    eta,
                    Sum(Mul(*_factors(cp, k), evaluate=False), (cp, 1, K)),
                    a_prev[j],
                    evaluate=False,
                ),
            ),
        ),
        assume=(k <= K, j <= J, normalized_targets(K)),
        labels=target_labels(K),
        names=display_names(K, J),
    )
