"""Names in generated code: every name a user wrote becomes a safe ASCII identifier.

Derivation names ("dL/dw_j", "sigma'"), symbol names and LaTeX names (``\\Delta W^L``) come from
files that may come from anyone; none of them is ever printed into code as it is. The rule, as
documented in docs/emit.md:

- ``'`` is ``_prime``; a Greek letter is its name (``η`` -> ``eta``); a LaTeX command is its
  name without the backslash (``\\Delta`` -> ``Delta``), except a font command, which is
  dropped (``\\mathcal{L}`` -> ``L``, ``\\mathbf{W}`` -> ``W``: the same letter in another
  face), and so is a space command (``\\,``);
- every other run of characters that are not ASCII letters or digits is one ``_``, and ``_`` at
  either end is dropped, so no name starts with ``_`` (generated helpers and temporaries do,
  and cannot clash) and no dunder name can be formed;
- an empty name, or one starting with a digit, gets ``f_`` (``r_`` for a result) in front;
  a Python keyword, or a name the module itself uses (``numpy``, ``dtype``, ``type``, ...),
  gets ``_`` after;
- a name already taken gets ``_2``, ``_3``, ... after.

>>> Names().take("dL/dw_j"), Names().take("sigma'"), Names().take("__import__('os')")
('dL_dw_j', 'sigma_prime', 'import_prime_os_prime')
>>> Names().take("d\\mathcal{L}/d\\mathbf{W}_{kj}"), Names().take("d\\u2112/dz")
('dL_dW_kj', 'dL_dz')
"""

from __future__ import annotations

import keyword
import re
import unicodedata

from derive.sources.oneline import one_line

# names the generated module and its functions use themselves (the checks call type, float...)
RESERVED = frozenset({"numpy", "dtype", "type", "float", "int", "zip", "len", "str", "map"})
RESERVED |= frozenset({"tuple", "range", "ValueError", "TypeError", "AssertionError"})
_COMMAND = re.compile(r"\\([A-Za-z]+)")
# commands that change a letter's face, not which letter it is: \mathcal{L}, \mathbf W
_FONTS = "mathcal|mathbf|mathrm|mathit|mathsf|mathtt|mathscr|mathbfit|boldsymbol|bm|pmb"
_SPACING = re.compile(r"\\[,;:! ]")  # spaces, such as the thin space of d\,MSE
_FONT = re.compile(rf"\\(?:{_FONTS})(?![A-Za-z])\s*(?:\{{([^{{}}]*)\}}|([A-Za-z]))")
_OTHER = re.compile(r"[^A-Za-z0-9]+")


def identifier(text: str, prefix: str = "f") -> str:
    """``text`` as a safe identifier (the rule in the module docstring, without uniqueness)."""
    text = text.replace("'", "_prime ").replace("\u2032", "_prime ")  # ' and the prime sign
    text = _SPACING.sub("", text)
    text = _FONT.sub(lambda m: m.group(1) if m.group(1) is not None else m.group(2), text)
    text = _COMMAND.sub(lambda m: f" {m.group(1)} ", text)
    text = "".join(_letter(char) for char in text)
    name = _OTHER.sub("_", text).strip("_")
    if not name or name[0].isdigit():
        name = f"{prefix}_{name}".rstrip("_")
    if keyword.iskeyword(name) or name in RESERVED:
        name += "_"
    return name


def _letter(char: str) -> str:
    """A non-ASCII letter as its name (Greek: ``eta``), a letter in another face as itself
    (U+2112, script L, is ``L``), anything else as it is."""
    if char.isascii() or not char.isalpha():
        return char
    plain = unicodedata.normalize("NFKC", char)
    if plain.isascii() and plain.isalpha():
        return plain
    name = unicodedata.name(char, "")
    if name.startswith(("GREEK SMALL LETTER ", "GREEK CAPITAL LETTER ")):
        word = name.split(" LETTER ", 1)[1].lower()
        return f" {word.capitalize() if 'CAPITAL' in name else word} "
    return " "


class Names:
    """Unique identifiers within one namespace (a module's functions, a function's locals)."""

    def __init__(self, taken: frozenset[str] | set[str] = frozenset()) -> None:
        self.taken = set(taken)

    def take(self, text: str, prefix: str = "f") -> str:
        base = identifier(text, prefix)
        name, n = base, 1
        while name in self.taken:
            n += 1
            name = f"{base}_{n}"
        self.taken.add(name)
        return name


def doc_text(text: str) -> str:
    """User text inside a generated docstring: one line, and no quote or backslash in it can
    end the string or start an escape."""
    return one_line(text).replace("\\", "\\\\").replace('"', '\\"')
