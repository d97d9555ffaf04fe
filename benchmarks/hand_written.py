"""Careful hand-written NumPy versions of the example files' results: the references of
benchmarks/bench_emit_files.py. Stable the way a careful hand writes them (the sigmoid through
tanh, the softmax with its row maximum subtracted, the loss as log-softmax); NumPy only, so the
instruction counts of ``--instructions`` measure nothing else."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np


def sigmoid(z):
    """The stable sigmoid a careful hand writes in NumPy: tanh cannot overflow."""
    return 0.5 + 0.5 * np.tanh(0.5 * z)


# ---- hand-written versions, by file and function --------------------------------------------


def sigmoid_hand() -> dict[str, Callable]:
    def sigma_prime(u):
        s = sigmoid(u)
        return s * (1 - s)

    return {
        "sigma_prime": sigma_prime,
        "dL_du": lambda u, t: sigmoid(u) - t,
        "dL_dw_j": lambda w, x, b, t: (sigmoid(x @ w + b) - t) @ x,
        "dL_db": lambda w, x, b, t: np.sum(sigmoid(x @ w + b) - t),
    }


def tanh_hand() -> dict[str, Callable]:
    def loss(w, x, b, t):
        r = np.tanh(x @ w + b) - t
        return 0.5 * np.dot(r, r)

    def delta(y, t):
        return (y - t) * (1 - y * y)

    return {
        "L": loss,
        "tanh_prime": lambda u: 1 - np.tanh(u) ** 2,
        "dL_du": lambda u, t: delta(np.tanh(u), t),
        "dL_dw_j": lambda w, x, b, t: delta(np.tanh(x @ w + b), t) @ x,
        "dL_db": lambda w, x, b, t: np.sum(delta(np.tanh(x @ w + b), t)),
    }


def _softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def softmax_hand() -> dict[str, Callable]:
    def loss(z, t):
        m = z.max(axis=1, keepdims=True)
        lse = m + np.log(np.exp(z - m).sum(axis=1, keepdims=True))
        return -np.vdot(t, z - lse)

    return {
        "E": loss,
        "dE_dz_k": lambda z, t: _softmax(z) - t,
        "dz_k_dW_kj": lambda x: x.sum(axis=0),
        "dE_dW_kj": lambda t, W, b, x: (_softmax(x @ W.T + b) - t).T @ x,
        "dE_db_k": lambda t, W, b, x: (_softmax(x @ W.T + b) - t).sum(axis=0),
    }
