"""The library's derivations in matrix form: each step proved for every size, the assumptions
named where they are needed, and the matrix notation typeset."""

from __future__ import annotations

import pytest
from sympy import MatrixSymbol, Symbol, Trace, symbols
from sympy.matrices.expressions import HadamardProduct, Identity

from derive.checker.matrix import Gradient, Softmax, ones, relu, relu_derivative
from derive.derivations import build
from derive.derivations.matrix import matrix_forms
from derive.render.latex import to_latex

NAMES = [d.name for d in matrix_forms()]


@pytest.mark.parametrize("name", NAMES)
def test_every_matrix_form_step_is_proved_for_every_size(name):
    (derivation,) = [d for d in matrix_forms() if d.name == name]
    report = derivation.check()
    assert report.proved, str(report)
    for verdict in report.verdicts:
        assert verdict.method.startswith("for every ")
        assert "explicit matrices agree at" in verdict.method


def test_the_batched_output_layer_needs_the_targets_only_where_the_post_uses_them():
    for derivation in matrix_forms()[:3]:
        first, second = derivation.check().verdicts
        assert first.needs == ()
        assert [derivation.labels[n] for n in second.needs] == ["targets"]


def test_the_matrix_set_is_a_library_set():
    assert [d.name for d in build("matrix")] == NAMES


def test_matrix_notation_is_typeset_as_written():
    m, n = symbols("m n", integer=True, positive=True)
    X, w, v = MatrixSymbol("X", m, n), MatrixSymbol("w", n, 1), MatrixSymbol("v", n, 1)
    assert to_latex(X.T * w.T.T) == r"X^{\top} w"
    assert to_latex(HadamardProduct(w, v)) == r"w \odot v"
    assert to_latex(Gradient(Symbol("L"), w)) == r"\frac{\partial L}{\partial w}"
    assert to_latex(ones(m)) == r"\mathbf{1}"
    assert to_latex(Trace(X.T * X)) == r"\operatorname{tr}\left(X^{\top} X\right)"
    assert to_latex(Softmax(X, "rows")) == r"\operatorname{softmax}\left(X\right)"
    assert to_latex(relu(X * w)) == r"\operatorname{relu}\left(X w\right)"
    assert to_latex(relu_derivative(X * w)) == r"\operatorname{relu}'\left(X w\right)"
    assert to_latex((X.T * X).inv()) == r"\left(X^{\top} X\right)^{-1}"
    assert to_latex(Identity(n) - w * v.T) == r"I - w v^{\top}"


def test_a_hostile_matrix_name_is_escaped():
    hostile = MatrixSymbol(r"x}\input{/etc/passwd", 2, 1)
    text = to_latex(hostile.T * hostile)
    assert r"\input" not in text
