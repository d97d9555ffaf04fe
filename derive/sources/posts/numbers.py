"""Worked examples in a post's text: which sides are written in numbers, and values the text
gives to names.

A chain with a side written in numbers alone (``0.2 * 0.1 + 0.4 * 0.5 = 0.47``,
``\\sigma(0.5)``, ``e^{-0.47}``, ``\\frac{1}{2}[(0 - 3) + (0 - 5)]``; a lone ``0`` or
``\\frac{1}{2}`` is not one: identities end in them) is an **instance**: its claims are about
the numbers the text gives, not about every value of its symbols. Values come from rows such as
``$w_1 = 0.2$``, ``$w = b = 0$``, ``$$\\bar{x} = 2.5, \\quad \\bar{y} = 5$$`` and tuples
``$z = (2.0, 1.0, 0.1)$`` (the entries z_1, z_2, z_3), inline or displayed.
"""

from __future__ import annotations

from dataclasses import dataclass

from lark import Token

from derive.sources.posts.latex import nodes as ast

SHORT = 2  # significant digits of a value the author chose (0.1, 0.25, 2.0), not a rounding
MAX_ENTRIES = 64  # entries of a tuple read as values (a sum with concrete bounds: as many)


def numbers_only(node: ast.Node | None) -> bool:
    """Whether ``node`` is written with numbers alone: functions of numbers (``\\sigma(0.5)``,
    ``e^{-0.47}``, ``\\log 0.7``, ``L(0.7)``) count; a name, a sum, a derivative do not."""
    if node is None:
        return False
    if isinstance(node, ast.Number):
        return True
    if isinstance(node, ast.Letter):
        return node.name == "π"
    if isinstance(node, ast.Scripted):
        return _scripted(node)
    if isinstance(node, ast.Apply):  # f(0.5): the head is a function
        return all(numbers_only(a) for a in node.args)
    if isinstance(node, ast.Call):
        return bool(node.args) and all(numbers_only(a) for a in node.args)
    if isinstance(node, ast.Add):
        return all(numbers_only(term) for _, term in node.terms)
    if isinstance(node, ast.Mul):
        return all(numbers_only(f) for f in node.factors)
    if isinstance(node, (ast.Div, ast.Frac)):
        return numbers_only(node.numerator) and numbers_only(node.denominator)
    if isinstance(node, ast.Sqrt):
        return numbers_only(node.operand)
    if isinstance(node, (ast.Group, ast.Absolute)):
        return numbers_only(node.inner)
    return False


def _scripted(node: ast.Scripted) -> bool:
    """``e^{-0.47}``, ``(0.8)^{10}``, ``\\tanh^2(0.5)``: numbers under a power."""
    if node.sub is not None or node.primes:
        return False
    base = node.base
    if isinstance(base, ast.Letter) and base.name == "e":
        return numbers_only(node.sup)
    return numbers_only(base) and (node.sup is None or numbers_only(node.sup))


def bare(node: ast.Node) -> bool:
    """``0``, ``-1``, ``\\frac{1}{2}``: what identities end in (not a computation)."""
    while isinstance(node, ast.Group) or (isinstance(node, ast.Add) and len(node.terms) == 1):
        node = node.inner if isinstance(node, ast.Group) else node.terms[0][1]
    if isinstance(node, ast.Number):
        return "." not in node.text
    if isinstance(node, (ast.Frac, ast.Div)):
        return bare(node.numerator) and bare(node.denominator)
    return False


def computed(node: ast.Node | None) -> bool:
    """A side that is a computation in numbers: written in numbers alone, not a bare integer
    or fraction."""
    return node is not None and numbers_only(node) and not bare(node)


def is_instance(chain: ast.Chain) -> bool:
    """A chain with a side that is a computation in numbers (see the module docstring)."""
    return any(computed(part) for part in chain.parts)


def decimal_texts(node: ast.Node) -> list[str]:
    """The decimals written in ``node`` (``0.25``), as written."""
    return [n.text for n in ast.walk(node) if isinstance(n, ast.Number) and "." in n.text]


def short(text: str) -> bool:
    """A decimal of at most ``SHORT`` significant digits: a value an author picks."""
    digits = text.lstrip("-").replace(".", "").lstrip("0")
    return len(digits) <= SHORT


@dataclass(frozen=True)
class Entries:
    """``z = (2.0, 1.0, 0.1)`` read from tokens: the name's tokens and the entries' texts."""

    name: tuple[Token, ...]
    entries: tuple[str, ...]
    equal: Token


def tuple_row(tokens: tuple[Token, ...]) -> Entries | None:
    """A name set to a tuple of numbers (``z = (2.0, 1.0, 0.1)``, ``y = [1, 0, 0]``), which
    the grammar does not read; None for anything else."""
    equals = [n for n, t in enumerate(tokens) if t.type == "EQ"]
    if len(equals) != 1 or equals[0] == 0:
        return None
    at = equals[0]
    name, rest = tokens[:at], list(tokens[at + 1 :])
    if len(rest) < 5 or (rest[0].type, rest[-1].type) not in (
        ("LPAR", "RPAR"),
        ("LBRACK", "RBRACK"),
    ):
        return None
    pieces: list[list[Token]] = [[]]
    for token in rest[1:-1]:
        if token.type == "COMMA":
            pieces.append([])
        else:
            pieces[-1].append(token)
    entries = [_entry(piece) for piece in pieces]
    if len(entries) < 2 or len(entries) > MAX_ENTRIES or None in entries:
        return None
    return Entries(tuple(name), tuple(entries), tokens[at])


def _entry(piece: list[Token]) -> str | None:
    """``2.0`` or ``-1.9``: one entry of a tuple, as written; None for anything else."""
    kinds = [t.type for t in piece]
    if kinds == ["NUMBER"]:
        return str(piece[0])
    if kinds == ["MINUS", "NUMBER"]:
        return "-" + str(piece[1])
    return None
