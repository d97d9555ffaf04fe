"""An independent plain-NumPy model of the post's network: the oracle symbolic results meet.

input x (N) -> ReLU (I) -> ReLU (J) -> softmax (K), cross-entropy loss. ``derive_numeric`` imports
only NumPy and the standard library, never SymPy or ``derive``, so that it can witness against
them. Its name is its own (not a bare ``numeric`` that another distribution could install).

Modules, in dependency order: ``loss`` (softmax, stable cross-entropy and its backward),
``network`` (parameters, layers with their backwards, forward), ``backprop`` (loss and
hand-written gradients), ``gradcheck`` (central differences, and a checker); ``_checks`` holds
the input validation they all share.
"""

from derive_numeric.backprop import backprop, loss
from derive_numeric.gradcheck import (
    check_grads,
    compare_grads,
    finite_difference,
    near_kink,
    numeric_grad,
    numeric_grad_z,
)
from derive_numeric.loss import cross_entropy, cross_entropy_grad, log_softmax, softmax
from derive_numeric.network import forward, init_params, relu, relu_grad

__all__ = [
    "backprop",
    "check_grads",
    "compare_grads",
    "cross_entropy",
    "cross_entropy_grad",
    "finite_difference",
    "forward",
    "init_params",
    "log_softmax",
    "loss",
    "near_kink",
    "numeric_grad",
    "numeric_grad_z",
    "relu",
    "relu_grad",
    "softmax",
]
