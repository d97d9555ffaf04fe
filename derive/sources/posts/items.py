"""What a post's ``=`` becomes when it is read: an :class:`Item` (a claim to check, or a report of
what it is), the expression before the next ``=`` of a chain (:class:`Side`), and the conditions
that restrict claims as read (:class:`Conditions`); with the helpers that show the text as
written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sympy import Basic, Eq, Expr, Ne

from derive.sources.posts.kinds import CLAIM
from derive.sources.posts.latex import nodes as ast
from derive.sources.posts.matrix.kinds import relation

BROKEN = "broken"  # the chain's last expression could not be read
EQUALITIES = ("=", ":=", "≡", "≜")


@dataclass(frozen=True)
class Item:
    """A claim to check (``status`` None) or a report of what an ``=`` is.

    Attributes:
        line, column: where its ``=`` is (or, for a row without one, where reading stopped).
        status: None (a claim to check), "not a claim", "cannot read", "cannot check" or
            "not checked" (an ``=`` in a note after ``&&``);
            message: what it is, or why it is not checked.
        chain: "eq. (3)" or "line 107"; step: the claim's number in its chain (1-based; 0
            for what is not a claim).
        lhs_text, rhs_text: both sides as written; lhs, rhs: as built (definitions kept).
        kind: "claim", "notation" (a stated meaning of the indicator), "definition",
            "condition", "assumption" or "note".
        conditions: relations the claim holds under (its row's, or the prose's before its
            display), and condition_text: them as written.
        guesses: readings guessed while building it (a guess never refutes).
        functions: the functions in force at its row (name, meaning), for the applications
            inside the definitions it uses; recurrences: the recurrences in force there.
        otherwise: (when, kind, message): if the claim is not proved ("not proved") or is
            refuted ("refuted"), the row is not a claim but of this kind (a name defined again
            in a later section, an update ``w = w - \\eta g``, a relation that chooses a new
            symbol, an equation the text sets): reported as such, never refuted.
        instance: its chain has a side computed in numbers (a worked example): the claim is
            about the numbers the text gives (``values``: name or entry -> value, in force at
            its row; ``stale``: those an earlier section gave), never refuted for values it
            does not give; ``shown``: the values earlier chains ended in (a proof may use them).
    """

    line: int
    column: int
    status: str | None
    message: str
    chain: str
    step: int
    lhs_text: str
    rhs_text: str
    lhs: Expr | None = None
    rhs: Expr | None = None
    kind: str = CLAIM
    conditions: tuple[Basic, ...] = ()
    condition_text: str = ""
    guesses: tuple[str, ...] = ()
    otherwise: tuple[str, str, str] = ()
    functions: tuple = ()
    recurrences: tuple = ()  # the recurrences in force at its row (``recurrences``)
    instance: bool = False  # set by name (``values``), never by position
    values: tuple[tuple[Basic, Expr], ...] = ()
    stale: tuple[Basic, ...] = ()  # names whose value an earlier section gave
    latest: tuple[Basic, ...] = ()  # names the last statement of values before it gave
    shown: tuple[tuple[Basic, tuple[Expr, Expr]], ...] = ()  # (name, (value, computation))


@dataclass(frozen=True)
class Side:
    """The expression before the next ``=`` of a chain: as built, as written, and the
    readings guessed to build it."""

    value: Expr
    text: str
    guesses: tuple[str, ...] = ()


@dataclass(frozen=True)
class Conditions:
    """Relations that restrict claims, as built and as written (``problem``: one could not be
    read, so the claims cannot be checked)."""

    relations: tuple[Basic, ...] = ()
    texts: tuple[str, ...] = ()
    problem: str = ""
    about: frozenset = frozenset()  # a condition that never holds: the names it is about

    def consistent(self) -> Conditions:
        """Without the relations whose opposite is there too: prose that describes both cases
        ("each term with $j \\neq k$ ..., the term $j = k$ ...") states neither."""
        opposite = {Eq: Ne, Ne: Eq}
        kept = [
            (r, t)
            for r, t in zip(self.relations, self.texts + ("",) * len(self.relations), strict=False)
            if not (type(r) in opposite and opposite[type(r)](*r.args) in self.relations)
        ]
        if len(kept) == len(self.relations):
            return self
        relations, texts = tuple(r for r, _ in kept), tuple(t for _, t in kept if t)
        return Conditions(relations, texts, self.problem, self.about)

    def __add__(self, other: Conditions) -> Conditions:
        relations = tuple(dict.fromkeys(self.relations + other.relations))
        texts = tuple(dict.fromkeys(self.texts + other.texts))
        about = self.about if self.problem else other.about
        return Conditions(relations, texts, self.problem or other.problem, about)


def equality(left: Expr, right: Expr) -> Basic:
    """``left = right`` as a relation (an assumption the text states; ``1^T y = 1`` between
    numbers)."""
    return relation(left, right)


def unwrap(node: ast.Node) -> ast.Node:
    while isinstance(node, ast.Group):
        node = node.inner
    return node


def is_notation(node: ast.Node) -> bool:
    if isinstance(node, ast.Scripted) and isinstance(node.base, (ast.Indicator, ast.Number)):
        return node.sub is not None
    if isinstance(node, ast.Indicator):
        return True
    return (
        isinstance(node, ast.Scripted)
        and isinstance(node.base, ast.Letter)
        and (node.base.name == "δ" and node.sup is None)
    )


def texts_of(chain: ast.Chain, text: str, end: int) -> list[str]:
    """Each part of the chain as written (a first part that starts inside a font, such as
    ``\\mathbf{y}``, with the font; a last one that ends inside one, with its brace)."""
    bounds = [chain.pos, *chain.equals, end]
    found = []
    for index in range(len(chain.parts)):
        start = bounds[index] + (op_length(text, bounds[index]) if index else 0)
        stop = bounds[index + 1]
        if not index:
            opened = _OPENED.search(text[:start])
            start = opened.start() if opened else start
        found.append(clean(text[start : _closed(text, start, stop)]))
    return found


_OPENED = re.compile(r"(?:\\[A-Za-z]+\s*\{\s*)+\Z")  # \mathbf{, \hat{\mathbf{


def _closed(text: str, start: int, stop: int) -> int:
    """``stop``, moved past the closing braces its piece still owes (``\\mathbf{b``)."""
    owed = text.count("{", start, stop) - text.count("}", start, stop)
    while owed > 0 and stop < len(text) and text[stop] in "} ":
        owed -= text[stop] == "}"
        stop += 1
    return stop


def op_length(text: str, position: int) -> int:
    """The length of a relation as written at ``position`` (``=``, ``:=``, ``\\equiv``)."""
    found = re.match(r"\\[A-Za-z]+|:=|.", text[position:])
    return len(found.group()) if found else 1


def clean(text: str) -> str:
    """A side as written, for reports: alignment, sizing and colour commands left out."""
    text = re.sub(r"\\(?:textcolor|color)\s*\{[^{}]*\}", "", text)
    text = re.sub(r"\\(?:left|right|[bB]ig+[lr]?)\b\s*", "", text.replace("&", " "))
    return " ".join(text.split()).strip(" ,.;")
