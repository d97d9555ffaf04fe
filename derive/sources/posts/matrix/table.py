"""The shapes of a post's names: which names are matrices and vectors, and where that came from.

A name's shape comes, first that applies, from

1. a statement (``W \\in \\mathbb{R}^{m \\times n}``, "$X$ is an $m \\times n$ matrix", or
   ``[symbols] W = "matrix m x n"``): exactly that, sizes as written (``b \\in \\mathbb{R}``
   states a number);
2. its definition (``z = W x + b``): the shape of the right side (``Builder``);
3. the evidence of its uses (``evidence``: transposed, an operand of ``⊙``, inside a norm,
   multiplied after a matrix, bold): a vector (a column, for a lower-case letter) or a matrix
   whose sizes are unknown here and inferred claim by claim from the products they must
   conform to (``claims``).

Everything else is a number. Each shape keeps its source for the report ("stated at line 7",
"inferred"): a refutation that rests on the shapes of two sides differing is made only from
stated shapes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from sympy import Basic, Integer

from derive.checker.matrix.infer import UnknownSize, unknown_size
from derive.checker.matrix.nodes import LAYOUTS
from derive.sources.posts.matrix.stated import Statement, size_value
from derive.sources.posts.names import Name

Shape = tuple[Basic, Basic]


@dataclass(frozen=True)
class Stated:
    """A stated shape (None: a number), where, and the problem of a size that is not read."""

    shape: Shape | None
    where: str
    problem: str = ""


@dataclass
class PostShapes:
    """The shape table of one post (``Scope.matrices``).

    Attributes:
        stated: names with a stated shape.
        families: bases stated with a subscript (``x_i \\in \\mathbb{R}^d``): one vector per i.
        vectors: bases that are vectors or matrices by the evidence of their uses -> why.
        layout: of ``\\partial f / \\partial W`` by a matrix: "denominator" (W's shape) or
            "numerator" (declared, or stated in the prose: ``layout_source``).
        problems: an unknown size standing for a size that is not read -> the problem.
    """

    stated: dict[Name, Stated] = field(default_factory=dict)
    families: set[str] = field(default_factory=set)
    vectors: dict[str, str] = field(default_factory=dict)
    layout: str = LAYOUTS[0]
    layout_source: str = "declared"  # or "stated at line 4" (matrix.reading.stated_layout)
    problems: dict[Basic, str] = field(default_factory=dict)
    later: list[tuple[int, Name, Stated]] = field(default_factory=list)  # stated again
    made: dict[Name, Shape | None] = field(default_factory=dict)
    parent: dict[Basic, Basic] = field(default_factory=dict)  # unknown size -> what it equals
    named: dict[Basic, Basic] = field(default_factory=dict)  # undecided size -> a size shown n

    active: bool = False  # the post writes matrix notation (evidence.find_evidence)
    softmax: str | None = None  # "rows" / "columns": the prose says how softmax acts on a matrix
    prose: str = ""  # the post's text (what it says of its targets: hidden.stated_in_prose)
    bad: list[tuple[int, str, str]] = field(default_factory=list)  # (offset, text, problem)

    def state(self, statement: Statement, size: Callable[[str], Basic]) -> None:
        """Record a statement, in file order: the first one of a name holds from the start,
        one that states another shape later holds from its place on (``restated``)."""
        if statement.family:
            self.families.add(statement.name.base)
            return
        stated = self._stated(statement, size)
        if stated.problem:
            shown = f"{statement.name.shown()} \\in ...: {stated.problem}"
            self.bad.append((statement.offset, shown, stated.problem))
        first = self.stated.get(statement.name)
        if first is None:
            self.stated[statement.name] = stated
        elif first.shape != stated.shape and statement.offset >= 0:
            self.later.append((statement.offset, statement.name, stated))

    def _stated(self, statement: Statement, size: Callable[[str], Basic]) -> Stated:
        if not statement.dims:
            return Stated(None, statement.where)
        if len(statement.dims) > 2:
            problem = f"{len(statement.dims)} sizes (a tensor), not a matrix"
            return Stated((self._bad(problem), Integer(1)), statement.where, problem)
        values, problems = [], []
        for node in statement.dims:
            value, problem = size_value(node, size)
            values.append(value if value is not None else self._bad(problem))
            if problem:
                problems.append(problem)
        shape = (values[0], values[1] if len(values) == 2 else Integer(1))
        return Stated(shape, statement.where, "; ".join(dict.fromkeys(problems)))

    def restated(self, offset: int) -> list[Name]:
        """The names stated again before ``offset`` (a new shape from there on)."""
        names = []
        while self.later and self.later[0][0] <= offset:
            _, name, stated = self.later.pop(0)
            self.stated[name] = stated
            self.made.pop(name, None)
            names.append(name)
        return names

    def _bad(self, problem: str) -> Basic:
        made = unknown_size()
        self.problems[made] = problem
        return made

    def shape(self, name: Name) -> Shape | None:
        """The shape of a name used without subscripts, or None for a number."""
        if name in self.made:  # given by a definition (None: a number)
            return self.made[name]
        stated = self.stated.get(name)
        if stated is not None:
            return stated.shape
        if name.base not in self.vectors or name.base in self.families:
            return None
        rows = unknown_size()
        cols = Integer(1) if _lower(name.base) else unknown_size()
        self.made[name] = (rows, cols)
        return self.made[name]

    # --- sizes the definitions decide (``z = W x``: z has W's rows), for the whole post -----

    def find(self, size: Basic) -> Basic:
        while size in self.parent:
            size = self.parent[size]
        return size

    def unify(self, a: Basic, b: Basic) -> None:
        """Record that two sizes are equal (an unknown one takes the other's value; two
        known ones that differ are left for the shape check to report)."""
        a, b = self.find(a), self.find(b)
        if a == b:
            return
        if isinstance(a, UnknownSize):
            self.parent[a] = b
        elif isinstance(b, UnknownSize):
            self.parent[b] = a

    def resolved(self, expr: Basic) -> Basic:
        """``expr`` with every unknown size the post's definitions decide replaced."""
        unknown = expr.atoms(UnknownSize)
        found = {u: self.find(u) for u in unknown}
        found = {u: v for u, v in found.items() if v != u}
        return expr.xreplace(found) if found else expr

    def is_stated(self, name: Name) -> bool:
        found = self.stated.get(name)
        return found is not None and found.shape is not None and not found.problem

    def report(self, show: Callable[[Basic], str]) -> list[str]:
        """The shapes the check used, for the report's defaults: stated, and inferred."""
        lines = []
        stated = [
            f"{name.shown()} {_dims(s.shape, show)} ({s.where})"
            for name, s in sorted(self.stated.items())
            if s.shape is not None
        ]
        if stated:
            lines.append("shapes stated in the text: " + ", ".join(stated))
        stated = {name.base for name, s in self.stated.items() if s.shape is not None}
        guessed = sorted(
            f"{base} ({why})" for base, why in self.vectors.items() if base not in stated
        )
        if guessed:
            lines.append(
                "vectors (lower case: columns) and matrices by their use, sizes inferred from "
                "the products they are in: " + ", ".join(guessed)
            )
        if self.layout != LAYOUTS[0]:
            lines.append(
                f"gradients by a matrix in the {self.layout} layout ({self.layout_source})"
            )
        return lines


def _lower(base: str) -> bool:
    """A lower-case letter (a column vector by default); ``dZ``, ``dW``, code's names of
    gradients, are of their letter's case (dZ a matrix, db a vector)."""
    if len(base) > 1 and base[0] == "d" and base[1].isalpha():
        base = base[1:]
    first = base[:1]
    return first.islower() or (not first.isalpha())


def _dims(shape: Shape, show: Callable[[Basic], str]) -> str:
    rows, cols = shape
    if isinstance(rows, UnknownSize) or isinstance(cols, UnknownSize):
        return "(a size not read)"
    return f"{show(rows)}×{show(cols)}"
