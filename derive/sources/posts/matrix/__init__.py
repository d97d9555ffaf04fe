r"""Matrix and vector notation in posts: ``X^T (X\theta - y)``, ``\delta (a^{l-1})^T``,
``(W^T \delta) \odot \sigma'(z)``, ``\frac{\partial L}{\partial W}``, ``\|v\|^2``.

The stages, in the order a post is read:

- ``stated``: the shapes the text states (``W \in \mathbb{R}^{m \times n}``, "$X$ is an $m
  \times n$ matrix", ``[symbols] W = "matrix m x n"``);
- ``evidence``: which other names are vectors or matrices, by their uses (transposed, an
  operand of ``\odot``, multiplied after a matrix, bold);
- ``table``: the post's shape table (``Scope.matrices``), and ``read_shapes`` below, which
  fills it;
- ``building`` and ``calls``: the reader's ``Builder`` builds SymPy matrix expressions from
  them (``gradients``: derivatives by a matrix, in the post's layout);
- ``claims``: a claim between matrices made ready for the checker (sizes inferred, a
  refutation by shapes only from stated shapes), and judged by
  :mod:`derive.checker.matrix`.
"""

from __future__ import annotations

from collections.abc import Callable

from derive.sources.posts.matrix.evidence import bold_letters, find_evidence
from derive.sources.posts.matrix.stated import prose_statements, statements
from derive.sources.posts.matrix.table import PostShapes

__all__ = ["PostShapes", "read_shapes"]

NEVER_VECTORS = frozenset(["e", "π", "d", "∂", "T", "I"])  # I: the identity


def read_shapes(
    blocks: list,
    rows: list,
    text: str,
    place: Callable[[int], str],
    declared,
    ranges,
    scope,
) -> PostShapes | None:
    """The shape table of a post, or None when the post writes no matrix notation.

    Args:
        blocks: the post's math blocks; rows: every row's tree with where its offsets are.
        text: the whole post (prose statements); place: a file offset as "line N".
        declared: the declarations block's content; ranges: the index ranges found.
        scope: the post's names (sizes are made there).
    """
    table = PostShapes(layout=declared.layout or "denominator")
    for statement in declared.shapes:
        table.state(statement, scope.size)
    texts = [(block.text, block.offset) for block in blocks]
    found = statements(texts, place, scope.labels) + prose_statements(text, place, scope.labels)
    for statement in sorted(found, key=lambda s: s.offset):
        table.state(statement, scope.size)
    skip = set(ranges.index_letters) | set(ranges.size_letters) | set(scope.sizes)
    skip |= set(scope.index_ranges) | NEVER_VECTORS
    bold = bold_letters(block.text for block in blocks)
    if not find_evidence(rows, table, skip, scope.labels, bold):
        return None
    return table
