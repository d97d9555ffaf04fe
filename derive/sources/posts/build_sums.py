"""Sums as posts write them: ``\\sum_{k=1}^{K}``, ``\\sum_k`` (the range from the rest of the
post, or one size for every sum the text gives no range), ``\\sum y_k`` (the index its body's
subscripts use), ``\\sum_{k \\neq j}`` (every term but one), sizes written with a subscript
(``\\sum_{j=1}^{n_{L-1}}``), and a bare ``\\sum`` that names the sum of a denominator just
written (``\\frac{e^{a_i}}{\\sum}``).
"""

from __future__ import annotations

from sympy import Expr, Integer, KroneckerDelta, Sum, default_sort_key
from sympy.matrices.expressions.matexpr import MatrixElement

from derive.sources.posts.latex import nodes as ast
from derive.sources.posts.names import BuildError
from derive.sources.posts.ranges import bound_value, sum_limits

MAX_TERMS = 64  # a sum with concrete bounds and more terms than this is not checked


class SumsMixin:
    """The ``\\sum`` nodes of :class:`~derive.sources.posts.build.Builder`."""

    def _sum(self, node: ast.Sum, env) -> Expr:
        limits = sum_limits(node)
        letter = limits.letter
        if letter is None:
            message = "a sum's index must be a letter: \\sum_{k=1}^{K}"
            if node.sub is None:
                message = "the index of this \\sum cannot be told: write \\sum_k"
            raise BuildError(
                message, node.pos, "cannot check" if node.sub is None else "cannot read"
            )
        if letter in env:
            raise BuildError(f"a sum over {letter} inside a sum over {letter}", node.pos)
        lo, hi = self._sum_range(letter, limits, node.pos)
        if (hi - lo).is_Integer and abs(hi - lo + 1) > MAX_TERMS:  # either order (Karr)
            raise BuildError(f"a sum of more than {MAX_TERMS} terms", node.pos, "cannot check")
        bound = self.scope.bound_index(letter, lo)
        body = self.build(node.body, {**env, letter: (bound, lo, hi)})
        if limits.skipped is not None:
            skipped = self.index(limits.skipped, env)
            body = body * (1 - KroneckerDelta(bound, skipped))
        if self.matrix_mode:
            self._within_entries(body, bound, lo, hi, node.pos)
        made = Sum(body, (bound, lo, hi))
        if not env:
            self.last_sum = made
        return made

    def _within_entries(self, body: Expr, bound, lo: Expr, hi: Expr, pos: int) -> None:
        """A sum over the entries of a matrix stays within its rows or columns for every
        size (``\\sum_{j=1}^{K} W_{ij}`` with W m×n: K may pass n): else "cannot check",
        never a value of an entry that does not exist."""
        for entry in sorted(body.atoms(MatrixElement), key=default_sort_key):
            for slot, place in enumerate(entry.args[1:]):
                if bound not in place.free_symbols:
                    continue
                size = entry.args[0].shape[slot]
                ends = [place.subs(bound, end) for end in (lo, hi)]
                if all(e.is_nonnegative and (size - 1 - e).is_nonnegative for e in ends):
                    continue
                name = self.shown_expr(entry.args[0])
                what = ("rows", "columns")[slot]
                message = (
                    f"the sum over {self.shown_expr(bound)} runs from {self.shown_expr(lo)} to "
                    f"{self.shown_expr(hi)}, not within the {what} of {name} "
                    f"({self.shown_expr(size)})"
                )
                raise BuildError(message, pos, "cannot check")

    def _sum_range(self, letter: str, limits, pos: int) -> tuple[Expr, Expr]:
        lower, upper = limits.lower, limits.upper
        lo = Integer(1) if lower is None else bound_value(lower, self.scope)
        hi = None if upper is None else bound_value(upper, self.scope)
        if lo is None or (upper is not None and hi is None):
            raise BuildError("a sum's bounds are numbers or sizes (K, K-1, n_L)", pos)
        if hi is None:
            known = self.scope.index_ranges.get(letter)
            if known is None:
                message = (
                    f"the sum over {letter} has no range: write \\sum_{{{letter}=1}}^{{K}} "
                    f'or declare {letter} = "index 1..K"'
                )
                raise BuildError(message, pos, "cannot check")
            lo, hi = known if lower is None else (lo, known[1])
        return lo, hi

    def _sumname(self, node: ast.SumName, env) -> Expr:
        """A bare ``\\sum``: the sum in the denominator of the latest definition (a guess,
        named in the report, that never refutes)."""
        if self.sum_defined is not None:  # the post says what \sum stands for
            return self.sum_defined
        known = self.denominator_sum
        if known is None:
            raise BuildError("a \\sum with nothing to sum", node.pos, "cannot check")
        guess = f"\\sum read as {self.shown_expr(known)} ({self.denominator_where})"
        if guess not in self.guesses:
            self.guesses.append(guess)
        return known

    def remember_denominator(self, body: Expr, where: str) -> None:
        """After a definition: the sum of its denominator is what a bare ``\\sum`` names."""
        sums = [s for s in _denominator_sums(body)]
        if sums:
            self.denominator_sum, self.denominator_where = sums[-1], where


def _denominator_sums(expr: Expr) -> list[Sum]:
    from sympy import Pow

    found = []
    for power in expr.atoms(Pow):
        if power.exp.is_negative and isinstance(power.base, Sum):
            found.append(power.base)
    return sorted(found, key=str)
