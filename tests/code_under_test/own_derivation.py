"""Hand-written gradient code for derivations of the user's own (examples/sigmoid_bce.toml,
examples/softmax_cross_entropy.toml, examples/tanh_mse.toml): correct versions and the usual
mistakes, for ``derive check-code --against``."""

import numpy as np


def _sigmoid(z):
    return 0.5 * (1.0 + np.tanh(0.5 * z))


def logistic_grads(X, w, b, y):
    p = _sigmoid(X @ w + b)
    dw = X.T @ (p - y)
    db = np.sum(p - y)
    return dw, db


def logistic_grad_w_mean(w, x, b, t):
    return x.T @ (_sigmoid(x @ w + b) - t) / len(t)


def logistic_grad_w_sign(w, x, b, t):
    return x.T @ (t - _sigmoid(x @ w + b))


def _softmax(z):
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def softmax_dW(W, x, b, t):
    return (_softmax(x @ W.T + b) - t).T @ x


def softmax_dW_naive(W, x, b, t):
    e = np.exp(x @ W.T + b)
    return (e / e.sum(axis=1, keepdims=True) - t).T @ x


def softmax_dW_transposed(W, x, b, t):
    return x.T @ (_softmax(x @ W.T + b) - t)


def softmax_dW_batch_shift(W, x, b, t):
    z = x @ W.T + b
    e = np.exp(z - z.max())
    return (e / e.sum(axis=1, keepdims=True) - t).T @ x


def softmax_loss(scores, targets):
    z = scores - scores.max(axis=1, keepdims=True)
    return -np.sum(targets * (z - np.log(np.exp(z).sum(axis=1, keepdims=True))))


def softmax_dz_general(z, t):
    return _softmax(z) * t.sum(axis=1, keepdims=True) - t


def tanh_grads_in_float64(w, x, b, t):
    y = np.tanh(x.astype(np.float64) @ w.astype(np.float64) + b)
    delta = (y - t) * (1 - y**2)
    return {"w": x.T.astype(np.float64) @ delta, "b": delta.sum()}


class TanhUnit:
    """A unit that keeps its parameters and computes its gradients from a batch."""

    def __init__(self, size):
        self.w = np.zeros(size)
        self.b = 0.0

    def gradients(self, inputs, targets):
        y = np.tanh(inputs @ self.w + self.b)
        delta = (y - targets) * (1 - y**2)
        self.dw = inputs.T @ delta
        self.db = delta.sum()


def linear_gradient(X, y, theta):
    return X.T @ (X @ theta - y) / len(y)


def linear_gradient_summed(X, y, theta):
    return X.T @ (X @ theta - y)


def logistic_loss(X, y, w):
    z = X @ w
    return np.mean(y * np.logaddexp(0, -z) + (1 - y) * np.logaddexp(0, z))


def logistic_loss_naive(X, y, w):
    p = 1 / (1 + np.exp(-(X @ w)))
    return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))


def logistic_grad_w_per_example(w, x, b, t):
    return (_sigmoid(x @ w + b) - t)[:, None] * x
