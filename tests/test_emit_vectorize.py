"""The vectorization rules of the general emitter, one small derivation file each: sums become
reductions and matrix products, a Kronecker delta selects, kinks follow the expression's own
convention at 0, sizes come from the shapes, and the printed code has no Python loop."""

from __future__ import annotations

import numpy as np
import pytest

from derive.emit import Options, _compiled, emit_files
from derive.emit.stable import stable_form

HEADER = """
[symbols]
K = "positive integer"
J = "positive integer"
k = "index 1..K"
c = "index 1..K"
d = "index 1..K"
j = "index 1..J"
i = "index 1..J"
t = "real[K]"
x = "real[J]"
W = "real[K, J]"
A = "real[K, K]"
u = "real"
"""


def emitted(tmp_path, derivations: str, options: Options | None = None):
    path = tmp_path / "file.toml"
    path.write_text(HEADER + derivations)
    result = emit_files([path], options or Options(batch="none"))
    assert result.text is not None, [o.message() for o in result.outcomes]
    return result.text, _compiled(result.text, "emitted")


def derivation(name: str, start: str, step: str) -> str:
    return f'[[derivation]]\nname = "{name}"\nstart = "{start}"\nsteps = ["{step}"]\n'


def test_a_delta_inside_a_sum_selects_and_builds_no_identity(tmp_path) -> None:
    text, m = emitted(
        tmp_path,
        derivation(
            "pick", "sum(t[d] * delta(d, k), (d, 1, K))", "sum(delta(k, d) * t[d], (d, 1, K))"
        ),
    )
    assert "eye" not in text and "equal" not in text.split("def pick")[1]
    t = np.arange(5.0)
    np.testing.assert_array_equal(m.pick(t), t)


def test_a_delta_in_a_sum_of_terms_is_distributed_then_selects(tmp_path) -> None:
    text, m = emitted(
        tmp_path,
        derivation(
            "grad",
            "sum(t[d] * (delta(d, k) - t[k]), (d, 1, K))",
            "sum(t[d] * (delta(d, k) - t[k]), (d, 1, K))",
        ),
    )
    body = text.split("def grad")[1]
    assert "equal" not in body
    t = np.array([0.2, 0.3, 0.5, 1.0])
    np.testing.assert_allclose(m.grad(t), t - t * t.sum())


def test_a_free_delta_is_a_comparison_of_index_values(tmp_path) -> None:
    _, m = emitted(tmp_path, derivation("jacobian", "t[c] * delta(c, k)", "delta(k, c) * t[c]"))
    t = np.array([1.0, 2.0, 3.0])
    np.testing.assert_array_equal(m.jacobian(t), np.diag(t))


def test_sums_of_products_are_matrix_products_and_an_index_is_a_value(tmp_path) -> None:
    text, m = emitted(
        tmp_path,
        derivation("Wx", "sum(W[k, i] * x[i], (i, 1, J))", "sum(x[i] * W[k, i], (i, 1, J))")
        + derivation(
            "AtA", "sum(A[c, k] * A[c, d], (c, 1, K))", "sum(A[c, d] * A[c, k], (c, 1, K))"
        )
        + derivation("weighted", "sum(c * t[c], (c, 1, K))", "sum(t[c] * c, (c, 1, K))"),
    )
    body = text.split("def Wx")[1]
    assert "numpy.dot(" in body and "einsum" not in body
    rng = np.random.default_rng(0)
    W, x, A, t = (
        rng.normal(size=(3, 4)),
        rng.normal(size=4),
        rng.normal(size=(3, 3)),
        rng.normal(size=3),
    )
    np.testing.assert_allclose(m.Wx(W=W, x=x), W @ x)  # declared order: x, W
    np.testing.assert_allclose(m.AtA(A), A.T @ A)
    np.testing.assert_allclose(m.weighted(t=t), np.dot(np.arange(1, 4), t))


def test_a_vector_times_a_matrix_needs_no_transposed_view_and_numbers_come_first(
    tmp_path,
) -> None:
    # A[c, k] summed against t[c] over c is t @ A; printed as A.T @ t it costs a view a call
    text, m = emitted(
        tmp_path,
        derivation("g", "sum(A[c, k] * t[c], (c, 1, K))", "sum(t[c] * A[c, k], (c, 1, K))")
        + derivation("h", "(t[c] * 2 + 3) * u", "(2 * t[c] + 3) * u"),
    )
    g, h = text.split("def g(")[1].split("def h(")
    assert "numpy.dot(t, A)" in g and ".T" not in g
    assert "2 * t" in h and "3 + " in h
    rng = np.random.default_rng(1)
    A, t, u = rng.normal(size=(3, 3)), rng.normal(size=3), 0.7
    np.testing.assert_allclose(m.g(A=A, t=t), t @ A)
    np.testing.assert_array_equal(m.h(t=t, u=u), (t * 2 + 3) * u)


def test_row_and_column_sums_take_a_product_along_short_rows_and_reduce_long_ones(
    tmp_path,
) -> None:
    # as the built-in output layer does (at most 64 entries a row: BLAS with ones, else
    # NumPy's reduction); with a symbolic row length the large body decides at run time
    text, m = emitted(
        tmp_path,
        derivation("rows", "sum(W[k, i], (i, 1, J))", "sum(W[k, j], (j, 1, J))")
        + derivation("columns", "sum(W[c, j], (c, 1, K))", "sum(W[d, j], (d, 1, K))"),
    )
    rows = text.split("def rows(")[1]
    assert "numpy.dot(W, _ones(J, dtype))" in rows and "numpy.add.reduce(W, 1)" in rows
    assert "if J <= 64:" in rows
    rng = np.random.default_rng(2)
    for shape in [(3, 100), (3, 2000), (100, 50), (2000, 3)]:  # small body; large, both ways
        W = rng.normal(size=shape)
        np.testing.assert_allclose(m.rows(W), W.sum(axis=1), rtol=1e-12)
        np.testing.assert_allclose(m.columns(W), W.sum(axis=0), rtol=1e-12)


ZERO_BASED = """
[symbols]
n = "positive integer"
m = "positive integer"
l = "index 0..n"
i = "index 0..n-1"
j = "index 1..n"
p = "index m..n"
a = "real[n]"
b = "real[n]"
c = "real[n]"
gamma = "real"
"""


def test_zero_based_ranges_read_n_from_an_axis_of_n_or_n_plus_1_entries(tmp_path) -> None:
    path = tmp_path / "zero.toml"
    path.write_text(
        ZERO_BASED
        + derivation(
            "mixed",
            "sum(gamma**l * a[l], (l, 0, n)) + sum(b[j], (j, 1, n)) + sum(c[i], (i, 0, n - 1))",
            "sum(a[l] * gamma**l, (l, 0, n)) + sum(b[j], (j, 1, n)) + sum(c[i], (i, 0, n - 1))",
        )
        + derivation("window", "sum(a[p], (p, m, n))", "sum(a[p], (p, m, n))")
    )
    result = emit_files([path], Options(batch="none"))
    outcomes = {o.result.name: o for o in result.outcomes}
    assert outcomes["mixed"].function == "mixed"
    reason = outcomes["window"].reason  # n - m + 1 entries: no one shape gives n and m
    assert "the range m..n has size" in reason and "\n" not in reason
    m = _compiled(result.text, "zero")
    a, b, c, gamma = np.arange(5.0), np.ones(4), np.full(4, 2.0), 0.5
    want = sum(gamma**k * a[k] for k in range(5)) + b.sum() + c.sum()
    np.testing.assert_allclose(m.mixed(a, b, c, gamma), want)
    for bad, named in [((np.ones(5), np.ones(5), c), "b has shape (5,), expected (n,) = (4,)")]:
        with pytest.raises(ValueError) as caught:
            m.mixed(*bad, gamma)
        assert str(caught.value).startswith(f"mixed: {named}; n = 4 (from a)")
        assert "\n" not in str(caught.value)
    with pytest.raises(ValueError, match="mixed: a has shape"):
        m.mixed(np.ones((5, 1)), b, c, gamma)


def test_one_index_name_summed_over_two_ranges_is_two_axes(tmp_path) -> None:
    # j over 1..n, then j again over 1..m: each sum's arange has its own length
    path = tmp_path / "two.toml"
    path.write_text(
        ZERO_BASED
        + derivation(
            "two",
            "sum(gamma**j * a[j], (j, 1, n)) + sum(gamma**j * b[j], (j, 1, m))",
            "sum(a[j] * gamma**j, (j, 1, n)) + sum(b[j] * gamma**j, (j, 1, m))",
        )
    )
    m = _compiled(emit_files([path], Options(batch="none")).text, "two")
    a, b, gamma = np.arange(1.0, 4.0), np.arange(1.0, 6.0), 0.5
    powers = gamma ** np.arange(1, 6)
    np.testing.assert_allclose(m.two(a, b, gamma), powers[:3] @ a + powers @ b)


def test_max_and_heaviside_follow_the_expressions_convention_at_zero(tmp_path) -> None:
    text, m = emitted(
        tmp_path,
        derivation("relu", "max(u, 0)", "max(0, u)")
        + derivation("step", "diff(max(0, u), u)", "Heaviside(u)"),
    )
    assert "numpy.maximum" in text and "numpy.heaviside" in text
    assert m.relu(-2.0) == 0.0 and m.relu(3.0) == 3.0
    # SymPy's Heaviside(0) is 1/2, the value the proof used; emitted code keeps it
    assert [float(m.step(v)) for v in (-1.0, 0.0, 2.0)] == [0.0, 0.5, 1.0]


def test_a_three_way_contraction_falls_back_on_einsum_and_agrees(tmp_path) -> None:
    text, m = emitted(
        tmp_path,
        derivation(
            "trilinear",
            "sum(A[k, c] * t[c] * A[c, k], (c, 1, K))",
            "sum(A[c, k] * A[k, c] * t[c], (c, 1, K))",
        ),
    )
    A, t = np.random.default_rng(1).normal(size=(4, 4)), np.arange(4.0)
    assert "numpy.einsum(" in text.split("def trilinear")[1]
    np.testing.assert_allclose(m.trilinear(A=A, t=t), np.einsum("kc,c,ck->k", A, t, A))


def test_concrete_sizes_are_checked_and_symbolic_ones_read_from_the_first_argument(tmp_path):
    _, m = emitted(
        tmp_path,
        derivation("Wx", "sum(W[k, i] * x[i], (i, 1, J))", "sum(x[i] * W[k, i], (i, 1, J))"),
    )
    with pytest.raises(
        ValueError, match=r"W has shape \(2, 4\), expected \(K, J\) = \(2, 3\); J = 3"
    ):
        m.Wx(W=np.zeros((2, 4)), x=np.zeros(3))
    path = tmp_path / "fixed.toml"
    path.write_text(
        HEADER.replace('K = "positive integer"', "K = 3") + derivation("sq", "t[k]**2", "t[k]*t[k]")
    )
    fixed = _compiled(emit_files([path], Options(batch="none")).text, "fixed")
    with pytest.raises(ValueError, match=r"t has shape \(4,\), expected \(3,\)"):
        fixed.sq(np.zeros(4))


def test_stable_rewrites_replace_the_unstable_patterns() -> None:
    from sympy import IndexedBase, Sum, Symbol, exp, log

    x = Symbol("x", real=True)
    K = Symbol("K", integer=True, positive=True)
    c = Symbol("c", integer=True, positive=True)
    z = IndexedBase("z", real=True)
    total = Sum(exp(z[c]), (c, 1, K))
    cases = {
        log(1 + exp(x)): "log(1 + e^x)",
        1 / (1 + exp(-x)): "sigmoid",
        log(1 / (1 + exp(-x))): "log-sigmoid",
        log(total): "log-sum-exp",
        log(exp(x) / total): "log-softmax",
        exp(x) / total: "softmax",
        x * log(x): "x log x at 0",
        exp(2 * x) / total**2: "softmax",  # the softmax's Jacobian written out
        exp(-x) / (1 + exp(-x)) ** 2: "sigmoid slope",
        (exp(x) - exp(-x)) / (exp(x) + exp(-x)): "tanh",
        1 - (exp(x) - exp(-x)) ** 2 / (exp(x) + exp(-x)) ** 2: "tanh",
    }
    for expr, name in cases.items():
        _, used = stable_form(expr)
        assert name in used, (expr, used)
    # a complex argument is left as it is: the claims hold for real numbers
    w = Symbol("w")
    assert stable_form(log(1 + exp(w))) == (log(1 + exp(w)), ())


def test_arguments_real_wherever_they_are_defined_are_rewritten_too(tmp_path) -> None:
    # t_k / u is undefined at u = 0, never complex: the softmax of a temperature is shifted
    from sympy import Symbol

    from derive.emit.stable import real

    x, u = Symbol("x", real=True), Symbol("u", real=True)
    assert real(x / u) and not real(Symbol("w") / u)
    _, m = emitted(
        tmp_path,
        derivation(
            "tempered",
            "exp(t[k] / u) / sum(exp(t[c] / u), (c, 1, K))",
            "exp(t[k] / u) / sum(exp(t[d] / u), (d, 1, K))",
        ),
    )
    t = np.array([1e4, -1e4, 1e4 - 1])
    got = m.tempered(t, 0.5)
    expected = np.array([1.0, 0.0, np.exp(-2.0)]) / (1 + np.exp(-2.0))
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-300)


def test_forms_written_out_in_the_logits_are_tidied_before_the_rewrites(tmp_path) -> None:
    # a constant in every term of the softmax, and a delta that selects inside the sum: both
    # hide the softmax from its rewrite until the tidy form (proved equal) shows it
    _, m = emitted(
        tmp_path,
        derivation(
            "scaled",
            "u**2 * exp(t[k]) / sum(u**2 * exp(t[c]), (c, 1, K))",
            "u**2 * exp(t[k]) / sum(u**2 * exp(t[d]), (d, 1, K))",
        )
        + derivation(
            "picked",
            "sum(exp(t[c]) * delta(c, k), (c, 1, K)) / sum(exp(t[d]), (d, 1, K))",
            "sum(exp(t[c]) * delta(c, k), (c, 1, K)) / sum(exp(t[d]), (d, 1, K))",
        ),
    )
    t = np.array([1e4, -1e4, 1e4 - 1])
    expected = np.array([1.0, 0.0, np.exp(-1.0)]) / (1 + np.exp(-1.0))
    np.testing.assert_allclose(m.scaled(t), expected, rtol=1e-12, atol=1e-300)  # u^2 cancels
    np.testing.assert_allclose(m.picked(t), expected, rtol=1e-12, atol=1e-300)


def test_small_integer_powers_are_products_and_a_product_is_not_multiplied_out(tmp_path):
    text, m = emitted(
        tmp_path,
        derivation("cube", "(u - 1) * (1 - u**3)", "(u - 1) * (1 - u**3)")
        + derivation("fifth", "u**5", "u**5"),
    )
    assert "numpy.power" not in text  # about 15 times slower than the products
    assert m.cube(2.0) == pytest.approx(-7.0) and m.fifth(-2.0) == pytest.approx(-32.0)
    body = text[text.index("def cube") : text.index("def fifth")]
    assert "= 1 - _" in body and "= u - 1" in body  # the factors as written, not u^4 - ...


def test_the_header_lists_each_rewrite_used_with_its_verdict(tmp_path) -> None:
    text, m = emitted(
        tmp_path,
        derivation("softplus", "log(1 + exp(u))", "log(exp(u) + 1)")
        + derivation("lse", "log(sum(exp(t[c]), (c, 1, K)))", "log(sum(exp(t[d]), (d, 1, K)))"),
    )
    header = text.split('"""')[1]
    assert "log(1 + e^x): log(exp(x) + 1) = log(1 + exp(-Abs(x))) + Max(0, x)  proved" in header
    assert "log-sum-exp:" in header and header.count("proved") >= 2
    assert np.isfinite(m.softplus(1e4)) and abs(m.softplus(1e4) - 1e4) < 1e-8
    t = np.array([1e4, -1e4, 1e4 - 1])
    assert np.isfinite(m.lse(t)) and abs(m.lse(t) - (1e4 + np.log1p(np.exp(-1.0)))) < 1e-8


def test_a_trivial_result_prints_exactly_this_function(tmp_path) -> None:
    text, _ = emitted(tmp_path, derivation("double", "2*u", "u + u"))
    function = text[text.index("def double") :]
    assert function == (
        "def double(u):\n"
        '    """double\n'
        "\n"
        "    Args: u scalar. Returns a scalar.\n"
        '    """\n'
        "    dtype = _F64\n"
        "    if type(u) is not float:\n"
        '        (u,), dtype = _converted("double", _spec_double, (u,))\n'
        "    _0 = 2 * u\n"
        "    return dtype.type(_0)\n"
    )
