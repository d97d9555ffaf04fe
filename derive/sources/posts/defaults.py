"""What a post's check assumed without a declaration: listed in every report, never silent."""

from __future__ import annotations

from sympy import Symbol

from derive.sources.posts.display import show
from derive.sources.posts.names import Name


def defaults(scope, ranges, declared, builder, targets) -> list[str]:
    """One line per default used (domains, sizes, index ranges, labels, e and log, targets)."""
    found: list[str] = []
    defined = set(builder.definitions.table)
    real = sorted(
        {
            name.shown()
            for name in scope.undeclared
            if all(scope.objects.get((name, r)) not in defined for r in range(4))
        }
    )
    if real:
        found.append(f"real numbers (no domain declared): {', '.join(real)}")
    scales = sorted({name.shown() for name in scope.scales})
    if scales:
        shown = ", ".join(scales)
        found.append(f"positive (a standard deviation: written as a name, not applied): {shown}")
    sizes = sorted(
        k for k, v in scope.sizes.items() if isinstance(v, Symbol) and k not in declared.names
    )
    if sizes:
        found.append(f"sizes, positive integers, checked for every value: {', '.join(sizes)}")
    if scope.implicit is not None:
        size = scope.shown_names[scope.implicit]
        letters = ", ".join(sorted(ranges.unranged - set(declared.names)))
        found.append(
            f"sums without a range run from 1 to {size}, one size for all of them, checked for "
            f"every value (sums over {letters})"
        )
    for letter in sorted(scope.range_sources):
        source = scope.range_sources[letter]
        if source != "declared" and letter in scope.free:
            lo, hi = scope.index_ranges[letter]
            shown_hi = scope.show(hi)
            found.append(f"index {letter} runs from {lo} to {shown_hi} (from {source})")
    if builder.einstein:
        found.append(
            "an index repeated in a term is summed over its range (the summation convention, "
            f"{builder.einstein_source})"
        )
    labels = sorted(label for label in ranges.labels if label not in scope.labels)
    if labels:
        shown = ", ".join(Name("x", label).shown()[1:] for label in labels)
        found.append(f"layer labels, not powers: superscripts {shown} (the label rule)")
    if scope.matrices is not None:
        found += scope.matrices.report(lambda size: show(scope, size))
    if builder.euler:
        found.append("e^{x} is the exponential function; log is the natural logarithm")
    if targets is not None and declared.targets is None:
        found.append(f"{scope.shown_names[targets]} are the targets (for the hidden conditions)")
    return found
