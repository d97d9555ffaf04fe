"""The library's derivations in matrix form, proved for every size (docs/matrix-derivations.md).

- the reference network's output layer for a batch of B rows: ``Z = A W^T + 1 b^T``,
  ``P = softmax(Z)`` by rows, ``E = -tr(T^T log P)``; ``dE/dZ = P - T`` under the targets
  assumption (every row of T sums to 1), ``dE/dW = (P - T)^T A``, ``dE/db = (P - T)^T 1``;
- linear regression: the gradient of ``J = ||X th - y||^2 / (2m)`` and the normal equations;
- logistic regression: ``dL/dw = X^T (sigma(X w) - y) / m``;
- one hidden ReLU layer, back-propagated: ``delta1 = (W2^T delta2) ⊙ relu'(z1)``.

Each chain starts from the truth (a ``Gradient``, differentiated by the checker in index form)
and each line is a step as a derivation in this notation writes it.
"""

from __future__ import annotations

import functools

from sympy import Eq, Lambda, MatrixSymbol, Symbol, Trace, exp, log, symbols
from sympy.matrices.expressions import HadamardProduct, ZeroMatrix
from sympy.matrices.expressions.diagonal import DiagMatrix

from derive.checker.matrix import At, Gradient, Softmax, elementwise, ones, relu, relu_derivative
from derive.steps import Derivation, Step

TARGETS = "every row of T sums to 1"
B, J, K = symbols("B J K", integer=True, positive=True)  # batch, inputs, classes
m, n = symbols("m n", integer=True, positive=True)  # examples, features
N, H = symbols("N H", integer=True, positive=True)  # inputs and hidden units of a network

A, W, b = MatrixSymbol("A", B, J), MatrixSymbol("W", K, J), MatrixSymbol("b", K, 1)
T, Z = MatrixSymbol("T", B, K), MatrixSymbol("Z", B, K)
E = Symbol("E")  # display only: the loss, as the left-hand sides name it


def _output() -> tuple:
    """Z (a symbol, and as written through W and b), P, the loss E(Z), and the targets."""
    logits = A * W.T + ones(B) * b.T
    probabilities = Softmax(Z, "rows")
    loss = -Trace(T.T * elementwise(log, probabilities))
    targets = Eq(T * ones(K), ones(B))
    return logits, probabilities, loss, targets


@functools.lru_cache(maxsize=1)
def output_layer() -> list[Derivation]:
    """The reference network's output layer, batched (rows are examples)."""
    logits, P, loss, targets = _output()
    at_logits = {Z: logits}
    P_W, loss_W = P.xreplace(at_logits), loss.xreplace(at_logits)
    dE_dZ = At(Gradient(loss, Z), Z, logits)
    labels = {targets: "targets"}
    shown = MatrixSymbol("P", B, K)
    common = {"assume": (targets,), "labels": labels, "names": {P: shown, P_W: shown}}
    return [
        Derivation(
            name="dE/dZ (batch)",
            title="the gradient with respect to the logits of a batch",
            start=Gradient(loss, Z),
            lhs=Gradient(E, Z),
            steps=(
                Step(
                    DiagMatrix(T * ones(K)) * P - T, "differentiate -tr(T^T log P) entry by entry"
                ),
                Step(P - T, TARGETS),
            ),
            **common,
        ),
        Derivation(
            name="dE/dW (batch)",
            title="the gradient with respect to the output weights, for a batch",
            start=Gradient(loss_W, W),
            lhs=Gradient(E, W),
            steps=(
                Step(dE_dZ.T * A, "chain rule: Z = A W^T + 1 b^T is linear in W"),
                Step((P_W - T).T * A, f"dE/dZ = P - T; {TARGETS}"),
            ),
            **common,
        ),
        Derivation(
            name="dE/db (batch)",
            title="the gradient with respect to the output biases, for a batch",
            start=Gradient(loss_W, b),
            lhs=Gradient(E, b),
            steps=(
                Step(dE_dZ.T * ones(B), "chain rule: b enters every row of Z"),
                Step((P_W - T).T * ones(B), f"dE/dZ = P - T; {TARGETS}"),
            ),
            **common,
        ),
    ]


@functools.lru_cache(maxsize=1)
def linear_regression() -> list[Derivation]:
    """The gradient of the mean squared error and the normal equations."""
    X, theta, y = MatrixSymbol("X", m, n), MatrixSymbol("theta", n, 1), MatrixSymbol("y", m, 1)
    residual = X * theta - y
    cost = residual.T * residual / (2 * m)
    best = (X.T * X).inv() * X.T * y
    full_rank = m >= n  # needed for X^T X to be invertible; explicit points respect it
    return [
        Derivation(
            name="grad J (linear regression)",
            title="the gradient of the mean squared error",
            start=Gradient(cost, theta),
            lhs=Gradient(Symbol("J"), theta),
            steps=(
                Step(X.T * (X * theta - y) / m, "the gradient of a squared norm"),
                Step((X.T * X * theta - X.T * y) / m, "multiply out"),
            ),
        ),
        Derivation(
            name="normal equations",
            title="the gradient vanishes at theta = (X^T X)^-1 X^T y",
            start=At(Gradient(cost, theta), theta, best),
            lhs=Gradient(Symbol("J"), theta),
            steps=(
                Step(X.T * (X * best - y) / m, "the gradient at theta = (X^T X)^-1 X^T y"),
                Step(ZeroMatrix(n, 1), "X^T X (X^T X)^-1 = I"),
            ),
            assume=(full_rank,),
        ),
    ]


@functools.lru_cache(maxsize=1)
def logistic_regression() -> list[Derivation]:
    """The gradient of the mean binary cross-entropy of a logistic model."""
    X, w, y = MatrixSymbol("X", m, n), MatrixSymbol("w", n, 1), MatrixSymbol("y", m, 1)
    u = Symbol("u", real=True)
    sigma = elementwise(Lambda(u, 1 / (1 + exp(-u))), X * w)
    one = ones(m)
    loss = -(y.T * elementwise(log, sigma) + (one - y).T * elementwise(log, one - sigma)) / m
    return [
        Derivation(
            name="dL/dw (logistic regression)",
            title="the gradient of the mean binary cross-entropy",
            start=Gradient(loss, w),
            lhs=Gradient(Symbol("L"), w),
            steps=(
                Step(
                    -X.T * (HadamardProduct(y, one - sigma) - HadamardProduct(one - y, sigma)) / m,
                    "chain rule; sigma' = sigma (1 - sigma)",
                ),
                Step(
                    X.T * (sigma - y) / m, "multiply out: y (1 - sigma) - (1 - y) sigma = y - sigma"
                ),
            ),
        )
    ]


@functools.lru_cache(maxsize=1)
def hidden_layer() -> list[Derivation]:
    """One hidden ReLU layer and a squared error, back-propagated."""
    x, t = MatrixSymbol("x", N, 1), MatrixSymbol("t", K, 1)
    W1, b1 = MatrixSymbol("W1", H, N), MatrixSymbol("b1", H, 1)
    W2, b2 = MatrixSymbol("W2", K, H), MatrixSymbol("b2", K, 1)
    z1 = W1 * x + b1
    hidden = relu(z1)
    z2 = W2 * hidden + b2
    loss = (z2 - t).T * (z2 - t) / 2
    delta2 = z2 - t
    delta1 = HadamardProduct(W2.T * delta2, relu_derivative(z1))
    L = Symbol("L")
    names = {hidden: MatrixSymbol("h", H, 1), delta2: MatrixSymbol("delta_2", K, 1)}
    return [
        Derivation(
            name="dL/dW2 (hidden layer)",
            title="the output weights",
            start=Gradient(loss, W2),
            lhs=Gradient(L, W2),
            names=names,
            steps=(Step(delta2 * hidden.T, "delta2 = z2 - t, times the layer's input"),),
        ),
        Derivation(
            name="dL/db1 (hidden layer)",
            title="back through the ReLU: delta1 = (W2^T delta2) ⊙ relu'(z1)",
            start=Gradient(loss, b1),
            lhs=Gradient(L, b1),
            names=names,
            steps=(Step(delta1, "chain rule through z2 = W2 h + b2 and h = relu(z1)"),),
        ),
        Derivation(
            name="dL/dW1 (hidden layer)",
            title="the hidden weights",
            start=Gradient(loss, W1),
            lhs=Gradient(L, W1),
            names=names,
            steps=(Step(delta1 * x.T, "delta1 times the layer's input"),),
        ),
    ]


def matrix_forms() -> list[Derivation]:
    """Every matrix-form derivation of the library (sizes are symbols: the arguments of the
    set's builder are ignored)."""
    return [*output_layer(), *linear_regression(), *logistic_regression(), *hidden_layer()]
