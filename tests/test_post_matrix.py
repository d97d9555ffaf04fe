"""Posts in matrix and vector notation: shapes from the text, the notation read into matrix
expressions, claims proved for every size, slips refuted and named, shapes that do not conform
never refuted.

The posts of tests/matrix_posts/ are our own, written in the styles of public posts (least
squares with shapes in prose, logistic regression one example at a time, a two-layer network
with numbered layers, a cheat sheet of matrix calculus, a batch with rows as examples, the
softmax with vectors in TeX); each line's expected status is below.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from post_support import check, check_all, only, read

POSTS = Path(__file__).resolve().parent / "matrix_posts"

# line -> the statuses of its claims (definitions and conditions are not listed)
EXPECTED = {
    "ols_prose.md": {
        11: ["proved"],
        15: ["proved"],
        19: ["refuted"],  # the 1/m dropped
        23: ["refuted"],  # the gradient as a row
        27: ["proved"],  # the normal equations hold at θ̂ = (X^T X)^{-1} X^T y, defined below
    },
    "logistic_single.md": {16: ["proved"], 18: ["proved"], 22: ["refuted"], 26: ["proved"]},
    "mlp_numbered.md": {
        13: ["proved"],
        15: ["proved"],
        17: ["proved"],
        19: ["proved"],
        21: ["proved"],
        25: ["refuted"],  # a_1 δ_2^T: the factors swapped (the transpose)
        27: ["cannot check"],  # W_2^T ⊙ δ_2 does not conform: never refuted
    },
    "quadratic_forms.md": {
        5: ["proved"],
        7: ["proved"],
        9: ["proved"],
        11: ["refuted"],  # 2Ax needs a symmetric A
        15: ["proved"],
        17: ["proved"],
        19: ["refuted"],  # A for A^T
        23: ["proved"],
        25: ["cannot check"],  # 2 M (Mx - c) does not conform
    },
    "batched_rows.md": {
        9: ["proved"],
        11: ["proved"],
        13: ["proved"],
        15: ["refuted"],
        17: ["proved"],
    },
    "softmax_vector.tex": {13: ["proved"], 17: ["proved"], 18: ["proved"], 22: ["refuted"]},
    # bold vectors, a bold h beside the hidden width h, labelled transposes W^{(2)\top}
    "two_layer_bold.md": {
        21: ["proved"],
        23: ["proved"],
        25: ["proved"],
        27: ["proved"],
        29: ["proved"],
        31: ["proved"],
        35: ["refuted"],  # x δ^T: the transpose
    },
}
# the vectorized post: the cost in the examples' entries (a^{[2](i)}, y^{(i)}: row matrices),
# biases added to every column; its claims take seconds each (tanh inside sigma inside log)
VECTORIZED = {25: ["proved"], 27: ["proved"], 29: ["proved"], 31: ["proved"], 33: ["proved"]}
VECTORIZED |= {37: ["refuted"], 39: ["refuted"]}  # the average dropped; the product turned
SLIPS = {
    ("ols_prose.md", 19): "m times the left side",
    ("ols_prose.md", 23): "transpose of the left",
    ("logistic_single.md", 22): "numerator layout",
    ("mlp_numbered.md", 25): "transpose of the left",
    ("quadratic_forms.md", 19): "transpose",
    ("batched_rows.md", 15): "transpose of the left",
    ("two_layer_bold.md", 35): "transpose of the left",
    ("ng_vectorized.md", 37): "m times the left side",
    ("ng_vectorized.md", 39): "transpose of the left",
}


def _results(name: str, timeout: float = 20.0):
    path = POSTS / name
    kind = "tex" if name.endswith(".tex") else "md"
    return check(path.read_text(encoding="utf-8"), kind, timeout)


def _verdicts(name: str, expected: dict[int, list[str]], timeout: float = 20.0) -> None:
    results = _results(name, timeout)
    found: dict[int, list[str]] = {}
    for result in results:
        found.setdefault(result.line, []).append(result.status)
    assert found == expected
    for result in results:
        if (name, result.line) in SLIPS:
            assert SLIPS[name, result.line] in result.detail, result.detail


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_claim_of_a_matrix_post_gets_its_verdict(name: str) -> None:
    _verdicts(name, EXPECTED[name])


@pytest.mark.slow
def test_a_vectorized_post_with_code_names_and_examples_as_columns() -> None:
    _verdicts("ng_vectorized.md", VECTORIZED, timeout=180.0)


def _matrices(text: str) -> str:
    return "Let $A, B \\in \\mathbb{R}^{n \\times n}$, $a, b \\in \\mathbb{R}^{n}$. " + text


@pytest.mark.parametrize(
    "claim",
    [
        r"(A B)^T = B^T A^T",
        r"(A B)^\top = B^\top A^\top",
        r"(A B)^{\mathsf{T}} = B^{\mathsf{T}} A^{\mathsf{T}}",
        r"(A^{-1})^T = (A^T)^{-1}",
        r"a \odot b = b \circ a",
        r"a \otimes b = a b^T",
        r"a \cdot b = a^T b",
        r"\mathrm{diag}(a) \mathbf{1} = a",
        r"\mathrm{tr}(A B) = \operatorname{tr}(B A)",
        r"\|a\|^2 = a^T a",
        r"\|a\|_2^2 = \mathbf{1}^T (a \odot a)",
        r"\|A\|_F^2 = \mathrm{tr}(A^T A)",
        r"I A = A",
        r"\mathbf{A} \mathbf{b} = A b",
        r"\sigma(a) \odot (\mathbf{1} - \sigma(a)) = \sigma'(a)",
        r"1 - \tanh(a) \odot \tanh(a) = \tanh'(a)",
        r"\exp(a) \oslash \exp(b) = \exp(a - b)",
        r"\nabla_a (a^T A a) = (A + A^T) a",
        r"\frac{\partial}{\partial A} \mathrm{tr}(A^T B) = B",
        r"\nabla^2_a (a^T A a) = A + A^T",
        r"\frac{\partial \mathrm{softmax}(a)}{\partial a} = \mathrm{diag}(\mathrm{softmax}(a))"
        r" - \mathrm{softmax}(a) \mathrm{softmax}(a)^T",
    ],
)
def test_every_construct_of_the_notation_is_read(claim: str) -> None:
    result = only(_matrices(f"$$ {claim} $$"))
    assert result.status == "proved", result.message()


@pytest.mark.parametrize(
    ("claim", "slip"),
    [
        (r"(A B)^T = A^T B^T", "another order"),
        (r"\nabla_a (b^T a) = b^T", "transpose"),
        (r"\frac{\partial}{\partial A} \mathrm{tr}(A B) = B", "transpose"),
        (r"\nabla_a (a^T a) = a", "the left side divided by 2"),  # dropped the 2
        (r"\frac{\partial}{\partial A} \mathrm{tr}(A^T B A) = (B + B^T) \odot A", "⊙"),
        (r"\nabla_a (- b^T a) = b", "negative"),
    ],
)
def test_a_slip_is_refuted_and_named(claim: str, slip: str) -> None:
    result = only(_matrices(f"$$ {claim} $$"))
    assert result.status == "refuted" and slip in result.detail, result.message()


def test_shapes_come_from_the_text_the_declarations_and_the_products() -> None:
    prose = r"Here $X$ is an $m \times n$ matrix and $\theta$ is an $n \times 1$ vector."
    assert only(prose + r" $$ (X \theta)^T = \theta^T X^T $$").status == "proved"
    declared = '<!-- derive\n[symbols]\nX = "matrix m x n"\ntheta = "vector n"\n-->\n'
    post = read(declared + r"$$ (X \theta)^T = \theta^T X^T $$")
    assert post.scope.matrices is not None
    assert only(declared + r"$$ (X \theta)^T = \theta^T X^T $$").status == "proved"
    # W stated, x a vector by its use after W (its length from the product)
    inferred = r"Let $W \in \mathbb{R}^{m \times n}$. $$ (W x)^T = x^T W^T $$"
    assert only(inferred).status == "proved"
    post = read(inferred)
    defaults = "\n".join(post.defaults)
    assert "shapes stated in the text: W m×n (line 1)" in defaults
    assert "by their use" in defaults and "x (transposed at line 1)" in defaults


def test_products_that_do_not_conform_are_never_refuted() -> None:
    text = r"Let $X \in \mathbb{R}^{m \times n}$, $\theta \in \mathbb{R}^{n}$. "
    text += r"$$ X^T \theta = \theta $$"
    result = only(text)
    assert result.status == "cannot check"
    assert "`X^T θ`: (n×m)·(n×1) do not conform" in result.detail


def test_sides_of_inferred_shapes_that_differ_are_not_refuted() -> None:
    # δ is read as a number (the text never says what it is): its shape may be misread
    text = r"Let $W \in \mathbb{R}^{m \times n}$, $x \in \mathbb{R}^n$, $L = \|W x\|^2$. "
    result = only(text + r"$$ \frac{\partial L}{\partial W} = \delta x^T $$")
    assert result.status == "cannot check" and "δ is inferred" in result.detail
    # entries on one side, a vector on the other: a misreading, not a slip
    text = r"Let $z \in \mathbb{R}^n$. $$ \nabla_z (z^T z) = \sum_{i=1}^{n} 2 z_i $$"
    assert only(text).status == "cannot check"


def test_bad_sizes_are_reported_where_they_are_stated() -> None:
    for size, problem in [("0", "a size 0"), ("10^{9}", "a power")]:
        results = check(
            rf"Let $W \in \mathbb{{R}}^{{{size} \times n}}$. " + r"$$ W^T W = (W^T W)^T $$"
        )
        assert [r.status for r in results] == ["cannot read", "cannot check"]
        assert problem in results[0].detail and results[0].column == 6


def test_a_transpose_of_a_number_is_not_read_as_a_matrix() -> None:
    text = r"Let $b \in \mathbb{R}$, $x \in \mathbb{R}^n$. $$ x^T x + b^T = b + x^T x $$"
    result = only(text)
    assert result.status == "cannot check" and "transpose of b" in result.detail


def test_code_style_gradient_names_are_one_name_each() -> None:
    text = (
        r"Let $W^{[2]} \in \mathbb{R}^{n \times h}$, $A^{[1]} \in \mathbb{R}^{h \times m}$. "
        r"$$ dZ^{[2]} = W^{[2]} A^{[1]} $$ $$ dZ^{[2]} A^{[1]T} = W^{[2]} A^{[1]} A^{[1]T} $$"
    )
    assert only(text).status == "proved"


def test_the_numerator_layout_is_an_option() -> None:
    declared = '<!-- derive\n[options]\nlayout = "numerator"\n-->\n'
    text = r"Let $a, b \in \mathbb{R}^n$. $$ \nabla_a (b^T a) = b^T $$"
    assert only(declared + text).status == "proved"
    assert only(text).status == "refuted"


@pytest.mark.parametrize(
    "said",
    [
        "We use the numerator layout.",
        "Here gradients are in numerator layout (Jacobian formulation), not denominator layout.",
    ],
)
def test_the_numerator_layout_stated_in_prose(said: str) -> None:
    text = said + r" Let $a, b \in \mathbb{R}^n$. $$ \nabla_a (b^T a) = b^T $$"
    result = only(text)
    assert result.status == "proved"
    assert any("numerator layout (stated at line 1)" in d for d in result.defaults)
    other = "We use the denominator layout (the gradient formulation)."
    assert only(other + text[len(said) :]).status == "refuted"


@pytest.mark.parametrize(
    "said",
    [
        "We use either numerator or denominator layout.",
        "Some authors use the numerator layout.",
        "In the numerator layout the gradient would be a row.",
    ],
)
def test_a_layout_the_prose_does_not_settle_is_the_default(said: str) -> None:
    text = said + r" Let $a, b \in \mathbb{R}^n$. "
    assert only(text + r"$$ \nabla_a (b^T a) = b $$").status == "proved"


def test_a_sum_over_entries_past_a_matrix_size_is_never_judged() -> None:
    # \sum_{j=1}^{K} W_{ij} x_j with W m×n: K may pass n, where no entry exists
    text = r"Let $W \in \mathbb{R}^{m \times n}$, $x \in \mathbb{R}^n$ and $z = W x$. "
    past = only(text + r"$$ z_i = \sum_{j=1}^{K} W_{ij} x_j $$")
    assert past.status == "cannot check" and "columns of W" in past.detail
    assert only(text + r"$$ z_i = \sum_{j=1}^{n} W_{ij} x_j $$").status == "proved"


def test_a_stated_assumption_in_matrix_form_is_used() -> None:
    text = (
        r"Let $z, y \in \mathbb{R}^K$, $p = \mathrm{softmax}(z)$, $L = -y^T \log p$, "
        r"with $\mathbf{1}^T y = 1$. $$ \nabla_z L = p - y $$"
    )
    result = only(text)
    assert result.status == "proved" and "1^T y = 1" in result.message()


def test_an_equation_in_an_unknown_is_a_condition() -> None:
    text = (
        r"Let $X \in \mathbb{R}^{m \times n}$, $y \in \mathbb{R}^m$, $\theta \in \mathbb{R}^n$. "
        r"$$ X^T X \theta = X^T y $$"
    )
    (result,) = check_all(text)
    assert result.kind == "condition" and result.status == "not a claim"


def test_entries_of_a_vector_are_its_entries() -> None:
    text = (
        r"Let $X \in \mathbb{R}^{m \times n}$, $y \in \mathbb{R}^{m}$, $\theta \in \mathbb{R}^n$"
        r" and $J = \frac{1}{2m} \|X\theta - y\|^2$. "
        r"$$ \frac{\partial J}{\partial \theta_j} = \frac{1}{m} \sum_{i=1}^{m} "
        r"\left( \sum_{k=1}^{n} X_{ik} \theta_k - y_i \right) X_{ij} $$"
    )
    assert only(text).status == "proved"


def test_a_shape_stated_again_holds_from_there_on() -> None:
    text = (
        r"Let $X \in \mathbb{R}^{m \times n}$. $$ (X^T X)^T = X^T X $$"
        "\n\nNow let $X \\in \\mathbb{R}^{n \\times n}$ be square.\n\n"
        r"$$ \frac{\partial}{\partial X} \mathrm{tr}(X X) = 2 X^T $$"
    )
    assert [r.status for r in check(text)] == ["proved", "proved"]


def test_latex_keeps_the_notation_of_the_post() -> None:
    from derive.render.latex.source import math_latex

    written = r"\frac{\partial L}{\partial W} = \mathbf{x} \, \mathbf{g}^\top \odot M^{\mathsf{T}}"
    typeset = math_latex(written)
    assert r"\mathbf{x}" in typeset and r"\mathbf{g}^{\top}" in typeset
    assert r"\odot" in typeset and r"M^{\mathsf{T}}" in typeset
    assert math_latex(r"\mathbf{1}^T (\hat{y} - y) \oslash b") == (
        r"\mathbf{1}^{T} \left(\hat{y} - y\right) \oslash b"
    )


_LAYER = (
    r"Let $z = W x + b$ with $W \in \mathbb{R}^{n \times d}$, $a = \sigma(z)$ and "
    r"$C = \frac{1}{2}\|a - y\|^2$. "
)


def test_an_error_defined_inline_as_a_derivative_is_a_vector_and_its_formula_a_claim() -> None:
    text = _LAYER + r"The error is $\delta = \frac{\partial C}{\partial z}$."
    right = text + "\n\n$$\\delta = (a - y) \\odot \\sigma'(z)$$\n"
    assert only(right).status == "proved"
    slip = text + "\n\n$$\\delta = a - y$$\n"  # the σ' factor dropped: a slip, not a new δ
    assert only(slip).status == "refuted"


def test_prose_names_a_derivative_with_code_style_gradient_names() -> None:
    text = _LAYER + (
        r"We write $dW$ for $\frac{\partial C}{\partial W}$ and $dz$ stands for "
        r"$\frac{\partial C}{\partial z}$."
    )
    rows = "\n\n$$dz = (a - y) \\odot \\sigma'(z)$$\n\n$$dW = dz \\, x^T$$\n\n$$dW = x \\, dz^T$$\n"
    results = check(text + rows)
    assert [r.status for r in results] == ["proved", "proved", "refuted"]
    assert "transpose" in results[2].detail
    # a name "for" something that is not a derivative is prose, not a definition
    table = read(r"We write $u$ for $x + 1$. $$u = x$$").definitions.table
    assert [str(d.body) for d in table.values()] == ["s1"]  # the display's u = x alone


def test_a_derivative_name_follows_a_cost_defined_again() -> None:
    text = _LAYER + r"We write $dz$ for $\frac{\partial C}{\partial z}$."
    text += "\n\n$$dz = (a - y) \\odot \\sigma'(z)$$\n\n"
    text += r"Now the cross-entropy, $C = -y^T \log a - (1 - y)^T \log (1 - a)$."
    results = check(text + "\n\n$$dz = a - y$$\n")
    assert [r.status for r in results] == ["proved", "proved"]


_BATCH = (
    r"Rows are examples: $X \in \mathbb{R}^{B \times d}$, $W \in \mathbb{R}^{d \times K}$, "
    r"$Y \in \mathbb{R}^{B \times K}$. $$Z = X W$$ $$P = \mathrm{softmax}(Z)$$ "
    "\n\nwhere the softmax acts on each row, and $$L = -\\mathrm{tr}(Y^\\top \\log P)$$\n\n"
)


def test_the_prose_says_how_a_softmax_of_a_matrix_acts() -> None:
    from derive.sources.posts.matrix.reading import softmax_axis

    assert softmax_axis(_BATCH) == "rows"
    assert softmax_axis("the softmax, applied column-wise to $Z$") == "columns"
    assert softmax_axis("a softmax; each row of $X$ is an example, by columns") is None  # both
    assert softmax_axis("$\\mathrm{softmax}(Z)$ of the rows of $X$") is None  # not said


def test_targets_that_sum_to_one_are_used_as_the_text_states_them() -> None:
    claim = "$$\\frac{\\partial L}{\\partial W} = X^\\top (P - Y)$$\n"
    stated = _BATCH.replace("and $$L", "with $Y \\mathbf{1} = \\mathbf{1}$, and $$L") + claim
    result = only(stated)
    assert result.status == "proved" and "Y 1 = 1" in result.detail
    words = _BATCH.replace("Rows are examples:", "Rows are examples, with one-hot targets") + claim
    assert only(words).status == "proved"
    # said nowhere: never refuted (the author's targets may sum to 1), the condition named
    result = only(_BATCH + claim)
    assert result.status == "cannot check" and "rows of Y sum to 1" in result.detail
    slip = _BATCH.replace("and $$L", "with $Y \\mathbf{1} = \\mathbf{1}$, and $$L")
    result = only(slip + "$$\\frac{\\partial L}{\\partial W} = (P - Y)^\\top X$$\n")
    assert result.status == "refuted" and "transpose" in result.detail


def test_a_function_defined_in_the_prose_is_the_function() -> None:
    text = (
        r"Let $X \in \mathbb{R}^{m \times n}$, $y \in \mathbb{R}^m$, $h = \sigma(X w)$ and "
        r"$\ell(w) = y^T \log h + (1 - y)^T \log(1 - h)$. "
    )
    assert only(text + r"$$ \nabla_w \ell(w) = X^T (y - h) $$").status == "proved"
    assert only(text + r"$$ \nabla_w \ell(w) = X^T (h - y) $$").status == "refuted"


def test_the_solution_of_equations_in_a_variable_is_no_definition_of_it() -> None:
    text = (
        r"Let $X \in \mathbb{R}^{m \times n}$, $y \in \mathbb{R}^m$, $\theta \in \mathbb{R}^n$. "
        r"$$ \nabla_\theta \frac{1}{2}\|X \theta - y\|^2 = X^T X \theta - X^T y $$"
        "\n\nso $$ \\theta = (X^T X)^{-1} X^T y $$\n\n"
        r"and, for every $\theta$, $$ \nabla_\theta \|X \theta\|^2 = X^T X \theta $$"
    )
    results = check_all(text)
    assert [r.status for r in results] == ["proved", "not a claim", "refuted"]
    assert results[1].kind == "condition" and "the value of θ" in results[1].detail
    assert "2 times" in results[2].detail or "divided by 2" in results[2].detail


def test_a_gradient_of_a_scaled_norm_is_read_whole() -> None:
    text = (
        r"Let $X \in \mathbb{R}^{m \times n}$, $y \in \mathbb{R}^m$, $\theta \in \mathbb{R}^n$. "
        r"$$\nabla_\theta \frac{1}{2m}\|X\theta - y\|^2 = \frac{1}{m} X^T (X\theta - y)$$"
    )
    assert only(text).status == "proved"
    assert only(text.replace(r"= \frac{1}{m} X^T", "= X^T")).status == "refuted"
    # a gradient followed by a product of names: which part is differentiated is unsaid
    unsaid = r"Let $a, z \in \mathbb{R}^n$. $$\nabla_a C \sigma(z) = 0$$"
    assert only(unsaid).status == "cannot read"


def test_layer_labels_are_put_into_a_definition_for_every_layer() -> None:
    from derive.sources.posts.latex.grammar import parse_row
    from derive.sources.posts.latex.rows import rows
    from derive.sources.posts.matrix.layers import at_layer, is_generic, put, value_of

    assert is_generic("l") and is_generic("[l]") and not is_generic("L") and not is_generic("l+1")
    assert value_of("l", "L") == ("L", 0) and value_of("[l]", "[2]") == ("2", 0)
    assert value_of("l", "l+1") == ("l", 1) and value_of("[l]", "2") is None
    assert put("l-1", ("L", 0)) == "L-1" and put("[l-1]", ("2", 0)) == "[1]"
    assert put("[l-1]", ("1", 0)) is None and put("[l+1]T", ("1", 0)) == "[2]T"
    text = r"W^{l} a^{l-1} + b^{l}"
    tree = parse_row(rows(text)[0].tokens, text).chains[0].parts[0]
    labels = [n.sup_text for n in _walk(at_layer(tree, ("L", 0))) if hasattr(n, "sup_text")]
    assert sorted(labels) == ["L", "L", "L-1"]


def _walk(node):
    import dataclasses

    if isinstance(node, tuple):
        for item in node:
            yield from _walk(item)
    elif dataclasses.is_dataclass(node):
        yield node
        for field in dataclasses.fields(node):
            yield from _walk(getattr(node, field.name))


def test_a_layer_written_after_a_definition_for_every_layer_is_that_definition() -> None:
    text = (
        r"Layer $l$ computes $z^l = W^l a^{l-1}$, $a^l = \sigma(z^l)$, with "
        r"$W^l \in \mathbb{R}^{n \times n}$; the error is $\delta^l = \partial C / \partial z^l$ "
        r"and the cost $C = \frac{1}{2}\|a^L - y\|^2$."
    )
    right = text + "\n\n$$\\delta^L = (a^L - y) \\odot \\sigma'(z^L)$$\n"
    assert only(right).status == "proved"
    slip = text + "\n\n$$\\delta^L = a^L - y$$\n"
    assert only(slip).status == "refuted"
    code = (
        r"Let $W^{[1]} \in \mathbb{R}^{h \times d}$, $x \in \mathbb{R}^d$, $z^{[1]} = W^{[1]} x$,"
        r" $J = \frac{1}{2}\|z^{[1]}\|^2$; $dW^{[l]}$ stands for $\frac{\partial J}{\partial "
        r"W^{[l]}}$. $$dW^{[1]} = z^{[1]} x^T$$ $$dW^{[1]} = x z^{[1]T}$$"
    )
    results = check(code)
    assert [r.status for r in results] == ["proved", "refuted"]
    assert "transpose" in results[1].detail


def test_an_error_for_every_layer_follows_the_layers_above_it() -> None:
    text = (
        r"Layer $l$ computes $z^l = W^l a^{l-1} + b^l$ and $a^l = \sigma(z^l)$, "
        r"$W^l \in \mathbb{R}^{n_l \times n_{l-1}}$; the error of a layer is "
        r"$\delta^l = \partial C / \partial z^l$."
    )
    rows = (
        "\n\n$$\\delta^l = \\left((W^{l+1})^T \\delta^{l+1}\\right) \\odot \\sigma'(z^l)$$\n"
        "\n$$\\frac{\\partial C}{\\partial b^l} = \\delta^l$$\n"
        "\n$$\\delta^l = (W^{l+1})^T \\delta^{l+1}$$\n"
    )
    results = check(text + rows)
    assert [r.status for r in results] == ["proved", "proved", "refuted"]
    # ∂C/∂W^l through the layer chain; δ^l (a^{l-1})^T is δ^l times the transposed a^{l-1},
    # not the transpose of δ^l(a^{l-1}) read as an application (whose shapes do not conform)
    weights = (
        "\n\n$$\\frac{\\partial C}{\\partial W^l} = \\delta^l (a^{l-1})^T$$\n"
        "\n$$\\frac{\\partial C}{\\partial W^l} = a^{l-1} (\\delta^l)^T$$\n"
    )
    found = check(text + weights)
    assert [r.status for r in found] == ["proved", "refuted"]
    assert "transpose" in found[1].detail
    # W^l stated makes every W^{l+1} a matrix; δ^l = ∂C/∂z^l a vector: no display needed
    alone = text + "\n\n$$\\frac{\\partial C}{\\partial b^l} = \\delta^l$$\n"
    assert only(alone).status == "proved"


def test_a_norm_in_the_prose_leaves_a_post_of_entries_in_index_notation() -> None:
    text = (
        r"A ridge penalty $\frac{\mu}{2}\|v\|^2$ on weights $v_1, \dots, v_m$, with features "
        r"$u_{ik}$ and targets $s_i$."
        "\n\n$$R(v) = \\frac{1}{2}\\sum_{i=1}^{N}\\left(\\sum_{k=1}^{m} v_k u_{ik} - s_i\\right)^2"
        " + \\frac{\\mu}{2}\\sum_{k=1}^{m} v_k^2$$\n\n"
        "$$\\frac{\\partial R}{\\partial v_k} = \\sum_{i=1}^{N}\\left(\\sum_{l=1}^{m} v_l u_{il}"
        " - s_i\\right) u_{ik} + \\mu v_k$$\n\n"
        "$$\\frac{\\partial R}{\\partial v_k} = \\sum_{i=1}^{N}\\left(\\sum_{l=1}^{m} v_l u_{il}"
        " - s_i\\right) u_{ik} + \\frac{\\mu}{2} v_k$$\n"
    )
    post = read(text)
    assert post.scope.matrices is None  # the norm is in words: the displays write entries
    assert [r.status for r in check(text)] == ["proved", "refuted"]
