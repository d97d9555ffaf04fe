"""Softmax, log-softmax and the cross-entropy loss (eq. 1 of the post), computed stably.

E = -sum_k t_k log a_k with a = softmax(z) is evaluated as -sum_k t_k (z_k - m - log sum_c
exp(z_c - m)), m = max_c z_c: every exponent is <= 0, so nothing overflows, and no probability
that underflowed to 0 is ever passed to log (which would give -inf and then 0 * -inf = NaN).
This holds as long as the spread max z - min z of one row is finite in z's dtype.

The backward of the loss sits under its forward: dE/dz_k = a_k sum_d t_d - t_k (eq. 3 before its
last line). It is the post's a_k - t_k only when sum_d t_d = 1; the general form is exact for
any targets, so that is what ``backprop`` uses.
"""

from __future__ import annotations

import numpy
from numpy.typing import ArrayLike

from derive_numeric import _checks


def _log_softmax(z: numpy.ndarray) -> numpy.ndarray:
    """log softmax(z) along the last axis, max-shifted (log-sum-exp)."""
    shifted = z - z.max(axis=-1, keepdims=True)
    return shifted - numpy.log(numpy.exp(shifted).sum(axis=-1, keepdims=True))


def _softmax(z: numpy.ndarray) -> numpy.ndarray:
    """softmax(z) along the last axis, max-shifted: the largest exponent is exactly 0."""
    a = numpy.exp(z - z.max(axis=-1, keepdims=True))
    a /= a.sum(axis=-1, keepdims=True)
    return a


def _cross_entropy(z: numpy.ndarray, t: numpy.ndarray) -> tuple[numpy.floating, numpy.ndarray]:
    """E = -sum t log softmax(z), summed over all examples, and log softmax(z) for the backward."""
    log_a = _log_softmax(z)
    return -(t * log_a).sum(), log_a


def _cross_entropy_backward(log_a: numpy.ndarray, t: numpy.ndarray) -> numpy.ndarray:
    """dE/dz = a * sum(t) - t per example (exact for any t; a - t when sum(t) = 1)."""
    return numpy.exp(log_a) * t.sum(axis=-1, keepdims=True) - t


def softmax(z: ArrayLike) -> numpy.ndarray:
    """softmax(z)_k = exp(z_k) / sum_c exp(z_c) along the last axis, shifted by the maximum.

    Args:
        z: logits (..., K) with K >= 1; real and finite.

    Returns:
        Probabilities of z's shape, each row summing to 1 (to rounding), in z's float dtype
        (integers become float64). Very negative logits give probabilities that underflow to 0.

    Raises:
        ValueError: z is not a finite array of real numbers with at least one axis.
    """
    return _softmax(_checks.logits(z))


def log_softmax(z: ArrayLike) -> numpy.ndarray:
    """log softmax(z) = z - m - log sum_c exp(z_c - m), m = max z, along the last axis.

    Finite wherever z is (no log of an underflowed probability): ``log_softmax([1e4, 0])`` is
    ``[0, -1e4]``.

    Args:
        z: logits (..., K) with K >= 1; real and finite.

    Returns:
        An array of z's shape, in z's float dtype (integers become float64).

    Raises:
        ValueError: z is not a finite array of real numbers with at least one axis.
    """
    return _log_softmax(_checks.logits(z))


def _logits_and_targets(z, t, dtype=None):
    """Checked z (K,) or (B, K) and t of the same shape, both in z's dtype (or ``dtype``)."""
    z = _checks.logits(z)
    if dtype is not None:
        z = z.astype(dtype)
    if z.ndim > 2:
        raise ValueError(f"z has shape {z.shape} but must be one example (K,) or a batch (B, K)")
    return z, _checks.targets(t, z.shape, z.dtype, "z")


def cross_entropy(z: ArrayLike, t: ArrayLike) -> numpy.floating:
    """The cross-entropy loss E = -sum_k t_k log softmax(z)_k, from the logits.

    For a batch the loss is the SUM of the per-example losses (not the mean), so that the
    gradient of a batch is the sum of the per-example gradients.

    Args:
        z: logits, one example (K,) or a batch (B, K).
        t: targets of z's shape: one-hot or soft. They need not be nonnegative or sum to 1
            here; the formula is evaluated as given.

    Returns:
        A NumPy scalar in z's float dtype (float32 for float32 logits; t is converted).

    Raises:
        ValueError: shapes differ (the message names both), a non-numeric array, NaN or an
            infinity in z or t.
    """
    z, t = _logits_and_targets(z, t)
    return _cross_entropy(z, t)[0]


def cross_entropy_grad(z: ArrayLike, t: ArrayLike) -> numpy.ndarray:
    """dE/dz_k = softmax(z)_k * sum_d t_d - t_k for each example (eq. 3, general form).

    Equals the post's a_k - t_k when every target row sums to 1, and is exact for any t.

    Args:
        z: logits, one example (K,) or a batch (B, K).
        t: targets of z's shape.

    Returns:
        dE/dz of z's shape, in z's float dtype; row b is the gradient of example b's loss.

    Raises:
        ValueError: as ``cross_entropy``.
    """
    z, t = _logits_and_targets(z, t)
    return _cross_entropy_backward(_log_softmax(z), t)
