"""Derivation files in matrix notation: ``"matrix m x n"`` declarations, ``@``, ``.T``,
``grad``, elementwise functions, the layout and summation options; every shape problem is an
error at its file, line and column, and checking names slips in the file's own names."""

from __future__ import annotations

import textwrap

import pytest
from sympy import MatrixSymbol

from derive.sources.toml.file import load_text
from derive.sources.toml.parse import ParseError
from derive.sources.toml.results import check_file

LINEAR = """\
[symbols]
m = "positive integer"
n = "positive integer"
X = "matrix m x n"
theta = "vector n"
y = "vector m"
u = "row vector n"

[define]
r = "X @ theta - y"
J = "r.T @ r / (2 * m)"
"sigma(v)" = "1 / (1 + exp(-v))"

[[derivation]]
name = "grad J"
start = "grad(J, theta)"
steps = [
  { expr = "X.T @ (X @ theta - y) / m", why = "the gradient of a squared norm" },
  { expr = "(X.T @ X @ theta - X.T @ y) / m", why = "multiply out" },
]
"""


def _load(text: str, name: str = "f.toml"):
    return load_text(textwrap.dedent(text), name)


def _results(text: str):
    return check_file(_load(text))


def _error(text: str) -> ParseError:
    with pytest.raises(ParseError) as caught:
        _load(text)
    return caught.value


def _with(step: str, start: str = "grad(J, theta)", extra: str = "") -> str:
    return (
        LINEAR.split("[[derivation]]")[0]
        + extra
        + (f'[[derivation]]\nname = "d"\nstart = "{start}"\nsteps = [ "{step}" ]\n')
    )


def test_declarations_are_matrix_symbols_with_their_shapes():
    loaded = _load(LINEAR)
    X, theta, u = (loaded.namespace.names[k] for k in ("X", "theta", "u"))
    m, n = loaded.namespace.names["m"], loaded.namespace.names["n"]
    assert isinstance(X, MatrixSymbol) and X.shape == (m, n)
    assert theta.shape == (n, 1) and u.shape == (1, n)
    assert loaded.show(X) == MatrixSymbol("X", *loaded.show(X).shape)


def test_a_matrix_derivation_is_proved_for_every_size():
    results = _results(LINEAR)
    assert [r.status for r in results] == ["proved", "proved"]
    assert "for every m, n" in results[0].verdict.method


def test_slips_are_named_in_the_files_names():
    dropped = _results(_with("X.T @ (X @ theta - y)"))[0]
    assert dropped.status == "refuted"
    assert dropped.verdict.slip == "the right side is m times the left side"
    assert "X = [[" in dropped.message()
    row = _results(_with("(X @ theta - y).T @ X / m"))[0]
    assert row.status == "refuted" and "numerator layout" in row.verdict.slip
    assert row.row()["slip"] == row.verdict.slip


def test_star_is_the_matrix_product_as_in_sympy_and_a_1x1_product_scales():
    assert [r.status for r in _results(_with("X.T * (X * theta - y) / m"))] == ["proved"]
    scaled = _with("(theta.T * theta) * X.T @ y", start="theta.T @ theta * X.T @ y")
    assert [r.status for r in _results(scaled)] == ["proved"]
    error = _error(_with("(X.T * X).I @ X.T.I"))
    assert "an inverse needs a square matrix, `X^T` is n×m" in error.message


def test_the_numerator_layout_is_an_option():
    text = '[options]\nlayout = "numerator"\n' + _with("(X @ theta - y).T @ X / m")
    assert [r.status for r in _results(text)] == ["proved"]


@pytest.mark.parametrize(
    ("step", "column", "message"),
    [
        ("X.T @ theta", 12, "`X^T theta`: (n×m)·(n×1) do not conform"),
        ("X * y", 12, "`X y`: (m×n)·(m×1) do not conform (the entrywise product is hadamard"),
        ("X + 1", 12, "a number added to a matrix"),
        ("theta ** 2", 12, "`theta^2`: a power needs a square matrix"),
        ("m.T", 12, "a transpose of a number"),
        ("X / theta", 12, "a division by a matrix"),
    ],
)
def test_shape_problems_are_errors_at_their_place(step, column, message):
    error = _error(_with(step))
    assert (error.line, error.column) == (17, column)
    assert message in error.message


@pytest.mark.parametrize(
    ("declaration", "message"),
    [
        ('"matrix m x k"', "size 'k' is neither a number nor a declared integer"),
        ('"matrix 0 x 3"', "has a size 0"),
        ('"matrix 1000000000 x 1000000000"', "over the limit of 64"),
        ('"matrix m"', 'write "matrix m x n"'),
    ],
)
def test_bad_sizes_are_errors_at_the_declaration(declaration, message):
    text = LINEAR.replace('X = "matrix m x n"', f"X = {declaration}")
    error = _error(text)
    assert error.line == 4 and message in error.message


def test_functions_apply_to_every_entry_and_the_sigmoid_gradient_is_proved():
    start = "grad(ones(m).T @ sigma(X @ theta), theta)"
    step = "X.T @ hadamard(sigma(X @ theta), ones(m) - sigma(X @ theta))"
    assert [r.status for r in _results(_with(step, start))] == ["proved"]


def test_entries_count_from_one_and_batch_sums_match_the_norm():
    start = "r.T @ r"
    step = "sum((sum(X[i, j] * theta[j], (j, 1, n)) - y[i])**2, (i, 1, m))"
    indices = 'u = "row vector n"\ni = "index 1..m"\nj = "index 1..n"'
    text = LINEAR.replace('u = "row vector n"', indices).split("[[derivation]]")[0]
    text += f'[[derivation]]\nname = "d"\nstart = "{start}"\nsteps = [ "{step}" ]\n'
    assert [r.status for r in _results(text)] == ["proved"]


def test_einstein_summation_when_the_file_says_so():
    text = """\
    [options]
    summation = "einstein"

    [symbols]
    n = "positive integer"
    i = "index 1..n"
    j = "index 1..n"
    k = "index 1..n"
    W = "real[n, n]"
    x = "real[n]"
    b = "real[n]"

    [[derivation]]
    name = "dz_i/dx_k"
    start = "diff(W[i, j] * x[j] + b[i], x[k])"
    steps = [ "W[i, k]" ]

    [[derivation]]
    name = "the free index of the left side is never summed"
    start = "b[i]"
    steps = [ "b[i] * x[j] * W[j, i] / sum(x[k] * W[k, i], (k, 1, n))" ]
    """
    assert [r.status for r in _results(text)] == ["proved", "proved"]
    plain = _results(text.replace('summation = "einstein"', ""))
    assert plain[0].status != "proved"
    error = _error(text.replace('"W[i, k]"', '"W[i, k] * W[j, j] * x[j]"'))
    assert "occurs 3 times" in error.message


def test_einstein_summation_reads_each_term_of_a_product_multiplied_out():
    text = """\
    [options]
    summation = "einstein"

    [symbols]
    n = "positive integer"
    k = "index 1..n"
    l = "index 1..n"
    W = "real[n, n]"
    z = "real[n]"
    t = "real[n]"

    [[derivation]]
    name = "(z_k - t_k) W_kl: k twice in each term, summed once"
    start = "(z[k] - t[k]) * W[k, l]"
    steps = [ "sum(z[k] * W[k, l], (k, 1, n)) - sum(t[k] * W[k, l], (k, 1, n))" ]
    """
    assert [r.status for r in _results(text)] == ["proved"]
    error = _error(text.replace('"(z[k] - t[k]) * W[k, l]"', '"(z[k] - 1) * W[k, l]"'))
    assert "summed in one term and free in another" in error.message


def test_an_unknown_option_value_is_an_error():
    error = _error('[options]\nlayout = "sideways"\n' + LINEAR)
    assert "options.layout: 'sideways' is not one of" in error.message


def test_the_matrix_examples_are_proved_and_their_slips_named():
    from pathlib import Path

    examples = Path(__file__).resolve().parent.parent / "examples"
    good = check_file(load_text((examples / "matrix_regression.toml").read_text()))
    assert [r.status for r in good] == ["proved"] * 6
    wrong = check_file(load_text((examples / "matrix_slips.toml").read_text()))
    assert [r.status for r in wrong] == ["refuted"] * 4
    slips = [r.verdict.slip for r in wrong]
    assert slips[0] == "the right side is m times the left side"
    assert "numerator layout" in slips[1]
    assert "in another order" in slips[2]
    assert "uses ⊙ where the left side has the matrix product" in slips[3]


def test_a_matrix_definition_has_entries_and_is_shown_by_its_name():
    text = """\
    [symbols]
    B = "positive integer"
    K = "positive integer"
    i = "index 1..B"
    c = "index 1..K"
    Z = "matrix B x K"
    T = "matrix B x K"

    [define]
    P = "softmax_rows(Z)"

    [[derivation]]
    name = "E"
    start = "-trace(T.T @ log(P))"
    steps = [ "-sum(sum(T[i, c] * log(P[i, c]), (c, 1, K)), (i, 1, B))" ]
    """
    (result,) = _results(text)
    assert result.status == "proved"
    assert "P" in result.lhs and "Softmax" not in result.lhs


def test_a_one_by_one_product_beside_a_number_is_a_number():
    text = LINEAR.split("[[derivation]]")[0] + (
        'E = "(theta.T @ theta - m) ** 2 / 2"\n'
        '[[derivation]]\nname = "e"\nstart = "grad(E, theta)"\n'
        'steps = [ "2 * (theta.T @ theta - m) * theta", "(theta.T @ theta - m) * theta" ]\n'
    )
    text = text.replace("[define]\n", "[define]\n", 1)
    assert [r.status for r in _results(text)] == ["proved", "refuted"]
    assert "a number added to a matrix" in _error(_with("X + 1")).message  # still an error
