"""A restricted parser for math text: SymPy-like syntax in, SymPy objects out, nothing executed.

The text goes through ``ast.parse`` (which only builds a tree, it runs nothing); every node is then
checked against a whitelist, and the tree is walked here to build SymPy objects by hand. Never
eval, exec, compile-and-run or sympify: input such as ``__import__('os').system('x')``, attribute
access, lambdas, comprehensions, strings or dunder names is rejected with its line and column.

Names resolve only through the mapping the caller passes (``names``): a user never reaches a SymPy
or Python name that was not handed over, and the caller decides what the objects are called
internally (the file loader gives them generated names, see derive/sources/toml/file.py).

The syntax (docs/derivation-files.md): numbers, names, ``+ - * / **``, ``z[k]`` and ``W[k, j]``,
calls of ``exp log sqrt abs tanh Heaviside Max Min delta sum diff Derivative`` (with SymPy's
capitalised aliases), and in assumptions the comparisons ``== != < <= > >=`` (chains allowed).

Text is measured against the limits (derive/sources/limits.py) before Python's parser sees it,
and an expression that SymPy evaluates to something undefined (``x/0``, ``log(0)``) is an error
where it is written: a step that is not a number cannot be judged.
"""

from __future__ import annotations

import ast
import re
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from fractions import Fraction

import sympy
from sympy import Add, Basic, Expr, Indexed, IndexedBase, MatrixSymbol, Mul, Pow
from sympy.core.relational import Relational

from derive.sources.einstein import ImpliedSumError, Ranges, implied_sums
from derive.sources.limits import (
    DEFAULT_LIMITS,
    MAX_EXPONENT,
    LoadingLimits,
    large_power,
    power_problem,
    text_problem,
)
from derive.sources.toml import matrices
from derive.sources.toml.grammar import CONSTANTS, FUNCTIONS, describe_forbidden

IDENTIFIER = re.compile(r"[A-Za-z][A-Za-z0-9_]*\Z")
RELATIONS = {
    ast.Eq: sympy.Eq,
    ast.NotEq: sympy.Ne,
    ast.Lt: sympy.Lt,
    ast.LtE: sympy.Le,
    ast.Gt: sympy.Gt,
    ast.GtE: sympy.Ge,
}
# a chain a + b - c (or a * b / c) is built as one Add (Mul) of its operands, the subtracted
# (divided) ones negated (inverted): the same object as building it pair by pair, in linear time
CHAINS = {
    ast.Add: (Add, lambda x: x),
    ast.Sub: (Add, lambda x: -x),
    ast.Mult: (Mul, lambda x: x),
    ast.Div: (Mul, lambda x: Pow(x, -1)),
}
# the same, unevaluated: for display (parse_written)
WRITTEN = {
    ast.Add: (Add, lambda x: x),
    ast.Sub: (Add, lambda x: Mul(-1, x, evaluate=False)),
    ast.Mult: (Mul, lambda x: x),
    ast.Div: (Mul, lambda x: Pow(x, -1, evaluate=False)),
}
UNDEFINED = frozenset({sympy.zoo, sympy.nan, sympy.oo, -sympy.oo})
Implied = tuple[Ranges, frozenset]  # the summation convention: index ranges, indices never summed


class ParseError(ValueError):
    """Bad input text, with its position: 1-based line and column, and the file if known."""

    def __init__(self, message: str, line: int = 1, column: int = 1, path: str = "") -> None:
        super().__init__(message)
        self.message, self.line, self.column, self.path = message, line, column, path
        self.more: tuple[ParseError, ...] = ()  # the file's further errors, in file order

    @property
    def errors(self) -> tuple[ParseError, ...]:
        """Every error found in the file: this one, then the others (a report lists all)."""
        return (self, *self.more)

    def at(self, path: str, line: int, column: int) -> ParseError:
        """The same error at another position (the file's, not the expression's)."""
        return ParseError(self.message, line, column, path)

    def __str__(self) -> str:
        if self.path:
            return f"{self.path}:{self.line}:{self.column}: {self.message}"
        return f"line {self.line}, column {self.column}: {self.message}"


@dataclass(frozen=True)
class Template:
    """A name that takes arguments: an array ``W[k, j]``, or a definition ``a[k]``, ``sigma(u)``.

    Attributes:
        name: the name as written.
        arity: how many arguments it takes (None: any number, for a bare IndexedBase).
        build: the arguments (SymPy expressions) -> the expression.
        call: True if it is used as ``name(...)``, False if as ``name[...]``.
    """

    name: str
    arity: int | None
    build: Callable[[tuple[Expr, ...]], Expr]
    call: bool = False


def parse_expr(
    text: str,
    names: Mapping[str, object] | None = None,
    *,
    limits: LoadingLimits = DEFAULT_LIMITS,
    layout: str = "denominator",
    implied: Implied | None = None,
) -> Expr:
    """Parse math text into a SymPy expression, without evaluating any code.

    Args:
        text: e.g. ``"-sum(t[d] * log(a[d]), (d, 1, K))"``; may span lines.
        names: what the names mean: SymPy symbols, numbers or expressions, ``IndexedBase``
            arrays, or :class:`Template` objects. Nothing else is visible.
        limits: the length, depth, digits and ``diff`` limits the text must keep.
        layout: the layout of a gradient by a matrix (``grad(f, W)``, ``diff(f, W)``):
            "denominator" (W's shape) or "numerator" (W^T's).
        implied: the summation convention, (index -> (lo, hi), indices never summed): a
            repeated index of a product is summed (``derive.sources.einstein``). None: not.

    Returns:
        The SymPy expression (``diff`` is evaluated, ``Derivative`` is not).

    Raises:
        ParseError: syntax errors, forbidden constructs, unknown names, wrong arguments, an
            exceeded limit, an undefined value (``x/0``); ``line`` and ``column`` point into
            ``text``.

    >>> from sympy import Symbol
    >>> parse_expr("log(exp(x)) + 1/2", {"x": Symbol("x", real=True)})
    x + 1/2
    """
    builder = _Builder(names or {}, limits, *_tree(text, limits), layout, implied)
    return builder.build(relations=False)


def parse_written(text: str, names: Mapping[str, object] | None = None) -> Expr:
    """``text`` as written, for display only: sums and products unevaluated, in the order
    written (``y - t``, not SymPy's ``-t + y``). Never check what this returns.

    SymPy's ``evaluate(False)`` context is not used: SymPy's cache would hand unevaluated
    objects to later checks (and evaluated ones to this display), its key does not include it.
    """
    return _Builder(names or {}, DEFAULT_LIMITS, *_tree(text, DEFAULT_LIMITS), written=True).build(
        relations=False
    )


def parse_relations(
    text: str,
    names: Mapping[str, object] | None = None,
    *,
    limits: LoadingLimits = DEFAULT_LIMITS,
    layout: str = "denominator",
    implied: Implied | None = None,
) -> tuple[Relational, ...]:
    """Parse an assumption: one comparison, or a chain ``1 <= k <= K`` (two relations).

    Relations that SymPy decides when they are built come back as ``sympy.true`` or
    ``sympy.false`` entries; the caller decides what to do with them. Raises ParseError.
    """
    builder = _Builder(names or {}, limits, *_tree(text, limits), layout, implied)
    return builder.build(relations=True)


@dataclass(frozen=True)
class _Source:
    """What maps a node's position in the parsed source back to the text as given."""

    lines: list[bytes]
    skipped: str
    indent: int

    def position(self, node: ast.AST) -> tuple[int, int]:
        """1-based (line, column) of ``node`` in the text as given (ast counts UTF-8 bytes)."""
        line = getattr(node, "lineno", 1)
        prefix = self.lines[line - 1][: getattr(node, "col_offset", 0)]
        return _shift(line, len(prefix.decode(errors="replace")) + 1, self.skipped, self.indent)


def _measure(text: str, limits: LoadingLimits) -> None:
    """Raise a ParseError at the place where ``text`` exceeds a limit, before any parsing."""
    if len(text) > limits.expression_chars:
        chars = limits.expression_chars
        raise ParseError(f"expression longer than {chars} characters (limit: expression-chars)")
    problem = text_problem(text, limits)
    if problem:
        message, offset = problem
        start = text.rfind("\n", 0, offset) + 1
        raise ParseError(message, text.count("\n", 0, offset) + 1, offset - start + 1)


def _tree(text: str, limits: LoadingLimits) -> tuple[ast.Expression, _Source]:
    """Parse ``text`` with Python's parser, after measuring it; the tree, and how its
    positions map back to ``text``."""
    if not isinstance(text, str):
        raise TypeError(f"expected text, got {type(text).__name__}")
    _measure(text, limits)
    body = text.lstrip()
    skipped = text[: len(text) - len(body)]
    first_line_indent = len(skipped) - (skipped.rfind("\n") + 1)
    # a line break inside an expression is a continuation, as inside parentheses
    source = body.rstrip().replace("\n", " \\\n")
    if not source:
        raise ParseError("empty expression", *_shift(1, 1, skipped, first_line_indent))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # SyntaxWarnings must not become errors in pytest
            tree = ast.parse(source, mode="eval")
    except SyntaxError as error:
        line = error.lineno or 1
        lines = source.split("\n")
        line_text = lines[min(line, len(lines)) - 1].removesuffix(" \\")
        column = error.offset if error.offset and error.offset >= 1 else len(line_text) + 1
        message = error.msg.split(" (")[0] if error.msg.startswith("invalid") else error.msg
        raise ParseError(message, *_shift(line, column, skipped, first_line_indent)) from None
    except ValueError as error:  # null bytes
        raise ParseError(f"cannot parse: {error}") from None
    except (MemoryError, RecursionError):  # nesting that _measure did not foresee
        message = "too deeply nested or too long a chain for Python's parser"
        raise ParseError(
            f"{message} (limits: depth {limits.depth}, terms {limits.terms})"
        ) from None
    source_map = _Source([line.encode() for line in source.split("\n")], skipped, first_line_indent)
    _screen(tree, source_map)
    return tree, source_map


def _shift(line: int, column: int, skipped: str, indent: int) -> tuple[int, int]:
    """A position in the stripped source -> the same position in the text as given."""
    return line + skipped.count("\n"), column + (indent if line == 1 else 0)


def _screen(tree: ast.Expression, source: _Source) -> None:
    """Reject the first forbidden node (in reading order) before anything is built."""
    problems = []
    for node in ast.walk(tree):
        problem = describe_forbidden(node, IDENTIFIER)
        if problem:
            problems.append((source.position(node), problem))
    if problems:
        # the first in reading order; at a tie the innermost node (ast.walk goes outside in),
        # so `__import__('os').system` is reported for its dunder name, not the attribute
        (line, column), problem = min(reversed(problems), key=lambda p: p[0])
        raise ParseError(problem, line, column)


class _Builder:
    """Walks a screened tree into SymPy objects; only ``names`` and FUNCTIONS are visible."""

    def __init__(
        self,
        names: Mapping[str, object],
        limits: LoadingLimits,
        tree: ast.Expression,
        source: _Source,
        layout: str = "denominator",
        implied: Implied | None = None,
        written: bool = False,
    ) -> None:
        self.names, self.limits, self.tree, self.source = names, limits, tree, source
        self.layout = layout  # of a gradient by a matrix (matrices.gradient)
        self.implied = implied  # the summation convention, when the file says so
        self.written = written  # build unevaluated, as written (parse_written)
        self.diff_depth = 0  # derivatives being built around the current node (grammar.py)
        self.bound: frozenset = frozenset()  # indices of the explicit sums around it

    def summed(self, node: ast.AST, term: Expr) -> Expr:
        """A product (or an element) with its repeated indices summed, under the convention."""
        if self.implied is None or not isinstance(term, (Mul, Indexed)):
            return term
        ranges, free = self.implied
        try:
            return implied_sums(term, ranges, free | self.bound)
        except ImpliedSumError as error:
            raise self.error(node, str(error)) from None

    def error(self, node: ast.AST, message: str) -> ParseError:
        """A ParseError at ``node``'s place in the text (positions are found only for errors)."""
        return ParseError(message, *self.source.position(node))

    def build(self, *, relations: bool) -> object:
        node = self.tree.body
        try:
            if not relations:
                return self.expr(node)
            if not isinstance(node, ast.Compare):
                raise self.error(node, "an assumption must be a relation, e.g. a == b or k <= K")
            return self.relations(node)
        except RecursionError:  # not expected within the depth limit; never a traceback
            depth = self.limits.depth
            raise self.error(node, f"too deeply nested (limit: depth {depth})") from None

    def relations(self, node: ast.Compare) -> tuple[Basic, ...]:
        sides = [self.expr(node.left)] + [self.expr(c) for c in node.comparators]
        return tuple(
            self.call(node, RELATIONS[type(op)], left, right)
            for op, left, right in zip(node.ops, sides, sides[1:], strict=False)
        )

    def expr(self, node: ast.AST) -> Expr:
        if isinstance(node, ast.Constant):
            return self.number(node)
        if isinstance(node, ast.Name):
            return self.name(node)
        if isinstance(node, ast.UnaryOp):
            operand = self.expr(node.operand)
            if not isinstance(node.op, ast.USub):
                return operand
            return Mul(-1, operand, evaluate=False) if self.written else -operand
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Pow):
            return self.power(node, self.expr(node.left), self.expr(node.right))
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.MatMult):
            return matrices.product(self, node, self.expr(node.left), self.expr(node.right))
        if isinstance(node, ast.BinOp):
            return self.chain(node)
        if isinstance(node, ast.Attribute):  # A.T and A.I, the attributes the screen lets through
            value = self.expr(node.value)
            what = "a transpose" if node.attr == "T" else "an inverse"
            if not matrices.is_matrix(value):
                raise self.error(node, f"{what} of a number ({value}) is not a matrix")
            if node.attr == "I":
                return matrices.power(self, node, value, sympy.Integer(-1))
            return matrices.checked(self, node, lambda: value.T)
        if isinstance(node, ast.Subscript):
            return self.subscript(node)
        if isinstance(node, ast.Call):
            return self.function(node)
        if isinstance(node, ast.Compare):
            raise self.error(node, "comparisons are only allowed in assumptions")
        raise self.error(node, "a tuple is only allowed as sum limits: sum(f, (index, lo, hi))")

    def chain(self, node: ast.BinOp) -> Expr:
        """``a + b - c`` or ``a * b / c``: Python's left-deep tree, walked in a loop (recursion
        would exhaust the stack on a long sum) and built as one Add or Mul."""
        combine = CHAINS[type(node.op)][0]
        links = []
        while isinstance(node, ast.BinOp) and CHAINS.get(type(node.op), (None,))[0] is combine:
            links.append(node)
            node = node.left
        operands = [self.expr(node)]
        for link in reversed(links):
            operand = self.expr(link.right)
            if isinstance(link.op, ast.Div) and operand == 0:
                raise self.error(link, "division by zero")
            if isinstance(link.op, ast.Div) and matrices.is_matrix(operand):
                raise self.error(link, "a division by a matrix: write A**-1 or inv(A)")
            how = (WRITTEN if self.written else CHAINS)[type(link.op)][1]
            operands.append(self.call(link, how, operand))
        if any(matrices.is_matrix(o) for o in operands):
            kind = "add" if combine is Add else "mul"
            return matrices.combine(self, links[-1], kind, operands)
        if self.written:
            return self.call(links[-1], lambda *args: combine(*args, evaluate=False), *operands)
        result = self.call(links[-1], combine, *operands)
        if combine is Mul and large_power(result):  # x**999 * x**999 is x**1998
            raise self.error(links[-1], f"a power above {MAX_EXPONENT} is not built")
        return self.summed(links[-1], result)

    def call(self, node: ast.AST, function: Callable, *args: object) -> Expr:
        """Run a SymPy constructor; SymPy's own exceptions, and an undefined result (``zoo``,
        ``nan``, an infinity: from ``log(0)``, say), become positioned ParseErrors."""
        try:
            result = function(*args)
        except ParseError:
            raise
        except Exception as error:  # SymPy raises many kinds on odd input
            raise self.error(node, f"{type(error).__name__}: {error}") from None
        if isinstance(result, Basic) and (
            result in UNDEFINED or any(arg in UNDEFINED for arg in result.args)
        ):
            raise self.error(node, f"undefined: SymPy evaluates this to {_undefined(result)}")
        return result

    def number(self, node: ast.Constant) -> Expr:
        value = node.value
        if isinstance(value, int) and not isinstance(value, bool):
            return sympy.Integer(value)
        if isinstance(value, float) and value in (float("inf"), float("-inf")):
            raise self.error(node, "number too large")
        if isinstance(value, float) and value == value:
            exact = Fraction(repr(value))  # the decimal as written: 0.1 is 1/10, not a binary float
            return sympy.Rational(exact.numerator, exact.denominator)
        message = f"{value!r} is not a number this syntax accepts (integers, decimals)"
        raise self.error(node, message)

    def name(self, node: ast.Name) -> Expr:
        value = self.lookup(node, node.id)
        if isinstance(value, (Template, IndexedBase)):
            brackets = "(...)" if isinstance(value, Template) and value.call else "[...]"
            raise self.error(node, f"{node.id!r} takes arguments: write {node.id}{brackets}")
        return value

    def lookup(self, node: ast.AST, name: str) -> object:
        if name in self.names:
            value = self.names[name]
            return (
                value
                if isinstance(value, (Template, IndexedBase, MatrixSymbol))
                else sympy.S(value)
            )
        if name in CONSTANTS:
            return CONSTANTS[name]
        if name in FUNCTIONS:
            raise self.error(node, f"{name!r} is a function: write {name}(...)")
        raise self.error(node, f"unknown name {name!r}")

    def power(self, node: ast.BinOp, base: Expr, exponent: Expr) -> Expr:
        if matrices.is_matrix(base) and not matrices.is_matrix(exponent):
            return matrices.power(self, node, base, exponent)
        if matrices.is_matrix(exponent):
            raise self.error(node, "a matrix cannot be an exponent")
        problem = power_problem(base, exponent)
        if problem:
            raise self.error(node, problem)
        if self.written:
            return self.call(node, lambda b, e: Pow(b, e, evaluate=False), base, exponent)
        return self.call(node, sympy.Pow, base, exponent)

    def subscript(self, node: ast.Subscript) -> Expr:
        if not isinstance(node.value, ast.Name):
            raise self.error(node, "only a name can take subscripts, e.g. z[k] or W[k, j]")
        target = self.lookup(node.value, node.value.id)
        items = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
        indices = tuple(self.expr(item) for item in items)
        for item, index in zip(items, indices, strict=True):
            if index.is_integer is False:
                raise self.error(item, f"an index must be an integer, got {index}")
        if isinstance(target, IndexedBase):
            return self.summed(node, self.call(node, target.__getitem__, indices))
        if matrices.is_matrix(target):  # a matrix, or a definition that is one: its entry
            return matrices.entry(self, node, target, indices)
        if isinstance(target, Template) and not target.call:
            return self.apply(node, target, indices)
        if isinstance(target, Template):
            raise self.error(
                node, f"{target.name!r} takes arguments, not subscripts: {target.name}(...)"
            )
        raise self.error(node, f"{node.value.id!r} takes no subscripts")

    def apply(self, node: ast.AST, target: Template, args: tuple[Expr, ...]) -> Expr:
        if target.arity is not None and len(args) != target.arity:
            what = "subscript" if not target.call else "argument"
            plural = "" if target.arity == 1 else "s"
            raise self.error(
                node, f"{target.name!r} takes {target.arity} {what}{plural}, not {len(args)}"
            )
        result = self.call(node, target.build, args)
        if result.has(*UNDEFINED):  # a definition instantiated at a point where it is undefined
            raise self.error(node, f"undefined: SymPy evaluates this to {_undefined_in(result)}")
        return result

    def function(self, node: ast.Call) -> Expr:
        if not isinstance(node.func, ast.Name):
            raise self.error(node, "only named functions can be called, e.g. exp(x)")
        name = node.func.id
        if name in self.names:
            target = self.names[name]
            if isinstance(target, Template) and target.call:
                args = tuple(self.expr(a) for a in node.args)
                if len(args) == 1 and matrices.is_matrix(args[0]):  # sigma(Z): every entry
                    build = target.build
                    return matrices.apply_elementwise(self, node, lambda u: build((u,)), args[0])
                return self.apply(node, target, args)
            raise self.error(node, f"{name!r} is not a function")
        if name not in FUNCTIONS:
            raise self.error(node.func, f"unknown function {name!r}")
        return FUNCTIONS[name](self, node)


def _undefined(result: Basic) -> str:
    found = result if result in UNDEFINED else next(a for a in result.args if a in UNDEFINED)
    return _describe(found)


def _undefined_in(result: Basic) -> str:
    return _describe(next(a for a in sympy.preorder_traversal(result) if a in UNDEFINED))


def _describe(found: Basic) -> str:
    names = {sympy.zoo: "zoo (complex infinity, as for 1/0 or log(0))", sympy.nan: "nan"}
    return names.get(found, str(found))
