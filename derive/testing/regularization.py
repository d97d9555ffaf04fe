"""Which L2 convention the code uses, found from its answers.

Real code adds ``0.5 * reg * sum(W * W)`` (gradient ``reg * W``) or ``reg * sum(W * W)``
(gradient ``2 * reg * W``) to the loss, and some divide the term by the batch size as they do
the data loss (``lambda / (2m)``). Each is the proved term kappa sum W^2 with a factor: the
reference at kappa = reg is scaled by 1/2 or 1 (and 1/B). The check runs with reg != 0, so the
term is checked; the convention chosen is the one under which most answers match, the order
below breaking ties, and it then holds for every quantity of the run: a gradient of one
convention with a loss of the other is a mistake, and is named as one.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from derive.testing.compare import answer, compare, expected


@dataclass(frozen=True)
class L2Convention:
    """``factor`` times reg sum W^2 (divided by B if ``per_batch``), as the report names it."""

    name: str
    factor: Fraction
    per_batch: bool = False


CONVENTIONS = (
    L2Convention("0.5·reg·‖W‖²", Fraction(1, 2)),
    L2Convention("reg·‖W‖²", Fraction(1)),
    L2Convention("0.5·reg·‖W‖²/B", Fraction(1, 2), per_batch=True),
    L2Convention("reg·‖W‖²/B", Fraction(1), per_batch=True),
)


def factor(convention: L2Convention | None, B: int) -> Fraction:
    """The factor on the L2 term at kappa = reg for a batch of B (0 without the term)."""
    if convention is None:
        return Fraction(0)
    return convention.factor / B if convention.per_batch else convention.factor


def _matches(execution, convention: L2Convention | None) -> int:
    """How many (quantity, input) answers match under ``convention``."""
    count = 0
    for q in execution.quantities:
        options = execution.options.of(q)
        for index, (case, outcome) in enumerate(
            zip(execution.cases, execution.outcomes, strict=False)
        ):
            values = execution.values[index]
            if outcome is None or values.l2 is None or q.name not in values.l2:
                continue
            found = answer(outcome.parts.get(q.name), options, case.B)
            if found.problem is not None or found.array is None:
                continue
            reference = expected(
                options, values.quantities[q.name], values.l2[q.name], factor(convention, case.B)
            )
            count += compare(found.array, reference, options, case).ok
    return count


def choose(execution) -> L2Convention:
    """The convention most answers match (the first of CONVENTIONS on a tie)."""
    scores = [_matches(execution, convention) for convention in CONVENTIONS]
    return CONVENTIONS[scores.index(max(scores))]


def fits_any(execution) -> bool:
    """Whether some answer with the term matches under the chosen convention."""
    return _matches(execution, execution.convention) > 0
