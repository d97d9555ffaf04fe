"""Networks with one hidden layer, as course assignments and from-scratch tutorials write them:
input - affine - ReLU - affine - softmax. A model class keeping ``self.params`` (W as
(in, out)), whose ``loss(X, y, reg)`` returns the mean loss with an L2 term and a dict of
gradients; and functions taking the examples as columns. Written for derive's tests."""

import numpy as np


class TwoLayerNet:
    def __init__(self, input_size, hidden_size, output_size, std=1e-4):
        rng = np.random.default_rng(0)
        self.params = {
            "W1": std * rng.standard_normal((input_size, hidden_size)),
            "b1": np.zeros(hidden_size),
            "W2": std * rng.standard_normal((hidden_size, output_size)),
            "b2": np.zeros(output_size),
        }

    def loss(self, X, y=None, reg=0.0):
        W1, b1, W2, b2 = (self.params[k] for k in ("W1", "b1", "W2", "b2"))
        hidden_in = X @ W1 + b1
        hidden = np.maximum(0, hidden_in)
        scores = hidden @ W2 + b2
        if y is None:
            return scores
        n = X.shape[0]
        shifted = scores - scores.max(axis=1, keepdims=True)
        log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
        loss = -log_probs[np.arange(n), y].mean() + reg * (np.sum(W1 * W1) + np.sum(W2 * W2))
        dscores = np.exp(log_probs)
        dscores[np.arange(n), y] -= 1
        dscores /= n
        grads = {"W2": hidden.T @ dscores + 2 * reg * W2, "b2": dscores.sum(axis=0)}
        dhidden = dscores @ W2.T
        dhidden[hidden_in <= 0] = 0
        grads["W1"] = X.T @ dhidden + 2 * reg * W1
        grads["b1"] = dhidden.sum(axis=0)
        return loss, grads


class TwoLayerNetReluOne(TwoLayerNet):
    """The ReLU's gradient let through where the pre-activation is 0 (``dx[x < 0] = 0``)."""

    def loss(self, X, y=None, reg=0.0):
        W1, b1, W2, b2 = (self.params[k] for k in ("W1", "b1", "W2", "b2"))
        hidden_in = X @ W1 + b1
        hidden = np.maximum(0, hidden_in)
        scores = hidden @ W2 + b2
        n = X.shape[0]
        shifted = scores - scores.max(axis=1, keepdims=True)
        log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
        loss = -log_probs[np.arange(n), y].mean() + reg * (np.sum(W1 * W1) + np.sum(W2 * W2))
        dscores = np.exp(log_probs)
        dscores[np.arange(n), y] -= 1
        dscores /= n
        grads = {"W2": hidden.T @ dscores + 2 * reg * W2, "b2": dscores.sum(axis=0)}
        dhidden = dscores @ W2.T
        dhidden[hidden_in < 0] = 0
        grads["W1"] = X.T @ dhidden + 2 * reg * W1
        grads["b1"] = dhidden.sum(axis=0)
        return loss, grads


class TwoLayerNetNoReg(TwoLayerNet):
    """The L2 term added to the loss, not to the hidden layer's weight gradient."""

    def loss(self, X, y=None, reg=0.0):
        loss, grads = super().loss(X, y, reg)
        grads["W1"] = grads["W1"] - 2 * reg * self.params["W1"]
        return loss, grads


def forward(X, W1, b1, W2, b2):
    """Examples as columns: X is (n_x, m), W1 (n_h, n_x), b1 (n_h, 1)."""
    Z1 = W1 @ X + b1
    A1 = np.maximum(0, Z1)
    Z2 = W2 @ A1 + b2
    E = np.exp(Z2 - Z2.max(axis=0, keepdims=True))
    return Z1, A1, Z2, E / E.sum(axis=0, keepdims=True)


def backward(X, Y, W2, Z1, A1, A2):
    m = X.shape[1]
    dZ2 = A2 - Y
    dW2 = dZ2 @ A1.T / m
    db2 = dZ2.sum(axis=1, keepdims=True) / m
    dA1 = W2.T @ dZ2
    dZ1 = dA1 * (Z1 > 0)
    dW1 = dZ1 @ X.T / m
    db1 = dZ1.sum(axis=1, keepdims=True) / m
    return {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2, "dA1": dA1}


def backward_unshifted(X, Y, W1, b1, W2, b2):
    """Runs its own forward pass, with a softmax that does not shift the logits."""
    Z1 = W1 @ X + b1
    A1 = np.maximum(0, Z1)
    E = np.exp(W2 @ A1 + b2)
    A2 = E / E.sum(axis=0, keepdims=True)
    return backward(X, Y, W2, Z1, A1, A2)


def backward_transposed_dW1(X, Y, W2, Z1, A1, A2):
    grads = backward(X, Y, W2, Z1, A1, A2)
    grads["dW1"] = grads["dW1"].T
    return grads


class ScratchNet:
    """A from-scratch MLP: ``forward(X)`` keeps its values on the object, ``backward(X, y)``
    returns the four gradients of the summed loss; weights (in, out), labels as integers."""

    def __init__(self, n_in, n_hidden, n_out):
        self.W1, self.b1 = np.zeros((n_in, n_hidden)), np.zeros(n_hidden)
        self.W2, self.b2 = np.zeros((n_hidden, n_out)), np.zeros(n_out)

    def forward(self, X):
        self.z1 = X @ self.W1 + self.b1
        self.a1 = np.maximum(0, self.z1)
        self.z2 = self.a1 @ self.W2 + self.b2
        e = np.exp(self.z2 - self.z2.max(axis=1, keepdims=True))
        self.probs = e / e.sum(axis=1, keepdims=True)
        return self.probs

    def backward(self, X, y):
        delta3 = self.probs.copy()
        delta3[np.arange(len(y)), y] -= 1
        delta2 = delta3 @ self.W2.T
        delta2[self.a1 <= 0] = 0
        return X.T @ delta2, delta2.sum(axis=0), self.a1.T @ delta3, delta3.sum(axis=0)


class SteppingNet(ScratchNet):
    """Returns nothing: ``backward`` takes a gradient-descent step on the mean loss in place,
    as many tutorials write it."""

    def train_step(self, X, y, learning_rate):
        self.forward(X)
        dW1, db1, dW2, db2 = self.backward(X, y)
        n = len(y)
        self.W1 -= learning_rate * dW1 / n
        self.b1 -= learning_rate * db1 / n
        self.W2 -= learning_rate * dW2 / n
        self.b2 = self.b2 - learning_rate * db2 / n  # rebinding works as well as -=


class SteppingNetStale(SteppingNet):
    """Steps W2 before it computes the hidden layer's error, which then uses the new W2."""

    def train_step(self, X, y, learning_rate):
        self.forward(X)
        n = len(y)
        delta3 = self.probs.copy()
        delta3[np.arange(n), y] -= 1
        self.W2 -= learning_rate * (self.a1.T @ delta3) / n
        self.b2 -= learning_rate * delta3.sum(axis=0) / n
        delta2 = delta3 @ self.W2.T
        delta2[self.a1 <= 0] = 0
        self.W1 -= learning_rate * (X.T @ delta2) / n
        self.b1 -= learning_rate * delta2.sum(axis=0) / n


class DictStepper(TwoLayerNet):
    """A solver's step on ``self.params``, the gradients coming from ``loss``."""

    def step(self, X, y, lr):
        _, grads = self.loss(X, y)
        for name, value in grads.items():
            self.params[name] -= lr * value
