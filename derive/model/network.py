"""Symbolic layers of the post's network, for concrete or symbolic sizes.

input x (N) -> ReLU layer L-2 (I units) -> ReLU layer L-1 (J units) -> softmax layer L (K units).
Each layer computes z = sum W a + b (eq. 0 for the output layer); relu(z) = Max(0, z), whose
derivative SymPy writes Heaviside(z) (1/2 at the kink z = 0, where no derivative exists).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sympy import Basic, Expr, Indexed, IndexedBase, Max, Sum, Symbol

from derive.model.sizes import Size
from derive.model.symbols import W1, W2, W, a2, a_prev, b, b1, b2, ip, jp, np_, x, z, z1, z2


@dataclass(frozen=True)
class Layer:
    """One affine layer: ``z[out] = sum_in W[out, in] inputs[in] + b[out]``."""

    z: IndexedBase
    W: IndexedBase
    b: IndexedBase
    inputs: IndexedBase
    bound: Symbol  # the summation index over the inputs (primed: it never captures a free one)

    def logit(self, index: Expr, size_in: Size) -> Expr:
        return (
            Sum(self.W[index, self.bound] * self.inputs[self.bound], (self.bound, 1, size_in))
            + (self.b[index])
        )


OUTPUT = Layer(z, W, b, a_prev, jp)  # layer L, fed by a^{L-1}
HIDDEN = Layer(z1, W1, b1, a2, ip)  # layer L-1, fed by a^{L-2}
FIRST = Layer(z2, W2, b2, x, np_)  # layer L-2, fed by the input x


def relu(u: Expr) -> Expr:
    """relu(u) = max(0, u)."""
    return Max(0, u)


def substitute(expr: Basic, base: IndexedBase, value: Callable[[Expr], Expr]) -> Basic:
    """Replace every ``base[index]`` in ``expr`` by ``value(index)``."""
    return expr.replace(
        lambda e: isinstance(e, Indexed) and e.base == base,
        lambda e: value(e.indices[0]),
    )


def logit(index: Expr, J: Size) -> Expr:
    """z_index = sum_j' W_{index j'} a_j'^{L-1} + b_index (eq. 0)."""
    return OUTPUT.logit(index, J)


def in_parameters(expr: Basic, J: Size) -> Basic:
    """``expr`` with every logit z_c replaced by eq. (0), so it depends on W, b and a^{L-1}."""
    return substitute(expr, z, lambda index: logit(index, J))


def through_relu(expr: Basic, activations: IndexedBase, logits: IndexedBase) -> Basic:
    """``expr`` with each activation a_j replaced by relu(z_j) of the layer below."""
    return substitute(expr, activations, lambda index: relu(logits[index]))


@dataclass(frozen=True)
class NetworkLoss:
    """The loss E written in terms of each layer's quantities, from the top down.

    of_z1 depends on z^{L-1} (and W, b, t); of_layer1 on W^{L-1}, b^{L-1}, a^{L-2};
    of_z2 on z^{L-2}; of_all on every parameter and the input x.
    """

    of_z1: Expr
    of_layer1: Expr
    of_z2: Expr
    of_all: Expr


def network_loss(E_of_z: Expr, N: Size, I_: Size, J: Size) -> NetworkLoss:
    """Push the loss E(z^L) down through the layers: eq. (0), relu, and the hidden affine maps."""
    of_z1 = through_relu(in_parameters(E_of_z, J), a_prev, z1)
    of_layer1 = substitute(of_z1, z1, lambda index: HIDDEN.logit(index, I_))
    of_z2 = through_relu(of_layer1, a2, z2)
    of_all = substitute(of_z2, z2, lambda index: FIRST.logit(index, N))
    return NetworkLoss(of_z1, of_layer1, of_z2, of_all)
