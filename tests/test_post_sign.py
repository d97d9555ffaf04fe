"""``\\mathrm{sign}(r)``, ``\\operatorname{sgn}(r)``: the sign function (-1, 0, 1), the
derivative of ``|r|`` away from 0 in posts on Huber and L1 losses; it was a function the text
does not define, and every row with it could not be checked."""

from __future__ import annotations

from post_support import check

POST = r"""
$$ f(r) = |r| $$

$$ f'(r) = \mathrm{sign}(r) $$

$$ \frac{d}{dr} |r|^3 = 3 r^2 \operatorname{sgn}(r) $$

$$ r \, \mathrm{sign}(r) = |r| $$

$$ \frac{d}{dr} |r|^3 = 3 r \operatorname{sgn}(r) $$
"""


def test_the_sign_function_is_read_and_judged() -> None:
    assert [r.status for r in check(POST)] == ["proved", "proved", "proved", "refuted"]
