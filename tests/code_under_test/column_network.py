"""A network with the examples as columns, as the deep-learning course writes it: X is (N, m),
each W is (out, in), each b is (out, 1), Y is one-hot (K, m), the cost the batch mean. The
backward pass takes the forward pass's cached values and returns six gradients. Written for
derive's tests."""

import numpy as np


def relu(Z):
    return np.maximum(Z, 0)


def softmax_columns(Z):
    E = np.exp(Z - Z.max(axis=0, keepdims=True))
    return E / E.sum(axis=0, keepdims=True)


def forward(X, W1, b1, W2, b2, W3, b3):
    Z1 = W1 @ X + b1
    A1 = relu(Z1)
    Z2 = W2 @ A1 + b2
    A2 = relu(Z2)
    Z3 = W3 @ A2 + b3
    A3 = softmax_columns(Z3)
    return Z1, A1, Z2, A2, Z3, A3


def backward(X, Y, W2, W3, Z1, A1, Z2, A2, A3):
    m = X.shape[1]
    dZ3 = (A3 - Y) / m
    dW3 = dZ3 @ A2.T
    db3 = dZ3.sum(axis=1, keepdims=True)
    dZ2 = (W3.T @ dZ3) * (Z2 > 0)
    dW2 = dZ2 @ A1.T
    db2 = dZ2.sum(axis=1, keepdims=True)
    dZ1 = (W2.T @ dZ2) * (Z1 > 0)
    dW1 = dZ1 @ X.T
    db1 = dZ1.sum(axis=1, keepdims=True)
    return dW1, db1, dW2, db2, dW3, db3


def backward_relu_one(X, Y, W2, W3, Z1, A1, Z2, A2, A3):
    """relu'(0) taken as 1 (Z >= 0)."""
    m = X.shape[1]
    dZ3 = (A3 - Y) / m
    dZ2 = (W3.T @ dZ3) * (Z2 >= 0)
    dZ1 = (W2.T @ dZ2) * (Z1 >= 0)
    return (
        dZ1 @ X.T,
        dZ1.sum(axis=1, keepdims=True),
        dZ2 @ A1.T,
        dZ2.sum(axis=1, keepdims=True),
        dZ3 @ A2.T,
        dZ3.sum(axis=1, keepdims=True),
    )


def backward_transposed(X, Y, W2, W3, Z1, A1, Z2, A2, A3):
    dW1, db1, dW2, db2, dW3, db3 = backward(X, Y, W2, W3, Z1, A1, Z2, A2, A3)
    return dW1, db1, dW2.T, db2, dW3, db3


def backward_propagation(parameters, cache, X, Y):
    """The same backward pass, its inputs in dicts and its gradients returned in one."""
    dW1, db1, dW2, db2, dW3, db3 = backward(
        X,
        Y,
        parameters["W2"],
        parameters["W3"],
        cache["Z1"],
        cache["A1"],
        cache["Z2"],
        cache["A2"],
        cache["A3"],
    )
    return {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2, "dW3": dW3, "db3": db3}
