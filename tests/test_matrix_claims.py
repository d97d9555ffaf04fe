"""Claims between matrix expressions, judged for every size (``derive.checker.matrix``).

Each construct of the notation is proved on a true claim and refuted on a wrong one; each slip
kind is named; shapes that do not conform are "cannot check", never refuted.
"""

from __future__ import annotations

import pytest
import sympy
from sympy import Eq, Lambda, MatrixSymbol, Symbol, Trace, exp, log, symbols, tanh
from sympy.matrices.expressions import HadamardPower, HadamardProduct, Identity
from sympy.matrices.expressions.diagonal import DiagMatrix

from derive import check_equal
from derive.checker.matrix import (
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

m, n = symbols("m n", integer=True, positive=True)
X = MatrixSymbol("X", m, n)
theta = MatrixSymbol("theta", n, 1)
y = MatrixSymbol("y", m, 1)
W = MatrixSymbol("W", m, n)
a = MatrixSymbol("a", n, 1)
delta = MatrixSymbol("delta", m, 1)
A, B = MatrixSymbol("A", n, n), MatrixSymbol("B", n, n)
LOSS = (X * theta - y).T * (X * theta - y) / (2 * m)
TRUE_GRADIENT = X.T * (X * theta - y) / m
u = Symbol("u", real=True)
SIGMOID = Lambda(u, 1 / (1 + exp(-u)))


def proved(lhs, rhs, **options):
    verdict = check_equal(lhs, rhs, **options)
    assert verdict.proved, str(verdict)
    return verdict


def refuted(lhs, rhs, **options):
    verdict = check_equal(lhs, rhs, **options)
    assert verdict.refuted, str(verdict)
    assert verdict.certified, str(verdict)
    return verdict


def test_linear_regression_gradient_is_proved_for_every_size():
    verdict = proved(Gradient(LOSS, theta), TRUE_GRADIENT)
    assert verdict.method.startswith("for every m, n in index form")


def test_proof_is_cross_checked_at_non_square_sizes_and_size_one():
    verdict = proved(Gradient(LOSS, theta), TRUE_GRADIENT)
    assert "explicit matrices agree at (m, n) = (1, 1), (2, 3), (3, 2)" in verdict.method


def test_sympy_derivative_by_a_matrix_symbol_is_the_gradient():
    proved(sympy.Derivative(LOSS, theta), TRUE_GRADIENT)


def test_refutation_gives_small_sizes_and_exact_matrices():
    verdict = refuted(Gradient(LOSS, theta), X.T * (X * theta - y))
    values = verdict.counterexample
    assert {m, n} <= set(values) and max(values[m], values[n]) <= 3
    assert isinstance(values[X], sympy.ImmutableMatrix)
    assert values[X].shape == (values[m], values[n])
    assert all(entry.is_Rational for entry in values[X])
    assert "entry (" in verdict.method


def test_dropped_scale_is_named():
    verdict = refuted(Gradient(LOSS, theta), X.T * (X * theta - y))
    assert verdict.slip == "the right side is m times the left side"


def test_gradient_in_the_numerator_layout_is_named():
    verdict = refuted(Gradient(scalar(delta.T * W * a), W), a * delta.T)
    assert "numerator layout" in verdict.slip
    assert "different shapes" in verdict.method


def test_numerator_layout_is_an_option():
    proved(Gradient(scalar(delta.T * W * a), W, "numerator"), a * delta.T)
    proved(sympy.Derivative(scalar(delta.T * W * a), W), a * delta.T, layout="numerator")
    proved(Gradient(scalar(delta.T * W * a), W), delta * a.T)


def test_missing_transpose_is_named():
    verdict = refuted((A * B).T, A * B)
    assert verdict.slip == "the right side is the transpose of the left side"


def test_factors_in_another_order_are_named():
    verdict = refuted((A * B).T, A.T * B.T)
    assert verdict.slip.startswith("the factors of `A^T B^T` are in another order")


def test_hadamard_for_a_product_is_named():
    verdict = refuted(A * B, HadamardProduct(A, B))
    assert "uses ⊙ where the left side has the matrix product" in verdict.slip
    verdict = refuted(HadamardProduct(A, B), A * B)
    assert "matrix product where the left side has" in verdict.slip


def test_sign_is_named():
    verdict = refuted(TRUE_GRADIENT, -TRUE_GRADIENT)
    assert "negative" in verdict.slip


def test_non_conforming_product_is_cannot_check_not_refuted():
    verdict = check_equal(X.T * theta, X.T * theta)
    assert verdict.status == "undecided"
    assert verdict.method == "cannot check: `X^T theta`: (n×m)·(n×1) do not conform"


def test_sides_of_different_shapes_are_refuted_exactly():
    verdict = refuted(a, a.T)
    assert verdict.counterexample == {n: 2}
    assert verdict.lhs_value is None
    assert "refuted at n = 2 [the sides have different shapes" in str(verdict)


@pytest.mark.parametrize(
    ("rows", "cols", "message"),
    [
        (0, 3, "has a size 0: sizes are >= 1"),
        (10**9, 10**9, "over the limit of 64"),
        (Symbol("s") + sympy.Rational(1, 2), 3, "not a count"),
    ],
)
def test_hostile_sizes_get_one_line(rows, cols, message):
    bad = MatrixSymbol("M", rows, cols)
    verdict = check_equal(bad, bad)
    assert verdict.status == "undecided"
    assert message in verdict.method and "\n" not in verdict.method


def test_outer_product_and_identity():
    proved(outer(delta, a), delta * a.T)
    proved(Identity(n) * a, a)
    proved(A * A.inv() * a, a)


def test_trace_is_cyclic_and_norm_is_a_sum_of_squares():
    proved(Trace(X * W.T), Trace(W.T * X))
    refuted(Trace(A * B), Trace(A * B.T))
    i = symbols("i", integer=True)
    residual = X * theta - y
    proved(norm(residual) ** 2, sympy.Sum(residual[i, 0] ** 2, (i, 0, m - 1)))


def test_diag_and_hadamard():
    proved(DiagMatrix(a) * theta, HadamardProduct(a, theta))
    refuted(DiagMatrix(a) * A, A * DiagMatrix(a))


def test_elementwise_functions_and_vector_jacobians():
    squash = elementwise(tanh, W * a)
    proved(Gradient(squash, a), W.T * DiagMatrix(ones(m) - HadamardPower(squash, 2)))
    proved(Gradient(scalar(ones(m).T * relu(W * a)), a), W.T * relu_derivative(W * a))
    exps = elementwise(exp, W * a)
    verdict = refuted(Gradient(scalar(ones(m).T * exps), a), exps.T * W)
    assert "numerator layout" in verdict.slip


def test_softmax_cross_entropy_of_a_batch_needs_the_targets():
    batch, classes = symbols("B K", integer=True, positive=True)
    Z, T = MatrixSymbol("Z", batch, classes), MatrixSymbol("T", batch, classes)
    P = Softmax(Z, "rows")
    loss = -Trace(T.T * elementwise(log, P))
    targets = Eq(T * ones(classes), ones(batch))
    verdict = proved(Gradient(loss, Z), P - T, assume=[targets])
    assert verdict.needs == (targets,)
    refuted(Gradient(loss, Z), P - T)
    wrong = refuted(Gradient(loss, Z), P - T + ones(batch) * ones(classes).T, assume=[targets])
    rows = wrong.counterexample[T]
    assert all(sum(rows.row(r)) == 1 for r in range(rows.rows))


def test_derivation_of_matrix_steps_is_checked_step_by_step():
    from derive import Derivation, Step

    chain = Derivation(
        name="linear regression",
        start=Gradient(LOSS, theta),
        steps=(
            Step(X.T * (X * theta - y) / m, "the gradient of a squared norm"),
            Step((X.T * X * theta - X.T * y) / m, "multiply out"),
            Step((X.T * X * theta - y.T * X) / m, "a transpose slip"),
        ),
    )
    report = chain.check()
    assert [v.status for v in report.verdicts] == ["proved", "proved", "undecided"]
    assert report.verdicts[2].method.endswith("(1×n) + (n×1) do not conform")


def test_derivation_layout_applies_to_sympy_derivatives():
    from derive import Derivation, Step

    start = sympy.Derivative(scalar(delta.T * W * a), W)
    numerator = Derivation("d", start, (Step(a * delta.T),), layout="numerator")
    denominator = Derivation("d", start, (Step(a * delta.T),))
    assert numerator.check().proved
    assert denominator.check().verdicts[0].refuted


def test_a_translation_error_shows_in_the_explicit_cross_check(monkeypatch):
    """Test the tester: with the transpose read wrongly in index form, A^T = A is proved there,
    explicit matrices contradict it, and the verdict is not "proved"."""
    from derive.checker.matrix import indexed

    wrong = dict(indexed._ENTRY)
    wrong[sympy.Transpose] = lambda form, e, r, c: form.entry(e.arg, r, c)
    monkeypatch.setattr(indexed, "_ENTRY", wrong)
    verdict = check_equal(A.T, A)
    assert verdict.status == "undecided"
    assert "explicit matrices differ" in verdict.method


def test_an_inverse_proves_but_does_not_refute():
    C = MatrixSymbol("C", n, n)
    proved(A * A.inv() * a, a)  # SymPy cancels A A^{-1}
    verdict = check_equal((A * B).inv(), A.inv() * B.inv())  # (AB)^{-1} = B^{-1} A^{-1}
    assert verdict.status == "undecided"
    assert "inverse was taken as an arbitrary matrix" in verdict.method
    proved(C.inv() * (A + B), C.inv() * A + C.inv() * B)


def test_three_sizes_are_cross_checked_at_distinct_values():
    k = symbols("k", integer=True, positive=True)
    V = MatrixSymbol("V", n, k)
    verdict = proved((X * V).T, V.T * X.T)
    assert "(k, m, n) = (1, 1, 1), (2, 3, 2), (2, 3, 4)" in verdict.method


def test_an_inverse_cancelled_when_multiplied_out_and_refuted_with_exact_matrices():
    best = (X.T * X).inv() * X.T * y
    proved(X.T * (X * best - y) / m, sympy.ZeroMatrix(n, 1), assume=[m >= n])
    verdict = refuted(X.T * (X * best - y) / m, X.T * y / m, assume=[m >= n])
    assert "exact rational arithmetic with explicit matrices" in verdict.method
    values = verdict.counterexample
    assert values[m] >= values[n] and (values[X].T * values[X]).det() != 0


def test_unknown_sizes_are_inferred_from_the_products_they_conform_to():
    from derive.checker.matrix import shape
    from derive.checker.matrix.infer import infer, unknown_size
    from derive.checker.matrix.shapes import ShapeProblem

    x = MatrixSymbol("x", unknown_size(), 1)
    found = infer(W * x)
    assert shape((W * x).xreplace(found)) == (m, 1) and list(found.values()) == [n]
    one = ones(unknown_size())
    found = infer(W.T * one + a)
    assert list(found.values()) == [m]
    with pytest.raises(ShapeProblem, match="the shape of `z` is unknown"):
        infer(MatrixSymbol("z", unknown_size(), 1) + MatrixSymbol("v", unknown_size(), 1))
    clash = W * MatrixSymbol("u", unknown_size(), 1) + y  # u is n x 1, W u is m x 1: fine
    assert shape(clash.xreplace(infer(clash))) == (m, 1)


def test_the_softmax_jacobian_is_diag_p_minus_p_p_transposed():
    classes = symbols("K", integer=True, positive=True)
    z = MatrixSymbol("z", classes, 1)
    p = Softmax(z)
    proved(Gradient(p, z), DiagMatrix(p) - p * p.T)
    refuted(Gradient(p, z), DiagMatrix(p) + p * p.T)


def test_a_symmetric_matrix_is_an_assumption_the_checker_honours():
    symmetric = Eq(A, A.T)
    quadratic = Gradient(scalar(a.T * A * a), a)
    verdict = proved(quadratic, 2 * A * a, assume=[symmetric])
    assert verdict.needs == (symmetric,)
    proved(quadratic, (A + A.T) * a)
    wrong = refuted(quadratic, A * a, assume=[symmetric])
    assert wrong.counterexample[A] == wrong.counterexample[A].T
    assert wrong.slip == "the right side is the left side divided by 2"
    assert check_equal(quadratic, 2 * A * a).refuted  # not symmetric: 2 A a is wrong
