"""Fonts, colours and decorations, resolved on the raw tokens before they get a grammar type.

Real posts dress their letters: ``\\mathbf{x}``, ``\\boldsymbol{\\theta}``, ``\\textcolor{red}{
-p_k p_i}``, ``\\hat{y}``, ``\\mathcal{L}``. Two rules (docs/posts.md, "Names"):

- a **style** is read through: ``\\mathbf{x}``, ``\\bm{x}`` and ``x`` are the same letter (a
  font says "vector", not "another quantity"), and so are colours, boxes and cancellations;
- a **decoration** makes another name: ``\\hat{y}`` (ŷ) is not ``y``, ``\\bar{x}`` is not ``x``;
  a calligraphic letter is another name too (``\\mathcal{L}`` is script L, not L).

Both passes are linear in the number of tokens: matching braces are found once with a stack.
"""

from __future__ import annotations

import unicodedata

from lark import Token

from derive.sources.posts.latex.vocabulary import GREEK_TEXT

STYLES = frozenset(
    [
        r"\mathbf",
        r"\boldsymbol",
        r"\bm",
        r"\textbf",
        r"\mathit",
        r"\mathsf",
        r"\textsf",
        r"\textit",
        r"\vec",
        r"\pmb",
        r"\mathbold",
        r"\mathnormal",
        r"\mathtt",
        r"\texttt",
        r"\boxed",
        r"\cancel",
        r"\bcancel",
        r"\xcancel",
        r"\displaylines",
        r"\underline",
        r"\mathop",
        r"\smash",
        r"\underbrace",
        r"\overbrace",
        r"\bbox",
    ]
)
FIRST_ARGUMENT_DROPPED = frozenset(
    [r"\textcolor", r"\colorbox", r"\underset", r"\overset", r"\stackrel", r"\fcolorbox", r"\href"]
)
DROPPED_WITH_ARGUMENT = frozenset(
    [r"\color", r"\hspace", r"\vspace", r"\phantom", r"\hphantom", r"\vphantom"]
)
ANNOTATED = {r"\underbrace": "_", r"\overbrace": "^"}  # their annotation script is dropped
DECORATIONS = {
    r"\hat": "\N{COMBINING CIRCUMFLEX ACCENT}",
    r"\widehat": "\N{COMBINING CIRCUMFLEX ACCENT}",
    r"\bar": "\N{COMBINING MACRON}",
    r"\overline": "\N{COMBINING MACRON}",
    r"\tilde": "\N{COMBINING TILDE}",
    r"\widetilde": "\N{COMBINING TILDE}",
    r"\dot": "\N{COMBINING DOT ABOVE}",
    r"\ddot": "\N{COMBINING DIAERESIS}",
    r"\check": "\N{COMBINING CARON}",
    r"\breve": "\N{COMBINING BREVE}",
    r"\acute": "\N{COMBINING ACUTE ACCENT}",
    r"\grave": "\N{COMBINING GRAVE ACCENT}",
    r"\mathring": "\N{COMBINING RING ABOVE}",
}
SCRIPT_FONTS = {r"\mathcal": "SCRIPT", r"\cal": "SCRIPT", r"\mathscr": "SCRIPT"}
SCRIPT_FONTS[r"\mathfrak"] = "FRAKTUR"


def _matches(raw: list[Token]) -> dict[int, int]:
    """Index of each ``{`` -> index of its ``}`` (unmatched braces are left to the row check)."""
    found: dict[int, int] = {}
    stack: list[int] = []
    for index, token in enumerate(raw):
        if token.type == "PUNCT" and token == "{":
            stack.append(index)
        elif token.type == "PUNCT" and token == "}" and stack:
            found[stack.pop()] = index
    return found


def _group(raw: list[Token], matches: dict[int, int], index: int) -> tuple[int, int] | None:
    """(first, last) indices of the argument at ``index``: a braced group or one token."""
    if index >= len(raw):
        return None
    if raw[index].type == "PUNCT" and raw[index] == "{":
        end = matches.get(index)
        return None if end is None else (index, end)
    if raw[index].type == "PUNCT" and raw[index] in "}&":
        return None
    return index, index


def unwrap_styles(raw: list[Token]) -> list[Token]:
    """Styles, colours and boxes read through; colour names and spacing arguments dropped."""
    matches = _matches(raw)
    drop: set[int] = set()
    for index, token in enumerate(raw):
        if token.type != "CMD" or index in drop:
            continue
        value = str(token)
        if value in STYLES:
            drop.add(index)
            _unwrap(raw, matches, index + 1, drop)
            if value in ANNOTATED:
                _drop_annotation(raw, matches, index + 1, ANNOTATED[value], drop)
        elif value in FIRST_ARGUMENT_DROPPED:
            drop.add(index)
            first = _group(raw, matches, index + 1)
            if first is not None:
                drop.update(range(first[0], first[1] + 1))
                if value == r"\fcolorbox":
                    second = _group(raw, matches, first[1] + 1)
                    if second is not None:
                        drop.update(range(second[0], second[1] + 1))
                        first = second
                _unwrap(raw, matches, first[1] + 1, drop)
        elif value in DROPPED_WITH_ARGUMENT:
            drop.add(index)
            group = _group(raw, matches, index + 1)
            if group is not None and raw[group[0]] == "{":
                drop.update(range(group[0], group[1] + 1))
    return [t for i, t in enumerate(raw) if i not in drop]


def _unwrap(raw: list[Token], matches: dict[int, int], index: int, drop: set[int]) -> None:
    """Drop the braces of the group at ``index`` (its content stays)."""
    group = _group(raw, matches, index)
    if group is not None and group[0] != group[1]:
        drop.update(group)


def _drop_annotation(raw, matches, index: int, script: str, drop: set[int]) -> None:
    group = _group(raw, matches, index)
    after = group[1] + 1 if group is not None else index
    if after < len(raw) and raw[after].type == "PUNCT" and raw[after] == script:
        annotation = _group(raw, matches, after + 1)
        if annotation is not None:
            drop.update(range(after, annotation[1] + 1))


def decorate(raw: list[Token]) -> list[Token]:
    """``\\hat{y}``, ``\\hat y``, ``\\hat{x_i}``, ``\\mathcal{L}`` become one DECORATED token (a
    letter of its own) followed by the scripts written inside; anything else decorated becomes
    an ERROR_RAW token at the command."""
    matches = _matches(raw)
    out: list[Token] = []
    skip_to = -1
    for index, token in enumerate(raw):
        if index <= skip_to:
            continue
        value = str(token)
        if token.type != "CMD" or (value not in DECORATIONS and value not in SCRIPT_FONTS):
            out.append(token)
            continue
        group = _group(raw, matches, index + 1)
        inner = [] if group is None else _inner(raw, group)
        braced = group is not None and group[0] != group[1]
        made = _decorated(token, inner, braced)
        if made is not None and braced:  # the decorated name ends at its closing brace
            last = made[-1]
            made[-1] = Token(
                last.type, str(last), start_pos=last.start_pos, end_pos=raw[group[1]].end_pos
            )
        if made is None:
            error = Token("ERROR_RAW", f"{value} over more than one letter is not read")
            error.start_pos, error.end_pos = token.start_pos, token.end_pos
            out.append(error)
            skip_to = index if group is None else group[1]
            continue
        out.extend(made)
        skip_to = group[1] if group is not None else index
    return out


def _inner(raw: list[Token], group: tuple[int, int]) -> list[Token]:
    first, last = group
    return raw[first + 1 : last] if first != last else [raw[first]]


def _decorated(command: Token, inner: list[Token], braced: bool) -> list[Token] | None:
    """The decorated letter and what follows it inside the group (scripts only), or None."""
    if not inner:
        return None
    head, rest = inner[0], inner[1:]
    letter = _letter(head)
    name = None if letter is None else _name(str(command), letter)
    if name is None:
        return None
    tail: list[Token] = []
    if head.type == "WORD" and len(head) > 1:
        if braced:
            return None  # \hat{xy}: a decoration over a product
        tail = [_piece(head, 1)]  # \hat xy: only the x is decorated
    if rest and not (rest[0].type == "PUNCT" and str(rest[0]) in "_^'"):
        return None
    made = Token("DECORATED", name)
    made.start_pos, made.end_pos = command.start_pos, head.start_pos + len(letter)
    return [made, *tail, *rest]


def _letter(token: Token) -> str | None:
    if token.type == "WORD":
        return str(token)[0]
    if token.type == "CMD" and str(token)[1:] in GREEK_TEXT:
        return GREEK_TEXT[str(token)[1:]]
    return None


def _piece(word: Token, start: int) -> Token:
    made = Token("WORD", str(word)[start:])
    made.start_pos, made.end_pos = word.start_pos + start, word.end_pos
    return made


def _name(command: str, letter: str) -> str | None:
    if command in DECORATIONS:
        return unicodedata.normalize("NFC", letter + DECORATIONS[command])
    style = SCRIPT_FONTS[command]
    case = "CAPITAL" if letter.isupper() else "SMALL"
    for name in (
        f"MATHEMATICAL {style} {case} {letter.upper()}",
        f"{style} {case} {letter.upper()}",
    ):
        try:
            return unicodedata.lookup(name)
        except KeyError:
            continue
    return None
