"""A claim about one case of a function defined by cases.

Posts differentiate functions with kinks (ReLU, the Huber loss, a hinge, ``|r|``) and then write
the gradient in one region only: "inside the quadratic zone", "when every residual is beyond the
threshold", with the region said in words or in inline math the reader does not tie to the
claim. Such a claim is refuted in the other regions, and that refutation is wrong. So a refuted
claim whose sides hold a case split (cases, a step or a sign: what differentiating ``|x|``,
``max`` or cases gives; ``|x|`` itself is no split, so ``\\sqrt{x^2} = x`` stays refuted) is
checked again with each split replaced by one of its cases: when some choice of cases proves
it, the claim holds where those cases apply, a condition its row does not state, and it is not
refuted. A slip that fails in every case is still refuted, and so is a claim with cases on both
sides (a derivative written by cases states its regions).

The choices are bounded by a count (``MAX_CHOICES``), tried in a fixed order.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable

from sympy import Basic, Expr, Heaviside, Integer, Piecewise, Subs, re, sign

MAX_CHOICES = 8  # combinations of cases tried for one claim
MAX_SPLITS = 3  # case splits in one claim beyond which it is not tried
# a claim that writes its own cases: judged as written
CASE_MARKS = ("\\begin{cases}", "\\text{if", "\\mathbb{1}", "\\mathbf{1}", "otherwise")


def states_cases(written: str) -> bool:
    """Whether a claim writes its cases itself (``\\begin{cases}``, ``\\text{if}``, an indicator):
    then it states its regions and is judged as written."""
    return any(mark in written for mark in CASE_MARKS)


def _cases(split: Basic) -> tuple[Expr, ...]:
    """The values a case split takes, one per case."""
    if isinstance(split, Piecewise):
        return tuple(value for value, _ in split.args)
    if isinstance(split, Heaviside):
        return (Integer(0), Integer(1))
    return (Integer(1), Integer(-1))  # sign


def _splits(*sides: Expr) -> list[Basic]:
    found: set[Basic] = set()
    for side in sides:
        found |= side.atoms(Piecewise, Heaviside, sign)
    return sorted(found, key=lambda s: (s.count_ops(), str(s)))


def holds_in_a_case(lhs: Expr, rhs: Expr, proved: Callable[[Expr, Expr], bool]) -> bool:
    """Whether the claim ``lhs = rhs`` is proved once each case split in it is replaced by one of
    its cases (the same choice for every occurrence of a split), for some choice."""
    lhs, rhs = _real(lhs), _real(rhs)
    if _splits(lhs) and _splits(rhs):
        return False  # cases on both sides (a derivative written by cases): judged as written
    splits = _splits(lhs, rhs)
    if not splits or len(splits) > MAX_SPLITS:
        return False
    choices = itertools.product(*(_cases(split) for split in splits))
    for choice in itertools.islice(choices, MAX_CHOICES):
        mapping = dict(zip(splits, choice, strict=True))
        left, right = _chosen(lhs, mapping), _chosen(rhs, mapping)
        if (left, right) != (lhs, rhs) and proved(left, right):
            return True
    return False


def _chosen(side: Expr, mapping: dict) -> Expr:
    """``side`` with every split replaced by its chosen case, splits inside a chosen case too
    (a sign inside the branch of a Piecewise)."""
    for _ in range(MAX_SPLITS + 1):
        replaced = side.xreplace(mapping)
        if replaced == side:
            break
        side = replaced
    return side


def _real(side: Expr) -> Expr:
    """SymPy's derivative of ``|u|`` at a point it cannot tell is real, ``d re(ξ)/dξ`` at u: 1
    for the post's real numbers."""
    return side.replace(
        lambda e: isinstance(e, Subs) and e.has(re),
        lambda e: e.replace(re, lambda a: a).doit(),
    )
