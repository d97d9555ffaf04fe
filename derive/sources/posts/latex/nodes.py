"""The tree a row of LaTeX math is read into, before any meaning is given to it.

The grammar (``latex_grammar``) builds these nodes; ``post_build`` gives them meaning (which
symbol ``z_k^L`` is, whether a superscript is a layer label or a power, what ``\\partial``
differentiates), because that depends on the whole post: its definitions and declarations.
Every node keeps ``pos``, the offset of its first character in the display's text.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Node:
    pos: int


@dataclass(frozen=True)
class Letter(Node):
    """A letter or Greek letter (``t``, ``η``, ``ΔW``), before any script."""

    name: str


@dataclass(frozen=True)
class Number(Node):
    text: str


@dataclass(frozen=True)
class Scripted(Node):
    """``base_{sub}^{sup}'``: ``sub`` is the list of subscript items (``{kj}`` is one item, a
    product, split into indices later; ``{k,j}`` two), ``sup_text`` the superscript as written
    (braces and spaces removed) so that a label can be told from a power."""

    base: Node
    sub: tuple[Node, ...] | None
    sup: Node | None
    sup_text: str
    primes: int


@dataclass(frozen=True)
class Sum(Node):
    """``\\sum_{sub}^{sup} body``."""

    sub: Node | None
    sup: Node | None
    body: Node


@dataclass(frozen=True)
class Add(Node):
    terms: tuple[tuple[int, Node], ...]  # (+1 or -1, term)


@dataclass(frozen=True)
class Mul(Node):
    """A product; ``operators`` are the explicit product signs written (``⊙``, ``⊗``,
    ``\\cdot``), so that a matrix reading can tell ``⊙`` from a matrix product."""

    factors: tuple[Node, ...]
    operators: tuple[str, ...] = ()
    gaps: tuple[tuple[int, str], ...] = ()  # (index of the factor after it, sign): a ⊙ b is (1, ⊙)


@dataclass(frozen=True)
class Div(Node):
    numerator: Node
    denominator: Node


@dataclass(frozen=True)
class Frac(Node):
    numerator: Node
    denominator: Node


@dataclass(frozen=True)
class Partial(Node):
    """``\\partial x`` (operand None: ``\\partial`` alone, an operator); ``total`` for ``d``;
    ``order``: ``\\partial^2 f`` in a numerator."""

    operand: Node | None
    total: bool = False
    order: int = 1


@dataclass(frozen=True)
class Call(Node):
    """``name(args)``, ``name{arg}`` or ``name arg`` (``loose``); ``sub``/``sup`` are scripts on
    the function (``\\log_2``)."""

    name: str
    args: tuple[Node, ...]
    sub: Node | None = None
    sup: Node | None = None
    loose: bool = False


@dataclass(frozen=True)
class Apply(Node):
    """A name before a bracket: ``f(z)``, ``J(W, b)``, ``h_{W,b}(x)``, ``p_i(1 - p_i)``. The
    meaning stage decides whether it is an application or a product; ``separators`` are the
    marks between the arguments (``,``, ``;``, ``|``)."""

    head: Node  # a Letter or a Scripted letter
    args: tuple[Node, ...]
    separators: tuple[str, ...] = ()


@dataclass(frozen=True)
class Nabla(Node):
    """``\\nabla_{v} f``: the gradient of ``operand`` with respect to ``sub`` (None if unsaid);
    ``order`` 2 for ``\\nabla^2`` (the Hessian), 0 for a superscript that is not an order."""

    sub: Node | None
    operand: Node
    order: int = 1
    partial: bool = False  # written \partial_v f


@dataclass(frozen=True)
class SumName(Node):
    """A bare ``\\sum`` used as a name for the sum just written (``e_i / \\sum``)."""


@dataclass(frozen=True)
class Ellipsis(Node):
    """``\\dots``: terms left out, read in a written-out sum (``y_1 + \\dots + y_n``)."""


@dataclass(frozen=True)
class Evaluated(Node):
    """``\\left. f \\right|_{x=0}``: ``operand`` at the point ``at`` (a relation ``x = 0``)."""

    operand: Node
    at: Node


@dataclass(frozen=True)
class Absolute(Node):
    inner: Node


@dataclass(frozen=True)
class Norm(Node):
    """``\\|v\\|``: a norm (vector notation)."""

    inner: Node


@dataclass(frozen=True)
class Sqrt(Node):
    operand: Node


@dataclass(frozen=True)
class Group(Node):
    """A bracketed expression; ``brace`` for ``{...}`` (TeX grouping, not a bracket)."""

    inner: Node
    brace: bool = False


@dataclass(frozen=True)
class Indicator(Node):
    """``\\mathbb{1}`` (its condition comes as a subscript or in brackets)."""

    condition: Node | None = None


@dataclass(frozen=True)
class Relation(Node):
    """``lhs op rhs`` inside a condition (``d = k``, ``x > 0``)."""

    lhs: Node
    op: str
    rhs: Node


@dataclass(frozen=True)
class Cases(Node):
    """``\\begin{cases}`` or ``a \\text{ if } c, \\text{ else } b``: (value, condition or None
    for the otherwise branch)."""

    branches: tuple[tuple[Node, Node | None], ...]


@dataclass(frozen=True)
class Note(Node):
    """``\\text{...}`` that is neither a function nor a condition word: prose."""

    text: str


@dataclass(frozen=True)
class Chain(Node):
    """``a = b = c`` (``parts[0]`` None: the row starts with ``=``, continuing the row
    before); ``equals`` are the offsets of the relation signs, one per part after the first,
    and ``ops`` the relations as written (``=``, ``:=``, ``≡``, ``!=``, ``<=``);
    ``conditional``: written after ``\\text{if}`` or ``\\text{for}`` (a condition)."""

    parts: tuple[Node | None, ...]
    equals: tuple[int, ...]
    end: int = 0  # one past its last character
    ops: tuple[str, ...] = ()
    conditional: bool = False


@dataclass(frozen=True)
class Line(Node):
    """A whole row: one or more chains (``a = b, \\quad c = d``)."""

    chains: tuple[Chain, ...]


def children(node: Node) -> list[Node]:
    """The nodes directly inside ``node``, in order."""
    found: list[Node] = []
    for value in vars(node).values():
        if isinstance(value, Node):
            found.append(value)
        elif isinstance(value, tuple):
            for item in value:
                if isinstance(item, Node):
                    found.append(item)
                elif isinstance(item, tuple):
                    found.extend(x for x in item if isinstance(x, Node))
    return found


def walk(node: Node) -> list[Node]:
    """``node`` and every node inside it, parents first (iteratively: trees are bounded, but
    a recursion limit is no place to find that out)."""
    found, stack = [], [node]
    while stack:
        current = stack.pop()
        found.append(current)
        stack.extend(reversed(children(current)))
    return found
