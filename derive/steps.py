"""Derivations: a start expression and steps, each claimed equal to the one before.

``Derivation.check()`` judges every step with :func:`derive.checker.equal.check_equal` and returns a
:class:`Report`; a derivation is proved iff every step is. A derivation for concrete sizes can
name its ``general`` twin (the same chain for symbolic sizes): its steps are then proved as
instances of the twin's proofs, which cost the same for K = 3 and for K = 64.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from sympy import Basic

from derive.checker import methods, prove
from derive.checker.equal import DEFAULT_TIMEOUT, as_assumptions, as_expr, check_equal
from derive.checker.limits import Limits
from derive.checker.methods import General
from derive.checker.verdict import Verdict
from derive.display import register, show


def register_display(
    *,
    text: Callable[[list[Report]], str],
    latex: Callable[[Derivation, tuple[Verdict, ...] | None], str],
    markdown: Callable[[Derivation, tuple[Verdict, ...] | None], str],
    html: Callable[[Derivation, tuple[Verdict, ...] | None], str] | None = None,
) -> None:
    """Install the renderers behind ``str(report)`` and the Jupyter display hooks
    (``derive.display``; the package's face registers derive's own)."""
    register(text=text, latex=latex, markdown=markdown, html=html)


def _display(kind: str, *args: object) -> str | None:
    return show(kind, *args)


def diff(f: Basic, *variables: object) -> Basic:
    """The derivative of f, kept as written (SymPy's ``Derivative``) for a Derivation's start.

    ``sympy.diff`` differentiates at once, so a chain started with it would show the value as
    its first line; this one shows d/dx f there and is checked as its value, as a
    ``Derivative`` start is. The arguments are SymPy's: ``diff(f, x)``, ``diff(f, x, 2)``.
    """
    from sympy import Derivative

    return Derivative(f, *variables)


@dataclass(frozen=True)
class Step:
    """One line: ``expr`` is claimed equal to the line before.

    Attributes:
        expr: the line's expression (a SymPy expression or matrix).
        why: the justification, in words ("chain rule", "sum t = 1").
        assume: relations this step may use, on top of the derivation's own.
        names: display only, never checked: this line's abbreviations instead of the
            derivation's (``{}`` shows the softmax written out, as a line before "definition of
            a_k" must). None: the derivation's.
        display: display only, never checked: the line as the source writes it (e.g. the post's
            factors -t_k/a_k and a_k (1 - a_k)), in the displayed names. It is shown only if
            it is identically the displayed ``expr`` (see
            ``derive.render.latex.display.displayed``); otherwise ``expr`` is shown.
            None: ``expr``.
        tidy: display only, never checked: False shows the line without the display's tidying
            (a delta left in its sum, for a line that the next one explains picks d = k).
    """

    expr: Basic
    why: str = ""
    assume: tuple[Basic, ...] = ()
    names: Mapping[Basic, Basic] | None = field(default=None, compare=False)
    display: Basic | None = field(default=None, compare=False)
    tidy: bool = field(default=True, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "expr", as_expr(self.expr, "step expression"))
        object.__setattr__(self, "assume", as_assumptions(self.assume))
        if self.names is not None:
            object.__setattr__(self, "names", MappingProxyType(dict(self.names)))


@dataclass(frozen=True)
class Derivation:
    """A chain ``start = steps[0].expr = steps[1].expr = ...``.

    Attributes:
        name: a short identifier, unique within a collection ("dE/dz_k").
        start: the expression the chain starts from; tie it to the truth, e.g. ``sympy.diff(E, z)``.
        steps: the claimed lines, in order.
        title: one line of prose for reports.
        lhs: what the chain is displayed as equal to (e.g. an unevaluated derivative); display
            only, never checked. None: the start itself is displayed.
        assume: relations every step may use (index ranges, sum t = 1).
        tag: the equation number in the source, e.g. "3".
        names: display abbreviations, subexpression -> symbol (softmax expression -> a_k);
            copied, unless given read-only (a MappingProxyType, shared as it is).
        note: where it was checked, e.g. "checked for K = 3".
        labels: display only: names of assumptions, relation -> label ("targets"), so that
            reports write ``targets: sum(t[d], (d, 1, K)) == 1`` (``derive.notation``).
        general: the same chain for symbolic sizes, of which this one is the instance at
            ``sizes`` (every expression and assumption, with the sizes substituted, is this
            one's; checked when the derivation is built). None: not an instance.
        sizes: size symbol -> value, for ``general``.
        layout: how a ``Derivative`` by a matrix symbol is laid out: "denominator" (the
            gradient has the matrix's shape) or "numerator" (its transpose's); see
            ``check_equal``.
    """

    name: str
    start: Basic
    steps: tuple[Step, ...]
    title: str = ""
    lhs: Basic | None = None
    assume: tuple[Basic, ...] = ()
    tag: str = ""
    names: Mapping[Basic, Basic] = field(default_factory=dict)
    note: str = ""
    labels: Mapping[Basic, str] = field(default_factory=dict, compare=False)
    general: Derivation | None = field(default=None, compare=False, repr=False)
    sizes: Mapping[Basic, int] = field(default_factory=dict, compare=False, repr=False)
    layout: str = "denominator"

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name:
            raise ValueError("a derivation needs a non-empty name")
        object.__setattr__(self, "start", as_expr(self.start, "start"))
        steps = tuple(self.steps)
        if not steps or not all(isinstance(s, Step) for s in steps):
            raise TypeError(f"derivation {self.name!r}: steps must be a non-empty list of Step")
        object.__setattr__(self, "steps", steps)
        object.__setattr__(self, "assume", as_assumptions(self.assume))
        if not isinstance(self.names, MappingProxyType):  # a read-only view is shared as it is
            object.__setattr__(self, "names", MappingProxyType(dict(self.names)))
        if not isinstance(self.labels, MappingProxyType):
            object.__setattr__(self, "labels", MappingProxyType(dict(self.labels)))
        object.__setattr__(self, "sizes", MappingProxyType(dict(self.sizes)))
        if self.general is not None and not self._instance_of(self.general):
            raise ValueError(
                f"derivation {self.name!r} is not its general twin at {dict(self.sizes)}"
            )

    def _instance_of(self, general: Derivation) -> bool:
        sizes = dict(self.sizes)
        if not sizes or len(general.steps) != len(self.steps):
            return False
        pairs = [(general.start, self.start), *zip(general.assume, self.assume, strict=False)]
        pairs += [(g.expr, s.expr) for g, s in zip(general.steps, self.steps, strict=True)]
        pairs += [
            (a, b)
            for g, s in zip(general.steps, self.steps, strict=True)
            for a, b in zip(g.assume, s.assume, strict=False)
        ]
        same_counts = len(general.assume) == len(self.assume) and all(
            len(g.assume) == len(s.assume) for g, s in zip(general.steps, self.steps, strict=True)
        )
        return same_counts and all(g.xreplace(sizes) == c for g, c in pairs)

    def claims(self) -> Iterator[tuple[Basic, Step]]:
        """(previous line, step) for every step."""
        previous = self.start
        for step in self.steps:
            yield previous, step
            previous = step.expr

    def check(
        self,
        *,
        timeout: float | None = DEFAULT_TIMEOUT,
        seed: int = 0,
        limits: Limits | None = None,
    ) -> Report:
        """Judge every step (a derivation with a ``general`` twin checks the twin first).

        Args:
            timeout: the time guard per step, in seconds (None: none); it stops a hang only.
            seed: seeds the numeric points.
            limits: the deterministic limits per step (default ``Limits()``).

        Returns:
            The report; checks are remembered for the process (a derivation and its options
            give the same verdicts every time, so a twin shared by sets is checked once).
        """
        limits = limits or Limits()
        key = (self._key(), timeout, seed, limits, _tables())
        if key not in _CHECKED:
            generals = self._generals(timeout, seed, limits)
            verdicts = tuple(
                check_equal(
                    previous,
                    step.expr,
                    assume=(*self.assume, *step.assume),
                    timeout=timeout,
                    seed=seed,
                    limits=limits,
                    instance_of=general,
                    layout=self.layout,
                )
                for (previous, step), general in zip(self.claims(), generals, strict=True)
            )
            if any(v.guard for v in verdicts):
                return Report(self, verdicts)  # the guard depends on the machine: not kept
            if len(_CHECKED) >= _CHECKED_MAX:
                del _CHECKED[next(iter(_CHECKED))]  # the oldest
            _CHECKED[key] = verdicts
        return Report(self, _CHECKED[key])

    def _key(self) -> tuple:
        general = None if self.general is None else self.general._key()
        sizes = tuple(self.sizes.items())
        return (self.name, self.start, self.steps, self.assume, general, sizes, self.layout)

    def _generals(self, timeout: float | None, seed: int, limits: Limits) -> list[General | None]:
        """Per step, the twin's proved claim to instantiate (None where there is none)."""
        if self.general is None:
            return [None] * len(self.steps)
        report = self.general.check(timeout=timeout, seed=seed, limits=limits)
        twin = self.general
        return [
            General.of(verdict, previous, step.expr, dict(self.sizes))
            for (previous, step), verdict in zip(twin.claims(), report.verdicts, strict=True)
        ]

    def _repr_latex_(self) -> str | None:
        return _display("latex", self, None)

    def _repr_markdown_(self) -> str | None:
        return _display("markdown", self, None)


# (derivation, options) -> verdicts, for the process; verdicts depend on these alone
_CHECKED: dict[tuple, tuple[Verdict, ...]] = {}


def _tables() -> tuple[int, ...]:
    """The checker's tables, by identity: a test that swaps one (a stalling strategy) must not
    be answered from what the real tables proved."""
    return (id(prove.STRATEGIES), id(methods.METHODS), id(prove.prove_all_zero))


_CHECKED_MAX = 256


@dataclass(frozen=True)
class Report:
    """The verdicts of a checked derivation, one per step."""

    derivation: Derivation
    verdicts: tuple[Verdict, ...]

    @property
    def proved(self) -> bool:
        return all(v.proved for v in self.verdicts)

    @property
    def status(self) -> str:
        """ "proved", else "refuted" if any step is refuted, else "undecided"."""
        if self.proved:
            return "proved"
        return "refuted" if any(v.refuted for v in self.verdicts) else "undecided"

    def rows(self) -> list[dict[str, object]]:
        """One dict per step: step (1-based), lhs, rhs, why, verdict."""
        return [
            {"step": i, "lhs": previous, "rhs": step.expr, "why": step.why, "verdict": verdict}
            for i, ((previous, step), verdict) in enumerate(
                zip(self.derivation.claims(), self.verdicts, strict=True), start=1
            )
        ]

    def __str__(self) -> str:
        table = _display("text", [self])
        return table if table is not None else f"{self.derivation.name}: {self.status}"

    def _repr_latex_(self) -> str | None:
        return _display("latex", self.derivation, self.verdicts)

    def _repr_markdown_(self) -> str | None:
        return _display("markdown", self.derivation, self.verdicts)

    def _repr_html_(self) -> str | None:
        return _display("html", self.derivation, self.verdicts)
