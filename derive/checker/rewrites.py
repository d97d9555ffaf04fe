"""Rewrites into forms the other strategies decide: each one is an identity of SymPy's own
definitions, valid for every value of the symbols (or wherever both sides are defined).

- ``powers_as_exponentials``: b**e = exp(e log b), the definition of a power with a principal
  logarithm (b != 0), so x**y meets exp(y*log(x)) and (a*b)**y meets exp(y*(log a + log b));
- ``inverse_hyperbolic_as_logs``: asinh, acosh, atanh, acoth, asech and acsch by their
  logarithmic forms, which SymPy's rewrite gives with its own branch conventions (the values
  SymPy and Arb compute agree with them on the branch cuts too), radicands factored;
- ``complex_parts``: a complex symbol z written as a + b i (a, b real), so that |z|, sign z,
  re, im, conjugate and arg become real expressions (``expand_complex``), with radicands
  factored so that sqrt(P Q) splits into sqrt(P) sqrt(Q) when P, Q >= 0, and the angle
  atan2(0, t) of a nonnegative t taken as 0;
- ``simplified_bodies``: the body of a sum or product simplified (sin^2 t + cos^2 t + 1 is 2);
- ``zero_by_gamma``: gamma, factorials, binomials and Pochhammer symbols by SymPy's gammasimp,
  term by term and then together (the reflection formula gamma(r) gamma(1 - r) = pi/sin(pi r)
  for constants such as gamma(1/3) gamma(2/3) needs the product alone);
- ``algebraic_constant``: a difference without symbols that is an algebraic number is 0
  exactly when its minimal polynomial is X (nested radicals, exp(i pi/4), cos(pi/5)).
"""

from __future__ import annotations

import sympy
from sympy import Basic, Dummy, Product, S, Sum

from derive.checker.algebraic import is_zero_exactly
from derive.checker.limits import size

INVERSE_HYPERBOLIC = (sympy.asinh, sympy.acosh, sympy.atanh, sympy.acoth, sympy.asech, sympy.acsch)
GAMMA_FUNCTIONS = (
    sympy.gamma,
    sympy.factorial,
    sympy.binomial,
    sympy.RisingFactorial,
    sympy.FallingFactorial,
)
COMPLEX_FUNCTIONS = (sympy.Abs, sympy.sign, sympy.re, sympy.im, sympy.conjugate, sympy.arg)
_DUMMY_INDEX = 4 * 10**9  # fixed indices: the order of the symbols is the same every run


def _symbolic_power(e: Basic) -> bool:
    return isinstance(e, sympy.Pow) and not e.exp.is_Integer and e.base is not S.Exp1


def has_symbolic_powers(expr: Basic) -> bool:
    """Whether a power with an exponent that is not an integer appears (or an exp of a log)."""
    return any(_symbolic_power(p) for p in expr.atoms(sympy.Pow)) or any(
        e.args[0].has(sympy.log) for e in expr.atoms(sympy.exp)
    )


def powers_as_exponentials(expr: Basic) -> Basic:
    """Every power b**e with e not an integer as exp(e*log(b)) (its definition)."""
    return expr.replace(_symbolic_power, lambda p: sympy.exp(p.exp * sympy.log(p.base)))


def _radical(e: Basic) -> bool:
    return isinstance(e, sympy.Pow) and e.exp.is_Rational and not e.exp.is_Integer


def inverse_hyperbolic_as_logs(expr: Basic) -> Basic:
    """asinh, acosh, atanh, acoth, asech, acsch by SymPy's logarithmic forms, with their
    radicands over one denominator and factored: sqrt(((x - 1/x)/2)**2 + 1) is then
    (x**2 + 1)/(2x) for x > 0 (SymPy splits a power of a product only over factors it
    knows nonnegative)."""
    logs = expr.rewrite(INVERSE_HYPERBOLIC, sympy.log)
    return logs.replace(_radical, lambda e: sympy.factor(sympy.together(e.base)) ** e.exp)


def _parts(symbol: Basic, position: int) -> tuple[Dummy, Dummy]:
    index = _DUMMY_INDEX + 2 * position  # by position in the expression: the same every run
    return (
        Dummy(f"{symbol.name}_re", real=True, dummy_index=index),
        Dummy(f"{symbol.name}_im", real=True, dummy_index=index + 1),
    )


def _angle_of_nonnegative(e: Basic) -> bool:
    """atan2(0, t) with t >= 0 (a power's angle when its base is |z|**2): 0 wherever defined
    (t > 0), where SymPy keeps it since t may be 0."""
    return isinstance(e, sympy.atan2) and e.args[0] == 0 and e.args[1].is_nonnegative is True


def complex_parts(expr: Basic) -> Basic:
    """``expr`` with each symbol that may be complex written as a + b i (a, b real; b i for an
    imaginary one), and
    |.|, sign, re, im, conjugate and arg expanded into real parts."""
    symbols = sorted(
        (s for s in expr.free_symbols if isinstance(s, sympy.Symbol) and not s.is_extended_real),
        key=sympy.default_sort_key,
    )
    parts = {s: _parts(s, position) for position, s in enumerate(symbols)}
    expr = expr.xreplace(
        {s: sympy.I * im if s.is_imaginary else re + sympy.I * im for s, (re, im) in parts.items()}
    )
    expr = expr.replace(
        lambda e: isinstance(e, sympy.sign), lambda e: e.args[0] / sympy.Abs(e.args[0])
    ).replace(  # arg's definition: expand_complex leaves arg(x + I*y) as it is
        lambda e: isinstance(e, sympy.arg),
        lambda e: sympy.atan2(sympy.im(e.args[0]), sympy.re(e.args[0])),
    )
    expanded = sympy.expand_complex(expr).replace(_angle_of_nonnegative, lambda e: S.Zero)
    return expanded.replace(
        lambda e: isinstance(e, sympy.Pow) and e.exp.is_Rational and not e.exp.is_Integer,
        lambda e: sympy.factor(e.base) ** e.exp,
    )


def simplified_bodies(expr: Basic, largest: int) -> Basic:
    """Each sum's or product's body simplified (without evaluating sums), when it has at most
    ``largest`` nodes; a larger one stays as it is."""

    def body(s: Basic) -> Basic:
        function = s.function
        if sympy.count_ops(function) > largest:
            return s
        return s.func(sympy.simplify(function, doit=False), *s.limits)

    return expr.replace(lambda e: isinstance(e, (Sum, Product)), body)


def algebraic_constant(expr: Basic) -> bool:
    """Whether ``expr`` is a number without symbols that is exactly 0 by its minimal
    polynomial (False when that cannot be decided)."""
    return not expr.free_symbols and is_zero_exactly(expr) is True


def zero_in_parts(expr: Basic, largest: int) -> bool:
    """Whether ``expr`` is 0 once written in real parts (``complex_parts``): expanded, as a
    rational function of its parts, or by SymPy's simplify when the parts have at most
    ``largest`` nodes (its cost grows steeply: seconds for acosh(cosh(x)) - |x| in parts)."""
    parts = complex_parts(expr)
    if sympy.expand(parts) == 0:
        return True
    numerator = sympy.together(parts).as_numer_denom()[0]
    if sympy.expand(numerator) == 0:
        return True
    return size(parts) <= largest and sympy.simplify(parts, doit=False) == 0


def zero_by_gamma(expr: Basic) -> bool:
    """Whether ``expr`` is 0 by SymPy's gammasimp (identities of the gamma function, valid
    wherever both sides are defined), applied to each term and then to their sum."""
    terms = sympy.Add(*(sympy.gammasimp(t) for t in sympy.Add.make_args(expr)))
    return terms == 0 or sympy.gammasimp(terms) == 0
