"""Step results as GitHub Actions workflow commands: ``--output-format github``.

Each step that is not proved becomes ``::error file=F,line=L,col=C,title=T::MESSAGE``, which
the runner shows as an annotation on the pull request's diff at that line; an error in a file
(exit 2) does too, and a file with nothing to check is a ``::notice`` (``::error`` under
``--strict``). Values are escaped as the runner's toolkit escapes them (``%`` ``\\r`` ``\\n`` as
``%25`` ``%0D`` ``%0A``; in a property also ``:`` and ``,``), after the report's own one-line
escaping of control characters, so user text can neither end the command nor start another.
"""

from __future__ import annotations

from derive.sources.oneline import one_line

_DATA = (("%", "%25"), ("\r", "%0D"), ("\n", "%0A"))
_PROPERTY = (*_DATA, (":", "%3A"), (",", "%2C"))


def _escape(text: str, table: tuple[tuple[str, str], ...]) -> str:
    for char, code in table:
        text = text.replace(char, code)
    return text


def annotation(
    level: str, file: str, line: int, column: int | None, title: str, message: str
) -> str:
    """One workflow command: ``level`` is ``error``, ``warning`` or ``notice``.

    >>> annotation("error", "a,b.md", 3, 7, "derive: refuted", "x = 1: 100%")
    '::error file=a%2Cb.md,line=3,col=7,title=derive%3A refuted::x = 1: 100%25'
    """
    properties = [f"file={_escape(one_line(file), _PROPERTY)}", f"line={line}"]
    if column is not None:
        properties.append(f"col={column}")
    properties.append(f"title={_escape(one_line(title), _PROPERTY)}")
    return f"::{level} {','.join(properties)}::{_escape(one_line(message), _DATA)}"


def step_annotation(result) -> str:
    """The annotation of a step result (a derivation file's or a post's) not proved."""
    title = f"derive: {result.status}"
    return annotation(
        "error", result.file, result.line, getattr(result, "column", None), title, result.message()
    )
