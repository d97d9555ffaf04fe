"""One text notation for expressions and assumptions: the derivation-file syntax.

Every plain-text place that shows an assumption (``Verdict`` text, ``derive prove``/``check``
tables and JSON, JUnit) writes it the same way: its label when it has one, then the relation in
the syntax a derivation file is written in, so it can be pasted back into a file:

    targets: sum(t[d], (d, 1, K)) == 1

LaTeX and Markdown write the same label and the relation typeset (``derive.render.latex``).
This module sits below every stage (it knows only SymPy): the checker's ``Verdict`` uses it.
"""

from __future__ import annotations

from sympy import Basic, Expr
from sympy.core.relational import Relational
from sympy.printing.str import StrPrinter

_RELATIONS = {"==": "==", "!=": "!=", "<": "<", "<=": "<=", ">": ">", ">=": ">="}


class FileSyntaxPrinter(StrPrinter):
    """SymPy's str printer, with the spellings of the derivation-file grammar
    (``derive.sources.toml.grammar``): ``sum``, ``delta``, ``max``, ``min``, ``abs``, ``==``."""

    def _print_Sum(self, expr: Expr) -> str:
        limits = ", ".join(
            "(" + ", ".join(self._print(part) for part in limit) + ")" for limit in expr.limits
        )
        return f"sum({self._print(expr.function)}, {limits})"

    def _print_KroneckerDelta(self, expr: Expr) -> str:
        return f"delta({self._print(expr.args[0])}, {self._print(expr.args[1])})"

    def _print_Max(self, expr: Expr) -> str:
        return "max(" + ", ".join(self._print(arg) for arg in expr.args) + ")"

    def _print_Min(self, expr: Expr) -> str:
        return "min(" + ", ".join(self._print(arg) for arg in expr.args) + ")"

    def _print_Abs(self, expr: Expr) -> str:
        return f"abs({self._print(expr.args[0])})"

    def _print_Exp1(self, expr: Expr) -> str:
        return "exp(1)"  # the file syntax has no constant E (E is usually the loss)

    def _print_Relational(self, expr: Relational) -> str:
        operator = _RELATIONS.get(expr.rel_op, expr.rel_op)
        return f"{self._print(expr.lhs)} {operator} {self._print(expr.rhs)}"


_PRINTER = FileSyntaxPrinter()


def file_syntax(expr: Basic) -> str:
    """``expr`` in the derivation-file syntax.

    >>> from sympy import Eq, IndexedBase, Sum, symbols
    >>> d, K = symbols("d K", integer=True, positive=True)
    >>> file_syntax(Eq(Sum(IndexedBase("t")[d], (d, 1, K)), 1))
    'sum(t[d], (d, 1, K)) == 1'
    """
    return _PRINTER.doprint(expr)


def assumption_record(relation: Basic, label: str | None = None) -> dict[str, str | None]:
    """An assumption for JSON: ``label`` (or None), ``relation`` in file syntax, and ``sympy``,
    SymPy's own form (``Eq(Sum(t[d], (d, 1, K)), 1)``) for programs that rebuild it."""
    return {"label": label, "relation": file_syntax(relation), "sympy": str(relation)}


def assumption_text(relation: Basic, label: str | None = None) -> str:
    """An assumption as every text report writes it: ``label: relation`` (or the relation).

    >>> from sympy import Eq, symbols
    >>> t1, t2 = symbols("t1 t2")
    >>> assumption_text(Eq(t1 + t2, 1), "targets")
    'targets: t1 + t2 == 1'
    """
    text = file_syntax(relation)
    return f"{label}: {text}" if label else text
