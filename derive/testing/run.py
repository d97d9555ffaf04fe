"""Run a function over the suite: call it at every case, check its answer, compare with the
reference. The diagnosis (:mod:`derive.testing.diagnosis`) reads the result."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy

from derive.testing.calling import Outcome, call
from derive.testing.compare import Answer, Comparison, answer, compare, expected_array
from derive.testing.inputs import Case, suite
from derive.testing.layout import user_arrays
from derive.testing.proved import Proved
from derive.testing.reference import Exact, exact
from derive.testing.spec import Options


@dataclass(frozen=True)
class CaseRun:
    """One case: what the function did, its answer, and the comparison (None where there is
    nothing to compare: it raised, hung, or returned something else)."""

    case: Case
    outcome: Outcome | None  # None: not run, after the function hung
    answer: Answer | None = None
    comparison: Comparison | None = None
    inputs: dict[str, object] | None = None  # what the function received, by its names

    @property
    def status(self) -> str:
        """ "ok", "wrong", "raised", "hung", "returned" (not an array or a wrong shape), or
        "not run"."""
        if self.outcome is None:
            return "not run"
        if self.outcome.hung:
            return "hung"
        if self.outcome.error is not None:
            return "raised"
        if self.answer is None or self.answer.problem is not None:
            return "returned"
        return "ok" if self.comparison is not None and self.comparison.ok else "wrong"

    def label(self) -> str:
        return f"{self.case.kind}, B = {self.case.B}"


class Run:
    """The function over every case of the suite for ``options``."""

    def __init__(self, fn: Callable, options: Options, proved: Proved) -> None:
        self.fn, self.options, self.proved = fn, options, proved
        self.cases = suite(options)
        self.results: list[CaseRun] = []
        self._exact: dict[tuple[int, str | None], Exact] = {}
        hung = False
        for case in self.cases:
            if hung:
                self.results.append(CaseRun(case, None))
                continue
            result = self._one(case)
            hung = result.status == "hung"
            self.results.append(result)

    def _one(self, case: Case) -> CaseRun:
        arrays = user_arrays(self.options, case)
        inputs = {name: numpy.copy(value) for name, value in arrays.items()}
        outcome = call(self.fn, arrays, self.options.timeout)
        if outcome.hung or outcome.error is not None:
            return CaseRun(case, outcome, inputs=inputs)
        found = answer(outcome.value, self.options, case.B)
        if found.problem is not None:
            return CaseRun(case, outcome, found, inputs=inputs)
        reference = self.exact(case)
        expected = expected_array(self.options, reference)
        comparison = compare(found.array, expected, reference, self.options, case)
        return CaseRun(case, outcome, found, comparison, inputs)

    def exact(self, case: Case, variant: str | None = None) -> Exact:
        """The reference at ``case`` (a usual mistake, for a ``variant``), computed once."""
        key = (id(case), variant)
        if key not in self._exact:
            self._exact[key] = exact(self.proved, self.options, case, variant)
        return self._exact[key]

    def expected(self, case: Case, variant: str | None = None) -> numpy.ndarray:
        """The reference (or a variant) in float64, in the user's layout."""
        return expected_array(self.options, self.exact(case, variant))

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
