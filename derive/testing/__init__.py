"""People's own gradient code against the proved results: ``check_gradient_code`` and, for
pytest, ``assert_gradient_code``.

A hand-written backward pass is run at a seeded suite of inputs chosen to break such code
(:mod:`derive.testing.inputs`), and every answer is compared with the proved expression the
emitter prints, evaluated independently at 40 digits (:mod:`derive.testing.reference`): not
with finite differences, and not with emitted float code. When it is wrong, the usual mistakes
are tried in order and the first that fits is named (:mod:`derive.testing.diagnosis`).

Order of work: validate the options (ValueError), prove the results (cached; EmitError if a
step is not proved), run the suite, diagnose, report.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from derive.emit.proofs import EmitError
from derive.testing.calling import parameter_names, signature_problem
from derive.testing.diagnosis import Finding, diagnose
from derive.testing.proved import proved
from derive.testing.report import CaseLine, CodeReport, build
from derive.testing.run import Run
from derive.testing.spec import ARRAYS, QUANTITIES, options, sizes_of

__all__ = [
    "QUANTITIES",
    "CaseLine",
    "CodeReport",
    "EmitError",
    "Finding",
    "assert_gradient_code",
    "check_gradient_code",
]


def _name(fn: Callable) -> str:
    module = getattr(fn, "__module__", None)
    name = getattr(fn, "__qualname__", None) or getattr(fn, "__name__", None) or repr(fn)
    return f"{module}:{name}" if module else name


def _arguments(fn: Callable, sizes: object, arguments: Mapping[str, str] | None) -> dict:
    """The mapping given, or the function's parameters named like the derivation's arrays."""
    if arguments is not None:
        if not isinstance(arguments, Mapping):
            raise ValueError(f"arguments must map parameter names to arrays, got {arguments!r}")
        return dict(arguments)
    layer, _ = sizes_of(sizes)
    return {p: p for p in parameter_names(fn) if p in ARRAYS[layer]}


def _notes(run: Run) -> list[str]:
    o = run.options
    notes = []
    square = [
        (first, second)
        for first, second in (
            (a.axes[0], a.axes[1]) for a in ARRAYS[o.layer].values() if len(a.axes) == 2
        )
        if o.sizes[first] == o.sizes[second]
    ]
    if square:
        names = ", ".join(f"{a} = {b}" for a, b in dict.fromkeys(square))
        notes.append(
            f"{names}: a square weight matrix, so a transposed W can pass here; check at "
            "sizes that differ as well"
        )
    if not o.batched:
        notes.append("one example per call (batched=False): the batch's sum or mean is not tested")
    modified = sorted({name for r in run.results if r.outcome for name in r.outcome.modified})
    if modified:
        notes.append(
            f"your function changes its input{'s' if len(modified) > 1 else ''} "
            f"{', '.join(modified)} in place"
        )
    if run.passed:
        warned = sorted({w for r in run.results if r.outcome for w in r.outcome.warnings})
        notes += [f"it passed, but warned: {w}" for w in warned[:3]]
    return notes


def check_gradient_code(
    fn: Callable,
    quantity: str,
    *,
    sizes: Mapping[str, int],
    arguments: Mapping[str, str] | None = None,
    weights: str = "out-in",
    targets: str = "one-hot",
    batch_loss: str = "sum",
    dtype: object = "float64",
    normalized_targets: bool = True,
    batched: bool = True,
    result: int | str | None = None,
    timeout: float = 10.0,
    seed: int = 0,
) -> CodeReport:
    """Check a hand-written gradient (or loss) function against the proved result.

    Args:
        fn: the function; it is called with keyword arguments (positional-only parameters by
            position) and must return the quantity as a NumPy array (a number for ``E``).
        quantity: the proved result it computes. Output layer: ``E``, ``dE_dz`` (B, K),
            ``dE_dW`` (K, J), ``dE_db`` (K,). Network: ``E``, ``dE_dW1`` (I, N), ``dE_db1``,
            ``dE_dW2`` (J, I), ``dE_db2``, ``dE_dW3`` (K, J), ``dE_db3``, and the errors
            ``dE_dz1`` (B, I), ``dE_dz2`` (B, J), ``dE_dz3`` (B, K).
        sizes: ``{"K": .., "J": ..}`` for the output layer, ``{"N", "I", "J", "K"}`` for the
            network x (N) -> ReLU (I) -> ReLU (J) -> softmax (K).
        arguments: the function's parameter -> the derivation's array, e.g.
            ``{"X": "a_prev", "W": "W", "b": "b", "y": "t"}``. Output layer arrays: ``a_prev``
            (B, J), ``W`` (K, J), ``b`` (K,), ``z`` (B, K), ``t`` (B, K); network: ``x``
            (B, N), ``W1``, ``b1``, ``W2``, ``b2``, ``W3``, ``b3``, ``t``. Default: the
            function's parameters that carry these names.
        weights: "out-in" (W is (out, in), z = W a + b) or "in-out" (transposed, z = a W + b);
            weight gradients are expected in the same layout.
        targets: "one-hot" rows, "soft" rows (probabilities), or "labels" (int class indices).
        batch_loss: "sum" (the derivation's: the batch loss is the sum over examples) or
            "mean".
        dtype: "float64" or "float32"; the answer must come back in it.
        normalized_targets: the targets sum to 1 per example; False (soft targets only) also
            feeds rows summing to 0, 1/2, 3/2 and 2, against dE/dz_k = a_k sum_d t_d - t_k.
        batched: the arrays have a leading batch axis; False: one example per call.
        result: which part of the return value is the quantity, an index or a key, if the
            function returns several.
        timeout: seconds allowed per call.
        seed: the suite's seed (the suite is the same for the same seed and options).

    Returns:
        A CodeReport: ``passed``, the ``findings`` (the headline diagnosis first), every input
        and how the function did there; ``str(report)`` is the text report.

    Raises:
        ValueError: bad options, or arguments that do not fit the function's signature.
        EmitError: a result the check relies on is not proved (derive's fault, not yours).
    """
    mapping = _arguments(fn, sizes, arguments)
    chosen = options(
        quantity,
        sizes,
        mapping,
        weights=weights,
        targets=targets,
        batch_loss=batch_loss,
        dtype=dtype,
        normalized_targets=normalized_targets,
        batched=batched,
        result=result,
        timeout=timeout,
        seed=seed,
    )
    problem = signature_problem(fn, chosen.arguments)
    if problem:
        raise ValueError(problem)
    results = proved(chosen.layer, tuple(chosen.sizes.items()), chosen.normalized_targets)
    run = Run(fn, chosen, results)
    return build(_name(fn), run, diagnose(run), _notes(run))


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
