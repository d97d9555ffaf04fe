"""LaTeX math as tokens: a Lark lexer for the raw text, then one pass that gives each token
its meaning for the grammar (``latex_grammar``); ``latex_rows`` splits a display into rows.

Why a pass between the lexer and the parser: a word of letters is a function (``log``,
``Softmax``), one name (``Loss``, ``CE``) or, written as a pair of letters, a product (``wx``
is w times x); a script takes one character (``x_12`` is x_1 times 2); whether ``\\log``
applies to a parenthesised argument or to the next factor, and whether ``f(z)`` may be an
application, depends on the tokens around it (``marks``). Deciding these here keeps the LALR
grammar free of conflicts.

Nothing here evaluates text: tokens are strings with positions (offsets into the text given).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lark import Lark, Token
from lark.exceptions import UnexpectedCharacters

from derive.sources.posts.latex.marks import mark
from derive.sources.posts.latex.styles import decorate, unwrap_styles
from derive.sources.posts.latex.vocabulary import (
    CASES,
    DROPPED,
    FUNCTION_WORDS,
    GREEK_TEXT,
    NAME_WORDS,
    OTHER_RELATIONS,
    PROSE_WORDS,
    PUNCT,
    RELATION_TEXT,
    SIMPLE,
    SPACING,
    SUFFIX_WORDS,
    function_word,
)

MAX_ROW_TOKENS = 1500  # a row longer than this is not read (hostile or generated text)
MAX_NESTING = 40  # brackets and braces nested deeper than this are not read

_LEXER_GRAMMAR = r"""
start: tok*
?tok: TEXTCMD | FONTCMD | BEGIN | END | TAG | LABEL | CMD | ESC | WORD | NUMBER | PUNCT | OTHER
TEXTCMD: /\\(?:text|textrm|textnormal|mathrm|mbox)\s*\{[^{}]*\}/
       | /\\operatorname\*?\s*\{[^{}]*\}/
FONTCMD: /\\(?:mathbb|mathds|mathbbm)\s*\{[^{}]*\}/
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
    """Give each raw token its grammar type; drop spacing; split words and script digits;
    read styles and decorations first (``styles``), then mark what depends on neighbours
    (``marks``).

    A command the reader does not know becomes an ERROR token, reported only if it is in a row
    that is read.
    """
    raw = decorate(unwrap_styles(_over(_evaluation_bars(raw))))
    out: list[Token] = []
    scripts = _Scripts()
    for index, token in enumerate(raw):
        try:
            made = _classify_one(token, raw, index, out, scripts.inside(out))
        except LatexError as error:  # reported only if the token is in a row that is read
            made = [make_token("ERROR", error.message, error.pos, token.end_pos)]
        for new in made:
            scripts.push(out, new)
            out.append(new)
    return mark(out)


def _evaluation_bars(raw: list[Token]) -> list[Token]:
    """``\\left. \\frac{d}{dz} \\tanh z \\right|_{z=0}``: the derivative evaluated at a point.
    The opening ``\\left.`` and its own ``\\right|`` become one token each; any other
    ``\\left``/``\\right`` pair is left to be dropped as sizing."""
    out: list[Token] = []
    opened: list[bool] = []  # per \left: is it the opening of an evaluation bar?
    index = 0
    while index < len(raw):
        token, after = raw[index], raw[index + 1] if index + 1 < len(raw) else None
        value, next_value = str(token), str(after) if after is not None else ""
        if token.type == "CMD" and value == "\\left":
            bar = next_value == "."
            opened.append(bar)
            if bar:
                out.append(make_token("EVAL_OPEN", "\\left.", token.start_pos, after.end_pos))
                index += 2
                continue
        elif token.type == "CMD" and value == "\\right" and opened:
            bar = opened.pop() and next_value in ("|", "\\vert", "\\rvert")
            if bar:
                out.append(make_token("EVAL_CLOSE", "\\right|", token.start_pos, after.end_pos))
                index += 2
                continue
        out.append(token)
        index += 1
    return out


def _over(raw: list[Token]) -> list[Token]:
    """``{a \\over b}`` (plain TeX's fraction, which MathJax renders) as ``\\frac{a}{b}``: one
    ``\\over`` in a brace group splits it; a second one in the same group, or one outside any
    group, stays unknown (reported where it is)."""
    out: list[Token] = []
    groups: list[list] = []  # per open brace: [its index in out, the index of its \over]
    for token in raw:
        value = str(token)
        if token.type == "PUNCT" and value == "{":
            groups.append([len(out), None])
        elif token.type == "CMD" and value == "\\over" and groups and groups[-1][1] is None:
            groups[-1][1] = len(out)
        elif token.type == "PUNCT" and value == "}" and groups:
            start, over = groups.pop()
            if over is not None:
                opening, middle = out[start], out[over]
                numerator, denominator = out[start + 1 : over], out[over + 1 :]
                out[start:] = [
                    make_token("CMD", "\\frac", opening.start_pos, opening.end_pos),
                    opening,
                    *numerator,
                    make_token("PUNCT", "}", middle.start_pos, middle.start_pos),
                    make_token("PUNCT", "{", middle.end_pos, middle.end_pos),
                    *denominator,
                ]
        out.append(token)
    return out


class _Scripts:
    """Whether the next token is a script's argument (``_k``, ``^{out}``): after ``_`` or
    ``^``, or inside the braces right after one. Kept as the tokens are made (linear)."""

    def __init__(self) -> None:
        self.braces: list[bool] = []  # per open brace: does it hold a script's argument?

    def inside(self, out: list[Token]) -> bool:
        if out and out[-1].type in ("SUB", "SUP"):
            return True
        return bool(self.braces) and self.braces[-1]

    def push(self, out: list[Token], token: Token) -> None:
        if token.type == "LBRACE":
            self.braces.append(self.inside(out))
        elif token.type == "RBRACE" and self.braces:
            self.braces.pop()
        elif token.type in ("ROWSEP", "AMP") and not self.braces:
            self.braces = []


def _classify_one(
    token: Token, raw: list[Token], index: int, out: list[Token], in_script: bool
) -> list[Token]:
    start, end, value = token.start_pos, token.end_pos, str(token)
    previous = out[-1].type if out else ""
    kind = token.type
    if not in_script and _expectation(value, raw, index):
        raise LatexError("the expectation E[...] is not read", start)
    subscripted = index + 1 < len(raw) and str(raw[index + 1]) == "_"
    if kind in ("EVAL_OPEN", "EVAL_CLOSE"):
        return [token]
    if kind == "WORD":
        return _word(value, start, in_script and not (subscripted and len(value) >= 3))
    if kind == "DECORATED":
        return [make_token("LETTER", value, start, end)]
    if kind == "ERROR_RAW":
        raise LatexError(value, start)
    if kind == "NUMBER":
        if previous in ("SUB", "SUP", "FRAC") and len(value) > 1 and value.isdigit():
            return [
                make_token("NUMBER", ch, start + i, start + i + 1) for i, ch in enumerate(value)
            ]
        return [make_token("NUMBER", value, start, end)]
    if kind == "PUNCT":
        if value == "~":
            return []
        if value in ("!", ":"):
            raise LatexError(f"{value!r} is not read (write factorials, ... in words)", start)
        return [make_token(PUNCT[value], RELATION_TEXT.get(value, value), start, end)]
    if kind == "ESC":
        return _escape(value, start, end)
    if kind == "TEXTCMD":
        return [_text(value, start, end, in_script and not subscripted)]
    if kind == "FONTCMD":
        return [_font(value, start, end)]
    if kind in ("BEGIN", "END"):
        name = text_argument(value)
        suffix = "CASES" if name in CASES else "ENV"
        kind = ("BEGIN_" if kind == "BEGIN" else "END_") + suffix
        return [make_token(kind, value if suffix == "CASES" else name, start, end)]
    if kind == "TAG":
        return [make_token("TAG", text_argument(value), start, end)]
    if kind == "LABEL":
        return []
    if kind == "OTHER":
        if value.isalpha() and not value.isascii():
            return [make_token("LETTER", value, start, end)]
        raise LatexError(f"unexpected character {value!r}", start)
    return _command(value, start, end, raw, index)


# the expectation operator as posts write it; followed by a bracket it is never a product
_EXPECTATION = ("E", "\\mathbb{E}", "\\mathrm{E}", "\\operatorname{E}", "\\mathbf{E}")


def _expectation(value: str, raw: list[Token], index: int) -> bool:
    """``E[X]``, ``\\mathbb{E}[x]``: read as E times a bracket, a definition of the
    expectation (``E[X] = \\sum_x x p(x)``) would be refuted."""
    following = raw[index + 1] if index + 1 < len(raw) else None
    return (
        following is not None and str(following) == "[" and value.replace(" ", "") in _EXPECTATION
    )


def _word(value: str, start: int, in_script: bool) -> list[Token]:
    """A word: a function (``log``, ``Softmax``), one name (``Loss``, ``CE``: three letters or
    more, or a known pair), or, in a script or as a pair of letters, one letter per character
    (``wx`` is w times x, ``W_{ij}`` has two indices). In a script, a word of three letters or
    more with a subscript of its own is a name too (``e^{-net_{h1}}``): the caller says so."""
    end = start + len(value)
    function = None if in_script else function_word(value)
    if function is not None:
        return [make_token("FUNC", function, start, end)]
    if len(value) > 1:
        if in_script and (len(value) >= 4 or value in SUFFIX_WORDS):
            return [make_token("NAME", value, start, end)]
        if not in_script and (len(value) >= 3 or value in NAME_WORDS):
            return [make_token("LETTER", value, start, end)]
    return [make_token("LETTER", ch, start + i, start + i + 1) for i, ch in enumerate(value)]


def _escape(value: str, start: int, end: int) -> list[Token]:
    if value == "\\\\":
        return [make_token("ROWSEP", value, start, end)]
    if value in SPACING:
        return []
    escaped = {"\\{": ("LPAR", "("), "\\}": ("RPAR", ")"), "\\|": ("NORM", "‖")}
    escaped |= {"\\_": ("SUB", "_"), "\\*": ("MULOP", "*")}  # kramdown escapes in math
    if value in escaped:
        kind, shown = escaped[value]
        return [make_token(kind, shown, start, end)]
    raise LatexError(f"{value} is not read", start)


def _text(value: str, start: int, end: int, in_script: bool) -> Token:
    """``\\text{...}``, ``\\mathrm{...}``, ``\\operatorname{...}``: a function, a name, a
    condition word, or prose (a NOTE, which separates formulas)."""
    inner = text_argument(value)
    word = inner.strip().rstrip(",.;:").strip().lower()
    if inner == "d" and value.startswith(("\\mathrm", "\\operatorname", "\\text")):
        return make_token("DIFF_D", "d", start, end)
    if in_script:
        return make_token("NAME", inner, start, end)  # E_{\text{total}}: part of a name
    function = function_word(inner.strip())
    if function is not None:
        return make_token("FUNC", function, start, end)
    if word in ("if", "for", "when", "for all", "whenever", "if and only if"):
        return make_token("IF", inner, start, end)
    if word in ("else", "otherwise", "else,", "sonst"):
        return make_token("ELSE", inner, start, end)
    name = inner.strip()
    if name.isalpha() and name.isascii() and word not in PROSE_WORDS:
        return make_token("LETTER", name, start, end)  # \mathrm{x}, \text{loss}: one name
    if value.startswith("\\operatorname"):
        raise LatexError(f"{value}: an unknown function is not read", start)
    if value.startswith(("\\text", "\\mbox")):
        return make_token("NOTE", inner, start, end)  # prose: a row's annotation
    return make_token("NAME", inner, start, end)


def _font(value: str, start: int, end: int) -> Token:
    """``\\mathbb{1}`` (the indicator), ``\\mathbb{x}`` and ``\\mathbb{\\theta}`` (letters)."""
    inner = text_argument(value)
    if inner in ("1", "I"):
        return make_token("INDICATOR", value, start, end)
    if len(inner) == 1 and inner.isalpha():
        return make_token("LETTER", inner, start, end)
    if inner.startswith("\\") and inner[1:] in GREEK_TEXT:
        return make_token("LETTER", GREEK_TEXT[inner[1:]], start, end)
    raise LatexError(f"{value} is not read", start)


def _command(value: str, start: int, end: int, raw: list[Token], index: int) -> list[Token]:
    if value in DROPPED:
        return []
    if value in SIMPLE:
        kind = SIMPLE[value]
        shown = {"LETTER": "π", "LPAR": "(", "RPAR": ")"}.get(kind, value)
        return [make_token(kind, RELATION_TEXT.get(value, shown), start, end)]
    if value in APPROXIMATE and _decimal_after(raw, index):
        # "= \frac{14}{3} \approx 4.667": equal to the digits shown, as any decimal is read
        return [make_token("EQ", "=", start, end)]
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
    if name in ("cdots", "dots", "ldots", "dotsb", "dotsc"):
        return [make_token("ELLIPSIS", value, start, end)]
    if name == "vdots":
        raise LatexError(f"{value}: elided terms are not read", start)
    raise LatexError(f"{value} is not read (unknown command)", start)


APPROXIMATE = frozenset([r"\approx", r"\simeq", r"\thickapprox"])


def _decimal_after(raw: list[Token], index: int) -> bool:
    """Whether a decimal number (``4.667``, ``-0.03``) follows, and nothing more of a formula
    before the next separator or the end."""
    after = raw[index + 1 : index + 4]
    if after and after[0].type == "PUNCT" and str(after[0]) == "-":
        after = after[1:]
    if not after or after[0].type != "NUMBER" or "." not in str(after[0]):
        return False
    rest = after[1:2]
    return not rest or str(rest[0]) in (",", ".", ";", "\\", r"\quad", r"\qquad", "&", "}")


def _is_letter_right_after(raw: list[Token], index: int) -> bool:
    following = raw[index + 1]
    return following.type == "WORD" and following.start_pos - raw[index].end_pos <= 1
