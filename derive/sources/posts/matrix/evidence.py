r"""Which names of a post are vectors or matrices, by the evidence of their uses.

A post rarely states every shape: ``\delta^l`` is a vector because it is transposed somewhere,
multiplied after a matrix (``(W^{l+1})^T \delta^{l+1}``), or an operand of ``\odot``. The
evidence, read from the rows' trees before anything is built (every row of the post, in file
order, repeated until nothing new is learnt):

- transposed: ``x^T``, ``(a^{l-1})^T``, ``W^{[2]T}``;
- an operand of ``\odot``, ``\oslash``, ``\circ``, ``\otimes``, inside a norm ``\|v\|``, the
  argument of ``\mathrm{diag}``, ``\mathrm{tr}`` or ``softmax`` of a whole vector;
  a norm in the prose's inline math ("we add the penalty $\|w\|^2$") names the vector but
  does not by itself make the post one in matrix notation: posts that derive entry by entry
  mention the vector's norm in words and write every display with its entries;
- multiplied right after a vector or matrix (``W a``, ``X \theta``: a number would be
  written before it), or added to one (``X\theta - y``);
- written bold (``\mathbf{x}``, ``\boldsymbol{\theta}``), once the post writes matrix notation.

A letter is one kind of thing throughout a post: evidence about ``a^{l-1}`` makes every ``a^l``
a vector (its entries ``a_j`` stay numbers). The reasons are kept for the report.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from derive.sources.posts.latex import nodes as ast
from derive.sources.posts.latex.vocabulary import GREEK_TEXT
from derive.sources.posts.matrix.stated import numbered_name
from derive.sources.posts.matrix.table import PostShapes
from derive.sources.posts.names import Name, is_transpose, label_kind

ELEMENTWISE = frozenset(["⊙", "⊘", "∘", "⊗"])  # signs between two vectors or matrices
MATRIX_WORDS = frozenset(["diag", "tr", "Tr", "trace", "softmax", "Softmax", "rank", "det"])
MAX_ROUNDS = 8  # the evidence passes over the post (each learns at least one letter or stops)
_BOLD = re.compile(
    r"\\(?:mathbf|boldsymbol|bm|pmb|mathbold|textbf|vec)\s*(?:\{\s*(\\?[A-Za-z]+)\s*\}|([A-Za-z]))"
)

Row = tuple[ast.Line, Callable[[int], str]]


def bold_letters(texts: Iterable[str]) -> set[str]:
    """The letters a post writes bold (``\\mathbf{x}``, ``\\boldsymbol{\\theta}``)."""
    found = set()
    for text in texts:
        for match in _BOLD.finditer(text):
            word = match.group(1) or match.group(2)
            if word.startswith("\\"):
                word = GREEK_TEXT.get(word[1:], "")
            if len(word) == 1:
                found.add(word)
    return found


class _Walker:
    def __init__(self, table: PostShapes, skip: set[str], labels: dict[str, str]) -> None:
        self.table, self.skip, self.labels = table, skip, labels
        self.matrix_notation = False
        self.where: Callable[[int], str] = lambda pos: ""
        self.defined: dict[str, ast.Node] = {}
        self.in_prose = False  # the row being walked is inline math

    def mark(self, names: Iterable[Name], why: str, pos: int) -> None:
        for name in names:
            stated = self.table.stated.get(name)
            if stated is not None and stated.shape is None:
                continue  # stated a number
            if name.base not in self.table.vectors:
                self.table.vectors[name.base] = f"{why} at {self.where(pos)}"

    def name(self, node: ast.Node) -> Name | None:
        """The name a node stands for when it is a name alone (``x``, ``a^{l-1}``, ``dZ``)."""
        if isinstance(node, ast.Letter):
            return None if node.name in self.skip else Name(node.name)
        if not (isinstance(node, ast.Scripted) and isinstance(node.base, ast.Letter)):
            return None
        numbered = numbered_name(node, self.labels)
        if numbered is not None and Name(node.base.name) not in self.table.stated:
            return numbered  # W_1 (a vector's entry y_1 stays an entry)
        if node.sub is not None or node.base.name in self.skip:
            return None
        base = node.base.name + "'" * node.primes
        if node.sup is None:
            return Name(base)
        if label_kind(node.sup_text, self.labels) == "label":
            return Name(base, node.sup_text)
        return None

    def transposed(self, node: ast.Node) -> ast.Node | None:
        """The node under a transpose (``x`` of ``x^T``, ``W^{[2]}`` of ``W^{[2]T}``)."""
        if not isinstance(node, ast.Scripted) or node.sup is None or node.sub is not None:
            return None
        if not is_transpose(node.sup_text):
            return None
        if node.sup_text.startswith(("(", "[")) and isinstance(node.base, ast.Letter):
            label = node.sup_text[: -1 if node.sup_text.endswith("T") else -4]
            return ast.Scripted(node.pos, node.base, None, ast.Letter(node.pos, label), label, 0)
        return node.base

    def operands(self, node: ast.Node) -> list[Name]:
        """The names that must be vectors or matrices when ``node`` is one: a name, the
        terms of a sum, the last factor of a product, the argument of an elementwise
        function, what is transposed."""
        node = _unwrap(node)
        found = self.name(node)
        if found is not None:
            return [found]
        under = self.transposed(node)
        if under is not None:
            return self.operands(under)
        if isinstance(node, ast.Add):
            return [n for _, term in node.terms for n in self.operands(term)]
        if isinstance(node, ast.Mul):
            return self.operands(node.factors[-1])
        if isinstance(node, (ast.Call, ast.Apply)) and len(node.args) == 1:
            return self.operands(node.args[0])
        if isinstance(node, ast.Scripted) and isinstance(node.base, (ast.Call, ast.Apply)):
            return self.operands(node.base)
        return []

    def nonscalar(self, node: ast.Node) -> bool:
        """Whether ``node`` is a vector or matrix by what is known so far (a name with
        evidence or a shape, a transpose, a sum or product with one in it, a name defined
        as one); iterative, each definition followed once."""
        todo, seen = [node], set()
        while todo:
            current = _unwrap(todo.pop())
            found = self.name(current)
            if found is not None:
                if found.base in self.table.vectors or self.table.shape(found) is not None:
                    return True
                body = self.defined.get(found.base)
                if body is not None and found.base not in seen:
                    seen.add(found.base)
                    todo.append(body)
            elif self.transposed(current) is not None:
                return True
            elif isinstance(current, ast.Add):
                todo.extend(term for _, term in current.terms)
            elif isinstance(current, ast.Mul):
                todo.extend(current.factors)
            elif isinstance(current, (ast.Div, ast.Frac)):  # ∂C/∂z of a vector z: a vector
                num, den = current.numerator, current.denominator
                if isinstance(num, ast.Partial) and isinstance(den, ast.Partial) and den.operand:
                    todo.append(den.operand)
        return False

    # --- one pass -------------------------------------------------------------------------

    def row(self, line: ast.Line) -> None:
        for chain in line.chains:
            parts = [p for p in chain.parts if p is not None]
            for part in parts:
                self.whole_uses(part)
                for node in ast.walk(part):
                    self.node(node)
            first = chain.parts[0]
            named = self.name(_unwrap(first)) if first is not None else None
            if named is not None and len(parts) > 1:
                self.defined.setdefault(named.base, chain.parts[1])
                if self.nonscalar(chain.parts[1]):  # z^l = W^l a^{l-1}: every z^. is one
                    self.mark([Name(named.base)], "defined as one", first.pos)

    def whole_uses(self, part: ast.Node) -> None:
        """A name the text states a vector or matrix, used whole (a side, a term, a factor,
        transposed or inverted, in a norm): the post writes matrix notation. Inside a
        function's arguments or with a subscript (``\\mathrm{softmax}(\\mathbf{z})_k``), it
        does not: its entries are meant."""
        todo = [part]
        while todo:
            node = _unwrap(todo.pop())
            name = self.name(node)
            if name is not None:
                stated = self.table.stated.get(name)
                self.matrix_notation |= stated is not None and stated.shape is not None
            elif isinstance(node, ast.Add):
                todo.extend(term for _, term in node.terms)
            elif isinstance(node, ast.Mul):
                todo.extend(node.factors)
            elif isinstance(node, ast.Frac):
                todo.extend((node.numerator, node.denominator))
            elif isinstance(node, ast.Scripted) and node.sub is None:
                todo.append(node.base)
            elif isinstance(node, ast.Norm):
                todo.append(node.inner)

    def node(self, node: ast.Node) -> None:
        under = self.transposed(node)
        if under is not None:
            self.matrix_notation = True
            self.mark(self.operands(under), "transposed", node.pos)
        elif isinstance(node, ast.Scripted) and node.sup_text == "-1" and node.sub is None:
            inverted = self.name(node.base)  # A^{-1} of a stated matrix A
            if inverted is not None and self.table.is_stated(inverted):
                self.matrix_notation = True
        if isinstance(node, (ast.Nabla, ast.Partial)):
            variable = self.name(_unwrap(node.sub if isinstance(node, ast.Nabla) else node.operand))
            if variable is not None and self.table.is_stated(variable):
                self.matrix_notation = True  # a gradient by a stated vector or matrix
        if isinstance(node, ast.Mul):
            self.product(node)
        elif isinstance(node, ast.Norm):
            self.matrix_notation |= not self.in_prose
            self.mark(self.operands(node.inner), "in a norm", node.pos)
        elif isinstance(node, ast.Add):
            if any(self.nonscalar(term) for _, term in node.terms):
                plain = [self.name(_unwrap(t)) for _, t in node.terms]
                self.mark([n for n in plain if n is not None], "added to a vector", node.pos)
        elif isinstance(node, ast.Apply) and _word(node.head) in MATRIX_WORDS:
            self.matrix_notation = True
            self.mark(self.operands(node.args[0]) if node.args else [], "in diag/tr", node.pos)
        elif isinstance(node, ast.Call) and node.name == "softmax" and node.args:
            whole = self.name(_unwrap(node.args[0])) is not None  # softmax(z), not (z_k)
            self.mark(self.operands(node.args[0]) if whole else [], "softmax of it", node.pos)

    def product(self, node: ast.Mul) -> None:
        signs = dict(node.gaps)
        for index, sign in signs.items():
            if sign in ELEMENTWISE and 0 < index < len(node.factors):
                self.matrix_notation = True
                pair = node.factors[index - 1], node.factors[index]
                self.mark([n for f in pair for n in self.operands(f)], f"an operand of {sign}", 0)
        for index in range(1, len(node.factors)):
            if signs.get(index) in ELEMENTWISE:
                continue
            previous, current = node.factors[index - 1], node.factors[index]
            named = self.name(_unwrap(current))
            if named is not None and self.nonscalar(previous):
                self.mark([named], "multiplied after a matrix", current.pos)
                before = self.name(_unwrap(previous))
                if before is not None and self.table.is_stated(before):
                    self.matrix_notation = True  # W x with a stated matrix W


def _unwrap(node: ast.Node) -> ast.Node:
    while isinstance(node, ast.Group):
        node = node.inner
    return node


def _word(node: ast.Node) -> str:
    return node.name if isinstance(node, ast.Letter) else ""


def find_evidence(
    rows: list[Row],
    table: PostShapes,
    skip: set[str],
    labels: dict[str, str],
    bold: set[str],
    prose: frozenset[int] = frozenset(),
) -> bool:
    """Fill ``table.vectors`` from the rows' trees; whether the post writes matrix notation
    (a transpose, ``\\odot``, a norm, diag or tr, a stated matrix times a vector): shapes
    stated for entries alone (``\\mathbf{z} \\in \\mathbb{R}^K``, then ``z_k``) are not.

    Args:
        rows: every row's tree, with where an offset of its text is ("line 12").
        skip: letters that are never vectors here (indices, sizes, e, function words).
        labels: the declared superscripts (the label rule).
        bold: the letters the post writes bold.
        prose: the ``id`` of each row that is inline math (in the prose).
    """
    walker = _Walker(table, skip, labels)
    for name, stated in sorted(table.stated.items(), key=lambda item: item[0].shown()):
        if name.label and stated.shape is not None and name.base not in table.vectors:
            table.vectors[name.base] = f"stated at layer {name.label}"  # W^l: every W^{l+1}
    for _ in range(MAX_ROUNDS):
        before = len(table.vectors)
        for line, where in rows:
            walker.where = where
            walker.in_prose = id(line) in prose
            walker.row(line)
        if len(table.vectors) == before:
            break
    active = walker.matrix_notation
    if active:
        for letter in sorted(bold - skip - {"1", "0"}):
            if letter not in table.vectors and Name(letter) not in table.stated:
                table.vectors[letter] = "written bold"
    return active
