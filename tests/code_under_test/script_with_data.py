"""A tutorial script: its training data X, y at the top level, and a softmax-and-loss layer
whose forward pass keeps its probabilities and whose backward pass takes them back. Written
for derive's tests."""

import numpy as np

X = np.linspace(-1.0, 1.0, 40).reshape(20, 2)
y = (X[:, 0] > 0).astype(int)


class SoftmaxWithLoss:
    def forward(self, scores, labels):
        shifted = scores - scores.max(axis=1, keepdims=True)
        self.output = np.exp(shifted) / np.exp(shifted).sum(axis=1, keepdims=True)
        return -np.log(self.output[np.arange(len(labels)), labels]).mean()

    def backward(self, dvalues, labels):
        self.dinputs = dvalues.copy()
        self.dinputs[np.arange(len(labels)), labels] -= 1.0
        self.dinputs /= len(labels)
