"""A derivation file as its author wrote it, for typesetting (``derive latex FILE.toml``).

The checked expressions have every definition expanded and every ``diff`` evaluated, under
generated names (``s0``, ``s1``, ...). A reader wants the file's own notation: ``a[k]`` as
a_k, ``sigma(u)`` as a sigma, ``diff(E, z[k])`` as a partial derivative. So the same text is read a
second time with the same restricted parser (nothing is evaluated, never ``eval``), but with names
that build *display* objects: a definition stays its name, ``diff`` stays an unevaluated
``Derivative``, every symbol carries the user's name, and sums and products are left unevaluated
(``parse.parse_written``), so terms and factors stay in the order written (``y - t``, not
``-t + y``). These twins are never
checked: the verdicts are those of the checked expressions, which the text defines one to one.
"""

from __future__ import annotations

from dataclasses import dataclass

from sympy import (
    Basic,
    Derivative,
    Expr,
    Function,
    IndexedBase,
    Integer,
    MatrixSymbol,
    Symbol,
    sympify,
)
from sympy.matrices.expressions import MatrixExpr

from derive.sources.toml.file import DerivationFile
from derive.sources.toml.parse import Template, parse_written
from derive.steps import Derivation, Step


@dataclass(frozen=True)
class Definition:
    """One ``[define]`` entry in the user's notation: ``lhs = body``."""

    lhs: Expr
    body: Expr


def display_names(loaded: DerivationFile) -> dict[str, object]:
    """The file's names, mapped to objects that print as written (see the module docstring)."""
    names: dict[str, object] = {}
    sizes = {v: Symbol(k, integer=True, positive=True) for k, v in loaded.namespace.names.items()}
    for key, value in loaded.namespace.names.items():
        if isinstance(value, MatrixExpr):  # a matrix, or a definition that is one: by its name
            names[key] = MatrixSymbol(key, *(sympify(d).xreplace(sizes) for d in value.shape))
        elif isinstance(value, Template):
            names[key] = _template(key, value)
        elif isinstance(value, Symbol):
            names[key] = Symbol(key, **value.assumptions0)  # indices stay integers for sums
        elif isinstance(value, Integer):
            names[key] = Symbol(key, integer=True, positive=True)  # a concrete size: K = 3
        else:
            names[key] = Symbol(key)  # a definition without arguments: E
    names["diff"] = Template("diff", None, lambda args: Derivative(*args), call=True)
    names["grad"] = Template("grad", 2, lambda args: Derivative(*args), call=True)
    return names


def _template(key: str, template: Template) -> Template:
    if template.call:
        function = Function(key)
        return Template(key, template.arity, lambda args: function(*args), call=True)
    base = IndexedBase(key)
    return Template(key, template.arity, lambda args: base[args])


def definitions(loaded: DerivationFile) -> list[Definition]:
    """The ``[define]`` table in the user's notation, in order."""
    names = display_names(loaded)
    result = []
    for name, params, call, text in loaded.namespace.definitions:
        holders = [Symbol(p) if call else Symbol(p, integer=True) for p in params]
        body = parse_written(text, {**names, **dict(zip(params, holders, strict=True))})
        if not params:
            lhs = Symbol(name)
        elif call:
            lhs = Function(name)(*holders)
        else:
            lhs = IndexedBase(name)[tuple(holders)]
        result.append(Definition(lhs, body))
    return result


def assumptions(loaded: DerivationFile) -> list[tuple[str, Basic]]:
    """The ``[assume]`` relations as (label, relation in the user's names)."""
    return [(label, loaded.show(relation)) for relation, label in loaded.labels.items()]


def displayed(loaded: DerivationFile, number: int) -> Derivation:
    """Derivation ``number`` of the file as written: its start (as the left-hand side) and its
    steps, read again with :func:`display_names`. Display only: never check it."""
    checked = loaded.derivations[number]
    names = display_names(loaded)
    start = parse_written(loaded.starts[number], names)
    steps = tuple(
        Step(parse_written(where.text, names), step.why, names={}, tidy=False)
        for step, where in zip(checked.steps, loaded.where[number], strict=True)
    )
    return Derivation(
        name=checked.name,
        start=start,
        steps=steps,
        title=checked.title,
        lhs=start,
        tag=checked.tag,
        note=checked.note,
        labels={loaded.show(r): label for r, label in loaded.labels.items()},
    )
