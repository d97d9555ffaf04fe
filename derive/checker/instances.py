"""A claim's sides at integer values, and their values at points.

Sampling runs in two phases: integer symbols first (sizes and indices: ``K``, ``k``), then the
real and complex atoms. Everything that depends only on the integers is done once per integer
instantiation and cached for the process: a side compiled for those integers
(``compiled.Compiler``), or, where the compiled form cannot take it, the SymPy instance (values
substituted, sums written out, derivatives evaluated). A point then costs one pass over the
program. The caches hold pure functions of their keys, so what they hold never changes a
verdict, only its cost: the same side serves the search, the cross-check and the next step of a
derivation, whose left side is this step's right side.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping

import mpmath
import sympy
from sympy import Basic, Indexed

from derive.checker.compiled import Compiler, Unsupported
from derive.checker.doit import evaluated_or_same
from derive.checker.kinks import kink_arguments
from derive.checker.program import AT_KINK, INACCURATE, Program
from derive.checker.sums import expand_finite_sums
from derive.model.primitives import relu_prime

# what a doit still has to evaluate once the integers are in (relu' becomes Heaviside)
UNEVALUATED = (sympy.Sum, sympy.Product, sympy.Derivative, sympy.Subs, relu_prime)

Integers = tuple[tuple[Basic, Basic], ...]  # (integer symbol, value), in canonical order


def integers_key(integers: Mapping[Basic, Basic]) -> Integers:
    """The integer values as a hashable key, in a canonical order."""
    return tuple(sorted(integers.items(), key=sympy.default_sort_key))


def free_atoms(expr: Basic) -> set[Basic]:
    """Free symbols and indexed elements, without the labels of IndexedBase objects.

    SymPy lists ``t[d]`` among the free symbols of ``Sum(t[d], (d, 1, K))``; an element whose
    index is bound is not free, so it is left out.
    """
    atoms = set(expr.free_symbols)
    labels = {indexed.base.label for indexed in expr.atoms(Indexed)}
    plain = {a for a in atoms if not isinstance(a, Indexed)}
    return {
        a
        for a in atoms
        if (isinstance(a, Indexed) and a.free_symbols - {a} <= plain)
        or (not isinstance(a, Indexed) and a not in labels)
    }


def instance(expr: Basic, integers: Mapping[Basic, Basic]) -> Basic | None:
    """``expr`` at the integer values, sums and derivatives evaluated; None if SymPy fails.

    The values go in before ``doit``: concrete sums and deltas evaluate fast and plainly, while
    a doit with symbolic indices builds large Piecewise forms (and has mixed up bound indices).
    An instance that gained a free symbol is not trusted either way. Cached per process.
    """
    return _instance(expr, integers_key(integers))


@functools.lru_cache(maxsize=2048)
def _instance(expr: Basic, key: Integers) -> Basic | None:
    integers = dict(key)
    if not integers and not expr.has(sympy.Sum):
        result = evaluated_or_same(expr)
    else:
        try:
            result = expand_finite_sums(expr.xreplace(integers))
            if result.has(*UNEVALUATED):
                result = result.doit()
        except Exception:  # SymPy fails on odd input: this point is not evaluable
            return None
    allowed = expr.free_symbols - set(integers)
    if {s for s in result.free_symbols if not isinstance(s, Indexed)} - allowed:
        return None
    return result


def fresh_instance(expr: Basic, integers: Mapping[Basic, Basic]) -> Basic | None:
    """Like ``instance`` but built anew, not from its cache (to confirm a counterexample): a
    cache of its own keeps the confirmations of one claim from building it twice."""
    return _fresh_instance(expr, integers_key(integers))


@functools.lru_cache(maxsize=64)
def _fresh_instance(expr: Basic, key: Integers) -> Basic | None:
    return _instance.__wrapped__(expr, key)


@functools.lru_cache(maxsize=256)
def compiler(expr: Basic) -> Compiler:
    """The compiler for ``expr``, shared by its instances (cached per process)."""
    return Compiler(expr)


class Side:
    """One side of a claim at one set of integer values, ready to evaluate at points.

    Its values are enclosures where the side is compiled: an exact Fraction (rational
    arithmetic alone made it) or an Arb ball that provably contains the true value; elsewhere
    an mpmath number from SymPy's evalf (not an enclosure: only its digits are meaningful).

    Attributes:
        atoms: the atoms (symbols, indexed elements) a point must give values to.
        kinks: expressions that vanish at its kinks (Heaviside, Max, |x|, sign and piecewise
            arguments, the sums' indices substituted).
    """

    def __init__(self, expr: Basic, key: Integers) -> None:
        self.expr, self.key = expr, key
        self.program_integers = {s: int(v) for s, v in key}
        try:
            self.program: Program | None = compiler(expr).program(self.program_integers)
        except (Unsupported, RecursionError):
            self.program = None
        if self.program is not None:
            self.atoms = list(self.program.atoms)
        else:
            found = _instance(expr, key)
            self.atoms = (
                [] if found is None else sorted(free_atoms(found), key=sympy.default_sort_key)
            )
            self._kinks = [] if found is None else kink_arguments(found)

    @functools.cached_property
    def kinks(self) -> list[Basic]:
        return list(self.conventions) if self.program is not None else self._kinks

    @functools.cached_property
    def conventions(self) -> dict[Basic, bool]:
        """The kinks, each with whether its value there is a convention (every kink of a side
        that is not compiled counts as one)."""
        if self.program is not None:
            return self.program.kink_arguments()
        return dict.fromkeys(self._kinks, True)

    def value(self, values: Mapping[Basic, Basic], digits: int) -> tuple[object, bool]:
        """``(value, kink)`` at ``values`` to ``digits``: a Fraction or a ball (compiled), an
        mpmath complex (evalf), None where undefined, or AT_KINK where a compiled side cannot
        tell the side of a kink; kink is True when the compiled side met a kink exactly (a
        side that is not compiled reports none: the sampler looks at its ``kinks``)."""
        if self.program is not None and all(a in values for a in self.program.atoms):
            found, kink = self.program.enclosure(values, digits)
            if found is not INACCURATE:
                return found, kink
        return self.exact(values, digits), False

    def exact(self, values: Mapping[Basic, Basic], digits: int) -> object:
        """The value with the point's numbers substituted exactly, by SymPy's evalf."""
        return evaluate(_instance(self.expr, self.key), values, digits)

    def confirm(self, values: Mapping[Basic, Basic], digits: int, *, exactly: bool) -> object:
        """The value again, from a side built anew (not from a cache): by SymPy's exact
        evaluation if ``exactly`` (an independent route to a counterexample), else by a freshly
        compiled program (an enclosure, when there is one)."""
        if not exactly and self.program is not None:
            fresh = Compiler(self.expr).program(self.program_integers)
            found, _ = fresh.enclosure(values, digits)
            if found is not INACCURATE and found is not AT_KINK:
                return found
        return evaluate(fresh_instance(self.expr, dict(self.key)), values, digits)


@functools.lru_cache(maxsize=2048)
def side(expr: Basic, key: Integers) -> Side:
    """``Side(expr, key)``, cached per process."""
    return Side(expr, key)


def to_mp(value: Basic) -> mpmath.mpc | None:
    """A finite SymPy number as an mpmath complex, or None (not a number, infinite, NaN)."""
    if not isinstance(value, Basic) or not value.is_number or value.has(sympy.zoo, sympy.nan):
        return None
    try:
        re, im = (sympy.Float(part, mpmath.mp.dps) for part in value.as_real_imag())
        result = mpmath.mpc(mpmath.mpf(re._mpf_), mpmath.mpf(im._mpf_))
    except (AttributeError, TypeError, ValueError):
        return None
    return result if mpmath.isfinite(result) else None


def evaluate(expr: Basic | None, values: Mapping[Basic, Basic], digits: int) -> mpmath.mpc | None:
    """``expr`` (an instance) at ``values`` to ``digits`` by exact substitution and evalf."""
    if expr is None:
        return None
    with mpmath.workdps(digits + 5):
        try:
            return to_mp(sympy.N(expr.xreplace(dict(values)), digits))
        except Exception:  # not a number at this point (undefined function, 0/0, ...)
            return None


__all__ = ["AT_KINK", "Side", "evaluate", "free_atoms", "instance", "side", "to_mp"]
