"""The renderers behind ``str(report)`` and Jupyter's display of derivations and reports, by
kind ("text", "latex", "markdown", "html").

``derive.steps`` shows a Report through them but sits below ``derive.render`` in the layering,
so it cannot import the renderers; the package's face (``derive/__init__.py``), which runs
before any module of derive is imported, registers them here, each loading its renderer on its
first call. So every ``Report`` prints as a table however it was imported, and importing derive
costs no SymPy.
"""

from __future__ import annotations

from collections.abc import Callable

RENDERERS: dict[str, Callable[..., str]] = {}


def register(**renderers: Callable[..., str] | None) -> None:
    """Install renderers by kind (a None leaves that kind as it is)."""
    RENDERERS.update({kind: render for kind, render in renderers.items() if render is not None})


def show(kind: str, *args: object) -> str | None:
    """The text of ``args`` rendered as ``kind``, or None without a renderer for it."""
    render = RENDERERS.get(kind)
    return None if render is None else render(*args)
