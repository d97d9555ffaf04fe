"""The declarations block of a post: what its text cannot carry, in the vocabulary of
derivation files (``[symbols]``, ``[assume]``), written as TOML inside a comment that does not
render (``<!-- derive ... -->`` in Markdown; ``% derive`` and the ``%`` lines after it in TeX).

Keys and values name symbols in LaTeX, as the post writes them (``t``, ``w^L``, ``\\eta`` or
``eta``, ``W_{kj}``). The form is documented in docs/posts.md. Any mistake in the block is a
:class:`~derive.sources.toml.parse.ParseError` naming the file, line and column: the
declarations are the user's instructions, so they are not guessed around.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field

from sympy import Integer

from derive.checker.matrix.nodes import LAYOUTS
from derive.sources.nesting import NestedTooDeep, toml_too_deep
from derive.sources.posts.blocks import Block, Lines
from derive.sources.posts.build_calls import head_name
from derive.sources.posts.latex import nodes as ast
from derive.sources.posts.latex.grammar import parse_relation, parse_row
from derive.sources.posts.latex.rows import rows
from derive.sources.posts.latex.tokens import LatexError
from derive.sources.posts.latex.vocabulary import GREEK, function_word
from derive.sources.posts.matrix.stated import Statement, declared_statement
from derive.sources.posts.names import Name, Scope, label_kind
from derive.sources.posts.ranges import index_items, letter_of, size_key
from derive.sources.toml.declarations import DOMAINS
from derive.sources.toml.parse import ParseError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

TABLES = ("symbols", "superscripts", "aliases", "assume", "functions", "options")
SUMMATIONS = ("explicit", "einstein")  # "einstein": a repeated index is summed (``implied``)
MAX_SIZE = 64  # a concrete size is checked by writing its sums out
_INDEX = re.compile(r"index\s+(\S+)\s*\.\.\s*(\S+)\Z")


@dataclass
class Declared:
    """What a block declared, beyond the scope's domains, ranges, sizes and labels."""

    aliases: dict[Name, Name] = field(default_factory=dict)
    functions: dict[str, str] = field(default_factory=dict)  # name as written -> function word
    assumptions: list[tuple[str, ast.Relation, str, Block]] = field(default_factory=list)
    targets: Name | None = None
    names: set[str] = field(default_factory=set)
    shapes: list[Statement] = field(default_factory=list)  # W = "matrix m x n"
    layout: str | None = None  # [options] layout: of a gradient by a matrix
    summation: str | None = None  # [options] summation: "einstein" sums repeated indices


class _Reader:
    def __init__(self, block: Block, lines: Lines, path: str) -> None:
        self.block, self.lines, self.path = block, lines, path

    def fail_at(self, message: str, offset: int) -> ParseError:
        """An error at ``offset`` in the block's text."""
        line, column = self.lines.position(self.block.offset(offset))
        return ParseError(f"declarations: {message}", line, column, self.path)

    def fail(self, message: str, key: str | None = None, line: int | None = None) -> ParseError:
        """An error at ``key``'s line in the block (else the block's first line)."""
        where = self.block.offset(0)
        if line is not None:
            where = self.block.offset(_line_offset(self.block.text, line))
        elif key is not None:
            found = re.search(rf"^[ \t]*[\"']?{re.escape(key)}[\"']?[ \t]*=", self.block.text, re.M)
            if found:
                where = self.block.offset(
                    found.start() + len(found.group()) - len(found.group().lstrip())
                )
        line_no, column = self.lines.position(where)
        return ParseError(f"declarations: {message}", line_no, column, self.path)


def _line_offset(text: str, line: int) -> int:
    offset = 0
    for _ in range(line - 1):
        offset = text.find("\n", offset) + 1
    return offset


def read_declarations(blocks: list[Block], lines: Lines, path: str, scope: Scope) -> Declared:
    """Apply every declarations block of a post to ``scope``; return the rest.

    Raises:
        ParseError: anything wrong in a block (bad TOML, an unknown table or domain, a name
            that is not read, a size out of range).
    """
    declared = Declared()
    for block in blocks:
        reader = _Reader(block, lines, path)
        deep = toml_too_deep(block.text)  # before tomllib, which recurses into nested arrays
        if deep is not None:
            raise reader.fail_at(str(NestedTooDeep()), deep)
        try:
            data = tomllib.loads(block.text)
        except RecursionError:
            raise reader.fail(str(NestedTooDeep())) from None
        except tomllib.TOMLDecodeError as error:
            found = re.search(r"\(at line (\d+), column (\d+)\)", str(error))
            line = int(found.group(1)) if found else None
            message = str(error)[: found.start()].strip() if found else str(error)
            raise reader.fail(f"TOML: {message}", line=line) from None
        for key, value in data.items():
            if key not in TABLES or not isinstance(value, dict):
                known = ", ".join(f"[{t}]" for t in TABLES)
                raise reader.fail(f"unknown table {key!r} (known: {known})", key)
        for key, value in data.get("symbols", {}).items():
            _symbol(reader, scope, declared, key, value)
        for key, value in data.get("superscripts", {}).items():
            if value not in ("label", "power"):
                raise reader.fail(f'superscript {key!r}: write "label" or "power"', key)
            scope.labels["".join(key.split())] = value
        for key, value in data.get("aliases", {}).items():
            _alias(reader, scope, declared, key, value)
        for key, value in data.get("functions", {}).items():
            _function(reader, declared, key, value)
        for key, value in data.get("options", {}).items():
            _option(reader, declared, key, value)
        for key, value in data.get("assume", {}).items():
            if not isinstance(value, str):
                raise reader.fail(f"assume.{key}: write a relation in LaTeX", key)
            declared.assumptions.append((key, _relation(reader, value, key), value, block))
    return declared


OPTIONS = {"layout": LAYOUTS, "summation": SUMMATIONS}


def _option(reader: _Reader, declared: Declared, key: str, value) -> None:
    """``[options] layout = "numerator"``, ``summation = "einstein"``."""
    if key not in OPTIONS or value not in OPTIONS[key]:
        choices = "; ".join(
            f"{k} = " + " or ".join(f'"{v}"' for v in vs) for k, vs in OPTIONS.items()
        )
        raise reader.fail(f"options: write {choices}", key)
    setattr(declared, key, value)


def parse_name(text: str, scope: Scope) -> tuple[Name, list[str]] | None:
    """A name as the post writes it (``w^L_{kj}``, ``\\eta``, ``eta``) and its index letters."""
    text = text.strip()
    if text in GREEK:
        text = "\\" + text
    found = rows(text)
    if len(found) != 1 or found[0].error or not found[0].tokens:
        return None
    try:
        line = parse_row(found[0].tokens, text)
    except LatexError:
        return None
    if len(line.chains) != 1 or len(line.chains[0].parts) != 1:
        return None
    node = line.chains[0].parts[0]
    letter = letter_of(node)
    if letter is not None:
        return Name(letter), []
    if not (isinstance(node, ast.Scripted) and isinstance(node.base, ast.Letter)):
        return None
    label = ""
    if node.sup is not None:
        if label_kind(node.sup_text, scope.labels) != "label":
            return None
        label = node.sup_text
    indices, suffix = index_items(node.sub or ())
    letters = [letter_of(i) for i in indices]
    if any(x is None for x in letters):
        return None
    base = node.base.name + "'" * node.primes + (f"_{{{suffix}}}" if suffix else "")
    return Name(base, label), letters


def _symbol(reader: _Reader, scope: Scope, declared: Declared, key: str, value: object) -> None:
    sized = _subscripted_size(key, scope)
    if sized is not None and _is_size(value):  # n_{L-1} = 5, s_l = "positive integer"
        if isinstance(value, int) and not 1 <= value <= MAX_SIZE:
            raise reader.fail(f"size {key!r}: a number from 1 to {MAX_SIZE}", key)
        declared.names.add(sized)
        scope.sizes[sized] = Integer(value) if isinstance(value, int) else scope.size(sized)
        return
    parsed = parse_name(key, scope)
    if parsed is None:
        raise reader.fail(f"symbol {key!r}: not a name (write t, w^L, \\eta, ...)", key)
    name, _ = parsed
    declared.names.add(name.shown())
    if isinstance(value, int) and not isinstance(value, bool):
        if name.label or not 1 <= value <= MAX_SIZE:
            raise reader.fail(f"size {key!r}: a letter and a number from 1 to {MAX_SIZE}", key)
        scope.sizes[name.base] = Integer(value)
        return
    if not isinstance(value, str):
        raise reader.fail(f'symbol {key!r}: write a domain such as "real"', key)
    shaped = declared_statement(name, value, f"declared at line {_key_line(reader, key)}")
    if isinstance(shaped, str):
        raise reader.fail(f"symbol {key!r}: {shaped}", key)
    if shaped is not None:
        declared.shapes.append(shaped)
        return
    index = _INDEX.match(value.strip())
    if index:
        scope.index_ranges[name.base] = tuple(_bound(reader, scope, key, b) for b in index.groups())
        return
    words = [w for w in re.split(r"[\s,]+", value) if w]
    unknown = [w for w in words if w not in DOMAINS and w != "targets"]
    if unknown or not words:
        known = ", ".join([*DOMAINS, "targets"])
        raise reader.fail(f"symbol {key!r}: unknown domain {value!r} (use {known})", key)
    if "targets" in words:
        declared.targets = name
    domain = {k: v for w in words if w in DOMAINS for k, v in DOMAINS[w].items()}
    if domain.get("integer") and domain.get("positive") and len(name.base) == 1 and not name.label:
        scope.size(name.base)  # "positive integer": a size, for every value
    scope.domains[name if name.label else name.base] = domain or {"real": True}


def _is_size(value: object) -> bool:
    if isinstance(value, int) and not isinstance(value, bool):
        return True
    return isinstance(value, str) and value.split() == ["positive", "integer"]


def _subscripted_size(text: str, scope: Scope) -> str | None:
    """The name of a size written with a subscript (``n_{L-1}``, ``s_l``), or None."""
    found = rows(text.strip())
    if len(found) != 1 or found[0].error or not found[0].tokens:
        return None
    try:
        line = parse_row(found[0].tokens, text.strip())
    except LatexError:
        return None
    if len(line.chains) != 1 or len(line.chains[0].parts) != 1:
        return None
    node = line.chains[0].parts[0]
    return size_key(node) if isinstance(node, ast.Scripted) else None


def _function(reader: _Reader, declared: Declared, key: str, value: object) -> None:
    """``g = "sigmoid"``: the text's g is a function the reader knows."""
    word = function_word(value) if isinstance(value, str) else None
    name = _function_name(key)
    if word is None or name is None:
        raise reader.fail(
            f"function {key!r}: write a name and a known function (sigmoid, softmax, relu, "
            "tanh, exp, log)",
            key,
        )
    declared.functions[name] = word


def _function_name(text: str) -> str | None:
    found = rows(text.strip())
    if len(found) != 1 or found[0].error or not found[0].tokens:
        return None
    try:
        line = parse_row(found[0].tokens, text.strip())
    except LatexError:
        return None
    if len(line.chains) != 1 or len(line.chains[0].parts) != 1:
        return None
    named = head_name(line.chains[0].parts[0])
    return named[0] if named is not None and not named[1] else None


def _bound(reader: _Reader, scope: Scope, key: str, text: str):
    if re.fullmatch(r"-?\d{1,6}", text):
        return Integer(int(text))
    if re.fullmatch(r"[A-Za-z]", text):
        return scope.size(text)
    sized = _subscripted_size(text, scope)
    if sized is not None:
        return scope.sizes.get(sized) or scope.size(sized)
    raise reader.fail(f"index {key!r}: a bound is a number or a size letter, not {text!r}", key)


def _alias(reader: _Reader, scope: Scope, declared: Declared, key: str, value: object) -> None:
    parsed, meant = parse_name(key, scope), parse_name(str(value), scope)
    if parsed is None or meant is None:
        raise reader.fail(
            f"alias {key!r} = {value!r}: both sides are names such as w^L_{{kj}}", key
        )
    if parsed[1] and meant[1] and parsed[1] != meant[1]:
        raise reader.fail(f"alias {key!r}: the indices must be the same on both sides", key)
    declared.aliases[parsed[0]] = meant[0]


def _relation(reader: _Reader, text: str, key: str) -> ast.Relation:
    found = rows(text)
    if len(found) != 1 or found[0].error:
        raise reader.fail(f"assume.{key}: {found[0].error.message if found else 'empty'}", key)
    try:
        return parse_relation(found[0].tokens, text)
    except LatexError as error:
        raise reader.fail(f"assume.{key}: {error.message}", key) from None


def _key_line(reader: _Reader, key: str) -> int:
    """The file line of ``key`` in the block (its first line if not found)."""
    found = re.search(rf"^[ \t]*[\"']?{re.escape(key)}[\"']?[ \t]*=", reader.block.text, re.M)
    offset = reader.block.offset(found.start() if found else 0)
    return reader.lines.position(offset)[0]
