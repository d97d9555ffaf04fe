"""A fully connected network as a model class: parameters in ``self.params`` (W as (in, out)),
``loss(X, y)`` returning the loss and a dict of gradients, relu backward written as course
solutions do (relu'(0) = 1), an L2 term 0.5 * reg * sum of every W squared, the data loss the
batch mean, labels as integers. Two hidden layers. Written for derive's tests."""

import numpy as np


def affine_forward(x, w, b):
    return x @ w + b, (x, w)


def affine_backward(dout, cache):
    x, w = cache
    return dout @ w.T, x.T @ dout, dout.sum(axis=0)


def relu_forward(x):
    return np.maximum(x, 0), x


def relu_backward(dout, x):
    dx = dout.copy()
    dx[x < 0] = 0  # at x == 0 the gradient flows: relu'(0) = 1
    return dx


def softmax_loss(scores, y):
    shifted = scores - scores.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    n = len(y)
    dscores = np.exp(log_probs)
    dscores[np.arange(n), y] -= 1
    return -log_probs[np.arange(n), y].mean(), dscores / n


class Model:
    def __init__(self, dims=(4, 5, 6, 3), reg=0.0, scale=1.0):
        self.reg = reg
        self.params = {}
        for layer in range(1, 4):
            self.params[f"W{layer}"] = scale * np.ones((dims[layer - 1], dims[layer]))
            self.params[f"b{layer}"] = np.zeros(dims[layer])
        self.l2 = 0.5  # the factor on reg * ||W||^2

    def loss(self, X, y):
        p = self.params
        h1, c1 = affine_forward(X, p["W1"], p["b1"])
        a1, r1 = relu_forward(h1)
        h2, c2 = affine_forward(a1, p["W2"], p["b2"])
        a2, r2 = relu_forward(h2)
        scores, c3 = affine_forward(a2, p["W3"], p["b3"])
        loss, dscores = softmax_loss(scores, y)
        grads = {}
        da2, grads["W3"], grads["b3"] = affine_backward(dscores, c3)
        da1, grads["W2"], grads["b2"] = affine_backward(relu_backward(da2, r2), c2)
        _, grads["W1"], grads["b1"] = affine_backward(relu_backward(da1, r1), c1)
        for name in ("W1", "W2", "W3"):
            loss += self.l2 * self.reg * np.sum(p[name] ** 2)
            grads[name] += self.reg * p[name]
        return loss, grads


class ModelOtherConstant(Model):
    """The loss adds reg ||W||^2 but the gradients add reg W (the other constant)."""

    def __init__(self, dims=(4, 5, 6, 3), reg=0.0, scale=1.0):
        super().__init__(dims, reg, scale)
        self.l2 = 1.0


def make_model(reg):
    """A factory, for --init."""
    return Model(reg=reg)
