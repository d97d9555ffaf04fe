"""A hand-written softmax layer with the reference post's slip: dE/dz_k taken along one path,
dE/da_k da_k/dz_k, although z_k changes every a_c. It is right for the true class of a one-hot
target and wrong for every other class.

    derive check-code examples/gradient_code/single_path.py:grad_W --quantity dE_dW \\
        --K 10 --J 20 --arg X=a_prev --arg W=W --arg b=b --arg y=t
"""

import numpy as np


def softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def grad_W(X, W, b, y):
    a = softmax(X @ W.T + b)
    dE_da = -y / a  # dE/da_k of E = -sum_k y_k log a_k
    da_dz = a * (1 - a)  # da_k/dz_k only: the path through a_k
    delta = dE_da * da_dz
    return delta.T @ X
