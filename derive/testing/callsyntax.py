"""The restricted call syntax of ``--init``, ``--set``, ``--before``, ``--arg`` and ``--result``.

Real code is checked as it is written: a layer built with ``Dense(4, 3)``, weights stored with
``params["W1"] = ...``, ``forward(X)`` run before ``backward(dvalues)``, probabilities taken from
``softmax_loss(scores, target)[1]``, the gradient read from ``self.dinputs``. These small
expressions come from the command line, so they are parsed by the grammar below and never
given to Python's ``eval``: names, attributes, subscripts, literals (numbers, strings, True,
False, None, tuples, lists, dicts), calls with positional and keyword arguments, and nothing
else. An
attribute starting with two underscores is refused (no way out to ``__globals__`` or
``__class__``). The child evaluates the tree (:mod:`derive.testing.scope`); what a name means
there is documented in docs/check-code.md.

A tree is plain JSON data, so it crosses to the child as it is:

    ["name", "X"]  ["const", 1.5]  ["attr", tree, "dinputs"]  ["item", tree, tree]
    ["call", tree, [trees], [["reg", tree], ...]]  ["tuple", [trees]]  ["list", [trees]]
    ["dict", [[key tree, value tree], ...]]
"""

from __future__ import annotations

import ast
import functools

from lark import Lark, Token, Transformer, v_args
from lark.exceptions import LarkError

MAX_TEXT = 1000  # characters of one expression
MAX_DEPTH = 32  # brackets nested

_GRAMMAR = r"""
?start: expr
assignment: expr "=" expr

?expr: "-" NUMBER                      -> negative
     | postfix

?postfix: primary
        | postfix "." NAME             -> attr
        | postfix "[" subscript "]"    -> item
        | postfix "(" [arguments] ")"  -> call

?primary: NAME                         -> name
        | NUMBER                       -> number
        | STRING                       -> string
        | "(" expr ")"
        | "(" ")"                      -> empty_tuple
        | "(" expr "," [items] ")"     -> tuple
        | "[" [items] "]"              -> list
        | "{" [pairs] "}"              -> dict

?subscript: expr
          | expr "," [items]           -> tuple

items: expr ("," expr)* ","?
pairs: pair ("," pair)* ","?
pair: expr ":" expr
arguments: argument ("," argument)* ","?
?argument: expr
         | NAME "=" expr               -> keyword

NAME: /[^\W\d]\w*/
NUMBER: /(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?/
STRING: /'[^'\\\n]*(\\.[^'\\\n]*)*'/ | /"[^"\\\n]*(\\.[^"\\\n]*)*"/
%import common.WS
%ignore WS
"""

CONSTANTS = {"True": True, "False": False, "None": None}


class SyntaxProblem(ValueError):
    """The text is not an expression of the restricted call syntax."""


@v_args(inline=True)
class _Tree(Transformer):
    def name(self, token: Token) -> list:
        text = str(token)
        return ["const", CONSTANTS[text]] if text in CONSTANTS else ["name", text]

    def number(self, token: Token) -> list:
        return ["const", _number(str(token))]

    def negative(self, token: Token) -> list:
        return ["const", -_number(str(token))]

    def string(self, token: Token) -> list:
        return ["const", ast.literal_eval(str(token))]  # a quoted literal only: the regex above

    def attr(self, base: list, token: Token) -> list:
        name = str(token)
        if name.startswith("__"):
            raise SyntaxProblem(f"the attribute {name!r} is not allowed (no dunder attributes)")
        return ["attr", base, name]

    def item(self, base: list, index: list) -> list:
        return ["item", base, index]

    def call(self, function: list, arguments: list | None = None) -> list:
        positional, keywords = [], []
        for argument in arguments or []:
            if argument[0] == "keyword":
                keywords.append([argument[1], argument[2]])
            elif keywords:
                raise SyntaxProblem("a positional argument after a keyword argument")
            else:
                positional.append(argument)
        return ["call", function, positional, keywords]

    def keyword(self, token: Token, value: list) -> list:
        return ["keyword", str(token), value]

    def empty_tuple(self) -> list:
        return ["tuple", []]

    def tuple(self, first: list, rest: list | None = None) -> list:
        return ["tuple", [first, *(rest or [])]]

    def list(self, items: list | None = None) -> list:
        return ["list", items or []]

    def items(self, *trees: list) -> list:
        return list(trees)

    def dict(self, pairs: list | None = None) -> list:
        return ["dict", pairs or []]

    def pairs(self, *trees: list) -> list:
        return list(trees)

    def pair(self, key: list, value: list) -> list:
        return [key, value]

    def arguments(self, *trees: list) -> list:
        return list(trees)

    def assignment(self, target: list, value: list) -> list:
        return ["assign", target, value]


def _number(text: str) -> int | float:
    if any(ch in text for ch in ".eE"):
        return float(text)
    if len(text) > 30:
        raise SyntaxProblem(f"the number {text[:12]}... is too long")
    return int(text)


@functools.lru_cache(maxsize=1)
def _parser() -> Lark:
    return Lark(_GRAMMAR, parser="lalr", start=["start", "assignment"])


def _parse(text: str, start: str, limit: int = MAX_TEXT, nesting: int = MAX_DEPTH) -> list:
    if not isinstance(text, str) or not text.strip():
        raise SyntaxProblem("an empty expression")
    if len(text) > limit:
        raise SyntaxProblem(f"an expression of {len(text)} characters (at most {limit})")
    depth = 0
    for ch in text:  # before the parser: its tree is walked recursively
        depth += ch in "([{"
        depth -= ch in ")]}"
        if depth > nesting:
            raise SyntaxProblem(f"brackets nested deeper than {nesting}")
    try:
        return _Tree().transform(_parser().parse(text, start=start))
    except SyntaxProblem:
        raise
    except LarkError as error:
        cause = getattr(error, "orig_exc", None)
        if isinstance(cause, SyntaxProblem):
            raise cause from None
        column = getattr(error, "column", None)
        where = f" at column {column}" if isinstance(column, int) and column > 0 else ""
        raise SyntaxProblem(f"cannot read {text!r}{where}") from None


def parse(text: str) -> list:
    """An expression (``forward(X)``, ``grads["W1"]``, ``Dense(4, 3, reg=0.1)``) as a tree.

    Raises:
        SyntaxProblem: not in the restricted syntax (the message names the problem).

    >>> parse('grads["W1"]')
    ['item', ['name', 'grads'], ['const', 'W1']]
    """
    return _parse(text, "start")


def parse_long(text: str, limit: int, nesting: int) -> list:
    """:func:`parse` with other limits (for text derive wrote itself, such as a cache)."""
    return _parse(text, "start", limit, nesting)


def parse_assignment(text: str) -> tuple[list, list]:
    """``TARGET=EXPR`` (``params["W1"]=W1``, ``probabilities=softmax(z)[1]``) as two trees.

    Raises:
        SyntaxProblem: not ``TARGET=EXPR``, or the target is not a name, attribute or item.
    """
    tree = _parse(text, "assignment")
    _, target, value = tree
    if not _assignable(target):
        raise SyntaxProblem(
            f"cannot assign to {show(target)}: the target is a name, attribute or subscript"
        )
    return target, value


def _assignable(tree: list) -> bool:
    kind = tree[0]
    if kind == "name":
        return True
    if kind in ("attr", "item"):
        return _no_calls(tree[1])
    return False


def _no_calls(tree: list) -> bool:
    kind = tree[0]
    if kind == "call":
        return False
    if kind == "attr":
        return _no_calls(tree[1])
    if kind == "item":
        return _no_calls(tree[1]) and _no_calls(tree[2])
    if kind in ("tuple", "list"):
        return all(_no_calls(t) for t in tree[1])
    if kind == "dict":
        return all(_no_calls(k) and _no_calls(v) for k, v in tree[1])
    return True


def names(tree: list) -> set[str]:
    """The free names of a tree (the roots of names, attributes, items and calls)."""
    kind = tree[0]
    if kind == "name":
        return {tree[1]}
    if kind == "const":
        return set()
    if kind == "attr":
        return names(tree[1])
    if kind == "item":
        return names(tree[1]) | names(tree[2])
    if kind == "call":
        found = names(tree[1])
        for argument in tree[2]:
            found |= names(argument)
        for _, argument in tree[3]:
            found |= names(argument)
        return found
    if kind == "dict":
        return set().union(*(names(k) | names(v) for k, v in tree[1])) if tree[1] else set()
    return set().union(*(names(t) for t in tree[1])) if tree[1] else set()


def show(tree: list) -> str:
    """The tree as text again (for messages)."""
    kind = tree[0]
    if kind == "name":
        return tree[1]
    if kind == "const":
        return repr(tree[1])
    if kind == "attr":
        return f"{show(tree[1])}.{tree[2]}"
    if kind == "item":
        index = tree[2]
        inner = ", ".join(map(show, index[1])) if index[0] == "tuple" else show(index)
        return f"{show(tree[1])}[{inner}]"
    if kind == "call":
        parts = [show(a) for a in tree[2]] + [f"{k}={show(v)}" for k, v in tree[3]]
        return f"{show(tree[1])}({', '.join(parts)})"
    if kind == "update":
        return f"the step of {show(tree[1])} / {tree[3]}"
    if kind == "returned":  # the return value itself: its parts read [1], ["W1"]
        return ""
    if kind == "tuple":
        inner = ", ".join(map(show, tree[1]))
        return f"({inner},)" if len(tree[1]) == 1 else f"({inner})"
    if kind == "list":
        return "[" + ", ".join(map(show, tree[1])) + "]"
    if kind == "dict":
        return "{" + ", ".join(f"{show(k)}: {show(v)}" for k, v in tree[1]) + "}"
    if kind == "assign":
        return f"{show(tree[1])}={show(tree[2])}"
    return "?"
