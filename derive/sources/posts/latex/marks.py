"""Token types that depend on the neighbours, decided before the LALR parser sees the tokens
(so that the grammar stays free of conflicts):

- ``^\\prime`` and ``^{\\prime}`` are primes;
- ``q.x`` (a period between two factors, no space around it) is a product;
- ``|`` and ``\\|`` open or close an absolute value or a norm; a single ``|`` or ``\\mid``
  inside brackets is a conditional bar (``P(y \\mid x)``);
- a function word before a bracket is applied to it (FUNC_CALL), otherwise to the next factor
  (FUNC_LOOSE); a letter before a bracket (``f(z)``, ``p_i(1 - p_i)``, ``J(W, b)``) may be an
  application (NAME_CALL): whether it is one is the meaning stage's decision;
- ``\\partial`` opening a fraction's numerator differentiates the whole numerator
  (PARTIAL_OP), alone it is an operator (PARTIAL_ALONE);
- ``\\sum`` followed by nothing to sum is a name for the sum just written (SUM_ALONE);
- ``\\text{if}`` with no ``\\text{else}`` in its row states the row's condition (IF_COND).

- ``dZ``, ``dW``, ``db`` outside a fraction are one name each (gradients named as code does).

Every pass is linear in the number of tokens.
"""

from __future__ import annotations

from lark import Token

OPEN = {"LPAR", "LBRACK", "LBRACE", "BEGIN_CASES"}
CLOSE = {"RPAR", "RBRACK", "RBRACE", "END_CASES"}
ENDS_FACTOR = {"LETTER", "NUMBER", "RPAR", "RBRACK", "RBRACE", "PRIME"}
STARTS_FACTOR = {"LETTER", "NUMBER", "LPAR", "LBRACK", "FUNC", "FRAC", "SQRT"}
NOT_A_SUMMAND = {
    "RPAR",
    "RBRACK",
    "RBRACE",
    "PLUS",
    "MINUS",
    "EQ",
    "REL",
    "MULOP",
    "SLASH",
    "ROWSEP",
    "AMP",
    "COMMA",
    "PERIOD",
    "SEMI",
    "END_CASES",
    "QUAD",
    "NOTE",
}


def _made(kind: str, token: Token, value: str | None = None) -> Token:
    return Token(
        kind,
        str(token) if value is None else value,
        start_pos=token.start_pos,
        end_pos=token.end_pos,
    )


def mark(tokens: list[Token]) -> list[Token]:
    """The tokens with the types above decided."""
    tokens = _code_names(tokens)
    tokens = _primes(tokens)
    tokens = _period_products(tokens)
    tokens = _bars(tokens)
    tokens = _applications(tokens)
    return _conditions(tokens)


def _in_fractions(tokens: list[Token]) -> list[bool]:
    """Whether each token is inside the numerator or denominator of a ``\\frac``."""
    inside = [False] * len(tokens)
    stack: list[int] = []
    closes: dict[int, int] = {}
    for index, token in enumerate(tokens):
        if token.type == "LBRACE":
            stack.append(index)
        elif token.type == "RBRACE" and stack:
            closes[stack.pop()] = index
    for index, token in enumerate(tokens):
        if token.type != "FRAC":
            continue
        start = index + 1
        for _ in range(2):  # \frac{a}{b}: two groups
            if start >= len(tokens) or tokens[start].type != "LBRACE" or start not in closes:
                break
            end = closes[start]
            for inner in range(start, end + 1):
                inside[inner] = True
            start = end + 1
    return inside


def _code_names(tokens: list[Token]) -> list[Token]:
    """``dZ^{[l]}``, ``dW``, ``db``: gradient names as code writes them are one name each,
    outside a fraction (inside one, ``\\frac{dy}{dx}`` is a derivative); so is an upright
    ``\\mathrm{d}z`` written against its letter, as some authors set the same names."""
    fractions = _in_fractions(tokens)
    scripts = _script_flags(tokens)
    out: list[Token] = []
    skip = False
    for index, token in enumerate(tokens):
        if skip:
            skip = False
            continue
        nxt = tokens[index + 1] if index + 1 < len(tokens) else None
        joined = (
            token.type in ("LETTER", "DIFF_D")
            and str(token) == "d"
            and nxt is not None
            and nxt.type == "LETTER"
            and len(str(nxt)) == 1
            and token.end_pos == nxt.start_pos
            and not fractions[index]
            and not scripts[index]
        )
        if joined:
            out.append(
                Token("LETTER", "d" + str(nxt), start_pos=token.start_pos, end_pos=nxt.end_pos)
            )
            skip = True
        else:
            out.append(token)
    return out


def _primes(tokens: list[Token]) -> list[Token]:
    """``f^\\prime`` and ``f^{\\prime\\prime}`` are ``f'`` and ``f''``."""
    out: list[Token] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token.type == "SUP" and index + 1 < len(tokens):
            following = tokens[index + 1]
            if following.type == "PRIME":
                index += 1
                continue
            if following.type == "LBRACE":
                end = index + 2
                while end < len(tokens) and tokens[end].type == "PRIME":
                    end += 1
                if end > index + 2 and end < len(tokens) and tokens[end].type == "RBRACE":
                    out.extend(tokens[index + 2 : end])
                    index = end + 1
                    continue
        out.append(token)
        index += 1
    return out


def _period_products(tokens: list[Token]) -> list[Token]:
    """``q.x`` and ``p_j.p_i``: a period touching a factor on both sides is a product."""
    out = list(tokens)
    for index in range(1, len(tokens) - 1):
        token, before, after = tokens[index], tokens[index - 1], tokens[index + 1]
        if token.type != "PERIOD" or str(token) != ".":
            continue
        touching = before.end_pos == token.start_pos and token.end_pos == after.start_pos
        if touching and before.type in ENDS_FACTOR and after.type in STARTS_FACTOR:
            out[index] = _made("MULOP", token, "·")
    return out


def _bars(tokens: list[Token]) -> list[Token]:
    """``|x|``, ``\\|v\\|``, ``P(y | x)`` and ``D_{KL}(p \\| q)``: per bracket group, a lone bar
    (or double bar) is a separator (MID); otherwise bars alternate between opening and closing."""
    counts: dict[int, int] = {}  # group (index of its opening token, -1 at top) -> bars in it
    stack = [-1]
    for index, token in enumerate(tokens):
        if token.type in OPEN:
            stack.append(index)
        elif token.type in CLOSE and len(stack) > 1:
            stack.pop()
        elif token.type in ("BAR", "NORM"):
            key = (stack[-1], token.type)
            counts[key] = counts.get(key, 0) + 1
    out = list(tokens)
    stack = [-1]
    opened: dict[tuple[int, str], bool] = {}
    for index, token in enumerate(tokens):
        if token.type in OPEN:
            stack.append(index)
        elif token.type in CLOSE and len(stack) > 1:
            stack.pop()
        elif token.type in ("BAR", "NORM"):
            group = stack[-1]
            if counts.get((group, token.type)) == 1 and group != -1:  # D_{KL}(p \| q) too
                out[index] = _made("MID", token)
                continue
            key = (group, token.type)
            kind = "ABS" if token.type == "BAR" else "NORM"
            out[index] = _made(kind + ("_CLOSE" if opened.get(key) else "_OPEN"), token)
            opened[key] = not opened.get(key)
    return out


def _script_flags(tokens: list[Token]) -> list[bool]:
    """Whether each token is (inside) a script's argument: ``_k``, ``^{(l)}``."""
    flags = [False] * len(tokens)
    stack: list[bool] = []
    for index, token in enumerate(tokens):
        after_script = index > 0 and tokens[index - 1].type in ("SUB", "SUP")
        inside = bool(stack) and stack[-1]
        flags[index] = after_script or inside
        if token.type == "LBRACE":
            stack.append(after_script or inside)
        elif token.type == "RBRACE" and stack:
            stack.pop()
    return flags


def _applications(tokens: list[Token]) -> list[Token]:
    """FUNC_CALL / FUNC_LOOSE, NAME_CALL, PARTIAL_OP / PARTIAL_ALONE / DIFF_D_ALONE,
    INDICATOR_OPEN, SUM_ALONE, and ``\\Delta`` with the letter after it as one LETTER."""
    scripts = _script_flags(tokens)
    following_at = _after_scripts(tokens)
    out: list[Token] = []
    skip = 0
    for index, token in enumerate(tokens):
        if skip:
            skip -= 1
            continue
        after = following_at[index + 1]
        following = tokens[after] if after < len(tokens) else None
        nxt = tokens[index + 1] if index + 1 < len(tokens) else None
        kind = token.type
        if kind == "FUNC":
            name = str(token) + ("'" if _primed(tokens, index + 1, after) else "")
            token = _made("FUNC_CALL" if _opens(following) else "FUNC_LOOSE", token, name)
        elif kind == "LETTER" and not scripts[index] and _opens_call(following):
            token = _made("NAME_CALL", token)
        elif kind == "PARTIAL" and (nxt is None or nxt.type == "RBRACE" or _powered(tokens, index)):
            token = _made("PARTIAL_ALONE", token)
        elif kind == "PARTIAL" and _opens_numerator(tokens, index):
            token = _made("PARTIAL_OP", token)
        elif kind == "DIFF_D" and (nxt is None or nxt.type == "RBRACE"):
            token = _made("DIFF_D_ALONE", token)
        elif kind == "INDICATOR" and nxt is not None and nxt.type in ("LBRACK", "LPAR"):
            token = _made("INDICATOR_OPEN", token)
        elif kind == "SUM" and (following is None or following.type in NOT_A_SUMMAND):
            token = _made("SUM_ALONE", token)
        elif kind == "DELTA_PREFIX" and nxt is not None:
            token = Token("LETTER", "Δ" + str(nxt), start_pos=token.start_pos, end_pos=nxt.end_pos)
            skip = 1
        out.append(token)
    return [
        t
        for i, t in enumerate(out)
        if not (
            t.type == "PRIME" and i and out[i - 1].type == "FUNC_CALL" and out[i - 1][-1] == "'"
        )
    ]


def _powered(tokens: list[Token], index: int) -> bool:
    """``\\partial^2}``: a power of the operator alone, closing its group (a numerator)."""
    kinds = [t.type for t in tokens[index + 1 : index + 4]]
    return kinds == ["SUP", "NUMBER", "RBRACE"]


def _primed(tokens: list[Token], start: int, end: int) -> bool:
    return any(tokens[i].type == "PRIME" for i in range(start, min(end + 1, len(tokens))))


def _opens(token: Token | None) -> bool:
    return token is not None and token.type in ("LPAR", "LBRACE")


def _opens_call(token: Token | None) -> bool:
    return token is not None and token.type == "LPAR"


def _opens_numerator(tokens: list[Token], index: int) -> bool:
    """``\\partial`` right after ``\\frac{``: the numerator is what is differentiated."""
    return index >= 2 and tokens[index - 1].type == "LBRACE" and tokens[index - 2].type == "FRAC"


def _after_scripts(tokens: list[Token]) -> list[int]:
    """For each index, the index of the first token at or after it that is not part of the
    scripts and primes starting there (``_2``, ``^{..}``, ``'``); ``len(tokens)`` past the
    end. One pass from the end, the braces matched first: linear, however long a run of
    scripts (``x_a_a_a...``)."""
    closing: dict[int, int] = {}
    open_at: list[int] = []
    for index, token in enumerate(tokens):
        if token.type == "LBRACE":
            open_at.append(index)
        elif token.type == "RBRACE" and open_at:
            closing[open_at.pop()] = index + 1
    after = list(range(len(tokens) + 1))
    for index in range(len(tokens) - 1, -1, -1):
        kind = tokens[index].type
        if kind == "PRIME":
            after[index] = after[index + 1]
        elif kind in ("SUB", "SUP"):
            argument = index + 1
            if argument < len(tokens) and tokens[argument].type == "LBRACE":
                end = closing.get(argument, len(tokens))
            else:
                end = min(argument + 1, len(tokens))
            after[index] = after[end]
    return after


def _conditions(tokens: list[Token]) -> list[Token]:
    """A top-level ``\\text{if}`` whose row has no ``\\text{else}`` states a condition."""
    out = list(tokens)
    depth, row_ifs, has_else = 0, [], False
    for index, token in enumerate([*tokens, None]):
        at_row_end = token is None or (token.type == "ROWSEP" and depth == 0)
        if at_row_end:
            if not has_else:
                for position in row_ifs:
                    out[position] = _made("IF_COND", tokens[position])
            row_ifs, has_else = [], False
            continue
        if token.type in OPEN:
            depth += 1
        elif token.type in CLOSE:
            depth = max(0, depth - 1)
        elif depth == 0 and token.type == "IF":
            row_ifs.append(index)
        elif depth == 0 and token.type == "ELSE":
            has_else = True
    return out
