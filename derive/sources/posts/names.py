"""The names of a post: which SymPy object ``t_k``, ``w^L_{kj}``, ``k`` or ``K`` stands for.

A name is a base (a letter, a Greek letter, ``ΔW``) and a layer label (``L``, ``L-1``, or none);
its subscripts are indices. Every name gets a generated SymPy name (``s0``, ``s1``, ...): the
post's text never becomes a SymPy name, so it can never reach code printed from an expression.
``display`` maps back, for reports.

The label rule (docs/posts.md), applied to a superscript on a letter, as written:

1. a declaration decides (``[superscripts]``: ``L = "label"``, ``n = "power"``);
2. a bracketed superscript is a label: ``a^{(l)}``, ``W^{[2]}``;
3. an upper-case letter, or ``l``, alone or plus/minus a number, is a layer label: ``L``,
   ``L-1``, ``L+1``, ``l``, ``l-1`` (``T`` is refused: transposes are not read);
4. anything else is a power: ``x^2``, ``x^n``, ``e^{z}``, ``\\sigma^{-1}``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sympy import Basic, Expr, IndexedBase, Integer, MatrixSymbol, Symbol

from derive.sources.posts.latex.vocabulary import SIGMA

_LAYER = re.compile("(?:[A-Z]|l|\N{SCRIPT SMALL L})(?:[+-]\\d+)?\\Z")
# a tag written as a word: ``y^{LS}``, ``\theta^{MLE}``, ``w^{\text{new}}`` (never a power)
_TAG = re.compile(r"(?:[A-Z]{2,}|\\(?:text|mathrm|rm|textrm|mathit)\{[A-Za-z]{2,}\})\Z")
_BRACKETED = re.compile(r"(?:\(.+\)|\[.+\]|\[[^\[\]]+\]\(.+\))\Z")  # (l), [2], [2](i)
TRANSPOSES = frozenset(
    ["T", r"\top", "\N{DOWN TACK}", r"\intercal"]
    + [rf"\{font}{{T}}" for font in ("mathsf", "mathrm", "text", "textsf", "mathbf", "mathit")]
)


class BuildError(Exception):
    """A row that cannot be given a meaning. ``kind`` is "cannot read" (the text itself) or
    "cannot check" (readable, but something it needs is missing, e.g. a sum's range)."""

    def __init__(self, message: str, pos: int, kind: str = "cannot read") -> None:
        super().__init__(message)
        self.message, self.pos, self.kind = message, pos, kind


@dataclass(frozen=True, order=True)
class Name:
    """A base and its label: ``Name("w", "L")`` is w^L, ``Name("t")`` is t."""

    base: str
    label: str = ""

    def shown(self, indices: str = "") -> str:
        """``w^L_{kj}``, ``a^{L-1}_j``, ``t_k``: braces only around more than one character."""
        text = self.base
        if self.label:
            text += "^" + _braced(self.label)
        if indices:
            text += "_" + _braced(indices)
        return text


def _braced(text: str) -> str:
    return text if len(text) == 1 else "{" + text + "}"


_LABELLED_TRANSPOSE = re.compile(r"(?:\(.+\)|\[.+\])(?:T|\\top|\\intercal)\Z")


def is_transpose(sup_text: str) -> bool:
    """``T``, ``\\top``, ``\\mathsf{T}``; also after a layer label, ``W^{[2]T}``."""
    return sup_text in TRANSPOSES or bool(_LABELLED_TRANSPOSE.match(sup_text))


def label_kind(sup_text: str, declared: dict[str, str]) -> str:
    """ "label", "power" or "transpose" for a superscript written ``sup_text`` on a letter."""
    if sup_text in declared:
        return declared[sup_text]
    stem = re.sub(r"[+-]\d+\Z", "", sup_text)
    if stem != sup_text and stem in declared:  # L declared a power: L+1 is one too
        return declared[stem]
    if _BRACKETED.match(sup_text):
        return "label"
    if is_transpose(sup_text):
        return "transpose"
    return "label" if _LAYER.match(sup_text) or _TAG.match(sup_text) else "power"


@dataclass
class Scope:
    """Every SymPy object the post's names stand for, and how to show them.

    Attributes:
        domains: declared domains, per name (and per base, for every label of it).
        index_ranges: index letter -> (lo, hi); filled by the range pass and declarations.
        sizes: size letter -> its value (a positive integer symbol, or a declared number).
        labels: declared superscripts -> "label" / "power".
    """

    domains: dict[Name | str, dict[str, bool]] = field(default_factory=dict)
    index_ranges: dict[str, tuple[Expr, Expr]] = field(default_factory=dict)
    range_sources: dict[str, str] = field(default_factory=dict)
    sizes: dict[str, Expr] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)
    display: dict[Basic, Basic] = field(default_factory=dict)
    shown_names: dict[Basic, str] = field(default_factory=dict)
    objects: dict[tuple[Name, int], Basic] = field(default_factory=dict)
    keys: dict[Basic, tuple[Name, int]] = field(default_factory=dict)
    free: dict[str, Symbol] = field(default_factory=dict)
    bound: dict[tuple[str, bool], Symbol] = field(default_factory=dict)
    undeclared: list[Name] = field(default_factory=list)
    scales: list[Name] = field(default_factory=list)  # sigma as a name: positive by default
    counter: int = 0
    implicit: Symbol | None = None  # the size of sums the text gives no range
    matrices: object | None = None  # the shape table of a post in matrix notation (posts.matrix)

    def generated(self) -> str:
        self.counter += 1
        return f"s{self.counter - 1}"

    def _domain(self, name: Name) -> dict[str, bool]:
        found = self.domains.get(name, self.domains.get(name.base))
        if found is None and name.base == SIGMA:
            # sigma written as a name, not applied: a standard deviation (a Gaussian's
            # sigma, sigma_B), or a sigmoid's value written short: positive either way
            if name not in self.scales:
                self.scales.append(name)
            return {"positive": True}
        if found is None:
            if name not in self.undeclared:
                self.undeclared.append(name)
            return {"real": True}
        return found

    def symbol(self, name: Name, rank: int) -> Basic:
        """The Symbol (rank 0) or IndexedBase for a name used with ``rank`` subscripts."""
        key = (name, rank)
        if key not in self.objects:
            domain = self._domain(name)
            shape = self.matrices.shape(name) if self.matrices is not None and not rank else None
            if shape is not None:  # a vector or matrix (real entries)
                made = MatrixSymbol(self.generated(), *shape)
                self.display[made] = MatrixSymbol(name.shown(), *shape)
            elif rank == 0:
                made: Basic = Symbol(self.generated(), **domain)
                self.display[made] = Symbol(name.shown())
            else:
                made = IndexedBase(self.generated(), **domain)
                self.display[made] = IndexedBase(name.shown())
            self.shown_names[made] = name.shown()
            self.objects[key] = made
            self.keys[made] = key
        return self.objects[key]

    def renew(self, obj: Basic) -> Basic:
        """A new object for the name ``obj`` stands for, from here on (the name is defined
        again); ``obj`` keeps its own meaning where it was used."""
        name, rank = self.keys[obj]
        del self.objects[(name, rank)]
        return self.symbol(name, rank)

    def index(self, letter: str) -> Symbol:
        """The free index ``letter`` (an integer; positive when its range starts at 1)."""
        if letter not in self.free:
            lo = self.index_ranges.get(letter, (Integer(1), None))[0]
            made = Symbol(self.generated(), **_integer(lo))
            self.display[made] = Symbol(letter)
            self.shown_names[made] = letter
            self.free[letter] = made
        return self.free[letter]

    def bound_index(self, letter: str, lo: Expr) -> Symbol:
        """The index a ``\\sum`` binds: never the free index of the same letter, so that
        ``\\partial / \\partial z_k`` of ``\\sum_k t_k \\log a_k`` keeps the two apart."""
        key = (letter, bool(lo.is_positive))
        if key not in self.bound:
            made = Symbol(self.generated(), **_integer(lo))
            self.display[made] = Symbol(letter)
            self.shown_names[made] = letter
            self.bound[key] = made
        return self.bound[key]

    def fresh(self, like: Symbol) -> Symbol:
        """A new bound index shown like ``like`` with a prime (a definition's sum index renamed
        where an argument uses it)."""
        shown = self.shown_names.get(like, str(like)) + "'"
        made = Symbol(self.generated(), **like.assumptions0)
        self.display[made] = Symbol(shown)
        self.shown_names[made] = shown
        return made

    def size(self, letter: str) -> Expr:
        if letter not in self.sizes:
            made = Symbol(self.generated(), integer=True, positive=True)
            self.display[made] = Symbol(letter)
            self.shown_names[made] = letter
            self.sizes[letter] = made
        return self.sizes[letter]

    def implicit_size(self, used: set[str]) -> Expr:
        """The size of the sums that no text bounds (``\\sum_k``): one for all of them, shown
        as the first of n, N, n' that the post does not use itself."""
        if self.implicit is None:
            shown = next(name for name in ("n", "N", "n'", "N'") if name not in used)
            made = Symbol(self.generated(), integer=True, positive=True)
            self.display[made] = Symbol(shown)
            self.shown_names[made] = shown
            self.implicit = made
        return self.implicit

    def placeholder(self, shown: str) -> Symbol:
        """A stand-in for what cannot be checked (a derivative with respect to a symbol that
        nothing depends on); claims that contain one are reported, never proved."""
        made = Symbol(self.generated(), real=True)
        self.display[made] = Symbol(shown)
        self.shown_names[made] = shown
        return made

    def show(self, expr: Basic) -> Basic:
        """``expr`` in the post's names, for display only."""
        return expr.xreplace(self.display)


def _integer(lo: Expr) -> dict[str, bool]:
    if lo.is_integer and lo.is_positive:
        return {"integer": True, "positive": True}
    if lo.is_integer and lo.is_nonnegative:
        return {"integer": True, "nonnegative": True}
    return {"integer": True}
