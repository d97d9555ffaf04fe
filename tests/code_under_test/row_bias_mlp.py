"""A from-scratch network class: weights (in, out), biases kept as rows (1, n) as
``np.zeros((1, n))`` makes them, a forward pass that stores its values, a backward pass that
returns its four gradients by name, and a training step that applies them with its own
learning rate. Written for derive's tests."""

import numpy as np


class RowBiasNet:
    def __init__(self, n_in, n_hidden, n_out, lr=0.1):
        self.W1 = np.full((n_in, n_hidden), 0.1)
        self.b1 = np.zeros((1, n_hidden))
        self.W2 = np.full((n_hidden, n_out), 0.1)
        self.b2 = np.zeros((1, n_out))
        self.lr = lr

    def forward(self, X):
        self.X = X
        self.Z1 = X @ self.W1 + self.b1
        self.A1 = np.maximum(self.Z1, 0)
        self.Z2 = self.A1 @ self.W2 + self.b2
        e = np.exp(self.Z2 - self.Z2.max(axis=1, keepdims=True))
        self.A2 = e / e.sum(axis=1, keepdims=True)
        return self.A2

    def _relu_gate(self):
        return self.Z1 > 0

    def backward(self, y_onehot):
        dZ2 = (self.A2 - y_onehot) / y_onehot.shape[0]
        dW2 = self.A1.T @ dZ2
        db2 = dZ2.sum(axis=0, keepdims=True)
        dZ1 = (dZ2 @ self.W2.T) * self._relu_gate()
        dW1 = self.X.T @ dZ1
        db1 = dZ1.sum(axis=0, keepdims=True)
        return dW1, db1, dW2, db2

    def train_step(self, X, y_onehot):
        self.forward(X)
        dW1, db1, dW2, db2 = self.backward(y_onehot)
        self.W1 -= self.lr * dW1
        self.b1 -= self.lr * db1
        self.W2 -= self.lr * dW2
        self.b2 -= self.lr * db2


class RowBiasNetGateAtZero(RowBiasNet):
    """Lets the gradient through at a pre-activation of exactly 0."""

    def _relu_gate(self):
        return self.Z1 >= 0
