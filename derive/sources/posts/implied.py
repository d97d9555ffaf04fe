r"""The summation convention in posts: ``z_i = W_{ij} x_j`` read as ``Σ_j W_{ij} x_j`` when
the post says that repeated indices are summed ("we use the summation convention", "repeated
indices are summed", "Einstein notation", ``\text{(summation implied)}``), or its declarations
do (``[options] summation = "einstein"``). Without that, a repeated index is not summed (and a
definition that repeats one is not read: ``defining.summation_convention``).

Each row is read by :func:`derive.sources.einstein.implied_sums`: the indices of its left side
(written once there) stay free, an index twice in a term of the right side is summed over its
range, and a row the convention does not read (an index three times, summed in one term and
free in another, under a written power) is "cannot read", naming the index: never a guess,
which could refute a claim the author never made.
"""

from __future__ import annotations

import re

from sympy import Expr, Integer, default_sort_key
from sympy.matrices.expressions.matexpr import MatrixElement

from derive.sources.einstein import ImpliedSumError, implied_sums
from derive.sources.posts.latex import nodes as ast
from derive.sources.posts.names import BuildError
from derive.sources.posts.ranges import index_items, letter_of

_STATES = re.compile(
    r"summation convention|einstein(?:'s)?\s+(?:summation|convention|notation|sum|index)"
    r"|repeated\s+(?:indices|index(?:es)?|subscripts?)\s+(?:(?:are|is|being)\s+)?"
    r"(?:(?!not\b|never\b|n't\b)\w+\s+){0,2}summed"
    r"|(?:summed|summation)\s+over\s+(?:any\s+|every\s+|all\s+)?repeated\s+ind"
    r"|summation\s+(?:is\s+)?(?:implied|implicit|understood)|(?:implied|implicit)\s+summation",
    re.IGNORECASE,
)
_NOT = re.compile(r"\b(?:not|no|without|never|don't|instead of)\b[^.;:]{0,40}\Z", re.IGNORECASE)
# a denial after the words: "Einstein notation is not used", "... convention will not be used"
_NOT_AFTER = re.compile(
    r"\A\s*(?:\w+\s+){0,2}?(?:is|are|will|shall|was)\s+(?:be\s+)?(?:not|never)\b"
    r"|\A\s*(?:\w+\s+){0,2}?(?:isn't|aren't|won't)\b",
    re.IGNORECASE,
)


# a sentence about other texts' habits, not this one's ("physicists often use the summation
# convention", "some books would write ...")
_OTHERS = re.compile(
    r"\b(?:some|other|others|often|usually|would|alternatively|unlike|physic\w*)\b", re.I
)


def states_convention(text: str) -> int | None:
    """The offset where the text says repeated indices are summed (not "we do not use the
    summation convention", not "physicists often use the summation convention"), or None."""
    for match in _STATES.finditer(text):
        before = text[max(0, match.start() - 60) : match.start()]
        if _NOT.search(before) or _NOT_AFTER.search(text[match.end() :]):
            continue
        left = max(text.rfind(".", 0, match.start()), text.rfind("\n\n", 0, match.start()))
        right = text.find(".", match.end())
        if not _OTHERS.search(text[left + 1 : right if right >= 0 else len(text)]):
            return match.start()
    return None


def written_letters(node: ast.Node) -> dict[str, int]:
    """How often each letter is written in ``node``'s subscripts, outside its sums."""
    counts: dict[str, int] = {}
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, ast.Sum):
            continue
        if isinstance(current, ast.Scripted) and current.sub:
            for index in index_items(current.sub)[0]:
                letter = letter_of(index)
                if letter is not None:
                    counts[letter] = counts.get(letter, 0) + 1
        stack.extend(ast.children(current))
    return counts


def once_letters(node: ast.Node) -> frozenset[str]:
    """The index letters written once in ``node``'s subscripts, outside its sums: the free
    indices of a left side (``\\frac{\\partial E}{\\partial W_{kl}}``: k and l)."""
    return frozenset(letter for letter, count in written_letters(node).items() if count == 1)


def _entry_ranges(value: Expr, summable: set) -> dict:
    """An index of a matrix's entries (``W_{ij}`` is ``W[i - 1, j - 1]``) runs over the
    matrix's rows or columns: that range, never the size of unranged sums. Raises
    ImpliedSumError for an index whose slots have different sizes, or that sits in an
    entry other than as ``k - 1``."""
    found: dict = {}
    for entry in sorted(value.atoms(MatrixElement), key=default_sort_key):
        for slot, place in enumerate(entry.args[1:]):
            for index in place.free_symbols & summable:
                size = entry.args[0].shape[slot]
                if place != index - 1 or found.get(index, size) != size:
                    why = "indexes entries of matrices whose sizes are not known to agree"
                    raise ImpliedSumError(index, why, value)
                found[index] = size
    return {index: (Integer(1), size) for index, size in found.items()}


class ImpliedMixin:
    """Rows read under the convention, for :class:`~derive.sources.posts.chains.ChainReader`
    (``self.builder.einstein`` says whether the post states it)."""

    def implied(self, value: Expr, free_letters: frozenset[str], node: ast.Node) -> Expr:
        """``value``, built from ``node``, with its repeated indices summed (the
        ``free_letters`` never): as is when the post does not state the convention. An index
        that occurs in a term of the value more often than the text writes it (a derivative
        written out: ``t_i \\frac{\\partial p_i}{\\partial z_j}`` is t_i p_i (δ_ij - p_j))
        is not read: the convention counts what is written. Raises BuildError ("cannot
        read")."""
        scope = self.builder.scope
        free = frozenset(scope.free[letter] for letter in free_letters if letter in scope.free)
        written = {
            scope.free[letter]: count
            for letter, count in written_letters(node).items()
            if letter in scope.free
        }
        try:
            return self._summed(value, free, written)
        except ImpliedSumError as error:
            raise BuildError(self._unread(error), node.pos, "cannot read") from None
        except (TypeError, AttributeError, IndexError, ValueError):  # SymPy on odd input
            message = "the summation convention does not read this row"
            raise BuildError(message, node.pos, "cannot read") from None

    def implied_body(self, body: Expr, params: tuple, where: str) -> Expr:
        """A definition's body read by the convention (its parameters free: ``z_i`` of
        ``z_i = W_{ij} x_j``), however the row was read (in prose, in a display); a body the
        convention does not read is a placeholder that says so, for the claims that use it."""
        free = frozenset().union(*(getattr(p, "free_symbols", set()) for p in params))
        try:
            return self._summed(body, free)
        except ImpliedSumError as error:
            message = f"the definition at {where}: {self._unread(error)}"
            return self.builder.definitions._placeholder(message, None, ())
        except (TypeError, AttributeError, IndexError, ValueError):  # SymPy on odd input
            message = f"the definition at {where} is not read by the summation convention"
            return self.builder.definitions._placeholder(message, None, ())

    def _summed(self, value: Expr, free: frozenset, written=None) -> Expr:
        builder = self.builder
        if not builder.einstein:
            return value
        scope = builder.scope
        ranges = {
            symbol: scope.index_ranges[letter]
            for letter, symbol in scope.free.items()
            if letter in scope.index_ranges
        }
        ranges.update(_entry_ranges(value, set(ranges) - free))
        if not ranges:
            return value
        letters = {symbol: letter for letter, symbol in scope.free.items()}

        def bound(index, term):
            """The letter's bound index, or a fresh one when the term uses that already (a
            definition's sum written out in it: ∂L/∂y_i of L = Σ_i ...)."""
            made = scope.bound_index(letters[index], ranges[index][0])
            return scope.fresh(made) if term.has(made) else made

        return implied_sums(
            value,
            ranges,
            free,
            bound=bound,
            written_powers=builder.written_powers,
            written_counts=written,
        )

    def _unread(self, error: ImpliedSumError) -> str:
        if error.index is None:
            return f"the summation convention does not read this row: {error.why}"
        shown = self.builder.scope.shown_names.get(error.index, str(error.index))
        return f"the summation convention does not read index {shown}: it {error.why}"
