"""Matrix and vector notation: ``X^T (X θ - y)``, ``δ a^T``, ``(W^T δ) ⊙ relu'(z)``, for every size.

``check.check_matrix_equal`` judges a claim between matrix expressions (``check_equal`` hands
it every claim with a ``MatrixSymbol``), stage by stage: ``shapes`` (conformance, and the
reasons an expression has no shape; ``infer`` gives unknown sizes the values products demand),
``claim`` (the claim in index form, ``indexed`` being the translation the scalar checker proves
for symbolic sizes, ``assumptions`` the matrix assumptions it can honour), ``trials`` (the
cross-check with explicit matrices at concrete sizes: ``explicit``, ``points``),
``refutations`` (counterexamples as matrices: ``counterexamples``; slips named: ``slips``);
``nodes`` holds the gradient, the softmax and the notation's helpers, ``text`` the notation of
reports.
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
