r"""Definitions for every layer in index notation, and the chain rule through the layers.

Backprop in components (``a^l_j = \sigma(z^l_j)``, ``z^l_j = \sum_k w^l_{jk} a^{l-1}_k + b^l_j``,
``\delta^l_j = \partial C / \partial z^l_j``) defines each quantity once, for a layer ``l``, and
then writes it at the last layer ``L`` or the next one ``l+1``. Two readings make those rows
claims the reader can check:

1. **At a layer.** A name written at a layer for the first time (``a^L_k``, ``\delta^{l+1}_k``)
   whose base has a definition for every layer is defined by it, the label put in
   (``a^L_k = \sigma(z^L_k)``); so is one that only definitions above used (``C`` defined with
   ``a^L_j`` before ``a^l_j`` was defined). Names an instance brings in stay free.
2. **Through the layers.** A cost written at the last layer does not reach ``z^l_j`` of a
   layer ``l`` of its own; with ``\delta^l_j = \partial C / \partial z^l_j`` defined for every
   layer, ``\partial C / \partial z^X_j`` is the error at layer X, a number of its own
   (``Definitions.opaque``: never refuted, never differentiated), and any other variable of a
   layer is reached through the z of its layer or of the next: ``\partial C / \partial b^l_j =
   \sum_k (\partial C / \partial z^l_k) \partial z^l_k / \partial b^l_j``. Before a claim is
   judged, the errors of lower layers are written by those of the highest layer in it
   (``\partial C / \partial z^l_j = \sum_k (\partial C / \partial z^{l+1}_k) \partial z^{l+1}_k /
   \partial z^l_j``: the chain rule), so that both sides speak of the same unknowns.

A claim proved so holds for every network of such layers. It is never refuted: the error of
the highest layer stands for any numbers, which the real network may not reach.
"""

from __future__ import annotations

from sympy import Expr, Indexed, IndexedBase, Sum

from derive.sources.posts.latex import nodes as ast
from derive.sources.posts.latex.tokens import LatexError
from derive.sources.posts.matrix.layers import (
    NoLayer,
    at_layer,
    derivative_sides,
    is_generic,
    split,
    value_of,
)
from derive.sources.posts.names import BuildError, Name

MAX_STEPS = 4  # errors of lower layers written by the next one, per claim


class EntryLayersMixin:
    """The layers of :class:`~derive.sources.posts.build.Builder` in index notation."""

    def register_entry_layers(self, lhs: ast.Node, rhs: ast.Node, where: str) -> str:
        """``a^l_j = \\sigma(z^l_j)``: remembered for every layer; the base, or ""."""
        if self.matrix_mode or not _generic_entry(lhs):
            return ""
        base = lhs.base.name + "'" * lhs.primes
        before = self.entry_generics.get(base)
        if before is not None and _derivative_sides(before[2]) and not _derivative_sides(rhs):
            return ""  # δ^l = Σ w δ^{l+1} σ' after δ^l = ∂C/∂z^l: a claim
        self.entry_generics[base] = (lhs.sup_text, lhs, rhs, where)
        return base

    def entry_instance(self, obj, name: Name) -> None:
        """Define ``obj`` (the array of ``name``, just made) by the definition for every
        layer of its base, at its layer."""
        if self.matrix_mode or self.instantiating or not name.label:
            return
        generic = self.entry_generics.get(name.base)
        if generic is None or obj in self.definitions.table:
            return
        label, lhs, rhs, where = generic
        value = value_of(label, name.label)
        if value is None:
            return
        self.instantiating = True
        try:
            left = self.build(at_layer(lhs, value))
            body = self.build_definition(at_layer(rhs, value))
        except (BuildError, LatexError, NoLayer):
            return
        finally:
            self.instantiating = False
        if not (isinstance(left, Indexed) and left.base == obj) or self.definitions.placeholders(
            body
        ):
            return
        params = left.indices
        if not all(p.is_Symbol for p in params) or len(set(params)) != len(params):
            return
        self.definitions.define(obj, params, body, f"{where}, at layer {name.label}")

    def instances_before(self, base: str, used: set) -> None:
        """The arrays of ``base`` at a layer that rows above made, free, and no claim used."""
        for (name, rank), obj in sorted(self.scope.objects.items(), key=lambda kv: str(kv[1])):
            if name.base == base and rank and obj not in used:
                self.entry_instance(obj, name)

    # --- the chain rule through the layers ----------------------------------------------

    def entry_chain(self, operand: ast.Node, v: Expr, shown_f: str, shown_v: str):
        """∂C/∂v through the layers (the module's doc), or None."""
        if self.matrix_mode or self.chaining or not isinstance(v, Indexed):
            return None
        key = self.scope.keys.get(v.base)
        error = self._entry_error_of(operand)
        if key is None or error is None or split(key[0].label) is None:
            return None
        z_base = error[0]
        label = key[0].label
        if key[0].base == z_base:
            return self.layer_error(operand, z_base, label, shown_f)[v.indices]
        self.chaining = True
        try:
            for shift in (0, 1):
                at = _shifted(label, shift)
                found = self._entry_through(operand, error, at, v, shown_f, shown_v)
                if found is not None:
                    return found
        finally:
            self.chaining = False
        return None

    def _entry_error_of(self, operand: ast.Node) -> tuple[str, str] | None:
        """(z, l) when the post defines an error ``\\partial C / \\partial z^l_j`` of this
        ``C`` for every layer."""
        written = _written(operand)
        for base in sorted(self.entry_generics):
            rhs = self.entry_generics[base][2]
            sides = _derivative_sides(rhs)
            if sides is None or written is None or _written(sides[0]) != written:
                continue
            variable = sides[1]
            if _generic_entry(variable) and variable.base.name in self.entry_generics:
                return variable.base.name, variable.sup_text
        return None

    def layer_error(self, operand: ast.Node, z_base: str, label: str, shown_f: str):
        """The array ∂C/∂z^X (a number of its own per entry), with how to write it by the
        next layer's."""
        name = Name(f"∂{shown_f}/∂{z_base}", label)
        array = self.scope.symbol(name, 1)
        definitions = self.definitions
        if array not in definitions.opaque:
            definitions.opaque[array] = name.shown()
            parts = split(label)
            step = None
            if not self.stepping:  # one layer up only: the next layer's error has no step
                self.stepping = True
                try:
                    step = self._entry_layer_up(operand, z_base, label, shown_f)
                finally:
                    self.stepping = False
            if parts is not None:
                definitions.layer_steps[array] = step or (None, None, parts[1], parts[2])
        return array

    def _entry_layer_up(self, operand, z_base: str, label: str, shown_f: str):
        """(index, ∂C/∂z^X_index written by ∂C/∂z^{X+1}, the label's stem and offset)."""
        parts = split(label)
        index = self.scope.fresh(self.scope.index("j"))
        entry = self.scope.symbol(Name(z_base, label), 1)[index]
        above = self._entry_through(operand, (z_base, ""), _shifted(label, 1), entry, shown_f, "")
        if above is None or parts is None:
            return None
        # its sums bind indices of their own: put in a claim, where a sum may bind the same
        # letter around the error, nothing is captured
        bound = sorted({var for term in above.atoms(Sum) for var, *_ in term.limits}, key=str)
        above = above.xreplace({var: self.scope.fresh(var) for var in bound})
        return index, above, parts[1], parts[2]

    def _entry_through(self, operand, error, label: str, v, shown_f: str, shown_v: str):
        """∂C/∂v as Σ_k (∂C/∂z^Y_k) ∂z^Y_k/∂v at the layer Y = ``label``, or None when z^Y
        does not reach v."""
        z_base = error[0]
        generic = self.entry_generics.get(z_base)
        if generic is None:
            return None
        z_label, lhs, _, _ = generic
        try:
            node = lhs if label == z_label else at_layer(lhs, value_of(z_label, label))
            z = self.build(node)
        except (BuildError, LatexError, NoLayer, TypeError):
            return None
        if not isinstance(z, Indexed) or len(z.indices) != 1:
            return None
        if v.base not in self.definitions.reached(z):
            return None
        bounds = self._entry_range(z)
        if bounds is None:
            return None
        k = self.scope.fresh(z.indices[0])
        held = IndexedBase(self.scope.generated(), real=True)
        total = Sum(held[k] * z.base[k], (k, *bounds))
        try:
            value = self.definitions.derivative(total, v, shown_f, shown_v)
        except Exception:
            return None
        if self.definitions.placeholders(value):
            return None
        error_array = self.layer_error(operand, z_base, label, shown_f)
        return value.replace(held, error_array)

    def _entry_range(self, z: Indexed):
        """The range of the z array's entries: its own, else its index letter's."""
        found = self.slot_range(z.base, 0)
        if found is not None:
            return found
        letter = self.scope.shown_names.get(z.indices[0], "")
        return self.ranges.letters.get(letter)


def written_by_top_layer(exprs: tuple[Expr, ...], steps: dict) -> tuple[Expr, ...]:
    """``exprs`` (a claim's sides) with each error array of a layer below the highest of its
    family in any of them written by the next layer's (``steps``: array -> (index, value or
    None when it has none, stem, offset))."""
    for _ in range(MAX_STEPS):
        found = {a for expr in exprs for a in expr.atoms(Indexed) if a.base in steps}
        if not found:
            return exprs
        top: dict[str, int] = {}
        for entry in found:
            stem, offset = steps[entry.base][2:]
            top[stem] = max(top.get(stem, offset), offset)
        lower = {
            e
            for e in found
            if steps[e.base][3] < top[steps[e.base][2]] and steps[e.base][1] is not None
        }
        if not lower:
            return exprs
        written = {e: steps[e.base][1].xreplace({steps[e.base][0]: e.indices[0]}) for e in lower}
        exprs = tuple(expr.xreplace(written) for expr in exprs)
    return exprs


def _generic_entry(node: ast.Node) -> bool:
    """``a^l_j``: an entry of a letter at the generic layer."""
    while isinstance(node, ast.Group):
        node = node.inner
    return (
        isinstance(node, ast.Scripted)
        and isinstance(node.base, ast.Letter)
        and node.sub is not None
        and node.sup is not None
        and is_generic(node.sup_text)
    )


def _shifted(label: str, shift: int) -> str:
    """``l`` shifted by 1 is ``l+1``; ``l+1`` by 1 ``l+2``; ``L`` by 1 ``L+1``."""
    parts = split(label)
    if parts is None or not shift:
        return label
    opening, stem, offset, closing = parts
    total = offset + shift
    text = stem + (f"+{total}" if total > 0 else f"{total}" if total < 0 else "")
    return opening + text + closing


def _derivative_sides(tree: ast.Node) -> tuple[ast.Node, ast.Node] | None:
    """(C, z^l_j) of ``\\frac{\\partial C}{\\partial z^l_j}``, inside brackets too."""
    while isinstance(tree, ast.Group):
        tree = tree.inner
    return derivative_sides(tree)


def _written(node: ast.Node) -> str | None:
    """A cost's name as written (``C``, ``C_x``), to tell whose derivative a row takes."""
    while isinstance(node, ast.Group):
        node = node.inner
    if isinstance(node, ast.Letter):
        return node.name
    if isinstance(node, ast.Scripted) and isinstance(node.base, ast.Letter) and node.sup is None:
        subs = node.sub or ()
        if all(isinstance(s, ast.Letter) for s in subs):
            return node.base.name + "_" + "".join(s.name for s in subs)
    return None
