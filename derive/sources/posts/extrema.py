r"""``\max_j z_j`` and ``\min_k a_k``: the largest (smallest) entry, read as a number of its own.

Posts write the maximum over an index for the shift that makes a softmax or a log-sum-exp
stable: ``m = \max_k a_k``, then ``\log \sum_k e^{a_k} = m + \log \sum_k e^{a_k - m}``. The
identity holds for any m; which entry is largest never matters to it. So the maximum is read
as a real number of its own (one per expression written, ``\max_j z_j`` the same number in
every row), and the reader never judges what depends on its value:

- a claim refuted with it is not refuted (``Definitions.opaque``: the check says so);
- a derivative of an expression that reaches it is not taken (its derivative is not 0).

Only the extremum of one array's entries over the index written under it is read
(``\max_j z_j``, ``\max_{k} a^L_k``); anything else (``\max_j (z_j + b_i)``, a second index
free inside) stays "not read".
"""

from __future__ import annotations

from sympy import Expr

from derive.sources.posts.latex import nodes as ast
from derive.sources.posts.names import BuildError, Name

EXTREMA = frozenset(["max", "min"])


def extremum(builder, node: ast.Call, env) -> Expr:
    """The number ``node`` (``\\max_j z_j``) stands for: one symbol per extremum written."""
    index = node.sub
    while isinstance(index, ast.Group):
        index = index.inner
    argument = node.args[0] if len(node.args) == 1 else None
    if not isinstance(index, ast.Letter) or not _entry_over(argument, index.name):
        raise BuildError(f"a subscript on {node.name} is not read", node.pos)
    written = f"{node.name}_{index.name} {_shown(argument)}"
    symbol = builder.scope.symbol(Name(written), 0)
    builder.definitions.opaque.setdefault(symbol, "\\" + written)
    return symbol


def _entry_over(node: ast.Node | None, letter: str) -> bool:
    """``z_j`` (or ``a^L_j``) over j: one entry of one array, its one index the letter."""
    while isinstance(node, ast.Group):
        node = node.inner
    if not (isinstance(node, ast.Scripted) and isinstance(node.base, ast.Letter)):
        return False
    if node.primes or node.sub is None or len(node.sub) != 1:
        return False
    sub = node.sub[0]
    return isinstance(sub, ast.Letter) and sub.name == letter


def _shown(node: ast.Node) -> str:
    while isinstance(node, ast.Group):
        node = node.inner
    label = f"^{{{node.sup_text}}}" if node.sup is not None else ""
    return f"{node.base.name}{label}_{node.sub[0].name}"
