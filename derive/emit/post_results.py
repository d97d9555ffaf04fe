"""A read post or paper -> :class:`~derive.emit.results.Result` s, one per chain.

Each claim is checked as ``derive check`` checks it (``derive.sources.posts.check``); a chain
``A = B = C`` (rows continued with ``&=``) is emitted when every claim in it is proved, and its
result is the last expression, with the post's definitions written out, except the variable a
derivative is taken with respect to: ∂E/∂z_k is a function of z, as the post means it, even
where z is defined in terms of W. The function is named after what the chain is about: the
defined symbol (``E = ... = ...``) or the derivative (``\\frac{\\partial E}{\\partial z_k}``
is ``dE/dz_k``), else the chain's label (``eq. (3)``). With ``--all`` every definition is a
result too.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from sympy import Basic, Expr, Indexed, Integer, Symbol

from derive.checker.limits import Limits
from derive.emit.graph import Domain
from derive.emit.results import Result, Step
from derive.sources.posts.check import check_item
from derive.sources.posts.display import show
from derive.sources.posts.file import PostFile
from derive.sources.posts.latex.vocabulary import GREEK_TEXT
from derive.sources.statuses import NOT_A_CLAIM

_DERIVATIVE = re.compile(
    r"^\s*\\frac\s*\{\s*\\partial\s*(?P<f>[^{}]*(?:\{[^{}]*\}[^{}]*)*)\}"
    r"\s*\{\s*\\partial\s*(?P<v>[^{}]*(?:\{[^{}]*\}[^{}]*)*)\}\s*$"
)


def post_results(
    post: PostFile,
    *,
    every: bool = False,
    timeout: float | None = None,
    limits: Limits | None = None,
) -> list[Result]:
    """A result per chain of claims (checked here), and with ``every`` per definition."""
    chains: dict[str, list[int]] = {}
    for index, item in enumerate(post.items):
        if item.kind != "notation" and item.status != NOT_A_CLAIM:  # definitions come apart
            chains.setdefault(item.chain, []).append(index)
    checked = {i: check_item(post, i, timeout=timeout) for ids in chains.values() for i in ids}
    defined = {_clean(rhs): lhs for lhs, rhs in post.defined}
    numerators = {
        _clean(found.group("f"))
        for item in post.items
        if (found := _DERIVATIVE.match(item.lhs_text or ""))
    }
    names = {obj: text for obj, text in post.scope.shown_names.items()}
    stated = _stated(post)

    def shown(obj: Basic) -> str:
        return names[obj] if obj in names else show(post.scope, obj)

    results = []
    for label, written in chains.items():
        # a row the check reads as a definition after all (a name defined again, an update)
        # is no claim of the chain; a chain of such rows alone is a definition, not a result
        indices = [i for i in written if checked[i] is None or checked[i].status != NOT_A_CLAIM]
        if not indices:
            continue
        first, last = post.items[written[0]], post.items[indices[-1]]
        derivative = _DERIVATIVE.match(first.lhs_text or "")
        if derivative:
            name = f"d{_clean(derivative.group('f'))}/d{_clean(derivative.group('v'))}"
        else:
            name = defined.get(_clean(first.lhs_text or ""), label)
        wrt = _variable(post, derivative.group("v")) if derivative else None
        expr = None if last.rhs is None else _expanded(post, last.rhs, wrt, last)
        steps = tuple(
            _step(post.items[i].step, checked[i], stated) for i in indices if checked[i] is not None
        )
        results.append(
            Result(
                source=post.path,
                line=first.line,
                name=name,
                kind="derivation",
                expr=expr,
                ranges=_ranges(post, () if expr is None else expr.free_symbols),
                show=shown,
                wrt=wrt,
                loss=_clean(name) in numerators,
                steps=steps,
                names=names,
                title=label,
                problem=None if expr is not None else "its last expression cannot be read",
                wrt_inputs=_inputs_of(post, wrt),
            )
        )
    if every:
        results += _definitions(post, numerators, names, shown)
    return results


def _inputs_of(post: PostFile, wrt: Basic | None) -> frozenset[Basic]:
    """The symbols and arrays the post defines ``wrt`` from (none if it does not define it)."""
    if wrt is None:
        return frozenset()
    try:
        written = post.definitions.expand(wrt)
    except Exception:  # too deep or too large to write out: nothing is inferred
        return frozenset()
    if written == wrt:
        return frozenset()
    found = {a.base for a in written.atoms(Indexed)}
    found |= {s for s in written.free_symbols if not isinstance(s, Indexed)}
    return frozenset(found)


def _clean(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _stated(post: PostFile) -> dict[str, Basic]:
    """The post's assumptions by the text its reports give them (``label: relation``): the
    reports show what a proof used as text, and emit needs the relations back."""
    found = {}
    for relation in (*post.assumptions, *post.labels):
        label = post.labels.get(relation)
        shown = show(post.scope, relation)
        found[f"{label}: {shown}" if label else shown] = relation
    return found


def _step(number: int, result, stated: dict[str, Basic]) -> Step:
    needs = tuple(str(n) for n in result.verdict.needs)
    message = "" if result.status == "proved" else result.message()
    relations = tuple(stated[n] for n in needs if n in stated)
    return Step(number, result.status, needs, message, relations)


_SUBSCRIPT = re.compile(r"_(?:\{(?P<braced>[^{}]*)\}|(?P<one>[A-Za-z0-9]))")


def _variable(post: PostFile, text: str) -> Basic | None:
    """The symbol or entry the post writes as ``text`` (``\\eta``, ``z^L_k``, ``W_{kj}``, an
    entry at a number, ``\\theta_1``)."""
    wanted = _clean(text)
    subscript = _SUBSCRIPT.search(wanted)
    letters: list[str] = []
    number = None
    if subscript:
        inside = subscript.group("braced") or subscript.group("one")
        letters = re.findall(r"[A-Za-z]", inside)
        number = int(inside) if inside.isdigit() else None
    base = wanted[: subscript.start()] + wanted[subscript.end() :] if subscript else wanted
    base = re.sub(r"\\([A-Za-z]+)", lambda m: GREEK_TEXT.get(m.group(1), m.group(0)), base)
    for obj, (name, rank) in post.scope.keys.items():
        if rank == 0 and _clean(name.shown()) in (wanted, _clean(text.replace("\\", ""))):
            return obj
        if rank == 1 and number is not None and _clean(name.shown()) == base:
            return obj[Integer(number)]
        if (
            rank == len(letters)
            and rank
            and _clean(name.shown()) == base
            and all(letter in post.scope.free for letter in letters)
        ):
            return obj[tuple(post.scope.free[letter] for letter in letters)]
    return None


def _expanded(post: PostFile, expr: Expr, wrt: Basic | None, item=None) -> Expr:
    """``expr`` with every definition written out, except the derivative's variable's, and
    the functions applied inside definitions (sigma in ``a = \\sigma(z)``) written out as
    they are in force at ``item``'s row, as the check writes them."""
    keep = wrt.base if isinstance(wrt, Indexed) else wrt

    def which(atom: Basic) -> bool:
        obj = atom.base if isinstance(atom, Indexed) else atom
        return obj != keep

    written = post.definitions.expand(expr, which)
    if item is None:
        return written

    def slot_range(array, slot):
        key = post.scope.keys.get(array)
        return None if key is None else post.ranges.slots.get((key[0], key[1], slot))

    in_force = dict(item.functions)
    return post.definitions.lazy.resolve(written, in_force, post.scope.fresh, slot_range)


def _ranges(post: PostFile, symbols: Iterable[Basic]) -> dict[Symbol, Domain]:
    letters = {symbol: letter for letter, symbol in post.scope.free.items()}
    found = {}
    for symbol in symbols:
        letter = letters.get(symbol)
        if letter in post.scope.index_ranges:
            lo, hi = post.scope.index_ranges[letter]
            found[symbol] = Domain(Integer(lo) if isinstance(lo, int) else lo, hi)
    return found


def _definitions(post: PostFile, numerators: set[str], names, shown) -> list[Result]:
    results = []
    for obj, definition in post.definitions.table.items():
        atom = obj[definition.params] if definition.params else obj
        # the functions in force where the post ends (sigma is the sigmoid unless redefined)
        last = next((i for i in reversed(post.items) if i.functions is not None), None)
        expr = _expanded(post, definition.body, None, last)
        text = show(post.scope, atom)
        results.append(
            Result(
                source=post.path,
                line=0,
                name=text,
                kind="definition",
                expr=expr,
                ranges=_ranges(post, expr.free_symbols),
                show=shown,
                loss=_clean(text) in numerators,
                names=names,
            )
        )
    return results
