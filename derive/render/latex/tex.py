r"""User text in a document: the only way a name, a tag, a note or a file name reaches TeX or
Markdown.

A generated ``.tex`` is compiled in CI, and TeX is a programming language: ``\input`` reads a
file, ``\openout`` writes one, ``\catcode`` changes what everything after it means. So no text a
user wrote is ever copied into a document. Every character is either one TeX reads as itself
(letters, digits, harmless punctuation), a fixed command from the tables below, or its code
point (``U+00E9``) in typewriter type: pdflatex without ``inputenc`` tricks typesets ASCII only,
and a code point is honest where a glyph is missing. Markdown gets backslash escapes for its
punctuation and the same code points for what would start HTML or end a comment.

The functions, by where the text goes:

- :func:`latex_text`: TeX text mode (a heading, a justification, a note; ``source`` typesets
  the ``$...$`` math in notes);
- :func:`math_text`, :func:`tag_text`: text inside math (``\text{...}``, a ``\tag``), for
  pdflatex and MathJax alike;
- :func:`verbatim`: anything that cannot be typeset, shown as escaped ``\texttt``;
- :func:`math_name`: a name inside math (``eta_1`` -> ``\eta_{1}``);
- :func:`markdown_text`, :func:`comment_text`: Markdown prose, and ``%`` / ``<!-- -->``
  comment lines (one line, never closing the comment).
"""

from __future__ import annotations

import re

# text mode (OT1 fonts): commands that print the character itself. < > | would print as
# inverted marks, " as a closing quote, _ as a rule that copies as nothing, ~ and ^ as accents;
# \$ would load a TS1 font, which pdflatex may have to generate (writing outside the document's
# folder). The typewriter font has all of them at their ASCII places.
_TEXT_SPECIALS = {
    "\\": r"\textbackslash{}",
    "&": r"\&",
    "%": r"\%",
    "#": r"\#",
    "{": r"\{",
    "}": r"\}",
    "<": r"\textless{}",
    ">": r"\textgreater{}",
    "|": r"\textbar{}",
    **{char: rf"\texttt{{\char{ord(char)}}}" for char in '$_~^"'},
}
# characters that form ligatures in TeX's fonts (-- is a dash, '' a quote, !` an inverted !):
# an empty group after them keeps the next character apart
_LIGATURES = frozenset("-'`!?,<>")
# Greek letters (and ell) as math commands, each one pdftotext reads back as the same letter
# (TeX's \phi is ϕ and \varphi is φ; \epsilon is ϵ and \varepsilon is ε)
GREEK_COMMANDS = {
    letter: "\\" + name
    for letter, name in zip(
        "αβγδεζηθικλμνξπρστυφχψωςϑϕϵℓΓΔΘΛΞΠΣΥΦΨΩ",
        [
            *("alpha", "beta", "gamma", "delta", "varepsilon", "zeta", "eta", "theta", "iota"),
            *("kappa", "lambda", "mu", "nu", "xi", "pi", "rho", "sigma", "tau", "upsilon"),
            *("varphi", "chi", "psi", "omega", "varsigma", "vartheta", "phi", "epsilon", "ell"),
            *("Gamma", "Delta", "Theta", "Lambda", "Xi", "Pi", "Sigma", "Upsilon", "Phi", "Psi"),
            "Omega",
        ],
        strict=True,
    )
}
# the relations and operators the checker's messages use, in text: as math
SYMBOL_COMMANDS = {
    "\u2260": r"\neq",
    "\u2264": r"\leq",
    "\u2265": r"\geq",
    "\u00b1": r"\pm",
    "\u2192": r"\to",
    "\u00d7": r"\times",
    "\u00b7": r"\cdot",
    "\u2202": r"\partial",
    "\u2208": r"\in",
    "\u221e": r"\infty",
    "\u2248": r"\approx",
    "\u2032": "'",  # a prime
    "\u2299": r"\odot",  # the matrix notation's signs
    "\u2297": r"\otimes",
    "\u2298": r"\oslash",
    "\u2218": r"\circ",
    "\u21a6": r"\mapsto",
}
# dashes and quotes, as TeX's ligatures make them
_TEXT_UNICODE = {"\u2014": "---", "\u2013": "--", "\u2019": "'{}", "\u2018": "`{}"}
_MARKDOWN_SPECIALS = frozenset("\\`*_[]<>|$~#&!")
# text inside math that pdflatex and MathJax both read as itself: not \ { } (TeX), $ (the end of
# the math), % (a comment), < > & (HTML to a Markdown renderer), nor TeX's other specials
_MATH_SAFE = frozenset(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,;:!?'()[]+-=/*@"
)
_NAME = re.compile(r"[A-Za-z][A-Za-z0-9]*\Z")


def code_point(char: str) -> str:
    """``U+00E9``: how a character with no typeset form is shown."""
    return f"U+{ord(char):04X}"


def _is_visible_ascii(char: str) -> bool:
    return " " <= char <= "~"


def _text_char(char: str, following: str) -> str:
    if char in _TEXT_SPECIALS:
        return _TEXT_SPECIALS[char]
    if _is_visible_ascii(char):
        return char + ("{}" if char in _LIGATURES and following in _LIGATURES else "")
    if char in _TEXT_UNICODE:
        return _TEXT_UNICODE[char]
    command = GREEK_COMMANDS.get(char) or SYMBOL_COMMANDS.get(char)
    if command is not None:
        return f"${command}$"
    return rf"\texttt{{{code_point(char)}}}"


def _collapsed(text: str) -> str:
    """Whitespace runs (line ends of every kind among them) as one space."""
    return re.sub(r"\s+", " ", text)


def plain_text(text: str) -> str:
    r"""``text`` in TeX text mode, each character as itself, a command or its code point
    (whitespace runs as one space, kept at the ends).

    >>> plain_text("50% of {x} -- a\\b ≠ é")
    '50\\% of \\{x\\} -{}- a\\textbackslash{}b $\\neq$ \\texttt{U+00E9}'
    """
    text = _collapsed(text)
    return "".join(_text_char(char, text[i + 1 : i + 2]) for i, char in enumerate(text))


_BARS = re.compile(r"\|([^|]+)\|")  # |x|: an absolute value, or |lhs - rhs|, in prose


def latex_text(text: str) -> str:
    r"""``text`` safe in TeX text mode, ``|x|`` in it as ``\lvert x \rvert``; whitespace
    collapsed, and none at the ends (:func:`text_piece` keeps it).

    >>> latex_text("t_d = 1 & 50% {x} ≠")
    't\\texttt{\\char95}d = 1 \\& 50\\% \\{x\\} $\\neq$'
    >>> latex_text("|lhs - rhs| > 0")
    '$\\lvert$lhs - rhs$\\rvert$ \\textgreater{} 0'
    """
    return text_piece(text).strip()


def text_piece(text: str) -> str:
    """:func:`latex_text`, a space kept at either end (a piece of a longer text)."""
    pieces = _BARS.split(text)
    return "".join(
        rf"$\lvert${plain_text(piece.strip())}$\rvert$" if position % 2 else plain_text(piece)
        for position, piece in enumerate(pieces)
    )


def math_text(text: str) -> str:
    r"""``\text{...}`` holding ``text``, inside math, for pdflatex and MathJax alike: letters,
    digits and harmless punctuation as themselves, every other character as its code point
    (MathJax would read ``\``, braces, ``$`` and ``%``; a Markdown renderer ``<`` and ``&``).

    >>> math_text("a_b {x} = 1")
    '\\text{aU+005Fb U+007BxU+007D = 1}'
    """
    return rf"\text{{{_math_safe(text)}}}"


def tag_text(tag: str) -> str:
    r"""An equation number for ``\tag{...}`` (amsmath and MathJax set it in text mode)."""
    return _math_safe(tag)


def _math_safe(text: str) -> str:
    return "".join(c if c in _MATH_SAFE else code_point(c) for c in _collapsed(text).strip())


_VERBATIM = {"\\": 92, "{": 123, "}": 125, "_": 95, "^": 94, "~": 126, "$": 36, "&": 38}
_VERBATIM.update({"%": 37, "#": 35, "'": 39, "`": 96, "!": 33, "?": 63, "-": 45, '"': 34})
_VERBATIM.update({"<": 60, ">": 62, "|": 124})


def verbatim(text: str, *, markdown: bool = False) -> str:
    r"""``text`` in typewriter type, every character as itself (``\char`` for TeX's specials)
    or its code point: what cannot be typeset is still shown, never run. ``markdown``: for
    MathJax, which has no ``\char``: code points for TeX's specials too.

    >>> verbatim(r"\input{x}")
    '\\texttt{{\\char92}input{\\char123}x{\\char125}}'
    >>> verbatim(r"\input{x}", markdown=True)
    '\\texttt{U+005CinputU+007BxU+007D}'
    """
    out = []
    for char in _collapsed(text).strip():
        if char in _MATH_SAFE:
            out.append(char)
        elif char in _VERBATIM and not markdown:
            out.append(f"{{\\char{_VERBATIM[char]}}}")
        else:
            out.append(code_point(char))
    return rf"\texttt{{{''.join(out)}}}"


def math_name(name: str) -> str:
    r"""A name inside math: one letter (or Greek letter) as itself, longer plain names as
    SymPy writes them (``eta_1`` -> ``\eta_{1}``, by ``printer``); anything else letter by
    letter, with code points for what is neither a letter nor a digit.

    >>> math_name("é1")
    '\\texttt{U+00E9}1'
    """
    out = []
    for char in name:
        if char.isascii() and char.isalnum():
            out.append(char)
        elif char in GREEK_COMMANDS:
            out.append(GREEK_COMMANDS[char] + " ")
        else:
            out.append(rf"\texttt{{{code_point(char)}}}")
    return "".join(out).rstrip()


def is_plain_name(word: str) -> bool:
    """Letters then letters or digits, ASCII: safe as it is in TeX and MathJax alike."""
    return bool(_NAME.match(word))


def markdown_text(text: str) -> str:
    r"""``text`` safe in Markdown (also in a table cell, and never starting GitHub math or
    HTML): punctuation backslash-escaped, control characters as code points.

    >>> markdown_text("dE/dz_k | $x$ <img>")
    'dE/dz\\_k \\| \\$x\\$ \\<img\\>'
    """
    return markdown_piece(text).strip()


def markdown_piece(text: str) -> str:
    """:func:`markdown_text`, a space kept at either end (a piece of a longer text)."""
    out = []
    for char in _collapsed(text):
        if char in _MARKDOWN_SPECIALS:
            out.append("\\" + char)
        elif char.isprintable():
            out.append(char)
        else:
            out.append(code_point(char))
    return "".join(out)


def markdown_code(text: str) -> str:
    """``text`` as a Markdown code span (shown as written; backticks and control characters
    as code points, so the span cannot end early)."""
    shown = "".join(code_point(c) if c == "`" or not c.isprintable() else c for c in text)
    return f"`{shown}`"


def comment_text(text: str, *, html: bool = False) -> str:
    """``text`` on one line of a ``%`` comment (or, ``html``, a ``<!-- -->`` one): control
    characters (every kind of line end) as code points, and in HTML ``>``, which could close
    the comment (``-->``, ``--!>``).

    >>> comment_text("a\\nb --> c", html=True)
    'aU+000Ab --U+003E c'
    """
    return "".join(code_point(c) if not c.isprintable() or (html and c == ">") else c for c in text)
