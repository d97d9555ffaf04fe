"""The restricted math syntax as data: which Python nodes may appear, and the functions it knows.

``describe_forbidden`` is the whitelist the parser screens every node with before it builds
anything; ``FUNCTIONS`` maps each callable name to a builder of its SymPy object. Adding a
function is one line here (and one in docs/derivation-files.md).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from typing import Protocol

import sympy
from sympy import Derivative, Expr, Indexed, MatrixSymbol, Symbol

from derive.sources.limits import LoadingLimits, tree_size
from derive.sources.toml import matrices


class Builder(Protocol):
    """What a function's handler needs from the parser's tree walker (``parse._Builder``).

    Declared here, so that the grammar does not import the parser that reads it: the parser
    imports the grammar, never the other way round.
    """

    limits: LoadingLimits
    diff_depth: int  # derivatives being built around the current node
    bound: frozenset  # indices of the explicit sums around the current node

    def error(self, node: ast.AST, message: str) -> Exception: ...

    def expr(self, node: ast.AST) -> Expr: ...

    def call(self, node: ast.AST, function: Callable, *args: object) -> Expr: ...


Handler = Callable[[Builder, ast.Call], Expr]

_ALLOWED_BINARY = (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.Pow, ast.MatMult)
_ALLOWED_COMPARE = (ast.Eq, ast.NotEq, ast.Lt, ast.LtE, ast.Gt, ast.GtE)
_OPERATOR_TEXT = {
    ast.BitXor: "^",
    ast.MatMult: "@",
    ast.Mod: "%",
    ast.FloorDiv: "//",
    ast.LShift: "<<",
    ast.RShift: ">>",
    ast.BitAnd: "&",
    ast.BitOr: "|",
    ast.Not: "not",
    ast.Invert: "~",
    ast.Is: "is",
    ast.IsNot: "is not",
    ast.In: "in",
    ast.NotIn: "not in",
}
_FORBIDDEN = {
    ast.Attribute: "attribute access is not allowed",
    ast.Lambda: "lambda is not allowed",
    ast.ListComp: "comprehensions are not allowed",
    ast.SetComp: "comprehensions are not allowed",
    ast.DictComp: "comprehensions are not allowed",
    ast.GeneratorExp: "comprehensions are not allowed",
    ast.keyword: "keyword arguments are not allowed",
    ast.Starred: "starred arguments are not allowed",
    ast.List: "lists are not allowed (sum limits are written (d, 1, K))",
    ast.Set: "sets are not allowed",
    ast.Dict: "dicts are not allowed",
    ast.JoinedStr: "strings are not allowed",
    ast.IfExp: "conditional expressions are not allowed",
    ast.BoolOp: "'and' / 'or' are not allowed",
    ast.NamedExpr: "':=' is not allowed",
    ast.Slice: "slices are not allowed",
}
# nodes without a position of their own; their parents are judged instead
_AUXILIARY = (ast.Expression, ast.expr_context, ast.operator, ast.unaryop, ast.cmpop)
_PARTS = (ast.comprehension, ast.arguments, ast.arg, ast.FormattedValue)


def _operator_problem(op: ast.AST, allowed: tuple[type, ...]) -> str | None:
    if isinstance(op, allowed):
        return None
    hint = " (write ** for powers)" if isinstance(op, ast.BitXor) else ""
    return f"the operator {_OPERATOR_TEXT.get(type(op), type(op).__name__)} is not allowed{hint}"


def describe_forbidden(node: ast.AST, identifier: re.Pattern[str]) -> str | None:
    """Why ``node`` may not appear in math text, or None if it may."""
    if isinstance(node, _AUXILIARY + _PARTS + (ast.Call, ast.Subscript, ast.Tuple)):
        return None
    if isinstance(node, ast.BinOp):
        return _operator_problem(node.op, _ALLOWED_BINARY)
    if isinstance(node, ast.UnaryOp):
        return _operator_problem(node.op, (ast.USub, ast.UAdd))
    if isinstance(node, ast.Compare):
        for op in node.ops:
            problem = _operator_problem(op, _ALLOWED_COMPARE)
            if problem:
                return problem
        return None
    if isinstance(node, ast.Name):
        if node.id.startswith("__") and node.id.endswith("__"):
            return f"dunder names such as {node.id!r} are not allowed"
        if not identifier.match(node.id):
            return f"name {node.id!r} is not allowed: names are letters, digits and _"
        return None
    if isinstance(node, ast.Constant):
        if isinstance(node.value, (str, bytes)):
            return "strings are not allowed"
        if isinstance(node.value, bool) or not isinstance(node.value, (int, float)):
            return f"{node.value!r} is not allowed (numbers are integers or decimals)"
        return None
    if isinstance(node, ast.Attribute):
        if node.attr in ("T", "I"):  # the transpose A.T and inverse A.I: the attributes there are
            return None
        return f"attribute access ('.{node.attr}') is not allowed"
    return _FORBIDDEN.get(type(node), f"{type(node).__name__} is not allowed")


def _arity(builder: Builder, node: ast.Call, least: int, most: int | None, usage: str) -> None:
    count = len(node.args)
    if count < least or (most is not None and count > most):
        raise builder.error(node, f"wrong number of arguments ({count}): write {usage}")


def _fixed(function: Callable[..., Expr], count: int, usage: str) -> Handler:
    def handler(builder: Builder, node: ast.Call) -> Expr:
        _arity(builder, node, count, count, usage)
        args = [builder.expr(a) for a in node.args]
        if count == 1 and matrices.is_matrix(args[0]):  # exp(Z): of every entry
            return matrices.apply_elementwise(builder, node, function, args[0])
        return builder.call(node, function, *args)

    return handler


def _variadic(function: Callable[..., Expr], usage: str) -> Handler:
    def handler(builder: Builder, node: ast.Call) -> Expr:
        _arity(builder, node, 2, None, usage)
        most = builder.limits.arguments
        if len(node.args) > most:  # SymPy compares the arguments pairwise, with assumptions
            message = f"{len(node.args)} arguments (limit: arguments {most}); nest {usage}"
            raise builder.error(node, message)
        return builder.call(node, function, *[builder.expr(a) for a in node.args])

    return handler


def _limit(builder: Builder, node: ast.AST) -> tuple[Expr, Expr, Expr]:
    if not (isinstance(node, ast.Tuple) and len(node.elts) == 3):
        raise builder.error(node, "a sum limit is (index, lo, hi), e.g. (d, 1, K)")
    index, lo, hi = (builder.expr(e) for e in node.elts)
    if not (isinstance(index, Symbol) and index.is_integer):
        raise builder.error(node.elts[0], "a sum index must be a declared integer index")
    sign = _outside_sign(index, lo, hi)
    if sign:
        name = node.elts[0].id if isinstance(node.elts[0], ast.Name) else "the index"
        message = (
            f"sum index {name!r} is declared {sign}, but this sum may run over values that are"
            " not: declare an index whose range covers the sum's"
        )
        raise builder.error(node.elts[0], message)
    return index, lo, hi


# an index's sign and the ends that keep every value of a sum over lo..hi so: the plain range
# lo..hi, and the reversed one hi + 1..lo - 1 (Karr's convention, derive/checker/sums.py)
_SIGNS = (
    ("positive", lambda lo, hi: (lo.is_positive, (hi + 1).is_positive)),
    ("nonnegative", lambda lo, hi: (lo.is_nonnegative, (hi + 1).is_nonnegative)),
    ("negative", lambda lo, hi: (hi.is_negative, (lo - 1).is_negative)),
    ("nonpositive", lambda lo, hi: (hi.is_nonpositive, (lo - 1).is_nonpositive)),
)


def _outside_sign(index: Symbol, lo: Expr, hi: Expr) -> str | None:
    """The sign the index is declared with (positive for index 1..K) when the sum's range may
    hold values without it: SymPy builds the body under that sign (sqrt(i**2) is i), so a
    sum over -K..K of it would be read as something else (a false line proved)."""
    for sign, ends in _SIGNS:
        if getattr(index, f"is_{sign}") and not all(end is True for end in ends(lo, hi)):
            return sign
    return None


def _sum(builder: Builder, node: ast.Call) -> Expr:
    _arity(builder, node, 2, None, "sum(f, (d, 1, K))")
    limits = [_limit(builder, arg) for arg in node.args[1:]]
    outer = builder.bound  # a sum's own index is never summed again by the convention
    builder.bound = outer | {limit[0] for limit in limits}
    try:
        body = builder.expr(node.args[0])
    finally:
        builder.bound = outer
    built = builder.call(node, sympy.Sum, body, *limits)
    if builder.written:  # SymPy's Sum multiplies its body by 1, which would evaluate it
        written = sympy.Basic.__new__(sympy.Sum, body, *built.limits)
        written.is_commutative = built.is_commutative
        return written
    return built


def _derivative(function: Callable[..., Expr], usage: str) -> Handler:
    """``diff`` (evaluated when the file is loaded) or ``Derivative`` (left to the checker).

    Derivatives of nested functions grow exponentially: nesting is limited (``diff-depth``,
    counted per variable, ``Derivative`` too), and so is the size of what ``diff`` works on and
    of what it produces (``diff-nodes``), before and after the work."""

    def handler(builder: Builder, node: ast.Call) -> Expr:
        _arity(builder, node, 2, None, usage)
        limits, order = builder.limits, len(node.args) - 1
        if builder.diff_depth + order > limits.diff_depth:
            depth = builder.diff_depth + order
            message = f"derivatives nested {depth} deep (limit: diff-depth {limits.diff_depth})"
            raise builder.error(node, message)
        builder.diff_depth += order
        try:
            expr = builder.expr(node.args[0])
            variables = [_variable(builder, arg) for arg in node.args[1:]]
        finally:
            builder.diff_depth -= order
        if any(isinstance(v, MatrixSymbol) for v in variables):
            if len(variables) != 1:
                raise builder.error(node, "one derivative by a matrix at a time: diff(f, W)")
            return matrices.gradient(builder, node, expr, variables[0])
        if function is Derivative:
            return builder.call(node, function, expr, *variables)
        _bounded(builder, node, expr, "differentiates")
        result = builder.call(node, function, expr, *variables)
        _bounded(builder, node, result, "gives")
        return result

    return handler


def _variable(builder: Builder, arg: ast.AST) -> Expr:
    variable = builder.expr(arg)
    if not isinstance(variable, (Symbol, Indexed, MatrixSymbol)):
        raise builder.error(arg, f"cannot differentiate with respect to {variable}")
    return variable


def _bounded(builder: Builder, node: ast.Call, expr: Expr, verb: str) -> None:
    most = builder.limits.diff_nodes
    if tree_size(expr, most) > most:
        message = f"diff {verb} an expression of more than {most} nodes (limit: diff-nodes {most})"
        raise builder.error(node, message)


def _aliases(handler: Handler, *names: str) -> dict[str, Handler]:
    return dict.fromkeys(names, handler)


FUNCTIONS: dict[str, Handler] = {
    "exp": _fixed(sympy.exp, 1, "exp(x)"),
    "log": _fixed(sympy.log, 1, "log(x)"),
    "sqrt": _fixed(sympy.sqrt, 1, "sqrt(x)"),
    "tanh": _fixed(sympy.tanh, 1, "tanh(x)"),
    "Heaviside": _fixed(sympy.Heaviside, 1, "Heaviside(x)"),
    **_aliases(_fixed(sympy.Abs, 1, "abs(x)"), "abs", "Abs"),
    **_aliases(_variadic(sympy.Max, "max(a, b, ...)"), "max", "Max"),
    **_aliases(_variadic(sympy.Min, "min(a, b, ...)"), "min", "Min"),
    **_aliases(_fixed(sympy.KroneckerDelta, 2, "delta(i, j)"), "delta", "KroneckerDelta"),
    **_aliases(_sum, "sum", "Sum"),
    "diff": _derivative(sympy.diff, "diff(E, z[k])"),
    "Derivative": _derivative(Derivative, "Derivative(E, z[k])"),
    **matrices.MATRIX_FUNCTIONS,
}
CONSTANTS: dict[str, Expr] = {"pi": sympy.pi}
RESERVED = frozenset(FUNCTIONS) | frozenset(CONSTANTS)
