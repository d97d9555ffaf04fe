"""Expressions of a post shown in its own names: ``t_1``, ``w^L_{kj}``, ``Σ_{d=1}^{K} t_d``,
``k ≤ K``. Display only: nothing printed here is ever read back."""

from __future__ import annotations

import re

from sympy import Basic, Indexed, MatrixSymbol, Symbol, Trace
from sympy.matrices.expressions import MatrixExpr
from sympy.printing.str import StrPrinter

from derive.checker.matrix.text import matrix_text
from derive.sources.posts.names import Scope

_GENERATED = re.compile(r"\bs\d+\b")
_RELATIONS = {"==": "=", "<=": "≤", ">=": "≥", "!=": "≠"}


def _index_text(scope: Scope, indices) -> str:
    parts = [scope.shown_names.get(i, str(i)) for i in indices]
    joined = "".join(parts) if all(len(p) == 1 for p in parts) else ",".join(parts)
    return joined if len(joined) == 1 else "{" + joined + "}"


class _Printer(StrPrinter):
    def __init__(self, scope: Scope) -> None:
        super().__init__()
        self.scope = scope

    def _print_Symbol(self, expr: Symbol) -> str:
        return self.scope.shown_names.get(expr, expr.name)

    def _print_MatrixSymbol(self, expr) -> str:
        return _matrix_name(self.scope, expr)

    def _print(self, expr, **settings) -> str:
        if isinstance(expr, (MatrixExpr, Trace)):  # X^T (X θ - y), 1^T y: the notation
            names = {m: _matrix_name(self.scope, m) for m in expr.atoms(MatrixSymbol)}
            return matrix_text(expr, names)
        return super()._print(expr, **settings)

    def _print_Sum(self, expr) -> str:
        body = self._print(expr.function)
        limits = "".join(
            f"Σ_{{{self._print(v)}={self._print(lo)}}}^{{{self._print(hi)}}} "
            for v, lo, hi in expr.limits
        )
        return f"{limits}({body})" if expr.function.is_Add else f"{limits}{body}"

    def _print_KroneckerDelta(self, expr) -> str:
        return f"δ_{_index_text(self.scope, expr.args)}"

    def _print_Relational(self, expr) -> str:
        op = _RELATIONS.get(expr.rel_op, expr.rel_op)
        return f"{self._print(expr.lhs)} {op} {self._print(expr.rhs)}"


def _matrix_name(scope: Scope, matrix: MatrixSymbol) -> str:
    """A matrix's name as the post writes it, also once its sizes were found (the same
    generated name, another shape)."""
    shown = scope.shown_names.get(matrix)
    if shown is not None:
        return shown
    for symbol, name in scope.shown_names.items():
        if isinstance(symbol, MatrixSymbol) and symbol.name == matrix.name:
            return name
    return str(matrix.name)


def _indexed(scope: Scope, expr: Indexed) -> Symbol:
    base = scope.shown_names.get(expr.base, str(expr.base))
    return Symbol(f"{base}_{_index_text(scope, expr.indices)}")


def show(scope: Scope, expr: Basic) -> str:
    """``expr`` as text in the post's names."""
    # Indexed prints itself (``_sympystr``) before a printer's own method is asked
    named = expr.xreplace({i: _indexed(scope, i) for i in expr.atoms(Indexed)})
    return _Printer(scope).doprint(named)


def show_key(scope: Scope, key: Basic) -> Symbol:
    """A counterexample's key (``s3[1, 2]``) as a symbol named as the post writes it."""
    return Symbol(show(scope, key))


def show_names(scope: Scope, text: str) -> str:
    """Generated names in a message of the checker replaced by the post's."""
    by_name = {s.name: shown for s, shown in scope.shown_names.items() if hasattr(s, "name")}
    return _GENERATED.sub(lambda m: by_name.get(m.group(), m.group()), text)
