"""Derivations and verdicts as LaTeX and Markdown text (pure functions).

``printer`` typesets expressions in the post's notation, ``display`` folds the checked forms back
into the post's names, ``chain`` lays a derivation out line by line, ``render`` makes one block
and ``document`` a whole file.
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
