"""Every = of a post is read as what it is: a definition, a claim, a condition or an
assumption. Only claims are judged; what is not a claim is reported as such and is never
refuted, and a definition wins over the reader's own meaning from its row on."""

from __future__ import annotations

import json

from post_support import check, check_all

from derive.cli import main

SECTIONS = r"""
# Activations

## Sigmoid

$$ \sigma(z) = \frac{1}{1+e^{-z}} $$

$$ \sigma'(z) = \sigma(z)(1 - \sigma(z)) $$

## Tanh

$$ \sigma(z) = \tanh(z) $$

$$ \sigma'(z) = 1 - \sigma(z)^2 $$

## ReLU

$$ \sigma(z) = \max(0, z) $$

$$ a = \sigma(z) $$
"""


def _by_kind(results) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for result in results:
        found.setdefault(result.kind, []).append(result.status)
    return found


def test_a_function_definition_overrides_the_sigmoid_from_its_row_on() -> None:
    results = check_all(SECTIONS)
    kinds = _by_kind(results)
    assert kinds["definition"] == ["not a claim"] * 4
    assert kinds["claim"] == ["proved", "proved"]  # sigma' under each section's sigma
    tanh = next(r for r in results if r.rhs == r"\tanh(z)")
    assert "defines the function \N{GREEK SMALL LETTER SIGMA} again, from here on" in tanh.detail
    first = next(r for r in results if r.kind == "definition")
    assert "instead of the sigmoid" in first.detail


def test_the_same_derivative_claim_is_refuted_when_the_section_defines_another_sigma() -> None:
    text = SECTIONS.replace(r"1 - \sigma(z)^2", r"\sigma(z)(1 - \sigma(z))")
    statuses = [r.status for r in check(text)]
    assert statuses == ["proved", "refuted"]  # a slip under the document's own meaning


def test_a_name_defined_again_in_a_later_section_is_a_definition_not_a_refutation() -> None:
    text = "# One\n\n$$ a = \\sigma(z) $$\n\n# Two\n\n$$ a = \\tanh(z) $$\n\n$$ 2a = a + a $$\n"
    results = check_all(text)
    assert [(r.kind, r.status) for r in results] == [
        ("definition", "not a claim"),
        ("definition", "not a claim"),
        ("claim", "proved"),
    ]
    assert "defines a again" in results[1].detail


def test_a_name_restated_in_a_later_section_is_a_claim() -> None:
    text = "# One\n\n$$ E = (x + 1)^2 $$\n\n# Two\n\n$$ E = x^2 + 2x + 1 $$\n"
    assert [(r.kind, r.status) for r in check_all(text)] == [
        ("definition", "not a claim"),
        ("claim", "proved"),
    ]


def test_a_defined_name_written_again_in_its_own_section_is_a_claim() -> None:
    text = "$$ a = \\tanh(z) $$\n\n$$ a = \\tanh(2 z) $$\n"
    assert [r.status for r in check(text)] == ["refuted"]


def test_a_name_defined_with_another_function_is_defined_again() -> None:
    text = "$$ a = \\sigma(z) $$\n\nWith tanh in place of sigma,\n\n$$ a = \\tanh(z) $$\n"
    text += "\n$$ \\frac{\\partial a}{\\partial z} = 1 - a^2 $$\n"
    results = check_all(text)
    assert [(r.kind, r.status) for r in results][:2] == [
        ("definition", "not a claim"),
        ("definition", "not a claim"),
    ]
    assert results[2].status == "proved"  # under the new meaning


SOFTMAX = r"""
$$ p_j = \frac{e^{o_j}}{\sum_k e^{o_k}} $$

$$ L = -\sum_j y_j \log p_j $$
"""


def test_a_condition_after_a_claim_restricts_it_and_is_reported_as_a_condition() -> None:
    rows = [
        r"$$ \frac{\partial p_j}{\partial o_i} = p_i(1-p_i), \quad i = j $$",
        r"$$ \frac{\partial p_j}{\partial o_i} = p_i(1-p_i) \quad \text{if } i = j $$",
        r"$$ \frac{\partial p_j}{\partial o_i} = -p_i p_j, \; i \neq j $$",
        r"$$ \frac{\partial p_j}{\partial o_i} = -p_i p_j \quad \text{for } i \ne j $$",
    ]
    for row in rows:
        results = check_all(SOFTMAX + row)
        claim = next(r for r in results if r.kind == "claim")
        assert claim.status == "proved", claim.message()
        assert claim.conditions and "(if " in claim.message()
        conditions = [r for r in results if r.kind == "condition"]
        assert all(r.status == "not a claim" for r in conditions)


def test_a_wrong_case_is_refuted_under_its_condition() -> None:
    row = r"$$ \frac{\partial p_j}{\partial o_i} = p_i(1+p_i), \quad i = j $$"
    (claim,) = check(SOFTMAX + row)
    assert claim.status == "refuted"


def test_a_condition_stated_in_the_prose_restricts_the_next_display() -> None:
    text = SOFTMAX + "\nIf $i = j$,\n\n$$ \\frac{\\partial p_j}{\\partial o_i} = p_i(1-p_i) $$\n"
    (claim,) = check(text)
    assert claim.status == "proved" and claim.conditions == "i = j"
    text = SOFTMAX + "\n$$ i = j $$\n\n$$ \\frac{\\partial p_j}{\\partial o_i} = p_i(1 - p_i) $$\n"
    results = check_all(text)
    assert [r.kind for r in results][-2:] == ["condition", "claim"]
    assert results[-1].status == "proved"
    text = SOFTMAX + "\n$$ i \\neq j $$\n\n$$ \\frac{\\partial p_j}{\\partial o_i} = -p_i p_j $$\n"
    assert [r.status for r in check(text)] == ["proved"]  # no = in the condition: no row


def test_the_diagonal_case_without_its_condition_is_never_refuted() -> None:
    (claim,) = check(SOFTMAX + r"$$ \frac{\partial p_j}{\partial o_i} = p_i(1-p_i) $$")
    assert claim.status == "cannot check"
    assert "proved if i = j" in claim.detail


def test_swapped_indices_stay_a_refuted_slip() -> None:
    text = r"$$ z_i = \sum_{k=1}^{K} w_{ik} x_k $$" + "\n\n"
    text += r"$$ \frac{\partial z_i}{\partial w_{ik}} = x_i $$"
    (claim,) = check(text)
    assert claim.status == "refuted"


def test_a_stated_assumption_is_not_a_claim_and_is_used_for_every_claim() -> None:
    chain = r"$$ \frac{\partial L}{\partial o_i} = p_i \sum_k y_k - y_i = p_i - y_i $$"
    stated = SOFTMAX + "\n$$ \\sum_k y_k = 1 $$\n\n" + chain
    results = check_all(stated)
    assumption = next(r for r in results if r.kind == "assumption")
    assert assumption.status == "not a claim"
    claims = [r for r in results if r.kind == "claim"]
    assert [r.status for r in claims] == ["proved", "proved"]
    assert "stated at line" in claims[1].message()
    # stated in the prose after the derivation, inline: used too
    after = SOFTMAX + "\n" + chain + "\n\ngiven that $\\sum_k y_k = 1$.\n"
    assert [r.status for r in check(after)] == ["proved", "proved"]


def test_an_unstated_sum_to_one_is_still_named_and_refuted() -> None:
    chain = r"$$ \frac{\partial L}{\partial o_i} = p_i \sum_k y_k - y_i = p_i - y_i $$"
    results = check(SOFTMAX + chain)
    assert results[1].status == "refuted" and "proved if Σ_d y_d = 1" in results[1].detail


def test_a_relation_choosing_a_new_symbol_is_not_a_claim() -> None:
    text = r"$$ m = \max(a_1, a_2) $$" + "\n\n" + r"$$ \log C = -m $$"
    results = check_all(text)
    assert [(r.kind, r.status) for r in results] == [
        ("definition", "not a claim"),
        ("definition", "not a claim"),
    ]
    assert "introduces C" in results[1].detail


def test_an_equation_the_text_sets_is_a_condition_of_the_next_display() -> None:
    text = r"$$ s_j = \frac{e^{a_j}}{\sum_{c=1}^{K} e^{a_c}} $$" + "\n\n"
    text += r"$$ s_j - t_j = 0 $$" + "\n\nso\n\n" + r"$$ s_j = t_j $$"
    results = check_all(text)
    assert [(r.kind, r.status) for r in results] == [
        ("definition", "not a claim"),
        ("condition", "not a claim"),
        ("claim", "proved"),
    ]
    # an identity of that form is a claim, and so is one with functions (a slip)
    assert [r.status for r in check(r"$$ \sum_{k=1}^{K} (x_k - x_k) = 0 $$")] == ["proved"]
    assert [r.status for r in check(r"$$ \sigma(z) + \sigma(-z) = 2 $$")] == ["refuted"]


def test_an_update_is_not_a_claim() -> None:
    text = r"$$ J = (w x - y)^2 $$" + "\n\n" + r"$$ w = w - \eta \frac{\partial J}{\partial w} $$"
    results = check_all(text)
    assert [(r.kind, r.status) for r in results] == [
        ("definition", "not a claim"),
        ("definition", "not a claim"),
    ]
    assert "an update of w" in results[1].detail


def test_an_identity_about_a_new_symbol_is_still_a_claim() -> None:
    assert [r.status for r in check(r"$$ \log e^{c} = c $$")] == ["proved"]


def test_a_name_equal_to_a_number_is_a_condition_of_what_follows() -> None:
    text = r"$$ L = -(y \log a + (1 - y) \log(1 - a)) $$" + "\n\n$$ y = 1 $$\n\n"
    text += r"$$ L = -\log a $$"
    results = check_all(text)
    assert [r.kind for r in results] == ["definition", "condition", "claim"]
    assert results[-1].status == "proved" and results[-1].conditions == "y = 1"


def test_cases_on_the_right_are_checked_case_by_case() -> None:
    row = (
        r"$$ \frac{\partial p_j}{\partial o_i} = \begin{cases} p_i(1 - p_i) & \text{if } i = j"
        r" \\ -p_i p_j & \text{if } i \neq j \end{cases} $$"
    )
    (claim,) = check(SOFTMAX + row)
    assert claim.status == "proved"


def test_every_equals_sign_gets_a_report_in_json_and_definitions_exit_0(tmp_path, capsys) -> None:
    path = tmp_path / "post.md"
    path.write_text(SOFTMAX + "\n$$ \\sum_k y_k = 1 $$\n", encoding="utf-8")
    assert main(["check", str(path), "--json"]) == 0
    rows = [r for r in json.loads(capsys.readouterr().out) if r["type"] == "step"]
    assert [r["kind"] for r in rows] == ["definition", "definition", "assumption"]
    assert all(r["status"] == "not a claim" and r["conditions"] == "" for r in rows)
    assert main(["check", str(path)]) == 0
    out = capsys.readouterr().out
    assert out.count("not a claim") == 1 and "3 not a claim" in out  # only in the summary
    assert main(["check", str(path), "-v"]) == 0
    assert out.count("not a claim") < capsys.readouterr().out.count("not a claim")


def test_junit_reports_what_is_not_a_claim_as_skipped(tmp_path) -> None:
    path = tmp_path / "post.md"
    path.write_text(SOFTMAX + "\n$$ 2 L = L + L $$\n", encoding="utf-8")
    report = tmp_path / "report.xml"
    assert main(["check", str(path), "--junit-xml", str(report)]) == 0
    xml = report.read_text(encoding="utf-8")
    assert 'skipped="2"' in xml and 'failures="0"' in xml and "<skipped" in xml
