"""The text of a generated whole-network module: x (N) -> ReLU (I) -> ReLU (J) -> softmax (K).

The layout is fixed here and shares its pieces with the output-layer module (the runtime's
input checks, the printed shape comparisons, the stable softmax and loss lines); every formula
is printed from a proved result (:mod:`derive.emit.network_proofs`): the affine maps from eq.
(0), relu from its definition Max(0, z), the errors from the proved recursion, relu'(z) as
``numpy.heaviside(z, 0.0)`` from the proved convention. Parameters are numbered from the input,
as in ``numeric``: W1, b1 are the post's layer L-2, W2, b2 layer L-1, W3, b3 layer L.
"""

from __future__ import annotations

from sympy import Expr, IndexedBase, Max, Mul, Sum, Symbol

from derive.emit.functions import (
    CHECK_TARGETS_DOC,
    Argument,
    checks_targets,
    function_source,
    input_checks,
    softmax_lines,
)
from derive.emit.network_proofs import DELTA1, DELTA2, NetworkResults
from derive.emit.printer import ArrayPrinter, assign, batch_outer
from derive.emit.proofs import EmitError, uses_normalized_targets
from derive.emit.template import (
    DTYPES,
    TARGETS_CHECKED,
    assemble,
    delta_text,
    spec_lines,
    verdict_lines,
)
from derive.model.network import FIRST, HIDDEN, relu
from derive.model.primitives import relu_prime
from derive.model.symbols import W1, W2, W, a2, a_prev, b, b1, b2, i, j, k, n, x, z1, z2
from derive.model.symbols import delta as DELTA
from derive.version import __version__

PARAMETERS = ("W1", "b1", "W2", "b2", "W3", "b3")
ARGUMENTS: dict[str, Argument] = {
    "x": (("B", "N"), ("N",), True),
    "W1": (("I", "N"), ("I", "N"), False),
    "b1": (("I",), ("I",), False),
    "W2": (("J", "I"), ("J", "I"), False),
    "b2": (("J",), ("J",), False),
    "W3": (("K", "J"), ("K", "J"), False),
    "b3": (("K",), ("K",), False),
    "t": (("B", "K"), ("K",), True),
}
SPECS = {"_FORWARD": ("x", *PARAMETERS), "_ALL": ("x", *PARAMETERS, "t")}
# in the order ruff's RUF022 wants, so generated files lint clean
EXPORTED = ("NORMALIZED_TARGETS", "E", "I", "J", "K", "N", "forward", "gradients")
EXPORTED += ("loss_and_grads",)


class NetworkPrinter(ArrayPrinter):
    """ArrayPrinter plus relu (Max(0, z)) and relu' under the proved convention at 0."""

    def __init__(self, arrays: dict[IndexedBase, str], index: Symbol, at_0: Expr) -> None:
        parameters = frozenset({W2, b2, W1, b1, W, b})
        super().__init__(arrays, parameters, {}, index)
        self.at_0 = at_0

    def _print_Max(self, expr: Max) -> str:
        zero, *rest = sorted(expr.args, key=lambda e: e != 0)
        if zero != 0 or len(rest) != 1:
            raise EmitError(f"no printing rule for {expr}")
        return f"numpy.maximum({self.doprint(rest[0])}, 0.0)"

    def _print_relu_prime(self, expr: relu_prime) -> str:
        return f"numpy.heaviside({self.doprint(expr.args[0])}, {float(self.at_0)!r})"


def emit_command(N: int, I_: int, J: int, K: int) -> str:
    return f"derive emit --network {N} {I_} {J} {K}"


def _hidden_layer(
    number: str, logit: Expr, arrays: dict, z_base: IndexedBase, index: Symbol, at_0: Expr
) -> list[str]:
    """z = W a + b (eq. 0) and a = relu(z) for one hidden layer, named like ``numeric``."""
    p = NetworkPrinter({**arrays, z_base: f"z{number}"}, index, at_0)
    return [*assign(logit, f"z{number}", p), f"a{number} = {p.doprint(relu(z_base[index]))}"]


def _forward_lines(r: NetworkResults) -> list[str]:
    """The hidden layers and the logits z (B, K) of layer L."""
    N, I_ = r.proof_sizes[:2]
    at_0 = r.heaviside_at_0
    first = _hidden_layer("1", FIRST.logit(i, N), {W2: "W1", b2: "b1", x: "x"}, z2, i, at_0)
    hidden = _hidden_layer("2", HIDDEN.logit(j, I_), {W1: "W2", b1: "b2", a2: "a1"}, z1, j, at_0)
    output = NetworkPrinter({W: "W3", b: "b3", a_prev: "a2"}, k, r.heaviside_at_0)
    return [*first, *hidden, *assign(r.output.logit, "z", output)]


def _error_lines(template: Expr, target: str, p: ArrayPrinter) -> list[str]:
    """relu'(z_j) sum_k P_kj d_k -> one matrix product, then the ReLU derivative in place."""
    factors = Mul.make_args(template)
    slopes = [f for f in factors if isinstance(f, relu_prime)]
    sums = [f for f in factors if isinstance(f, Sum)]
    if len(factors) != 2 or len(slopes) != 1 or len(sums) != 1:
        raise EmitError(f"{template}: expected relu'(z) times a sum over the layer above")
    product = p.contraction(sums[0])
    if product is None:
        raise EmitError(f"{sums[0]}: no rule to print it as one matrix product")
    return [
        f"{target} = {product}",
        f"numpy.multiply({target}, {p.doprint(slopes[0])}, out={target})",
    ]


def _backward_lines(r: NetworkResults) -> list[str]:
    """From dE/dz^L in z to every parameter gradient, layer by layer (z^L first)."""
    _, I_, J, K = r.sizes
    at_0 = r.heaviside_at_0
    top = NetworkPrinter({DELTA: "z", a_prev: "a2"}, k, at_0)
    errors_j = NetworkPrinter({DELTA: "z", W: "W3", z1: "z2"}, j, at_0)
    grads_j = NetworkPrinter({DELTA1: "delta2", a2: "a1"}, j, at_0)
    errors_i = NetworkPrinter({DELTA1: "delta2", W1: "W2", z2: "z1"}, i, at_0)
    grads_i = NetworkPrinter({DELTA2: "delta1", x: "x"}, i, at_0)
    return [
        f"grad_W3 = {batch_outer(r.output.grad_W, top, k, j, K)}",
        f"grad_b3 = {batch_outer(r.output.grad_b, top, k, j, K)}",
        *_error_lines(r.delta_j, "delta2", errors_j),
        f"grad_W2 = {batch_outer(r.grad_W_ji, grads_j, j, i, J)}",
        f"grad_b2 = {batch_outer(r.grad_b_j, grads_j, j, i, J)}",
        *_error_lines(r.delta_i, "delta1", errors_i),
        f"grad_W1 = {batch_outer(r.grad_W_in, grads_i, i, n, I_)}",
        f"grad_b1 = {batch_outer(r.grad_b_i, grads_i, i, n, I_)}",
    ]


GRADS = [
    "grads = {",
    *(f'    "{name}": grad_{name},' for name in PARAMETERS),
    '    "z3": z if lead else z[0],',
    "}",
]
ARGS = "x, W1, b1, W2, b2, W3, b3"
ARGS_DOC = "Args: x (N,) or (B, N); W1 (I, N), b1 (I,), W2 (J, I), b2 (J,), W3 (K, J), b3 (K,)"


def public_source(r: NetworkResults) -> str:
    """The public functions: forward, E, gradients and loss_and_grads."""
    out = r.output
    checks = input_checks("forward", "_FORWARD", ARGUMENTS, SPECS)
    forward = [
        *checks,
        *_forward_lines(r),
        "z3 = z  # the softmax below works on a new buffer",
        *softmax_lines(out, in_place=False, loss=False, grad=False, softmax=True),
        'values = {"z1": z1, "a1": a1, "z2": z2, "a2": a2, "z3": z3, "a3": z}',
        "return values if lead else {key: value[0] for key, value in values.items()}",
    ]

    check = checks_targets(out, grad=True)
    keyword = ", *, check_targets=True" if check else ""
    checked = [CHECK_TARGETS_DOC] if check else []

    def body(where: str, *, loss: bool, grads: bool) -> list[str]:
        return [
            *input_checks(where, "_ALL", ARGUMENTS, SPECS),
            *_forward_lines(r),
            *softmax_lines(out, in_place=True, loss=loss, grad=grads, where=where),
            *([*_backward_lines(r), *GRADS] if grads else []),
        ]

    functions = [
        function_source(
            f"forward({ARGS})",
            [
                "Every layer's pre-activations z and activations a (a3 = softmax(z3)).",
                "",
                f"{ARGS_DOC}.",
                'Returns {"z1", "a1": (I,), "z2", "a2": (J,), "z3", "a3": (K,)}, with a leading',
                "B axis for a batch.",
            ],
            forward,
        ),
        function_source(
            f"E({ARGS}, t)",
            [
                "The cross-entropy loss -sum_d t_d log a3_d, summed over a batch.",
                "",
                f"{ARGS_DOC};",
                "t (K,) or (B, K).",
                "Returns a scalar of the inputs' float dtype.",
            ],
            [*body("E", loss=True, grads=False), "return E"],
        ),
        function_source(
            f"gradients({ARGS}, t{keyword})",
            [
                "dE/d(every parameter), summed over a batch, and dE/dz3 per example.",
                "",
                f"{ARGS_DOC};",
                "t (K,) or (B, K).",
                'Returns {"W1", "b1", "W2", "b2", "W3", "b3"} shaped like the parameters, and',
                '"z3" shaped like t.',
                *checked,
            ],
            [*body("gradients", loss=False, grads=True), "return grads"],
        ),
        function_source(
            f"loss_and_grads({ARGS}, t{keyword})",
            [
                "The loss and the gradients of :func:`gradients`, with one forward pass.",
                "",
                f"{ARGS_DOC};",
                "t (K,) or (B, K).",
                "Returns (E, the dict of gradients).",
                *checked,
            ],
            [*body("loss_and_grads", loss=True, grads=True), "return E, grads"],
        ),
    ]
    return "\n\n\n".join(functions) + "\n"


def _verdicts(r: NetworkResults) -> list[str]:
    N, I_, J, K = r.proof_sizes
    return [
        "Verdicts of derive's step checker. The output layer, for every K and J (symbolic",
        "sizes):",
        *verdict_lines(r.output.reports),
        f"The recursion through the ReLU layers, checked for N = {N}, I = {I_}, J = {J}, K = {K}",
        "(`derive prove network`; each line against sympy.diff of the composite loss, holding",
        "where no pre-activation is 0, see relu' above). The printed index formulas are the",
        "same for every size; with symbolic sizes SymPy does not finish layer L-2, see",
        "docs/network.md:",
        *verdict_lines(r.reports),
    ]


def _docstring(r: NetworkResults) -> str:
    N, I_, J, K = r.sizes
    uses_sum_t = any(uses_normalized_targets(report) for report in r.reports)
    return "\n".join(
        [
            f'"""A ReLU network, N = {N} -> I = {I_} -> J = {J} -> K = {K} with a softmax '
            "cross-entropy",
            "output: loss and gradients of every parameter.",
            "",
            f"Generated by derive {__version__} from results its step checker proved (below). It",
            "imports only NumPy. Regenerate it, or check that it is current (--check), with",
            f"    {emit_command(N, I_, J, K)} -o FILE",
            "",
            "One example (x_n, n = 1..N; the post's layers L-2, L-1, L; numeric's numbering):",
            "    z1 = W1 x + b1,   a1 = relu(z1)      layer L-2, I units, W1 (I, N), b1 (I,)",
            "    z2 = W2 a1 + b2,  a2 = relu(z2)      layer L-1, J units, W2 (J, I), b2 (J,)",
            "    z3 = W3 a2 + b3,  a3 = softmax(z3)   layer L,   K units, W3 (K, J), b3 (K,)",
            "    E = -sum_d t_d log a3_d              cross-entropy loss",
            "The gradients are printed from the proved backprop recursion (errors delta = dE/dz):",
            f"    delta3_k = dE/dz3_k = {delta_text(r.output)}"
            + ("  (assumes sum_d t_d = 1)" if uses_sum_t else ""),
            "    delta2 = relu'(z2) * (delta3 W3),  dE/dW2 = delta2^T a1,  dE/db2 = sum delta2",
            "    delta1 = relu'(z1) * (delta2 W2),  dE/dW1 = delta1^T x,   dE/db1 = sum delta1",
            "    dE/dW3 = delta3^T a2,  dE/db3 = sum delta3",
            "Targets: this module assumes sum_d t_d = 1 for every example (one-hot labels or",
            "probabilities); the loss E is computed as defined for any targets.",
            *TARGETS_CHECKED,
            "",
            "relu'(z) does not exist at the kink z = 0, and every proved line with it holds where",
            "no pre-activation is 0. At z = 0 the code uses relu'(0) = 0, numpy.heaviside(z, 0.0)",
            "(as numeric, PyTorch and JAX do; SymPy's Heaviside(0) would be 1/2).",
            "",
            "Computed stably: with m = max_c z3_c per example (the rewrites hold for every real",
            "m), a3_k = e^{z3_k - m} / s, s = sum_c e^{z3_c - m} >= 1, and",
            "E = (sum_d t_d) log s - sum_d t_d (z3_d - m): no exp overflows, no log sees 0.",
            "",
            "Functions. One example: x (N,), t (K,). A batch of B examples: a leading axis, x",
            "(B, N), t (B, K). The loss and the parameter gradients are summed over the batch",
            "(the gradients of the total loss); dE/dz3 is per example.",
            f"    forward({ARGS}) -> dict of z1, a1, z2, a2, z3, a3",
            f"    E({ARGS}, t) -> the total loss, a scalar",
            f"    gradients({ARGS}, t) -> dict of W1, b1, W2, b2, W3, b3, z3",
            f"    loss_and_grads({ARGS}, t) -> (E, gradients), one pass",
            *DTYPES,
            "A shape that does not match (a wrong N, I, J, K or B) or a non-numeric array raises",
            "ValueError naming the expected and given shapes; nothing is broadcast.",
            "",
            *_verdicts(r),
            '"""',
        ]
    )


def _header(r: NetworkResults) -> str:
    N, I_, J, K = r.sizes
    return "\n".join(
        [
            "import numpy",
            "",
            f"N = {N}",
            f"I = {I_}  # noqa: E741 - the post's name for the size of layer L-2",
            f"J = {J}",
            f"K = {K}",
            "NORMALIZED_TARGETS = True",
            "__all__ = [",
            *(f'    "{name}",' for name in EXPORTED),
            "]",
            "",
            "# Arguments, for the error messages: (name, axes, sizes without the batch axis, has a",
            "# batch axis)",
            *spec_lines(SPECS, ARGUMENTS),
        ]
    )


def module_source(r: NetworkResults) -> str:
    """The whole module's text (ends with one newline)."""
    return assemble(emit_command(*r.sizes), _docstring(r), _header(r), public_source(r))
