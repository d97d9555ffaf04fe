"""The post's network in plain NumPy: parameters, ReLU and affine layers, the forward pass.

input x (N) -> ReLU layer L-2 (I units) -> ReLU layer L-1 (J units) -> softmax layer L (K units).
Parameters are numbered from the input: W1 = W^{L-2} (I, N), W2 = W^{L-1} (J, I),
W3 = W^{L} (K, J), and b1, b2, b3 likewise. Each layer's backward sits right under its forward
(as in micrograd): it maps dE/d(output) to the gradients of its parameters and dE/d(input).

Internally every pass works on a batch (B, N); a single example (N,) is a batch of one whose
leading axis is dropped again on the way out.
"""

from __future__ import annotations

import numbers

import numpy
from numpy.typing import ArrayLike, DTypeLike

from derive_numeric import _checks
from derive_numeric.loss import _softmax


def init_params(
    N: int,
    I: int,  # noqa: E741 - the post's name for the first hidden layer's size
    J: int,
    K: int,
    *,
    seed: int = 0,
    dtype: DTypeLike = numpy.float64,
) -> dict[str, numpy.ndarray]:
    """Random parameters for the network N -> I -> J -> K, reproducible from ``seed``.

    Weights are He normal (standard normal times sqrt(2 / fan_in)), which keeps the variance of
    the pre-activations about constant through ReLU layers. Hidden biases are drawn from
    U(0, 0.2): positive, so few ReLUs start dead, and nonzero, so x = 0 does not put every
    hidden unit exactly on its kink. Output biases are drawn from U(-0.1, 0.1). Values are
    drawn in float64 and then cast, so float32 parameters are the float64 ones rounded.

    Args:
        N, I, J, K: the sizes of the input, the two hidden layers and the output; integers >= 1.
        seed: seeds ``numpy.random.default_rng``.
        dtype: float64 (default) or float32.

    Returns:
        ``{"W1": (I, N), "b1": (I,), "W2": (J, I), "b2": (J,), "W3": (K, J), "b3": (K,)}``.

    Raises:
        ValueError: a size that is not an integer or is < 1 (the message names it and its
            value), or a dtype other than float64 and float32.
    """
    for name, size in (("N", N), ("I", I), ("J", J), ("K", K)):
        if not isinstance(size, numbers.Integral) or isinstance(size, bool):
            raise ValueError(f"{name} must be an integer >= 1, got {size!r}")
        if size < 1:
            raise ValueError(f"{name} must be >= 1 (every layer needs a unit), got {name} = {size}")
    try:
        dtype = numpy.dtype(dtype)
    except TypeError as error:
        raise ValueError(f"dtype must be float64 or float32, got {dtype!r} ({error})") from None
    if dtype not in (numpy.float64, numpy.float32):
        raise ValueError(f"dtype must be float64 or float32, got {dtype}")
    rng = numpy.random.default_rng(seed)
    params = {}
    for layer, (fan_out, fan_in) in enumerate(((I, N), (J, I), (K, J)), start=1):
        params[f"W{layer}"] = rng.standard_normal((fan_out, fan_in)) * numpy.sqrt(2.0 / fan_in)
        low, high = (0.0, 0.2) if layer < 3 else (-0.1, 0.1)
        params[f"b{layer}"] = rng.uniform(low, high, fan_out)
    return {key: value.astype(dtype) for key, value in params.items()}


def _dense(W: numpy.ndarray, b: numpy.ndarray, a_prev: numpy.ndarray) -> numpy.ndarray:
    """z = W a_prev + b for each example: (B, in) -> (B, out)."""
    return a_prev @ W.T + b


def _dense_backward(
    W: numpy.ndarray, a_prev: numpy.ndarray, delta: numpy.ndarray
) -> tuple[numpy.ndarray, numpy.ndarray, numpy.ndarray]:
    """dE/dW = sum_B delta a_prev^T, dE/db = sum_B delta, dE/da_prev = W^T delta (per example)."""
    return delta.T @ a_prev, delta.sum(axis=0), delta @ W


def _relu(z: numpy.ndarray) -> numpy.ndarray:
    """max(0, z), elementwise."""
    return numpy.maximum(z, 0)


def _relu_backward(z: numpy.ndarray, grad_a: numpy.ndarray) -> numpy.ndarray:
    """dE/dz = dE/da * relu'(z), with relu'(0) = 0 (see ``relu_grad``)."""
    return grad_a * (z > 0)


def relu(z: ArrayLike) -> numpy.ndarray:
    """relu(z) = max(0, z), elementwise.

    Args:
        z: any shape; real and finite.

    Returns:
        An array of z's shape, in z's float dtype (integers become float64).

    Raises:
        ValueError: z is not an array of real numbers, or holds NaN or an infinity.
    """
    z = _checks.cast("z", z, _checks.float_dtype(_checks.real_array("z", z)))
    return _relu(z)


def relu_grad(z: ArrayLike) -> numpy.ndarray:
    """relu'(z): 1 where z > 0 and 0 where z <= 0, elementwise.

    relu has no derivative at z = 0; like PyTorch, JAX and TensorFlow we use 0 there (a
    subgradient). SymPy's ``diff(Max(0, z))`` is ``Heaviside(z)``, which is 1/2 at 0 instead.

    Args:
        z: any shape; real and finite.

    Returns:
        An array of z's shape holding 0.0 and 1.0, in z's float dtype.

    Raises:
        ValueError: z is not an array of real numbers, or holds NaN or an infinity.
    """
    z = _checks.cast("z", z, _checks.float_dtype(_checks.real_array("z", z)))
    return (z > 0).astype(z.dtype)


def _forward(W1, b1, W2, b2, W3, b3, x) -> dict[str, numpy.ndarray]:
    """The forward pass on checked arrays, x of shape (B, N); z3 is the logits, a3 softmax(z3)."""
    z1 = _dense(W1, b1, x)
    a1 = _relu(z1)
    z2 = _dense(W2, b2, a1)
    a2 = _relu(z2)
    z3 = _dense(W3, b3, a2)
    return {"z1": z1, "a1": a1, "z2": z2, "a2": a2, "z3": z3, "a3": _softmax(z3)}


def forward(params: dict[str, numpy.ndarray], x: ArrayLike) -> dict[str, numpy.ndarray]:
    """Every pre-activation and activation of the network for one example or a batch.

    Computes in the parameters' dtype (float64, or float32 when all of them are float32); x is
    converted to it.

    Args:
        params: ``{"W1": (I, N), "b1": (I,), "W2": (J, I), "b2": (J,), "W3": (K, J),
            "b3": (K,)}``, as made by ``init_params``.
        x: one example (N,) or a batch (B, N).

    Returns:
        ``{"z1", "a1": (I,), "z2", "a2": (J,), "z3", "a3": (K,)}`` for one example, with a
        leading B axis for a batch. z3 is the logits, a3 = softmax(z3), a1 = relu(z1), ....

    Raises:
        ValueError: a missing key, a shape that does not match, a non-numeric array, or NaN
            or an infinity in x or the parameters.
    """
    arrays = _checks.parameters(params)
    x, single = _checks.network_input(arrays[0], x)
    values = _forward(*arrays, x)
    return {key: value[0] for key, value in values.items()} if single else values
