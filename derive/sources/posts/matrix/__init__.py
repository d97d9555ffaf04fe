r"""Matrix and vector notation in posts: ``X^T (X\theta - y)``, ``\delta (a^{l-1})^T``,
``(W^T \delta) \odot \sigma'(z)``, ``\frac{\partial L}{\partial W}``, ``\|v\|^2``.

The stages, in the order a post is read:

- ``stated``: the shapes the text states (``W \in \mathbb{R}^{m \times n}``, "$X$ is an $m
  \times n$ matrix", ``[symbols] W = "matrix m x n"``);
- ``evidence``: which other names are vectors or matrices, by their uses (transposed, an
  operand of ``\odot``, multiplied after a matrix, bold);
- ``table``: the post's shape table (``Scope.matrices``), and ``reading.read_shapes``,
  which fills it;
- ``building`` and ``calls``: the reader's ``Builder`` builds SymPy matrix expressions from
  them (``gradients``: derivatives by a matrix, in the post's layout);
- ``claims``: a claim between matrices made ready for the checker (sizes inferred, a
  refutation by shapes only from stated shapes), and judged by
  :mod:`derive.checker.matrix`.
"""
