"""Checked :class:`~derive.steps.Derivation` objects -> results: the library's derivations, or
any built in Python, through the same path as a file's.

The result of a derivation is its last step. Index ranges come from its assumptions
(``k <= K``, for the library's ``assume`` and the steps'); the variable of a derivative from
its display ``lhs`` (``Derivative(E, W[k, j])``), the quantity a derivative is taken of is a
loss; names are the symbols' own (``z^L`` becomes ``z_L`` in code). Per-example data is named
by the caller.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sympy import Basic, Derivative, Indexed, Mul

from derive.emit.results import Result, Step
from derive.emit.toml_results import domains
from derive.steps import Derivation


def _derivative(expr: Basic | None) -> Derivative | None:
    if isinstance(expr, Derivative):
        return expr
    if isinstance(expr, Mul):  # -eta * dE/dW: an update along the gradient
        found = [f for f in expr.args if isinstance(f, Derivative)]
        return found[0] if len(found) == 1 else None
    return None


def derivation_results(
    derivations: Sequence[Derivation],
    *,
    data: Iterable[Basic] = (),
    source: str = "<derivations>",
    timeout: float | None = None,
) -> list[Result]:
    """One result per derivation, each checked here.

    Args:
        derivations: the chains (their expressions in any SymPy symbols).
        data: the symbols and arrays (``IndexedBase``) that are per-example data.
        source: what the messages call where they come from.
        timeout: the checker's time guard per step (None: none).
    """
    differentiated = set()
    for derivation in derivations:
        found = _derivative(derivation.lhs)
        if found is not None:
            differentiated.add(found.args[0])
    names = {}
    for derivation in derivations:
        for expr in (derivation.start, derivation.steps[-1].expr):
            names.update({i.base: str(i.base) for i in expr.atoms(Indexed)})
            names.update({s: str(s) for s in expr.free_symbols if not isinstance(s, Indexed)})
    results = []
    for derivation in derivations:
        report = derivation.check(timeout=timeout)
        expr = derivation.steps[-1].expr
        relations = [*derivation.assume, *(a for s in derivation.steps for a in s.assume)]
        found = _derivative(derivation.lhs)
        steps = tuple(
            Step(n, v.status, tuple(str(r) for r in v.needs), "" if v.proved else str(v))
            for n, v in enumerate(report.verdicts, start=1)
        )
        results.append(
            Result(
                source=source,
                line=0,
                name=derivation.name,
                kind="derivation",
                expr=expr,
                ranges=domains(relations, expr.free_symbols),
                show=str,
                wrt=None if found is None else found.args[1][0],
                loss=(derivation.lhs if derivation.lhs is not None else derivation.start)
                in differentiated,
                steps=steps,
                data=frozenset(data),
                names=names,
                title=derivation.title,
            )
        )
    return results
