"""Derivatives as posts write them: ``\\frac{\\partial E}{\\partial z_k}``, the numerator
differentiated whole (``\\frac{\\partial \\log p_i}{\\partial x_j}``,
``\\frac{\\partial \\sum_j e^{z_j}}{\\partial z_k}``), ``\\frac{d y}{d x}``, the operator forms
``\\frac{\\partial}{\\partial x}(...)``, and ``\\nabla_{v} f`` (∂f/∂v). What is differentiated
is written out through the post's definitions (``Definitions.derivative``).
"""

from __future__ import annotations

import dataclasses

from sympy import Expr, Indexed
from sympy.matrices.expressions.matexpr import MatrixElement

from derive.sources.posts.definitions import TooDeep
from derive.sources.posts.functions import FUNCTIONS
from derive.sources.posts.latex import nodes as ast
from derive.sources.posts.latex.vocabulary import SIGMA
from derive.sources.posts.names import BuildError, Name, label_kind
from derive.sources.posts.ranges import index_items, letter_of
from derive.sources.posts.recurrences import later_steps

_MIXED = "the derivative of {} by {} mixes matrices and numbers (not read)"


class DerivativesMixin:
    """The derivative nodes of :class:`~derive.sources.posts.build.Builder`."""

    def _frac(self, node: ast.Frac, env) -> Expr:
        parts = self._derivative_parts(node)
        if parts is None:
            numerator = self.build(node.numerator, env)
            denominator = self.build(node.denominator, env)
            if self.matrix_mode:
                return self.divided(numerator, denominator, node.pos)
            return numerator / denominator
        operand, variable, pos = parts
        if operand is None:
            raise BuildError("a derivative operator with nothing after it", node.pos)
        return self._derivative(operand, variable, pos, env)

    def _nabla(self, node: ast.Nabla, env) -> Expr:
        if node.sub is None:
            message = "a gradient without its variable (vector notation) is not checked"
            raise BuildError(message, node.pos, "cannot check")
        if node.order == 2:  # the Hessian: the gradient of the gradient
            return self._derivative(node.operand, (node.sub, node.sub), node.pos, env)
        if node.order != 1:
            raise BuildError("a power of \\nabla other than 2 is not read", node.pos)
        return self._derivative(node.operand, node.sub, node.pos, env)

    def _operator(self, node: ast.Node) -> tuple[ast.Node, int] | None:
        """(variable, pos) if ``node`` is ``\\frac{\\partial}{\\partial x}`` (an operator)."""
        if isinstance(node, ast.Frac):
            parts = self._derivative_parts(node)
            if parts is not None and parts[0] is None:
                return parts[1], parts[2]
        return None

    def _named_operator(self, node: ast.Node) -> ast.Node | None:
        """The variable ``a_j`` when ``node`` is ``D_j``, an operator the prose names."""
        if not (isinstance(node, ast.Scripted) and isinstance(node.base, ast.Letter)):
            return None
        variable = self.operators.get(node.base.name)
        if variable is None or node.sup is not None or node.primes or node.sub is None:
            return None
        if len(node.sub) != 1:
            return None
        return ast.Scripted(node.pos, ast.Letter(node.pos, variable), node.sub, None, "", 0)

    def _named_derivative(self, node: ast.Mul, index: int, variable: ast.Node, env) -> Expr:
        """``D_j F``: the derivative of the one factor written after the operator. Followed by
        more than one factor (``D_j S_i S_k``), which of them it applies to is unsaid."""
        rest = node.factors[index + 1 :]
        if len(rest) != 1:
            message = "an operator followed by a product: of which part?"
            raise BuildError(message, node.factors[index].pos, "cannot check")
        return self._derivative(rest[0], variable, node.factors[index].pos, env)

    def _derivative_parts(self, node: ast.Frac):
        """(operand or None, variable, pos) when ``node`` is a derivative, else None; the
        variable of a second derivative is a tuple (``\\partial z_i \\partial z_j``,
        ``\\partial w^2``)."""
        num, den = node.numerator, node.denominator
        if isinstance(num, ast.Partial) and num.order > 1:
            variables = _variables(den, num.order)
            return (num.operand, variables, node.pos) if variables else None
        if isinstance(num, ast.Partial) and isinstance(den, ast.Partial) and den.operand:
            return num.operand, den.operand, node.pos
        order = _d_order(num) or _d_order(num, alone=True)
        if order and _starts_with_d(den) and len(den.factors) == 2:  # \frac{d^2 y}{dx^2}
            variables = _variables(ast.Partial(den.pos, den.factors[1]), order)
            operand = None if _d_order(num, alone=True) else _rest(num)
            return (operand, variables, node.pos) if variables else None
        if _starts_with_d(den) and (_starts_with_d(num) or _is_d(num)):
            variable = den.factors[1] if len(den.factors) == 2 else None
            if variable is not None and (letter_of(variable) or isinstance(variable, ast.Scripted)):
                operand = None if _is_d(num) else _rest(num)
                return operand, variable, node.pos
        return None

    def _derivative(self, operand: ast.Node, variable, pos: int, env) -> Expr:
        if isinstance(variable, tuple):  # a second derivative: one variable after the other
            value = self._derivative(operand, variable[0], pos, env)
            for other in variable[1:]:
                value = self._derivative_of(value, operand, other, env)
            return value
        while isinstance(variable, ast.Group):
            variable = variable.inner
        if not isinstance(variable, (ast.Letter, ast.Scripted)):
            raise BuildError("differentiate with respect to a symbol, e.g. ∂z_k", variable.pos)
        v = self.build(variable, env)
        if not (isinstance(v, (Indexed, MatrixElement)) or v in self.scope.keys):
            raise BuildError("differentiate with respect to a symbol, not an index", variable.pos)
        self.differentiated.add(v.base if isinstance(v, Indexed) else v)
        f = self._function_at(operand, v)
        if f is None:
            f = self.build(operand, env)
        if isinstance(v, Indexed) and v.base in self.recurrences:  # dh_t / dh_{t-1}
            f = later_steps(f, v, self.recurrences[v.base])
        shown_f = shown(operand, self.scope.labels) or "the expression"
        shown_v = shown(variable, self.scope.labels) or self.shown_expr(v)
        try:
            value = self.definitions.derivative(f, v, shown_f, shown_v)
        except TooDeep as error:
            raise BuildError(str(error), pos, "cannot check") from None
        except TypeError:  # SymPy: "Mix of Matrix and Scalar symbols" (shapes read wrongly)
            raise BuildError(_MIXED.format(shown_f, shown_v), pos, "cannot check") from None
        if self.matrix_mode and self.definitions.placeholders(value):  # C by W^l: the layers
            chained = self.layer_chain(operand, v, shown_f, shown_v)
            if chained is not None:
                return chained
        elif self.definitions.placeholders(value):  # C by b^l_j: through z^l (entry_layers)
            chained = self.entry_chain(operand, v, shown_f, shown_v)
            if chained is not None:
                return chained
        return value

    def _derivative_of(self, value: Expr, operand: ast.Node, variable: ast.Node, env) -> Expr:
        variable = _unwrap(variable)
        if not isinstance(variable, (ast.Letter, ast.Scripted)):
            raise BuildError("differentiate with respect to a symbol, e.g. ∂z_k", variable.pos)
        v = self.build(variable, env)
        shown_f = shown(operand, self.scope.labels) or "the expression"
        shown_v = shown(variable, self.scope.labels)
        try:
            return self.definitions.derivative(value, v, shown_f, shown_v)
        except TooDeep as error:
            raise BuildError(str(error), variable.pos, "cannot check") from None
        except TypeError:  # SymPy: "Mix of Matrix and Scalar symbols" (shapes read wrongly)
            message = _MIXED.format(shown_f, shown_v)
            raise BuildError(message, variable.pos, "cannot check") from None

    def _function_at(self, operand: ast.Node, v: Expr) -> Expr | None:
        """``\\frac{d\\sigma}{dz}``, ``\\frac{\\partial f}{\\partial x}``: a function of one
        argument named alone and differentiated is applied to the variable."""
        operand = _unwrap(operand)
        if not isinstance(operand, ast.Letter):
            return None
        name = operand.name
        defined = self.functions.get(name)
        if defined is not None and len(defined.params) == 1:
            if self._entry_of(defined.params[0], v):
                return None  # dL/dw_j with L(w): the body, w_j one of its entries
            return self.apply_defined(defined, [v], 0, operand.pos)
        word = self.declared_functions.get(name) or ("sigmoid" if name == SIGMA else None)
        if word in FUNCTIONS and defined is None and not self._is_defined_symbol(name):
            return FUNCTIONS[word][1](v)
        return None

    def _entry_of(self, param, v: Expr) -> bool:
        """Whether ``v`` is an entry of the vector parameter ``param`` (``w_j`` of ``L(w)``):
        then ``\\frac{\\partial L}{\\partial w_j}`` differentiates the body by that entry,
        it does not apply L to it."""
        if isinstance(v, MatrixElement):
            return v.parent == param or self._same_name(v.parent, param)
        return isinstance(v, Indexed) and self._same_name(v.base, param)

    def _same_name(self, a, b) -> bool:
        key_a, key_b = self.scope.keys.get(a), self.scope.keys.get(b)
        return key_a is not None and key_b is not None and key_a[0] == key_b[0]

    def _is_defined_symbol(self, name: str) -> bool:
        obj = self.scope.objects.get((Name(name), 0))
        return obj is not None and obj in self.definitions.table


def _variables(denominator: ast.Node, order: int) -> tuple[ast.Node, ...] | None:
    """The variables of ``\\partial^n``: ``\\partial z_i \\partial z_j`` or ``\\partial w^2``."""
    denominator = _unwrap(denominator)
    if isinstance(denominator, ast.Mul):
        found = [f.operand for f in denominator.factors if isinstance(f, ast.Partial)]
        if len(found) == len(denominator.factors) == order and all(found):
            return tuple(found)
        return None
    if isinstance(denominator, ast.Partial) and isinstance(denominator.operand, ast.Scripted):
        power = denominator.operand
        if power.sup_text == str(order) and power.sub is None and not power.primes:
            return (power.base,) * order
        if power.sup_text == str(order) and power.sub is not None:
            plain = dataclasses.replace(power, sup=None, sup_text="")
            return (plain,) * order
    return None


def _unwrap(node: ast.Node) -> ast.Node:
    while isinstance(node, ast.Group):
        node = node.inner
    return node


def _is_d(node: ast.Node) -> bool:
    return isinstance(node, ast.Letter) and node.name == "d"


def _d_order(node: ast.Node, alone: bool = False) -> int:
    """n for ``d^n`` (``alone``) or ``d^n y`` (the numerator of an n-th derivative); else 0."""
    first = node if alone else (node.factors[0] if isinstance(node, ast.Mul) else None)
    if alone is False and not (isinstance(node, ast.Mul) and len(node.factors) >= 2):
        return 0
    if not (isinstance(first, ast.Scripted) and _is_d(first.base) and first.sub is None):
        return 0
    text = first.sup_text
    return int(text) if text.isdigit() and 1 < int(text) < 10 else 0


def _starts_with_d(node: ast.Node) -> bool:
    return isinstance(node, ast.Mul) and _is_d(node.factors[0]) and len(node.factors) >= 2


def _rest(node: ast.Mul) -> ast.Node:
    rest = node.factors[1:]
    return rest[0] if len(rest) == 1 else ast.Mul(rest[0].pos, rest)


def shown(node: ast.Node, labels: dict[str, str]) -> str:
    """A name as the report shows it (``w^L_{kj}``), or "" when ``node`` is not a name."""
    while isinstance(node, ast.Group):
        node = node.inner
    letter = letter_of(node)
    if letter is not None:
        return letter
    if not (isinstance(node, ast.Scripted) and isinstance(node.base, ast.Letter)):
        return ""
    label = ""
    if node.sup is not None and label_kind(node.sup_text, labels) == "label":
        label = node.sup_text
    indices, suffix = index_items(node.sub or ())
    base = node.base.name + "'" * node.primes + (f"_{{{suffix}}}" if suffix else "")
    return Name(base, label).shown("".join(_index_text(i) for i in indices))


def _index_text(node: ast.Node) -> str:
    letter = letter_of(node)
    if letter is not None:
        return letter
    if isinstance(node, ast.Number):
        return node.text
    if isinstance(node, ast.Add):  # t-1, k+1
        parts = [
            ("-" if sign < 0 else "+" if n else "") + _index_text(t)
            for n, (sign, t) in enumerate(node.terms)
        ]
        return "".join(parts)
    return "?"
