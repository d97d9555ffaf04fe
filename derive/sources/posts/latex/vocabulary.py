"""The words of LaTeX math that the reader knows, as data: function words, Greek letters,
commands and what they become, relations, spacing, and the environments that hold rows.

Adding a command is one line here (and one in docs/posts.md); ``latex_tokens`` reads these
tables, nothing else does.
"""

from __future__ import annotations

import unicodedata

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
}
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
    r"\lbrace": "LPAR",
    r"\rbrace": "RPAR",
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
    r"\quad",
    r"\qquad",
    r"\limits",
    r"\nolimits",
    r"\displaystyle",
    r"\textstyle",
    r"\nonumber",
    r"\notag",
    r"\checkmark",
}
OTHER_RELATIONS = {
    r"\propto": "∝",
    r"\approx": "≈",
    r"\sim": "~",
    r"\equiv": "≡",
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
    ":=": "=",
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
    ";": "PERIOD",
    "'": "PRIME",
    "&": "AMP",
    "^": "SUP",
    "_": "SUB",
}
