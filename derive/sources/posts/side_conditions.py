"""The hidden assumptions of ML derivations, as data: when a step of a post is refuted as
written, it is checked again under each of these, then under all of them; one that makes it
provable is named in the report ("refuted as written; proved if Σ_d t_d = 1 (not stated in the
text)"), and the counterexample is still shown.

Each entry: a name, why derivations rely on it, and a builder that returns what to add for one
claim (the condition as shown, relations to assume, a substitution), or None when it does not
apply (no targets in the claim, or the text already states it).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from sympy import Basic, Eq, Expr, Ge, IndexedBase, Integer, Le, Sum

from derive.sources.posts.display import show


@dataclass(frozen=True)
class Extra:
    """What one condition adds to a claim."""

    shown: str
    assume: tuple[Basic, ...] = ()
    substitute: dict[Basic, Basic] = field(default_factory=dict)


Builder = Callable[..., "Extra | None"]


def _targets_range(post, targets) -> tuple[Expr, Expr] | None:
    return post.ranges.slots.get((post.scope.keys[targets][0], 1, 0))


def targets_sum(post, lhs: Expr, rhs: Expr) -> Extra | None:
    """Σ_d t_d = 1: targets are a probability distribution (one-hot or soft labels)."""
    targets = post.targets
    if targets is None or targets not in post.definitions.objects(lhs - rhs):
        return None
    bounds = _targets_range(post, targets)
    if bounds is None:
        return None
    d = post.scope.bound_index("d", bounds[0])
    relation = Eq(Sum(targets[d], (d, *bounds)), 1)
    if relation in post.assumptions:
        return None
    name = post.scope.shown_names[targets]
    return Extra(f"Σ_d {name}_d = 1", (relation,))


def targets_nonnegative(post, lhs: Expr, rhs: Expr) -> Extra | None:
    """t_d ≥ 0: targets are probabilities."""
    targets = post.targets
    if targets is None or targets.is_nonnegative:
        return None
    if targets not in post.definitions.objects(lhs - rhs):
        return None
    made = IndexedBase(post.scope.generated(), nonnegative=True, real=True)
    name = post.scope.shown_names[targets]
    post.scope.display[made] = post.scope.display[targets]
    post.scope.shown_names[made] = name
    return Extra(f"{name}_d ≥ 0", substitute={targets: made})


def indices_in_range(post, lhs: Expr, rhs: Expr) -> Extra | None:
    """lo ≤ k ≤ hi for a free index whose range the text does not give: the range of a sum in
    the claim (a Kronecker delta picks a term of a sum only if the index is in its range)."""
    free = {v: k for k, v in post.scope.free.items() if k not in post.scope.index_ranges}
    wanted = sorted((s for s in (lhs - rhs).free_symbols if s in free), key=str)
    sums = sorted({limits[1:] for s in (lhs - rhs).atoms(Sum) for limits in s.limits}, key=str)
    if not wanted or not sums:
        return None
    lo, hi = sums[0]
    relations, shown = [], []
    for index in wanted:
        relations.append(Le(index, hi))
        if lo != Integer(1) or not index.is_positive:
            relations.append(Ge(index, lo))
        shown.append(f"{show(post.scope, lo)} ≤ {free[index]} ≤ {show(post.scope, hi)}")
    return Extra(", ".join(shown), tuple(relations))


CONDITIONS: tuple[tuple[str, str, Builder], ...] = (
    ("targets sum to 1", "targets are a probability distribution", targets_sum),
    ("targets are nonnegative", "targets are probabilities", targets_nonnegative),
    ("indices are in range", "a free index lies in the range of the sums", indices_in_range),
)


def applicable(post, lhs: Expr, rhs: Expr) -> list[Extra]:
    """The conditions that apply to one claim, in the table's order."""
    found = []
    for _, _, builder in CONDITIONS:
        extra = builder(post, lhs, rhs)
        if extra is not None:
            found.append(extra)
    return found
