r"""Definitions for every layer: ``a^l = \sigma(z^l)``, ``\delta^l = \partial C / \partial z^l``,
"$dW^{[l]}$ stands for $\partial J / \partial W^{[l]}$", read at the layers a post writes.

A post in matrix notation defines a layer's quantities once, for a layer ``l`` (``a^l``,
``z^{[l]}``), and then writes them at the last layer ``L`` or at a numbered one (``a^L``,
``dW^{[2]}``). A name written at such a layer, new where it is written, is defined by the
definition for every layer with the label put in (``a^L = \sigma(z^L)``; ``a^{l-1}`` of the
definition becomes ``a^{L-1}``). Only names the text writes are defined so (the names an
instance brings in stay free: ``z^L`` of ``a^L`` is not followed down every layer), and a
name that rows above use already is never given a meaning after the fact.
"""

from __future__ import annotations

import dataclasses
import re

from derive.sources.posts.latex import nodes as ast

# a label of a layer: the letter l (or a script l) of the definition for every layer, L, a
# number, an offset (l+1, L-1), bracketed or parenthesized as code and lecture notes write them
_LABEL = re.compile(
    r"(?P<open>[\[(]?)(?P<stem>[l\N{SCRIPT SMALL L}L]|\d+)(?P<offset>[+-]\d+)?(?P<close>[\])]?)\Z"
)
_TRANSPOSED = re.compile(r"(T|\\top|\\intercal|\\mathsf\{T\})\Z")
GENERIC = ("l", "\N{SCRIPT SMALL L}")
MAX_LAYER = 64  # a numbered layer above this is not read as one


def split(label: str) -> tuple[str, str, int, str] | None:
    """(opening bracket, stem, offset, closing bracket) of a layer label; None otherwise."""
    found = _LABEL.match(label)
    if found is None or (found["open"] and not found["close"]):
        return None
    if found["open"] and {"[": "]", "(": ")"}[found["open"]] != found["close"]:
        return None
    offset = int(found["offset"]) if found["offset"] else 0
    return found["open"], found["stem"], offset, found["close"]


def is_generic(label: str) -> bool:
    """``l``, ``[l]``, ``(l)``: the label of a definition for every layer."""
    parts = split(label)
    return parts is not None and parts[1] in GENERIC and parts[2] == 0


def value_of(generic: str, label: str) -> tuple[str, int] | None:
    """The layer ``label`` puts for the generic ``l`` (same brackets): ("L", 0), ("2", 0),
    ("l", 1) for ``l+1``; None when ``label`` is no layer of that style, or is ``l`` itself."""
    g, t = split(generic), split(label)
    if g is None or t is None or (g[0], g[3]) != (t[0], t[3]):
        return None
    if t[1] in GENERIC and t[2] == 0:
        return None
    return t[1], t[2]


def put(label: str, value: tuple[str, int]) -> str | None:
    """``label`` of the definition (``l-1``, ``[l+1]``) at the layer ``value``; None when the
    result is no layer (``[0]``)."""
    suffix = _TRANSPOSED.search(label)
    core = label[: suffix.start()] if suffix else label
    parts = split(core)
    if parts is None or parts[1] not in GENERIC:
        return label
    opening, _, offset, closing = parts
    stem, shift = value
    total = offset + shift
    if stem.isdigit():
        number = int(stem) + total
        if not 0 < number <= MAX_LAYER:
            return None
        text = str(number)
    else:
        text = stem + (f"+{total}" if total > 0 else f"{total}" if total < 0 else "")
    return opening + text + closing + (suffix.group(0) if suffix else "")


class NoLayer(Exception):
    """A label of the definition that has no meaning at the layer asked for."""


def at_layer(node: ast.Node, value: tuple[str, int]) -> ast.Node:
    """The tree of a definition for every layer with each layer label put at ``value``.

    Raises:
        NoLayer: a label would name a layer that is not one (``W^{[l-1]}`` at layer 1).
    """
    if isinstance(node, ast.Scripted) and node.sup is not None:
        label = put(node.sup_text, value)
        if label is None:
            raise NoLayer(node.sup_text)
        node = dataclasses.replace(node, sup_text=label)
    if not dataclasses.is_dataclass(node):
        return node
    changes = {}
    for field in dataclasses.fields(node):
        old = getattr(node, field.name)
        new = _in(old, value)
        if new is not old:
            changes[field.name] = new
    return dataclasses.replace(node, **changes) if changes else node


def _in(item, value):
    if isinstance(item, ast.Node):
        return at_layer(item, value)
    if isinstance(item, tuple):
        items = tuple(_in(i, value) for i in item)
        return item if all(a is b for a, b in zip(items, item, strict=True)) else items
    return item


def derivative_sides(tree: ast.Node) -> tuple[ast.Node, ast.Node] | None:
    """(C, z^l) of ``\\partial C / \\partial z^l`` or ``\\frac{\\partial C}{\\partial z^l}``."""
    if isinstance(tree, (ast.Div, ast.Frac)):
        num, den = tree.numerator, tree.denominator
        partials = isinstance(num, ast.Partial) and isinstance(den, ast.Partial)
        if partials and num.order == 1 and num.operand is not None and den.operand is not None:
            return num.operand, den.operand
    return None
