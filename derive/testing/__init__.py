"""People's own gradient code against the proved results: ``check_gradient_code`` and, for
pytest, ``assert_gradient_code``.

A hand-written backward pass is run at a seeded suite of inputs chosen to break such code
(:mod:`derive.testing.inputs`), and every answer is compared with the proved expression the
emitter prints, evaluated independently at 40 digits (:mod:`derive.testing.reference`): not
with finite differences, and not with emitted float code. When it is wrong, the usual mistakes
are tried in order and the first that fits is named (:mod:`derive.testing.diagnosis`).

The code under test runs in a child process (:mod:`derive.testing.calling`): nothing it does
(replacing NumPy's functions, exiting, forking, printing, ignoring signals) reaches the
checker, whose comparisons and report stay in this process. The order of work is in
:mod:`derive.testing.check`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from derive.emit.proofs import EmitError
from derive.testing.against import check_against
from derive.testing.check import check
from derive.testing.diagnosis import Finding
from derive.testing.importing import UserCodeError
from derive.testing.report import CaseLine, CodeReport, QuantityReport
from derive.testing.spec import QUANTITIES
from derive.testing.target import from_callable

__all__ = [
    "QUANTITIES",
    "CaseLine",
    "CodeReport",
    "EmitError",
    "Finding",
    "QuantityReport",
    "assert_gradient_code",
    "check_gradient_code",
]


def check_gradient_code(
    fn: Callable,
    quantity: str | Sequence[str] | None,
    *,
    against: str | None = None,
    data: Sequence[str] | None = None,
    sizes: Mapping[str, int] | None = None,
    arguments: Mapping[str, str] | None = None,
    weights: str = "out-in",
    targets: str = "one-hot",
    batch_loss: str = "sum",
    dtype: object = "float64",
    normalized_targets: bool = True,
    batched: bool = True,
    result: object = None,
    timeout: float = 10.0,
    seed: int = 0,
    layout: str = "rows",
    bias: str | None = None,
    inputs: str = "logits",
    regularization: str | None = None,
    relu_at_zero: str = "0",
    update: str | None = None,
    build: Callable[[], object] | None = None,
    state: Mapping[str, str] | Sequence[str] | None = None,
    before: Sequence[str] = (),
) -> CodeReport:
    """Check a hand-written gradient (or loss) function against the proved results.

    Args:
        fn: the function; it is called with keyword arguments (positional-only parameters by
            position) and returns the quantities (a number for ``E``). With ``build``, a method
            (``Layer.backward``) called on the object ``build()`` returns, built anew for every
            input.
        quantity: the proved result it computes, a list of them, or "all" (every gradient it
            returns, found by the names it gives them). With ``against``: the result(s) of
            that derivation, by function name (``dL_dw_j``) or as written (``dL/dw_j``),
            or None for the derivation's only result. Output layer: ``E``, ``dE_dz`` (B, K),
            ``dE_dW`` (K, J), ``dE_db`` (K,), ``dE_dX`` (B, J), the gradient w.r.t. the
            layer's input. One hidden layer: ``E``, ``dE_dW1`` (J, N), ``dE_db1``,
            ``dE_dW2`` (K, J), ``dE_db2``, ``dE_dz1`` (B, J), ``dE_dz2`` (B, K), ``dE_dX1``
            (B, N), ``dE_dX2`` (B, J). Two: ``E``, ``dE_dW1`` (I, N), ``dE_db1``, ``dE_dW2`` (J, I),
            ``dE_db2``, ``dE_dW3`` (K, J), ``dE_db3``, the errors ``dE_dz1`` (B, I),
            ``dE_dz2`` (B, J), ``dE_dz3`` (B, K), and the gradients w.r.t. each layer's
            input ``dE_dX1`` (B, N), ``dE_dX2`` (B, I), ``dE_dX3`` (B, J).
        against: "FILE" or "FILE:DERIVATION": check against a result of your own proved
            derivation (a derivation file, Markdown post or TeX paper) instead of the
            built-in layers (docs/check-code.md#against-your-own-derivation). Then
            ``sizes`` gives the derivation's own sizes by name (optional), ``data`` its
            per-example data (default: its data marks), ``arguments`` maps parameters to its
            arguments, ``result`` maps result names to parts; ``batch_loss``, ``batched``,
            ``dtype``, ``timeout``, ``seed``, ``build``, ``state`` and ``before`` apply; the
            layer conventions do not.
        data: with ``against``: the per-example data, by name (as ``derive emit --data``).
        sizes: ``{"K": .., "J": ..}`` for the output layer, ``{"N", "J", "K"}`` for the network
            x (N) -> ReLU (J) -> softmax (K), ``{"N", "I", "J", "K"}`` for x (N) -> ReLU (I) ->
            ReLU (J) -> softmax (K); each at most 256.
        arguments: the function's parameter -> the array it receives (``{"X": "a_prev"}``),
            or an expression of the restricted call syntax (``"softmax_loss(z, t)[1]"``, a
            call of your own code). Output layer arrays: ``a_prev`` (B, J), ``W`` (K, J),
            ``b`` (K,), ``z`` (B, K), ``a`` (B, K, the probabilities), ``t`` (B, K);
            network: ``x`` (B, N), ``W1``, ``b1``, ``W2``, ``b2``, ``W3``, ``b3``, ``t``, and
            the forward pass's ``z1``, ``a1``, ``z2``, ``a2``, ``z3``, ``a3``. Parameters not
            named here get the array of their name, or of the usual names (``X``, ``y``,
            ``scores``, ...; docs/check-code.md).
        weights: "out-in" (W is (out, in), z = W a + b) or "in-out" (transposed, z = a W + b);
            weight gradients are expected in the same layout.
        targets: "one-hot" rows, "soft" rows (probabilities), or "labels" (int class indices).
        batch_loss: "sum" (the derivation's: the batch loss is the sum over examples) or
            "mean".
        dtype: "float64" or "float32"; the answer must come back in it.
        normalized_targets: the targets sum to 1 per example; False (soft targets only) also
            feeds rows summing to 0, 1/2, 3/2 and 2, against dE/dz_k = a_k sum_d t_d - t_k.
        batched: the arrays have a batch axis; False: one example per call.
        result: which part of the return value is the quantity: an index, a key, or an
            expression (``'grads["W1"]'``, ``"self.dinputs"``, ``'[1]["W1"]'``); for several
            quantities a mapping quantity -> part. Default: found by the names in the
            function's return statement, else the return value itself.
        timeout: seconds allowed per call (and for the import), at least 0.1.
        seed: the suite's seed (the suite is the same for the same seed and options).
        layout: "rows" (one example per row) or "columns" (X is (J, B), z and t are (K, B)).
        bias: "none" (no bias: it is folded into W, the bias trick), or the bias's shape
            "(K,)", "(K,1)", "(1,K)"; default (K,) for rows, (K, 1) for columns.
        inputs: "logits" or "probabilities": what the parameters named like the logits
            (``scores``, ``logits``, ``dvalues``) receive.
        regularization: "l2:NAME": the code adds an L2 term on every weight matrix with
            strength NAME (a parameter, or a name in ``build``'s restricted expressions);
            the check runs with NAME = 0.375 and finds the code's convention,
            0.5·reg·‖W‖² or reg·‖W‖².
        relu_at_zero: "0" (the derivation's relu'(0)), "1", or "any" (any value in [0, 1] at
            an exact kink; the report says which the code takes).
        update: the name of the step size, for code that steps the parameters itself
            (``self.W1 -= learning_rate * dW1``) instead of returning gradients: each
            parameter that ``state`` sets has its gradient read off the step.
        build: returns the object ``fn`` is a method of (a fresh one for every input).
        state: set on the object before the call: ``{"W": "W1"}`` or ``['params["W1"]=W1']``.
        before: calls of the object's (or the module's) functions before the checked one,
            in the restricted syntax (``["forward(X)"]``).

    Returns:
        A CodeReport: ``passed``, the ``findings`` (the headline diagnosis first), every input
        and how the function did there, each quantity's report; ``str(report)`` is the text.

    Raises:
        ValueError: bad options, or arguments that do not fit the function's signature.
        EmitError: a result the check relies on is not proved (derive's fault, not yours).
    """
    if not callable(fn):
        raise ValueError(f"{fn!r} is not callable")
    if build is not None and not callable(build):
        raise ValueError(f"build must be a function that returns the object, got {build!r}")
    shown = getattr(fn, "__qualname__", None) or repr(fn)
    if against is not None:
        names = [quantity] if isinstance(quantity, str) else list(quantity or ())
        if isinstance(result, Mapping):
            results: object = {**dict.fromkeys(names), **result}
        elif result is not None:
            if len(names) != 1:
                raise ValueError("one result part for several results: give a mapping")
            results = {names[0]: result}
        else:
            results = names or None
        try:
            return check_against(
                lambda: from_callable(fn, build),
                shown,
                against,
                results,
                sizes=sizes,
                data=data,
                arguments=arguments,
                state=state,
                before=before,
                batch_loss=batch_loss,
                batched=batched,
                dtype=dtype,
                timeout=timeout,
                seed=seed,
            )
        except UserCodeError as error:
            raise ValueError(str(error)) from None
    if sizes is None:
        raise ValueError("sizes are needed: {'K': .., 'J': ..} or {'N', 'I', 'J', 'K'}")
    try:
        return check(
            lambda: from_callable(fn, build),
            shown,
            quantity,
            sizes=sizes,
            arguments=arguments,
            result=result,
            state=state,
            before=before,
            timeout=timeout,
            seed=seed,
            imports=False,
            weights=weights,
            targets=targets,
            batch_loss=batch_loss,
            dtype=dtype,
            normalized_targets=normalized_targets,
            batched=batched,
            layout=layout,
            bias=bias,
            inputs=inputs,
            regularization=regularization,
            relu_at_zero=relu_at_zero,
            update=update,
        )
    except UserCodeError as error:
        raise ValueError(str(error)) from None


def assert_gradient_code(fn: Callable, quantity: str, **options_: object) -> CodeReport:
    """:func:`check_gradient_code`, for pytest: raises AssertionError with the text report if
    the function is wrong; returns the report if it passed.

    Raises:
        AssertionError: the function failed (the message is ``str(report)``).
        ValueError, EmitError: as check_gradient_code.
    """
    report = check_gradient_code(fn, quantity, **options_)
    if not report.passed:
        raise AssertionError(str(report))
    return report
