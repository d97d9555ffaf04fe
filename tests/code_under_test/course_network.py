"""A network in the style of course notebooks on gradient checking: examples as columns,
the forward pass's values handed over as one tuple ``cache``, and every intermediate gradient
returned in a dict. The errors ``dZ3 = A3 - Y`` are written per example (not divided by m);
only the parameter gradients are divided by m. Written for derive's tests."""

import numpy as np


def backward_propagation_n(X, Y, cache):
    m = X.shape[1]
    (_, A1, _, _, _, A2, W2, _, _, A3, W3, _) = cache
    dZ3 = A3 - Y
    dW3 = 1.0 / m * np.dot(dZ3, A2.T)
    db3 = 1.0 / m * np.sum(dZ3, axis=1, keepdims=True)
    dA2 = np.dot(W3.T, dZ3)
    dZ2 = np.multiply(dA2, np.int64(A2 > 0))
    dW2 = 1.0 / m * np.dot(dZ2, A1.T)
    db2 = 1.0 / m * np.sum(dZ2, axis=1, keepdims=True)
    dA1 = np.dot(W2.T, dZ2)
    dZ1 = np.multiply(dA1, np.int64(A1 > 0))
    dW1 = 1.0 / m * np.dot(dZ1, X.T)
    db1 = 1.0 / m * np.sum(dZ1, axis=1, keepdims=True)
    return {
        "dZ3": dZ3,
        "dW3": dW3,
        "db3": db3,
        "dA2": dA2,
        "dZ2": dZ2,
        "dW2": dW2,
        "db2": db2,
        "dA1": dA1,
        "dZ1": dZ1,
        "dW1": dW1,
        "db1": db1,
    }


def backward_propagation_unscaled_dW2(X, Y, cache):
    """dW2 forgets its 1/m."""
    gradients = backward_propagation_n(X, Y, cache)
    gradients["dW2"] = gradients["dW2"] * X.shape[1]
    return gradients


def backward_propagation_wrong_rows(X, Y, cache):
    """dZ2 scaled by 2: a per-example row that neither scaling explains."""
    gradients = backward_propagation_n(X, Y, cache)
    gradients["dZ2"] = 2 * gradients["dZ2"]
    return gradients


class CachingModel:
    """Keeps its parameters and the forward pass's values in dicts (``self.params``,
    ``self.cache``, bare keys "W1", "Z1", "A1"), and returns the gradients of the mean loss in a
    dict with bare keys, rows layout, weights (in, out)."""

    def __init__(self):
        self.params = {}
        self.cache = {}

    def loss(self, X, y):
        p = self.params
        Z1 = X @ p["W1"] + p["b1"]
        A1 = np.maximum(Z1, 0)
        Z2 = A1 @ p["W2"] + p["b2"]
        A2 = np.maximum(Z2, 0)
        Z3 = A2 @ p["W3"] + p["b3"]
        shifted = Z3 - Z3.max(axis=1, keepdims=True)
        log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
        self.cache = {"Z1": Z1, "A1": A1, "Z2": Z2, "A2": A2, "Z3": Z3}
        n = X.shape[0]
        loss = -log_probs[np.arange(n), y].mean()
        dZ3 = np.exp(log_probs)
        dZ3[np.arange(n), y] -= 1
        dZ3 /= n
        grads = {"W3": A2.T @ dZ3, "b3": dZ3.sum(axis=0)}
        dZ2 = dZ3 @ p["W3"].T * (Z2 > 0)
        grads["W2"], grads["b2"] = A1.T @ dZ2, dZ2.sum(axis=0)
        dZ1 = dZ2 @ p["W2"].T * (Z1 > 0)
        grads["W1"], grads["b1"] = X.T @ dZ1, dZ1.sum(axis=0)
        return loss, grads


class StoringModel(CachingModel):
    """The same model, its gradients stored in ``self.grads`` (bare keys) and nothing
    returned but the loss."""

    def loss(self, X, y):
        loss, self.grads = super().loss(X, y)
        return loss


def backprop_pairs(X, Y, W2, W3, Z1, A1, Z2, A2, A3):
    """Columns layout; the gradients as a list of (dW, db) pairs, one per layer."""
    m = X.shape[1]
    dZ3 = (A3 - Y) / m
    dZ2 = (W3.T @ dZ3) * (Z2 > 0)
    dZ1 = (W2.T @ dZ2) * (Z1 > 0)
    pairs = []
    for dZ, below in ((dZ1, X), (dZ2, A1), (dZ3, A2)):
        pairs.append((dZ @ below.T, dZ.sum(axis=1, keepdims=True)))
    return pairs
