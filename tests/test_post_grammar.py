"""The LaTeX reader, construct by construct: each is read into the SymPy object it means, which
the checker then proves (a right claim) or refutes (a wrong one: the reading is not vacuous)."""

from __future__ import annotations

import pytest
from post_support import check, only, read, statuses
from sympy import Indexed, KroneckerDelta, Sum

from derive.sources.posts.display import show
from derive.sources.posts.latex.grammar import parse_row
from derive.sources.posts.latex.rows import rows
from derive.sources.posts.latex.tokens import LatexError
from derive.sources.posts.names import Name, label_kind


def _claim(text: str):
    """The (lhs, rhs) of the one claim of ``$$ text $$``, as built."""
    post = read(f"$$ {text} $$")
    claims = [i for i in post.items if i.status is None]
    assert len(claims) == 1
    return post, claims[0].lhs, claims[0].rhs


@pytest.mark.parametrize(
    ("written", "base", "shown"),
    [
        ("t_k", "t", "t_k"),
        ("W_{kj}", "W", "W_{kj}"),
        ("z_k^L", "z^L", "z^L_k"),
        ("a_j^{L-1}", "a^{L-1}", "a^{L-1}_j"),
        ("w_{in}^{L-2}", "w^{L-2}", "w^{L-2}_{in}"),
        ("W_{k,j}", "W", "W_{kj}"),
        ("z^{(l)}_k", "z^{(l)}", "z^{(l)}_k"),
    ],
)
def test_indexed_symbols_keep_their_indices_and_layer_labels(written, base, shown) -> None:
    post, lhs, _ = _claim(f"{written} = 0 + {written}")
    assert isinstance(lhs, Indexed)
    assert post.scope.shown_names[lhs.base] == base
    assert show(post.scope, lhs).replace("{", "").replace("}", "") == shown.replace(
        "{", ""
    ).replace("}", "")


def test_indices_are_integer_symbols_and_distinct_letters_are_distinct() -> None:
    _, lhs, _ = _claim("W_{kj} = 0 + W_{kj}")
    k, j = lhs.indices
    assert k.is_integer and j.is_integer and k != j


@pytest.mark.parametrize(
    ("sup", "kind"),
    [
        ("L", "label"),
        ("L-1", "label"),
        ("L+1", "label"),
        ("l", "label"),
        ("(l)", "label"),
        ("[2]", "label"),
        ("2", "power"),
        ("n", "power"),
        ("-1", "power"),
        ("k+1", "power"),
        ("T", "transpose"),
    ],
)
def test_the_label_rule(sup: str, kind: str) -> None:
    assert label_kind(sup, {}) == kind


def test_declarations_override_the_label_rule() -> None:
    assert label_kind("L", {"L": "power"}) == "power"
    assert label_kind("L+1", {"L": "power"}) == "power"
    assert label_kind("n", {"n": "label"}) == "label"
    text = '<!-- derive\n[superscripts]\nn = "label"\n-->\n$$ x^n_k = x^n_k + 0 $$'
    post = read(text)
    claim = next(i for i in post.items if i.status is None)
    assert post.scope.shown_names[claim.lhs.base] == "x^n"


def test_a_power_is_a_power_and_a_label_is_not() -> None:
    assert only("$$ x^2 x = x^3 $$").status == "proved"
    assert only("$$ a^L_k a^L_k = (a^L_k)^2 $$").status == "proved"
    # a^L is a name, not a to the L: a^L a^L is not a^{2L}
    assert only("$$ a^L a^L = a^{2L} $$").status == "refuted"


@pytest.mark.parametrize("transpose", ["^T", "^\\top", "^{\\mathsf{T}}", "^\\intercal"])
def test_a_transpose_makes_a_matrix(transpose: str) -> None:
    assert only(f"$$ W{transpose} = W{transpose} + 0 $$").status == "proved"
    assert only(f"$$ (A B){transpose} = B{transpose} A{transpose} $$").status == "proved"
    # a slip: false wherever both sides are written (square A and B)
    assert only(f"$$ (A B){transpose} = A{transpose} B{transpose} $$").status == "refuted"
    # two column vectors multiplied: only if b had one row, which nothing states
    result = only(f"$$ (a b){transpose} = b{transpose} a{transpose} $$")
    assert result.status == "cannot check" and "size 1" in result.detail


@pytest.mark.parametrize(
    "text",
    [
        r"\sum_{k=1}^{K} t_k = \sum_{d=1}^{K} t_d",
        r"\sum_{k=1}^{K} t_k = \sum_k^K t_k",
        r"\sum_{k=1}^{K} t_k = \sum_k t_k",  # the range of k comes from the other sum over k
    ],
)
def test_sum_forms(text: str) -> None:
    assert statuses(f"$$ {text} $$") == ["proved"]


def test_a_sum_takes_its_range_from_declarations() -> None:
    text = '<!-- derive\n[symbols]\nk = "index 1..K"\n-->\n$$ \\sum_k t_k = \\sum_{d=1}^{K} t_d $$'
    assert statuses(text) == ["proved"]


def test_sums_without_any_range_share_one_size_checked_for_every_value() -> None:
    post = read(r"$$ \sum_k t_k = \sum_j t_j $$" + "\n\n" + r"$$ \sum_k t_k = t_1 + t_2 $$")
    assert any("sums without a range run from 1 to n" in line for line in post.defaults)
    assert statuses(r"$$ \sum_k t_k = \sum_j t_j $$") == ["proved"]
    assert statuses(r"$$ \sum_k t_k = t_1 + \sum_j t_j - t_1 $$") == ["proved"]
    assert statuses(r"$$ \sum_k t_k = t_1 + t_2 $$") == ["refuted"]  # not for every size


def test_sum_bounds_are_sums_limits() -> None:
    post, lhs, _ = _claim(r"\sum_{c=1}^{K} t_c = 0 + \sum_{c=1}^{K} t_c")
    assert isinstance(lhs, Sum)
    ((_, lo, hi),) = lhs.limits
    assert lo == 1 and show(post.scope, hi) == "K"


def test_a_sum_takes_the_rest_of_the_product_and_stops_at_plus() -> None:
    assert only(r"$$ \sum_{k=1}^{K} t_k x - y = x \sum_{k=1}^{K} t_k - y $$").status == "proved"
    wrong = only(r"$$ \sum_{k=1}^{K} t_k x - y = \sum_{k=1}^{K} (t_k x - y) $$")
    assert wrong.status == "refuted"


def test_fractions_and_derivatives() -> None:
    assert only(r"$$ \frac{x^2 - 1}{x - 1} = x + 1 $$").status == "proved"
    assert only(r"$$ \frac{\partial (x^2 y)}{\partial x} = 2 x y $$").status == "proved"
    assert only(r"$$ \frac{\partial}{\partial x} (x^2 y) = 2 x y $$").status == "proved"
    assert only(r"$$ \frac{\mathrm{d}}{\mathrm{d}x} x^3 = 3x^2 $$").status == "proved"
    assert only(r"$$ \frac{d x^3}{d x} = 3 x^2 $$").status == "proved"
    assert only(r"$$ \frac{\partial (x^2 y)}{\partial y} = 2 x y $$").status == "refuted"


def test_products_of_partial_fractions_are_the_chain_rule() -> None:
    text = r"""
$$ u = x^2 $$

$$ f = \sin u $$
"""
    # \sin is not read: the reader says so instead of guessing
    assert any(r.status == "cannot read" for r in check(text))
    text = r"""
$$ u = x^2 $$

$$ f = e^{u} $$

$$ \frac{\partial f}{\partial x} = \frac{\partial f}{\partial u} \frac{\partial u}{\partial x} $$
"""
    assert statuses(text) == ["proved"]


@pytest.mark.parametrize(
    ("text", "status"),
    [
        (r"\log(e^{x}) = x", "proved"),
        (r"log(e^{x}) = x", "proved"),
        (r"\ln \exp(x) = x", "proved"),
        (r"\exp(a + b) = e^{a} e^{b}", "proved"),
        (r"\max(0, x) = relu(x)", "proved"),
        (r"max(0, x) = \operatorname{relu}(x)", "proved"),
        (r"\sigma(-x) = \frac{1}{1 + e^{x}}", "proved"),
        (r"\sigma(-x) = \frac{1}{1 + e^{-x}}", "refuted"),
        (r"\frac{d}{dx} \sigma(x) = \sigma(x) (1 - \sigma(x))", "proved"),
        (r"\sigma'(x) = \sigma(x) (1 + \sigma(x))", "refuted"),
        (r"\log_2 8 = 3", "proved"),
        (r"\left( a + b \right) c = a c + b \cdot c", "proved"),
        (r"a \times b = b a", "proved"),
        (r"\alpha \beta = \beta \alpha", "proved"),
        (r"\eta (a - b) = \eta a - \eta b", "proved"),
        (r"x + x = 2x \quad \text{(collect terms)}", "proved"),
        (r"x + x = 2x \tag{4}", "proved"),
        (r"x + x = 2x \nonumber", "proved"),
        (r"\sqrt{x^2} = x", "refuted"),
    ],
)
def test_functions_operators_and_annotations(text: str, status: str) -> None:
    assert only(f"$$ {text} $$").status == status


def test_softmax_is_the_normalized_exponential_over_the_index_range() -> None:
    text = r"$$ a_k = softmax(z_k) = \frac{e^{z_k}}{\sum_{c=1}^{K} e^{z_c}} $$"
    assert statuses(text) == ["proved"]
    wrong = r"$$ a_k = softmax(z_k) = \frac{e^{z_k}}{\sum_{c=1}^{K} e^{z_c} + 1} $$"
    assert statuses(wrong) == ["refuted"]


def test_indicator_and_kronecker_delta() -> None:
    _, lhs, _ = _claim(r"\mathbb{1}_{d=k} = 0 + \mathbb{1}_{d=k}")
    assert isinstance(lhs, KroneckerDelta)
    assert only(r"$$ \sum_{d=1}^{K} \delta_{dk} t_d = t_k $$").status == "proved"
    assert only(r"$$ \sum_{d=1}^{K} \mathbb{1}_{d=k} t_d = t_k $$").status == "proved"
    assert only(r"$$ \sum_{d=1}^{K} \mathbb{1}_{d=k} t_d = t_d $$").status == "refuted"


def test_aligned_rows_form_one_chain() -> None:
    text = (
        "$$\n\\begin{align*}\nf &= (x+1)^2 \\\\\n"
        "  &= x^2 + 2x + 1 \\\\\n  &= x^2 + 1\n\\end{align*}\n$$"
    )
    results = check(text)
    assert [r.status for r in results] == ["proved", "refuted"]
    assert [r.step for r in results] == [1, 2]
    assert results[1].lhs == "x^2 + 2x + 1"  # the line before, not the definition


def test_a_chain_is_checked_link_by_link() -> None:
    results = check(r"$$ (a+b)^2 = a^2 + 2ab + b^2 = a^2 + b^2 = (a - b)^2 + 2ab $$")
    assert [r.status for r in results] == ["proved", "refuted", "proved"]


def test_cases_in_definitions() -> None:
    text = r"$$ r = \begin{cases} x & x > 0 \\ 0 & \text{otherwise} \end{cases} = \max(0, x) $$"
    assert statuses(text) == ["proved"]
    text = r"$$ r = \begin{cases} x & \text{if } x > 0 \\ 0 & \text{otherwise} \end{cases} = x $$"
    assert statuses(text) == ["refuted"]


def test_two_equations_on_one_row() -> None:
    text = r"$$ u = 2 + 2, \quad 2 v = v + v $$"
    assert statuses(text) == ["proved"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (r"= max(0, z_i", "never closed"),
        (r"\Delta W \propto =-\frac{\partial E}{\partial W}", r"\propto"),
        (r"x = \int f", r"\int"),
        (r"x = \log y z", "unexpected"),
        (r"x = a \vdots b", "elided"),
        (r"x = y)", "closes nothing"),
    ],
)
def test_what_is_not_read_says_why(text: str, message: str) -> None:
    (row,) = rows(text)
    with pytest.raises(LatexError, match=message.replace("\\", "\\\\")):
        if row.error:
            raise row.error
        parse_row(row.tokens, text)


def test_names_are_generated_never_the_users_text() -> None:
    _, lhs, rhs = _claim(r"\theta_k = 0 + \theta_k")
    names = {s.name for s in (lhs - rhs).free_symbols} | {lhs.base.name}
    assert all(n.startswith("s") and n[1:].isdigit() for n in names)
    assert Name("θ").shown("k") == "θ_k"
