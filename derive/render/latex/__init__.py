"""Derivations and verdicts as LaTeX and Markdown text (pure functions).

``printer`` typesets SymPy expressions in the post's notation (only the classes listed in
``constructs``), ``source`` typesets a post's math from the tree the post reader builds, ``tex``
escapes every text a user wrote (names, tags, notes, labels, file names); ``display`` folds the
checked forms back into the post's names, ``chain`` lays a derivation out line by line,
``render`` makes one block and ``document`` a whole file. Nothing a user wrote reaches a
document unescaped: a generated ``.tex`` is compiled, and TeX can read and write files.
"""

from derive.render.latex.document import (
    FILES_HEADER,
    Header,
    Section,
    latex_document,
    markdown_document,
    post_header,
)
from derive.render.latex.printer import to_latex
from derive.render.latex.render import derivation_latex, derivation_markdown, derivation_math

__all__ = [
    "FILES_HEADER",
    "Header",
    "Section",
    "derivation_latex",
    "derivation_markdown",
    "derivation_math",
    "latex_document",
    "markdown_document",
    "post_header",
    "to_latex",
]
