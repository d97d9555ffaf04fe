"""The proved results an output-layer module is printed from, and the checks that prove them.

Emission never trusts a formula it did not check: it builds the output layer's derivations,
runs the step checker on every step, and refuses (:class:`EmitError`) if one is not proved.
Besides the reference post's chains it checks the rewrites that make the code stable, for any
real shift m: softmax(z - m) = softmax(z), the same for log-softmax, and the loss in the form
that is evaluated.

Small sizes are checked as they are (K = 3, J = 4 takes about two seconds); larger ones use the
derivations for symbolic K and J, which hold for every size at once, since the concrete chains
grow with K * J (their numeric cross-checks write sums of K * J terms out).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from sympy import Basic, Eq, Expr, Indexed, IndexedBase, Mul, Sum, Symbol, log

from derive.checker.equal import DEFAULT_TIMEOUT
from derive.derivations import output
from derive.model.loss import softmax, softmax_denominator, targets_sum
from derive.model.network import in_parameters
from derive.model.sizes import Size
from derive.model.symbols import J as J_SYMBOL
from derive.model.symbols import K as K_SYMBOL
from derive.model.symbols import a, a_prev, d, j, k, t, z
from derive.model.symbols import delta as DELTA
from derive.steps import Derivation, Report, Step

CONCRETE_MAX_KJ = 12  # K * J up to this: check the chains for the concrete sizes
CONCRETE_MAX_K_SHIFT = 10  # K up to this: check the shift rewrites for the concrete K
STEP_TIMEOUT = DEFAULT_TIMEOUT  # the time guard per step (verdicts do not depend on it)
SEED = 0

m = Symbol("m", real=True)  # the shift; the code uses m = max_c z_c, the proofs any real m
z_shifted = IndexedBase("z^L - m", real=True)  # z_k - m, held in the logits' buffer
s = Symbol("s", positive=True)  # sum_c e^{z_c - m}
t_sum = Symbol("t_sum", nonnegative=True)  # sum_d t_d


class EmitError(ValueError):
    """A result the module would be printed from is not proved, or has no printing rule."""


@dataclass(frozen=True)
class OutputLayerResults:
    """Proved index-level results for the output layer, ready for the printer.

    Attributes:
        K, J: the sizes the module is for.
        normalized_targets: True if the gradient uses sum_d t_d = 1.
        logit: z_k as eq. (0), sum_j' W_kj' a_j'^{L-1} + b_k.
        loss: one example's loss in the evaluated form, in terms of z_shifted[d], s and t_sum.
        delta: dE/dz_k in terms of a[k] (the softmax), t[k] and t_sum.
        grad_W, grad_b: dE/dW_kj and dE/db_k in terms of delta_k = ``delta_symbol[k]``.
        reports: every checked derivation, in the order the docstring lists them.
        checked_for: the sizes the chains were checked for, in words.
    """

    K: int
    J: int
    normalized_targets: bool
    logit: Expr
    loss: Expr
    delta: Expr
    grad_W: Expr
    grad_b: Expr
    reports: tuple[Report, ...]
    checked_for: str


def shifted(expr: Basic) -> Basic:
    """``expr`` with every logit z_c replaced by z_c - m."""
    return expr.replace(lambda e: isinstance(e, Indexed) and e.base == z, lambda e: e - m)


def shift_rewrites(K: Size) -> list[Derivation]:
    """The rewrites behind the stable code: both hold for every real m."""
    log_softmax = z[k] - log(softmax_denominator(K))
    return [
        Derivation(
            name="softmax(z - m)",
            title="the softmax is shift invariant",
            start=softmax(k, K),
            steps=(Step(shifted(softmax(k, K)), "multiply above and below by e^{-m}"),),
            assume=(k <= K,),
        ),
        Derivation(
            name="log-softmax(z - m)",
            title="the log-softmax is shift invariant",
            start=log_softmax,
            steps=(Step(shifted(log_softmax), "log sum_c e^{z_c} = m + log sum_c e^{z_c - m}"),),
            assume=(k <= K,),
        ),
    ]


def stable_loss(K: Size) -> Derivation:
    """The loss (1) in the form the code evaluates: (sum_d t_d) log s - sum_d t_d (z_d - m)."""
    start = output.loss_forms(K).steps[-1].expr
    shifted_sum = shifted(softmax_denominator(K))
    return Derivation(
        name="E (stable)",
        title="the loss with logits shifted by m",
        start=start,
        steps=(
            Step(-Sum(t[d] * (z[d] - m - log(shifted_sum)), (d, 1, K)), "log-softmax(z - m)"),
            Step(
                targets_sum(K) * log(shifted_sum) - Sum(t[d] * (z[d] - m), (d, 1, K)),
                "split the sum; log s does not depend on d",
            ),
        ),
    )


def _general_targets(K: Size, J: Size) -> list[Derivation]:
    """dE/dz_k, dE/dW_kj, dE/db_k without sum_d t_d = 1 (which is not even offered)."""
    grad_z, grad_W, grad_b = output.grad_z(K), output.grad_W(K, J), output.grad_b(K, J)
    delta = grad_z.steps[-2].expr  # a_k sum_d t_d - t_k
    why = "(3) without sum_d t_d = 1"
    return [
        Derivation(
            name=grad_z.name,
            title=grad_z.title + ", for any targets",
            start=grad_z.start,
            steps=grad_z.steps[:-1],
            assume=(k <= K,),
            tag=grad_z.tag,
        ),
        Derivation(
            name=grad_W.name,
            title=grad_W.title + ", for any targets",
            start=grad_W.start,
            steps=(grad_W.steps[0], Step(in_parameters(delta * a_prev[j], J), why)),
            assume=(k <= K, j <= J),
        ),
        Derivation(
            name=grad_b.name,
            title=grad_b.title + ", for any targets",
            start=grad_b.start,
            steps=(grad_b.steps[0], Step(in_parameters(delta, J), why)),
            assume=(k <= K,),
        ),
    ]


def _gradients(K: Size, J: Size, normalized: bool) -> list[Derivation]:
    if normalized:
        return [output.grad_z(K), output.grad_W(K, J), output.grad_b(K, J)]
    return _general_targets(K, J)


def used_derivations(K: Size, J: Size, K_shift: Size, normalized: bool) -> list[Derivation]:
    """Every derivation the module relies on: loss, stable forms, then the gradients."""
    stable = [stable_loss(K_shift), *shift_rewrites(K_shift)]
    return [output.loss_forms(K), *stable, *_gradients(K, J, normalized)]


def check_proved(derivation: Derivation, timeout: float = STEP_TIMEOUT) -> Report:
    """Check every step of ``derivation``; EmitError (naming the step) if one is not proved."""
    report = derivation.check(timeout=timeout, seed=SEED)
    for row in report.rows():
        if not row["verdict"].proved:
            raise EmitError(
                f"refusing to emit: step {row['step']} of {derivation.name!r} "
                f"({row['why'] or 'no reason given'}) is {row['verdict']}"
            )
    return report


@functools.lru_cache(maxsize=64)
def _checked(group: str, K: Size, J: Size, normalized: bool) -> tuple[Report, ...]:
    """Check one group of derivations; cached, so every large size shares the symbolic proofs
    and a module for other targets or another J reuses what it can."""
    if group == "loss":
        derivations = [output.loss_forms(K)]
    elif group == "stable":
        derivations = [stable_loss(K), *shift_rewrites(K)]
    else:
        derivations = _gradients(K, J, normalized)
    return tuple(check_proved(derivation) for derivation in derivations)


def _proved(K: Size, J: Size, K_shift: Size, normalized: bool) -> tuple[Report, ...]:
    """The reports of :func:`used_derivations`, in its order."""
    return (
        _checked("loss", K, 0, True)
        + _checked("stable", K_shift, 0, True)
        + _checked("gradients", K, J, normalized)
    )


def proof_sizes(K: int, J: int) -> tuple[Size, Size, Size]:
    """The sizes to check the chains and the shift rewrites for: concrete when small."""
    concrete = K * J <= CONCRETE_MAX_KJ
    K_shift = K if K <= CONCRETE_MAX_K_SHIFT else K_SYMBOL
    return (K, J, K_shift) if concrete else (K_SYMBOL, J_SYMBOL, K_shift)


def uses_normalized_targets(report: Report) -> bool:
    """Whether a proof in ``report`` used sum_d t_d = 1 (an equality with right side 1)."""
    return any(
        isinstance(relation, Eq) and relation.rhs == 1
        for verdict in report.verdicts
        for relation in verdict.needs
    )


def needs_text(report: Report) -> list[str]:
    """The assumptions the proofs used, once each, in order, as every report writes them
    (``targets: sum(t[d], (d, 1, K)) == 1``, see ``derive.notation``)."""
    texts: list[str] = []
    for verdict in report.verdicts:
        for text in verdict.needs_text(report.derivation.labels):
            if text not in texts:
                texts.append(text)
    return texts


def _named(expr: Basic, names: dict[Basic, Basic], what: str) -> Expr:
    """``expr`` with the parts the code computes once replaced by their names; no z_c left."""
    for part, name in names.items():
        expr = expr.subs(part, name) if isinstance(part, Mul) else expr.xreplace({part: name})
    if expr.has(z):
        raise EmitError(f"{what}: the logits are left over after naming the parts: {expr}")
    return expr


def output_layer_results(
    K: int, J: int, normalized_targets: bool = True, *, every_size: bool = False
) -> OutputLayerResults:
    """Check the output layer's derivations and return the results the module is printed from.

    Args:
        K, J: concrete sizes (ints >= 1).
        normalized_targets: use dE/dz_k = a_k - t_k (proved under sum_d t_d = 1); False: the
            general a_k sum_d t_d - t_k, proved without that assumption.
        every_size: check everything for symbolic K and J (one cached check for every size)
            even where the concrete sizes would be cheap.

    Returns:
        The named index-level results and the reports (cached per set of proof sizes).

    Raises:
        EmitError: a step is not proved, or a gradient is not the proved dE/dz_k times
            dz_k/dW_kj (resp. dz_k/db_k), the form the W and b gradients are printed from.
    """
    if every_size:
        K_chain, J_chain, K_shift = K_SYMBOL, J_SYMBOL, K_SYMBOL
    else:
        K_chain, J_chain, K_shift = proof_sizes(K, J)
    reports = _proved(K_chain, J_chain, K_shift, normalized_targets)
    chains = {report.derivation.name: report.derivation for report in reports}
    delta = chains["dE/dz_k"].steps[-1].expr
    for name, expected in (("dE/dW_kj", delta * a_prev[j]), ("dE/db_k", delta)):
        if chains[name].steps[-1].expr != in_parameters(expected, J_chain):
            raise EmitError(f"{name} is not proved in the form dE/dz_k times dz_k/d(parameter)")
    sums = {targets_sum(K_chain): t_sum, targets_sum(K_shift): t_sum}
    shifted_parts = {shifted(softmax_denominator(K_shift)): s, z[d] - m: z_shifted[d]}
    loss = _named(chains["E (stable)"].steps[-1].expr, {**shifted_parts, **sums}, "E (stable)")
    named_delta = _named(delta, {softmax(k, K_chain): a[k], **sums}, "dE/dz_k")
    checked_for = f"K = {K}, J = {J}" if K_chain == K else "every K and J (symbolic sizes)"
    if K_shift != K_chain and K_shift == K:
        checked_for += f", and the stable forms for K = {K}"
    return OutputLayerResults(
        K=K,
        J=J,
        normalized_targets=normalized_targets,
        logit=in_parameters(z[k], J),
        loss=loss,
        delta=named_delta,
        grad_W=DELTA[k] * a_prev[j],
        grad_b=DELTA[k],
        reports=reports,
        checked_for=checked_for,
    )
