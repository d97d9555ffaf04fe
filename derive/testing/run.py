"""Run the code under test over the suite: one call per input for every quantity at once
(:class:`Execution`), then each quantity's answers compared with the reference (:class:`Run`).
The diagnosis (:mod:`derive.testing.diagnosis`) reads the runs.

Conventions that the check finds rather than the user declares live here too: which L2
convention the code uses (:mod:`derive.testing.regularization`), and under ``relu_at_zero =
"any"`` the value of relu'(0) it takes at the kinks (:mod:`derive.testing.kinks`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy

from derive.testing.calling import Outcome, Session
from derive.testing.compare import Answer, Comparison, Expected, answer, compare, expected
from derive.testing.inputs import Case, suite
from derive.testing.kinks import KinkFit, fit, kink_layer
from derive.testing.layout import expected_shape, flipped, user_arrays
from derive.testing.proved import Proved
from derive.testing.reference import CaseValues, Exact, exact
from derive.testing.regularization import L2Convention, choose, factor
from derive.testing.spec import BIAS, WEIGHTS, Options, Quantity
from derive.testing.steps_taken import STEP


@dataclass(frozen=True)
class CaseRun:
    """One case for one quantity: what the function did, its answer, and the comparison (None
    where there is nothing to compare: it raised, hung, ended, or returned something else)."""

    case: Case
    outcome: Outcome | None  # None: not run, after the function hung or ended
    answer: Answer | None = None
    comparison: Comparison | None = None
    inputs: dict[str, object] | None = None  # what the function received, by its names
    kink: KinkFit | None = None  # relu'(0) as the answer takes it (relu_at_zero "any")

    @property
    def status(self) -> str:
        """ "ok", "wrong", "raised", "hung", "exited" (ended without answering), "returned"
        (not an array or a wrong shape), or "not run"."""
        if self.outcome is None:
            return "not run"
        if self.outcome.hung:
            return "hung"
        if self.outcome.ended is not None:
            return "exited"
        if self.outcome.error is not None:
            return "raised"
        if self.answer is None or self.answer.problem is not None:
            return "returned"
        return "ok" if self.comparison is not None and self.comparison.ok else "wrong"

    def label(self) -> str:
        return f"{self.case.kind}, B = {self.case.B}"


class Execution:
    """Every input of the suite through the child once, for every quantity of ``options``.

    Args:
        session: the child, set up and planned.
        options: the check's options (``options.quantities`` all answered by one call).
        proved: the proved results the reference is built from.
        parameters: the function's parameter -> the array it receives (for the report).
    """

    def __init__(
        self,
        session: Session,
        options: Options,
        proved: Proved,
        parameters: dict[str, str],
        cases: list[Case] | None = None,
        first: CaseValues | None = None,
        known: Execution | None = None,
    ) -> None:
        self.session, self.options, self.proved = session, options, proved
        self.parameters = parameters
        self.cases = cases if cases is not None else suite(options)
        self.values: list[CaseValues] = []
        self.outcomes: list[Outcome | None] = []
        self.inputs: list[dict[str, object]] = []
        self._variants: dict[tuple[int, str], CaseValues] = {}
        self._others: dict[str, Execution] = {}
        sizes = {
            q.name: _entries(options, q, max(c.B for c in self.cases)) for q in self.quantities
        }
        values = scalars(options)
        # a probe's call that ended the child: its input is the one that shows it
        probed = session.probed if session.child.gone is not None else None
        stopped = False
        for number, case in enumerate(self.cases):
            if known is not None:
                reference = known.values[number]
            elif number == 0 and first is not None and self.base_variant(case) is None:
                reference = first
            else:
                reference = exact(proved, options, case, self.base_variant(case))
            self.values.append(reference)
            arrays = user_arrays(options, case, reference.forward)
            self.inputs.append({p: arrays[a] for p, a in parameters.items() if a in arrays})
            if stopped or (probed is not None and (case.kind, case.B) != probed):
                self.outcomes.append(None)
                continue
            outcome = session.call(arrays, {**values, "B": case.B}, sizes)
            self.outcomes.append(outcome)
            stopped = outcome.hung or outcome.ended is not None
        self.convention: L2Convention | None = None
        if options.regularization is not None:
            self.convention = choose(self)

    @property
    def quantities(self) -> tuple[Quantity, ...]:
        return self.options.quantities or (self.options.quantity,)

    def base_variant(self, case: Case) -> str | None:
        """The reference's relu'(0): the declared one at the kinks (0 is the proved one)."""
        if self.options.relu_at_zero == "1" and kink_layer(case) is not None:
            return "relu=1"
        return None

    def variant(self, index: int, variant: str | None) -> CaseValues:
        """The references at case ``index`` with one ingredient swapped (computed once)."""
        if variant is None or variant == self.base_variant(self.cases[index]):
            return self.values[index]
        key = (index, variant)
        if key not in self._variants:
            self._variants[key] = exact(self.proved, self.options, self.cases[index], variant)
        return self._variants[key]

    def other(self, options: Options) -> Execution:
        """The same child over the suite with other options (a weight layout, the examples as
        columns, a bias shape); the inputs and references are the same, laid out otherwise."""
        key = (options.weights, options.layout, options.bias)
        if key not in self._others:
            self._others[key] = Execution(
                self.session, options, self.proved, self.parameters, self.cases, known=self
            )
        return self._others[key]

    def run(self, quantity: Quantity) -> Run:
        return Run(self, quantity)


def scalars(options: Options) -> dict[str, object]:
    """The numbers an expression may name besides the arrays: the regularization's strength,
    the layer sizes (``--init 'Net(N, J, K)'``); the batch size B is the input's."""
    values: dict[str, object] = dict(options.sizes)
    if options.regularization is not None:
        values[options.regularization.name] = options.regularization.value
    if options.update is not None:
        values[options.update] = STEP
    return values


def _entries(options: Options, quantity: Quantity, B: int) -> int:
    return int(numpy.prod(expected_shape(options, B, quantity), dtype=numpy.int64))


class Run:
    """One quantity's answers over the suite, compared with the reference."""

    def __init__(self, execution: Execution, quantity: Quantity) -> None:
        self.execution = execution
        self.options = execution.options.of(quantity)
        self.proved = execution.proved
        self.cases = execution.cases
        self.undivided = False  # a mean batch loss, and one row per example not divided by B
        self.results = [self._one(i) for i in range(len(self.cases))]
        if self._per_example_sum():
            self.undivided = True
            alternative = [self._one(i) for i in range(len(self.cases))]
            if _passing(alternative) > _passing(self.results):  # (and it is diagnosed so)
                self.results = alternative
            else:
                self.undivided = False

    def _per_example_sum(self) -> bool:
        """Whether to try the other scaling of a per-example quantity under a mean batch loss:
        code writes the rows of dE/dz either as the mean's gradient (divided by B, cs231n's
        dscores) or per example (course code's dZ3 = A3 - Y, which divides dW by m); both are
        right, and either passes (the note says which); the one that fits more inputs is
        the one the code writes, and its other mistakes are diagnosed from there. Only in a
        network, or beside a parameter's gradient from the same call, though: there the rows
        are a step on the way to dW. Alone at the output (a loss layer's ``backward`` storing
        ``self.dinputs``) they are what the layers below receive, and undivided they are B
        times the mean's gradient."""
        options = self.execution.options
        return (
            self.options.batch_loss == "mean"
            and self.options.quantity.per_example
            and (
                options.layer != "output"
                or any(q.kind in (WEIGHTS, BIAS) for q in options.quantities)
            )
            and any(r.status == "wrong" for r in self.results)
        )

    @property
    def convention(self) -> L2Convention | None:
        return self.execution.convention

    def reference(
        self, index: int, variant: str | None = None, l2: float | None = None
    ) -> Expected:
        """The reference at case ``index`` (a usual mistake, for a ``variant``; ``l2``: the
        L2 term's factor, by default the code's convention's)."""
        values = self.execution.variant(index, variant)
        name = self.options.quantity.name
        if l2 is None:
            l2 = factor(self.convention, self.cases[index].B)
        extra = values.l2.get(name) if values.l2 else None
        found = values.quantities[name]
        if self.undivided:
            B = self.cases[index].B
            found = Exact(found.value * B, found.magnitude * B, found.logit_scale)
        return expected(self.options, found, extra, l2)

    def expected(self, index: int, variant: str | None = None) -> numpy.ndarray:
        """The reference (or a variant) in float64, in the user's layout."""
        return self.reference(index, variant).value

    def _one(self, index: int) -> CaseRun:
        case, outcome = self.cases[index], self.execution.outcomes[index]
        inputs = self.execution.inputs[index]
        if outcome is None or outcome.hung or outcome.ended or outcome.error is not None:
            return CaseRun(case, outcome, inputs=inputs)
        found = answer(outcome.parts.get(self.options.quantity.name), self.options, case.B)
        if found.problem is not None or found.array is None:
            return CaseRun(case, outcome, found, inputs=inputs)
        reference, kink = self.reference(index), None
        if self.options.relu_at_zero == "any" and kink_layer(case) is not None:
            kink = fit(self, index, found.array)
            if kink is not None:
                reference = kink.reference
        comparison = compare(found.array, reference, self.options, case)
        return CaseRun(case, outcome, found, comparison, inputs, kink)

    def index(self, result: CaseRun) -> int:
        return next(i for i, r in enumerate(self.results) if r is result or r.case is result.case)

    @property
    def passed(self) -> bool:
        return all(r.status == "ok" for r in self.results) and not self.dtype_problem()

    def dtype_problem(self) -> str | None:
        """The dtype the function returns where it should return the input's, if so."""
        want = self.options.dtype.name
        for result in self.results:
            got = result.answer.dtype if result.answer is not None else None
            if got is not None and got != want and result.answer.problem is None:
                return got
        return None

    def flipped(self) -> Run | None:
        """This quantity with the weights in the other layout (the same child), if the
        function receives weights."""
        options = flipped(self.execution.options)
        if options is None:
            return None
        return self.execution.other(options).run(self.options.quantity)

    def other(self, options: Options) -> Run:
        """This quantity under other conventions (the same child, the same inputs)."""
        return self.execution.other(options).run(self.options.quantity)

    def with_results(self, results: list[CaseRun]) -> Run:
        """A copy with other case results (answers transposed back, for the diagnosis)."""
        other = object.__new__(Run)
        other.__dict__.update(self.__dict__)
        other.results = results
        return other


def _passing(results: list[CaseRun]) -> int:
    return sum(r.status == "ok" for r in results)


def replaced(result: CaseRun, **changes: object) -> CaseRun:
    return replace(result, **changes)
