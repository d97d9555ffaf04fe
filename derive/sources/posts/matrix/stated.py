r"""Shapes a post states: ``W \in \mathbb{R}^{m \times n}``, ``x \in \mathbb{R}^n``,
``Y \in \{0,1\}^{1 \times m}``, ``b \in \mathbb{R}`` (a number), in inline or display math, and
in prose: "$X$ is an $m \times n$ matrix", "$\theta$ is an $n \times 1$ vector".

A statement is read from the row's tokens (the reader's own lexer, so fonts and colours are
read through as everywhere else): the names before ``\in`` (one or a list, ``A, X``), the set
(``\mathbb{R}``, ``\{0, 1\}``) and its power, whose factors are sizes (a letter, a subscripted
letter ``n_{l-1}``, a number up to 64, or a sum ``n + 1``). ``\mathbb{R}^n`` is a column,
``\mathbb{R}^{1 \times n}`` a row. A size that is not read (``10^{9}``, ``0``, a size above
64) keeps the statement, with the problem as its message: the claims that use the name report
it instead of being checked. A subscripted name (``\mathbf{x}_i \in \mathbb{R}^d``: one vector
of a family) is remembered as such: its uses are not read as matrices.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from lark import Token
from sympy import Basic, Integer

from derive.sources.posts.latex import nodes as ast
from derive.sources.posts.latex.grammar import parse_row
from derive.sources.posts.latex.rows import rows
from derive.sources.posts.latex.tokens import LatexError
from derive.sources.posts.names import Name, label_kind
from derive.sources.posts.ranges import letter_of, size_key

MAX_SIZE = 64  # a size written as a number (the matrix checker's limit)
_SETS = {"R", "\N{DOUBLE-STRUCK CAPITAL R}"}  # \mathbb{R} is read as the letter R
_STOP = {"EQ", "REL", "OTHER_REL", "QUAD", "SEMI", "IF", "IF_COND", "NOTE", "PERIOD"}


@dataclass(frozen=True)
class Statement:
    """``name \\in \\mathbb{R}^{rows \\times cols}`` as written: ``dims`` are the size nodes
    (none: a number), ``where`` the line, ``family`` for a subscripted name (``x_i``)."""

    name: Name
    dims: tuple[ast.Node, ...]
    where: str
    family: bool = False
    text: str = ""
    offset: int = -1  # in the file: a shape stated again holds from there on (-1: declared)


def statements(
    texts: Iterable[tuple[str, Callable[[int], int]]],
    line: Callable[[int], str],
    labels: dict[str, str],
) -> list[Statement]:
    """Every shape statement in the math ``texts`` (each with the file offset of its
    characters; ``line`` tells a file offset's line, "line 7")."""
    found: list[Statement] = []
    for text, offset in texts:
        if "\\in" not in text and "∈" not in text:
            continue
        for row in rows(text):
            if row.error is None:
                found += _in_row(list(row.tokens), text, offset, line, labels)
    return found


def _in_row(tokens: list[Token], text: str, offset, line, labels) -> list[Statement]:
    found = []
    for index, token in enumerate(tokens):
        if token.type != "OTHER_REL" or str(token) not in ("\\in", "∈"):
            continue
        names, first = _names_before(tokens[:index], text, labels)
        dims = _set_power(tokens[index + 1 :], text)
        if not names or dims is None:
            continue
        shown = text[tokens[0].start_pos : tokens[-1].end_pos]
        for name, family in names:
            at = offset(first)
            found.append(Statement(name, dims, line(at), family, shown, at))
    return found


def _names_before(tokens: list[Token], text: str, labels) -> tuple[list, int]:
    """The names of ``A, X \\in ...`` (back to the start of the row or a relation), and
    where the first of them starts."""
    start = len(tokens)
    while start > 0 and tokens[start - 1].type not in _STOP:
        start -= 1
    first = tokens[start].start_pos if start < len(tokens) else 0
    pieces, current = [], []
    for token in tokens[start:]:
        if token.type == "COMMA":
            pieces.append(current)
            current = []
        else:
            current.append(token)
    pieces.append(current)
    names = []
    for piece in pieces:
        named = _name(piece, text, labels) if piece else None
        if named is None:
            return [], first
        names.append(named)
    return names, first


def _name(tokens: list[Token], text: str, labels) -> tuple[Name, bool] | None:
    node = _parse(tokens, text)
    letter = letter_of(node)
    if letter is not None:
        return Name(letter), False
    if not (isinstance(node, ast.Scripted) and isinstance(node.base, ast.Letter)):
        return None
    label = ""
    if node.sup is not None:
        if label_kind(node.sup_text, labels) != "label":
            return None
        label = node.sup_text
    numbered = numbered_name(node, labels)
    if numbered is not None:  # W_1: the matrix of layer 1
        return numbered, False
    if node.sub:  # x_i: one vector of a family
        return Name(node.base.name + "'" * node.primes, label), True
    return Name(node.base.name + "'" * node.primes, label), False


def _set_power(tokens: list[Token], text: str) -> tuple[ast.Node, ...] | None:
    """The sizes of ``\\mathbb{R}^{m \\times n}`` (``()`` for ``\\mathbb{R}`` alone)."""
    rest = _after_set(tokens)
    if rest is None:
        return None
    if not rest or rest[0].type != "SUP":
        return ()
    power = _script(rest[1:])
    if power is None:
        return None
    node = _parse(power, text)
    if node is None:
        return None
    node = _unwrapped(node)
    if isinstance(node, ast.Mul) and node.operators and set(node.operators) <= {"\\times", "×"}:
        return node.factors
    if isinstance(node, ast.Mul) and not node.operators:  # \mathbb{R}^{mn}: not a shape
        return None
    return (node,)


def _after_set(tokens: list[Token]) -> list[Token] | None:
    if tokens and tokens[0].type == "LETTER" and str(tokens[0]) in _SETS:
        return tokens[1:]
    # \{0, 1\}: labels
    kinds = [t.type for t in tokens[:5]]
    if kinds == ["LPAR", "NUMBER", "COMMA", "NUMBER", "RPAR"]:
        return tokens[5:]
    return None


def _script(tokens: list[Token]) -> list[Token] | None:
    """The tokens of a superscript: one token, or a braced group."""
    if not tokens:
        return None
    if tokens[0].type != "LBRACE":
        return tokens[:1]
    depth = 0
    for index, token in enumerate(tokens):
        depth += token.type == "LBRACE"
        depth -= token.type == "RBRACE"
        if depth == 0:
            return tokens[1:index]
    return None


def _parse(tokens: list[Token], text: str) -> ast.Node | None:
    if not tokens:
        return None
    try:
        line = parse_row(tokens, text)
    except LatexError:
        return None
    if len(line.chains) != 1 or len(line.chains[0].parts) != 1:
        return None
    return line.chains[0].parts[0]


def _unwrapped(node: ast.Node) -> ast.Node:
    while isinstance(node, ast.Group):
        node = node.inner
    return node


def size_value(node: ast.Node, size: Callable[[str], Basic]) -> tuple[Basic | None, str]:
    """A size as written: (its value, "") or (None, why it is not a size)."""
    node = _unwrapped(node)
    if isinstance(node, ast.Number):
        if not node.text.isdigit() or len(node.text) > 6:
            return None, f"the size {node.text} is not a count up to {MAX_SIZE}"
        value = int(node.text)
        if not 1 <= value <= MAX_SIZE:
            return None, f"a size {value}: sizes written as numbers are 1 to {MAX_SIZE}"
        return Integer(value), ""
    key = size_key(node)
    if key is not None:
        return size(key), ""
    if isinstance(node, ast.Add):
        total: Basic = Integer(0)
        for sign, term in node.terms:
            value, problem = size_value(term, size)
            if value is None:
                return None, problem
            total += sign * value
        if total.is_Integer and total < 1:
            return None, f"a size {total}: sizes are at least 1"
        return total, ""
    if isinstance(node, ast.Scripted) and isinstance(node.base, ast.Number):
        return None, f"a size written as a power ({_text(node)}): write a letter such as n"
    return None, "a size that is not a letter, a number or a sum of them"


def _text(node: ast.Scripted) -> str:
    return f"{node.base.text}^{node.sup_text}"


_PROSE = re.compile(
    r"\$(?P<name>[^$]{1,40})\$\s*,?\s+(?:is|be|denotes)\s+(?:an?|the)\s+"
    r"\$(?P<dims>[^$]{1,60})\$\s*(?:-\s*)?(?:[A-Za-z-]+\s+){0,2}?(?P<kind>matrix|vector)\b"
)


def prose_statements(
    text: str, line: Callable[[int], str], labels: dict[str, str]
) -> list[Statement]:
    """ "$X$ is an $m \\times n$ matrix", "$\\theta$ is the $n \\times 1$ parameter vector"."""
    found = []
    for match in _PROSE.finditer(text):
        name_rows = rows(match.group("name"))
        dims_rows = rows(match.group("dims"))
        if len(name_rows) != 1 or len(dims_rows) != 1 or name_rows[0].error:
            continue
        named = _name(list(name_rows[0].tokens), match.group("name"), labels)
        node = _parse(list(dims_rows[0].tokens), match.group("dims"))
        if named is None or node is None:
            continue
        node = _unwrapped(node)
        if isinstance(node, ast.Mul) and set(node.operators) <= {"\\times", "×"}:
            dims = node.factors if node.operators else None
        else:
            dims = (node,) if match.group("kind") == "vector" else None
        if dims is None or len(dims) > 2:
            continue
        at = match.start()
        found.append(Statement(named[0], dims, line(at), named[1], match.group(0), at))
    return found


_DECLARED = re.compile(r"(?:real\s+)?(matrix|row\s+vector|vector)\s+(\S+?)(?:\s*[x×]\s*(\S+))?\Z")


def declared_statement(name: Name, value: str, where: str) -> Statement | str | None:
    """``W = "matrix m x n"``, ``x = "vector n"`` (a column), ``"row vector n"``: the
    statement; a message if it is written wrong; None if it is not a shape."""
    found = _DECLARED.match(value.strip())
    if found is None:
        return None
    kind, first, second = found.groups()
    if (kind == "matrix") != (second is not None):
        return 'write "matrix m x n", "vector n" or "row vector n"'
    sizes = [first, second] if second is not None else [first]
    nodes = []
    for text in sizes:
        node = _parse(list(rows(text)[0].tokens), text) if rows(text) else None
        if node is None:
            return f"the size {text!r} is not read: a letter (n, n_l) or a number"
        nodes.append(node)
    if kind.startswith("row"):
        nodes = [ast.Number(0, "1"), nodes[0]]
    return Statement(name, tuple(nodes), where, text=value)


def numbered_name(node: ast.Node, labels: dict[str, str]) -> Name | None:
    """``W_1``, ``b_{2}``, ``W^{(1)}_2``: a letter numbered by its subscript, as a name of its
    own (``W_1``: the matrix of layer 1), or None for anything else."""
    if not (isinstance(node, ast.Scripted) and isinstance(node.base, ast.Letter)):
        return None
    if node.primes or not node.sub or len(node.sub) != 1:
        return None
    number = node.sub[0]
    if not (isinstance(number, ast.Number) and number.text.isdigit() and len(number.text) <= 2):
        return None
    label = ""
    if node.sup is not None:
        if label_kind(node.sup_text, labels) != "label":
            return None
        label = node.sup_text
    text = number.text
    return Name(f"{node.base.name}_{text if len(text) == 1 else '{' + text + '}'}", label)
