"""The generated module's functions: a fixed layout with the proved formulas printed into it.

Each function is straight-line code (no shared helper to call: at B = 1 a Python call costs as
much as a NumPy one). The logits' buffer is reused throughout: shifted by the row maximum m, the
loss terms in z - m taken, exponentiated in place, the rest of the loss taken once the row sums
s are known, then turned into the softmax and into dE/dz in place. A fused call allocates the
logits once (the forward matrix product), the (K, J) and (K,) gradients and a few (B, 1)
columns; the other functions allocate one (B, K) buffer instead of writing into their input.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from derive.emit.printer import (
    SMALL_K,
    ArrayPrinter,
    assign,
    batch_outer,
    batch_total,
    row_sum,
)
from derive.emit.proofs import EmitError, OutputLayerResults, s, t_sum, z_shifted
from derive.model.symbols import W, a, a_prev, b, j, k, t
from derive.model.symbols import delta as DELTA

LINE = 100  # generated lines stay within ruff's line length
CHECK_TARGETS_DOC = (
    "check_targets: raise ValueError naming the first row of t whose sum is not 1 (False skips)."
)
# argument -> (axes, sizes without the batch axis as code, has a batch axis)
Argument = tuple[tuple[str, ...], tuple[str, ...], bool]
ARGUMENTS: dict[str, Argument] = {
    "a_prev": (("B", "J"), ("J",), True),
    "W": (("K", "J"), ("K", "J"), False),
    "b": (("K",), ("K",), False),
    "z": (("B", "K"), ("K",), True),
    "t": (("B", "K"), ("K",), True),
}
SPECS = {
    "_FORWARD": ("a_prev", "W", "b"),
    "_Z_T": ("z", "t"),
    "_Z_T_A": ("z", "t", "a_prev"),
    "_ALL": ("a_prev", "W", "b", "t"),
}


def _condition(parts: Sequence[str], indent: str) -> list[str]:
    """``if a or b or c:`` on one line if it fits, else one part a line (as ruff formats it)."""
    line = f"{indent}if {' or '.join(parts)}:"
    if len(line) <= LINE:
        return [line]
    first, *others = parts
    return [
        f"{indent}if (",
        f"{indent}    {first}",
        *(f"{indent}    or {p}" for p in others),
        f"{indent}):",
    ]


def tuple_code(names: Sequence[str]) -> str:
    """``("K",)`` -> ``(K,)``; ``("K", "J")`` -> ``(K, J)``."""
    return f"({', '.join(names)}{',' if len(names) == 1 else ''})"


def input_checks(
    where: str,
    spec: str,
    arguments: Mapping[str, Argument] = ARGUMENTS,
    specs: Mapping[str, Sequence[str]] = SPECS,
) -> list[str]:
    """Lines that convert the arguments (one float dtype) and compare every shape exactly.

    The first argument sets the batch axes (``lead``): () for one example, (B,) for a batch.
    The comparisons are printed from the spec, so the common case costs a few tuple compares;
    the generic ``_shape_error`` explains a mismatch. ``arguments`` and ``specs``: tables
    like :data:`ARGUMENTS` and :data:`SPECS` (the output layer's, by default).
    """
    names = specs[spec]
    first = names[0]
    _, first_core, first_batched = arguments[first]
    if not first_batched or len(first_core) != 1:
        raise EmitError(f"{spec}: the first argument must be batched with a 1-D core")
    args = ", ".join(names)
    parts = ["len(lead) > 1", f"{first}.shape != (*lead, {first_core[0]})"]
    for name in names[1:]:
        _, core, batched = arguments[name]
        if not batched:
            parts.append(f"{name}.shape != {tuple_code(core)}")
        elif core == first_core:
            parts.append(f"{name}.shape != {first}.shape")
        else:
            parts.append(f"{name}.shape != (*lead, {', '.join(core)})")
    batched = [name for name in names if arguments[name][2]]
    return [
        f'{args} = _floats("{where}", {spec}, ({args}))',
        f"lead = {first}.shape[:-1]",
        *_condition(parts, ""),
        f'    _shape_error("{where}", {spec}, ({args}))',
        "if not lead:  # one example: compute it as a batch of one",
        f"    {', '.join(batched)} = {', '.join(f'{n}[None]' for n in batched)}",
    ]


def _joined(codes: list[str]) -> str:
    text = codes[0]
    for code in codes[1:]:
        text += f" - {code[1:]}" if code.startswith("-") else f" + {code}"
    return text


def loss_parts(r: OutputLayerResults) -> tuple[str, str]:
    """The loss split into the terms taken while the buffer holds z - m, and the rest (in s)."""
    printer = ArrayPrinter({t: "t", z_shifted: "z"}, frozenset(), {s: "s", t_sum: "t_sum"}, k)
    shifted, rest = [], []
    for term in r.loss.as_ordered_terms():
        (shifted if term.has(z_shifted) else rest).append(batch_total(term, printer))
    if not shifted or not rest:
        raise EmitError(f"the stable loss {r.loss} needs terms in z - m and in s")
    return _joined(shifted), _joined(rest)


def checks_targets(r: OutputLayerResults, grad: bool) -> bool:
    """Whether a function checks sum_d t_d = 1: it returns a gradient proved under it."""
    return grad and r.normalized_targets


def targets_check(where: str, t_sum_code: str) -> list[str]:
    """The lines that test sum_d t_d = 1 per row (``check_targets``) on the row sums of t."""
    return ["if check_targets:", f'    _sums_to_one("{where}", {t_sum_code})']


def softmax_lines(
    r: OutputLayerResults,
    *,
    in_place: bool,
    loss: bool,
    grad: bool,
    softmax: bool = False,
    where: str = "",
) -> list[str]:
    """From logits z (B, K) to the total loss E (if ``loss``) and dE/dz in z (if ``grad``), or
    the softmax a in z (if ``softmax`` and not ``grad``). A gradient proved under sum_d t_d = 1
    is preceded by its check (:func:`targets_check`, naming the function ``where``)."""
    loss_shifted, loss_rest = loss_parts(r)
    uses_t_sum = (loss and "t_sum" in loss_rest) or (grad and r.delta.has(t_sum))
    check = checks_targets(r, grad)
    # the row sums of z and t share one array of ones (z and t have one dtype)
    shared = r.K <= SMALL_K and (uses_t_sum or check)
    ones = "ones" if shared else None
    t_sum_line = f"t_sum = {row_sum('t', r.K, ones)}"
    t_sum_code = "t_sum" if uses_t_sum else row_sum("t", r.K, ones)
    lines = [
        "# softmax and log-softmax are shift invariant (proved for every real m); with the row",
        "# maximum as m no exp overflows and s >= 1, so log s is finite",
        "m = numpy.maximum.reduce(z, 1, None, None, True)",
        "numpy.subtract(z, m, out=z)" if in_place else "z = numpy.subtract(z, m)  # a new buffer",
        *([f"E = {loss_shifted}"] if loss else []),
        "numpy.exp(z, out=z)",
        *(["ones = _ones((K, 1), z.dtype)"] if shared else []),
        f"s = {row_sum('z', r.K, ones)}",
        *([t_sum_line] if uses_t_sum else []),
        *(targets_check(where, t_sum_code) if check else []),
        *([f"E += {loss_rest}"] if loss else []),
    ]
    if grad or softmax:
        lines.append("numpy.divide(z, s, out=z)  # a_k = e^(z_k - m) / s")
    if grad:
        delta_printer = ArrayPrinter({a: "z", t: "t"}, frozenset(), {t_sum: "t_sum"}, k)
        lines += assign(r.delta, "z", delta_printer, holds=a[k])
    return lines


def function_source(signature: str, doc: Sequence[str], body: Sequence[str]) -> str:
    summary, *rest = doc
    lines = [f"def {signature}:"]
    if rest:
        lines += [f'    """{summary}', *(f"    {d}" if d else "" for d in rest), '    """']
    else:
        lines.append(f'    """{summary}"""')
    return "\n".join(lines + [f"    {line}" if line else "" for line in body])


def public_source(r: OutputLayerResults, delta_text: str) -> str:
    """The public functions, with the forward pass and the gradients printed into them."""
    forward = assign(
        r.logit,
        "z",
        ArrayPrinter({W: "W", b: "b", a_prev: "a_prev"}, frozenset({W, b}), {}, k),
    )
    grads = ArrayPrinter({DELTA: "z", a_prev: "a_prev"}, frozenset(), {}, k)
    grad_W, grad_b = (batch_outer(g, grads, k, j, r.K) for g in (r.grad_W, r.grad_b))

    def delta(where: str) -> list[str]:
        return softmax_lines(r, in_place=False, loss=False, grad=True, where=where)

    check = checks_targets(r, grad=True)
    keyword = ", *, check_targets=True" if check else ""
    checked = [CHECK_TARGETS_DOC] if check else []
    functions = [
        function_source(
            "forward(a_prev, W, b)",
            [
                "The logits z_k = sum_j W_kj a_prev_j + b_k (eq. 0).",
                "",
                "Args: a_prev (J,) or (B, J); W (K, J); b (K,). Returns z, (K,) or (B, K).",
            ],
            [*input_checks("forward", "_FORWARD"), *forward, "return z if lead else z[0]"],
        ),
        function_source(
            "E(z, t)",
            [
                "The cross-entropy loss -sum_d t_d log softmax(z)_d, summed over a batch.",
                "",
                "Args: z, t (K,) or (B, K). Returns a scalar of the inputs' float dtype.",
            ],
            [
                *input_checks("E", "_Z_T"),
                *softmax_lines(r, in_place=False, loss=True, grad=False),
                "return E",
            ],
        ),
        function_source(
            f"dE_dz(z, t{keyword})",
            [
                f"dE/dz_k = {delta_text}.",
                "",
                "Args: z, t (K,) or (B, K). Returns z's shape.",
                *checked,
            ],
            [*input_checks("dE_dz", "_Z_T"), *delta("dE_dz"), "return z if lead else z[0]"],
        ),
        function_source(
            f"dE_dW(z, t, a_prev{keyword})",
            [
                "dE/dW_kj = dE/dz_k a_prev_j, summed over a batch (one matrix product).",
                "",
                "Args: z, t (K,) or (B, K); a_prev (J,) or (B, J). Returns (K, J).",
                *checked,
            ],
            [*input_checks("dE_dW", "_Z_T_A"), *delta("dE_dW"), f"return {grad_W}"],
        ),
        function_source(
            f"dE_db(z, t{keyword})",
            [
                "dE/db_k = dE/dz_k, summed over a batch.",
                "",
                "Args: z, t (K,) or (B, K). Returns (K,).",
                *checked,
            ],
            [*input_checks("dE_db", "_Z_T"), *delta("dE_db"), f"return {grad_b}"],
        ),
        function_source(
            f"loss_and_grads(a_prev, W, b, t{keyword})",
            [
                "Forward, loss and every gradient, with the softmax computed once.",
                "",
                "Args: a_prev (J,) or (B, J); W (K, J); b (K,); t (K,) or (B, K).",
                "Returns (E, dE_dW (K, J), dE_db (K,), dE_dz shaped like t), summed over a batch.",
                *checked,
            ],
            [
                *input_checks("loss_and_grads", "_ALL"),
                *forward,
                *softmax_lines(r, in_place=True, loss=True, grad=True, where="loss_and_grads"),
                f"grad_W = {grad_W}",
                f"grad_b = {grad_b}",
                "return E, grad_W, grad_b, z if lead else z[0]",
            ],
        ),
    ]
    return "\n\n\n".join(functions) + "\n"
