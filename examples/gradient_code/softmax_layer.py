"""A softmax cross-entropy output layer written by hand in NumPy: the correct one.

X (B, J) are the layer's inputs a^{L-1}, W (K, J) and b (K,) its parameters, y (B, K) one-hot
targets. The batch loss is the sum of the examples' losses, as in the derivation. Check it:

    derive check-code examples/gradient_code/softmax_layer.py:grad_W --quantity dE_dW \\
        --K 10 --J 20 --arg X=a_prev --arg W=W --arg b=b --arg y=t
"""

import numpy as np


def log_softmax(z):
    """log a_k = z_k - m - log sum_c e^(z_c - m), m = max_c z_c: no overflow, no log 0."""
    shifted = z - z.max(axis=1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))


def loss(X, W, b, y):
    """E = -sum_n sum_k y_nk log a_nk."""
    return -(y * log_softmax(X @ W.T + b)).sum()


def grad_z(X, W, b, y):
    """dE/dz = a - y, one row per example (rows of y sum to 1)."""
    return np.exp(log_softmax(X @ W.T + b)) - y


def grad_W(X, W, b, y):
    """dE/dW = sum over the batch of (a - y) X^T: (K, J)."""
    return grad_z(X, W, b, y).T @ X


def grad_b(X, W, b, y):
    """dE/db = sum over the batch of (a - y): (K,)."""
    return grad_z(X, W, b, y).sum(axis=0)
