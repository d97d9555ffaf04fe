"""Equations a post sets and solves: conditions, not identities to refute.

To find an optimum, posts set a derivative to zero and solve (maximum likelihood, least
squares, the normal equations):

    \\frac{d}{dp} \\log L(p) = \\frac{k}{p} - \\frac{n - k}{1 - p} = 0      (sets it to zero)
    k (1 - p) = (n - k) p                                               (rearranges it)
    n \\beta_0 + \\beta_1 \\sum x_i = \\sum y_i                            (the normal equations)
    \\beta_0 = \\bar{y} - \\beta_1 \\bar{x}                                (solves them)

None of these rows holds for every p or every beta: they hold at the optimum, which is what
the text says. So a relation is **an equation the text sets** when it is not an identity and

- its last side is ``0`` (``... = 0``) or its first side is (``0 = ...``), and the other side
  depends on an *unknown*: a symbol the post differentiates by (p, beta_0, w, b) or a
  parameter of a function it defines (``S(\\beta_0, \\beta_1) = ...``), directly or through
  the post's definitions (``\\sum e_i = 0`` with e_i a residual);

and **an equation the text solves** when it is not an identity, stands alone in its row with
no derivative and no function applied (arithmetic of names: the rearranged equation, the
normal equations, the solution), and involves an unknown of an equation set earlier in the
same section. Both are reported as conditions (``not a claim``), never refuted; either is a
claim when it holds (proved) as written. A number set to zero (``0.01 - 0.13 + ... = 0``) is
arithmetic, a claim: only sides with symbols are set.

Two more readings of the same kind: the **premise** of an implication in its row
(``k(1-p) = (n-k)p \\implies \\hat{p} = k/n``) is a condition, and what follows the arrow is
read under it; a side that writes names for the first time, only there
(``= \\frac{S_{xy}}{S_{xx}}``), **introduces** them, if the step is not an identity.
"""

from __future__ import annotations

from sympy import Basic, Indexed, Symbol

from derive.sources.posts.defining import applies
from derive.sources.posts.items import Conditions, Side, unwrap
from derive.sources.posts.kinds import CONDITION, DEFINITION, arithmetic, has_derivative, is_number
from derive.sources.posts.latex import nodes as ast
from derive.sources.posts.names import BuildError

SETS = "an equation the text sets to zero (a condition)"
SOLVES = "an equation the text solves (with the one it set at {where})"
PREMISE = "the premise of an implication (a condition of what follows it)"
ARROWS = (r"\implies", r"\Rightarrow", r"\Longrightarrow", r"\iff", r"\Leftrightarrow")


def before_arrow(chain: ast.Chain, chains, text: str) -> bool:
    """Whether ``chain`` is the premise of an implication in its row (``A \\implies B``)."""
    later = [c.pos for c in chains if c.pos > chain.pos]
    return bool(later) and any(a in text[chain.end : min(later)] for a in ARROWS)


def is_zero(node: ast.Node | None) -> bool:
    node = unwrap(node) if node is not None else None
    return isinstance(node, ast.Number) and node.text.strip("0.") == "" and "0" in node.text


class SolvingMixin:
    """The equations of :class:`~derive.sources.posts.chains.ChainReader`: set, then solved."""

    def _unknowns(self, *values: Basic) -> frozenset[Basic]:
        """The unknowns ``values`` involve, directly or through definitions: what the post
        differentiates by, and the parameters of the functions it defines (``S(\\beta_0,
        \\beta_1)``: set to zero in words, "setting both derivatives to zero gives")."""
        builder = self.builder
        unknowns = set(builder.differentiated)
        for function in builder.functions.table.values():
            unknowns |= {p.base if isinstance(p, Indexed) else p for p in function.params}
        reached: set[Basic] = set()
        for value in values:
            reached |= builder.definitions.reached(value)
        return frozenset(reached & unknowns)

    def _record_equation(self, unknowns: frozenset[Basic], block, pos: int) -> None:
        where = f"line {self._position(block, pos)[0]}"
        self.equations.append((self.section, unknowns, where))

    def _differentiates(self, node: ast.Node) -> bool:
        """Whether a side writes a derivative: ``\\partial``, ``\\nabla``, a prime, or
        ``\\frac{d \\ell}{d p}``."""
        if has_derivative(node):
            return True
        derivative = self.builder._derivative_parts
        return any(isinstance(n, ast.Frac) and derivative(n) is not None for n in ast.walk(node))

    def _introduces(self, before: set, left: Basic, right: Basic) -> None:
        """A side that writes names for the first time, only there (``= \\frac{S_{xy}}{S_{xx}}``
        names the two sums just written): if the step is not an identity, it introduces them
        (a definition), never a claim refuted with the names taken as any value."""
        scope, objects = self.builder.scope, self.builder.definitions.objects
        new = [k for k in scope.objects if k not in before]
        written = objects(right) - objects(left)
        fresh = {scope.objects[k] for k in new} & written
        atoms = [a for a in right.atoms(Indexed) if a.base in fresh]
        atoms += [a for a in right.atoms(Symbol) if a in fresh]
        named = sorted({self.builder.shown_expr(a) for a in atoms})
        if named:
            message = f"introduces {', '.join(named)} (written here first)"
            self.otherwise = ("refuted", DEFINITION, message)

    def _premised(self, chain) -> None:
        """The premise of ``\\implies`` is a condition if it is not an identity; a derivative
        written there is a claim all the same (``\\sigma'(z) = ... \\implies ...``)."""
        if self.premise and not any(self._differentiates(p) for p in chain.parts[:2]):
            self.otherwise = ("refuted", CONDITION, PREMISE)

    def _premise(self, chain, block) -> Conditions:
        """The relations of a premise, for the chains after it in its row."""
        found = self._relations(chain, block)
        return Conditions() if found.problem else found

    def _set_to_zero(self, value: Basic, block, pos: int) -> bool:
        """``value = 0`` (or ``0 = value``): if ``value`` has symbols and an unknown, the claim
        about to be read is an equation the text sets, if it is not an identity."""
        if not getattr(value, "free_symbols", None):
            return False
        unknowns = self._unknowns(value)
        if not unknowns:
            return False
        self.otherwise = ("refuted", CONDITION, SETS)
        self._record_equation(unknowns, block, pos)
        return True

    def _zero_step(self, chain, index: int, block) -> None:
        """Before the claim of ``parts[index]``: the chain's last side is 0 (``... = 0``)."""
        if index != len(chain.parts) - 1 or not is_zero(chain.parts[index]):
            return
        if isinstance(self.previous, Side):
            self._set_to_zero(self.previous.value, block, chain.equals[index - 1])

    def _zero_first(self, chain, block) -> bool:
        """``0 = \\frac{\\partial J}{\\partial w} = ...``: the chain starts by setting to 0."""
        if not is_zero(chain.parts[0]) or is_number(chain.parts[1]):
            return False
        try:
            value = self.builder.build(chain.parts[1])
        except BuildError:
            return False
        return self._set_to_zero(value, block, chain.equals[0])

    def _zero_second(self, chain, block) -> bool:
        """``\\sum e_i = 0``: the first relation sets its left side to zero."""
        if len(chain.parts) != 2 or not is_zero(chain.parts[1]):
            return False
        return self._set_to_zero(self.previous.value, block, chain.equals[0])

    def _solves(self, chain, block) -> bool:
        """A relation alone in its row, arithmetic of names, involving an unknown of an equation
        set earlier in this section: if it is not an identity, an equation the text solves."""
        if not self.alone or not isinstance(self.previous, Side):
            return False
        if any(self._differentiates(p) or applies(p) for p in chain.parts[:2]):
            return False
        if all(is_number(p) for p in chain.parts[:2]):
            return False
        try:
            right = self.builder.build(chain.parts[1])
        except BuildError:
            return False
        left = self.previous.value
        if not (arithmetic(left) and arithmetic(right)):
            return False
        unknowns = self._unknowns(left, right)
        set_before = [
            where
            for section, known, where in self.equations
            if section == self.section and known & unknowns
        ]
        if not set_before:
            return False
        self.otherwise = ("refuted", CONDITION, SOLVES.format(where=set_before[0]))
        self._record_equation(unknowns, block, chain.equals[0])
        return True
