"""SymPy expressions typeset like the reference post: z_k^L, W_{kj}^L, 1_{d=k}, relu'(z).

Display rewrites (folding eq. (0) back into z, relu(z) back into a) live in ``display.py``;
this module only prints, and only what it knows: ``constructs.CONSTRUCTS`` lists the SymPy
classes whose LaTeX is built from fixed commands and the LaTeX of their arguments. Names
(symbols, functions of a file, strings) are the only text that comes from a user; they are
written by :func:`name_latex`, letter by letter where they are not plain names. Anything else
is shown verbatim (escaped ``\\texttt``): never passed through.
"""

from __future__ import annotations

import re

from sympy import Add, Basic, Derivative, Expr, Indexed, Max, Mul, Pow, Sum, Symbol
from sympy.core.function import UndefinedFunction
from sympy.printing.latex import LatexPrinter
from sympy.printing.precedence import PRECEDENCE

from derive.model.symbols import LATEX_BASES
from derive.render.latex.constructs import construct_of
from derive.render.latex.tex import GREEK_COMMANDS, math_name, verbatim

_SHORT_INDEX = re.compile(r"^[A-Za-z0-9]'*$")  # one letter or digit, maybe primed
_IDENTIFIER = re.compile(r"[A-Za-z][A-Za-z0-9_]*\Z")
# a base with a layer label, as the library names its arrays: a^{L-1}, delta^L
_LABELLED = re.compile(r"([A-Za-z][A-Za-z0-9]*)\^(?:\{([A-Za-z0-9+-]+)\}|([A-Za-z0-9]))\Z")
_PLAIN_VALUES = (int, float, tuple, list)  # Python values SymPy's printer prints as numbers


def _written_factors(expr: Mul) -> tuple[bool, list[Basic]]:
    """The sign and the factors of an unevaluated product in the order written: 1s dropped
    (SymPy's ``Sum`` multiplies its body by one), -1s and a leading unary minus
    (``-eta * D``, read as ``(-eta) * D``) taken out."""
    negative, factors = False, []
    for arg in expr.args:
        if arg == -1 or arg == 1:
            negative ^= arg == -1
        elif not factors and isinstance(arg, Mul) and len(arg.args) == 2 and arg.args[0] == -1:
            negative = not negative
            factors.append(arg.args[1])
        else:
            factors.append(arg)
    return negative, factors


def _is_reciprocal(factor: Basic) -> bool:
    return isinstance(factor, Pow) and factor.exp.is_number and bool(factor.exp.is_negative)


def _transliterated(name: str) -> str:
    """Greek letters spelled out (``θ_1`` -> ``theta_1``), so SymPy's conventions apply."""
    return "".join(GREEK_COMMANDS.get(char, char).lstrip("\\") for char in name)


class DerivePrinter(LatexPrinter):
    """A LatexPrinter with the post's notation for the derive vocabulary, that prints only
    the constructs it knows (see the module docstring)."""

    def _print(self, expr: object, **kwargs) -> str:
        if isinstance(expr, UndefinedFunction):
            return self._hprint_Function(expr.__name__)
        if isinstance(expr, Basic):
            construct = construct_of(type(expr))
            if construct is None:
                return verbatim(str(expr))
            if construct is not True:
                return construct(self, expr, **kwargs)
        elif not isinstance(expr, _PLAIN_VALUES):
            return verbatim(str(expr))
        return super()._print(expr, **kwargs)

    def _deal_with_super_sub(self, string: str, style: str = "plain") -> str:
        r"""Every name SymPy's printer writes comes here (symbols, functions of a file,
        strings): a plain name as SymPy writes it (``eta_1`` is ``\eta_{1}``), a labelled one
        as ``a^{L-1}``; anything else letter by letter (:func:`~.tex.math_name`), never as
        written."""
        plain = _transliterated(string)
        if _IDENTIFIER.match(plain):
            return super()._deal_with_super_sub(plain, style)
        labelled = _LABELLED.match(plain)
        if labelled:
            base, label = labelled.group(1), labelled.group(2) or labelled.group(3)
            return f"{super()._deal_with_super_sub(base, style)}^{{{label}}}"
        return math_name(string)

    def _print_Symbol(self, expr: Symbol, style: str = "plain") -> str:
        stem = expr.name.rstrip("'")  # SymPy would typeset j' as j^{\prime}: keep the prime
        return self._deal_with_super_sub(stem, style) + "'" * (len(expr.name) - len(stem))

    def _print_Str(self, expr: Basic) -> str:
        return self._deal_with_super_sub(expr.name)

    def _print_Abs(self, expr: Expr, exp: str | None = None) -> str:
        text = rf"\left\lvert {self._print(expr.args[0])} \right\rvert"
        return rf"{text}^{{{exp}}}" if exp else text

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
        # an evaluate=False product is a display form (Step.display, a file's own text): its
        # factors in the order they were written, like the post's -eta dE/da_k da_k/dz_k dz_k/dW
        negative, factors = _written_factors(expr)
        return ("- " if negative else "") + self._product(factors)

    def _product(self, factors: list[Basic]) -> str:
        """Factors as written. ``a * b / c * d`` is ``((a b) / c) d`` (Python's reading, left
        to right): the factors up to the last division over those divided by, then the rest."""
        divided = [position for position, f in enumerate(factors) if _is_reciprocal(f)]
        if not divided:
            return self._juxtaposed(factors) if factors else "1"
        head, tail = factors[: divided[-1] + 1], factors[divided[-1] + 1 :]
        above = [f for f in head if not _is_reciprocal(f)]
        below = [
            f.base if f.exp == -1 else Pow(f.base, -f.exp, evaluate=False)
            for f in head
            if _is_reciprocal(f)
        ]
        top = self._juxtaposed(above, alone=True) if above else "1"
        fraction = rf"\frac{{{top}}}{{{self._juxtaposed(below, alone=True)}}}"
        return " ".join([fraction, *([self._juxtaposed(tail, first=False)] if tail else [])])

    def _juxtaposed(self, factors: list[Basic], *, alone: bool = False, first: bool = True) -> str:
        r"""Factors side by side, bracketed where juxtaposition would misread them: a sum of
        terms (unless ``alone`` in a numerator or denominator), a negative factor among others
        (a leading minus of the product is taken out before), a ``\sum`` with factors after
        it."""
        parts = []
        for position, factor in enumerate(factors):
            text = self._print(factor)
            inner_sum = isinstance(factor, Sum) and position < len(factors) - 1
            negative = text.startswith("-") and (len(factors) > 1 or not first)
            sum_of_terms = factor.is_Add and not (alone and len(factors) == 1)
            if sum_of_terms or negative or inner_sum:
                text = rf"\left({text}\right)"
            parts.append(text)
        return " ".join(parts)

    def _print_Add(self, expr: Expr, order: str | None = None) -> str:
        if Add(*expr.args) == expr:
            return super()._print_Add(expr, order)
        # an evaluate=False sum of terms is a display form too: the terms in written order
        text = ""
        for position, term in enumerate(expr.args):
            negative, shown = self._signed(term)
            if negative:
                text += " - " if position else "- "
            elif position:
                text += " + "
            text += shown
        return text

    def _signed(self, term: Basic) -> tuple[bool, str]:
        """(whether ``term`` is written with a minus, its LaTeX without it)."""
        if isinstance(term, Mul) and Mul(*term.args) != term:
            negative, factors = _written_factors(term)
            return negative, self._product(factors)
        if term.could_extract_minus_sign():
            return True, self._print(-term)
        return False, self._print(term)

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


from derive.render.latex import matrices  # noqa: E402, F401 - registers the matrix constructs
