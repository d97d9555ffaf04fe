r"""A post's math typeset again from what the reader read, never copied.

A post is written in LaTeX, and its own notation is the best display: the terms in the order
written, ``\frac{\partial E}{\partial z_k}`` as a fraction. But its text may hold anything
(``\input``, ``\openout``, a brace that closes the document's math). So each side is read again
with the post reader (``derive.sources.posts.latex``: the tokens, then the grammar's tree, the
same reading ``derive check`` judged) and printed from that tree by the table below: each node
kind has one printer that writes fixed commands and its children's LaTeX; a name or a note is
escaped (``tex``). What the reader cannot read, or a node kind without a printer here, is shown
verbatim (escaped ``\texttt``).

Adding a node kind to the reader is adding a line to ``PRINTERS`` (a test checks that every
kind in ``nodes`` has one).
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections.abc import Callable

from derive.render.latex.tex import (
    markdown_piece,
    math_name,
    math_text,
    text_piece,
    verbatim,
)
from derive.sources.posts.latex import nodes as ast
from derive.sources.posts.latex.grammar import parse_relation, parse_row
from derive.sources.posts.latex.rows import rows
from derive.sources.posts.latex.tokens import LatexError

_NUMBER = re.compile(r"[0-9]+(?:\.[0-9]+)?\Z")
# bold as written (the reader reads the font through); \mathbb{1} is the indicator's own
BOLD_COMMANDS = {
    "mathbf": r"\mathbf",
    "boldsymbol": r"\boldsymbol",
    "bm": r"\boldsymbol",
    "pmb": r"\boldsymbol",
    "mathbold": r"\mathbf",
    "textbf": r"\mathbf",
    "vec": r"\vec",
}
_FONT_BEFORE = re.compile(r"\\(mathsf|mathrm|textsf|text|mathbf|mathit)\s*\{\s*\Z")
_BOLD_BEFORE = re.compile(r"\\(" + "|".join(BOLD_COMMANDS) + r")\s*\{\s*\Z")
# a transpose as written: ^T, ^\top, ^{\mathsf{T}}, ^\intercal (fixed text, never copied)
TRANSPOSES = {
    "T": "T",
    r"\top": r"\top",
    "\N{DOWN TACK}": r"\top",
    r"\intercal": r"\intercal",
    r"\mathsf{T}": r"\mathsf{T}",
    r"\mathrm{T}": r"\mathrm{T}",
    r"\textsf{T}": r"\mathsf{T}",
    r"\text{T}": r"\mathrm{T}",
    r"\mathbf{T}": r"\mathbf{T}",
    r"\mathit{T}": "T",
}
# the function words the reader knows (vocabulary.FUNCTION_WORDS' values), as LaTeX
FUNCTIONS = {
    "log": r"\log",
    "exp": r"\exp",
    "max": r"\max",
    "min": r"\min",
    "tanh": r"\tanh",
    "relu": r"\operatorname{relu}",
    "softmax": r"\operatorname{softmax}",
    "sigmoid": r"\sigma",
}
RELATIONS = {"=": "=", "!=": r"\neq", "<=": r"\leq", ">=": r"\geq", "<": "<", ">": ">"}


class NotTypeset(Exception):
    """A node this module has no printer for (the side is shown verbatim)."""


class _Printer:
    """Prints nodes by the table ``PRINTERS``; ``text`` is what was read (the fonts a name
    was written in, which the reader reads through, are taken from it)."""

    def __init__(self, text: str = "") -> None:
        self.text = text

    def font(self, pos: int) -> str | None:
        """The bold command a name at ``pos`` was written in (``\\mathbf``), or None."""
        found = _BOLD_BEFORE.search(self.text[max(0, pos - 20) : pos])
        return None if found is None else BOLD_COMMANDS[found.group(1)]

    def transpose(self, pos: int, sup_text: str) -> str:
        """A transpose sign as written at ``pos`` (``T``, ``\\top``, ``\\mathsf{T}``)."""
        for command in (r"\top", r"\intercal"):
            if self.text.startswith(command, pos):
                return command
        found = _FONT_BEFORE.search(self.text[max(0, pos - 10) : pos])
        if found is not None:
            return TRANSPOSES[rf"\{found.group(1)}{{T}}"]
        return TRANSPOSES[sup_text]

    def __call__(self, node: ast.Node | None) -> str:
        if node is None:
            return ""
        printer = PRINTERS.get(type(node))
        if printer is None:
            raise NotTypeset(type(node).__name__)
        return printer(self, node)

    def items(self, nodes: tuple[ast.Node, ...]) -> str:
        return ",".join(self(node) for node in nodes)


def _scripted(p: _Printer, node: ast.Scripted) -> str:
    if node.sup is not None and node.sup_text in TRANSPOSES:  # x^\top as written
        plain = _scripted(p, dataclasses.replace(node, sup=None, sup_text=""))
        return f"{plain}^{{{p.transpose(node.sup.pos, node.sup_text)}}}"
    base = p(node.base)
    if not isinstance(node.base, (ast.Letter, ast.Number, ast.Group, ast.Indicator)):
        base = f"{{{base}}}"
    if node.primes:  # x'^2 and x_k'^2 are double superscripts to TeX: {x'}^{2}
        base = f"{{{base}{chr(39) * node.primes}}}"
    text = base
    if node.sub is not None:
        text += f"_{{{p.items(node.sub)}}}"
    if node.sup is not None:
        text += f"^{{{p(node.sup)}}}"
    return text


def _add(p: _Printer, node: ast.Add) -> str:
    text = ""
    for position, (sign, term) in enumerate(node.terms):
        if sign < 0:
            text += " - " if position else "- "
        elif position:
            text += " + "
        text += p(term)
    return text


PRODUCT_SIGNS = {
    "\N{CIRCLED DOT OPERATOR}": r"\odot",
    "\N{RING OPERATOR}": r"\circ",
    "\N{CIRCLED TIMES}": r"\otimes",
    "\N{CIRCLED DIVISION SLASH}": r"\oslash",
    r"\cdot": r"\cdot",
    r"\times": r"\times",
}


def _mul(p: _Printer, node: ast.Mul) -> str:
    if node.gaps and len(node.gaps) == len(node.operators):  # each sign where it was written
        return _signed(p, node)
    signs = [PRODUCT_SIGNS.get(op) for op in node.operators]
    if len(signs) == len(node.factors) - 1 and any(signs):  # a \odot b: the signs as written
        text = p(node.factors[0])
        for sign, factor in zip(signs, node.factors[1:], strict=True):
            text += " " + (sign or r"\cdot") + " " + p(factor)
        return text
    parts = []
    for position, factor in enumerate(node.factors):
        text = p(factor)
        if position and text[:1].isdigit():  # 2 \cdot 3, never "2 3"
            text = r"\cdot " + text
        parts.append(text)
    return " ".join(parts)


def _signed(p: _Printer, node: ast.Mul) -> str:
    signs = dict(node.gaps)
    parts = [p(node.factors[0])]
    for index, factor in enumerate(node.factors[1:], start=1):
        text = p(factor)
        sign = PRODUCT_SIGNS.get(signs.get(index, ""), r"\cdot" if index in signs else "")
        if not sign and text[:1].isdigit():  # 2 \cdot 3, never "2 3"
            sign = r"\cdot"
        parts.append(f"{sign} {text}" if sign else text)
    return " ".join(parts)


def _number(p: _Printer, node: ast.Number) -> str:
    if not _NUMBER.match(node.text):
        raise NotTypeset(node.text)
    font = p.font(node.pos) if node.text in ("0", "1") else None
    return f"{font}{{{node.text}}}" if font else node.text


def _letter(p: _Printer, node: ast.Letter) -> str:
    letters = unicodedata.normalize("NFD", node.name)
    if len(letters) == 2 and letters[1] in ACCENTS:  # ŷ, read from \hat{y}: as written
        return f"{ACCENTS[letters[1]]}{{{_letter(p, dataclasses.replace(node, name=letters[0]))}}}"
    name = math_name(node.name)
    font = p.font(node.pos) if len(node.name) == 1 else None
    return f"{font}{{{name}}}" if font else name


# the decorations the reader reads (``\hat{y}`` is its letter ŷ): combining mark -> accent
ACCENTS = {
    "\N{COMBINING CIRCUMFLEX ACCENT}": r"\hat",
    "\N{COMBINING MACRON}": r"\bar",
    "\N{COMBINING TILDE}": r"\tilde",
    "\N{COMBINING DOT ABOVE}": r"\dot",
    "\N{COMBINING DIAERESIS}": r"\ddot",
    "\N{COMBINING CARON}": r"\check",
    "\N{COMBINING BREVE}": r"\breve",
}


def _call(p: _Printer, node: ast.Call) -> str:
    stem = node.name.rstrip("'")
    name = FUNCTIONS.get(stem)
    if name is None:
        name = rf"\operatorname{{{stem}}}" if stem.isascii() and stem.isalpha() else None
    if name is None:
        name = math_name(stem)
    name += "'" * (len(node.name) - len(stem))
    if node.sub is not None:
        name += f"_{{{p(node.sub)}}}"
    if node.sup is not None:
        name += f"^{{{p(node.sup)}}}"
    if stem == "sqrt" and len(node.args) == 1:
        return rf"\sqrt{{{p(node.args[0])}}}"
    if node.loose:
        return f"{name} {p.items(node.args)}"
    return rf"{name}\left({p.items(node.args)}\right)"


def _partial(p: _Printer, node: ast.Partial) -> str:
    operator = r"\mathrm{d}" if node.total else r"\partial"
    return operator if node.operand is None else f"{operator} {p(node.operand)}"


def _group(p: _Printer, node: ast.Group) -> str:
    inner = p(node.inner)
    return f"{{{inner}}}" if node.brace else rf"\left({inner}\right)"


def _indicator(p: _Printer, node: ast.Indicator) -> str:
    if node.condition is None:
        return r"\mathbb{1}"
    return rf"\mathbb{{1}}\left[{p(node.condition)}\right]"


def _relation(p: _Printer, node: ast.Relation) -> str:
    if node.op == "and":
        left, right = node.lhs, node.rhs
        chained = isinstance(left, ast.Relation) and isinstance(right, ast.Relation)
        if chained and left.rhs is right.lhs:  # 1 <= k <= K, read as two relations
            return f"{p(left)} {_relation_sign(right.op)} {p(right.rhs)}"
        return rf"{p(left)},\ {p(right)}"
    return f"{p(node.lhs)} {_relation_sign(node.op)} {p(node.rhs)}"


def _relation_sign(op: str) -> str:
    if op not in RELATIONS:
        raise NotTypeset(op)
    return RELATIONS[op]


def _cases(p: _Printer, node: ast.Cases) -> str:
    branches = []
    for value, condition in node.branches:
        when = r"\text{otherwise}" if condition is None else rf"\text{{if }} {p(condition)}"
        branches.append(f"{p(value)} & {when}")
    return r"\begin{cases} " + r" \\ ".join(branches) + r" \end{cases}"


def _chain(p: _Printer, node: ast.Chain) -> str:
    ops = node.ops or ("=",) * (len(node.parts) - 1)
    text = p(node.parts[0])
    for op, part in zip(ops, node.parts[1:], strict=True):
        text += f" {_chain_sign(op)} {p(part)}"
    return text.lstrip()


def _chain_sign(op: str) -> str:
    return {":=": ":=", "\N{IDENTICAL TO}": r"\equiv", "\N{DELTA EQUAL TO}": r"	riangleq"}.get(
        op
    ) or _relation_sign(op)


def _apply(p: _Printer, node: ast.Apply) -> str:
    """``f(z)``, ``J(W, b; x, y)``, ``P(y \\mid x)`` (a product such as ``p_i(1 - p_i)`` too)."""
    marks = {",": ", ", ";": "; ", "|": r" \mid ", "\N{MIDDLE DOT}": ", "}
    text = p(node.args[0]) if node.args else ""
    for mark, arg in zip(node.separators, node.args[1:], strict=False):
        text += marks.get(mark, ", ") + p(arg)
    return rf"{p(node.head)}\left({text}\right)"


def _nabla(p: _Printer, node: ast.Nabla) -> str:
    sub = "" if node.sub is None else f"_{{{p(node.sub)}}}"
    order = "" if node.order == 1 else f"^{{{node.order}}}"
    operator = r"\partial" if node.partial else r"\nabla"
    return rf"{operator}{order}{sub} {p(node.operand)}"


PRINTERS: dict[type, Callable[[_Printer, ast.Node], str]] = {
    ast.Letter: _letter,
    ast.Number: _number,
    ast.Scripted: _scripted,
    ast.Sum: lambda p, node: (
        r"\sum"
        + ("" if node.sub is None else f"_{{{p(node.sub)}}}")
        + ("" if node.sup is None else f"^{{{p(node.sup)}}}")
        + f" {p(node.body)}"
    ),
    ast.Add: _add,
    ast.Mul: _mul,
    ast.Div: lambda p, node: f"{p(node.numerator)} / {p(node.denominator)}",
    ast.Frac: lambda p, node: rf"\frac{{{p(node.numerator)}}}{{{p(node.denominator)}}}",
    ast.Partial: _partial,
    ast.Call: _call,
    ast.Sqrt: lambda p, node: rf"\sqrt{{{p(node.operand)}}}",
    ast.Group: _group,
    ast.Indicator: _indicator,
    ast.Relation: _relation,
    ast.Cases: _cases,
    ast.Note: lambda p, node: math_text(node.text),
    ast.Chain: _chain,
    ast.Line: lambda p, node: r",\quad ".join(p(chain) for chain in node.chains),
    ast.Apply: _apply,
    ast.Nabla: _nabla,
    ast.SumName: lambda p, node: r"\sum",
    ast.Ellipsis: lambda p, node: r"\dots",
    ast.Absolute: lambda p, node: rf"\left|{p(node.inner)}\right|",
    ast.Norm: lambda p, node: rf"\left\|{p(node.inner)}\right\|",
    ast.Evaluated: lambda p, node: rf"\left.{p(node.operand)}\right|_{{{p(node.at)}}}",
}

_LEFT_OUT = ("ROWSEP", "AMP", "TAG")  # a side's row breaks, alignment and number


def math_latex(text: str, *, markdown: bool = False) -> str:
    r"""Math as a post writes it (one side, a row, or ``$...$`` in a note), typeset from the
    reader's tree; verbatim (escaped ``\texttt``, for MathJax if ``markdown``) if the reader
    cannot read it.

    >>> math_latex(r"\frac{\partial E}{\partial z_k} = a_k - t_k")
    '\\frac{\\partial E}{\\partial z_{k}} = a_{k} - t_{k}'
    >>> math_latex(r"E_{\mathrm{\input /etc/passwd }}")
    'E_{\\text{U+005Cinput /etc/passwd}}'
    >>> math_latex(r"\input{x}")
    '\\texttt{{\\char92}input{\\char123}x{\\char125}}'
    """
    try:
        found = rows(text)
        tokens = tuple(t for row in found for t in row.tokens if t.type not in _LEFT_OUT)
        if not tokens or any(row.error for row in found):
            return verbatim(text, markdown=markdown)
        return _Printer(text)(_parsed(tokens, text))
    except (LatexError, NotTypeset):
        return verbatim(text, markdown=markdown)


def _parsed(tokens: tuple, text: str) -> ast.Node:
    """A row (``a = b``), else a relation (``x \\leq 1``, in a note)."""
    try:
        return parse_row(tokens, text)
    except LatexError:
        return parse_relation(tokens, text)


# $...$ as Markdown (and Pandoc) read it: no space inside either dollar, no digit after the
# closing one ("costs $5 and $10" is prose)
_INLINE_MATH = re.compile(r"(?<![\\$])\$(?=[^\s$])([^$]*?[^\s$\\])\$(?![\d$])")


def note_latex(text: str) -> str:
    r"""A note (a justification, a title) in TeX text mode with its math: ``$...$`` typeset
    by :func:`math_latex`, the rest escaped (``|x|`` as ``\lvert x \rvert``).

    >>> note_latex(r"since $\tanh(x)^2 \leq 1$, done")
    'since ${\\tanh\\left(x\\right)}^{2} \\leq 1$, done'
    """
    pieces = _INLINE_MATH.split(text)
    return "".join(
        f"${math_latex(piece)}$" if position % 2 else text_piece(piece)
        for position, piece in enumerate(pieces)
    ).strip()


def note_markdown(text: str) -> str:
    """A note in Markdown with its math: ``$...$`` typeset for MathJax (no ``|``, which would
    end a table cell), the rest escaped."""
    pieces = _INLINE_MATH.split(text)
    return "".join(
        f"${math_latex(piece, markdown=True)}$" if position % 2 else markdown_piece(piece)
        for position, piece in enumerate(pieces)
    ).strip()


_SCRIPT = r"(?:\{[^{}\s]*\}|[^\s{},:;()])"
_NAME = rf"(?:Σ_{_SCRIPT} )?Δ?[^\W\d_](?:\^{_SCRIPT})?(?:_{_SCRIPT})?(?:\^{_SCRIPT})?'*"
_NUMBER_TEXT = re.compile(r"(-?\d+(?:\.\d+)?)(?:e([-+]?\d+))?(/\d+)?")
_VALUE = rf"{_NUMBER_TEXT.pattern}(?!\w|\.\d)|{_NAME}"
# ``W^L_{11} = 0``, ``k ≤ K``, ``Σ_d t_d = 1``: a name of the post's and a value, in a message
_ENTRY = re.compile(rf"(?<![\w^_{{}}\\])({_NAME}) (=|≤|≥|≠|<|>) ({_VALUE})(?![\w^_{{])")
_SIGNS = {"=": "=", "≤": r"\leq", "≥": r"\geq", "≠": r"\neq", "<": "<", ">": ">"}


def _entry(found: re.Match, markdown: bool) -> str:
    name, sign, value = found.group(1, 2, 3)
    number = _NUMBER_TEXT.fullmatch(value)
    if number:
        mantissa, exponent, below = number.groups()
        shown = mantissa + (rf" \cdot 10^{{{int(exponent)}}}" if exponent else "") + (below or "")
    else:
        shown = math_latex(value, markdown=markdown)
    return f"${math_latex(name, markdown=markdown)} {_SIGNS[sign]} {shown}$"


def message_latex(text: str, *, markdown: bool = False) -> str:
    r"""A checker's message about a post (a counterexample, a condition) in text mode, with
    each ``name = value`` and ``k ≤ K`` in it typeset as math (the names read as the post
    writes them), the rest escaped.

    >>> message_latex("at W^L_{11} = 0, k ≤ K: lhs = 1")
    'at $W_{11}^{L} = 0$, $k \\leq K$: lhs = 1'
    """
    escape = markdown_piece if markdown else text_piece
    out, position = [], 0
    for found in _ENTRY.finditer(text):
        out += [escape(text[position : found.start()]), _entry(found, markdown)]
        position = found.end()
    out.append(escape(text[position:]))
    return "".join(out).strip()
