"""The generated module's functions: a fixed layout with the proved formulas printed into it.

One private function does the work for all of them: it shifts the logits by their row maximum,
takes the loss terms while its buffer holds z - m, exponentiates in place, takes the rest of the
loss once the row sums s are known, then turns the buffer into the softmax and into dE/dz, in
place. A fused call therefore allocates the logits once (the forward matrix product), plus the
(K, J) and (K,) gradients and a few (B, 1) columns.
"""

from __future__ import annotations

from derive.emit.printer import ArrayPrinter, assign, batch_outer, batch_total, row_sum
from derive.emit.proofs import EmitError, OutputLayerResults, s, t_sum, z_shifted
from derive.symbols import W, a, a_prev, b, j, k, t
from derive.symbols import delta as DELTA

CORE = '''
def _loss_and_delta(z, t, out, loss, grad):
    """The total loss (if loss) and dE/dz (if grad) of (B, K) logits z and targets t.

    out receives z - m, then e^(z - m), then dE/dz: pass z to work in place, or None.
    """
    # softmax and log-softmax are shift invariant (proved for every real m); with the row
    # maximum as m no exp overflows and s >= 1, so log s is finite
    m = numpy.maximum.reduce(z, 1, None, None, True)
    z = numpy.subtract(z, m, out=out)
{before}    E = {loss_shifted} if loss else None
    numpy.exp(z, out=z)
    s = {row_sum}
    if loss:
{in_loss}        E += {loss_rest}
    if not grad:
        return E, None
    numpy.multiply(z, 1.0 / s, out=z)  # a_k = e^(z_k - m) / s
{delta}
    return E, z
'''

PUBLIC = '''

def forward(a_prev, W, b):
    """The logits z_k = sum_j W_kj a_prev_j + b_k (eq. 0).

    Args: a_prev (J,) or (B, J); W (K, J); b (K,). Returns z, (K,) or (B, K).
    """
    (a_prev, W, b), single = _inputs("forward", _FORWARD, (a_prev, W, b))
    if single:
        a_prev = a_prev[None]
{forward}
    return z[0] if single else z


def E(z, t):
    """The cross-entropy loss -sum_d t_d log softmax(z)_d, summed over a batch.

    Args: z, t (K,) or (B, K). Returns a scalar of the inputs' float dtype.
    """
    (z, t), single = _inputs("E", _Z_T, (z, t))
    if single:
        z, t = z[None], t[None]
    return _loss_and_delta(z, t, None, True, False)[0]


def dE_dz(z, t):
    """dE/dz_k = {delta_text}.

    Args: z, t (K,) or (B, K). Returns dE/dz with z's shape.
    """
    (z, t), single = _inputs("dE_dz", _Z_T, (z, t))
    if single:
        z, t = z[None], t[None]
    delta = _loss_and_delta(z, t, None, False, True)[1]
    return delta[0] if single else delta


def dE_dW(z, t, a_prev):
    """dE/dW_kj = dE/dz_k a_prev_j, summed over a batch (one matrix product).

    Args: z, t (K,) or (B, K); a_prev (J,) or (B, J). Returns (K, J).
    """
    (z, t, a_prev), single = _inputs("dE_dW", _Z_T_A, (z, t, a_prev))
    if single:
        z, t, a_prev = z[None], t[None], a_prev[None]
    delta = _loss_and_delta(z, t, None, False, True)[1]
    return {grad_W}


def dE_db(z, t):
    """dE/db_k = dE/dz_k, summed over a batch.

    Args: z, t (K,) or (B, K). Returns (K,).
    """
    (z, t), single = _inputs("dE_db", _Z_T, (z, t))
    if single:
        z, t = z[None], t[None]
    delta = _loss_and_delta(z, t, None, False, True)[1]
    return {grad_b}


def loss_and_grads(a_prev, W, b, t):
    """Forward, loss and every gradient, with the softmax computed once.

    Args: a_prev (J,) or (B, J); W (K, J); b (K,); t (K,) or (B, K).
    Returns (E, dE_dW (K, J), dE_db (K,), dE_dz shaped like t), summed over a batch.
    """
    (a_prev, W, b, t), single = _inputs("loss_and_grads", _ALL, (a_prev, W, b, t))
    if single:
        a_prev, t = a_prev[None], t[None]
{forward}
    E, delta = _loss_and_delta(z, t, z, True, True)
    grad_W = {grad_W}
    grad_b = {grad_b}
    return E, grad_W, grad_b, delta[0] if single else delta
'''


def _indented(lines: list[str], depth: int = 1) -> str:
    return "".join("    " * depth + line + "\n" for line in lines)


def _joined(codes: list[str]) -> str:
    text = codes[0]
    for code in codes[1:]:
        text += f" - {code[1:]}" if code.startswith("-") else f" + {code}"
    return text


def _loss_parts(r: OutputLayerResults) -> tuple[str, str]:
    """The loss split into the terms taken while the buffer holds z - m, and the rest (in s)."""
    printer = ArrayPrinter({t: "t", z_shifted: "z"}, frozenset(), {s: "s", t_sum: "t_sum"}, k)
    shifted, rest = [], []
    for term in r.loss.as_ordered_terms():
        (shifted if term.has(z_shifted) else rest).append(batch_total(term, printer))
    if not shifted or not rest:
        raise EmitError(f"the stable loss {r.loss} needs terms in z - m and in s")
    return _joined(shifted), _joined(rest)


def core_source(r: OutputLayerResults) -> str:
    """The private function that computes the loss and dE/dz (see the module docstring)."""
    loss_shifted, loss_rest = _loss_parts(r)
    delta_printer = ArrayPrinter({a: "z", t: "t"}, frozenset(), {t_sum: "t_sum"}, k)
    delta = assign(r.delta, "z", delta_printer, holds=a[k])
    t_sum_line = [f"t_sum = {row_sum('t', r.K)}"]
    needs_t_sum = r.delta.has(t_sum)
    return CORE.format(
        before=_indented(t_sum_line) if needs_t_sum else "",
        loss_shifted=loss_shifted,
        row_sum=row_sum("z", r.K),
        in_loss="" if needs_t_sum else _indented(t_sum_line, 2),
        loss_rest=loss_rest,
        delta=_indented(delta).rstrip("\n"),
    )


def public_source(r: OutputLayerResults, delta_text: str) -> str:
    """The public functions, with the forward pass and the gradients printed into them."""
    forward_printer = ArrayPrinter({W: "W", b: "b", a_prev: "a_prev"}, frozenset({W, b}), {}, k)
    grad_printer = ArrayPrinter({DELTA: "delta", a_prev: "a_prev"}, frozenset(), {}, k)
    return PUBLIC.format(
        forward=_indented(assign(r.logit, "z", forward_printer)).rstrip("\n"),
        delta_text=delta_text,
        grad_W=batch_outer(r.grad_W, grad_printer, k, j, r.K),
        grad_b=batch_outer(r.grad_b, grad_printer, k, j, r.K),
    )
