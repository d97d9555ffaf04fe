"""A post's definitions, and what they mean for derivatives and for claims.

``z_k^L = \\sum_j w^L_{kj} a_j + b_k`` defines z^L (its subscript k is a parameter); the defined
symbol stays a symbol of its own in every expression, and is written out ("expanded") only
where that matters:

- ``\\frac{\\partial E}{\\partial v}`` writes out, in E, the definitions that depend on v, and
  keeps v as a variable (so ∂E/∂a_k sees E in a, ∂E/∂z_k sees a written in z);
- a claim is checked with the fewest definitions written out (a defined symbol is written out
  when its definition reaches a symbol the claim also uses); if that does not prove it, with
  every definition written out, which is the claim's real meaning.

A derivative with respect to a symbol the differentiated expression does not contain is never
zero: it becomes a placeholder that makes the claim "cannot check", with the symbol the author
probably meant; the claim is also judged reading it so (a refutation under that reading is
shown, a proof is not taken).

Writing definitions out is bounded by two limits, both measured before the work from the bodies
as written: nesting (``MAX_DEPTH``) and the size of the result (``MAX_EXPANDED`` nodes; 26 rows
``c = b + b b`` would double it 26 times). Past either, :class:`TooDeep` is raised and the claim
is "cannot check": a definition left unwritten would be a free symbol, and a claim about any
value of it may be refuted where the defined value makes it true.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sympy import Basic, Expr, Indexed, IndexedBase, MatrixSymbol, Symbol, default_sort_key, diff
from sympy.matrices.expressions.matexpr import MatrixElement

from derive.sources.posts.defined_functions import rename_bound
from derive.sources.posts.lazy_functions import LazyFunctions
from derive.sources.posts.matrix.gradients import matrix_derivative
from derive.sources.posts.suggestions import indices_of, other_entries_only, suggestions

MAX_DEPTH = 100  # definitions are written out at most this many levels deep
MAX_EXPANDED = 20_000  # nodes with the definitions written out (the checker's size limit)


class TooDeep(Exception):
    """Definitions that cannot be written out within the limits (the message says which)."""


@dataclass(frozen=True)
class Definition:
    obj: Basic  # the defined Symbol or IndexedBase
    params: tuple[Symbol, ...]
    body: Expr
    where: str  # "line 70"


@dataclass(frozen=True)
class Missing:
    """A derivative that cannot be checked: why, and its value read as the author probably
    meant (None when there is no single candidate)."""

    message: str
    reading: Expr | None
    alias: tuple[tuple[Basic, Basic], ...] = ()


class Definitions:
    """The post's definitions, in the order written."""

    def __init__(self, scope) -> None:
        self.scope = scope
        self.table: dict[Basic, Definition] = {}
        self.missing: dict[Symbol, Missing] = {}
        self.unknown: set[Symbol] = set()  # placeholders of functions the post does not define
        # entries at numbers the prose gives a meaning the reader does not read (``$\\hat{\\theta}_0
        # = \\log y$``), where: a claim refuted through one is not refuted
        self.unread: dict[Basic, str] = {}
        # numbers read as their own, whose value the reader does not know (``\\max_j z_j``,
        # ``extrema``), as written: what depends on one is never refuted, never differentiated
        self.opaque: dict[Basic, str] = {}
        # an error array of a layer (∂C/∂z^l) -> how the next layer's writes it (entry_layers)
        self.layer_steps: dict[Basic, tuple] = {}
        self.lazy = LazyFunctions()  # applications in definitions, written out per claim
        # entries at numbers defined one by one (``P_1 = e^{y_1} / S``, ``P_2 = ...``): each is
        # written out where it occurs, at exactly those indices; its array has no other meaning
        self.entries: dict[Indexed, Expr] = {}
        self._deps: dict[Basic, frozenset[Basic]] = {}
        self._costs: dict[Basic, tuple[int, int]] = {}

    def objects(self, expr: Basic) -> set[Basic]:
        """The post's Symbols and IndexedBases that occur in ``expr``."""
        found = {i.base for i in expr.atoms(Indexed)}
        found |= {s for s in expr.atoms(Symbol, MatrixSymbol) if s in self.scope.keys}
        return found & set(self.scope.keys)

    def depends(self, obj: Basic) -> frozenset[Basic]:
        """Every object ``obj``'s definition reaches, directly or through other definitions
        (``obj`` may be an entry defined on its own: ``P_1``)."""
        if obj not in self._deps:
            seen: set[Basic] = set()
            todo = [obj]
            while todo:
                current = todo.pop()
                if current in self.entries:
                    body = self.entries[current]
                elif current in self.table:
                    body = self.table[current].body
                else:
                    continue
                for found in self._atoms_reached(body) - seen:
                    seen.add(found)
                    todo.append(found)
            self._deps[obj] = frozenset(o for o in seen if o not in self.entries)
        return self._deps[obj]

    def _atoms_reached(self, body: Basic) -> set[Basic]:
        """The objects in ``body`` and its entries that are defined on their own."""
        return self.objects(body) | {a for a in body.atoms(Indexed) if a in self.entries}

    def define(self, obj: Basic, params: tuple[Symbol, ...], body: Expr, where: str) -> bool:
        """Record a definition; False (nothing recorded) if it would refer to itself."""
        if obj in self.reached(body):
            return False
        if isinstance(obj, MatrixSymbol) and body in self.missing:  # not read: as a matrix
            body = self._matrix_placeholder(body, obj)
        self.table[obj] = Definition(obj, params, body, where)
        for entry in [e for e in self.entries if e.base == obj]:  # the array's meaning now
            del self.entries[entry]
        self._deps.clear()
        self._costs.clear()
        return True

    def define_entry(self, entry: Indexed, body: Expr) -> bool:
        """Record one entry's definition (``P_1 = e^{y_1} / S``, ``P_2 = 1 - P_1``); False
        (nothing recorded) if, written out, it would still use its own array."""
        if entry.base in self.table or entry in self.entries:
            return False
        try:
            written = self.expand(body)
        except TooDeep:
            return False
        if entry.base in self.reached(written):
            return False
        self.entries[entry] = body
        self._deps.clear()
        self._costs.clear()
        return True

    def _owner(self, atom: Basic) -> Basic:
        """Whose definition ``atom`` is written out by: an entry defined on its own, or its
        array (or the symbol itself)."""
        if atom in self.entries or not isinstance(atom, Indexed):
            return atom
        return atom.base

    def _defined_atoms(self, expr: Basic) -> list[Basic]:
        """In a fixed order: instantiating generates names, which must not follow hashing."""
        atoms = {i for i in expr.atoms(Indexed) if i.base in self.table or i in self.entries}
        atoms |= {s for s in expr.atoms(Symbol, MatrixSymbol) if s in self.table}
        return sorted(atoms, key=default_sort_key)

    def instantiate(self, atom: Basic) -> Expr:
        """The definition of ``atom`` (``a^L[c]``) with its arguments in place; a sum index of
        the definition that an argument uses is renamed first, so it captures nothing."""
        if isinstance(atom, Indexed) and atom.base not in self.table:
            return self.entries[atom]
        if isinstance(atom, Indexed):
            definition, args = self.table[atom.base], atom.indices
        else:
            definition, args = self.table[atom], ()
        if len(args) != len(definition.params):
            return atom
        clash = set().union(*(a.free_symbols for a in args)) if args else set()
        body = definition.body
        if clash:
            body = rename_bound(body, clash, self.scope.fresh)
        return body.xreplace(dict(zip(definition.params, args, strict=True)))

    def expand(self, expr: Expr, which: Callable[[Basic], bool] = lambda atom: True) -> Expr:
        """``expr`` with the defined atoms for which ``which`` holds written out, repeatedly.

        Raises:
            TooDeep: written out, it would be nested deeper than ``MAX_DEPTH`` definitions or
                larger than ``MAX_EXPANDED`` nodes (measured before the work).
        """
        self.check_size(expr)
        for _ in range(MAX_DEPTH + 1):
            chosen = {a: self.instantiate(a) for a in self._defined_atoms(expr) if which(a)}
            chosen = {a: v for a, v in chosen.items() if v is not a}
            if not chosen:
                return expr
            try:
                expr = expr.xreplace(chosen)
            except (TypeError, ValueError):  # a number where a matrix was read, or the reverse
                raise TooDeep("a definition written out mixes numbers and matrices") from None
        raise TooDeep(f"definitions nested deeper than {MAX_DEPTH}")

    def check_size(self, expr: Basic) -> None:
        """Raise TooDeep if ``expr`` with every definition written out would pass a limit."""
        nodes, depth = self._measure(expr)
        if depth > MAX_DEPTH:
            raise TooDeep(f"definitions nested deeper than {MAX_DEPTH}")
        if nodes > MAX_EXPANDED:
            raise TooDeep(f"definitions written out would exceed {MAX_EXPANDED} nodes")

    def _defined_object(self, node: Basic) -> Basic | None:
        if isinstance(node, Indexed) and node.base in self.table:
            return node.base
        named = isinstance(node, (Symbol, MatrixSymbol))
        return node if named and node in self.table else None

    def _measure(self, expr: Basic, costs: dict | None = None) -> tuple[int, int]:
        """(nodes, depth) of ``expr`` with every definition written out, from each definition's
        cost (computed once); counting stops past ``MAX_EXPANDED``, so this is linear in the
        text, whatever the result's size would be."""
        costs = self._definition_costs() if costs is None else costs
        nodes, depth, todo = 0, 0, [expr]
        while todo and nodes <= MAX_EXPANDED:
            node = todo.pop()
            if node in self.entries:  # never reaches its own array (define_entry): no cycle
                nodes += 1
                todo.append(self.entries[node])
                continue
            obj = self._defined_object(node)
            if obj is None:
                nodes += 1
                todo.extend(node.args)
                continue
            size, levels = costs.get(obj, (1, 0))
            nodes, depth = nodes + size, max(depth, levels)
            todo.extend(node.indices if isinstance(node, Indexed) else ())
        return nodes, depth

    def _definition_costs(self) -> dict[Basic, tuple[int, int]]:
        """Each definition's (nodes, depth) written out, those it uses first (iteratively: a
        chain of 2000 definitions is no place to find the recursion limit)."""
        costs = self._costs
        for root in self.table:
            todo = [(root, False)]
            while todo:
                obj, ready = todo.pop()
                if obj in costs:
                    continue
                inner = [o for o in self.objects(self.table[obj].body) if o in self.table]
                waiting = [o for o in inner if o not in costs and o != obj]
                if not ready and waiting:
                    todo += [(obj, True), *((o, False) for o in waiting)]
                    continue
                costs[obj] = (1, MAX_DEPTH + 1)  # a cycle (never defined) would count as deep
                size, levels = self._measure(self.table[obj].body, costs)
                costs[obj] = (size, levels + 1)
        return costs

    def minimal(self, lhs: Expr, rhs: Expr) -> tuple[Expr, Expr]:
        """Both sides with a defined symbol written out only where its definition reaches a
        symbol that the claim uses too (else it is compared as a symbol of its own)."""
        for _ in range(MAX_DEPTH):
            needed = self._needed(self.objects(lhs) | self.objects(rhs))
            new_lhs, new_rhs = self.expand_once(lhs, needed), self.expand_once(rhs, needed)
            if new_lhs == lhs and new_rhs == rhs:
                return lhs, rhs
            lhs, rhs = new_lhs, new_rhs
        return lhs, rhs

    def _needed(self, present: set[Basic]) -> Callable[[Basic], bool]:
        def needed(atom: Basic) -> bool:
            obj = atom.base if isinstance(atom, Indexed) else atom
            return bool(self.depends(self._owner(atom)) & (present - {obj}))

        return needed

    def expand_once(self, expr: Expr, which: Callable[[Basic], bool]) -> Expr:
        chosen = {a: self.instantiate(a) for a in self._defined_atoms(expr) if which(a)}
        try:
            return expr.xreplace(chosen) if chosen else expr
        except (TypeError, ValueError):  # numbers and matrices mixed: left as they are
            return expr

    def placeholders(self, expr: Basic) -> list[Symbol]:
        return sorted(expr.free_symbols & set(self.missing), key=str)

    def read_as_meant(self, expr: Expr) -> Expr | None:
        """``expr`` with every placeholder replaced by its reading (None if one has none)."""
        for _ in range(MAX_DEPTH):
            found = self.placeholders(expr)
            if not found:
                return expr
            if any(self.missing[p].reading is None for p in found):
                return None
            aliases = {a: b for p in found for a, b in self.missing[p].alias}
            expr = expr.xreplace({p: self.missing[p].reading for p in found}).xreplace(aliases)
        return None

    def derivative(self, f: Expr, v: Basic, shown_f: str, shown_v: str) -> Expr:
        """∂f/∂v as the post means it (see the module docstring); a placeholder if f does not
        depend on v."""
        obj = v.base if isinstance(v, Indexed) else v
        obj = obj.parent if isinstance(obj, MatrixElement) else obj  # θ_j of a vector θ
        if self.placeholders(f):
            meant = self.read_as_meant(f)
            reading = None if meant is None else self.derivative(meant, v, shown_f, shown_v)
            messages = "; ".join(
                dict.fromkeys(self.missing[p].message for p in self.placeholders(f))
            )
            return self._placeholder(messages, reading, ())
        reached = self.reached(f)
        around = {o for o in self.objects(f) if o != obj}  # not through the variable itself
        mine = {a for a in f.atoms(Indexed) if a in self.entries and a.base != obj}
        for found in list(around | mine):
            around |= self.depends(found) - {obj}
        broken = self.unreadable(around) or self._generic_layer(obj, reached)
        opaque = sorted(self.opaque[o] for o in reached | around if o in self.opaque)
        if opaque:  # \max_j z_j depends on every z_j: its derivative is not 0
            broken = broken or f"{opaque[0]} is a number of its own here: not differentiated"
        if broken:  # mu whose definition is not read: not a constant of the derivative
            return self._placeholder(broken, None, ())
        if obj not in reached:
            return self._not_contained(f, v, obj, reached, shown_f, shown_v)
        keep = obj

        def reaches(atom: Basic) -> bool:
            atom_obj = atom.base if isinstance(atom, Indexed) else atom
            return atom_obj != keep and keep in self.depends(self._owner(atom))

        expanded = self.expand(f, reaches)
        if isinstance(v, (MatrixSymbol, MatrixElement)):
            return matrix_derivative(self, expanded, v)
        if other_entries_only(expanded, v):  # x_t by x_{t-1}: never the same entry, not 0
            message = f"{shown_f} does not depend on {shown_v} (other entries of it only)"
            return self._placeholder(message, None, ())
        indices = set().union(*(i.free_symbols for i in indices_of(v))) if indices_of(v) else set()
        if indices:  # d/d y_k of a sum over k: the sum's own k is another index
            expanded = rename_bound(expanded, indices, self.scope.fresh)
        return self.lazy.at_points(diff(expanded, v))

    def unreadable(self, objects: set[Basic]) -> str:
        """Why some of ``objects`` have a definition that is not read ("" if none): a
        derivative through one is not taken (the name would be a constant of it)."""
        found = []
        for obj in sorted(objects, key=default_sort_key):
            definition = self.table.get(obj)
            if definition is not None:
                found += [self.missing[p].message for p in self.placeholders(definition.body)]
        return "; ".join(dict.fromkeys(found))

    def _generic_layer(self, obj: Basic, reached: set[Basic]) -> str:
        """``W^{(l)}`` (a layer written with a letter, or summed over: ``(·)``) beside the variable
        ``W^{(1)}``: the reader keeps them apart, so a derivative through the sum over layers
        would miss the variable's own layer. Why it is not taken, or ""."""
        key = self.scope.keys.get(obj)
        if key is None or not any(ch.isdigit() for ch in key[0].label):
            return ""
        for other in sorted(reached, key=default_sort_key):
            name = self.scope.keys.get(other, (None,))[0]
            same = name is not None and name.base == key[0].base and name.label != key[0].label
            if same and not any(ch.isdigit() for ch in name.label):  # (l), (·): any layer
                return f"{name.shown()} of every layer is not read as {key[0].shown()}"
        return ""

    def reached(self, f: Expr) -> set[Basic]:
        """The objects in ``f`` and every object their definitions reach."""
        found = self.objects(f)
        for obj in list(self._atoms_reached(f)):
            found |= self.depends(obj)
        return found

    def _not_contained(self, f, v, obj, reached: set[Basic], shown_f: str, shown_v: str) -> Expr:
        candidates = suggestions(self.scope, obj, reached)
        message = f"{shown_f} does not depend on {shown_v}"
        reading, alias = None, ()
        if candidates:
            indices = "".join(self.scope.shown_names.get(i, str(i)) for i in indices_of(v))
            names = " or ".join(self.scope.keys[c][0].shown(indices) for c in candidates)
            message += f" (did you mean {names}?)"
        if len(candidates) == 1 and not isinstance(v, MatrixElement):
            meant = candidates[0]
            target = meant[v.indices] if isinstance(v, Indexed) else meant
            reading = self.derivative(f, target, shown_f, shown_v)
            alias = (
                ((obj, meant),)
                if isinstance(obj, IndexedBase) == isinstance(meant, IndexedBase)
                else ()
            )
        return self._placeholder(message, reading, alias)

    def _matrix_placeholder(self, placeholder: Symbol, like: MatrixSymbol) -> MatrixSymbol:
        """A placeholder of a matrix's shape (a vector's definition that cannot be read)."""
        made = MatrixSymbol(self.scope.generated(), *like.shape)
        self.scope.display[made] = MatrixSymbol("?", *like.shape)
        self.scope.shown_names[made] = "?"
        self.missing[made] = self.missing[placeholder]
        return made

    def _placeholder(self, message: str, reading: Expr | None, alias) -> Symbol:
        made = self.scope.placeholder("?")
        self.missing[made] = Missing(message, reading, alias)
        return made
