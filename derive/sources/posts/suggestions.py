"""What a derivative by a name the expression does not contain may have meant: another name of
the same letter and rank that it does contain (``W_{kj}`` for ``w^L_{kj}``), and whether it
contains only other entries of the variable's array (``x_t`` by ``x_{t-1}``)."""

from __future__ import annotations

from sympy import Basic, Expr, Indexed


def suggestions(scope, obj: Basic, reached: set[Basic]) -> list[Basic]:
    """Objects in ``reached`` of the same rank whose letter is ``obj``'s in either case;
    a name with a layer label is never read as another layer (``z^{(1)}`` is not a typo
    for ``z^{(2)}``; ``W^l`` may be one for ``w^L``), a name without a label may be read
    as a labelled one (``W_{kj}`` for ``w^L_{kj}``)."""
    name, rank = scope.keys[obj]
    letter = name.base.lower()
    found = []
    for candidate in sorted(reached, key=lambda o: scope.keys[o]):
        other, other_rank = scope.keys[candidate]
        if name.label and other.label.lower() != name.label.lower():
            continue
        if other_rank == rank and other.base.lower() == letter and candidate != obj:
            found.append(candidate)
    return found


def indices_of(v: Basic) -> tuple[Basic, ...]:
    return v.indices if isinstance(v, Indexed) else ()


def other_entries_only(expr: Expr, v: Basic) -> bool:
    """Whether ``expr`` has entries of ``v``'s array only at indices that never equal ``v``'s
    (``x_{t}`` for ``v = x_{t-1}``: they differ by a number), so that it does not depend on v."""
    if not isinstance(v, Indexed):
        return False
    entries = [a for a in expr.atoms(Indexed) if a.base == v.base]
    if not entries:
        return False
    for entry in entries:
        if len(entry.indices) != len(v.indices):
            return False
        gaps = [a - b for a, b in zip(entry.indices, v.indices, strict=True)]
        if not any(g.is_number and g != 0 for g in gaps):
            return False
    return True
