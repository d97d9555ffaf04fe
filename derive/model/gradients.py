"""Gradients of the loss by ``sympy.diff`` for concrete sizes, one expression per parameter entry.

Nothing here is typed in by hand: each entry is ``diff(E, parameter)`` of the composite loss,
with sums over concrete ranges expanded. These are the expressions that tests lambdify and
compare with the independent NumPy network.
"""

from __future__ import annotations

from dataclasses import dataclass

from sympy import Basic, Expr, ImmutableMatrix, diff

from derive.model.loss import cross_entropy_log_softmax
from derive.model.network import in_parameters, network_loss
from derive.model.sizes import check_size
from derive.model.symbols import W1, W2, W, a_prev, b, b1, b2, t, x, z


@dataclass(frozen=True)
class OutputGradients:
    """The output layer's loss and its gradients for concrete K (classes) and J (inputs).

    Attributes:
        K, J: the sizes.
        E_of_z: the loss as a function of the logits, shape ().
        dE_dz: (K, 1) matrix, entry k = dE/dz_k.
        E_of_parameters: the loss with eq. (0) substituted (a function of W, b, a^{L-1}, t).
        dE_dW: (K, J) matrix, entry (k, j) = dE/dW_kj.
        dE_db: (K, 1) matrix, entry k = dE/db_k.
    """

    K: int
    J: int
    E_of_z: Expr
    dE_dz: ImmutableMatrix
    E_of_parameters: Expr
    dE_dW: ImmutableMatrix
    dE_db: ImmutableMatrix

    def symbols(self) -> dict[str, list[Basic]]:
        """The scalar symbols in a fixed order, per array: z, t, W (row-major), b, a_prev."""
        K, J = self.K, self.J
        return {
            "z": [z[k] for k in range(1, K + 1)],
            "t": [t[k] for k in range(1, K + 1)],
            "W": [W[k, j] for k in range(1, K + 1) for j in range(1, J + 1)],
            "b": [b[k] for k in range(1, K + 1)],
            "a_prev": [a_prev[j] for j in range(1, J + 1)],
        }


def output_gradients(K: int, J: int) -> OutputGradients:
    """Differentiate E (eq. 1) w.r.t. every z_k, W_kj and b_k, for concrete K and J.

    Raises:
        ValueError: K or J is not an integer >= 1.

    >>> g = output_gradients(2, 1)
    >>> g.dE_dW.shape
    (2, 1)
    """
    K, J = check_size("K", K), check_size("J", J)
    if not isinstance(K, int) or not isinstance(J, int):
        raise ValueError("output_gradients needs concrete sizes (ints)")
    E_of_z = cross_entropy_log_softmax(K).doit()
    E_of_parameters = in_parameters(cross_entropy_log_softmax(K), J).doit()
    return OutputGradients(
        K=K,
        J=J,
        E_of_z=E_of_z,
        dE_dz=ImmutableMatrix([diff(E_of_z, z[k]) for k in range(1, K + 1)]),
        E_of_parameters=E_of_parameters,
        dE_dW=ImmutableMatrix(K, J, lambda r, c: diff(E_of_parameters, W[r + 1, c + 1])),
        dE_db=ImmutableMatrix([diff(E_of_parameters, b[k]) for k in range(1, K + 1)]),
    )


@dataclass(frozen=True)
class NetworkGradients:
    """The whole network's loss and the gradients of all six parameter arrays (concrete sizes).

    Attributes:
        sizes: (N, I, J, K).
        E: the loss as a function of x, t and every parameter, shape ().
        grads: "W1" (I, N), "b1" (I, 1), "W2" (J, I), "b2" (J, 1), "W3" (K, J), "b3" (K, 1)
            matrices of dE/dparameter, named like ``numeric``'s arrays (1 = layer L-2,
            2 = L-1, 3 = the output layer L).
    """

    sizes: tuple[int, int, int, int]
    E: Expr
    grads: dict[str, ImmutableMatrix]

    def parameters(self) -> dict[str, list[Basic]]:
        """The scalar symbols of each array in row-major order, plus "x" and "t"."""
        N, I_, J, K = self.sizes
        return {
            "W1": [W2[i, n] for i in range(1, I_ + 1) for n in range(1, N + 1)],
            "b1": [b2[i] for i in range(1, I_ + 1)],
            "W2": [W1[j, i] for j in range(1, J + 1) for i in range(1, I_ + 1)],
            "b2": [b1[j] for j in range(1, J + 1)],
            "W3": [W[k, j] for k in range(1, K + 1) for j in range(1, J + 1)],
            "b3": [b[k] for k in range(1, K + 1)],
            "x": [x[n] for n in range(1, N + 1)],
            "t": [t[k] for k in range(1, K + 1)],
        }


def network_gradients(N: int, I_: int, J: int, K: int) -> NetworkGradients:
    """Differentiate the composite loss w.r.t. every entry of all six parameter arrays.

    The derivative of each ReLU, Max(0, z), comes out as Heaviside(z): 1/2 at the kink z = 0,
    where ``numeric`` (and the emitted code) use 0; they agree everywhere else.
    """
    sizes = tuple(check_size(name, v) for name, v in zip("NIJK", (N, I_, J, K), strict=True))
    if not all(isinstance(v, int) for v in sizes):
        raise ValueError("network_gradients needs concrete sizes (ints)")
    N, I_, J, K = sizes
    E = network_loss(cross_entropy_log_softmax(K), N, I_, J).of_all.doit()
    shapes = {"W1": (W2, I_, N), "W2": (W1, J, I_), "W3": (W, K, J)}
    grads = {
        name: ImmutableMatrix(rows, cols, lambda r, c, base=base: diff(E, base[r + 1, c + 1]))
        for name, (base, rows, cols) in shapes.items()
    }
    for name, base, size in (("b1", b2, I_), ("b2", b1, J), ("b3", b, K)):
        grads[name] = ImmutableMatrix([diff(E, base[r]) for r in range(1, size + 1)])
    return NetworkGradients((N, I_, J, K), E, grads)
