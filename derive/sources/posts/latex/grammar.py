"""The grammar of LaTeX math as ML derivations write it: a Lark LALR grammar and a transformer
to the tree of ``nodes``.

The grammar is built with ``strict=True``: Lark refuses it if it has any shift/reduce or
reduce/reduce conflict, so every row has exactly one reading. The conventions that make that
possible: a product is a run of factors (juxtaposition, ``\\cdot``, ``\\times``, ``/``); a
``\\sum`` and a function applied without brackets (``\\log a_k``) take the rest of the product
and end it (``t_k \\log a_k`` is fine, ``\\log x y`` is not read: write ``\\log(x) y``);
``-`` and ``+`` bind looser than products (``-\\eta x`` is -(eta x)).

``parse_row(tokens, text)`` reads one row's tokens (``latex_tokens.rows``) into a
:class:`~derive.sources.posts.latex.nodes.Line`. Nothing is evaluated; there are no names yet.
"""

from __future__ import annotations

from collections.abc import Sequence

from lark import Lark, Token, Tree
from lark.exceptions import UnexpectedEOF, UnexpectedInput, UnexpectedToken, VisitError
from lark.lexer import Lexer

from derive.sources.posts.latex import nodes as ast
from derive.sources.posts.latex.tokens import LatexError
from derive.sources.posts.latex.transform import ToTree

MAX_DEPTH = 60  # a tree deeper than this is not read (the transformer recurses)

GRAMMAR = r"""
%declare LETTER NUMBER FUNC_CALL FUNC_LOOSE NAME_CALL SUM SUM_ALONE FRAC SQRT PARTIAL
%declare PARTIAL_ALONE PARTIAL_OP DIFF_D DIFF_D_ALONE INDICATOR PLUS MINUS MULOP SLASH EQ REL
%declare OTHER_REL SUB SUP PRIME LPAR RPAR LBRACK RBRACK LBRACE RBRACE COMMA PERIOD SEMI NOTE
%declare IF IF_COND ELSE BEGIN_CASES END_CASES AMP ROWSEP INDICATOR_OPEN ASSUME NAME NABLA
%declare MID ABS_OPEN ABS_CLOSE NORM_OPEN NORM_CLOSE QUAD ELLIPSIS EVAL_OPEN EVAL_CLOSE

start: line
     | ASSUME cond                              -> assumption
line: chain (sep chain)* sep?
sep: seps                                       -> plain_sep
   | seps? IF_COND                              -> if_sep
seps: (COMMA | PERIOD | SEMI | NOTE | QUAD)+
chain: expr (relop expr)*                       -> chain
     | (relop expr)+                            -> continuation

?expr: sum
     | sum IF cond COMMA? ELSE sum              -> if_else
     | sum IF cond COMMA sum ELSE               -> if_otherwise
cond: sum (relop sum)+
relop: EQ | REL

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
    | NABLA scripts? loose                      -> nabla
    | NABLA scripts? factor factor+             -> nabla_product
    | PARTIAL scripts loose                     -> nabla
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
?sarg: LETTER | NUMBER | INDICATOR | NAME
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
        | NAME_CALL scripts? LPAR expr (argsep expr)* RPAR  -> apply
        | FRAC farg farg                        -> frac
        | FRAC LBRACE PARTIAL_OP expr RBRACE farg           -> numerator_partial
        | FRAC LBRACE PARTIAL_OP SUP NUMBER expr RBRACE farg -> numerator_partial
        | FRAC LBRACE PARTIAL_ALONE SUP NUMBER RBRACE farg   -> operator_power
        | SQRT farg                             -> sqrt
        | SUM_ALONE                             -> sum_name
        | ELLIPSIS                              -> ellipsis
        | ABS_OPEN expr ABS_CLOSE               -> absolute
        | NORM_OPEN expr NORM_CLOSE             -> norm
        | INDICATOR                             -> indicator
        | INDICATOR_OPEN LBRACK cond RBRACK     -> indicator
        | INDICATOR_OPEN LPAR cond RPAR         -> indicator
        | BEGIN_CASES case (ROWSEP case)* ROWSEP? END_CASES -> cases
        | EVAL_OPEN expr EVAL_CLOSE SUB sarg    -> evaluated
!argsep: COMMA | SEMI | MID
farg: LBRACE expr RBRACE | LETTER | NUMBER
case: expr COMMA? AMP IF? cond seps?            -> case_if
    | expr COMMA? AMP ELSE seps?                -> case_else
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
    "ABS_CLOSE": "'|'",
    "NORM_CLOSE": "'\\|'",
    "RBRACE": "'}'",
    "RBRACK": "']'",
    "END_CASES": r"\end{cases}",
    "LPAR": "'('",
    "LBRACE": "'{'",
}


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
        return ToTree(text).transform(tree)
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
