"""Gradients of the loss by ``sympy.diff`` for concrete sizes, one expression per parameter entry.

Nothing here is typed in by hand: each entry is ``diff(E, parameter)`` of the composite loss,
with sums over concrete ranges expanded. These are the expressions that tests lambdify and
compare with the independent NumPy network.
"""

from __future__ import annotations

from dataclasses import dataclass

from sympy import Basic, Expr, ImmutableMatrix, diff

from derive.loss import cross_entropy_log_softmax
from derive.network import in_parameters
from derive.sizes import check_size
from derive.symbols import W, a_prev, b, t, z


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
