"""The grammar of LaTeX math as ML derivations write it: a Lark LALR grammar and a transformer
to the tree of ``latex_ast``.

The grammar is built with ``strict=True``: Lark refuses it if it has any shift/reduce or
reduce/reduce conflict, so every row has exactly one reading. The conventions that make that
possible: a product is a run of factors (juxtaposition, ``\\cdot``, ``\\times``, ``/``); a
``\\sum`` and a function applied without brackets (``\\log a_k``) take the rest of the product
and end it (``t_k \\log a_k`` is fine, ``\\log x y`` is not read: write ``\\log(x) y``);
``-`` and ``+`` bind looser than products (``-\\eta x`` is -(eta x)).

``parse_row(tokens, text)`` reads one row's tokens (``latex_tokens.rows``) into a
:class:`~derive.sources.latex_ast.Line`. Nothing is evaluated; there are no names yet.
"""

from __future__ import annotations

from collections.abc import Sequence

from lark import Lark, Token, Transformer, Tree, v_args
from lark.exceptions import UnexpectedEOF, UnexpectedInput, UnexpectedToken, VisitError
from lark.lexer import Lexer

from derive.sources import latex_ast as ast
from derive.sources.latex_tokens import LatexError

MAX_DEPTH = 60  # a tree deeper than this is not read (the transformer recurses)

GRAMMAR = r"""
%declare LETTER NUMBER FUNC_CALL FUNC_LOOSE SUM FRAC SQRT PARTIAL PARTIAL_ALONE DIFF_D
%declare DIFF_D_ALONE INDICATOR PLUS MINUS MULOP SLASH EQ REL OTHER_REL SUB SUP PRIME LPAR
%declare RPAR LBRACK RBRACK LBRACE RBRACE COMMA PERIOD NOTE IF ELSE BEGIN_CASES END_CASES
%declare AMP ROWSEP INDICATOR_OPEN ASSUME NAME

start: line
     | ASSUME cond                              -> assumption
line: chain (seps chain)* seps?
seps: (COMMA | PERIOD | NOTE)+
chain: expr (EQ expr)*                          -> chain
     | (EQ expr)+                               -> continuation

?expr: sum
     | sum IF cond COMMA? ELSE sum              -> if_else
     | sum IF cond COMMA sum ELSE               -> if_otherwise
cond: sum (relop sum)+
!relop: EQ | REL

?sum: term
    | sum PLUS term                             -> add
    | sum MINUS term                            -> minus
    | MINUS term                                -> neg
    | PLUS term                                 -> pos

?term: prod
     | prod tail                                -> times
     | prod MULOP tail                          -> times
     | tail

?prod: factor
     | prod factor                              -> times
     | prod MULOP factor                        -> times
     | prod SLASH factor                        -> divide

tail: SUM scripts? term                         -> big_sum
    | FUNC_LOOSE scripts? loose                 -> loose_call
?loose: factor | tail

?factor: primary
       | primary scripts                        -> scripted
       | PARTIAL factor                         -> partial
       | PARTIAL_ALONE                          -> partial
       | DIFF_D factor                          -> total
       | DIFF_D_ALONE                           -> total

scripts: script+
script: SUB sarg                                -> subscript
      | SUP sarg                                -> superscript
      | PRIME                                   -> prime
?sarg: LETTER | NUMBER | INDICATOR
     | LBRACE sbody RBRACE                      -> braced
sbody: expr (COMMA expr)*                       -> items
     | cond                                     -> cond_body
     | NOTE                                     -> note_body
     | NAME                                     -> note_body

?primary: LETTER                                -> letter
        | NUMBER                                -> number
        | LPAR expr RPAR                        -> paren
        | LBRACK expr RBRACK                    -> paren
        | LBRACE expr RBRACE                    -> brace
        | FUNC_CALL scripts? LPAR expr (COMMA expr)* RPAR   -> call
        | FUNC_CALL scripts? LBRACE expr RBRACE -> call
        | FRAC farg farg                        -> frac
        | SQRT farg                             -> sqrt
        | INDICATOR                             -> indicator
        | INDICATOR_OPEN LBRACK cond RBRACK     -> indicator
        | INDICATOR_OPEN LPAR cond RPAR         -> indicator
        | BEGIN_CASES case (ROWSEP case)* ROWSEP? END_CASES -> cases
farg: LBRACE expr RBRACE | LETTER | NUMBER
case: expr AMP IF? cond seps?                   -> case_if
    | expr AMP ELSE seps?                       -> case_else
"""


class _Tokens(Lexer):
    """The parser's lexer: the tokens are already made (``latex_tokens``), pass them on."""

    def __init__(self, lexer_conf: object) -> None:
        pass

    def lex(self, data: Sequence[Token]):  # type: ignore[override]
        yield from data


_PARSER = Lark(
    GRAMMAR,
    parser="lalr",
    lexer=_Tokens,
    propagate_positions=True,
    strict=True,
    maybe_placeholders=False,
)

_EXPECTED = {
    "RPAR": "')'",
    "RBRACE": "'}'",
    "RBRACK": "']'",
    "END_CASES": r"\end{cases}",
    "LPAR": "'('",
    "LBRACE": "'{'",
}


def _leaf(item: object) -> ast.Node:
    if isinstance(item, ast.Node):
        return item
    token = item
    if token.type == "LETTER":
        return ast.Letter(token.start_pos, str(token))
    if token.type == "NUMBER":
        return ast.Number(token.start_pos, str(token))
    if token.type == "INDICATOR":
        return ast.Indicator(token.start_pos)
    if token.type in ("NOTE", "NAME"):
        return ast.Note(token.start_pos, str(token))
    raise LatexError(f"unexpected {token}", token.start_pos)


def _nodes(children: list) -> list[ast.Node]:
    return [c for c in children if isinstance(c, ast.Node)]


@v_args(meta=True)
class _ToTree(Transformer):
    """Lark tree -> latex_ast nodes (positions are offsets into the display's text)."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def start(self, meta, children):
        return children[0]

    def assumption(self, meta, children):
        return children[1]

    def line(self, meta, children):
        return ast.Line(meta.start_pos, tuple(c for c in children if isinstance(c, ast.Chain)))

    def seps(self, meta, children):
        return None

    def chain(self, meta, children):
        parts = [_leaf(c) for c in children if not _is(c, "EQ")]
        equals = tuple(c.start_pos for c in children if _is(c, "EQ"))
        return ast.Chain(meta.start_pos, tuple(parts), equals, meta.end_pos)

    def continuation(self, meta, children):
        chain = self.chain(meta, children)
        return ast.Chain(meta.start_pos, (None, *chain.parts), chain.equals, meta.end_pos)

    def if_else(self, meta, children):
        values = [_leaf(c) for c in children if not isinstance(c, Token)]
        then, condition, otherwise = values
        return ast.Cases(meta.start_pos, ((then, condition), (otherwise, None)))

    if_otherwise = if_else

    def cond(self, meta, children):
        items = [_leaf(c) if not isinstance(c, str) else c for c in children]
        relation = ast.Relation(meta.start_pos, items[0], items[1], items[2])
        for index in range(3, len(items), 2):  # 1 <= k <= K: both relations
            right = ast.Relation(
                items[index - 1].pos, items[index - 1], items[index], items[index + 1]
            )
            relation = ast.Relation(meta.start_pos, relation, "and", right)
        return relation

    def relop(self, meta, children):
        return str(children[0])

    def add(self, meta, children):
        return self._add(meta, children, +1)

    def minus(self, meta, children):
        return self._add(meta, children, -1)

    def subscript(self, meta, children):
        return ("_", _leaf(children[1]), self._raw(children[1]))

    def _add(self, meta, children, sign):
        left, right = _leaf(children[0]), _leaf(children[2])
        terms = (
            left.terms if isinstance(left, ast.Add) and left.pos == meta.start_pos else ((1, left),)
        )
        return ast.Add(meta.start_pos, (*terms, (sign, right)))

    def neg(self, meta, children):
        return ast.Add(meta.start_pos, ((-1, _leaf(children[1])),))

    def pos(self, meta, children):
        return _leaf(children[1])

    def times(self, meta, children):
        factors = []
        for child in children:
            if isinstance(child, Token):
                continue
            node = _leaf(child)
            factors += node.factors if isinstance(node, ast.Mul) else [node]
        return ast.Mul(meta.start_pos, tuple(factors))

    def divide(self, meta, children):
        return ast.Div(meta.start_pos, _leaf(children[0]), _leaf(children[2]))

    def big_sum(self, meta, children):
        sub, sup = self._scripts(children[1:-1])
        return ast.Sum(meta.start_pos, sub, sup, _leaf(children[-1]))

    def loose_call(self, meta, children):
        sub, sup = self._scripts(children[1:-1])
        name = str(children[0])
        return ast.Call(meta.start_pos, name, (_leaf(children[-1]),), sub, sup, loose=True)

    def call(self, meta, children):
        scripts = [c for c in children if isinstance(c, list)]
        sub, sup = self._scripts(scripts)
        args = tuple(_leaf(c) for c in children[1:] if not isinstance(c, (Token, list)))
        return ast.Call(meta.start_pos, str(children[0]), args, sub, sup)

    def scripted(self, meta, children):
        base, scripts = _leaf(children[0]), children[1]
        sub = [s for s in scripts if s[0] == "_"]
        sup = [s for s in scripts if s[0] == "^"]
        primes = sum(1 for s in scripts if s[0] == "'")
        if len(sub) > 1 or len(sup) > 1:
            raise LatexError("a double subscript or superscript", meta.start_pos)
        items = None
        if sub:
            node = sub[0][1]
            items = node.items if isinstance(node, _Items) else (node,)
        sup_node = sup[0][1] if sup else None
        if isinstance(sup_node, _Items):
            if len(sup_node.items) != 1:
                raise LatexError("a superscript with commas is not read", meta.start_pos)
            sup_node = sup_node.items[0]
        sup_text = "".join(sup[0][2].split()) if sup else ""
        return ast.Scripted(meta.start_pos, base, items, sup_node, sup_text, primes)

    def scripts(self, meta, children):
        return list(children)

    def superscript(self, meta, children):
        return ("^", _leaf(children[1]), self._raw(children[1]))

    def prime(self, meta, children):
        return ("'", None, "'")

    def _raw(self, node):
        """The text of a script's argument as written, without its braces."""
        if isinstance(node, Token):
            return str(node)
        return node.raw

    def _scripts(self, scripts):
        flat = [s for group in scripts for s in (group if isinstance(group, list) else [group])]
        sub = next((_unwrap(s[1]) for s in flat if s[0] == "_"), None)
        sup = next((_unwrap(s[1]) for s in flat if s[0] == "^"), None)
        return sub, sup

    def braced(self, meta, children):
        body = children[1]
        raw = self.text[children[0].end_pos : children[-1].start_pos]
        return _Items(meta.start_pos, body if isinstance(body, tuple) else (body,), raw)

    def items(self, meta, children):
        return tuple(_leaf(c) for c in children if not _is(c, "COMMA"))

    def cond_body(self, meta, children):
        return (children[0],)

    def note_body(self, meta, children):
        return (_leaf(children[0]),)

    def letter(self, meta, children):
        return _leaf(children[0])

    number = letter

    def paren(self, meta, children):
        return ast.Group(meta.start_pos, _leaf(children[1]))

    def brace(self, meta, children):
        return ast.Group(meta.start_pos, _leaf(children[1]), brace=True)

    def frac(self, meta, children):
        return ast.Frac(meta.start_pos, children[1], children[2])

    def farg(self, meta, children):
        return _leaf(children[1] if len(children) == 3 else children[0])

    def sqrt(self, meta, children):
        return ast.Sqrt(meta.start_pos, children[1])

    def partial(self, meta, children):
        return ast.Partial(meta.start_pos, _leaf(children[1]) if len(children) > 1 else None)

    def total(self, meta, children):
        operand = _leaf(children[1]) if len(children) > 1 else None
        return ast.Partial(meta.start_pos, operand, total=True)

    def indicator(self, meta, children):
        condition = children[2] if len(children) > 1 else None
        return ast.Indicator(meta.start_pos, condition)

    def cases(self, meta, children):
        branches = tuple(c for c in children if isinstance(c, tuple))
        return ast.Cases(meta.start_pos, branches)

    def case_if(self, meta, children):
        nodes = [c for c in children if isinstance(c, ast.Node)]
        return (nodes[0], nodes[1])

    def case_else(self, meta, children):
        return (_leaf(children[0]), None)


class _Items(ast.Node):
    """A braced script argument while it is being built: its items and its raw text."""

    def __init__(self, pos: int, items: tuple, raw: str) -> None:
        object.__setattr__(self, "pos", pos)
        object.__setattr__(self, "items", items)
        object.__setattr__(self, "raw", raw)


def _unwrap(node: ast.Node) -> ast.Node:
    if isinstance(node, _Items):
        if len(node.items) != 1:
            raise LatexError("a script with commas is not read here", node.pos)
        return node.items[0]
    return node


def _is(item: object, kind: str) -> bool:
    return isinstance(item, Token) and item.type == kind


def _depth(tree: Tree) -> int:
    """The depth of a Lark tree, without recursion."""
    deepest, stack = 0, [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        stack.extend((c, depth + 1) for c in node.children if isinstance(c, Tree))
    return deepest


def parse_row(tokens: Sequence[Token], text: str) -> ast.Line:
    """Read one row's tokens into a Line.

    Args:
        tokens: the row's tokens from ``latex_tokens.rows`` (positions: offsets into ``text``).
        text: the display's text (for the raw text of superscripts).

    Raises:
        LatexError: the row is not read; ``pos`` is where reading stopped.
    """
    end = tokens[-1].end_pos if tokens else 0
    try:
        tree = _PARSER.parse(list(tokens))
    except UnexpectedToken as error:
        token = error.token
        if token.type == "$END":
            message = f"the row ends early (expected {_expected(error.expected)})"
            raise LatexError(message, end) from None
        raise LatexError(_unexpected(token, error.expected), token.start_pos) from None
    except UnexpectedEOF as error:
        message = f"the row ends early (expected {_expected(error.expected)})"
        raise LatexError(message, end) from None
    except UnexpectedInput as error:  # pragma: no cover - the lexer is ours
        raise LatexError(str(error).splitlines()[0], end) from None
    if _depth(tree) > MAX_DEPTH:
        raise LatexError(f"nested more than {MAX_DEPTH} deep", tokens[0].start_pos)
    try:
        return _ToTree(text).transform(tree)
    except VisitError as error:
        if isinstance(error.orig_exc, LatexError):
            raise error.orig_exc from None
        raise


def parse_relation(tokens: Sequence[Token], text: str) -> ast.Relation:
    """Read a relation (``\\sum_d t_d = 1``, ``1 \\le k \\le K``) for a declaration.

    Raises:
        LatexError: it is not read.
    """
    start = tokens[0].start_pos if tokens else 0
    return parse_row([Token("ASSUME", "", start_pos=start, end_pos=start), *tokens], text)


def _unexpected(token: Token, expected: set[str]) -> str:
    if token.type == "OTHER_REL":
        return f"{token} is not read: only = chains are checked"
    if token.type in ("FUNC_LOOSE", "SUM") or (token.type == "LETTER" and "EQ" in expected):
        pass
    shown = {"NOTE": f"\\text{{{token}}}", "ROWSEP": r"\\", "AMP": "&"}.get(token.type, str(token))
    return f"unexpected {shown!s}" + (
        f" (expected {_expected(expected)})" if len(expected) <= 4 else ""
    )


def _expected(expected: set[str]) -> str:
    names = sorted(_EXPECTED.get(e, e.lower()) for e in expected if e != "$END")
    return " or ".join(names[:4]) if names else "more"
