"""Functions applied inside a definition, resolved where the definition is used.

A post may define ``a = \\sigma(z)`` once and then let each section pick sigma ("in each section,
sigma means the function of that section"): a claim about a in the tanh section is about tanh(z).
So an application of a function that a post may redefine (sigma, ``relu``, ``sigmoid``, the
functions the post defines) inside the body of a *symbol's* definition is built as an
undefined SymPy function of its own (one per name); a claim records the functions in force at
its row, and before it is checked every such application is written out with them
(derivatives taken meanwhile, ``Subs(Derivative(F(ξ), ξ), ξ, z)``, are then evaluated).
Applications written in a claim itself are written out at once: they are at their row.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sympy import Derivative, Dummy, Expr, Function, Subs, diff
from sympy.core.function import AppliedUndef

from derive.sources.posts.defined_functions import DefinedFunction, apply_function
from derive.sources.posts.functions import FUNCTIONS
from derive.sources.posts.names import BuildError

BUILT_IN = {"relu": "relu", "sigmoid": "sigmoid"}  # name -> the reader's own function


@dataclass
class LazyFunctions:
    """One undefined SymPy function per name applied lazily, and how to write them out."""

    classes: dict[str, type] = field(default_factory=dict)  # name -> its SymPy function
    names: dict[type, str] = field(default_factory=dict)

    def apply(self, name: str, args: list[Expr], primes: int, generated: str) -> Expr:
        """``name(args)`` (differentiated ``primes`` times), to be written out later."""
        if name not in self.classes:
            made = Function(generated, real=True)
            self.classes[name], self.names[made] = made, name
        function = self.classes[name]
        if not primes:
            return function(*args)
        t = Dummy("t", real=True)
        return Subs(diff(function(t), t, primes), t, args[0])

    def at_points(self, expr: Expr) -> Expr:
        """``Derivative(F(x), x)`` as ``Subs(Derivative(F(t), t), t, x)``: x may be a defined
        symbol, written out later (SymPy cannot differentiate with respect to a sum). A
        derivative at a dummy is already inside SymPy's own ``Subs`` (``F(b + x)``
        differentiated): wrapped again, the nested ``Subs`` differentiates wrongly a second
        time (the ``F''`` term is lost), so it is left as it is."""
        if not self.names:
            return expr

        def at_point(derivative: Derivative) -> Expr:
            applied, (variable, count) = derivative.expr, derivative.variable_count[0]
            t = Dummy("t", real=True)
            return Subs(Derivative(applied.func(t), (t, count)), t, variable)

        def lazy_derivative(e) -> bool:
            return (
                isinstance(e, Derivative)
                and isinstance(e.expr, AppliedUndef)
                and e.expr.func in self.names
                and len(e.variable_count) == 1
                and e.expr.args == (e.variable_count[0][0],)
                and not isinstance(e.variable_count[0][0], Dummy)
            )

        return expr.replace(lazy_derivative, at_point)

    def unresolved(self, expr: Expr) -> list[str]:
        """The names of the lazy applications left in ``expr`` (none is in force there)."""
        found = {e.func for e in expr.atoms(AppliedUndef) if e.func in self.names}
        return sorted(self.names[f] for f in found)

    def resolve(self, expr: Expr, in_force: dict, fresh, slot_range=None) -> Expr:
        """``expr`` with every lazy application written out with the functions ``in_force``
        (name -> DefinedFunction, or a built-in's name); unchanged if there is none."""
        if not self.names or not any(expr.has(f) for f in self.names):
            return expr

        def written(applied: AppliedUndef) -> Expr:
            name = self.names[applied.func]
            meaning = in_force.get(name)
            args = list(applied.args)
            if isinstance(meaning, DefinedFunction) and meaning.body is not None:
                try:
                    return apply_function(meaning, args, 0, fresh, 0, slot_range)
                except BuildError:  # the arguments do not fit: left, the claim cannot check
                    return applied
            if isinstance(meaning, str) and meaning in FUNCTIONS:
                return FUNCTIONS[meaning][1](*args)
            return applied

        expr = expr.replace(lambda e: isinstance(e, AppliedUndef) and e.func in self.names, written)
        return expr.replace(lambda e: isinstance(e, (Subs, Derivative)), lambda e: e.doit())
