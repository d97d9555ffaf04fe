"""Layer classes in the style of from-scratch tutorials: each layer keeps what its forward pass
saw and its backward pass stores the gradients as attributes (``self.dinputs``). Weights are
(inputs, neurons), biases (1, neurons); the softmax and the cross-entropy are one layer whose
backward pass takes the softmax's output. Written for derive's tests."""

import numpy as np


class Dense:
    def __init__(self, n_inputs, n_neurons):
        self.weights = 0.01 * np.ones((n_inputs, n_neurons))
        self.biases = np.zeros((1, n_neurons))

    def forward(self, inputs):
        self.inputs = inputs
        self.output = inputs @ self.weights + self.biases

    def backward(self, dvalues):
        self.dweights = self.inputs.T @ dvalues
        self.dbiases = np.sum(dvalues, axis=0, keepdims=True)
        self.dinputs = dvalues @ self.weights.T


class DenseTransposed(Dense):
    def backward(self, dvalues):
        super().backward(dvalues)
        self.dweights = dvalues.T @ self.inputs  # (neurons, inputs): the other layout


class SoftmaxCrossEntropy:
    """The softmax and the mean cross-entropy over the batch, labels as integers."""

    def forward(self, inputs, y_true):
        shifted = inputs - inputs.max(axis=1, keepdims=True)
        exps = np.exp(shifted)
        self.output = exps / exps.sum(axis=1, keepdims=True)
        rows = np.arange(len(inputs))
        log_probs = shifted - np.log(exps.sum(axis=1, keepdims=True))
        return -log_probs[rows, y_true].mean()

    def backward(self, dvalues, y_true):
        samples = len(dvalues)
        self.dinputs = dvalues.copy()
        self.dinputs[np.arange(samples), y_true] -= 1
        self.dinputs = self.dinputs / samples


class SoftmaxCrossEntropyBatchShift(SoftmaxCrossEntropy):
    """Shifts by the largest logit of the whole batch: a row far below it underflows."""

    def forward(self, inputs, y_true):
        exps = np.exp(inputs - inputs.max())
        self.output = exps / exps.sum(axis=1, keepdims=True)
        return -np.log(self.output[np.arange(len(inputs)), y_true]).mean()


class CrossEntropy:
    """The loss alone, after a separate softmax layer: its backward pass stores the gradient
    w.r.t. the probabilities it received (dE/da = -t/a, of the mean), not dE/dz."""

    def backward(self, dvalues, y_true):
        one_hot = np.eye(dvalues.shape[1])[y_true]
        self.dinputs = -one_hot / dvalues / len(dvalues)
