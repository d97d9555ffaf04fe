"""What a source proved, in one shape for every source: a :class:`Result` per quantity.

Derivation files, Markdown posts and TeX papers are read and checked by their own modules
(``derive.sources``); the adapters (:mod:`derive.emit.toml_results`,
:mod:`derive.emit.post_results`) turn what they proved into results, and everything after
(naming, batching, stable forms, printing) is the same for all of them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from sympy import Basic, Expr, Indexed, Symbol

from derive.emit.graph import Domain


@dataclass(frozen=True)
class Step:
    """One checked step of the chain a result comes from: its verdict in words."""

    number: int
    status: str  # proved, refuted, undecided, cannot read, cannot check
    needs: tuple[str, ...] = ()
    message: str = ""  # the source's one-line report of the step (for a step not proved)
    relations: tuple[Basic, ...] = ()  # the assumptions the proof used, as relations


@dataclass(frozen=True)
class Result:
    """One quantity a source states: the last expression of a chain, or a definition.

    Attributes:
        source: the file it comes from (as given).
        line: where it is written (1-based; 0 if unknown).
        name: its name as written ("dL/dw_j", "E").
        kind: "derivation" (a checked chain) or "definition" (``--all``).
        expr: the expression, in the source's generated symbols (None: it could not be read).
        ranges: the range of each free index it may have (``k`` in 1..K).
        wrt: for a derivative, the variable (a symbol or an entry ``W[k, j]``), else None.
        loss: True if the source differentiates this quantity (so a batch of it is summed).
        steps: the chain's checked steps (empty for a definition).
        show: the user's name or notation for a symbol, array, index or expression.
        data: the symbols and arrays the source marks as per-example data.
        names: generated symbol or array -> the user's name for it (for ``--data``).
        title: one line of prose, if the source gives one.
        problem: why it cannot be emitted even when proved (None: it can be tried).
        wrt_inputs: the symbols and arrays that ``wrt`` is defined from, where the source
            defines it (a post's ``s = sum_i w_i x_i + b``): a variable defined from data is
            per-example data too.
    """

    source: str
    line: int
    name: str
    kind: str
    expr: Expr | None
    ranges: Mapping[Symbol, Domain]
    show: Callable[[Basic], str]
    wrt: Basic | None = None
    loss: bool = False
    steps: tuple[Step, ...] = ()
    data: frozenset[Basic] = frozenset()
    names: Mapping[Basic, str] = field(default_factory=dict)
    title: str = ""
    problem: str | None = None
    wrt_inputs: frozenset[Basic] = frozenset()

    @property
    def proved(self) -> bool:
        return all(step.status == "proved" for step in self.steps)

    @property
    def unproved(self) -> tuple[Step, ...]:
        return tuple(step for step in self.steps if step.status != "proved")

    def first_axes(self) -> tuple[Symbol, ...]:
        """The subscripts of ``wrt``, which come first among the result's axes (a gradient
        has the shape of the variable)."""
        if isinstance(self.wrt, Indexed):
            return tuple(i for i in self.wrt.indices if isinstance(i, Symbol))
        return ()

    def relations(self) -> tuple[Basic, ...]:
        """The assumptions the proof used, as relations (``sum(t[d], (d, 1, K)) == 1``), once
        each: what inputs must satisfy for the result to be the derivation's."""
        found: list[Basic] = []
        for step in self.steps:
            found += [r for r in step.relations if r not in found]
        return tuple(found)

    def needs(self) -> tuple[str, ...]:
        """The assumptions the proof used, once each, in order."""
        found: list[str] = []
        for step in self.steps:
            found += [n for n in step.needs if n not in found]
        return tuple(found)
