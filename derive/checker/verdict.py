"""The checker's answer for one step: proved, refuted (with a counterexample) or undecided."""

from __future__ import annotations

import html
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

import sympy
from sympy import Basic
from sympy.matrices import MatrixBase

from derive.notation import assumption_text

Status = Literal["proved", "refuted", "undecided"]
_COLOURS = {"proved": "#1a7f37", "refuted": "#cf222e", "undecided": "#9a6700"}
STATUSES: tuple[Status, ...] = ("proved", "refuted", "undecided")


def _value_text(value: Basic) -> str:
    """An exact value; a matrix row by row, ``[[1, 1/2], [0, 3]]``."""
    if isinstance(value, MatrixBase):
        return str(value.tolist())
    return str(value)


def _number(value: complex | None) -> str:
    if value is None:
        return "?"
    if abs(value.imag) <= 1e-15 * max(1.0, abs(value.real)):
        return f"{value.real:.10g}"
    return f"{value.real:.10g}{value.imag:+.10g}i"


def exact_json(value: Basic) -> int | str | list:
    """An exact number for JSON: an integer as a JSON number, anything else as text in SymPy's
    syntax, which a reader can parse exactly: a rational ``"p/q"`` (``"-3/2"``), a complex
    rational ``"1/2 - 4*I"``. Never a float: the point is exact, and JSON readers would round.

    >>> from sympy import Integer, Rational
    >>> exact_json(Integer(-3)), exact_json(Rational(3, 2))
    (-3, '3/2')
    """
    if isinstance(value, MatrixBase):  # a matrix of a counterexample: its rows
        return [[exact_json(entry) for entry in row] for row in value.tolist()]
    return int(value) if getattr(value, "is_Integer", False) else str(value)


def float_json(value: complex | None) -> float | dict[str, float | str] | str | None:
    """A side's value for JSON: a real as a JSON number, a complex as ``{"real": x,
    "imag": y}``; a value JSON cannot hold as a number (infinite, NaN) as the text ``"inf"``,
    ``"-inf"`` or ``"nan"``; None stays None (no value)."""
    if value is None:
        return None
    value = complex(value)
    if abs(value.imag) <= 1e-15 * max(1.0, abs(value.real)):
        return _finite(value.real)
    return {"real": _finite(value.real), "imag": _finite(value.imag)}


def _finite(number: float) -> float | str:
    return number if math.isfinite(number) else str(number)


@dataclass(frozen=True)
class Verdict:
    """How one claimed equality ``lhs = rhs`` was judged.

    Attributes:
        status: "proved", "refuted" or "undecided".
        needs: the assumptions (a subset of those offered, same objects) the proof used;
            empty when the equality holds unconditionally.
        counterexample: for "refuted", symbol -> exact SymPy number, a point inside the symbols'
            domains and the assumptions where lhs and rhs differ; None otherwise.
        method: how it was decided, in a few words.
        caveats: where the claim holds only by a convention or only away from kinks.
        lhs_value, rhs_value: the two sides at the counterexample (30 digits, rounded to complex).
        discrepancy: |lhs - rhs| at the counterexample, or the largest seen when undecided.
        points: how many numeric points were evaluated.
        guard: True when the time guard stopped the check (then "undecided"): the one verdict
            that may differ on another machine. Every other verdict depends on the input alone.
        certified: True for a refutation certified by interval arithmetic (an enclosure of
            lhs - rhs at the exact counterexample excludes 0); False for a refutation resting
            on the 50-digit confirmation alone (a side Arb cannot enclose: the method says
            so), and for every verdict that is not a refutation.
        slip: for a refuted claim between matrices, the slip the right side makes against the
            left when one of the usual ones explains it ("the right side is the transpose of
            the left side"); empty otherwise.
        seconds: wall time spent (not part of the verdict: two verdicts that differ only in
            seconds are equal).
    """

    status: Status
    needs: tuple[Basic, ...] = ()
    counterexample: dict[Basic, Basic] | None = None
    method: str = ""
    caveats: tuple[str, ...] = ()
    lhs_value: complex | None = None
    rhs_value: complex | None = None
    discrepancy: float | None = None
    points: int = 0
    guard: bool = False
    certified: bool = False
    slip: str = ""
    seconds: float = field(default=0.0, compare=False)

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise ValueError(f"status must be one of {STATUSES}, got {self.status!r}")
        if self.guard and self.status != "undecided":
            raise ValueError("only an undecided verdict can come from the time guard")
        if self.certified and self.status != "refuted":
            raise ValueError("only a refutation is certified by interval arithmetic")

    @property
    def proved(self) -> bool:
        return self.status == "proved"

    @property
    def refuted(self) -> bool:
        return self.status == "refuted"

    def counterexample_text(self) -> str:
        """``x = 1, t[2] = 1/2`` (empty when there is no counterexample)."""
        if not self.counterexample:
            return ""
        return ", ".join(
            f"{symbol} = {_value_text(value)}" for symbol, value in self.counterexample.items()
        )

    def record(self) -> dict[str, object]:
        """The fields every JSON row of a verdict carries besides the claim and its needs:
        counterexample (symbol -> exact value, :func:`exact_json`), seconds, method, guard,
        certified, and lhs_value, rhs_value (both sides at the counterexample,
        :func:`float_json`; None unless refuted)."""
        counterexample = self.counterexample
        refuted = self.status == "refuted"
        return {
            "counterexample": None
            if counterexample is None
            else {str(k): exact_json(v) for k, v in counterexample.items()},
            "seconds": round(self.seconds, 3),
            "method": self.method,
            "guard": self.guard,
            "certified": self.certified,
            "lhs_value": float_json(self.lhs_value) if refuted else None,
            "rhs_value": float_json(self.rhs_value) if refuted else None,
            "slip": self.slip,
        }

    def needs_text(self, labels: Mapping[Basic, str] | None = None) -> list[str]:
        """The assumptions the proof used, as every text report writes them: the label when
        ``labels`` gives one, then the relation in file syntax (``derive.notation``)."""
        labels = labels or {}
        return [assumption_text(a, labels.get(a)) for a in self.needs]

    def __str__(self) -> str:
        return self.text()

    def _repr_html_(self) -> str:
        """Jupyter: the status in its colour, then the rest of the line, escaped."""
        colour = _COLOURS[self.status]
        rest = html.escape(self.text()[len(self.status) :])
        return f'<span style="color:{colour}"><b>{self.status}</b></span>{rest}'

    def _repr_markdown_(self) -> str:
        rest = self.text()[len(self.status) :]
        for char in "\\`*_[]<>|":
            rest = rest.replace(char, "\\" + char)
        return f"**{self.status}**{rest}"

    def _repr_latex_(self) -> str:
        """The status, the assumptions used and the counterexample, typeset."""
        parts = [rf"\text{{{self.status}}}"]
        if self.needs:
            parts.append(r"\text{ using } " + ",\\ ".join(sympy.latex(n) for n in self.needs))
        if self.counterexample:
            point = ",\\ ".join(
                f"{sympy.latex(k)} = {sympy.latex(v)}" for k, v in self.counterexample.items()
            )
            values = rf"\text{{lhs}} = {_number(self.lhs_value)},\ \text{{rhs}} = "
            parts.append(rf"\text{{ at }} {point}:\ {values}{_number(self.rhs_value)}")
        return "$" + "".join(parts) + "$"

    def text(self, labels: Mapping[Basic, str] | None = None) -> str:
        """The verdict on one line: status, the assumptions used (labelled from ``labels``),
        the counterexample and its values, how it was decided, caveats."""
        text = self.status
        if self.needs:
            text += " using " + ", ".join(self.needs_text(labels))
        if self.status == "refuted":
            point = self.counterexample_text()  # empty when the sides are constants
            if self.lhs_value is None and self.rhs_value is None:
                text += f" at {point}" if point else ""  # shapes that differ: no values
            else:
                text += f" at {point}:" if point else ":"
                text += f" lhs = {_number(self.lhs_value)}, rhs = {_number(self.rhs_value)}"
        elif self.status == "undecided" and self.discrepancy is not None:
            text += f" (largest |lhs - rhs| seen: {self.discrepancy:.3g})"
        if self.method:
            text += f" [{self.method}]"
        if self.slip:
            text += f"; {self.slip}"
        for caveat in self.caveats:
            text += f"; {caveat}"
        return text
