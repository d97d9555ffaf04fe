"""Layer functions in the style of course assignments: each forward function returns its
output and a cache, each backward function takes the upstream gradient and the cache and
returns the gradients of its inputs; a network with examples as columns whose backward pass
walks a list of caches and returns a dict keyed ``dA0``, ``dW1``, ``db1``, .... Written for
derive's tests."""

import numpy as np


def dense_forward(inputs, weights, bias):
    """inputs (N, D), weights (D, M), bias (M,)."""
    return inputs @ weights + bias, (inputs, weights, bias)


def dense_backward(upstream, cache):
    inputs, weights, _ = cache
    return upstream @ weights.T, inputs.T @ upstream, upstream.sum(axis=0)


def dense_backward_twice(upstream, cache):
    """Divides by the batch again, though the upstream gradient is the mean's already."""
    inputs, weights, _ = cache
    count = inputs.shape[0]
    return upstream @ weights.T, inputs.T @ upstream / count, upstream.sum(axis=0)


def softmax_loss(x, y):
    """The mean cross-entropy of scores x (N, C) at labels y, and its gradient."""
    low = x - x.max(axis=1, keepdims=True)
    log_p = low - np.log(np.exp(low).sum(axis=1, keepdims=True))
    rows = np.arange(x.shape[0])
    grad = np.exp(log_p)
    grad[rows, y] -= 1.0
    return -log_p[rows, y].mean(), grad / x.shape[0]


class SoftmaxLossLayer:
    """The softmax and the mean cross-entropy as one layer; backward takes the softmax's
    output and stores the gradient at the scores."""

    def backward(self, dvalues, y_true):
        self.dinputs = dvalues.copy()
        self.dinputs[np.arange(len(dvalues)), y_true] -= 1.0
        self.dinputs /= len(dvalues)


class SoftmaxLossLayerUndivided(SoftmaxLossLayer):
    """Forgets to divide by the batch: every layer below gets B times the gradient."""

    def backward(self, dvalues, y_true):
        self.dinputs = dvalues.copy()
        self.dinputs[np.arange(len(dvalues)), y_true] -= 1.0


def _step_back(dZ, linear):
    A_prev, W, _ = linear
    m = A_prev.shape[1]
    return W.T @ dZ, dZ @ A_prev.T / m, dZ.sum(axis=1, keepdims=True) / m


def deep_backward(AL, Y, caches):
    """caches: one ((A_prev, W, b), Z) per layer, examples as columns; relu below a softmax."""
    grads = {}
    L = len(caches)
    dZ = AL - Y
    for layer in range(L, 0, -1):
        linear, Z = caches[layer - 1]
        if layer < L:
            dZ = grads[f"dA{layer}"] * (Z > 0)
        grads[f"dA{layer - 1}"], grads[f"dW{layer}"], grads[f"db{layer}"] = _step_back(dZ, linear)
    return grads


def deep_backward_summed_top(AL, Y, caches):
    """The output layer's dW and db are not divided by m, the layers below are."""
    grads = deep_backward(AL, Y, caches)
    L = len(caches)
    m = Y.shape[1]
    grads[f"dW{L}"] = grads[f"dW{L}"] * m
    grads[f"db{L}"] = grads[f"db{L}"] * m
    return grads


def dense_backward_dout(dout, cache):
    """The same, its upstream gradient named as course assignments name it."""
    return dense_backward(dout, cache)


def softmax_regression_gradient(theta, X, y):
    """Softmax regression with no bias: theta (D, C), labels y; the mean loss's gradient."""
    scores = X @ theta
    scores = scores - scores.max(axis=1, keepdims=True)
    p = np.exp(scores)
    p /= p.sum(axis=1, keepdims=True)
    p[np.arange(len(y)), y] -= 1.0
    return X.T @ p / len(y)


def softmax_grad_counting_classes(X, W, b, Y):
    """Sizes its one-hot by the largest label, as MNIST scripts do: a batch without the
    last class gets too few columns."""
    scores = X @ W.T + b
    e = np.exp(scores - scores.max(axis=1, keepdims=True))
    encoded = np.zeros((Y.size, Y.max() + 1))
    encoded[np.arange(Y.size), Y] = 1.0
    return (e / e.sum(axis=1, keepdims=True) - encoded).T @ X
