"""Recurrences: iterates a post defines step by step, and claims about them read with the steps.

Optimisation posts define a sequence by its update, ``w_{t+1} = w_t - \\eta f'(w_t)`` (also
``v_t = \\beta v_{t-1} + g_t``, or a system: ``v_{t+1} = \\beta v_t + f'(w_t)``, ``w_{t+1} =
w_t - \\eta v_{t+1}``). Such a row is a definition: an entry of an array at a shifted index on
the left, the same array at earlier steps of the same index on the right. The claims that
follow are about the iterates (``w_{t+1} - 3 = (1 - 2\\eta)(w_t - 3)``, and by induction
``w_t - 3 = (1 - 2\\eta)^t (w_0 - 3)``); read with w_t and w_{t+1} as unrelated numbers they
would be refuted, which is a misreading. So a claim with entries of a recurrent array is
checked, when it is not proved as written:

1. **by the steps**: the latest entry of each array (``w_{t+1}`` beside ``w_t``) is written
   out by its recurrence, until each array stands at one step (a system: ``v_{t+1}`` then);
2. **by induction** on the index, when the claim relates the entry at step t to a start
   (``w_0``): true at the start, and true at t + 1 when it is at t (solved for the entry);
3. **at the first steps** from the start, every entry written out down to the start value,
   the start taken as 0 (``m_0 = 0``: a start the prose may give in words, and one start
   among all): a counterexample there is a real one, and the claim is refuted at that step.

The start values the text states (``$m_0 = 0$`` in the prose, in force at the claim's row:
``Recurrence.starts``) are the start: a claim at a concrete step (``\\hat{m}_2 = ...``) is
written out to them. A claim none of these decides is undecided, never refuted. A claim at a
concrete step is refuted only when the text states every start it is written out to and the
written-out claim has no letter the claim does not write (``w_1 = 0 - 0.1 \\cdot 2(0 - 3)``
written out is ``6\\eta``: the prose gives \\eta a value the reader may not read, so it is only
ever proved), and no rounded decimal. The
work is bounded by counts: ``MAX_ROUNDS`` rounds of writing out, ``FIRST_STEPS`` steps, and
``MAX_ENTRIES`` entries written out per step.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sympy import Add, Basic, Dummy, Expr, Indexed, Sum, Symbol, solve

from derive.checker.rounded import Rounded
from derive.checker.verdict import Verdict

MAX_ROUNDS = 8  # rounds of writing out the latest step (a system of recurrences)
FIRST_STEPS = 3  # steps from the start checked when no proof is found
MAX_ENTRIES = 24  # entries written out down to the start, per checked step
UNDECIDED = "not decided by the recurrence (its entries are not unrelated numbers)"


@dataclass(frozen=True)
class Recurrence:
    """``array[params..., index + offset] = body``: one step of a sequence, the step its last
    index (``body`` has the array at earlier steps of ``index``); ``params``: the other
    indices, symbols (``\\theta^{(t+1)}_j``: j)."""

    array: Basic
    index: Symbol
    offset: int
    body: Expr
    where: str
    params: tuple = ()
    starts: tuple = ()  # (entry, value): the start values the text states (``m_0 = 0``)
    stale: tuple = ()  # the entries of ``starts`` an earlier section stated: they never refute

    def at(self, entry: Indexed) -> Expr:
        """``entry`` (an entry of the array) written out by one step."""
        *others, position = entry.indices
        replace = dict(zip(self.params, others, strict=True))
        replace[self.index] = position - self.offset
        return self.body.xreplace(replace)


def shift(index: Expr) -> tuple[Symbol, int] | None:
    """``t + 1`` as (t, 1), ``t`` as (t, 0); None for anything else (a constant, ``2t``)."""
    if isinstance(index, Symbol):
        return index, 0
    if isinstance(index, Add):
        constant, rest = index.as_coeff_Add()
        if constant.is_Integer and isinstance(rest, Symbol):
            return rest, int(constant)
    return None


def step(entry: Indexed) -> tuple[Symbol, int] | None:
    """The step of an entry (its last index) as (index, offset), or None (a constant step)."""
    return shift(entry.indices[-1])


def recurrence_of(lhs: Expr, rhs: Expr, where: str) -> Recurrence | None:
    """The recurrence ``lhs = rhs`` states, or None: ``lhs`` one entry at a step of an index
    (its last index; the others distinct symbols), ``rhs`` the same array at earlier steps of
    that index only (and at constant steps)."""
    if not isinstance(lhs, Indexed):
        return None
    found = step(lhs)
    params = lhs.indices[:-1]
    if found is None or not all(isinstance(p, Symbol) for p in params):
        return None
    index, offset = found
    if len(set(params)) != len(params) or index in params:
        return None
    earlier = False
    for atom in rhs.atoms(Indexed):
        if atom.base != lhs.base:
            continue
        if len(atom.indices) != len(lhs.indices):
            return None
        at = step(atom)
        if at is None:
            if atom.indices[-1].free_symbols:
                return None
            continue  # w_0: a start value
        if at[0] != index or at[1] >= offset:
            return None
        earlier = True
    if not earlier:
        return None
    return Recurrence(lhs.base, index, offset, rhs, where, tuple(params))


def _entries(exprs, array: Basic) -> list[Indexed]:
    found: set[Indexed] = set()
    for expr in exprs:
        found |= {a for a in expr.atoms(Indexed) if a.base == array}
    return sorted(found, key=str)


def by_steps(lhs: Expr, rhs: Expr, recurrences: dict) -> tuple[Expr, Expr]:
    """The claim with the latest step of each array written out, until each array stands at
    one step of each index (or ``MAX_ROUNDS`` rounds)."""
    for _ in range(MAX_ROUNDS):
        replace = {}
        for array, recurrence in recurrences.items():
            groups: dict[tuple, list[tuple[int, Indexed]]] = {}
            for entry in _entries((lhs, rhs), array):
                found = step(entry)
                if found is not None and len(entry.indices) == len(recurrence.params) + 1:
                    key = (found[0], entry.indices[:-1])
                    groups.setdefault(key, []).append((found[1], entry))
            for at in groups.values():
                if len({o for o, _ in at}) > 1:
                    latest = max(at, key=lambda pair: pair[0])[1]
                    replace[latest] = recurrence.at(latest)
        if not replace:
            break
        lhs, rhs = lhs.xreplace(replace), rhs.xreplace(replace)
    return lhs, rhs


def later_steps(expr: Expr, variable: Indexed, recurrence: Recurrence) -> Expr:
    """``expr`` with the array's entries at later steps than ``variable`` written out by the
    recurrence, down to ``variable``'s step (``h_t`` by ``h_{t-1}``, for the derivative
    ``\\partial h_t / \\partial h_{t-1}``: never 0 as if they were unrelated)."""
    at = step(variable)
    if at is None:
        return expr
    for _ in range(MAX_ENTRIES):
        later = {}
        for entry in _entries((expr,), recurrence.array):
            found = step(entry)
            same = found is not None and found[0] == at[0] and found[1] > at[1]
            if same and entry.indices[:-1] == variable.indices[:-1]:
                later[entry] = recurrence.at(entry)
        if not later:
            return expr
        expr = expr.xreplace(later)
    return expr


def to_start(expr: Expr, recurrences: dict, start: dict) -> Expr | None:
    """``expr`` with every entry at a concrete step written out down to its array's start;
    None past ``MAX_ENTRIES`` or below a start."""
    for _ in range(MAX_ENTRIES):
        entries = [
            e
            for array in recurrences
            for e in _entries((expr,), array)
            if not e.indices[-1].free_symbols
            and len(e.indices) == len(recurrences[array].params) + 1
        ]
        if any(e.indices[-1] < start[e.base] for e in entries):
            return None
        later = [e for e in entries if e.indices[-1] > start[e.base]]
        if not later:
            return expr
        expr = expr.xreplace({e: recurrences[e.base].at(e) for e in later})
    return None


@dataclass(frozen=True)
class Reading:
    """What the recurrences make of a claim: its verdict (proved, refuted at a first step, or
    undecided) and how, for the report."""

    verdict: object
    how: str


Judge = Callable[[Expr, Expr], object]  # (lhs, rhs) -> Verdict


def read_iterates(
    lhs: Expr, rhs: Expr, in_force: tuple, judge: Judge, shown: Callable[[Basic], str] = str
) -> Reading | None:
    """The claim ``lhs = rhs`` read with the recurrences ``in_force`` (``judge`` gives a
    verdict, ``shown`` an index's name); None if it has no entry of a recurrent array (then it
    is no claim about iterates)."""
    recurrences = {r.array: r for r in in_force}
    arrays = [a for a in recurrences if _entries((lhs, rhs), a)]
    if not arrays:
        return None
    recurrences = _reached(recurrences, arrays)
    lines = sorted({r.where for r in recurrences.values()})
    where = ("the recurrences at " if len(lines) > 1 else "the recurrence at ") + ", ".join(lines)
    stepped = by_steps(lhs, rhs, recurrences)
    if stepped != (lhs, rhs):
        verdict = judge(*stepped)
        if verdict.proved:
            return Reading(verdict, f" by {where}")
    start = _starts(lhs, rhs, recurrences)
    symbolic = _symbolic_index(lhs, rhs, recurrences)
    if symbolic is None:  # at concrete steps: proved down to the start
        return _at_concrete_steps(lhs, rhs, recurrences, start, judge, where)
    name = shown(symbolic[0])
    induction = _induction(*stepped, symbolic, recurrences, start, judge)
    if induction is not None and induction.refuted:
        first = start[symbolic[1]] - _offsets(*stepped, symbolic)[0]
        return Reading(induction, f" for {name} = {first}, the start ({where}),")
    if induction is not None:
        return Reading(induction, f" by induction on {name} ({where})")
    return _first_steps(lhs, rhs, symbolic, recurrences, start, judge, (name, where))


def _at_concrete_steps(lhs, rhs, recurrences: dict, start: dict, judge, where: str) -> Reading:
    """A claim at concrete steps written out down to the start (the start values the text
    states put in): proved there, or refuted when the text states all it rests on (the module's
    doc); else undecided."""
    sides = [to_start(side, recurrences, start) for side in (lhs, rhs)]
    if None in sides:
        return Reading(_undecided(), f" (about iterates: {where})")
    stated = {e: v for r in recurrences.values() for e, v in r.starts}
    left = [e for a in recurrences for e in _entries(sides, a) if e.indices[-1].is_Integer]
    values = {e: stated[e] for e in left if e in stated}
    written = [side.xreplace(values) for side in sides]
    verdict = judge(*written)
    if verdict.proved:
        told = ", the start the text states" if values else ""
        return Reading(verdict, f" by {where}, written out to the start{told}")
    stale = {e for r in recurrences.values() for e in r.stale}
    if verdict.refuted and not stale & set(values) and _all_stated(lhs, rhs, written, left, values):
        return Reading(verdict, f" by {where}, written out to the start the text states,")
    return Reading(_undecided(), f" (about iterates: {where})")


def _all_stated(lhs, rhs, written: list, left: list, values: dict) -> bool:
    """Whether a claim written out to the start rests only on what the text states: every
    start it reaches given by the text, no letter the claim does not write, no rounding."""
    if not left or len(values) != len(left):
        return False
    if any(isinstance(a, Rounded) for side in (lhs, rhs) for a in side.atoms(Rounded)):
        return False
    own = set().union(*(_letters(side) for side in (lhs, rhs)))
    return all(_letters(side) <= own for side in written)


def _letters(expr: Expr) -> set:
    """The symbols of ``expr`` and the bases of its entries (g of g_1)."""
    found = {s for s in expr.free_symbols if isinstance(s, Symbol)}
    return found | {e.base for e in expr.atoms(Indexed)}


def _reached(recurrences: dict, arrays: list) -> dict:
    """The recurrences of ``arrays`` and of the arrays their steps use (a system)."""
    kept, todo = {}, list(arrays)
    while todo:
        array = todo.pop()
        if array in kept or array not in recurrences:
            continue
        kept[array] = recurrences[array]
        todo += [a for a in recurrences if _entries((kept[array].body,), a)]
    return kept


def _symbolic_index(lhs: Expr, rhs: Expr, recurrences: dict) -> tuple[Symbol, Basic] | None:
    """(the index, its array) when the claim's recurrent entries stand at steps of one index
    of one array (and at constant steps); None otherwise."""
    found = set()
    for array in recurrences:
        for entry in _entries((lhs, rhs), array):
            at = step(entry)
            if at is not None:
                found.add((at[0], array))
            elif entry.indices[-1].free_symbols:
                return None
    return next(iter(found)) if len(found) == 1 else None


def _starts(lhs: Expr, rhs: Expr, recurrences: dict) -> dict:
    """Each array's start: the step the text states a start value at (``m_0 = 0``), else its
    lowest constant step in the claim, else 0."""
    start = {}
    for array, recurrence in recurrences.items():
        constants = [e.indices[-1] for e in _entries((lhs, rhs), array) if e.indices[-1].is_Integer]
        stated = [e.indices[-1] for e, _ in recurrence.starts]
        if stated and (not constants or min(stated) <= min(constants)):
            constants = stated
        start[array] = int(min(constants)) if constants else 0
    return start


def _induction(lhs, rhs, symbolic, recurrences, start, judge):
    """Proved for every step from the start by induction, or refuted at the start, or None."""
    index, array = symbolic
    offsets = _offsets(lhs, rhs, symbolic)
    if len(offsets) != 1:
        return None  # several steps: no induction on one entry
    # the claim names its start (w_0): refuted there, it is refuted; else the start is the
    # post's (m_0 = 0, stated or not): the induction may only prove
    explicit = any(e.indices[-1].is_Integer for e in _entries((lhs, rhs), array))
    entries = [e for e in _entries((lhs, rhs), array) if step(e) is not None]
    first = start[array] - offsets[0]  # the index at which the claim speaks of the start
    stated = dict(recurrences[array].starts)  # m_0 = 0 as the text states it
    base = [side.xreplace({index: first}).xreplace(stated) for side in (lhs, rhs)]
    verdict = judge(*base)
    if verdict.refuted:
        return verdict if explicit else None
    m = Dummy("m", integer=True, nonnegative=True)
    at = {index: first + m}
    entry = entries[0].xreplace(at)
    try:
        solved = solve((lhs - rhs).xreplace(at), entry, dict=True)
    except (NotImplementedError, ValueError, TypeError):
        return None
    if not verdict.proved or len(solved) != 1 or entry not in solved[0]:
        return None
    after = {index: first + m + 1}
    following = entries[0].xreplace(after)  # one step on: written out by the recurrence
    written = {following: recurrences[array].at(following)}
    moved = by_steps(lhs.xreplace(after).xreplace(written), rhs.xreplace(after), recurrences)
    hypothesis = {entry: solved[0][entry]}
    # a sum up to the next step is the sum up to this one and its last term (Karr's
    # convention makes this hold for every bound), so the hypothesis's sum appears in it
    moved = tuple(_last_term_apart(side, m) for side in moved)
    proved = judge(moved[0].xreplace(hypothesis), moved[1].xreplace(hypothesis))
    return proved if proved.proved else None


def _last_term_apart(expr: Expr, m: Symbol) -> Expr:
    """``expr`` with each sum whose upper bound has ``m`` in it written as the sum up to one
    less and its last term."""
    found = {}
    for term in expr.atoms(Sum):
        if len(term.limits) != 1:
            continue
        (bound, lo, hi) = term.limits[0]
        if hi.has(m):
            found[term] = Sum(term.function, (bound, lo, hi - 1)) + term.function.xreplace(
                {bound: hi}
            )
    return expr.xreplace(found)


def _offsets(lhs: Expr, rhs: Expr, symbolic) -> list[int]:
    """The steps of the index at which the claim has entries of the array, lowest first."""
    index, array = symbolic
    found = {step(e) for e in _entries((lhs, rhs), array)}
    return sorted(o for s, o in (f for f in found if f is not None) if s == index)


def _first_steps(lhs, rhs, symbolic, recurrences, start, judge, names) -> Reading:
    """The claim at its first steps, written out down to the start: refuted at one of them,
    else undecided."""
    index, array = symbolic
    name, where = names
    lowest = start[array] - _offsets(lhs, rhs, symbolic)[0]
    if index.is_positive:
        lowest = max(lowest, 1)
    for value in range(lowest, lowest + FIRST_STEPS):
        sides = [to_start(s.xreplace({index: value}), recurrences, start) for s in (lhs, rhs)]
        if None in sides:
            continue
        # started at zero (m_0 = 0, v_0 = 0: a start the prose may give in words), which is
        # one start among all: a counterexample there is one for every reading
        zero = {e: 0 for a in recurrences for e in _entries(sides, a) if e.indices[-1].is_Integer}
        verdict = judge(*(side.xreplace(zero) for side in sides))
        if verdict.refuted:
            return Reading(verdict, f" for {name} = {value} (written out by {where}),")
    return Reading(_undecided(), f" (about iterates: {where})")


def _undecided() -> Verdict:
    """Neither proved nor refuted by the steps: undecided, whatever the claim read as written
    (its entries as unrelated numbers) would give."""
    return Verdict("undecided", method=UNDECIDED)
