"""A Markdown post or a TeX file, read into definitions and claims with their positions.

The order of work: find the math (``blocks``), split each display into rows and read every
row (``latex_tokens``, ``latex_grammar``); read the declarations; find the index ranges over the
whole post (``post_ranges``); then walk the rows in file order, building each chain
``A = B = C`` (``post_build``): an undefined symbol on the left defines it, every further ``=``
is a claim, ``&= C`` on the next row continues the chain. A row that cannot be read, or a claim
that cannot be checked, is kept as a :class:`Problem` at its position; the rest is still read.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, field

from sympy import Basic, Expr

from derive.sources.nesting import NestedTooDeep
from derive.sources.posts.blocks import (
    Block,
    Lines,
    markdown_blocks,
    section_starts,
    tex_blocks,
)
from derive.sources.posts.build import Builder
from derive.sources.posts.chains import ChainReader, Item
from derive.sources.posts.declarations import Declared, read_declarations
from derive.sources.posts.defaults import defaults
from derive.sources.posts.definitions import Definitions
from derive.sources.posts.implied import states_convention
from derive.sources.posts.kinds import function_parameters
from derive.sources.posts.latex import nodes as ast
from derive.sources.posts.latex.grammar import parse_row
from derive.sources.posts.latex.rows import row_problem, rows
from derive.sources.posts.latex.tokens import LatexError, Row
from derive.sources.posts.matrix.reading import read_shapes, shape_problems
from derive.sources.posts.named_derivatives import named_derivatives
from derive.sources.posts.names import BuildError, Scope
from derive.sources.posts.operator_names import derivative_operators
from derive.sources.posts.operators import declared_operators, with_operators
from derive.sources.posts.ranges import Ranges, find_ranges
from derive.sources.posts.tags import data_subscripts
from derive.sources.reading import place, read_regular
from derive.sources.toml.parse import ParseError

MAX_BYTES = 1_000_000  # a post larger than this is refused before it is read
MAX_ROWS = 2000  # display rows: each may take a check of seconds, so a post is bounded
MAX_MATH_CHARS = 200_000  # characters of math in a post, measured before any is lexed
FORMATS = {".md": "md", ".markdown": "md", ".tex": "tex", ".toml": "toml"}


NO_DISPLAY_MATH = "no display math found ($$...$$, \\[...\\], align, ...)"


class NoDisplayMath(ParseError):
    """A post or paper without display math: nothing in it to check. ``derive check`` notes
    it and checks the other files (``--strict``: the run fails); the pytest plugin, whose
    patterns name the files to check, reports it as a collection error."""


@dataclass
class PostFile:
    """A read post.

    Attributes:
        path: the file name as given (reports print it).
        items: claims and problems, in file order (``post_chains.Item``).
        defaults: what was assumed without a declaration, one line each.
        assumptions: the declared ``[assume]`` relations, for every claim.
        targets: the targets array (for the hidden side conditions), or None.
        defined: each definition (``z^L_k = ...``) as written, left and right, in order.
    """

    path: str
    items: list[Item]
    defaults: list[str]
    scope: Scope
    definitions: Definitions
    assumptions: tuple[Basic, ...] = ()
    targets: Basic | None = None
    ranges: Ranges = field(default_factory=Ranges)
    labels: dict[Basic, str] = field(default_factory=dict)  # [assume] relation -> its key
    defined: tuple[tuple[str, str], ...] = ()  # each definition's two sides, as written


def format_of(path: str, override: str | None = None) -> str:
    """ "md", "tex" or "toml": ``override`` if given, else by extension (else TOML)."""
    if override:
        return override
    return FORMATS.get(os.path.splitext(path)[1].lower(), "toml")


def read_text(path: str | os.PathLike[str], name: str) -> str:
    """The file's text. Raises OSError (also for a device, FIFO or socket: only regular files
    are read), or ParseError (too large, not UTF-8: at the bad byte's line and column)."""
    data = read_regular(path, MAX_BYTES)
    if len(data) > MAX_BYTES:
        raise ParseError(f"the file is larger than {MAX_BYTES // 1000} kB: not read", 1, 1, name)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line, column = place(data, error.start)
        raise ParseError(f"not UTF-8 text ({error.reason})", line, column, name) from None


def load_post(path: str | os.PathLike[str], kind: str, name: str | None = None) -> PostFile:
    """Read a post (``kind`` "md" or "tex") into claims and problems.

    Raises:
        OSError: the file cannot be read.
        ParseError: too large, not UTF-8, no display math, or a bad declarations block.
    """
    name = os.fspath(path) if name is None else name
    return load_post_text(read_text(path, name), kind, name)


def load_post_text(text: str, kind: str, name: str = "<text>") -> PostFile:
    """Read a post's text (see :func:`load_post`)."""
    if len(text) > MAX_BYTES:
        raise ParseError(f"the text is larger than {MAX_BYTES // 1000} kB: not read", 1, 1, name)
    # every line end as CommonMark and TeX read it (CRLF, and a lone CR too), so that the
    # blocks markdown-it finds are found again, and positions count the same lines
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = Lines(text)
    try:
        blocks, declaration_blocks = (markdown_blocks if kind == "md" else tex_blocks)(text)
    except NestedTooDeep as error:
        raise ParseError(str(error), *lines.position(error.offset), name) from None
    blocks = named_derivatives(blocks, text)  # "we write $dW$ for $\\partial J / \\partial W$"
    blocks = with_operators(blocks, declared_operators(text))  # \DeclareMathOperator{\swish}
    if not any(not b.inline for b in blocks):
        raise NoDisplayMath(NO_DISPLAY_MATH, 1, 1, name)
    if len(blocks) > MAX_ROWS:
        raise ParseError(
            f"{len(blocks)} pieces of math, more than {MAX_ROWS}: split the file", 1, 1, name
        )
    math = sum(len(b.text) for b in blocks)
    if math > MAX_MATH_CHARS:
        message = f"{math} characters of math, more than {MAX_MATH_CHARS}: split the file"
        raise ParseError(message, 1, 1, name)
    scope = Scope()
    declared = read_declarations(declaration_blocks, lines, name, scope)
    found = [(block, row) for block in blocks for row in _joined(rows(block.text))]
    if len(found) > MAX_ROWS:
        message = f"{len(found)} rows of math, more than {MAX_ROWS}: split the file"
        raise ParseError(message, 1, 1, name)
    parsed = _tagged([_read(block, row) for block, row in found])
    trees = [(p.line, _where(p.block, lines)) for p in parsed if p.line is not None]
    stated = states_convention(text)  # "repeated indices are summed"
    einstein = declared.summation == "einstein" or (
        declared.summation is None and stated is not None
    )
    ranges = find_ranges(trees, scope, implied=einstein)
    place = lambda offset: f"line {lines.position(offset)[0]}"  # noqa: E731
    prose = frozenset(id(p.line) for p in parsed if p.line is not None and p.block.inline)
    shapes = read_shapes(blocks, trees, text, place, declared, ranges, scope, prose)
    scope.matrices = shapes if shapes.active else None
    definitions = Definitions(scope)
    builder = Builder(scope, definitions, ranges)
    builder.aliases = dict(declared.aliases)
    builder.declared_functions = dict(declared.functions)
    builder.euler = "e" not in declared.names
    builder.ahead = _function_definitions(parsed, lines)
    builder.left_letters = _left_letters(parsed)
    named = derivative_operators(blocks, text)  # "write $D_j S_i$ for $\partial S_i/\partial a_j$"
    builder.operators = {op: v for op, v in named.items() if op not in builder.left_letters}
    builder.einstein = einstein
    if builder.einstein:
        builder.einstein_source = (
            "declared" if declared.summation else f"stated at line {lines.position(stated)[0]}"
        )
    reader = ChainReader(builder, lines, name, section_starts(text, kind))
    for block_rows in _by_block(parsed):
        reader.block(block_rows)
    for item in shape_problems(shapes, lines.position):  # W \in \mathbb{R}^{0 \times n}
        where = (item.line, item.column)
        at = next((n for n, i in enumerate(reader.items) if (i.line, i.column) > where), None)
        reader.items.insert(len(reader.items) if at is None else at, item)
    labels = _assumptions(builder, declared, lines, name)
    for relation, where in reader.assumptions:
        labels.setdefault(relation, f"stated at {where}")
    targets = _targets(scope, declared)
    used = defaults(scope, ranges, declared, builder, targets)
    return PostFile(
        name,
        reader.items,
        used,
        scope,
        definitions,
        tuple(labels),
        targets,
        ranges,
        labels,
        tuple(reader.defined),
    )


@dataclass(frozen=True)
class Parsed:
    """One row: its block, its tokens, and its tree or why it is not read."""

    block: Block
    row: Row
    line: ast.Line | None
    error: LatexError | None


def _read(block: Block, row: Row) -> Parsed:
    if row.error is not None:
        return Parsed(block, row, None, row.error)
    if not row.tokens:
        return Parsed(block, row, None, None)
    try:
        return Parsed(block, row, parse_row(row.tokens, block.text), None)
    except LatexError as error:
        return Parsed(block, row, None, error)


def _tagged(parsed: list[Parsed]) -> list[Parsed]:
    """The rows with subscripts of data letters read as parts of names (``S_{xy}``)."""
    read = [p for p in parsed if p.line is not None]
    lines = iter(data_subscripts([p.line for p in read]))
    changed = {id(p): next(lines) for p in read}
    return [
        p
        if p.line is None or changed[id(p)] is p.line
        else dataclasses.replace(p, line=changed[id(p)])
        for p in parsed
    ]


def _joined(found: list[Row]) -> list[Row]:
    """A row that starts with + or - and has no = continues the expression above it. The
    joined row is measured again (its length against the row limit, its brackets): 140,000
    rows of ``+a \\`` are one row too long to read, found in linear time."""
    groups: list[list[Row]] = []
    for row in found:
        starts = row.tokens[:1] and row.tokens[0].type in ("PLUS", "MINUS", "MULOP")
        if groups and starts and not row.equals and not row.error and not groups[-1][0].error:
            groups[-1].append(row)
        else:
            groups.append([row])
    return [group[0] if len(group) == 1 else _join(group) for group in groups]


def _join(group: list[Row]) -> Row:
    tokens = tuple(t for row in group for t in row.tokens)
    tag = next((row.tag for row in group if row.tag), "")
    notes = tuple(note for row in group for note in row.notes)
    return Row(tokens, group[0].start, tag, row_problem(tokens), notes)


def _function_definitions(parsed: list[Parsed], lines: Lines) -> dict[str, tuple]:
    """The first definition of each function the post defines (``f(z) = ...``), display or
    inline: an application written before it uses it."""
    found: dict[str, tuple] = {}
    for item in parsed:
        if item.line is None:
            continue
        for chain in item.line.chains:
            if len(chain.parts) < 2 or chain.parts[0] is None or chain.ops[0] != "=":
                continue
            function = function_parameters(chain.parts[0])
            if function is not None and function[0] not in found:
                where = f"line {lines.position(item.block.offset(chain.pos))[0]}"
                found[function[0]] = (tuple(function[1]), chain.parts[1], where)
    return found


def _left_letters(parsed: list[Parsed]) -> frozenset[str]:
    """The letters the post writes on the left of a relation (``I`` of ``I_{kj} = a_k b_j``),
    display or inline: names it gives a meaning of its own somewhere."""
    found: set[str] = set()
    for item in parsed:
        for chain in item.line.chains if item.line is not None else ():
            if len(chain.parts) < 2 or not chain.ops or chain.ops[0] not in ("=", ":=", "≡"):
                continue
            left = chain.parts[0]
            while isinstance(left, ast.Scripted):
                left = left.base
            if isinstance(left, ast.Letter):
                found.add(left.name)
    return frozenset(found)


def _by_block(parsed: list[Parsed]) -> list[list[Parsed]]:
    groups: list[list[Parsed]] = []
    for item in parsed:
        if groups and groups[-1][0].block is item.block:
            groups[-1].append(item)
        else:
            groups.append([item])
    return groups


def _where(block: Block, lines: Lines):
    return lambda pos: f"line {lines.position(block.offset(pos))[0]}"


def _assumptions(builder: Builder, declared: Declared, lines: Lines, name: str) -> dict:
    """The declared relations, each with its key (its label in reports)."""
    relations: dict[Expr, str] = {}
    for key, relation, _text, block in declared.assumptions:
        try:
            built = builder.relation(relation, {})
        except BuildError as error:
            line, column = lines.position(block.offset(0))
            message = f"declarations: assume.{key}: {error.message}"
            raise ParseError(message, line, column, name) from None
        if built is False or (getattr(built, "is_Boolean", False) and built == False):  # noqa: E712
            raise ParseError(
                f"declarations: assume.{key} is false", *lines.position(block.offset(0)), name
            )
        if built is not True and built != True:  # noqa: E712
            relations.setdefault(built, key)
    return relations


def _targets(scope: Scope, declared: Declared) -> Basic | None:
    """The targets: declared, else the array named t (the post's vocabulary), else y (as most
    posts name them)."""
    wanted = declared.targets
    if wanted is not None:
        return next((o for (n, r), o in scope.objects.items() if r == 1 and n == wanted), None)
    for letter in ("t", "y"):
        for (name, rank), obj in scope.objects.items():
            if rank == 1 and name.base == letter and not name.label:
                return obj
    return None
