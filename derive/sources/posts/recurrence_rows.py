"""The rows that state a recurrence (``w_{t+1} = w_t - \\eta f'(w_t)``), read by the chain
reader: a definition of the iterates from its row on, and the recurrences in force at each
claim with the start values the text states there (``$m_0 = 0$``). What the recurrences make
of a claim is ``recurrences``.
"""

from __future__ import annotations

from dataclasses import replace

from sympy import Indexed

from derive.sources.posts.items import Item, Side, unwrap
from derive.sources.posts.kinds import CLAIM, DEFINITION, NOT_A_CLAIM
from derive.sources.posts.latex import nodes as ast
from derive.sources.posts.names import BuildError
from derive.sources.posts.recurrences import Recurrence, recurrence_of


class RecurrencesMixin:
    """The recurrences of :class:`~derive.sources.posts.chains.ChainReader`: a row that states
    one is a definition; a later section may state another for the same array."""

    def _recurrences_in_force(self, instead: Recurrence | None = None) -> tuple:
        found = {array: r for array, (r, _) in self.recurrences.items()}
        if instead is not None:
            found[instead.array] = instead
        values = self._values()  # the start values the text states (``$m_0 = 0$``)
        made = []
        for array in sorted(found, key=str):
            starts = _starts_stated(found[array], values)
            stale = tuple(e for e, _ in starts if self.value_sections[e] < self.section)
            made.append(replace(found[array], starts=starts, stale=stale))
        return tuple(made)

    def _recurrence(self, chain, block, texts, name: str) -> bool:
        """``w_{t+1} = w_t - \\eta f'(w_t)``: the steps of w from here on; True if the chain's
        first relation states a recurrence (a definition; in a later section than another
        recurrence of the same array, a claim if the two agree, else the new one)."""
        builder = self.builder
        if not isinstance(unwrap(chain.parts[0]), ast.Scripted):
            return False  # not an entry: built here, it would count as written before
        try:
            left, right = builder.build(chain.parts[0]), builder.build(chain.parts[1])
        except BuildError:
            return False
        where = f"line {self._position(block, chain.pos)[0]}"
        found = recurrence_of(left, right, where)
        if found is None:
            return False
        before = self.recurrences.get(found.array)
        if before is not None and before[1] == self.section:
            return False  # the same section: a claim under the recurrence in force
        self.recurrences[found.array] = (found, self.section)
        builder.recurrences[found.array] = found
        shown = texts[0]
        line, column = self._position(block, chain.equals[0])
        if before is None:
            message = f"defines {shown} by a recurrence (a sequence, step by step)"
            item = Item(line, column, NOT_A_CLAIM, message, name, 0, *texts[:2], kind=DEFINITION)
        else:
            again = f"defines {shown} by another recurrence, from here on"
            item = Item(
                line,
                column,
                None,
                "",
                name,
                1,
                *texts[:2],
                left,
                right,
                CLAIM,
                otherwise=("not proved", DEFINITION, again),
                functions=builder.in_force(),
                recurrences=self._recurrences_in_force(instead=before[0]),
            )
        self.items.append(item)
        self.previous = Side(right, texts[1])
        return True


def _starts_stated(recurrence: Recurrence, values: dict) -> tuple:
    """(entry, value) of each entry of the recurrence's array at a concrete step that the
    text gives a value, in force here (``m_0 = 0``)."""
    width = len(recurrence.params) + 1
    return tuple(
        (entry, values[entry])
        for entry in sorted(values, key=str)
        if isinstance(entry, Indexed)
        and entry.base == recurrence.array
        and len(entry.indices) == width
        and entry.indices[-1].is_Integer
    )
