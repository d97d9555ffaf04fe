"""The loss of the network and its gradients by hand-written backpropagation.

The backward pass runs the layers' backward functions (defined beside their forwards in
``network`` and ``loss``) in reverse order:

    delta3 = a3 * sum(t) - t                       dE/dz^L, eq. 3 (a3 - t when sum t = 1)
    dW3 = delta3^T a2,  db3 = sum_B delta3         eq. 2 and the bias line of the post
    delta2 = (delta3 W3) * relu'(z2)               "the other layers are similar"
    dW2 = delta2^T a1,  db2 = sum_B delta2
    delta1 = (delta2 W2) * relu'(z1)
    dW1 = delta1^T x,   db1 = sum_B delta1

Parameter gradients are of the batch loss, which is the sum of the per-example losses, so they
are sums over the batch; delta3 is returned per example.
"""

from __future__ import annotations

import numpy
from numpy.typing import ArrayLike

from derive_numeric import _checks
from derive_numeric.loss import _cross_entropy, _cross_entropy_backward, _log_softmax
from derive_numeric.network import _dense, _dense_backward, _relu, _relu_backward


def _inputs(params, x, t, dtype=None):
    """Checked parameters (cast to ``dtype`` if given), x as (B, N), t as (B, K) or None, and
    whether x was one example."""
    arrays = _checks.parameters(params)
    if dtype is not None:
        arrays = tuple(array.astype(dtype) for array in arrays)
    x, single = _checks.network_input(arrays[0], x)
    if t is not None:
        K = arrays[4].shape[0]
        shape = (K,) if single else (x.shape[0], K)
        t = _checks.targets(t, shape, arrays[0].dtype, "the output layer")
        t = t[None] if single else t
    return arrays, x, t, single


def _loss(W1, b1, W2, b2, W3, b3, x, t) -> numpy.floating:
    """The batch loss on checked arrays, x (B, N) and t (B, K)."""
    a1 = _relu(_dense(W1, b1, x))
    a2 = _relu(_dense(W2, b2, a1))
    return _cross_entropy(_dense(W3, b3, a2), t)[0]


def loss(params: dict[str, numpy.ndarray], x: ArrayLike, t: ArrayLike) -> numpy.floating:
    """E = -sum_k t_k log a_k^L, summed over the examples of a batch.

    Args:
        params: the six parameter arrays, as made by ``init_params``.
        x: one example (N,) or a batch (B, N).
        t: targets (K,) or (B, K), matching x; one-hot or soft (any finite values are
            evaluated as given, see ``cross_entropy``).

    Returns:
        A NumPy scalar in the parameters' dtype.

    Raises:
        ValueError: as ``forward``, and for targets whose shape does not match the output.
    """
    arrays, x, t, _ = _inputs(params, x, t)
    return _loss(*arrays, x, t)


def backprop(
    params: dict[str, numpy.ndarray], x: ArrayLike, t: ArrayLike
) -> dict[str, numpy.ndarray]:
    """Gradients of ``loss(params, x, t)`` by hand-written backpropagation.

    relu'(0) is taken as 0 (see ``relu_grad``). The logit gradient uses a * sum(t) - t, which
    is exact for any targets (the post's a - t assumes each row of t sums to 1).

    Args:
        params: the six parameter arrays, as made by ``init_params``.
        x: one example (N,) or a batch (B, N).
        t: targets (K,) or (B, K), matching x.

    Returns:
        ``{"W1": (I, N), "b1": (I,), "W2": (J, I), "b2": (J,), "W3": (K, J), "b3": (K,)}``:
        gradients of the total loss, summed over the batch; and ``"z3"``: dE/dz^L per example,
        (K,) or (B, K) like t. All in the parameters' dtype.

    Raises:
        ValueError: as ``loss``.
    """
    (W1, b1, W2, b2, W3, b3), x, t, single = _inputs(params, x, t)
    z1 = _dense(W1, b1, x)
    a1 = _relu(z1)
    z2 = _dense(W2, b2, a1)
    a2 = _relu(z2)
    log_a3 = _log_softmax(_dense(W3, b3, a2))

    delta3 = _cross_entropy_backward(log_a3, t)
    dW3, db3, grad_a2 = _dense_backward(W3, a2, delta3)
    delta2 = _relu_backward(z2, grad_a2)
    dW2, db2, grad_a1 = _dense_backward(W2, a1, delta2)
    delta1 = _relu_backward(z1, grad_a1)
    dW1, db1 = delta1.T @ x, delta1.sum(axis=0)  # dE/dx is not needed
    return {
        "W1": dW1,
        "b1": db1,
        "W2": dW2,
        "b2": db2,
        "W3": dW3,
        "b3": db3,
        "z3": delta3[0] if single else delta3,
    }
