"""A hand-written softmax layer whose weight gradient is transposed: X^T (a - y) is (J, K),
the weights are (K, J). With a square layer (K = J) no shape error would show it.

    derive check-code examples/gradient_code/transposed.py:grad_W --quantity dE_dW \\
        --K 10 --J 20 --arg X=a_prev --arg W=W --arg b=b --arg y=t
"""

import numpy as np


def softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def grad_W(X, W, b, y):
    delta = softmax(X @ W.T + b) - y
    return X.T @ delta  # wrong: delta.T @ X
