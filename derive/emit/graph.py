"""The array program a result becomes: a graph of whole-array operations over named axes.

A node is one NumPy operation (an argument taken with its axes, a ufunc, a reduction, a
contraction, ...). Its ``axes`` name the array's dimensions, in the function's *scope order*
(the batch axis, the result's free indices, then the summation indices in nesting order), so
two nodes combine by broadcasting: the printer inserts a size-1 dimension for an axis one
operand lacks (:func:`broadcast_view`). Nodes are hash-consed: building the same operation on
the same operands twice gives the same node, so a subexpression written twice (the softmax's
denominator in the loss and in the gradient) is computed once.

Axis labels are SymPy ``Symbol`` objects (the derivation's own indices); their ranges are in a
:class:`Domain` table kept by the builder.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass

from sympy import Basic, Expr, Sum, Symbol

# ops whose result is a fresh array the function owns (when it has at least one axis): the
# code may overwrite it in place once nothing reads it any more
FRESH = frozenset({"ufunc", "where", "reduce", "contract", "full"})
# ufuncs that give booleans (conditions of where, Kronecker deltas)
BOOLEAN = frozenset({"greater", "greater_equal", "less", "less_equal", "equal", "not_equal"})
BOOLEAN |= frozenset({"logical_and", "logical_or", "logical_not"})


@dataclass(frozen=True)
class Domain:
    """An index range lo..hi (both included); ``size`` is hi - lo + 1."""

    lo: Expr
    hi: Expr

    @property
    def size(self) -> Expr:
        return self.hi - self.lo + 1


@dataclass(frozen=True)
class Node:
    """One operation.

    Attributes:
        op: "take" (an array argument with its axes), "scalar" (a scalar argument), "const",
            "size" (a size read from the shapes), "index" (the values lo..hi of an axis),
            "ufunc", "where", "reduce", "contract", "relabel" (the same array under other axis
            names), "full" (broadcast to the result's shape).
        args: the operands, as node ids.
        axes: the result's axes, in scope order.
        param: what the op needs besides its operands (the ufunc's name, the reduced axes...).
        boolean: True if the result holds booleans.
    """

    op: str
    args: tuple[int, ...]
    axes: tuple[Symbol, ...]
    param: Hashable = None
    boolean: bool = False


class Graph:
    """Hash-consed nodes; ids grow in creation order, so operands come before their users."""

    def __init__(self) -> None:
        self.nodes: list[Node] = []
        self._ids: dict[Node, int] = {}

    def add(
        self,
        op: str,
        args: Sequence[int],
        axes: Sequence[Symbol],
        param: Hashable = None,
        boolean: bool = False,
    ) -> int:
        node = Node(op, tuple(args), tuple(axes), param, boolean)
        found = self._ids.get(node)
        if found is None:
            found = self._ids[node] = len(self.nodes)
            self.nodes.append(node)
        return found

    def __getitem__(self, node: int) -> Node:
        return self.nodes[node]

    def owner(self, node: int) -> int:
        """The node whose buffer ``node`` is (through relabels)."""
        while self.nodes[node].op == "relabel":
            node = self.nodes[node].args[0]
        return node

    def fresh(self, node: int) -> bool:
        """Whether ``node``'s buffer is an array the function made (not an argument, not a
        cached or shared one, not a scalar), so it may be overwritten in place."""
        owner = self.nodes[self.owner(node)]
        return owner.op in FRESH and bool(owner.axes) and not owner.boolean

    def holds_arrays(self, node: int) -> bool:
        """Whether ``node`` is computed from an array (so NumPy gives a value of the arrays'
        dtype even when it has no axis), not from Python numbers alone."""
        return any(self.nodes[n].op in ("take", "index") for n in self.reachable(node))

    def reachable(self, root: int) -> list[int]:
        """The nodes ``root`` depends on (and itself), in creation order."""
        seen, stack = {root}, [root]
        while stack:
            for arg in self.nodes[stack.pop()].args:
                if arg not in seen:
                    seen.add(arg)
                    stack.append(arg)
        return sorted(seen)


def union_axes(order: dict[Symbol, int], *groups: Sequence[Symbol]) -> tuple[Symbol, ...]:
    """The axes of all ``groups``, once each, in scope order."""
    found = {axis for group in groups for axis in group}
    return tuple(sorted(found, key=order.__getitem__))


def broadcast_view(axes: Sequence[Symbol], target: Sequence[Symbol]) -> str:
    """The indexing that lines an array with ``axes`` up with ``target`` (``[:, None]``), or
    "" if it broadcasts as it is. Both are in scope order and ``axes`` is part of ``target``;
    NumPy adds missing leading dimensions itself, so only the gaps after the first axis need a
    None."""
    if not axes:
        return ""
    tail = list(target[list(target).index(axes[0]) :])
    parts = [":" if axis in axes else "None" for axis in tail]
    if all(part == ":" for part in parts):
        return ""
    while parts and parts[-1] == ":":
        parts.pop()
    return "[" + ", ".join(parts) + "]"  # the dimensions after the last None follow


def rename_free(expr: Basic, mapping: Mapping[Symbol, Basic]) -> Basic:
    """``expr`` with the *free* occurrences of the symbols in ``mapping`` replaced: an index
    bound by a sum inside (the c of max_c in a shifted softmax) keeps its name, unlike
    ``xreplace``."""
    if not mapping or not (expr.free_symbols & mapping.keys()):
        return expr
    if expr in mapping:
        return mapping[expr]
    if isinstance(expr, Sum):
        bound = {index for index, *_ in expr.limits}
        inner = {k: v for k, v in mapping.items() if k not in bound}
        limits = [
            (i, rename_free(lo, mapping), rename_free(hi, mapping)) for i, lo, hi in expr.limits
        ]
        return Sum(rename_free(expr.function, inner), *limits)
    return expr.func(*(rename_free(arg, mapping) for arg in expr.args))


def bound_by_depth(expr: Basic, depth: int = 0) -> Basic:
    """``expr`` with every sum's index renamed by how deep the sum sits in ``expr`` (``_sum0_0``
    for the outermost): two sums that differ only in the names of their indices become equal
    (and cancel, or share their work)."""
    if not expr.args or expr.is_Atom:
        return expr
    if isinstance(expr, Sum):
        names = {
            index: Symbol(f"_sum{depth}_{n}", **index.assumptions0)
            for n, (index, *_) in enumerate(expr.limits)
        }
        limits = [(names[index], lo, hi) for index, lo, hi in expr.limits]
        return Sum(bound_by_depth(expr.function.xreplace(names), depth + 1), *limits)
    args = tuple(bound_by_depth(a, depth) for a in expr.args)
    return expr.func(*args) if args != expr.args else expr
