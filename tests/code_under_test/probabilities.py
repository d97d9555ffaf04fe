"""A softmax loss whose backward pass takes the probabilities its forward pass made. The
backward pass is right on exact probabilities; the second forward pass shifts the logits by
the largest of the whole batch. Written for derive's tests."""

import numpy as np


def softmax_loss(scores, target):
    shifted = scores - scores.max(axis=1, keepdims=True)
    probs = np.exp(shifted) / np.exp(shifted).sum(axis=1, keepdims=True)
    return -np.log(probs[np.arange(len(target)), target]).mean(), probs


def softmax_loss_batch_shift(scores, target):
    exps = np.exp(scores - scores.max())
    probs = exps / exps.sum(axis=1, keepdims=True)
    return -np.log(probs[np.arange(len(target)), target]).mean(), probs


def softmax_diff(probabilities, target):
    grad = probabilities.copy()
    grad[np.arange(len(target)), target] -= 1.0
    return grad / len(target)
