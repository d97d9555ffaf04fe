"""The rules that give a post its meaning: definitions and claims, derivatives of defined
symbols, derivatives nothing depends on, declarations, defaults, and the hidden conditions."""

from __future__ import annotations

import pytest
from post_support import check, check_all, only, read, statuses

from derive.sources.toml.parse import ParseError

SOFTMAX = r"""
$$ a_k = \frac{e^{z_k}}{\sum_{c=1}^{K} e^{z_c}} $$

$$ E = -\sum_{k=1}^{K} t_k \log a_k $$
"""


def test_an_undefined_symbol_on_the_left_defines_it_and_the_rest_are_claims() -> None:
    post = read(r"$$ f = (x + 1)^2 = x^2 + 2x + 1 $$")
    assert [i.status for i in post.items] == ["not a claim", None]  # the definition, a claim
    assert post.items[0].kind == "definition"
    assert post.items[1].lhs_text == "(x + 1)^2"
    assert len(post.definitions.table) == 1


def test_a_defined_symbol_on_the_left_is_a_claim() -> None:
    results = check("$$ f = x^2 $$\n\n$$ f = x \\cdot x $$\n\n$$ f = 2x $$")
    assert [r.status for r in results] == ["proved", "refuted"]
    assert [r.lhs for r in results] == ["f", "f"]


def test_an_indexed_definition_is_instantiated_at_other_indices() -> None:
    text = SOFTMAX + r"$$ \sum_{c=1}^{K} a_c = 1 $$"
    assert statuses(text) == ["proved"]


def test_a_definition_that_refers_to_itself_is_a_claim_or_an_update() -> None:
    assert statuses("$$ x = x + 0 $$") == ["proved"]
    (update,) = check_all("$$ x = x + 1 $$")  # w = w - eta g: an update, never refuted
    assert update.status == "not a claim" and update.kind == "definition"


def test_the_derivative_of_e_in_a_keeps_a_as_a_variable() -> None:
    text = SOFTMAX + r"$$ \frac{\partial E}{\partial a_k} = -\frac{t_k}{a_k} $$"
    assert statuses(text) == ["proved"]


def test_the_derivative_of_e_in_z_writes_a_out() -> None:
    text = SOFTMAX + r"$$ \frac{\partial E}{\partial z_k} = a_k \sum_{d=1}^{K} t_d - t_k $$"
    assert statuses(text) == ["proved"]
    # the single-path chain rule through a_k alone is wrong
    text = SOFTMAX + (
        r"$$ \frac{\partial E}{\partial z_k} = "
        r"\frac{\partial E}{\partial a_k} \frac{\partial a_k}{\partial z_k} $$"
    )
    result = only(text)
    assert result.status == "refuted" and result.verdict.counterexample


def test_a_derivative_with_respect_to_an_absent_symbol_is_never_zero() -> None:
    text = SOFTMAX + r"$$ \frac{\partial E}{\partial y_k} = 0 $$"
    result = only(text)
    assert result.status == "cannot check"
    assert result.detail == "E does not depend on y_k"


def test_did_you_mean_names_the_symbol_with_the_same_letter() -> None:
    text = r"""
$$ z_k = \sum_{j=1}^{J} w^L_{kj} x_j $$

$$ \frac{\partial z_k}{\partial W_{kj}} = x_j $$
"""
    result = only(text)
    assert result.status == "cannot check"
    assert result.detail.startswith("z_k does not depend on W_{kj} (did you mean w^L_{kj}?)")
    assert "read as suggested, it is proved" in result.detail


def test_a_step_refuted_when_read_as_suggested_is_refuted_with_its_counterexample() -> None:
    text = r"""
$$ z_k = \sum_{j=1}^{J} w^L_{kj} x_j $$

$$ \frac{\partial z_k}{\partial W_{kj}} = 2 x_j $$
"""
    result = only(text)
    assert result.status == "refuted"
    assert "did you mean w^L_{kj}?" in result.detail and result.verdict.counterexample


def test_an_alias_declares_what_a_name_means() -> None:
    text = r"""<!-- derive
[aliases]
"W_{kj}" = "w^L_{kj}"
-->
$$ z_k = \sum_{j=1}^{J} w^L_{kj} x_j $$

$$ \frac{\partial z_k}{\partial W_{kj}} = x_j $$
"""
    assert statuses(text) == ["proved"]


def test_declared_domains_are_used() -> None:
    claim = r"$$ \sqrt{x^2} = x $$"
    assert statuses(claim) == ["refuted"]
    assert statuses('<!-- derive\n[symbols]\nx = "positive"\n-->\n' + claim) == ["proved"]


def test_declared_index_ranges_and_sizes() -> None:
    text = "<!-- derive\n[symbols]\nK = 3\n-->\n$$ \\sum_{k=1}^{K} t_k = t_1 + t_2 + t_3 $$"
    assert statuses(text) == ["proved"]
    text = '<!-- derive\n[symbols]\nd = "index 1..K"\n-->\n$$ \\sum_d \\delta_{dk} = 1 $$'
    result = only(text)
    # k's range is not given: it names an entry of what the claim sums over, so it runs over
    # the sum's range (refuted only outside it, where the author claims nothing), named
    assert result.status == "proved"
    assert "for 1 ≤ k ≤ K (the range of the sums it writes" in result.detail


def test_a_free_index_without_a_range_runs_over_the_claims_sums() -> None:
    text = r"""
$$ h_\theta(x) = \theta_0 x_0 + \theta_1 x_1 + \dots + \theta_n x_n $$

$$ \frac{\partial}{\partial \theta_j} h_\theta(x) = x_j $$

$$ \frac{\partial}{\partial\theta_j}(\theta_0x_0+\dots+\theta_nx_n) = x_j $$
"""
    for result in (r for r in check(text) if r.status != "not a claim"):
        assert result.status == "proved"
        assert "for 0 ≤ j ≤ n (the range of the sums it writes" in result.detail
    slip = text.replace("\\theta_nx_n) = x_j", "\\theta_nx_n) = x_{j+1}")
    assert [r.status for r in check(slip) if r.status != "not a claim"] == ["proved", "refuted"]


def test_a_declared_assumption_is_used_and_named() -> None:
    text = r"""<!-- derive
[assume]
targets = '\sum_{d=1}^{K} t_d = 1'
-->
$$ a \sum_{d=1}^{K} t_d - t_1 = a - t_1 $$
"""
    result = only(text)
    assert result.status == "proved" and "Σ_{d=1}^{K} t_d = 1" in result.message()


def test_the_tex_declarations_block_is_a_comment() -> None:
    text = r"""% derive
% [symbols]
% x = "positive"
\begin{equation}
\sqrt{x^2} = x
\end{equation}
"""
    assert statuses(text, "tex") == ["proved"]


@pytest.mark.parametrize(
    ("block", "message"),
    [
        ('[symbols]\nx = "reel"', "unknown domain"),
        ("[symbols]\nK = 1000", "size"),
        ('[colors]\nx = "red"', "unknown table"),
        ('[superscripts]\nL = "maybe"', "label"),
        ("[assume]\nbad = 'x \\propto y'", "assume.bad"),
        ('[aliases]\n"W_{kj}" = "w_{jk}"', "indices"),
        ("[symbols\n", "TOML"),
    ],
)
def test_a_bad_declaration_is_an_error_with_its_line(block: str, message: str) -> None:
    text = "Intro\n\n<!-- derive\n" + block + "\n-->\n\n$$ x = 1 $$\n"
    with pytest.raises(ParseError, match=message) as error:
        read(text)
    assert error.value.line >= 3


def test_defaults_are_listed() -> None:
    post = read(SOFTMAX + r"$$ \frac{\partial E}{\partial a^L_k} = 0 $$")
    text = "\n".join(post.defaults)
    assert "real numbers (no domain declared): " in text and "t" in text
    assert "sizes, positive integers, checked for every value: K" in text
    assert "index k runs from 1 to K (from the sum over k at line 4)" in text
    assert "layer labels, not powers: superscripts ^L" in text
    assert "t are the targets" in text
    declared = read(
        '<!-- derive\n[symbols]\nt = "nonnegative"\nK = "positive integer"\n-->' + SOFTMAX
    )
    assert "t" not in declared.defaults[0].split(": ")[1].split(", ")
    assert not any(line.startswith("sizes") for line in declared.defaults)


def test_hidden_condition_targets_sum_to_one() -> None:
    text = SOFTMAX + r"$$ a_k \sum_{d=1}^{K} t_d - t_k = a_k - t_k $$"
    result = only(text)
    assert result.status == "refuted"
    assert "refuted as written; proved if Σ_d t_d = 1 (not stated in the text)" in result.detail
    assert result.verdict.counterexample  # still shown
    assert " at " in result.message() and "lhs = " in result.message()


def test_hidden_condition_targets_are_nonnegative() -> None:
    text = r"$$ \sum_{d=1}^{K} \sqrt{t_d^2} = \sum_{d=1}^{K} t_d $$"
    result = only(text)
    assert result.status == "refuted"
    assert "proved if t_d ≥ 0 (not stated in the text)" in result.detail


def test_a_wrong_step_stays_refuted_under_every_hidden_condition() -> None:
    result = only(SOFTMAX + r"$$ a_k \sum_{d=1}^{K} t_d - t_k = a_k + t_k $$")
    assert result.status == "refuted" and "proved if" not in result.detail


def test_stating_the_meaning_of_the_indicator_is_checked_not_counted() -> None:
    right = (
        r"$$ \mathbb{1}_{d=k} = "
        r"\begin{cases} 1 & \text{if } d=k \\ 0 & \text{otherwise} \end{cases} $$"
    )
    assert check(right) == []
    wrong = right.replace("1 & ", "2 & ")
    result = only(wrong)
    assert result.status == "cannot check" and "differently" in result.detail


def test_an_unreadable_definition_makes_its_uses_uncheckable() -> None:
    text = "$$ f = max(0, x $$\n\n$$ 2 f = f + f $$"
    results = check(text)
    assert results[0].status == "cannot read"
    assert results[1].status == "cannot check"
    assert "the definition of f" in results[1].detail


def test_the_rest_of_the_file_is_still_checked_after_unreadable_lines() -> None:
    text = (
        "$$\n\\begin{align}\nf &= (x+1)^2 \\\\\n&= max(0, x \\\\\n"
        "&= x^2 \\\\\ng &= 2 + 2 = 4\n\\end{align}\n$$"
    )
    assert statuses(text) == ["cannot read", "cannot check", "proved"]
