"""Rational functions of exponentials: the congruence abstraction, and rewrites into it.

Many identities of ML derivations are identities of rational functions once every exponential
is a power of one base per exponent: the sigmoid 1/(1 + e^-y) is (1 + tanh(y/2))/2 because,
with u = e^(y/2), both are u^2/(u^2 + 1). Three tools, used by the strategies in ``prove.py``:

- ``zero_as_rational_function``: every non-rational part becomes a symbol, an exponential
  e^(c r) with rational c the power u^(c q) of u = e^(r/q), q the common denominator of the
  coefficients of r in the expression (e^(n a) = (e^a)^n for every integer n and complex a);
- ``to_exponentials``: trigonometric and hyperbolic functions written with exponentials (their
  definitions, valid for complex arguments);
- ``split_logs``: log(A) for a positive A written as the sum of the logs of A's positive
  factors, and log(e^r) = r for real r (log(P Q) = log P + log Q holds for positive P, Q).

None of them uses ``force=True`` or assumes anything the symbols do not say.
"""

from __future__ import annotations

import math

import sympy
from sympy import Add, Basic, Dummy, Indexed, Mul, S

from derive.checker.sums import canonical

TRIGONOMETRIC = (
    sympy.sin,
    sympy.cos,
    sympy.tan,
    sympy.cot,
    sympy.sec,
    sympy.csc,
    sympy.sinh,
    sympy.cosh,
    sympy.tanh,
    sympy.coth,
    sympy.sech,
    sympy.csch,
)


class Abstraction:
    """``expr`` as a rational function of fresh symbols, one per distinct non-rational part.

    Identical parts get the same symbol, and e^(c r) becomes u**(c q) with u the symbol of
    e^(r/q) (see the module's doc), so the exponentials of sums that SymPy keeps whole still
    match their factors. If the result is zero as a rational function of the new symbols, the
    original is zero: a value for each part is one point of that function.

    With ``positive``, a part SymPy knows to be positive gets a positive symbol (and
    ``parts`` maps each symbol back), for ``split_logs``.
    """

    def __init__(self, expr: Basic, positive: bool = False) -> None:
        self.positive = positive
        self.table: dict[Basic, Dummy] = {}
        self.parts: dict[Dummy, Basic] = {}
        self.exponents: dict[Dummy, Basic] = {}  # symbol of e^r -> r
        self._denominators: dict[Basic, int] = {}
        self._expanded: dict[Basic, list[tuple[Basic, Basic]]] = {}
        self._visit(expr)
        self.result = self._walk(expr)

    def symbol(self, part: Basic) -> Dummy:
        key = canonical(part)
        if key not in self.table:
            positive = self.positive and part.is_positive is True
            found = Dummy(f"u{len(self.table)}", positive=True) if positive else Dummy("u")
            self.table[key], self.parts[found] = found, part
        return self.table[key]

    def _terms(self, argument: Basic) -> list[tuple[Basic, Basic]]:
        if argument not in self._expanded:
            terms = Add.make_args(sympy.expand(argument))
            self._expanded[argument] = [term.as_coeff_Mul() for term in terms]
        return self._expanded[argument]

    def _visit(self, e: Basic) -> None:
        """First pass: the common denominator of the rational coefficients of each exponent,
        over the exponentials the second pass will meet."""
        if e.is_Atom or isinstance(e, Indexed):
            return
        if isinstance(e, sympy.exp):
            for coefficient, rest in self._terms(e.args[0]):
                if coefficient.is_Rational and rest != 1:
                    key = canonical(rest)
                    known = self._denominators.get(key, 1)
                    self._denominators[key] = math.lcm(known, coefficient.q)
        elif isinstance(e, (Add, Mul)):
            for a in e.args:
                self._visit(a)
        elif isinstance(e, sympy.Pow) and e.exp.is_Integer:
            self._visit(e.base)

    def _exponential(self, argument: Basic) -> Basic:
        factors = []
        for coefficient, rest in self._terms(argument):
            q = self._denominators.get(canonical(rest), 0)
            if coefficient.is_Rational and rest != 1 and q % coefficient.q == 0:
                base = self.symbol(sympy.exp(rest / q))
                self.exponents.setdefault(base, rest / q)
                factors.append(base ** int(coefficient * q))
            else:
                factors.append(self.symbol(sympy.exp(coefficient * rest)))
        return Mul(*factors)

    def _walk(self, e: Basic) -> Basic:
        if e.is_Atom or isinstance(e, Indexed):
            return e
        if isinstance(e, sympy.exp):
            return self._exponential(e.args[0])
        if isinstance(e, (Add, Mul)):
            return e.func(*[self._walk(a) for a in e.args])
        if isinstance(e, sympy.Pow) and e.exp.is_Integer:
            return self._walk(e.base) ** e.exp
        return self.symbol(e)


def zero_as_rational_function(expr: Basic) -> bool:
    """Whether ``expr`` is zero once abstracted (see ``Abstraction``): numerator expands to 0."""
    numerator, _ = sympy.together(Abstraction(expr).result).as_numer_denom()
    return sympy.expand(numerator) == 0


def to_exponentials(expr: Basic) -> Basic:
    """Trigonometric and hyperbolic functions written with exponentials (their definitions)."""
    return expr.rewrite(TRIGONOMETRIC, sympy.exp)


def split_logs(expr: Basic) -> Basic:
    """Every log(A) with A > 0 (as SymPy's assumptions show) as the sum of the logs of A's
    positive factors, with log(e^r) = r for real r; a log whose factors are not all known to be
    positive stays whole."""
    return expr.replace(lambda e: isinstance(e, sympy.log), _split)


def _split(whole: sympy.log) -> Basic:
    argument = whole.args[0]
    if argument.is_positive is None:  # 1 + tanh(x) = 2 e^x / (e^x + e^-x) shows it is
        argument = sympy.together(to_exponentials(argument))
    if argument.is_positive is not True:
        return whole
    abstraction = Abstraction(argument, positive=True)
    numerator, denominator = sympy.together(abstraction.result).as_numer_denom()
    constant, terms = S.One, []
    for polynomial, sign in ((numerator, 1), (denominator, -1)):
        coefficient, factors = sympy.factor_list(polynomial)
        constant *= coefficient**sign
        for factor, power in factors:
            value = _log_of_factor(factor, abstraction)
            if value is None:
                return whole
            terms.append(sign * power * value)
    if not (constant.is_Rational and constant > 0):
        return whole
    return sympy.log(constant) + Add(*terms)


def _log_of_factor(factor: Basic, abstraction: Abstraction) -> Basic | None:
    """log of one positive factor: r for the symbol of e^r with r real, else log of the factor
    with its parts put back; None if the factor is not known to be positive."""
    exponent = abstraction.exponents.get(factor)
    if exponent is not None and exponent.is_extended_real:
        return exponent
    if factor.is_positive is not True:
        return None
    restored = factor.xreplace(abstraction.parts)
    return sympy.log(restored) if restored.is_positive else None
