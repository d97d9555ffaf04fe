"""An upright ``\\mathrm{d}u`` against its letter, outside a fraction, is the gradient name
``du`` as code writes it (the prose says what it stands for); inside a fraction it is still a
derivative's d."""

from __future__ import annotations

from post_support import check, check_all

POST = r"""
$$ u = w x + c $$

$$ J = \frac{1}{2} (u - t)^2 $$

As in code, write $\mathrm{d}u = \frac{\partial J}{\partial u}$; then

$$ \mathrm{d}u = u - t $$

$$ \mathrm{d}w = x \mathrm{d}u = (u - t) x $$

$$ \mathrm{d}u = t - u $$

$$ \frac{\mathrm{d}J}{\mathrm{d}u} = u - t $$
"""


def test_an_upright_d_against_a_letter_is_a_gradient_name() -> None:
    assert [(r.line, r.status) for r in check(POST)] == [
        (8, "proved"),
        (10, "proved"),
        (12, "refuted"),
        (14, "proved"),
    ]


def test_a_gradient_name_written_upright_is_defined_like_a_plain_one() -> None:
    rows = [r for r in check_all(POST) if r.status == "not a claim"]
    assert [r.line for r in rows] == [2, 4, 10] and "defines dw" in rows[-1].message()
