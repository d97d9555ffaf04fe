"""A checked derivation file as a section of a document: its definitions and assumptions, then
each chain in the file's own notation (``derive.sources.toml.display``) with its verdicts."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from sympy import Basic

from derive.checker.verdict import Verdict
from derive.render.latex.document import Section
from derive.render.latex.printer import to_latex
from derive.render.latex.tex import math_text
from derive.sources.toml.display import assumptions, definitions, displayed
from derive.sources.toml.file import DerivationFile
from derive.sources.toml.results import StepResult


def definition_rows(loaded: DerivationFile) -> tuple[str, ...]:
    """Aligned rows: ``a_{q} &= ...`` per definition, then ``\\text{label:} &\\quad ...``."""
    rows = [f"{to_latex(d.lhs)} &= {to_latex(d.body)}" for d in definitions(loaded)]
    rows += [
        rf"{math_text(label + ':')} &\quad {to_latex(relation)}"
        for label, relation in assumptions(loaded)
    ]
    return tuple(rows)


def _index_ranges(loaded: DerivationFile) -> set[Basic]:
    """The declared index ranges (k <= K), as reports show them: assumed throughout."""
    exprs = [e for d in loaded.derivations for e in (d.start, *(s.expr for s in d.steps))]
    return {loaded.show(r) for r in loaded.namespace.ranges(*exprs)}


def file_section(loaded: DerivationFile, results: Sequence[StepResult]) -> Section:
    """``loaded`` typeset with the verdicts of ``results`` (``check_file(loaded)``, in order).

    Raises:
        ValueError: the results are not one per step of the file.
    """
    ranges = _index_ranges(loaded)
    chains, verdicts, position = [], [], 0
    for number, derivation in enumerate(loaded.derivations):
        mine = results[position : position + len(derivation.steps)]
        position += len(derivation.steps)
        if [r.derivation for r in mine] != [derivation.name] * len(derivation.steps):
            raise ValueError(f"{loaded.path}: the results do not match derivation {number + 1}")
        chains.append(displayed(loaded, number))
        verdicts.append(tuple(_without_ranges(r.verdict, ranges) for r in mine))
    if position != len(results):
        raise ValueError(f"{loaded.path}: more results than steps")
    return Section(loaded.path, tuple(chains), tuple(verdicts), definition_rows(loaded))


def _without_ranges(verdict: Verdict, ranges: set[Basic]) -> Verdict:
    return dataclasses.replace(verdict, needs=tuple(n for n in verdict.needs if n not in ranges))
