"""A display split into rows: environments such as ``align*`` opened, rows at ``\\\\``, cells at
``&`` (a cell after ``&&`` is a note and dropped; one that holds an ``=`` is kept aside, to be
reported as not checked), ``\\tag`` kept aside, and what makes a row
unreadable found before it is parsed (brackets that do not match, nesting, length), with the
position of the culprit.
"""

from __future__ import annotations

from collections.abc import Iterator

from lark import Token

from derive.sources.posts.latex.tokens import (
    CLOSING,
    MAX_NESTING,
    MAX_ROW_TOKENS,
    OPENING,
    PAIRS,
    LatexError,
    Row,
    classify,
    lex,
    make_token,
)
from derive.sources.posts.latex.vocabulary import CONTAINERS

# a display longer than this is not read (the largest in real posts is well under 1000; lexing
# costs microseconds a token, so a megabyte of math costs seconds)
MAX_DISPLAY_CHARS = 20_000
# implications that may open a row: what follows is a formula of its own
CONNECTIVES = frozenset([r"\implies", r"\Rightarrow", r"\Longrightarrow", r"\therefore"])


def rows(text: str) -> list[Row]:
    """The rows of a display's text: environments such as ``align*`` opened, rows split at
    ``\\\\``, cells at ``&`` (a cell after ``&&`` is a note and dropped), ``\\tag`` kept aside.

    A row that cannot be lexed becomes a Row with an ``error`` (the others are still read);
    a display longer than ``MAX_DISPLAY_CHARS`` is one such row, found before any lexing.
    """
    if len(text) > MAX_DISPLAY_CHARS:
        message = f"the display is longer than {MAX_DISPLAY_CHARS} characters"
        return [Row((), 0, error=LatexError(message, 0))]
    try:
        tokens = classify(lex(text))
    except LatexError as error:
        return [Row((), error.pos, error=error)]
    found: list[Row] = []
    for cells, tag in _split(tokens):
        kept, dropped = _drop_notes(cells)
        flat, number = _equation_number(_cases_commas(tuple(t for cell in kept for t in cell)))
        flat = _real_domain(_trailing_equals(_trailing_word(_comment(flat), text)), text)
        flat = _quantified(_quads(_bracketed_condition(_connective(flat))))
        start = flat[0].start_pos if flat else (cells[0][0].start_pos if cells[0] else 0)
        row = Row(flat, start, tag or number, row_problem(flat), _claims_in_notes(dropped))
        found.append(row)
    return [r for r in found if r.tokens or r.tag or r.error or r.notes]


def _split(tokens: list[Token]) -> Iterator[tuple[list[list[Token]], str]]:
    cells: list[list[Token]] = [[]]
    tag, depth = "", 0
    for token in tokens:
        if token.type in ("BEGIN_ENV", "END_ENV") and depth == 0:
            if token not in CONTAINERS:
                cells[-1].append(token)  # reported by row_problem
            continue
        if token.type == "TAG":
            tag = str(token)
            continue
        # only TeX groups and cases hide & and \\ (a bracket left open must not swallow rows)
        depth += token.type in ("LBRACE", "BEGIN_CASES")
        depth -= token.type in ("RBRACE", "END_CASES")
        depth = max(depth, 0)
        if depth == 0 and token.type == "ROWSEP":
            yield cells, tag
            cells, tag = [[]], ""
        elif depth == 0 and token.type == "AMP":
            cells.append([])
        else:
            cells[-1].append(token)
    yield cells, tag


def _drop_notes(cells: list[list[Token]]) -> tuple[list[list[Token]], list[list[Token]]]:
    """Cells come in pairs (``a &= b``); a pair whose left cell is empty after the first
    (``a &= b && note``) starts the annotations, dropped. Further pairs (``a &= b & c &= d``)
    are separate equations: a comma goes between them. Returns (kept, dropped)."""
    kept = [cells[0], *cells[1:2]]
    for number in range(2, len(cells), 2):
        left, right = cells[number], cells[number + 1 : number + 2]
        if not left:
            return kept, [cell for cell in cells[number:] if cell]
        kept += [[make_token("COMMA", ",", left[0].start_pos, left[0].start_pos)], left, *right]
    return kept, []


def _connective(tokens: tuple[Token, ...]) -> tuple[Token, ...]:
    """``\\Rightarrow f'(x) = 1 - \\tanh^2 x``, ``\\therefore \\quad a = b``: a row that
    starts with an implication says it follows from the row before; what follows it is the
    row's formula (the arrow, and spacing after it, are dropped)."""
    index = 0
    while index < len(tokens) and tokens[index].type == "PERIOD":
        if str(tokens[index]) not in CONNECTIVES:
            return tokens
        index += 1
        while index < len(tokens) and tokens[index].type == "QUAD":
            index += 1
    return tokens[index:]


# a hand-written equation number after spacing at the end of a row: "\qquad (6)", "\quad (4.61)."
_NUMBER_TAIL = ("QUAD", "LPAR", "NUMBER", "RPAR")


def _equation_number(tokens: tuple[Token, ...]) -> tuple[tuple[Token, ...], str]:
    """``a = b \\qquad (6)``: posts number equations by hand as often as with ``\\tag``; a
    bracketed number set apart by ``\\quad`` or ``\\qquad`` at the very end of a row that holds
    a relation is its number (read as a factor, it would make a true row false). Returns the
    tokens without it, and the number ("" when there is none)."""
    end = len(tokens)
    while end and tokens[end - 1].type in ("PERIOD", "COMMA"):
        end -= 1
    tail = tokens[end - len(_NUMBER_TAIL) : end] if end >= len(_NUMBER_TAIL) else ()
    if tuple(t.type for t in tail) != _NUMBER_TAIL:
        return tokens, ""
    if not any(t.type == "EQ" for t in tokens[: end - len(_NUMBER_TAIL)]):
        return tokens, ""
    return tokens[: end - len(_NUMBER_TAIL)] + tokens[end:], str(tail[2])


def _cases_commas(tokens: tuple[Token, ...]) -> tuple[Token, ...]:
    """``\\begin{cases} 0, & z < 0, \\\\ 1, & z > 0 \\end{cases}``: a comma that ends a value or
    a condition of a case is punctuation."""
    kept, depth = [], 0
    for index, token in enumerate(tokens):
        depth += token.type == "BEGIN_CASES"
        depth -= token.type == "END_CASES"
        following = tokens[index + 1].type if index + 1 < len(tokens) else ""
        if depth and token.type == "COMMA" and following in ("AMP", "ROWSEP", "END_CASES"):
            continue
        kept.append(token)
    return tuple(kept)


def _trailing_word(tokens: tuple[Token, ...], text: str) -> tuple[Token, ...]:
    """``a = b \\quad \\text{incorrect}``: a word set apart at the end of a row that holds a
    relation is the author's annotation (a name there would multiply the right side)."""
    if len(tokens) < 3 or tokens[-2].type != "QUAD" or tokens[-1].type != "LETTER":
        return tokens
    last = tokens[-1]
    if not text[last.start_pos : last.end_pos].startswith(("\\text", "\\mbox")):
        return tokens
    if not any(t.type == "EQ" for t in tokens[:-2]):
        return tokens
    note = make_token("NOTE", str(last), last.start_pos, last.end_pos)
    return (*tokens[:-1], note)


def _comment(tokens: tuple[Token, ...]) -> tuple[Token, ...]:
    """``a = b \\qquad // the derivative of \\ln x is 1/x``: a comment as code writes one, set
    apart by spacing after a row with an ``=``, is the author's note up to the row's end."""
    for index in range(1, len(tokens) - 2):
        pair = tokens[index + 1].type == tokens[index + 2].type == "SLASH"
        if not pair or tokens[index].type != "QUAD":
            continue
        if tokens[index + 1].end_pos != tokens[index + 2].start_pos:
            continue
        if _has_equals(tokens[:index]):
            last = tokens[-1]
            note = make_token("NOTE", "comment", tokens[index + 1].start_pos, last.end_pos)
            return (*tokens[: index + 1], note)
    return tokens


def _trailing_equals(tokens: tuple[Token, ...]) -> tuple[Token, ...]:
    """``A = B =`` at the end of a display whose right side is the next display (``$$= C$$``):
    the last ``=`` relates B to what comes next, so the row itself says A = B."""
    if len(tokens) > 2 and tokens[-1].type == "EQ" and tokens[-2].type != "EQ":
        return tokens[:-1]
    return tokens


def _bracketed_condition(tokens: tuple[Token, ...]) -> tuple[Token, ...]:
    """``g'(z) = 0.01 \\quad (z < 0)``: a relation in brackets set apart by ``\\quad`` at the
    end of a row that holds an ``=`` is the row's condition, as ``\\quad z < 0`` (read as a
    factor, the bracket would be a truth value times the right side)."""
    end = len(tokens)
    while end and tokens[end - 1].type in ("PERIOD", "COMMA"):
        end -= 1
    if end < 4 or tokens[end - 1].type != "RPAR":
        return tokens
    depth, start = 0, None
    for index in range(end - 1, -1, -1):
        depth += tokens[index].type in CLOSING
        depth -= tokens[index].type in OPENING
        if depth == 0:
            start = index
            break
    if not start or tokens[start].type != "LPAR" or tokens[start - 1].type != "QUAD":
        return tokens
    inner, depth, relation = tokens[start + 1 : end - 1], 0, False
    for token in inner:
        depth += token.type in OPENING
        depth -= token.type in CLOSING
        relation |= depth == 0 and token.type in ("EQ", "REL")
    if not relation or not _has_equals(tokens[: start - 1]):
        return tokens
    return (*tokens[:start], *inner, *tokens[end:])


def _has_equals(tokens: tuple[Token, ...]) -> bool:
    depth = 0
    for token in tokens:
        depth += token.type in OPENING
        depth -= token.type in CLOSING
        if depth == 0 and token.type == "EQ":
            return True
    return False


def _quads(tokens: tuple[Token, ...]) -> tuple[Token, ...]:
    """``\\quad`` separates two formulas (``a = b \\quad c = d``, ``a = b \\quad i = j``)
    when a relation stands on both sides of it; anywhere else it is spacing."""
    depth, relations = 0, []
    for index, token in enumerate(tokens):
        depth += token.type in OPENING
        depth -= token.type in CLOSING
        if depth == 0 and token.type in ("EQ", "REL"):
            relations.append(index)
    kept = []
    for index, token in enumerate(tokens):
        if token.type != "QUAD" or (relations and relations[0] < index < relations[-1]):
            kept.append(token)
    return tuple(kept)


# how posts write the real numbers: the reader's default domain for every name
_REALS = ("\\mathbb{R}", "\\R", "\\mathbb R", "\\Bbb{R}", "\\reals", "\\Reals")


def _real_domain(tokens: tuple[Token, ...], text: str) -> tuple[Token, ...]:
    """``\\tanh z = 2\\sigma(2z) - 1, \\quad z \\in \\mathbb{R}``: names said to be real
    numbers, after the formula, say what the reader assumes anyway; the clause is a note of
    the row (``\\in`` is no relation to read). Any other set (``\\mathbb{R}^+``, an
    interval) is left as written: it would restrict the row."""
    end = len(tokens)
    while end and tokens[end - 1].type in ("PERIOD", "COMMA"):
        end -= 1
    if end < 4 or text[tokens[end - 1].start_pos : tokens[end - 1].end_pos] not in _REALS:
        return tokens
    if tokens[end - 2].type != "OTHER_REL" or str(tokens[end - 2]) != "\\in":
        return tokens
    start = end - 2
    while start and tokens[start - 1].type in ("LETTER", "COMMA"):
        start -= 1
    while start < end - 2 and tokens[start].type == "COMMA":
        start += 1
    names = tokens[start : end - 2]
    if not names or not start or tokens[start - 1].type not in ("QUAD", "COMMA"):
        return tokens
    if not _has_equals(tokens[:start]):
        return tokens
    note = make_token("NOTE", "real", tokens[start].start_pos, tokens[end - 1].end_pos)
    return (*tokens[:start], note, *tokens[end:])


def _quantified(tokens: tuple[Token, ...]) -> tuple[Token, ...]:
    """``S_i = ... \\qquad \\forall i \\in 1, \\dots, N``: a quantifier over a set after a
    formula says where its index runs; the clause is a note of the row (as ``\\text{...}``),
    not a relation to read (``\\in`` is none)."""
    depth, seen_relation = 0, False
    for index, token in enumerate(tokens):
        depth += token.type in OPENING
        depth -= token.type in CLOSING
        seen_relation |= depth == 0 and token.type == "EQ"
        if depth or not seen_relation or token.type not in ("IF", "IF_COND"):
            continue
        if str(token) != r"\forall":
            continue
        clause = tokens[index:]
        if any(t.type == "OTHER_REL" and str(t) == r"\in" for t in clause):
            note = make_token("NOTE", "for all", token.start_pos, clause[-1].end_pos)
            return (*tokens[:index], note)
    return tokens


def _claims_in_notes(dropped: list[list[Token]]) -> tuple[tuple[int, int, int], ...]:
    """(offset of its first ``=``, start, end) of each note cell that holds an ``=`` outside
    brackets: not checked, but reported as such (never dropped silently)."""
    found = []
    for cell in dropped:
        depth, equal = 0, None
        for token in cell:
            depth += token.type in OPENING
            depth -= token.type in CLOSING
            if token.type == "EQ" and depth == 0 and equal is None:
                equal = token.start_pos
        if equal is not None:
            found.append((equal, cell[0].start_pos, cell[-1].end_pos))
    return tuple(found)


def row_problem(tokens: tuple[Token, ...]) -> LatexError | None:
    """Brackets that do not match, nesting too deep, too long: found before parsing, with the
    position of the culprit (the parser would only see the end of the row)."""
    if len(tokens) > MAX_ROW_TOKENS:
        return LatexError(
            f"the row is too long to read ({len(tokens)} tokens)", tokens[0].start_pos
        )
    stack: list[Token] = []
    for token in tokens:
        if token.type == "ERROR":
            return LatexError(str(token), token.start_pos)
        if token.type == "BEGIN_ENV":
            return LatexError(f"the environment {token} is not read", token.start_pos)
        if token.type in OPENING:
            stack.append(token)
            if len(stack) > MAX_NESTING:
                return LatexError(f"nested more than {MAX_NESTING} deep", token.start_pos)
        elif token.type in CLOSING:
            if not stack or PAIRS[stack[-1].type] != token.type:
                return LatexError(f"{_shown(token)} closes nothing", token.start_pos)
            stack.pop()
    if stack:
        opened = stack[-1]
        return LatexError(f"{_shown(opened)} is never closed", opened.start_pos)
    return None


def _shown(token: Token) -> str:
    return {"LBRACE": "'{'", "RBRACE": "'}'", "BEGIN_CASES": r"\begin{cases}"}.get(
        token.type, repr(str(token)) if token.type != "END_CASES" else r"\end{cases}"
    )
