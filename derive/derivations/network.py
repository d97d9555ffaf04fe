"""The other layers ("其他层方法相似"): backprop through both hidden ReLU layers, checked.

The recursion in the post's style, every line checked against ``sympy.diff`` of the composite
loss:

    delta_k = a_k - t_k
    delta_j = relu'(z_j) sum_k W_kj delta_k,    dE/dW_ji = delta_j a_i,   dE/db_j = delta_j
    delta_i = relu'(z_i) sum_j W_ji delta_j,    dE/dW_in = delta_i x_n,   dE/db_i = delta_i

relu'(z) is the derivative of Max(0, z): it does not exist at the kink z = 0, so every line with
it holds only where z != 0, and the checker says so. The convention used by ``numeric`` and the
emitted code, relu'(0) = 0, is its own one-line derivation.
"""

from __future__ import annotations

from sympy import Basic, Derivative, Expr, Heaviside, Sum, diff

from derive.derivations.output import display_names, normalized_targets
from derive.model import symbols
from derive.model.loss import cross_entropy_log_softmax, softmax
from derive.model.network import (
    FIRST,
    HIDDEN,
    in_parameters,
    network_loss,
    relu,
    substitute,
    through_relu,
)
from derive.model.primitives import relu_prime
from derive.model.sizes import Size
from derive.model.symbols import W1, W2, E, W, a2, a_prev, b1, b2, i, j, k, n, t, x, z, z1, z2
from derive.steps import Derivation, Step


def _delta_j(K: Size) -> Expr:
    """relu'(z_j) sum_k W_kj delta_k, with delta_k = a_k - t_k, in terms of z^{L-1}."""
    delta_k = softmax(k, K) - t[k]
    return relu_prime(z1[j]) * Sum(W[k, j] * delta_k, (k, 1, K))


class _Network:
    """The sizes and the loss pushed down through the layers; builds the derivations."""

    def __init__(self, N: Size, I_: Size, J: Size, K: Size) -> None:
        self.N, self.I, self.J, self.K = N, I_, J, K
        self.loss = network_loss(cross_entropy_log_softmax(K), N, I_, J)
        self.normalized = normalized_targets(K)

    def _down_to_z1(self, expr: Basic) -> Basic:
        """Write z^L through eq. (0) and a^{L-1} = relu(z^{L-1})."""
        return through_relu(in_parameters(expr, self.J), a_prev, z1)

    def _layer1(self, expr: Basic) -> Basic:
        return substitute(expr, z1, lambda index: HIDDEN.logit(index, self.I))

    def _down_to_z2(self, expr: Basic) -> Basic:
        return through_relu(self._layer1(expr), a2, z2)

    def _first(self, expr: Basic) -> Basic:
        return substitute(expr, z2, lambda index: FIRST.logit(index, self.N))

    def names(self) -> dict[Basic, Basic]:
        return {self._down_to_z1(e): s for e, s in display_names(self.K).items()}

    def relu_convention(self) -> Derivation:
        return Derivation(
            name="relu'(z_j)",
            title="the ReLU derivative and its convention at the kink",
            start=Derivative(relu(z1[j]), z1[j]),
            lhs=relu_prime(z1[j]),
            steps=(Step(Heaviside(z1[j], 0), "relu'(0) := 0, as numeric and frameworks use"),),
        )

    def delta_j(self) -> Derivation:
        chain = Sum(
            self._down_to_z1(diff(cross_entropy_log_softmax(self.K), z[k]))
            * W[k, j]
            * relu_prime(z1[j]),
            (k, 1, self.K),
        )
        return Derivation(
            name="delta_j",
            title="layer L-1: the error delta_j = dE/dz_j",
            start=diff(self.loss.of_z1, z1[j]),
            lhs=Derivative(E, z1[j]),
            steps=(
                Step(chain, "chain rule: z_j reaches E through every z_k; dz_k/da_j = W_kj"),
                Step(self._down_to_z1(_delta_j(self.K)), "delta_k = a_k - t_k (3)"),
            ),
            assume=(j <= self.J, self.normalized),
            labels={self.normalized: "targets"},
            names=self.names(),
        )

    def _delta_j_of_layer1(self) -> Expr:
        return self._layer1(self._down_to_z1(_delta_j(self.K)))

    def grad_layer1(self) -> list[Derivation]:
        delta = self._delta_j_of_layer1()
        common = {
            "assume": (j <= self.J, i <= self.I, self.normalized),
            "names": self.names(),
            "labels": {self.normalized: "targets"},
        }
        return [
            Derivation(
                name="dE/dW_ji",
                title="layer L-1 weights",
                start=diff(self.loss.of_layer1, W1[j, i]),
                lhs=Derivative(E, W1[j, i]),
                steps=(Step(delta * a2[i], "dz_j/dW_ji = a_i^{L-2}"),),
                **common,
            ),
            Derivation(
                name="dE/db_j",
                title="layer L-1 biases",
                start=diff(self.loss.of_layer1, b1[j]),
                lhs=Derivative(E, b1[j]),
                steps=(Step(delta, "dz_j/db_j = 1"),),
                **common,
            ),
        ]

    def _delta_i(self) -> Expr:
        """relu'(z_i) sum_j W_ji delta_j, in terms of z^{L-2} (the sum binds delta_j's j)."""
        delta_j = self._down_to_z2(self._down_to_z1(_delta_j(self.K)))
        return relu_prime(z2[i]) * Sum(W1[j, i] * delta_j, (j, 1, self.J))

    def delta_i(self) -> Derivation:
        delta_j = self._down_to_z2(self._down_to_z1(_delta_j(self.K)))
        chain = Sum(delta_j * W1[j, i] * relu_prime(z2[i]), (j, 1, self.J))
        return Derivation(
            name="delta_i",
            title="layer L-2: the error delta_i = dE/dz_i",
            start=diff(self.loss.of_z2, z2[i]),
            lhs=Derivative(E, z2[i]),
            steps=(
                Step(chain, "chain rule through every z_j; dz_j/da_i = W_ji; delta_j as above"),
                Step(self._delta_i(), "relu'(z_i) does not depend on j"),
            ),
            assume=(i <= self.I, self.normalized),
            labels={self.normalized: "targets"},
            names=self.names(),
        )

    def grad_layer2(self) -> list[Derivation]:
        delta = self._first(self._delta_i())
        common = {
            "assume": (i <= self.I, n <= self.N, self.normalized),
            "names": self.names(),
            "labels": {self.normalized: "targets"},
        }
        return [
            Derivation(
                name="dE/dW_in",
                title="layer L-2 weights",
                start=diff(self.loss.of_all, W2[i, n]),
                lhs=Derivative(E, W2[i, n]),
                steps=(Step(delta * x[n], "dz_i/dW_in = x_n"),),
                **common,
            ),
            Derivation(
                name="dE/db_i",
                title="layer L-2 biases",
                start=diff(self.loss.of_all, b2[i]),
                lhs=Derivative(E, b2[i]),
                steps=(Step(delta, "dz_i/db_i = 1"),),
                **common,
            ),
        ]

    def input_gradients(self) -> list[Derivation]:
        """dE/da_i^{L-2} (layer L-1's input) and dE/dx_n (the network's input): the errors
        handed down, before the layer below multiplies by its relu'."""
        common = {"names": self.names(), "labels": {self.normalized: "targets"}}
        delta_j = self._delta_j_of_layer1()
        delta_i = self._first(self._delta_i())
        return [
            Derivation(
                name="dE/da_i",
                title="layer L-1's input a^{L-2}",
                start=diff(self.loss.of_layer1, a2[i]),
                lhs=Derivative(E, a2[i]),
                steps=(
                    Step(
                        Sum(W1[j, i] * delta_j, (j, 1, self.J)),
                        "chain rule through every z_j; dz_j/da_i = W_ji",
                    ),
                ),
                assume=(i <= self.I, self.normalized),
                **common,
            ),
            Derivation(
                name="dE/dx_n",
                title="the network's input x",
                start=diff(self.loss.of_all, x[n]),
                lhs=Derivative(E, x[n]),
                steps=(
                    Step(
                        Sum(W2[i, n] * delta_i, (i, 1, self.I)),
                        "chain rule through every z_i; dz_i/dx_n = W_in",
                    ),
                ),
                assume=(n <= self.N, self.normalized),
                **common,
            ),
        ]


def symbolic_network() -> _Network:
    """The network with symbolic sizes N, I, J, K."""
    return _Network(symbols.N, symbols.I_, symbols.J, symbols.K)


def network(N: Size, I_: Size, J: Size, K: Size) -> list[Derivation]:
    """The backprop recursion through both hidden layers, for the given sizes."""
    net = _Network(N, I_, J, K)
    return [
        net.relu_convention(),
        net.delta_j(),
        *net.grad_layer1(),
        net.delta_i(),
        *net.grad_layer2(),
    ]


def network_inputs(N: Size, I_: Size, J: Size, K: Size) -> list[Derivation]:
    """The gradients w.r.t. the hidden layers' inputs and the network's input x."""
    return _Network(N, I_, J, K).input_gradients()
