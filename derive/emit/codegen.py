"""A graph of array operations -> straight-line NumPy statements.

One statement per operation, in the graph's order (operands first). Two rules keep it fast:

- **In place.** An operation whose operand is an array the function made itself, has the
  result's shape and is read by nothing later, writes into that operand (``a += b``,
  ``numpy.exp(a, out=a)``): the elementwise chain of a formula runs in one buffer instead of
  allocating a temporary per step.
- **Matrix products for contractions.** A sum over one shared index of two arrays with at most
  one other axis each is ``numpy.dot(A, B)`` (transposed views as needed): BLAS, not a loop. A
  sum over every axis of two arrays of one layout is ``numpy.dot`` (vectors) or ``numpy.vdot``;
  anything else is an ``einsum``.

Broadcasting follows the scope order of the axes (:func:`derive.emit.graph.broadcast_view`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from sympy import Expr, Symbol
from sympy.printing.str import StrPrinter

from derive.emit.graph import Domain, Graph, Node, broadcast_view
from derive.emit.printer import SMALL_K
from derive.emit.proofs import EmitError

OPERATORS = {"add": "+", "subtract": "-", "multiply": "*", "divide": "/"}
COMMUTATIVE = frozenset({"add", "multiply"})
LETTERS = "abcdefghijklmnopqrstuvwxyz"


class Assigned(str):
    """A statement printer's answer when it assigned its result itself (an if/else): the
    variable's name, not code to assign."""


class SizePrinter(StrPrinter):
    """Size expressions (``K - 1``) as code, with each size symbol's variable."""

    def __init__(self, names: Mapping[Symbol, str]) -> None:
        super().__init__()
        self.names = dict(names)

    def _print_Symbol(self, expr: Symbol) -> str:
        if expr not in self.names:
            raise EmitError(f"the size {expr} is not known from any argument's shape")
        return self.names[expr]


class Printer:
    """Prints the statements computing ``root`` (see the module docstring).

    Args:
        graph: the operations.
        root: the result's node.
        output: the result's axes, in order (the root is broadcast to them if it lacks one).
        domains: every axis label's range.
        size: prints a size expression as code.
        in_place: write results into dead operands (see the module docstring); NumPy's
            in-place ufuncs cost about 1 us more a call than new arrays, so small inputs are
            faster without.
    """

    def __init__(
        self,
        graph: Graph,
        root: int,
        output: Sequence[Symbol],
        domains: Mapping[Symbol, Domain],
        size: Callable[[Expr], str],
        in_place: bool = True,
    ) -> None:
        self.graph, self.root, self.output = graph, root, tuple(output)
        self.in_place = in_place
        self.domains, self.size = domains, size
        self.names: dict[int, str] = {}
        self.lines: list[str] = []
        self.uses_dtype = False
        self._last = self._last_uses()

    def _last_uses(self) -> dict[int, int]:
        """Per buffer (a node that is not a relabel), the last node that reads it."""
        last: dict[int, int] = {}
        for node in self.graph.reachable(self.root):
            for arg in self.graph[node].args:
                last[self.graph.owner(arg)] = node
        last[self.graph.owner(self.root)] = len(self.graph.nodes)  # returned: read at the end
        return last

    def body(self) -> tuple[list[str], str]:
        """The statements, and the expression that is returned."""
        for node in self.graph.reachable(self.root):
            self.names[node] = self._print(node)
        return self.lines, self._result()

    # ---- one node ------------------------------------------------------------------------

    def _print(self, n: int) -> str:
        node = self.graph[n]
        if node.op == "const":
            value = node.param
            return f"({value!r})" if value < 0 else repr(value)
        if node.op in ("size", "scalar"):
            return str(node.param)
        if node.op == "relabel":
            return self.names[node.args[0]]
        if node.op == "take":
            return self._take(node)
        if node.op == "ufunc":
            return self._ufunc(n, node)
        code = PRINTERS[node.op](self, node)
        return code if isinstance(code, Assigned) else self._statement(n, code)

    def _statement(self, n: int, code: str) -> str:
        name = f"_{len(self.lines)}"
        self.lines.append(f"{name} = {code}")
        return name

    def operand(self, arg: int, target: Sequence[Symbol]) -> str:
        """``arg`` broadcast to the axes ``target``."""
        return self.names[arg] + broadcast_view(self.graph[arg].axes, target)

    def _take(self, node: Node) -> str:
        name, dims = node.param
        parts = [":" if isinstance(d, Symbol) else str(d) for d in dims]
        code = name if all(p == ":" for p in parts) else f"{name}[{', '.join(parts)}]"
        labels = [d for d in dims if isinstance(d, Symbol)]
        if labels == list(node.axes):
            return code
        if len(labels) == 2:
            return f"{code}.T"
        order = tuple(labels.index(axis) for axis in node.axes)
        return f"numpy.transpose({code}, {order})"

    def _ufunc(self, n: int, node: Node) -> str:
        name = node.param
        args = [self.operand(a, node.axes) for a in node.args]
        target = self._reusable(n, node)
        if target is None:
            if name in OPERATORS and len(args) == 2:
                if name in COMMUTATIVE and self._number(node.args[1]) > self._number(node.args[0]):
                    args.reverse()  # exact (IEEE + and * commute), and about 200 instructions less
                return self._statement(n, f"{args[0]} {OPERATORS[name]} {args[1]}")
            if name == "negative":
                return self._statement(n, f"-{args[0]}")
            code = f"numpy.{name}({', '.join(args)})"
            if not node.boolean and not any(self.graph.holds_arrays(a) for a in node.args):
                # of Python numbers only (log 2, a size): NumPy returns a float64 scalar, which
                # would make float32 arrays float64; a Python float takes the arrays' dtype
                code = f"float({code})"
            return self._statement(n, code)
        buffer = self.names[target]
        if name in OPERATORS and len(args) == 2 and target in node.args:
            other = args[1] if node.args[0] == target else args[0]
            if node.args[0] == target or name in COMMUTATIVE:
                self.lines.append(f"{buffer} {OPERATORS[name]}= {other}")
                return buffer
        self.lines.append(f"numpy.{name}({', '.join(args)}, out={buffer})")
        return buffer

    def _number(self, arg: int) -> bool:
        """Whether ``arg`` is a Python number when the function runs (a constant, a size, a
        scalar argument): ``0.5 * a`` costs NumPy less than ``a * 0.5``, which asks the number
        whether it overrides the ufunc before computing."""
        return self.graph[self.graph.owner(arg)].op in ("const", "size", "scalar")

    def _reusable(self, n: int, node: Node) -> int | None:
        """An operand this ufunc may write its result into (see the module docstring)."""
        if node.boolean or not node.axes or not self.in_place:
            return None
        for arg in node.args:
            if (
                self.graph.fresh(arg)
                and self.graph[arg].axes == node.axes
                and self._last.get(self.graph.owner(arg)) == n
                and node.args.count(arg) == 1
            ):
                return arg
        return None

    # ---- statements ----------------------------------------------------------------------

    def where(self, node: Node) -> str:
        return f"numpy.where({', '.join(self.operand(a, node.axes) for a in node.args)})"

    def index(self, node: Node) -> str:
        domain = self.domains[node.param]
        self.uses_dtype = True
        return f"_index({self.size(domain.lo)}, {self.size(domain.hi)}, dtype)"

    def reduce(self, node: Node) -> str:
        (arg,) = node.args
        function, labels = node.param
        axes = self.graph[arg].axes
        positions = tuple(axes.index(label) for label in labels)
        name = self.names[arg]
        if function == "add" and len(axes) == 2 and len(positions) == 1:
            return self._row_or_column_sum(name, axes, labels[0], positions[0])
        if len(positions) == len(axes):
            axis = "None"
        elif len(positions) == 1:
            axis = str(positions[0])
        else:
            axis = str(positions)
        return f"numpy.{function}.reduce({name}, {axis})"

    def _row_or_column_sum(self, name: str, axes: tuple, label: Symbol, position: int) -> str:
        """A sum over one axis of a matrix. Along short rows a product with ones (BLAS) is
        several times faster than NumPy's reduction (about 3 ns an entry at K = 10); along long
        rows the reduction is as fast, runs on one core, and is what the built-in output layer
        uses (``printer.SMALL_K``). With a symbolic row length the in-place (large) body decides
        at run time; the small body always takes the product."""
        self.uses_dtype = True
        ones = f"_ones({self.size(self.domains[label].size)}, dtype)"
        product = f"numpy.dot({name}, {ones})" if position == 1 else f"numpy.dot({ones}, {name})"
        reduction = f"numpy.add.reduce({name}, {position})"
        row = self.domains[axes[1]].size
        if row.is_Integer:
            return product if row <= SMALL_K else reduction
        if not self.in_place:
            return product
        result = f"_{len(self.lines)}"
        self.lines += [
            f"if {self.size(row)} <= {SMALL_K}:  # short rows: a product with ones",
            f"    {result} = {product}",
            "else:",
            f"    {result} = {reduction}",
        ]
        return Assigned(result)

    def contract(self, node: Node) -> str:
        a, b = node.args
        shared = node.param
        code = _matrix_product(self, a, b, shared, node.axes)
        return code if code is not None else _einsum(self, a, b, node.axes)

    def full(self, node: Node) -> str:
        raise AssertionError("full nodes are printed by _result")

    def _result(self) -> str:
        """The returned expression: a new array of the output's axes and the inputs' dtype."""
        root = self.graph[self.root]
        name = self.names[self.root]
        if root.axes == self.output and self.graph.fresh(self.root):
            return name
        if not self.output and self.graph.holds_arrays(self.root):
            return name  # a NumPy scalar of the arrays' dtype already
        self.uses_dtype = True
        if not self.output:
            return f"dtype.type({name})"
        shape = ", ".join(self.size(self.domains[axis].size) for axis in self.output)
        shape += "," if len(self.output) == 1 else ""
        view = broadcast_view(root.axes, self.output)
        return f"numpy.broadcast_to({name}{view}, ({shape})).astype(dtype)"


def _oriented(p: Printer, arg: int, label: Symbol, last: bool) -> str | None:
    """``arg`` as a matrix (or vector) with ``label`` as its last (or first) axis."""
    axes = p.graph[arg].axes
    name = p.names[arg]
    if len(axes) == 1:
        return name
    if len(axes) != 2:
        return None
    if (axes[1] == label) == last:
        return name
    return name[:-2] if name.endswith(".T") else f"{name}.T"


def _matrix_product(p: Printer, a: int, b: int, shared: tuple, out: tuple) -> str | None:
    """``numpy.dot`` (or ``numpy.vdot``) when the contraction is a matrix product, else None.

    ``numpy.dot`` rather than ``@``: the same BLAS call for operands of at most two axes, and
    about 1,800 fewer instructions a call (``@`` goes through the matmul ufunc's machinery),
    which is most of a call at a batch of one. A vector and a matrix go in the order that
    needs no transposed view (``v @ x`` is ``x.T @ v``; a ``.T`` costs as much as a call's
    argument check)."""
    axes_a, axes_b = p.graph[a].axes, p.graph[b].axes
    if axes_a == axes_b and set(axes_a) == set(shared):
        function = "dot" if len(axes_a) == 1 else "vdot"  # dot: no flattening, fewer calls
        return f"numpy.{function}({p.names[a]}, {p.names[b]})"
    if len(shared) != 1 or len(axes_a) > 2 or len(axes_b) > 2:
        return None
    free_a, free_b = [x for x in axes_a if x not in shared], [x for x in axes_b if x not in shared]
    if set(free_a) & set(free_b):
        return None
    (label,) = shared
    if (free_a and free_b and out == (free_b[0], free_a[0])) or (free_b and not free_a):
        # the result's axes in scope order: B's free axis first; a matrix before a vector
        a, b = b, a
    left, right = _oriented(p, a, label, last=True), _oriented(p, b, label, last=False)
    if left is None or right is None:
        return None
    if len(p.graph[b].axes) == 1 and len(p.graph[a].axes) == 2:
        # a matrix and a vector: the vector first if that saves a transposed view
        other = _oriented(p, a, label, last=False)
        if other is not None and other.count(".T") < left.count(".T"):
            return f"numpy.dot({right}, {other})"
    return f"numpy.dot({left}, {right})"


def _einsum(p: Printer, a: int, b: int, out: tuple) -> str:
    axes_a, axes_b = p.graph[a].axes, p.graph[b].axes
    labels = sorted(set(axes_a) | set(axes_b), key=lambda x: (axes_a + axes_b).index(x))
    if len(labels) > len(LETTERS):
        raise EmitError("a contraction over more than 26 axes")
    letter = {label: LETTERS[n] for n, label in enumerate(labels)}

    def word(axes: Sequence[Symbol]) -> str:
        return "".join(letter[x] for x in axes)

    spec = f"{word(axes_a)},{word(axes_b)}->{word(out)}"
    return f'numpy.einsum("{spec}", {p.names[a]}, {p.names[b]})'


PRINTERS: dict[str, Callable[[Printer, Node], str]] = {
    "where": Printer.where,
    "index": Printer.index,
    "reduce": Printer.reduce,
    "contract": Printer.contract,
    "full": Printer.full,
}
