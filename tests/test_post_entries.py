"""Worked examples that define an array's entries one by one (``q_1 = ...``, ``q_2 = ...``):
each entry means its own formula wherever a claim uses it, at exactly those indices, so the
derivatives through it are taken, the true rows proved and a slip refuted; an entry whose
formula would reach its own array is never given a meaning."""

from __future__ import annotations

from post_support import check, check_all

TWO_CLASSES = r"""
The normaliser is

$$ Z = e^{u_1} + e^{u_2} $$

and the two probabilities are

$$ q_1 = \frac{e^{u_1}}{Z} $$

$$ q_2 = \frac{e^{u_2}}{Z} $$

$$ \frac{\partial q_1}{\partial u_1} = q_1 (1 - q_1) $$

$$ \frac{\partial q_2}{\partial u_1} = -q_1 q_2 $$

$$ q_1 + q_2 = 1 $$

$$ \frac{\partial q_2}{\partial u_1} = q_1 q_2 $$
"""


def test_entries_defined_one_by_one_are_written_out_in_claims() -> None:
    assert [r.status for r in check(TWO_CLASSES)] == ["proved"] * 3 + ["refuted"]


def test_each_entry_is_reported_as_a_definition() -> None:
    rows = [r for r in check_all(TWO_CLASSES) if r.status == "not a claim"]
    assert [r.line for r in rows] == [4, 8, 10]


def test_an_entry_may_use_entries_defined_before_it() -> None:
    """``r_2 = 1 - r_1``: a definition (never refuted as a claim about a free r_2), and the
    derivative through both entries is taken."""
    text = r"""
$$ r_1 = \frac{1}{1 + e^{-v}} $$

$$ r_2 = 1 - r_1 $$

$$ \frac{\partial r_2}{\partial v} = -r_1 r_2 $$

$$ \frac{\partial r_2}{\partial v} = r_1 r_2 $$
"""
    assert [(r.line, r.status) for r in check(text)] == [(6, "proved"), (8, "refuted")]


def test_an_entry_with_no_meaning_does_not_borrow_its_siblings_dependence() -> None:
    """r_2 is never defined; r_1 depends on v: ∂r_2/∂v is not taken as 0 (which would refute
    the row), the row cannot be checked."""
    text = r"""
$$ r_1 = \frac{1}{1 + e^{-v}} $$

$$ \frac{\partial r_2}{\partial v} = r_1 r_2 $$
"""
    assert [r.status for r in check(text)] == ["cannot check"]


def test_an_entry_at_other_indices_keeps_no_meaning() -> None:
    """``q_k`` for a letter k is not ``q_1``: the claim about every entry is not judged by the
    one entry the example defines."""
    text = (
        TWO_CLASSES.split("$$ \\frac")[0]
        + r"""
$$ q_k = e^{u_k} $$
"""
    )
    assert all(r.status != "refuted" for r in check(text))
