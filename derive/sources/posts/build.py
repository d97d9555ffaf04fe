"""The meaning of a row: SymPy expressions from the tree of ``nodes``, built by hand.

Nothing is parsed from text here and nothing is evaluated: every node becomes a SymPy object
through a constructor (``Add``, ``Mul``, ``Sum``, ``KroneckerDelta``, ...), with the names of
``post_names``. The rules that need the whole post (the label rule, index ranges, definitions)
come from the :class:`~derive.sources.posts.names.Scope`, the range pass and the
:class:`~derive.sources.posts.definitions.Definitions`.
"""

from __future__ import annotations

from sympy import (
    Add,
    E,
    Expr,
    Indexed,
    Integer,
    KroneckerDelta,
    Mul,
    Piecewise,
    Pow,
    Rational,
    Sum,
    Symbol,
    pi,
)
from sympy.core.relational import Eq, Ge, Gt, Le, Lt, Ne
from sympy.logic.boolalg import And

from derive.sources.limits import MAX_EXPONENT, large_power, power_problem
from derive.sources.posts.definitions import Definitions, TooDeep
from derive.sources.posts.functions import FUNCTIONS, softmax
from derive.sources.posts.latex import nodes as ast
from derive.sources.posts.names import BuildError, Name, Scope, label_kind
from derive.sources.posts.ranges import Ranges, bound_value, index_items, letter_of, sum_limits

MAX_DIGITS = 30  # a number literal longer than this is not read
MAX_TERMS = 64  # a sum with concrete bounds and more terms than this is not checked

_RELATIONS = {"=": Eq, "!=": Ne, "<": Lt, "<=": Le, ">": Gt, ">=": Ge}


Env = dict[str, tuple[Symbol, Expr, Expr]]  # bound letter -> (symbol, lo, hi)


class Builder:
    """Builds the expressions of one post (``build``), in the order the post is read."""

    def __init__(self, scope: Scope, definitions: Definitions, ranges: Ranges) -> None:
        self.scope, self.definitions, self.ranges = scope, definitions, ranges
        self.aliases: dict[Name, Name] = {}
        self.euler = True  # e^x is the exponential unless e is declared or subscripted

    def build(self, node: ast.Node, env: Env | None = None) -> Expr:
        env = env or {}
        handler = getattr(self, "_" + type(node).__name__.lower(), None)
        if handler is None:
            raise BuildError(f"{type(node).__name__.lower()} is not read here", node.pos)
        return handler(node, env)

    # --- atoms -------------------------------------------------------------------------

    def _letter(self, node: ast.Letter, env: Env) -> Expr:
        return self.letter(node.name, env, node.pos)

    def letter(self, name: str, env: Env, pos: int) -> Expr:
        if name in env:
            return env[name][0]
        if name in self.ranges.index_letters or name in self.scope.index_ranges:
            return self.scope.index(name)
        if name in self.ranges.size_letters or name in self.scope.sizes:
            return self.scope.size(name)
        if name == "e" and self.euler:
            return E
        if name == "π":
            return pi
        return self.scope.symbol(self.aliases.get(Name(name), Name(name)), 0)

    def _number(self, node: ast.Number, env: Env) -> Expr:
        if len(node.text) > MAX_DIGITS:
            raise BuildError(f"the number {node.text[:12]}... is too long to read", node.pos)
        return Rational(node.text)

    def _note(self, node: ast.Note, env: Env) -> Expr:
        raise BuildError(f"text inside a formula is not read: \\text{{{node.text}}}", node.pos)

    def _group(self, node: ast.Group, env: Env) -> Expr:
        return self.build(node.inner, env)

    # --- arithmetic ---------------------------------------------------------------------

    def _add(self, node: ast.Add, env: Env) -> Expr:
        return Add(*(sign * self.build(term, env) for sign, term in node.terms))

    def _mul(self, node: ast.Mul, env: Env) -> Expr:
        factors: list[Expr] = []
        for index, factor in enumerate(node.factors):
            operator = self._operator(factor)
            if operator is not None:  # \frac{\partial}{\partial x} applies to what follows
                rest = node.factors[index + 1 :]
                if not rest:
                    raise BuildError("a derivative operator with nothing after it", factor.pos)
                operand = rest[0] if len(rest) == 1 else ast.Mul(rest[0].pos, rest)
                factors.append(self._derivative(operand, operator[0], operator[1], env))
                break
            factors.append(self.build(factor, env))
        product = Mul(*factors)
        if large_power(product):  # x^{999} x^{999} is x^{1998}
            raise BuildError(f"a power above {MAX_EXPONENT} is not built", node.pos, "cannot check")
        return product

    def _div(self, node: ast.Div, env: Env) -> Expr:
        return self.build(node.numerator, env) / self.build(node.denominator, env)

    def _sqrt(self, node: ast.Sqrt, env: Env) -> Expr:
        return Pow(self.build(node.operand, env), Rational(1, 2))

    def power(self, base: Expr, exponent: Expr, pos: int) -> Expr:
        problem = power_problem(base, exponent)  # before SymPy computes it
        if problem:
            numbers = base.is_Number and exponent.is_Number
            raise BuildError(problem, pos, "cannot read" if numbers else "cannot check")
        return Pow(base, exponent)

    # --- scripts: names, indices, labels, powers ----------------------------------------

    def _scripted(self, node: ast.Scripted, env: Env) -> Expr:
        base = node.base
        if isinstance(base, (ast.Indicator, ast.Number)) and node.sub and node.sup is None:
            return self._indicator(ast.Indicator(node.pos, self._one(node.sub, node.pos)), env)
        if not isinstance(base, ast.Letter):
            if node.sub is not None or node.primes:
                raise BuildError("a subscript or prime on an expression is not read", node.pos)
            return self.power(self.build(base, env), self.build(node.sup, env), node.pos)
        if base.name == "e" and self.euler and node.sub is None and node.sup is not None:
            return self._exp(node, env)
        if base.name == "δ" and node.sup is None and node.sub is not None:
            indices = index_items(node.sub)[0]
            if len(indices) == 2:
                return KroneckerDelta(*(self.build(i, env) for i in indices))
        kind = None if node.sup is None else label_kind(node.sup_text, self.scope.labels)
        if kind == "transpose":
            raise BuildError("a transpose is not read: write the entries with indices", node.pos)
        label = node.sup_text if kind == "label" else ""
        value = self.named(node, label, env)
        if kind == "power":
            value = self.power(value, self.build(node.sup, env), node.pos)
        return value

    def _exp(self, node: ast.Scripted, env: Env) -> Expr:
        from sympy import exp

        if node.primes:
            raise BuildError("a prime on e is not read", node.pos)
        return exp(self.build(node.sup, env))

    def named(self, node: ast.Scripted, label: str, env: Env) -> Expr:
        """The symbol or array entry a scripted letter names."""
        letter = node.base.name + "'" * node.primes
        if node.sub is None:
            if not label:
                return self.letter(letter, env, node.pos)
            return self.scope.symbol(self._alias(Name(letter, label)), 0)
        indices, suffix = index_items(node.sub)
        base = letter + (f"_{{{suffix}}}" if suffix else "")
        name = self._alias(Name(base, label))
        if not indices:
            return self.scope.symbol(name, 0)
        values = tuple(self.index(i, env) for i in indices)
        return self.scope.symbol(name, len(values))[values]

    def _alias(self, name: Name) -> Name:
        return self.aliases.get(name, name)

    def index(self, node: ast.Node, env: Env) -> Expr:
        value = self.build(node, env)
        if not value.is_integer:
            raise BuildError("a subscript that is not an index is not read", node.pos)
        return value

    def _one(self, items: tuple[ast.Node, ...], pos: int) -> ast.Node:
        if len(items) != 1:
            raise BuildError("write the indicator's condition as 1_{d=k}", pos)
        return items[0]

    # --- sums, functions, conditions ----------------------------------------------------

    def _sum(self, node: ast.Sum, env: Env) -> Expr:
        letter, lower, upper = sum_limits(node)
        if letter is None:
            raise BuildError("a sum's index must be a letter: \\sum_{k=1}^{K}", node.pos)
        if letter in env:
            raise BuildError(f"a sum over {letter} inside a sum over {letter}", node.pos)
        lo = Integer(1) if lower is None else bound_value(lower, self.scope)
        hi = None if upper is None else bound_value(upper, self.scope)
        if lo is None or (upper is not None and hi is None):
            raise BuildError("a sum's bounds are numbers or sizes (K, K-1)", node.pos)
        if hi is None:
            known = self.scope.index_ranges.get(letter)
            if known is None:
                message = (
                    f"the sum over {letter} has no range: write \\sum_{{{letter}=1}}^{{K}} "
                    f'or declare {letter} = "index 1..K"'
                )
                raise BuildError(message, node.pos, "cannot check")
            lo, hi = known if lower is None else (lo, known[1])
        if (hi - lo).is_Integer and abs(hi - lo + 1) > MAX_TERMS:  # either order (Karr)
            raise BuildError(f"a sum of more than {MAX_TERMS} terms", node.pos, "cannot check")
        bound = self.scope.bound_index(letter, lo)
        body = self.build(node.body, {**env, letter: (bound, lo, hi)})
        return Sum(body, (bound, lo, hi))

    def _call(self, node: ast.Call, env: Env) -> Expr:
        if node.name == "softmax":
            if len(node.args) != 1:
                raise BuildError("softmax takes one argument: softmax(z_k)", node.pos)
            value = softmax(self, self.build(node.args[0], env), env, node.pos)
        else:
            arity, function = FUNCTIONS[node.name]
            args = [self.build(a, env) for a in node.args]
            if not arity[0] <= len(args) <= arity[1]:
                raise BuildError(f"{node.name} takes {arity[0]} argument(s)", node.pos)
            value = function(*args)
        if node.sub is not None:
            if node.name != "log":
                raise BuildError(f"a subscript on {node.name} is not read", node.pos)
            value = value / FUNCTIONS["log"][1](self.build(node.sub, env))
        if node.sup is not None:
            value = self.power(value, self.build(node.sup, env), node.pos)
        return value

    def _cases(self, node: ast.Cases, env: Env) -> Expr:
        pieces = []
        for value, condition in node.branches:
            truth = True if condition is None else self.relation(condition, env)
            pieces.append((self.build(value, env), truth))
        return Piecewise(*pieces)

    def _indicator(self, node: ast.Indicator, env: Env) -> Expr:
        if node.condition is None:
            raise BuildError("an indicator needs its condition: \\mathbb{1}_{d=k}", node.pos)
        condition = node.condition
        if isinstance(condition, ast.Relation) and condition.op == "=":
            lhs, rhs = self.build(condition.lhs, env), self.build(condition.rhs, env)
            if lhs.is_integer and rhs.is_integer:
                return KroneckerDelta(lhs, rhs)
        return Piecewise((Integer(1), self.relation(condition, env)), (Integer(0), True))

    def relation(self, node: ast.Node, env: Env):
        if not isinstance(node, ast.Relation):
            raise BuildError("a condition such as d = k or x > 0 is expected", node.pos)
        if node.op == "and":
            return And(self.relation(node.lhs, env), self.relation(node.rhs, env))
        return _RELATIONS[node.op](self.build(node.lhs, env), self.build(node.rhs, env))

    def _relation(self, node: ast.Relation, env: Env) -> Expr:
        raise BuildError("a relation inside a formula is not read", node.pos)

    # --- derivatives --------------------------------------------------------------------

    def _frac(self, node: ast.Frac, env: Env) -> Expr:
        parts = self._derivative_parts(node)
        if parts is None:
            return self.build(node.numerator, env) / self.build(node.denominator, env)
        operand, variable, pos = parts
        if operand is None:
            raise BuildError("a derivative operator with nothing after it", node.pos)
        return self._derivative(operand, variable, pos, env)

    def _operator(self, node: ast.Node) -> tuple[ast.Node, int] | None:
        """(variable, pos) if ``node`` is ``\\frac{\\partial}{\\partial x}`` (an operator)."""
        if isinstance(node, ast.Frac):
            parts = self._derivative_parts(node)
            if parts is not None and parts[0] is None:
                return parts[1], parts[2]
        return None

    def _derivative_parts(self, node: ast.Frac):
        """(operand or None, variable, pos) when ``node`` is a derivative, else None."""
        num, den = node.numerator, node.denominator
        if isinstance(num, ast.Partial) and isinstance(den, ast.Partial) and den.operand:
            return num.operand, den.operand, node.pos
        if _starts_with_d(den) and (_starts_with_d(num) or _is_d(num)):
            variable = den.factors[1] if len(den.factors) == 2 else None
            if variable is not None and (letter_of(variable) or isinstance(variable, ast.Scripted)):
                operand = None if _is_d(num) else _rest(num)
                return operand, variable, node.pos
        return None

    def _derivative(self, operand: ast.Node, variable: ast.Node, pos: int, env: Env) -> Expr:
        if not isinstance(variable, (ast.Letter, ast.Scripted)):
            raise BuildError("differentiate with respect to a symbol, e.g. ∂z_k", variable.pos)
        v = self.build(variable, env)
        if not (isinstance(v, Indexed) or v in self.scope.keys):
            raise BuildError("differentiate with respect to a symbol, not an index", variable.pos)
        f = self.build(operand, env)
        shown_f = shown(operand, self.scope.labels) or "the expression"
        shown_v = shown(variable, self.scope.labels)
        try:
            return self.definitions.derivative(f, v, shown_f, shown_v)
        except TooDeep as error:
            raise BuildError(str(error), pos, "cannot check") from None


def _is_d(node: ast.Node) -> bool:
    return isinstance(node, ast.Letter) and node.name == "d"


def _starts_with_d(node: ast.Node) -> bool:
    return isinstance(node, ast.Mul) and _is_d(node.factors[0]) and len(node.factors) >= 2


def _rest(node: ast.Mul) -> ast.Node:
    rest = node.factors[1:]
    return rest[0] if len(rest) == 1 else ast.Mul(rest[0].pos, rest)


def shown(node: ast.Node, labels: dict[str, str]) -> str:
    """A name as the report shows it (``w^L_{kj}``), or "" when ``node`` is not a name."""
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
    return "?"
