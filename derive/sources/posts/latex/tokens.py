"""LaTeX math as tokens: a Lark lexer for the raw text, then one pass that gives each token
its meaning for the grammar (``latex_grammar``); ``latex_rows`` splits a display into rows.

Why a pass between the lexer and the parser: in TeX a word of letters is a product of letters
(``ab`` is a times b), except the few words an ML derivation writes for functions (``log``,
``max``, ``relu``, ``softmax``); a script takes one character (``x_12`` is x_1 times 2); and
whether ``\\log`` applies to a parenthesised argument or to the next factor depends on the token
after it. Deciding these here keeps the LALR grammar free of conflicts.

Nothing here evaluates text: tokens are strings with positions (offsets into the text given).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lark import Lark, Token
from lark.exceptions import UnexpectedCharacters

from derive.sources.posts.latex.vocabulary import (
    CASES,
    DROPPED,
    FUNCTION_WORDS,
    GREEK_TEXT,
    OTHER_RELATIONS,
    PUNCT,
    RELATION_TEXT,
    SIMPLE,
    SPACING,
)

MAX_ROW_TOKENS = 1500  # a row longer than this is not read (hostile or generated text)
MAX_NESTING = 40  # brackets and braces nested deeper than this are not read

_LEXER_GRAMMAR = r"""
start: tok*
?tok: TEXTCMD | FONTCMD | BEGIN | END | TAG | LABEL | CMD | ESC | WORD | NUMBER | PUNCT | OTHER
TEXTCMD: /\\(?:text|textrm|textnormal|textit|textbf|textsf|mathrm|mathit|mathsf|mbox)\s*\{[^{}]*\}/
       | /\\operatorname\*?\s*\{[^{}]*\}/
FONTCMD: /\\(?:mathbb|mathbf|mathds|bm|boldsymbol|mathbbm)\s*\{[^{}]*\}/
BEGIN: /\\begin\s*\{[A-Za-z]+\*?\}/
END: /\\end\s*\{[A-Za-z]+\*?\}/
TAG: /\\tag\*?\s*\{[^{}]*\}/
LABEL: /\\label\s*\{[^{}]*\}/
CMD: /\\[A-Za-z]+/
ESC: /\\[^A-Za-z]/
WORD: /[A-Za-z]+/
NUMBER: /[0-9]+(?:\.[0-9]+)?/
PUNCT: /:=|[-+*\/=<>()\[\]{},.;:'&^_|!~]/
OTHER: /[^\s]|[\x0b\x0c\x1c-\x1f\x85]/
%ignore /[^\S\x0b\x0c\x1c-\x1f\x85]+/
"""
_LEXER = Lark(_LEXER_GRAMMAR, parser="lalr", lexer="basic")

_WORD_TEXT = re.compile(r"\\[A-Za-z]+\*?\s*\{([^{}]*)\}")


class LatexError(ValueError):
    """Text that cannot be read, with the offset (into the text given) where reading stopped."""

    def __init__(self, message: str, pos: int) -> None:
        super().__init__(message)
        self.message, self.pos = message, pos


@dataclass(frozen=True)
class Row:
    """One row of a display: its tokens (``&`` and tags removed), where it starts, whether an
    ``&`` opened it, the equation number a ``\\tag`` gave it, and the notes after ``&&`` that
    hold an ``=`` (not checked, but reported)."""

    tokens: tuple[Token, ...]
    start: int
    tag: str = ""
    error: LatexError | None = None
    notes: tuple[tuple[int, int, int], ...] = ()  # (its =, start, end) of each note with an =

    @property
    def equals(self) -> tuple[Token, ...]:
        """The ``=`` signs outside brackets: one per claim (or definition) of the row."""
        depth, found = 0, []
        for token in self.tokens:
            depth += token.type in OPENING
            depth -= token.type in CLOSING
            if token.type == "EQ" and depth == 0:
                found.append(token)
        return tuple(found)


OPENING = {"LPAR", "LBRACK", "LBRACE", "BEGIN_CASES"}
CLOSING = {"RPAR", "RBRACK", "RBRACE", "END_CASES"}
PAIRS = {"LPAR": "RPAR", "LBRACK": "RBRACK", "LBRACE": "RBRACE", "BEGIN_CASES": "END_CASES"}


def make_token(kind: str, value: str, start: int, end: int) -> Token:
    return Token(kind, value, start_pos=start, end_pos=end)


def lex(text: str) -> list[Token]:
    """The raw tokens of ``text`` (positions are offsets into it). Raises LatexError."""
    try:
        return list(_LEXER.lex(text))
    except UnexpectedCharacters as error:
        position = error.pos_in_stream
        raise LatexError(f"unexpected character {text[position]!r}", position) from None


def text_argument(value: str) -> str:
    """The braced argument of ``\\text{...}``-like tokens, stripped."""
    found = _WORD_TEXT.match(value)
    return found.group(1).strip() if found else ""


def classify(raw: list[Token]) -> list[Token]:
    """Give each raw token its grammar type; drop spacing; split words and script digits.

    Raises LatexError for a command the reader does not know.
    """
    out: list[Token] = []
    for index, token in enumerate(raw):
        try:
            out.extend(_classify_one(token, raw, index, out))
        except LatexError as error:  # reported only if the token is in a row that is read
            out.append(make_token("ERROR", error.message, error.pos, token.end_pos))
    return _mark_applications(out)


def _classify_one(token: Token, raw: list[Token], index: int, out: list[Token]) -> list[Token]:
    start, end, value = token.start_pos, token.end_pos, str(token)
    previous = out[-1].type if out else ""
    kind = token.type
    if kind == "WORD":
        return _word(value, start, previous)
    if kind == "NUMBER":
        if previous in ("SUB", "SUP", "FRAC") and len(value) > 1 and value.isdigit():
            return [
                make_token("NUMBER", ch, start + i, start + i + 1) for i, ch in enumerate(value)
            ]
        return [make_token("NUMBER", value, start, end)]
    if kind == "PUNCT":
        if value == "~":
            return []
        if value in ("|", "!", ":"):
            raise LatexError(
                f"{value!r} is not read (write abs(), factorials, ... in words)", start
            )
        return [make_token(PUNCT[value], RELATION_TEXT.get(value, value), start, end)]
    if kind == "ESC":
        return _escape(value, start, end)
    if kind == "TEXTCMD":
        return [_text(value, start, end)]
    if kind == "FONTCMD":
        inner = text_argument(value)
        if inner in ("1", "I"):
            return [make_token("INDICATOR", value, start, end)]
        if len(inner) == 1 and inner.isalpha():
            return [make_token("LETTER", inner, start, end)]
        raise LatexError(f"{value} is not read", start)
    if kind == "BEGIN":
        name = text_argument(value)
        if name in CASES:
            return [make_token("BEGIN_CASES", value, start, end)]
        return [make_token("BEGIN_ENV", name, start, end)]
    if kind == "END":
        name = text_argument(value)
        if name in CASES:
            return [make_token("END_CASES", value, start, end)]
        return [make_token("END_ENV", name, start, end)]
    if kind == "TAG":
        return [make_token("TAG", text_argument(value), start, end)]
    if kind == "LABEL":
        return []
    if kind == "OTHER":
        if value.isalpha() and not value.isascii():
            return [make_token("LETTER", value, start, end)]
        raise LatexError(f"unexpected character {value!r}", start)
    return _command(value, start, end, raw, index)


def _word(value: str, start: int, previous: str) -> list[Token]:
    if value in FUNCTION_WORDS and previous not in ("SUB", "SUP"):
        return [make_token("FUNC", FUNCTION_WORDS[value], start, start + len(value))]
    return [make_token("LETTER", ch, start + i, start + i + 1) for i, ch in enumerate(value)]


def _escape(value: str, start: int, end: int) -> list[Token]:
    if value == "\\\\":
        return [make_token("ROWSEP", value, start, end)]
    if value in SPACING:
        return []
    if value == "\\{":
        return [make_token("LPAR", "(", start, end)]
    if value == "\\}":
        return [make_token("RPAR", ")", start, end)]
    raise LatexError(f"{value} is not read", start)


def _text(value: str, start: int, end: int) -> Token:
    inner = text_argument(value)
    word = inner.strip().rstrip(",.;:").strip().lower()
    if inner in FUNCTION_WORDS:
        return make_token("FUNC", FUNCTION_WORDS[inner], start, end)
    if inner == "d" and value.startswith(("\\mathrm", "\\operatorname", "\\text")):
        return make_token("DIFF_D", "d", start, end)
    if inner == "e" and value.startswith("\\mathrm"):
        return make_token("LETTER", "e", start, end)
    if value.startswith("\\operatorname"):
        raise LatexError(f"{value}: an unknown function is not read", start)
    if word in ("if", "for", "when", "where"):
        return make_token("IF", inner, start, end)
    if word in ("else", "otherwise", "else,", "sonst"):
        return make_token("ELSE", inner, start, end)
    if value.startswith(("\\text", "\\mbox")):
        return make_token("NOTE", inner, start, end)  # prose: a row's annotation
    return make_token("NAME", inner, start, end)  # \mathrm{total}: part of a name, in a subscript


def _command(value: str, start: int, end: int, raw: list[Token], index: int) -> list[Token]:
    if value in DROPPED:
        return []
    if value in SIMPLE:
        kind = SIMPLE[value]
        shown = {"LETTER": "π", "LPAR": "(", "RPAR": ")"}.get(kind, value)
        return [make_token(kind, RELATION_TEXT.get(value, shown), start, end)]
    if value in OTHER_RELATIONS:
        return [make_token("OTHER_REL", value, start, end)]
    if value == r"\partial":
        return [make_token("PARTIAL", value, start, end)]
    name = value[1:]
    if name in FUNCTION_WORDS:
        return [make_token("FUNC", FUNCTION_WORDS[name], start, end)]
    if name == "Delta" and index + 1 < len(raw) and _is_letter_right_after(raw, index):
        # \Delta W is one name (an update), as ML derivations write it
        return [make_token("DELTA_PREFIX", "Δ", start, end)]
    if name in GREEK_TEXT:
        return [make_token("LETTER", GREEK_TEXT[name], start, end)]
    if name in ("cdots", "dots", "ldots", "vdots"):
        raise LatexError(f"{value}: elided terms are not read", start)
    raise LatexError(f"{value} is not read (unknown command)", start)


def _is_letter_right_after(raw: list[Token], index: int) -> bool:
    following = raw[index + 1]
    return following.type == "WORD" and following.start_pos - raw[index].end_pos <= 1


def _mark_applications(tokens: list[Token]) -> list[Token]:
    """FUNC becomes FUNC_CALL before a bracket or brace (``\\log(x)``, ``\\log{x}``) and
    FUNC_LOOSE otherwise (``\\log x``); ``\\partial`` and ``d`` alone (an operator, as in
    ``\\frac{\\partial}{\\partial x}``) become PARTIAL_ALONE / DIFF_D_ALONE; ``\\Delta`` and the
    letter after it become one LETTER."""
    out: list[Token] = []
    skip = 0
    after = _after_scripts(tokens)
    for index, token in enumerate(tokens):
        if skip:
            skip -= 1
            continue
        following = tokens[after[index + 1]] if index + 1 < len(tokens) else None
        kind = token.type
        sigma = kind == "LETTER" and token == "\N{GREEK SMALL LETTER SIGMA}"
        if kind == "FUNC" or (sigma and _opens(following)):
            name = "sigmoid" if kind == "LETTER" else str(token)
            if following is not None and following.type == "PRIME":
                name += "'"
            kind = "FUNC_CALL" if _opens(following) else "FUNC_LOOSE"
            token = make_token(kind, name, token.start_pos, token.end_pos)
        elif kind in ("PARTIAL", "DIFF_D") and (following is None or following.type == "RBRACE"):
            token = make_token(kind + "_ALONE", str(token), token.start_pos, token.end_pos)
        elif (
            kind == "INDICATOR"
            and index + 1 < len(tokens)
            and tokens[index + 1].type
            in (
                "LBRACK",
                "LPAR",
            )
        ):
            token = make_token("INDICATOR_OPEN", str(token), token.start_pos, token.end_pos)
        elif kind == "DELTA_PREFIX":
            letter = tokens[index + 1]
            token = make_token("LETTER", "Δ" + str(letter), token.start_pos, letter.end_pos)
            skip = 1
        out.append(token)
    return [
        t
        for i, t in enumerate(out)
        if not (
            t.type == "PRIME" and i and out[i - 1].type == "FUNC_CALL" and out[i - 1][-1] == "'"
        )
    ]


def _opens(token: Token | None) -> bool:
    return token is not None and token.type in ("LPAR", "LBRACE", "PRIME")


def _after_scripts(tokens: list[Token]) -> list[int]:
    """For each index, the index of the first token at or after it that is not part of the
    scripts starting there (``_2``, ``^{..}``), at most the last index. One pass from the end,
    with the braces matched first: linear, however long a run of scripts (``x_a_a_a...``)."""
    closing = _matching_braces(tokens)
    last = len(tokens) - 1
    after = [0] * (len(tokens) + 1)
    after[len(tokens)] = max(last, 0)
    for index in range(len(tokens) - 1, -1, -1):
        if tokens[index].type not in ("SUB", "SUP"):
            after[index] = min(index, last)
            continue
        argument = index + 1
        if argument < len(tokens) and tokens[argument].type == "LBRACE":
            end = closing.get(argument, len(tokens))  # one past the closing brace
        else:
            end = argument + 1
        after[index] = after[min(end, len(tokens))]
    return after


def _matching_braces(tokens: list[Token]) -> dict[int, int]:
    """Index of each ``{`` -> one past its ``}`` (an unclosed one is absent)."""
    found: dict[int, int] = {}
    open_at: list[int] = []
    for index, token in enumerate(tokens):
        if token.type == "LBRACE":
            open_at.append(index)
        elif token.type == "RBRACE" and open_at:
            found[open_at.pop()] = index + 1
    return found
