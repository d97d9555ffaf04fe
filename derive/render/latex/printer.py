"""SymPy expressions typeset like the reference post: z_k^L, W_{kj}^L, 1_{d=k}, relu'(z).

Display rewrites (folding eq. (0) back into z, relu(z) back into a) live in ``display.py``;
this module only prints.
"""

from __future__ import annotations

import re

from sympy import Add, Basic, Derivative, Expr, Indexed, Max, Mul, Sum, Symbol
from sympy.printing.latex import LatexPrinter
from sympy.printing.precedence import PRECEDENCE

from derive.model.symbols import LATEX_BASES

_SHORT_INDEX = re.compile(r"^[A-Za-z0-9]'*$")  # one letter or digit, maybe primed


class DerivePrinter(LatexPrinter):
    """A LatexPrinter with the post's notation for the derive vocabulary."""

    def _print_Symbol(self, expr: Symbol, style: str = "plain") -> str:
        if expr.name.endswith("'"):  # SymPy would typeset j' as j^{\prime}; keep the prime
            return self._print(Symbol(expr.name.rstrip("'"))) + "'" * _primes(expr.name)
        return super()._print_Symbol(expr, style)

    def _print_Indexed(self, expr: Indexed) -> str:
        label = str(expr.base.label)
        symbol, layer = LATEX_BASES.get(label, (self._print(expr.base.label), ""))
        if "_" in symbol or "^" in symbol:  # a_prev is a_{prev}: brace it before a subscript
            symbol = f"{{{symbol}}}"
        indices = [self._print(index) for index in expr.indices]
        joiner = "" if all(_SHORT_INDEX.match(i) for i in indices) else ","
        text = f"{symbol}_{{{joiner.join(indices)}}}"
        return f"{text}^{{{layer}}}" if layer else text

    def _print_Mul(self, expr: Expr) -> str:
        # LatexPrinter prints x**-1 through _print_Mul with the Pow itself: not a display form
        if not isinstance(expr, Mul) or Mul(*expr.args) == expr:
            return super()._print_Mul(expr)
        # an evaluate=False product is a display form (Step.display): its factors in the order
        # they were written, like the post's -eta dE/da_k da_k/dz_k dz_k/dW_kj
        sign, factors = ("- ", expr.args[1:]) if expr.args[0] == -1 else ("", expr.args)
        parts = []
        for position, factor in enumerate(factors):
            text = self._print(factor)
            inner_sum = isinstance(factor, Sum) and position < len(factors) - 1
            if factor.is_Add or factor.could_extract_minus_sign() or inner_sum:
                text = rf"\left({text}\right)"
            parts.append(text)
        return sign + " ".join(parts)

    def _print_Add(self, expr: Expr, order: str | None = None) -> str:
        if Add(*expr.args) == expr:
            return super()._print_Add(expr, order)
        # an evaluate=False sum of terms is a display form too: the terms in written order
        text = self._print(expr.args[0])
        for term in expr.args[1:]:
            negative = term.could_extract_minus_sign()
            text += (" - " if negative else " + ") + self._print(-term if negative else term)
        return text

    def _helper_print_standard_power(self, expr: Expr, template: str) -> str:
        # a_k^L squared is (a_k^L)^2: a second superscript on a layer's is a LaTeX error
        if isinstance(expr.base, Indexed):
            return template % (
                self.parenthesize_super(self._print(expr.base)),
                self._print(expr.exp),
            )
        return super()._helper_print_standard_power(expr, template)

    def _print_KroneckerDelta(self, expr: Basic, exp: str | None = None) -> str:
        first, second = (self._print(arg) for arg in expr.args)
        text = rf"\mathbb{{1}}_{{{first}={second}}}"
        return rf"\left({text}\right)^{{{exp}}}" if exp else text

    def _print_Derivative(self, expr: Derivative) -> str:
        order = sum(count for _, count in expr.variable_count)
        below = " ".join(
            rf"\partial {self._print(v)}" + (f"^{{{n}}}" if n > 1 else "")
            for v, n in expr.variable_count
        )
        top = r"\partial" if order == 1 else rf"\partial^{{{order}}}"
        if isinstance(expr.expr, (Symbol, Indexed)):
            return rf"\frac{{{top} {self._print(expr.expr)}}}{{{below}}}"
        inner = self.parenthesize(expr.expr, PRECEDENCE["Mul"], strict=True)
        return rf"\frac{{{top}}}{{{below}}} {inner}"

    def _print_relu_prime(self, expr: Expr, exp: str | None = None) -> str:
        text = rf"\operatorname{{relu}}'\left({self._print(expr.args[0])}\right)"
        return rf"\left({text}\right)^{{{exp}}}" if exp else text

    def _print_Max(self, expr: Max, exp: str | None = None) -> str:
        if len(expr.args) == 2 and 0 in expr.args:
            (argument,) = (arg for arg in expr.args if arg != 0)
            text = rf"\operatorname{{relu}}\left({self._print(argument)}\right)"
            return rf"\left({text}\right)^{{{exp}}}" if exp else text
        return super()._print_Max(expr, exp)

    def _print_Heaviside(self, expr: Expr, exp: str | None = None) -> str:
        """H(u, 0) is the derivative convention relu'(0) := 0, i.e. 1 where u > 0."""
        argument, at_zero = expr.args
        u = self._print(argument)
        if at_zero == 0:
            text = rf"\mathbb{{1}}_{{{u} > 0}}"
        elif at_zero == 1:
            text = rf"\mathbb{{1}}_{{{u} \geq 0}}"
        else:
            text = rf"\operatorname{{H}}_{{{self._print(at_zero)}}}\left({u}\right)"
        return rf"\left({text}\right)^{{{exp}}}" if exp else text


def _primes(name: str) -> int:
    return len(name) - len(name.rstrip("'"))


_PRINTER = DerivePrinter({"mul_symbol": None})


def to_latex(expr: Basic) -> str:
    r"""``expr`` in the post's notation.

    >>> from derive.model.symbols import W, k, j, z, c, K
    >>> from sympy import Sum, exp
    >>> to_latex(W[k, j])
    'W_{kj}^{L}'
    >>> to_latex(Sum(exp(z[c]), (c, 1, K)))
    '\\sum_{c=1}^{K} e^{z_{c}^{L}}'
    """
    return _PRINTER.doprint(expr)
