"""The words of LaTeX math that the reader knows, as data: function words, Greek letters,
commands and what they become, relations, spacing, and the environments that hold rows.

Adding a command is one line here (and one in docs/posts.md); ``latex_tokens`` reads these
tables, nothing else does.
"""

from __future__ import annotations

import unicodedata

SIGMA = "\N{GREEK SMALL LETTER SIGMA}"  # the sigmoid when applied, unless a post defines it
FUNCTION_WORDS = {
    "log": "log",
    "ln": "log",
    "exp": "exp",
    "max": "max",
    "min": "min",
    "relu": "relu",
    "ReLU": "relu",
    "Relu": "relu",
    "softmax": "softmax",
    "sigmoid": "sigmoid",
    "tanh": "tanh",
    "sqrt": "sqrt",
    "cosh": "cosh",
    "sinh": "sinh",
    "sech": "sech",
    "sign": "sign",
    "sgn": "sign",
}
_FOLDED = {word.lower(): name for word, name in FUNCTION_WORDS.items() if len(word) > 2}


def function_word(word: str) -> str | None:
    """The function a word names (``Softmax``, ``SoftMax``, ``RELU`` are softmax and relu;
    case is ignored in words of three letters or more), or None."""
    if word in FUNCTION_WORDS:
        return FUNCTION_WORDS[word]
    return _FOLDED.get(word.lower()) if len(word) > 2 else None


# Two-letter words that are one name (``CE``), not a product of letters; every other word of
# two letters is a product (``wx`` is w times x), every word of three letters or more is a name.
NAME_WORDS = frozenset({"CE", "KL", "LR", "NN", "SE"})
# In a subscript, a word is a name suffix (``a_{out}``) only if it is one of these or has four
# letters or more; otherwise it is indices (``W_{ij}``, ``w_{in}``, ``T_{ijk}``).
SUFFIX_WORDS = frozenset({"out", "hid", "avg", "max", "min", "std", "var", "tot", "obs", "new"})
# Words of \text{...} that are prose between formulas, not names.
PROSE_WORDS = frozenset(
    [
        "and",
        "or",
        "so",
        "thus",
        "hence",
        "since",
        "because",
        "by",
        "with",
        "using",
        "then",
        "therefore",
        "as",
        "is",
        "are",
        "be",
        "let",
        "note",
        "recall",
        "see",
        "via",
        "also",
        "gives",
        "yields",
        "i.e.",
        "e.g.",
        "ie",
        "eg",
        "so,",
        "thus,",
        "hence,",
        "and,",
        "or,",
        "substituting",
        "plugging",
        "giving",
        "similarly",
        "likewise",
        "finally",
        # a clause that states a definition or an assumption after the formula
        # (``L = ..., \quad \text{where } p_k = ...``): never a name multiplying it
        "where",
        "where,",
        "wherein",
        "whence",
        "assuming",
        "given",
        "provided",
        "which",
        "here",
        "now",
    ]
)
GREEK = (
    "alpha",
    "beta",
    "gamma",
    "delta",
    "epsilon",
    "varepsilon",
    "zeta",
    "eta",
    "theta",
    "vartheta",
    "iota",
    "kappa",
    "lambda",
    "mu",
    "nu",
    "xi",
    "rho",
    "varrho",
    "sigma",
    "tau",
    "upsilon",
    "phi",
    "varphi",
    "chi",
    "psi",
    "omega",
    "Gamma",
    "Delta",
    "Theta",
    "Lambda",
    "Xi",
    "Sigma",
    "Upsilon",
    "Phi",
    "Psi",
    "Omega",
    "ell",
)
VARIANTS = {"varepsilon": "epsilon", "vartheta": "theta", "varrho": "rho", "varphi": "phi"}


def greek(name: str) -> str:
    """The Unicode letter for a Greek command (``eta`` -> η); variants share their letter."""
    if name == "ell":
        return "\N{SCRIPT SMALL L}"
    name = VARIANTS.get(name, name)
    case = "CAPITAL" if name[0].isupper() else "SMALL"
    spelled = name.upper().replace("LAMBDA", "LAMDA")  # as Unicode spells it
    return unicodedata.lookup(f"GREEK {case} LETTER {spelled}")


GREEK_TEXT = {name: greek(name) for name in GREEK}
SIMPLE = {
    r"\frac": "FRAC",
    r"\dfrac": "FRAC",
    r"\tfrac": "FRAC",
    r"\sqrt": "SQRT",
    r"\sum": "SUM",
    r"\cdot": "MULOP",
    r"\times": "MULOP",
    r"\ast": "MULOP",
    r"\div": "SLASH",
    r"\neq": "REL",
    r"\ne": "REL",
    r"\leq": "REL",
    r"\le": "REL",
    r"\geq": "REL",
    r"\ge": "REL",
    r"\leqslant": "REL",
    r"\geqslant": "REL",
    r"\lt": "REL",
    r"\gt": "REL",
    r"\pi": "LETTER",
    r"\coloneqq": "EQ",
    r"\equiv": "EQ",
    r"\triangleq": "EQ",
    r"\eqqcolon": "EQ",
    r"\lbrace": "LPAR",
    r"\rbrace": "RPAR",
    r"\lbrack": "LBRACK",
    r"\rbrack": "RBRACK",
    r"\cfrac": "FRAC",
    r"\odot": "MULOP",
    r"\circ": "MULOP",
    r"\otimes": "MULOP",
    r"\oslash": "MULOP",
    r"\cdotp": "MULOP",
    r"\centerdot": "MULOP",
    r"\nabla": "NABLA",
    r"\mid": "BAR",
    r"\vert": "BAR",
    r"\lvert": "BAR",
    r"\rvert": "BAR",
    r"\Vert": "NORM",
    r"\lVert": "NORM",
    r"\rVert": "NORM",
    r"\forall": "IF",
    r"\implies": "PERIOD",
    r"\Rightarrow": "PERIOD",
    r"\Longrightarrow": "PERIOD",
    r"\iff": "PERIOD",
    r"\Leftrightarrow": "PERIOD",
    r"\therefore": "PERIOD",
    r"\quad": "QUAD",
    r"\qquad": "QUAD",
    r"\enspace": "QUAD",
    r"\prime": "PRIME",
    r"\top": "LETTER",
    r"\intercal": "LETTER",
}
DROPPED = {
    r"\left",
    r"\right",
    r"\middle",
    r"\big",
    r"\Big",
    r"\bigg",
    r"\Bigg",
    r"\bigl",
    r"\bigr",
    r"\Bigl",
    r"\Bigr",
    r"\biggl",
    r"\biggr",
    r"\limits",
    r"\nolimits",
    r"\displaystyle",
    r"\textstyle",
    r"\nonumber",
    r"\notag",
    r"\checkmark",
    r"\blacksquare",
    r"\square",
    r"\Box",
    r"\qed",
    r"\qedsymbol",
    r"\bf",
    r"\it",
    r"\rm",
    r"\sf",
    r"\bigm",
    r"\Bigm",
}
OTHER_RELATIONS = {
    r"\propto": "∝",
    r"\approx": "≈",
    r"\sim": "~",
    r"\to": "→",
    r"\rightarrow": "→",
    r"\in": "∈",
}
SPACING = {"\\,", "\\;", "\\:", "\\!", "\\ ", "~"}
CASES = {"cases", "dcases", "rcases"}
CONTAINERS = {
    "align",
    "align*",
    "aligned",
    "equation",
    "equation*",
    "gather",
    "gather*",
    "gathered",
    "split",
    "multline",
    "multline*",
    "flalign",
    "flalign*",
    "eqnarray",
    "eqnarray*",
    "math",
    "displaymath",
}
RELATION_TEXT = {
    r"\neq": "!=",
    r"\ne": "!=",
    r"\leq": "<=",
    r"\le": "<=",
    r"\leqslant": "<=",
    r"\lt": "<",
    r"\geq": ">=",
    r"\ge": ">=",
    r"\geqslant": ">=",
    r"\gt": ">",
    "<": "<",
    ">": ">",
    "=": "=",
    ":=": ":=",
    r"\coloneqq": ":=",
    r"\equiv": "≡",
    r"\triangleq": "≜",
    r"\eqqcolon": "=",
    r"\odot": "⊙",
    r"\circ": "∘",
    r"\otimes": "⊗",
    r"\oslash": "⊘",
    r"\top": "T",
    r"\intercal": "T",
}
PUNCT = {
    "+": "PLUS",
    "-": "MINUS",
    "*": "MULOP",
    "/": "SLASH",
    "=": "EQ",
    ":=": "EQ",
    "<": "REL",
    ">": "REL",
    "(": "LPAR",
    ")": "RPAR",
    "[": "LBRACK",
    "]": "RBRACK",
    "{": "LBRACE",
    "}": "RBRACE",
    ",": "COMMA",
    ".": "PERIOD",
    ";": "SEMI",
    "|": "BAR",
    "'": "PRIME",
    "&": "AMP",
    "^": "SUP",
    "_": "SUB",
}
