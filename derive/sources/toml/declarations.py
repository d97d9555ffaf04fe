"""A derivation file's names: declared symbols, index ranges and definitions.

Every name a user declares gets a generated SymPy name (``s0``, ``s1``, ...): the user's text is
never used as a SymPy name, so it can never reach code printed from an expression (lambdify
prints symbol names into source it executes). ``show`` maps back to the user's names, for
display only.
"""

from __future__ import annotations

import keyword
import re
from collections.abc import Callable, Mapping

import sympy
from sympy import Basic, Expr, Function, IndexedBase, Integer, MatrixSymbol, Sum, Symbol
from sympy.matrices.expressions import MatrixExpr

from derive.checker.matrix.shapes import ShapeProblem, check_size
from derive.sources.toml.grammar import RESERVED
from derive.sources.toml.parse import IDENTIFIER, Template
from derive.sources.toml.spans import Region

DOMAINS: dict[str, dict[str, bool]] = {
    word: {word: True}
    for word in ("real", "positive", "nonnegative", "negative", "nonpositive", "nonzero", "integer")
}
DOMAINS["complex"] = {"complex": True}
_BOUND = r"-?\w+(?:\s*[-+]\s*\d+)?"  # a number, a size, or a size plus or minus a number
_INDEX = re.compile(rf"index\s+({_BOUND})\s*\.\.\s*({_BOUND})\Z")
_ARRAY = re.compile(r"([^\[\]]*?)\s*(?:\[([^\[\]]*)\])?\s*([^\[\]]*)\Z")
# a word beside the domain that marks per-example data (derive emit gives it a batch axis)
DATA = "data"
_DEFINITION = re.compile(r"([A-Za-z]\w*)\s*(?:\[([^\[\]]*)\]|\(([^()]*)\))?\Z")
_GENERATED = re.compile(r"\bs\d+\b")
_MATRIX = re.compile(r"(?:real\s+)?(matrix|row\s+vector|vector)\s+(\S+?)(?:\s*[x×]\s*(\S+))?\Z")

Fail = Callable[..., Exception]
Parse = Callable[..., object]


class Namespace:
    """What the names of one file mean, and how to show expressions in those names."""

    def __init__(self, fail: Fail, parse: Parse) -> None:
        self._fail, self._parse = fail, parse
        self.names: dict[str, object] = {}  # user name -> what the parser builds for it
        self.abbreviations: dict[Basic, Basic] = {}  # a definition's expansion -> its name
        self._display: dict[Basic, Basic] = {}  # generated symbol or array -> user-named one
        self._functions: dict[type, type] = {}
        self._user_names: dict[str, str] = {}  # generated name -> user name
        self._ranges: dict[Symbol, tuple[Basic, ...]] = {}
        self.bounds: dict[Symbol, tuple[Basic, Basic]] = {}  # index -> (lo, hi)
        self._order: dict[Symbol, int] = {}  # index -> its place among the declared indices
        self.data: set[Basic] = set()  # symbols and arrays marked "data" (per example)
        # [define] entries as written: (name, parameters, takes arguments, body text), in order
        self.definitions: list[tuple[str, tuple[str, ...], bool, str]] = []

    def _generated(self, user_name: str) -> str:
        name = f"s{len(self._user_names)}"
        self._user_names[name] = user_name
        return name

    def show(self, expr: Basic) -> Basic:
        """``expr`` with definitions abbreviated and the user's names, for display only."""
        shown = expr.xreplace(self.abbreviations)
        if self._functions:  # one pass, however many function-like definitions there are
            functions = self._functions
            shown = shown.replace(
                lambda e: type(e) in functions, lambda e: functions[type(e)](*e.args)
            )
        return shown.xreplace(self._display)

    def show_text(self, text: str) -> str:
        """Generated names in ``text`` (a verdict's method, say) replaced by the user's."""
        return _GENERATED.sub(lambda m: self._user_names.get(m.group(), m.group()), text)

    def ranges(self, *exprs: Basic) -> tuple[Basic, ...]:
        """The range relations (k <= K) of the declared indices free in ``exprs``, in the order
        the indices were declared (looked up per free symbol: a file may declare many)."""
        free = set().union(*(e.free_symbols for e in exprs))
        indices = sorted((self._order[s], s) for s in free if s in self._ranges)
        return tuple(r for _, index in indices for r in self._ranges[index])

    def _name(self, key: str, region: Region, what: str) -> None:
        if keyword.iskeyword(key):  # `lambda x: ...` is Python syntax: the name could not be used
            message = f"{what} {key!r}: {key!r} is a reserved word (a Python keyword)"
            raise self._fail(message, region, key)
        if not IDENTIFIER.match(key):
            raise self._fail(f"{what} {key!r}: names are letters, digits and _", region, key)
        if key in RESERVED:
            raise self._fail(f"{what} {key!r}: the name is taken by a function", region, key)
        if key in self.names:
            raise self._fail(f"{what} {key!r} is declared twice", region, key)

    def declare(self, table: Mapping[str, object], region: Region) -> None:
        """The [symbols] table: sizes and domains first, then the index ranges using them."""
        for key, value in table.items():
            if not _is_index(value):
                self._name(key, region, "symbol")
                self.names[key] = self._declare(key, value, region, table)
        for key, value in table.items():
            if _is_index(value):
                self._name(key, region, "symbol")
                self.names[key] = self._index(key, value, region)

    def _declare(self, key: str, value: object, region: Region, table: Mapping) -> object:
        if isinstance(value, int) and not isinstance(value, bool):
            return Integer(value)  # a concrete size: K = 3
        if not isinstance(value, str):
            raise self._fail(f'symbol {key!r}: write a domain such as "real"', region, key)
        if _MATRIX.match(value.strip()):
            return self._matrix(key, value.strip(), region, table)
        words_text, shape, after = _ARRAY.match(value.strip()).groups()
        words = [w for w in re.split(r"[\s,]+", f"{words_text} {after}") if w]
        data = DATA in words
        words = [w for w in words if w != DATA]
        unknown = [w for w in words if w not in DOMAINS]
        if unknown or not words:
            known = ", ".join(DOMAINS)
            raise self._fail(f"symbol {key!r}: unknown domain {value!r} (use {known})", region, key)
        assumptions = {k: v for w in words for k, v in DOMAINS[w].items()}
        rank = None if shape is None else self._rank(key, shape, region, table)
        try:
            if rank is None:
                symbol = Symbol(self._generated(key), **assumptions)
                self._display[symbol] = Symbol(key)
                if data:
                    self.data.add(symbol)
                return symbol
            base = IndexedBase(self._generated(key), **assumptions)
        except Exception as error:  # InconsistentAssumptions: "positive negative"
            raise self._fail(f"symbol {key!r}: {error}", region, key) from None
        self._display[base] = IndexedBase(key)
        if data:
            self.data.add(base)
        return Template(key, rank, lambda indices: base[indices])

    def _matrix(self, key: str, value: str, region: Region, table: Mapping) -> MatrixSymbol:
        """``"matrix m x n"``, ``"vector n"`` (a column), ``"row vector n"``: real entries."""
        kind, first, second = _MATRIX.match(value).groups()
        if (kind == "matrix") != (second is not None):
            usage = '"matrix m x n"' if kind == "matrix" else f'"{kind} n"'
            raise self._fail(f"symbol {key!r}: write {usage}", region, key)
        sizes = [self._size(key, text, region, table) for text in (first, second) if text]
        rows, cols = sizes if kind == "matrix" else [sizes[0], 1]
        if kind != "matrix" and kind != "vector":  # a row vector
            rows, cols = 1, sizes[0]
        symbol = MatrixSymbol(self._generated(key), rows, cols)
        shown = [self._display.get(d, d) if isinstance(d, Basic) else d for d in (rows, cols)]
        self._display[symbol] = MatrixSymbol(key, *shown)
        return symbol

    def _size(self, key: str, text: str, region: Region, table: Mapping) -> Basic:
        if text.isdigit():
            try:
                check_size(Integer(int(text)), MatrixSymbol(key, 1, 1))
            except ShapeProblem as problem:
                raise self._fail(f"symbol {key!r}: {problem}", region, key) from None
            return Integer(int(text))
        value = self.names.get(text)
        if isinstance(value, Basic) and value.is_integer and (value.is_Symbol or value.is_Integer):
            return value
        if text in table and text not in self.names:
            message = f"symbol {key!r}: size {text!r} is declared after it"
        else:
            message = f"symbol {key!r}: size {text!r} is neither a number nor a declared integer"
        raise self._fail(message, region, key)

    def _rank(self, key: str, shape: str, region: Region, table: Mapping) -> int:
        sizes = [s.strip() for s in shape.split(",")]
        for size in sizes:
            if not (size.isdigit() or size in table):
                message = f"symbol {key!r}: size {size!r} is neither a number nor a declared symbol"
                raise self._fail(message, region, key)
        return len(sizes)

    def _index(self, key: str, value: str, region: Region) -> Symbol:
        found = _INDEX.match(value.strip())
        if not found:
            usage = 'write "index LO..HI", e.g. "index 1..K" or "index 0..K-1"'
            raise self._fail(f"index {key!r}: {usage}", region, key)
        lo, hi = (self._bound(key, text, region) for text in found.groups())
        assumptions = {"integer": True}
        if lo.is_Integer and lo >= 0:
            assumptions["positive" if lo >= 1 else "nonnegative"] = True
        index = Symbol(self._generated(key), **assumptions)
        relations = [sympy.Le(index, hi)]
        if not (lo.is_Integer and lo in (0, 1)):
            relations.insert(0, sympy.Ge(index, lo))
        if any(r == sympy.false for r in relations):
            raise self._fail(f"index {key!r}: the range {value!r} is empty", region, key)
        self._ranges[index] = tuple(r for r in relations if r != sympy.true)
        self.bounds[index] = (lo, hi)
        self._order[index] = len(self._order)
        self._display[index] = Symbol(key)
        return index

    def _bound(self, key: str, text: str, region: Region) -> Expr:
        """``3``, ``K``, or ``K - 1`` / ``K + 1`` (a zero-based range: ``index 0..K-1``)."""
        if re.fullmatch(r"-?\d+", text):
            return Integer(int(text))
        name, sign, number = re.fullmatch(r"(\S+?)\s*(?:([-+])\s*(\d+))?", text).groups()
        value = self.names.get(name)
        if isinstance(value, Basic) and value.is_integer and not name.startswith("-"):
            return value + (int(number) if sign == "+" else -int(number)) if sign else value
        message = (
            f"index {key!r}: bound {text!r} must be a number, a declared integer size, or a size "
            "plus or minus a number (K - 1)"
        )
        raise self._fail(message, region, key)

    def define(self, table: Mapping[str, object], region: Region) -> None:
        """The [define] table, in order: ``E = "..."``, ``"a[i]" = "..."``, ``"f(u)" = "..."``."""
        for key, text in table.items():
            found = _DEFINITION.match(key.strip())
            if not found:
                message = f'definition {key!r}: write NAME, "NAME[i, j]" or "NAME(u)"'
                raise self._fail(message, region, key)
            name, subscripts, arguments = found.groups()
            self._name(name, region, "definition")
            call = arguments is not None
            params = [p.strip() for p in (arguments if call else subscripts or "").split(",")]
            params = [p for p in params if p] if (subscripts or call) else []
            for param in params:
                if not IDENTIFIER.match(param) or params.count(param) > 1 or param in RESERVED:
                    raise self._fail(f"definition {key!r}: bad parameter {param!r}", region, key)
            # subscripts are integers; arguments of a function-like definition are anything
            assumptions = {} if call else {"integer": True}
            holders = [Symbol(self._generated(p), **assumptions) for p in params]
            scope = {**self.names, **dict(zip(params, holders, strict=True))}
            body = self._parse(text, region, key, names=scope)
            self.definitions.append((name, tuple(params), call, text))
            self.names[name] = self._definition(name, body, holders, call) if params else body
            if not params and not body.is_Atom:
                self.abbreviations[body] = self._label(name, body)

    def _label(self, name: str, body: Basic) -> Basic:
        """The name that shows a definition's expansion: a matrix for a matrix (it stands
        inside matrix expressions), else a symbol."""
        if isinstance(body, MatrixExpr):
            label = MatrixSymbol(self._generated(name), *body.shape)
            shown = [self._display.get(d, d) for d in body.shape]
            self._display[label] = MatrixSymbol(name, *shown)
            return label
        label = Symbol(self._generated(name))
        self._display[label] = Symbol(name)
        return label

    def _definition(self, name: str, body: Expr, holders: list[Symbol], call: bool) -> Template:
        if call:
            generated = Function(self._generated(name))
            self._functions[generated] = Function(name)
        else:
            generated = IndexedBase(self._generated(name))
            self._display[generated] = IndexedBase(name)

        def build(args: tuple[Expr, ...]) -> Expr:
            result = self._instantiate(body, holders, args)
            self.abbreviations[result] = generated(*args) if call else generated[args]
            return result

        return Template(name, len(holders), build, call)

    def _instantiate(self, body: Expr, holders: list[Symbol], args: tuple[Expr, ...]) -> Expr:
        """``body`` with the parameters replaced; a sum index that an argument uses is renamed
        first, so ``a[c]`` with ``a[i] = exp(z[i]) / sum(exp(z[c]), (c, 1, K))`` stays right."""
        clash = set().union(*(a.free_symbols for a in args))

        def rename(s: Sum) -> Sum:
            return s.xreplace({v: self._fresh(v) for v, *_ in s.limits if v in clash})

        body = body.replace(
            lambda e: isinstance(e, Sum) and any(v in clash for v, *_ in e.limits), rename
        )
        return body.xreplace(dict(zip(holders, args, strict=True)))

    def _fresh(self, index: Symbol) -> Symbol:
        user = self._user_names.get(index.name, index.name) + "'"
        fresh = Symbol(self._generated(user), **index.assumptions0)
        self._display[fresh] = Symbol(user)
        return fresh


def _is_index(value: object) -> bool:
    return isinstance(value, str) and value.split()[:1] == ["index"]
