"""A linear softmax classifier as course assignments write it: W is (D, C), the bias folded
into W (the bias trick), integer labels, the data loss averaged over the batch, and an L2 term
0.5 * reg * ||W||^2. Written for derive's tests: correct versions and the usual mistakes."""

import numpy as np


def loss_naive(W, X, y, reg):
    """Loops over examples and classes."""
    n_examples, n_classes = X.shape[0], W.shape[1]
    loss, dW = 0.0, np.zeros_like(W)
    for n in range(n_examples):
        scores = X[n] @ W
        scores = scores - scores.max()
        total = np.sum(np.exp(scores))
        loss += np.log(total) - scores[y[n]]
        for c in range(n_classes):
            share = np.exp(scores[c]) / total
            dW[:, c] += (share - (c == y[n])) * X[n]
    loss = loss / n_examples + 0.5 * reg * np.sum(W * W)
    dW = dW / n_examples + reg * W
    return loss, dW


def _shifted(scores):
    return scores - scores.max(axis=1, keepdims=True)


def loss_vectorized(W, X, y, reg):
    n = X.shape[0]
    scores = _shifted(X @ W)
    log_probs = scores - np.log(np.exp(scores).sum(axis=1, keepdims=True))
    loss = -log_probs[np.arange(n), y].mean() + 0.5 * reg * np.sum(W * W)
    dscores = np.exp(log_probs)
    dscores[np.arange(n), y] -= 1.0
    dW = X.T @ dscores / n + reg * W
    return loss, dW


def loss_without_reg_gradient(W, X, y, reg):
    loss, dW = loss_vectorized(W, X, y, reg)
    return loss, dW - reg * W  # the term is in the loss, its gradient forgotten


def loss_other_constant(W, X, y, reg):
    loss, dW = loss_vectorized(W, X, y, reg)
    return loss, dW + reg * W  # 2 reg W: the gradient of reg ||W||^2, not of 0.5 reg ||W||^2


def loss_transposed(W, X, y, reg):
    loss, dW = loss_vectorized(W, X, y, reg)
    return loss, dW.T


def loss_batch_shift(W, X, y, reg):
    """The max taken over the whole batch, not per row."""
    n = X.shape[0]
    scores = X @ W
    scores = scores - scores.max()
    probs = np.exp(scores) / np.exp(scores).sum(axis=1, keepdims=True)
    loss = -np.log(probs[np.arange(n), y]).mean() + 0.5 * reg * np.sum(W * W)
    probs[np.arange(n), y] -= 1.0
    return loss, X.T @ probs / n + reg * W
