"""Derivations and verdicts as LaTeX and Markdown text (pure functions)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from derive.steps import Derivation
    from derive.verdict import Verdict


def derivation_latex(derivation: Derivation, verdicts: tuple[Verdict, ...] | None = None) -> str:
    raise NotImplementedError


def derivation_markdown(derivation: Derivation, verdicts: tuple[Verdict, ...] | None = None) -> str:
    raise NotImplementedError
