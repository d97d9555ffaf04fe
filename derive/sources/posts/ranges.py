"""The ranges of a post's indices, read from its sums before anything is built.

A post writes ``\\sum_{k=1}^{K}`` once and ``\\sum_k`` or a free ``k`` elsewhere; the range
of ``k`` comes from the other sums over the same letter, or from the subscript slot it sits in
(``z^L_c`` is summed over ``c`` from 1 to K, so ``z^L_k`` has k from 1 to K too). Declared
ranges come first. Every range found this way is listed in the report with where it came from.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from sympy import Expr, Integer

from derive.sources.posts.iterates import find_iterates, iterate_index
from derive.sources.posts.latex import nodes as ast
from derive.sources.posts.names import Name, Scope, label_kind


def letter_of(node: ast.Node | None) -> str | None:
    """``k`` for a letter, ``c'`` for a primed letter; None for anything else."""
    if isinstance(node, ast.Letter):
        return node.name
    if (
        isinstance(node, ast.Scripted)
        and isinstance(node.base, ast.Letter)
        and node.sub is None
        and node.sup is None
    ):
        return node.base.name + "'" * node.primes
    return None


def index_items(items: tuple[ast.Node, ...]) -> tuple[list[ast.Node], str]:
    """The index expressions of a subscript, and a name suffix (``E_{\\text{total}}``).

    ``{kj}`` (a product of letters) is two indices; ``{k,j}`` two; ``{2k}`` one; ``{k+1}`` one.
    """
    indices: list[ast.Node] = []
    suffix = ""
    for item in items:
        if isinstance(item, ast.Note):
            suffix += item.text
        elif _tag(item):
            suffix += item.factors[0].name + item.factors[1].text
        elif isinstance(item, ast.Mul) and all(letter_of(f) for f in item.factors):
            indices.extend(item.factors)
        else:
            indices.append(item)
    return indices, suffix


TAG_LETTERS_NOT = frozenset("ijklmn")  # x_{i1}: letters that index, never a tag


def _tag(item: ast.Node) -> bool:
    """``h1``, ``o2`` in ``net_{h1}``, ``out_{o2}``: a letter and a number written together
    name a unit (a worked example's neuron), not an index (``i``, ``j``, ... excepted)."""
    if not (isinstance(item, ast.Mul) and len(item.factors) == 2 and not item.operators):
        return False
    letter, number = item.factors
    return (
        isinstance(letter, ast.Letter)
        and len(letter.name) == 1
        and letter.name.isascii()
        and letter.name not in TAG_LETTERS_NOT
        and isinstance(number, ast.Number)
        and number.text.isdigit()
        and letter.pos + 1 == number.pos
    )


@dataclass(frozen=True)
class Limits:
    """What a ``\\sum`` says about its index: the letter (None if it cannot be told), the
    bounds as written (None if absent), and the value it skips (``\\sum_{k \\neq j}``)."""

    letter: str | None
    lower: ast.Node | None = None
    upper: ast.Node | None = None
    skipped: ast.Node | None = None


def sum_limits(node: ast.Sum) -> Limits:
    """The limits of a ``\\sum``: ``_{k=1}^{K}``, ``_k``, ``_{k \\neq j}``, or none at all
    (``\\sum y_k``: the one index letter its body's subscripts use)."""
    sub = node.sub
    if sub is None:
        letters = _body_indices(node.body)
        return Limits(letters[0] if len(letters) == 1 else None, None, node.sup)
    if isinstance(sub, ast.Relation) and sub.op == "=":
        return Limits(letter_of(sub.lhs), sub.rhs, node.sup)
    if isinstance(sub, ast.Relation) and sub.op == "!=":
        return Limits(letter_of(sub.lhs), None, node.sup, sub.rhs)
    return Limits(letter_of(sub), None, node.sup)


def _body_indices(body: ast.Node) -> list[str]:
    """The index letters of the subscripts in a sum's body, outside inner sums, in order."""
    found: list[str] = []
    stack = [body]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Sum):
            continue
        if isinstance(node, ast.Scripted) and isinstance(node.base, ast.Letter) and node.sub:
            for index in index_items(node.sub)[0]:
                letter = letter_of(index)
                if letter is not None and letter not in found:
                    found.append(letter)
        stack.extend(reversed(ast.children(node)))
    return found


def size_key(node: ast.Node | None) -> str | None:
    """The name of a size as written: ``K``, ``s_l``, ``n_L``, ``n_{L-1}``, ``S_{n_l}``; None
    for anything that is not a letter with a simple subscript."""
    if isinstance(node, ast.Letter):
        return node.name
    if not (isinstance(node, ast.Scripted) and isinstance(node.base, ast.Letter)):
        return None
    if node.sup is not None or node.primes or not node.sub or len(node.sub) != 1:
        return None
    text = _plain_text(node.sub[0])
    if text is None:
        return None
    return f"{node.base.name}_{text if len(text) == 1 else '{' + text + '}'}"


def _plain_text(node: ast.Node) -> str | None:
    if isinstance(node, ast.Number):
        return node.text
    if isinstance(node, (ast.Letter, ast.Scripted)):
        return size_key(node)
    if isinstance(node, ast.Mul) and all(isinstance(f, ast.Letter) for f in node.factors):
        return "".join(f.name for f in node.factors)
    if isinstance(node, ast.Add):
        parts = []
        for sign, term in node.terms:
            text = _plain_text(term)
            if text is None:
                return None
            parts.append(("-" if sign < 0 else "+" if parts else "") + text)
        return "".join(parts)
    return None


EXAMPLE = "(\N{MIDDLE DOT})"  # the label of x^{(i)}: an array with the example index last
_LAYER_EXAMPLE = re.compile(r"(\[[^\[\]]+\])\(.+\)\Z")  # a^{[2](i)}: layer 2, example i


def example_label(node: ast.Scripted) -> str:
    """The label of an example's entry: ``x^{(i)}`` is of x^{(·)}; ``a^{[2](i)}`` keeps its
    layer, of a^{[2](·)}."""
    found = _LAYER_EXAMPLE.match(node.sup_text)
    return found.group(1) + EXAMPLE if found else EXAMPLE


def superscript_index(
    node: ast.Scripted, summed: set[str], iterated=frozenset()
) -> ast.Node | None:
    """The index of ``x^{(i)}``, ``y^{(i+1)}``: a bracketed superscript whose letter a sum
    runs over somewhere in the post (an example index, not a layer label); or the step of a
    sequence the post states (``x^{(k)}``, ``w^{t}``: ``find_iterates``); else None."""
    if iterated and node.sup is not None:
        step = iterate_index(node, iterated)
        if step is not None:
            return step
    sup = node.sup
    layered = _LAYER_EXAMPLE.match(node.sup_text) and isinstance(sup, ast.Mul)
    if layered and len(sup.factors) == 2 and isinstance(sup.factors[1], ast.Group):
        sup = sup.factors[1]  # a^{[2](i)}: the example i of layer 2
    elif not node.sup_text.startswith("("):
        return None  # [l] is a layer (deeplearning.ai's brackets)
    if not (isinstance(node.base, ast.Letter) and isinstance(sup, ast.Group)) or sup.brace:
        return None
    inner = sup.inner
    letter = letter_of(inner)
    if letter is None and isinstance(inner, ast.Add) and len(inner.terms) == 2:
        (_, first), (_, second) = inner.terms
        letter = letter_of(first) if isinstance(second, ast.Number) else None
    return inner if letter is not None and letter in summed else None


def array_name(
    node: ast.Scripted, labels: dict[str, str], summed=frozenset(), iterated=frozenset()
) -> Name | None:
    """The name of a subscripted letter (label included), or None."""
    if not isinstance(node.base, ast.Letter):
        return None
    label = ""
    if superscript_index(node, summed, iterated) is not None:
        label = example_label(node)
    elif node.sup is not None and label_kind(node.sup_text, labels) == "label":
        label = node.sup_text
    suffix = index_items(node.sub or ())[1]
    base = node.base.name + "'" * node.primes + (f"_{{{suffix}}}" if suffix else "")
    return Name(base, label)


@dataclass
class Ranges:
    """What the range pass found (``letters`` also lands in ``Scope.index_ranges``)."""

    letters: dict[str, tuple[Expr, Expr]] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)
    slots: dict[tuple[Name, int, int], tuple[Expr, Expr]] = field(default_factory=dict)
    index_letters: set[str] = field(default_factory=set)
    size_letters: set[str] = field(default_factory=set)
    labels: set[str] = field(default_factory=set)
    unranged: set[str] = field(default_factory=set)  # letters of sums written without a bound
    summed: set[str] = field(default_factory=set)  # letters some sum runs over
    iterated: set[tuple[str, str, bool]] = field(default_factory=set)  # superscript steps


def bound_value(node: ast.Node | None, scope: Scope) -> Expr | None:
    """A sum's bound as written (``K``, ``1``, ``K-1``): sizes are letters, integers are
    numbers; anything else is no bound."""
    if isinstance(node, ast.Number) and node.text.isdigit() and len(node.text) < 10:
        return Integer(int(node.text))
    if isinstance(node, ast.Letter):
        return scope.size(node.name)
    if isinstance(node, ast.Scripted):
        key = size_key(node)
        return None if key is None else scope.size(key)
    if isinstance(node, ast.Add):
        total = Integer(0)
        for sign, term in node.terms:
            value = bound_value(term, scope)
            if value is None:
                return None
            total += sign * value
        return total
    if isinstance(node, ast.Group):
        return bound_value(node.inner, scope)
    return None


def find_ranges(
    lines: Iterable[tuple[ast.Line, Callable[[int], str]]], scope: Scope, implied: bool = False
) -> Ranges:
    """Read every sum and subscript of the post (in file order) for index ranges.

    Args:
        lines: each parsed row with a function telling where an offset is ("line 69").
        scope: the post's names; declared ranges in ``scope.index_ranges`` win.
        implied: the post sums repeated indices (``implied``): every index may be summed, so
            one without a range gets the size of sums without one.
    """
    found = Ranges(letters=dict(scope.index_ranges))
    found.sources = {k: "declared" for k in scope.index_ranges}
    occurrences: list[tuple[Name, int, int, str, tuple | None]] = []
    lines = list(lines)
    for line, _ in lines:  # first the letters sums run over (x^{(i)} is an entry if some are)
        for node in ast.walk(line):
            letter = sum_limits(node).letter if isinstance(node, ast.Sum) else None
            if letter is not None:
                found.summed.add(letter)
    found.iterated = find_iterates(line for line, _ in lines)
    for line, where in lines:
        stack: list[tuple[ast.Node, dict]] = [(line, {})]
        while stack:
            node, env = stack.pop()
            if isinstance(node, ast.Sum):
                env = _sum(node, env, scope, found, where)
            elif isinstance(node, ast.Scripted):
                _scripted(node, env, scope, found, occurrences)
            elif isinstance(node, ast.Indicator) and node.condition is not None:
                _indicator_letters((node.condition,), found)
            elif isinstance(node, ast.Apply) and _function_head(node.head):
                # f_{w,b}(x), h_\theta(x): the subscript names the function's parameters
                stack.extend((child, env) for child in reversed(node.args))
                continue
            stack.extend((child, env) for child in reversed(ast.children(node)))
    # x_m in "x_1, \dots, x_m": m bounds a sum, it is a size, not an index of its own
    found.index_letters -= found.size_letters
    occurrences = [o for o in occurrences if o[3] not in found.size_letters]
    _spread(found, occurrences)
    if implied:  # not a letter that names an array (W_{hh} h_t: h is no index to sum)
        found.unranged |= found.index_letters - {o[0].base for o in occurrences}
    missing = sorted(letter for letter in found.unranged if letter not in found.letters)
    if missing:  # no range anywhere: one size for them all, checked for every value
        size = scope.implicit_size(found.index_letters | found.size_letters)
        for letter in missing:
            found.letters[letter] = (Integer(1), size)
            found.sources[letter] = "no range in the text: one size for every sum without one"
        _spread(found, occurrences)
    scope.index_ranges.update(found.letters)
    scope.range_sources.update(found.sources)
    return found


def _sum(node: ast.Sum, env: dict, scope: Scope, found: Ranges, where) -> dict:
    limits = sum_limits(node)
    letter, lower, upper = limits.letter, limits.lower, limits.upper
    if letter is None:
        return env
    found.index_letters.add(letter)
    if limits.skipped is not None and letter_of(limits.skipped):
        found.index_letters.add(letter_of(limits.skipped))
    lo = Integer(1) if lower is None else bound_value(lower, scope)
    hi = None if upper is None else bound_value(upper, scope)
    if isinstance(upper, ast.Letter):
        found.size_letters.add(upper.name)
    if upper is None:
        found.unranged.add(letter)
    if lo is not None and hi is not None:
        if letter not in found.letters:
            found.letters[letter] = (lo, hi)
            found.sources[letter] = f"the sum over {letter} at {where(node.pos)}"
        return {**env, letter: (lo, hi)}
    return {**env, letter: None}


def _scripted(node: ast.Scripted, env: dict, scope: Scope, found: Ranges, occurrences) -> None:
    if isinstance(node.base, (ast.Indicator, ast.Number)) and node.sub:
        _indicator_letters(node.sub, found)  # 1_{d=k}: d and k are indices
    labelled = node.sup is not None and isinstance(node.base, ast.Letter)
    extra = superscript_index(node, found.summed, found.iterated)
    if labelled and extra is None and label_kind(node.sup_text, scope.labels) == "label":
        found.labels.add(node.sup_text)
    if (node.sub is None and extra is None) or not isinstance(node.base, ast.Letter):
        return
    name = array_name(node, scope.labels, found.summed, found.iterated)
    indices = index_items(node.sub or ())[0] + ([extra] if extra is not None else [])
    for slot, index in enumerate(indices):
        letter = letter_of(index)
        if letter is None:
            continue
        found.index_letters.add(letter)
        occurrences.append((name, len(indices), slot, letter, env.get(letter)))


FUNCTION_HEADS = frozenset(["f", "g", "h", "J", "L", "\N{SCRIPT SMALL L}"])


def _function_head(head: ast.Node) -> bool:
    """A function's name with a subscript (``f_{w,b}``, ``h_\\theta``, ``J_i``?): the
    conventional function letters; a product such as ``p_i(1 - p_i)`` keeps its index."""
    base = head.base if isinstance(head, ast.Scripted) else head
    return isinstance(base, ast.Letter) and base.name in FUNCTION_HEADS


def _indicator_letters(items: tuple[ast.Node, ...], found: Ranges) -> None:
    """``1_{d=k}``: d and k are indices (``1[z_j > 0]`` says nothing about z)."""
    for item in items:
        if isinstance(item, ast.Relation) and item.op == "=":
            for side in (item.lhs, item.rhs):
                letter = letter_of(side)
                if letter is not None:
                    found.index_letters.add(letter)


def _spread(found: Ranges, occurrences: list) -> None:
    """Slot ranges from bound letters, then letters from slots, until nothing changes."""
    for name, rank, slot, _letter, bound in occurrences:
        if bound:
            found.slots.setdefault((name, rank, slot), bound)
    for _ in range(4):
        changed = False
        for name, rank, slot, letter, _bound in occurrences:
            key = (name, rank, slot)
            if letter in found.letters and key not in found.slots:
                found.slots[key] = found.letters[letter]
                changed = True
            if letter not in found.letters and key in found.slots:
                found.letters[letter] = found.slots[key]
                found.sources[letter] = f"its place in {name.shown(letter)}"
                changed = True
        if not changed:
            break
