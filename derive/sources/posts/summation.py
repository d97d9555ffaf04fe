r"""The summation convention in a post: "an index repeated in a product is summed".

Posts in the physicists' index notation write ``z_i = W_{ij} x_j + b_i`` for ``z_i = \sum_j
W_{ij} x_j + b_i`` and say so once in the prose. Only then (``states_convention``) is a
repeated index read as summed; otherwise ``W_{ij} x_j`` is a claim about one j, and a
definition that repeats an index is "not read".

The convention counts an index per term of the tensor expression, not per SymPy product: in
``(z_k - t_k) W_{kl}`` the bracket is one factor in which k occurs once (in each of its terms),
so k occurs twice in the product and is summed; a square ``(z_i - t_i)^2`` is the product
``(z_i - t_i)(z_i - t_i)`` (SymPy builds both alike), its index summed unless the left side
has it (``e_i = (z_i - t_i)^2`` is one output's error). Indices inside a
function's argument count where the function stands (``\sigma'(z_i) W_{ki} \delta_k``). An
index that occurs more than twice in a product, or in only some terms of a bracket that is
multiplied by it again, is not the convention: the row is not read.
"""

from __future__ import annotations

import re
from collections import Counter

from sympy import Add, Basic, Indexed, Mul, Pow, Sum, default_sort_key

_STATED = re.compile(
    r"summation\s+convention|einstein(?:'s)?\s+(?:summation|convention|notation)"
    r"|repeated\s+ind(?:ex|ices)\s+(?:is\s+|are\s+)?(?:summed|implied)"
    r"|summ?ed\s+over\s+repeated\s+ind|implied\s+summation|summation\s+(?:is\s+)?implied",
    re.IGNORECASE,
)


class NotTheConvention(ValueError):
    """An index the convention cannot read (three times in a product)."""


_DENIED = re.compile(r"\b(?:not|no|never|without|nor|don't|do not|instead of)\b", re.IGNORECASE)
_DENIED_AFTER = re.compile(r"\s*(?:is|are|was)\s+(?:not|never)\b", re.IGNORECASE)
DENIAL_WINDOW = 60  # characters before the statement, in its sentence, that may deny it


def states_convention(text: str) -> bool:
    """Whether the post says that repeated indices are summed (and does not deny it: "we do
    not use the summation convention")."""
    for match in _STATED.finditer(text):
        before = text[max(0, match.start() - DENIAL_WINDOW) : match.start()]
        before = re.split(r"[.!?]\s|\n\s*\n", before)[-1]
        after = text[match.end() : match.end() + DENIAL_WINDOW]
        if not _DENIED.search(before) and not _DENIED_AFTER.match(after):
            return True
    return False


def implied(expr: Basic, ranges: dict, free: frozenset = frozenset()) -> Basic:
    """``expr`` with each index that occurs twice in a product summed over its range
    (``ranges``: index -> (lo, hi)); ``free`` indices (the left side's) never are.

    Raises:
        NotTheConvention: an index occurs more than twice in one product.
    """
    ranges = {i: r for i, r in ranges.items() if i not in free}
    made, counts = _read(expr, ranges)
    return _summed(made, counts, ranges)


def claim_sides(lhs: Basic, rhs: Basic, ranges: dict) -> tuple[Basic, Basic]:
    """A claim's two sides under the convention: an index once in a term of either side is
    free (the claim is about each value of it: ``\frac{\\partial a_i}{\\partial z_i} = a_i -
    a_i^2``, one output's identity); one only ever twice in a product is summed there.

    Raises:
        NotTheConvention: an index occurs more than twice in one product.
    """
    free: set = set()
    for side in (lhs, rhs):  # the terms of each side (a bracket in a product is one factor)
        for term in Add.make_args(side):
            free |= {i for i, n in _read(term, ranges)[1].items() if n == 1}
    return implied(lhs, ranges, frozenset(free)), implied(rhs, ranges, frozenset(free))


def _summed(expr: Basic, counts: Counter, ranges: dict) -> Basic:
    many = sorted((i for i, n in counts.items() if n > 2), key=default_sort_key)
    if many:
        raise NotTheConvention(f"an index occurs {counts[many[0]]} times in one product")
    for index in sorted((i for i, n in counts.items() if n == 2), key=default_sort_key):
        expr = Sum(expr, (index, *ranges[index]))
    return expr


def _local(made: Basic, found: Counter, ranges: dict) -> tuple[Basic, Counter]:
    """A part read on its own (a term, a function's argument, a power's base): its repeated
    indices summed there, the others counted where it stands."""
    made = _summed(made, found, ranges)
    return made, Counter({i: 1 for i, n in found.items() if n == 1})


def _read(expr: Basic, ranges: dict) -> tuple[Basic, Counter]:
    """(``expr`` with the sums inside its parts made, the occurrences of each index in it)."""
    if expr in ranges:  # an index as a number, or in a Kronecker delta
        return expr, Counter({expr: 1})
    if isinstance(expr, Indexed):
        return expr, Counter(i for index in expr.indices for i in index.free_symbols if i in ranges)
    if isinstance(expr, Add):
        terms, counts = [], Counter()
        for term in expr.args:
            made, once = _local(*_read(term, ranges), ranges)
            terms.append(made)
            counts |= once  # x_k + 3: k once where it occurs
        return Add(*terms), counts
    if isinstance(expr, Mul):
        factors, counts = [], Counter()
        for factor in expr.args:
            made, found = _read(factor, ranges)
            factors.append(made)
            counts += found
        return Mul(*factors), counts
    if isinstance(expr, Pow):  # (z_i - t_i)^2 is (z_i - t_i)(z_i - t_i), as SymPy builds it
        base, once = _local(*_read(expr.base, ranges), ranges)
        times = int(expr.exp) if expr.exp.is_Integer and expr.exp > 1 else 1
        return Pow(base, expr.exp), Counter({i: n * times for i, n in once.items()})
    if isinstance(expr, Sum):  # written out: its own indices are its own
        own = {var for var, *_ in expr.limits}
        inner = {i: r for i, r in ranges.items() if i not in own}
        body, once = _local(*_read(expr.function, inner), inner)
        return expr.func(body, *expr.limits), once
    if not expr.args:
        return expr, Counter()
    args, counts = [], Counter()
    for arg in expr.args:  # a function's argument: its free indices count where it stands
        made, once = _local(*_read(arg, ranges), ranges)
        args.append(made)
        counts += once
    return expr.func(*args), counts
