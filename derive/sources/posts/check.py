"""Check a read post: one :class:`PostResult` per step, in the post's names and positions.

A claim is judged by :func:`derive.checker.equal.check_equal`, first with the fewest
definitions written out, then (if that does not prove it) with all of them, which is its real
meaning; a refuted claim is checked again under the hidden conditions of ``side_conditions``.
"cannot read" and "cannot check" come from reading the post (``post_chains``); they are not
verdicts of the checker, and count as not proved.
"""

from __future__ import annotations

import dataclasses

from sympy import (
    Basic,
    Eq,
    Expr,
    Ge,
    Indexed,
    IndexedBase,
    Integer,
    KroneckerDelta,
    Le,
    Ne,
    Piecewise,
    S,
    Sum,
    Tuple,
    default_sort_key,
)

from derive.checker.digits import judge as judge_digits
from derive.checker.equal import DEFAULT_TIMEOUT, check_equal
from derive.checker.limits import Limits
from derive.checker.rounded import has_rounded, plain
from derive.checker.verdict import Verdict
from derive.sources.limits import MAX_EXPONENT, large_power
from derive.sources.posts.applied import Applied, index_cases
from derive.sources.posts.branches import holds_in_a_case, states_cases
from derive.sources.posts.chains import Item
from derive.sources.posts.definitions import TooDeep
from derive.sources.posts.display import show, show_key, show_names
from derive.sources.posts.entry_layers import written_by_top_layer
from derive.sources.posts.file import PostFile
from derive.sources.posts.instances import InstanceMixin
from derive.sources.posts.kinds import CONDITION, NOT_A_CLAIM, NOTE
from derive.sources.posts.matrix.claims import (
    has_matrices,
    is_cannot_check,
    prepared,
    written_problem,
)
from derive.sources.posts.matrix.hidden import normalizations, stated_in_prose
from derive.sources.posts.recurrences import read_iterates
from derive.sources.posts.result import PostResult
from derive.sources.posts.side_conditions import Extra, applicable, indices_in_range

SHOWN_VALUES = 12  # counterexample values shown in a report line
INDEX_PAIRS = 3  # pairs of free indices tried as a hidden condition (i = j, i ≠ j)


def check_post(
    post: PostFile,
    *,
    timeout: float | None = DEFAULT_TIMEOUT,
    seed: int = 0,
    limits: Limits | None = None,
) -> list[PostResult]:
    """Every step of a post, in file order (a stated meaning of notation only if it differs)."""
    found = (
        check_item(post, index, timeout=timeout, seed=seed, limits=limits)
        for index in range(len(post.items))
    )
    return [r for r in found if r is not None]


def check_item(
    post: PostFile,
    index: int,
    *,
    timeout: float | None = DEFAULT_TIMEOUT,
    seed: int = 0,
    limits: Limits | None = None,
) -> PostResult | None:
    """One item of ``post.items``; None for a stated meaning of notation that agrees."""
    item = post.items[index]
    if item.status is not None:
        return _result(post, item, item.status, item.message, Verdict("undecided"))
    return _Check(post, item, timeout, seed, limits).run()


def _result(
    post: PostFile, item: Item, status: str, detail: str, verdict: Verdict, needs=()
) -> PostResult:
    kind = NOTE if item.kind == "notation" else item.kind  # a stated meaning of notation
    return PostResult(
        post.path,
        item.line,
        item.column,
        item.chain,
        item.step,
        item.lhs_text,
        item.rhs_text,
        status,
        detail,
        verdict,
        tuple(post.defaults),
        tuple(needs),
        kind,
        item.condition_text,
    )


MAX_WRITTEN_SIZE = 8  # entries written out by number: a size at most this


class _Check(InstanceMixin):
    def __init__(
        self,
        post: PostFile,
        item: Item,
        timeout: float | None,
        seed: int,
        limits: Limits | None = None,
    ) -> None:
        self.post, self.item, self.timeout, self.seed = post, item, timeout, seed
        self.limits = limits
        self.definitions = post.definitions
        try:
            expanded = tuple(self.definitions.expand(r) for r in item.conditions)  # z > 0
        except TooDeep:
            expanded = ()
        self.conditions = Applied(tuple(dict.fromkeys(item.conditions + expanded)))
        self.extra = self.conditions.assume  # the claim's conditions that are not substituted
        self.written = set()
        if item.lhs is not None:
            self.written = self.definitions.objects(item.lhs) | self.definitions.objects(item.rhs)

    def verdict(
        self, lhs: Expr, rhs: Expr, extra: tuple[Basic, ...] = (), substitute: dict | None = None
    ) -> Verdict:
        stated = tuple(a.xreplace(substitute or {}) for a in self.post.assumptions)
        assume = (*stated, *self.ranges(lhs, rhs), *self.extra, *extra)
        assume = tuple(a for a in assume if a is not S.true and a != True)  # noqa: E712
        if any(a is S.false or a == False for a in assume):  # noqa: E712
            return Verdict("undecided", method="its conditions never hold together")
        ready = prepared(self.post, lhs, rhs, assume)
        if isinstance(ready, Verdict):
            return ready
        lhs, rhs, assume = ready

        def exact(left: Expr, right: Expr) -> Verdict:
            return check_equal(
                left,
                right,
                assume=tuple(plain(a) for a in assume),
                timeout=self.timeout,
                seed=self.seed,
                limits=self.limits,
            )

        if has_rounded(lhs, rhs):  # a worked example's decimals: true to the digits shown
            return judge_digits(lhs, rhs, exact)
        return exact(lhs, rhs)

    def ranges(self, lhs: Expr, rhs: Expr) -> list[Basic]:
        """The range relations of the free indices whose range the text gives: the ranges of
        the slots the index sits in in this claim (``a_j`` with a summed over 1..N: j ≤ N),
        else the range of its letter (a letter may be summed over another range elsewhere)."""
        scope, found = self.post.scope, []
        difference = Tuple(lhs, rhs)  # its free symbols and entries (a matrix minus a number
        free = difference.free_symbols  # is no expression)
        slots = self.slot_ranges(difference, free)
        for letter, symbol in sorted(scope.free.items()):
            if symbol not in free:
                continue
            known = slots.get(symbol) or (
                [scope.index_ranges[letter]] if letter in scope.index_ranges else []
            )
            for lo, hi in dict.fromkeys(known):
                found.append(Le(symbol, hi))
                if not (lo.is_Integer and ((lo == 1 and symbol.is_positive) or lo == 0)):
                    found.append(Ge(symbol, lo))
        return [r for r in found if r is not True and r != True]  # noqa: E712

    def slot_ranges(self, expr: Expr, free: set) -> dict[Basic, list[tuple[Expr, Expr]]]:
        """Free index -> the ranges of the array slots it fills in ``expr``."""
        scope, found = self.post.scope, {}
        for atom in sorted(expr.atoms(Indexed), key=str):
            key = scope.keys.get(atom.base)
            if key is None:
                continue
            for slot, index in enumerate(atom.indices):
                bounds = self.post.ranges.slots.get((key[0], key[1], slot))
                if index in free and bounds is not None:
                    found.setdefault(index, []).append(bounds)
        return found

    def by_top_layer(self, *sides: Expr) -> tuple[Expr, ...]:
        """The claim's sides (written out, then minimal) with the errors of lower layers
        written by the highest layer's (``entry_layers``), then written out again."""
        definitions = self.definitions
        expanded = lambda side: self.resolved(definitions.expand(side))  # noqa: E731
        full = written_by_top_layer(sides[:2], definitions.layer_steps)
        minimal = written_by_top_layer(sides[2:], definitions.layer_steps)
        return (*(expanded(side) for side in full), *(self.resolved(s) for s in minimal))

    def resolved(self, expr: Expr) -> Expr:
        """``expr`` with the functions applied inside definitions written out as they are in
        force at the claim's row."""
        post = self.post

        def slot_range(array, slot):
            key = post.scope.keys.get(array)
            return None if key is None else post.ranges.slots.get((key[0], key[1], slot))

        in_force = dict(self.item.functions)
        return self.definitions.lazy.resolve(expr, in_force, post.scope.fresh, slot_range)

    def run(self) -> PostResult | None:
        item, definitions = self.item, self.definitions
        try:
            full_lhs = self.resolved(definitions.expand(item.lhs))
            full_rhs = self.resolved(definitions.expand(item.rhs))
        except TooDeep as error:  # a definition left unwritten would be judged as any value
            return self.result("cannot check", str(error), Verdict("undecided"))
        if large_power(full_lhs) or large_power(full_rhs):  # a^{999} with a = x^{999}
            message = f"with its definitions written out, a power above {MAX_EXPONENT}"
            return self.result("cannot check", message, Verdict("undecided"))
        if definitions.placeholders(full_lhs) or definitions.placeholders(full_rhs):
            if item.otherwise and item.otherwise[0] == "not proved":
                return self.otherwise()  # an update is not a claim, checkable or not
            return self.placeholders(full_lhs, full_rhs)
        missing = definitions.lazy.unresolved(Tuple(full_lhs, full_rhs))
        if missing:
            message = f"{', '.join(missing)} is not defined where this claim stands"
            return self.result("cannot check", message, Verdict("undecided"))
        written = written_problem(self.post, item.lhs, item.rhs)  # W g: as written
        if written is not None and item.kind != "notation":
            if item.otherwise and item.otherwise[0] == "not proved":
                return self.otherwise()
            message = show_names(self.post.scope, written.method.split(": ", 1)[1])
            return self.result("cannot check", message, Verdict("undecided"))
        lhs, rhs = (self.resolved(side) for side in definitions.minimal(item.lhs, item.rhs))
        if definitions.layer_steps:  # ∂C/∂z^l by ∂C/∂z^{l+1}: one layer's errors (entry_layers)
            full_lhs, full_rhs, lhs, rhs = self.by_top_layer(full_lhs, full_rhs, lhs, rhs)
        if item.kind == "notation" and _same_notation(lhs, rhs):
            return None
        conditions = self.conditions.for_claim(full_lhs, full_rhs)
        self.extra = conditions.assume
        full_lhs, full_rhs = conditions.apply(full_lhs), conditions.apply(full_rhs)
        lhs, rhs = conditions.apply(lhs), conditions.apply(rhs)
        cases = index_cases(rhs)
        if cases is not None and item.kind != "notation":
            return self.by_case(lhs, full_lhs, cases)
        verdict = self.verdict(lhs, rhs)
        if not verdict.proved and (lhs, rhs) != (full_lhs, full_rhs):
            first = verdict
            lhs, rhs = full_lhs, full_rhs
            verdict = self.verdict(lhs, rhs)
            if is_cannot_check(first) and is_cannot_check(verdict):
                verdict = first  # in the names as written (`W g`), not written out
        iterates = None
        if not verdict.proved and item.recurrences:  # w_{t+1}, w_t: steps of one sequence
            steps = tuple(
                dataclasses.replace(r, body=self.resolved(definitions.expand(r.body)))
                for r in item.recurrences
            )  # the steps in the claim's terms: its definitions written out, as in its sides
            iterates = read_iterates(lhs, rhs, steps, self.verdict, self.index_name)
            verdict = verdict if iterates is None else iterates.verdict
        if item.instance and not verdict.proved:  # a worked example: at the values given
            instance = self.instance(verdict)
            if isinstance(instance, PostResult):
                return instance
            if instance is not None:
                (lhs, rhs, verdict), iterates = instance, None
        if item.kind == "notation":
            return None if verdict.proved else self.notation(verdict)
        if is_cannot_check(verdict):  # a claim between matrices that is not judged
            if item.otherwise and item.otherwise[0] == "not proved":
                return self.otherwise()
            message = show_names(self.post.scope, verdict.method.split(": ", 1)[1])
            return self.result("cannot check", message, Verdict("undecided"))
        guessed = "; ".join(item.guesses)
        settled = verdict.refuted or (item.otherwise and item.otherwise[0] == "not proved")
        # an equation set to zero that holds under a hidden condition (the gradient's entries
        # sum to zero if the targets do) is a claim that needs it, not an equation to solve
        matrices = has_matrices(lhs, rhs)  # the hidden conditions are about entries
        solved = verdict.refuted and _solved(item) and not matrices
        hidden = self.hidden(lhs, rhs) if solved else None
        if item.otherwise and settled and not verdict.proved and hidden is None:
            return self.otherwise()
        if verdict.refuted and matrices:  # P - Y: proved if the rows of Y sum to 1?
            normalized = self.normalized(lhs, rhs, verdict)
            if normalized is not None:
                return normalized
        if verdict.refuted:
            opaque = [t for o, t in definitions.opaque.items() if Tuple(full_lhs, full_rhs).has(o)]
            if opaque:  # \max_j z_j, the error of a layer: numbers whose value is not read
                message = f"refuted with {sorted(opaque)[0]} as any number (its value is not read)"
                return self.result("cannot check", message, Verdict("undecided"))
            ranged = None if matrices or hidden else self.in_range(lhs, rhs)
            if ranged is not None:
                return ranged
            hidden = hidden or (None if matrices else self.hidden(lhs, rhs))
            if hidden is not None:
                text = f": refuted as written; proved if {hidden} (not stated in the text);"
                return self.result("refuted", text + self.details(verdict), verdict)
            index = None if matrices else self.index_condition(lhs, rhs)
            if index is not None:
                message = (
                    f"proved if {index}, a condition its row does not state (the text may "
                    "state it around the formula); refuted without it"
                )
                return self.result("cannot check", message, Verdict("undecided"))
            if _complex_at(lhs, rhs, verdict.counterexample):
                message = (
                    "refuted only where a side is not a real number (the logarithm or a root of "
                    "a negative number: outside what the text means)"
                )
                return self.result("cannot check", message, Verdict("undecided"))
            lone = self.lone_unknown(full_lhs, full_rhs)
            if lone is not None:
                message = (
                    f"{lone} is not defined, and the text never says what it is "
                    "(a notation the reader does not know?)"
                )
                return self.result("cannot check", message, Verdict("undecided"))
            size = self.written_size(item, full_lhs, full_rhs)
            if size is not None:
                message = (
                    f"proved for {size}, the entries the row writes out (the text may give that "
                    "size in words); refuted for other sizes"
                )
                return self.result("cannot check", message, Verdict("undecided"))
            unread = [e for e in self.post.definitions.unread if (lhs - rhs).has(e)]
            if unread:
                shown = self.post.definitions.unread[unread[0]]
                name = show(self.post.scope, unread[0])
                if isinstance(unread[0], IndexedBase):  # \eta of \eta_t = \eta_0 / (1 + kt)
                    name = self.post.scope.shown_names.get(unread[0], name)
                message = f"the text gives {name} a meaning ({shown}) that is not read"
                return self.result("cannot check", message, Verdict("undecided"))
            written = item.lhs_text + item.rhs_text
            if (
                not matrices
                and not states_cases(written)
                and holds_in_a_case(lhs, rhs, lambda a, b: self.verdict(a, b).proved)
            ):
                message = (
                    "proved in one case of a function defined by cases (a region the row does "
                    "not state: the text may state it around the formula); refuted without it"
                )
                return self.result("cannot check", message, Verdict("undecided"))
            if guessed:
                message = f"refuted when {guessed}, a reading of the text that is a guess"
                return self.result("cannot check", message, Verdict("undecided"))
        detail = self.details(verdict) if iterates is None else iterates.how + self.details(verdict)
        if guessed and verdict.proved:
            detail += f" ({guessed})"
        return self.result(verdict.status, detail, verdict)

    def written_size(self, item: Item, lhs: Expr, rhs: Expr) -> str | None:
        """``s_1 = \\frac{e^{a_1}}{e^{a_1} + e^{a_2}}`` under ``s_i = e^{a_i} / \\sum_{k=1}^{N}
        e^{a_k}``: a row that writes entries out by number is about the size they reach ("for
        two classes", said in words). When the claim has one free size and is proved with it
        set to the largest number written in an entry, it is not refuted: "N = 2", or None."""
        sizes = set(self.post.scope.sizes.values())
        free = [s for s in (lhs - rhs).free_symbols if s in sizes]
        written = (item.lhs, item.rhs)
        numbers = [
            int(i)
            for side in written
            if side is not None
            for entry in side.atoms(Indexed)
            for i in entry.indices
            if i.is_Integer and 1 < int(i) <= MAX_WRITTEN_SIZE
        ]
        if len(free) != 1 or not numbers:
            return None
        size = Integer(max(numbers))
        if not self.verdict(lhs.subs(free[0], size), rhs.subs(free[0], size)).proved:
            return None
        return f"{self.index_name(free[0])} = {size}"

    def lone_unknown(self, lhs: Expr, rhs: Expr) -> str | None:
        """A capital array in a refuted claim (its definitions written out) that no definition
        of the post uses and none defines (``D_j`` of
        ``D_j S_i = S_i (\\delta_{ij} - S_j)``, D_j the text's operator for a derivative): the
        refutation only says the reader does not know it. A plain symbol (a rate η the text
        never defines) is a parameter and refutes. Its name as written, or None."""
        definitions = self.post.definitions
        used = set(definitions.table)
        for definition in definitions.table.values():
            used |= definitions.objects(definition.body)
        for entry, body in definitions.entries.items():
            used |= {entry.base} | definitions.objects(body)
        left, right = definitions.objects(lhs), definitions.objects(rhs)
        keys = self.post.scope.keys
        arrays = {o for o in (left | right) - used if isinstance(o, IndexedBase)}
        # an operator-like capital (D_i L = ... D_i S_k ...); a small letter is data (g_t)
        lone = [o for o in arrays if keys[o][0].base[:1].isupper()]
        lone.sort(key=default_sort_key)
        return None if not lone else keys[lone[0]][0].shown()

    def index_name(self, symbol: Basic) -> str:
        return self.post.scope.shown_names.get(symbol, str(symbol))

    def otherwise(self) -> PostResult:
        """The row is not a claim but what ``item.otherwise`` says (an update, a definition
        again, a relation that chooses a symbol, an equation the text sets)."""
        _, kind, message = self.item.otherwise
        result = self.result(NOT_A_CLAIM, f"{message}: not an identity", Verdict("undecided"))
        return dataclasses.replace(result, kind=kind)

    def by_case(self, lhs: Expr, full_lhs: Expr, cases) -> PostResult:
        """A right side written as cases over indices: each case under its condition."""
        verdicts = []
        for value, condition in cases:
            applied = Applied((condition,))
            left, right = applied.apply(lhs), applied.apply(value)
            verdict = self.verdict(left, right, applied.assume)
            if not verdict.proved and left != applied.apply(full_lhs):
                verdict = self.verdict(applied.apply(full_lhs), right, applied.assume)
            shown = show(self.post.scope, condition)
            if verdict.refuted:
                return self.result(
                    "refuted", f" in the case {shown}:{self.details(verdict)}", verdict
                )
            verdicts.append((shown, verdict))
        if all(v.proved for _, v in verdicts):
            shown = "; ".join(c for c, _ in verdicts)
            last = verdicts[-1][1]
            return self.result("proved", f" case by case ({shown}){self.details(last)}", last)
        undecided = next(v for _, v in verdicts if not v.proved)
        return self.result(undecided.status, self.details(undecided), undecided)

    def index_condition(self, lhs: Expr, rhs: Expr) -> str | None:
        """``i = j`` or ``i ≠ j`` for two free indices of a refuted claim, when the claim is
        proved under it (a case of a derivative with respect to an entry, whose condition is
        said in the prose); None otherwise."""
        difference = lhs - rhs
        if not (difference.has(KroneckerDelta) or difference.has(Piecewise)):
            return None
        free = sorted(
            (s for s in difference.free_symbols if s in set(self.post.scope.free.values())),
            key=lambda s: self.post.scope.shown_names.get(s, str(s)),
        )
        pairs = [(a, b) for n, a in enumerate(free) for b in free[n + 1 :]][:INDEX_PAIRS]
        left, written = lhs.free_symbols, rhs.free_symbols
        for a, b in pairs:
            # i = j only when the left side has both and the right side is written for the
            # case (one of the two is gone from it: the diagonal); an equality that holds
            # where two swapped or mistaken indices meet is a slip, not a case
            collapsed = {a, b} <= left and not ({a, b} <= written)
            for relation in (Eq(a, b), Ne(a, b)) if collapsed else (Ne(a, b),):
                conditions = Applied((relation,))
                verdict = self.verdict(
                    conditions.apply(lhs), conditions.apply(rhs), conditions.assume
                )
                if verdict.proved:
                    return show(self.post.scope, relation)
        return None

    def normalized(self, lhs: Expr, rhs: Expr, refuted: Verdict) -> PostResult | None:
        """A refuted matrix claim proved once a data matrix's rows (or columns) sum to 1:
        proved under it when the prose says so of that name (one-hot targets), else cannot
        check, the condition named (see ``posts.matrix.hidden``); None if none proves it."""
        table = self.post.scope.matrices
        for shown, given, matrix in normalizations(self.post, lhs, rhs):
            verdict = self.verdict(lhs, rhs, (given,))
            if not verdict.proved:
                continue
            name = self.post.scope.shown_names.get(matrix, str(matrix))
            if table is not None and stated_in_prose(table.prose, name):
                detail = f" (the text says {name} is one-hot or sums to 1);" + self.details(verdict)
                return self.result("proved", detail, verdict)
            message = f"proved if {shown}, which the text does not state; refuted without it"
            return self.result("cannot check", message, Verdict("undecided"))
        return None

    def in_range(self, lhs: Expr, rhs: Expr) -> PostResult | None:
        """``\\frac{\\partial}{\\partial \\theta_j} \\sum_{i=0}^{n} \\theta_i x_i = x_j``, no range
        given to j: a free index names an entry of what the claim sums over, so it runs over
        the range of the claim's sums. Refuted only outside it (where the author claims
        nothing), the claim is proved there and the range is named; None otherwise."""
        ranges = {limits[1:] for s in (lhs - rhs).atoms(Sum) for limits in s.limits}
        if len(ranges) != 1:
            return None  # sums over several ranges: which one the index runs over is a guess
        extra = indices_in_range(self.post, lhs, rhs)
        if extra is None:
            return None
        verdict = self.verdict(*_apply([extra], lhs, rhs))
        if not verdict.proved:
            return None
        detail = f" for {extra.shown} (the range of the sums it writes; the text gives none);"
        return self.result("proved", detail + self.details(verdict), verdict)

    def hidden(self, lhs: Expr, rhs: Expr) -> str | None:
        """The hidden condition(s) under which a refuted claim is proved, as shown; or None."""
        extras = applicable(self.post, lhs, rhs)
        attempts = [[e] for e in extras] + ([extras] if len(extras) > 1 else [])
        for attempt in attempts:
            if self.verdict(*_apply(attempt, lhs, rhs)).proved:
                return " and ".join(e.shown for e in attempt)
        return None

    def placeholders(self, lhs: Expr, rhs: Expr) -> PostResult:
        definitions = self.definitions
        found = definitions.placeholders(lhs) + definitions.placeholders(rhs)
        message = "; ".join(dict.fromkeys(definitions.missing[p].message for p in found))
        meant_lhs, meant_rhs = definitions.read_as_meant(lhs), definitions.read_as_meant(rhs)
        if meant_lhs is None or meant_rhs is None:
            return self.result("cannot check", message, Verdict("undecided"))
        meant_lhs, meant_rhs = self.conditions.apply(meant_lhs), self.conditions.apply(meant_rhs)
        verdict = self.verdict(meant_lhs, meant_rhs)
        hidden = self.hidden(meant_lhs, meant_rhs) if verdict.refuted else None
        if verdict.refuted and hidden is None:
            text = f": read as suggested ({message}), refuted;"
            return self.result("refuted", text + self.details(verdict), verdict)
        if hidden is not None:
            message += f"; read as suggested, refuted as written and proved if {hidden}"
        if verdict.proved:
            message += "; read as suggested, it is proved"
        return self.result("cannot check", message, Verdict("undecided"))

    def notation(self, verdict: Verdict) -> PostResult:
        message = (
            "the text defines this notation differently from the reader's meaning "
            f"(1 if the condition holds, else 0){self.details(verdict)}"
        )
        return self.result("cannot check", message, verdict)

    def details(self, verdict: Verdict) -> str:
        """The verdict's text after its status; a long counterexample is cut to its first
        entries, the symbols the claim is written in first (``--json`` has all of them)."""
        shown = self.shown(verdict)
        text = str(shown)[len(verdict.status) :]
        if shown.counterexample and len(shown.counterexample) > SHOWN_VALUES:
            full = shown.counterexample_text()
            entries = full.split(", ")
            short = ", ".join(entries[:SHOWN_VALUES])
            text = text.replace(full, f"{short}, ... ({len(entries) - SHOWN_VALUES} more)", 1)
        return text

    def shown(self, verdict: Verdict) -> Verdict:
        scope = self.post.scope
        counterexample = verdict.counterexample
        return dataclasses.replace(
            verdict,
            needs=tuple(_Shown(self.need_text(n)) for n in verdict.needs),
            counterexample=None if counterexample is None else self.ordered(counterexample),
            method=show_names(scope, verdict.method),
            caveats=tuple(show_names(scope, c) for c in verdict.caveats),
            slip=show_names(scope, verdict.slip),
        )

    def ordered(self, counterexample: dict) -> dict:
        """The counterexample in the post's names: indices and sizes, then the symbols the
        claim is written in, then those its definitions bring in."""
        scope, written = self.post.scope, self.written

        def rank(key: Basic) -> int:
            obj = getattr(key, "base", key)
            if obj not in scope.keys:
                return 0
            return 1 if obj in written else 2

        keys = sorted(counterexample, key=rank)  # stable: the checker's order within a rank
        return {show_key(scope, k): counterexample[k] for k in keys}

    def need_text(self, relation: Basic) -> str:
        label = self.post.labels.get(relation)
        shown = show(self.post.scope, relation)
        return f"{label}: {shown}" if label else shown

    def result(self, status: str, detail: str, verdict: Verdict) -> PostResult:
        scope, labels = self.post.scope, self.post.labels
        needs = [
            {"label": labels.get(n), "relation": show(scope, n), "sympy": str(scope.show(n))}
            for n in verdict.needs
        ]
        return _result(self.post, self.item, status, detail, self.shown(verdict), needs)


def _solved(item: Item) -> bool:
    """Whether ``item`` is a claim only if it holds, else an equation the text sets or solves."""
    return bool(item.otherwise) and item.otherwise[1] == CONDITION


class _Shown(str):
    """A relation already shown as text (``k ≤ K``), carried where the Verdict keeps needs."""


def _same_notation(lhs: Expr, rhs: Expr) -> bool:
    """The indicator stated as cases (``1 if d = k, else 0``) is the Kronecker delta."""
    return lhs.rewrite(KroneckerDelta) == rhs.rewrite(KroneckerDelta)


def _apply(extras: list[Extra], lhs: Expr, rhs: Expr) -> tuple:
    substitute = {k: v for e in extras for k, v in e.substitute.items()}
    assume = tuple(r.xreplace(substitute) for e in extras for r in e.assume)
    return lhs.xreplace(substitute), rhs.xreplace(substitute), assume, substitute


def _complex_at(lhs: Expr, rhs: Expr, point: dict | None) -> bool:
    """Whether a side takes a value that is not real at the counterexample (``\\log q_1`` at
    q_1 = -1): the text means real quantities (probabilities, positive arguments of logs), so
    such a point refutes nothing. False when the sides cannot be evaluated there."""
    if not point:
        return False
    for side in (lhs, rhs):
        try:
            value = side.subs(point).doit().subs(point).evalf(20)
        except (TypeError, ValueError, ArithmeticError, RecursionError):
            continue
        if value.is_number and value.as_real_imag()[1] != 0:
            return True
    return False
