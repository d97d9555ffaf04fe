"""Matrix and vector notation: ``X^T (X θ - y)``, ``δ a^T``, ``(W^T δ) ⊙ relu'(z)``, for every size.

``check.check_matrix_equal`` judges a claim between matrix expressions (``check_equal`` hands
it every claim with a ``MatrixSymbol``): ``shapes`` (conformance, and the reasons an expression
has no shape), ``indexed`` (the translation to the index form the scalar checker proves for
symbolic sizes), ``explicit`` and ``points`` (explicit matrices at concrete sizes: the
cross-check), ``assumptions`` (matrix assumptions in index form), ``counterexamples``
(refutations as matrices), ``slips`` (naming the slip), ``nodes`` (the gradient, the softmax, the
notation's helpers) and ``text`` (the notation of reports).
"""

from derive.checker.matrix.nodes import (
    At,
    Gradient,
    Softmax,
    elementwise,
    norm,
    ones,
    outer,
    relu,
    relu_derivative,
    scalar,
)
from derive.checker.matrix.shapes import ShapeProblem, shape

__all__ = [
    "At",
    "Gradient",
    "ShapeProblem",
    "Softmax",
    "elementwise",
    "norm",
    "ones",
    "outer",
    "relu",
    "relu_derivative",
    "scalar",
    "shape",
]
