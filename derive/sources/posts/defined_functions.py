"""The functions a post defines: ``f(x) = \\frac{1}{1 + e^{-x}}``, ``J(W, b) = ...``,
``\\sigma(z) = \\tanh(z)``, ``Softmax(x_i) = \\frac{e^{x_i}}{\\sum_j e^{x_j}}``.

A definition holds from its row on, until the post defines the same name again (a section that
picks another activation): rows are built in file order, and an application is written out
when it is built, so each row sees the definition in force where it stands. A definition
overrides the reader's own meaning of the name (sigma is the sigmoid, ``softmax`` the normalized
exponential) until then.

A parameter is a symbol (``x``) or an entry (``x_i``: the array and the index are both
parameters, so ``Softmax(z_k)`` is the body with z for x and k for i).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sympy import Basic, Expr, Indexed, Sum, Symbol, diff

from derive.sources.posts.names import BuildError


@dataclass(frozen=True)
class DefinedFunction:
    """One definition: the name as written (``f``, ``sigma``, ``h_{W,b}``, ``softmax``), its
    parameters, its body (None if it could not be read: then ``problem`` says why), and where
    it is ("line 12")."""

    name: str
    params: tuple[Basic, ...]
    body: Expr | None
    where: str
    problem: str = ""


@dataclass
class DefinedFunctions:
    """The functions in force, by name; the latest definition of a name wins."""

    table: dict[str, DefinedFunction] = field(default_factory=dict)
    # by name and number of arguments: H(p) the entropy beside H(p, q) the cross-entropy
    arities: dict[tuple[str, int], DefinedFunction] = field(default_factory=dict)

    def define(self, function: DefinedFunction) -> None:
        self.table[function.name] = function
        self.arities[function.name, len(function.params)] = function

    def get(self, name: str) -> DefinedFunction | None:
        return self.table.get(name)

    def called(self, name: str, count: int) -> DefinedFunction | None:
        """The function an application with ``count`` arguments means: the one defined with
        that many, else the latest of the name (which then reports the mismatch)."""
        latest = self.table.get(name)
        if latest is None or len(latest.params) == count:
            return latest
        return self.arities.get((name, count), latest)


def rename_bound(body: Expr, clash: set[Basic], fresh) -> Expr:
    """``body`` with every index a sum binds that is in ``clash`` renamed (``fresh(v)``), so
    that substituting an argument that uses it captures nothing."""

    def rename(s: Sum) -> Sum:
        return s.xreplace({v: fresh(v) for v, *_ in s.limits if v in clash})

    return body.replace(
        lambda e: isinstance(e, Sum) and any(v in clash for v, *_ in e.limits), rename
    )


def apply_function(
    function: DefinedFunction,
    args: list[Expr],
    primes: int,
    fresh,
    pos: int,
    slot_range=None,
    arrays=None,
) -> Expr:
    """``function`` applied to ``args`` (its body with the arguments for the parameters),
    differentiated ``primes`` times first (``f'(x)``: one parameter only). A sum of the body
    over the entries of an array parameter (``\\sum_j e^{x_j}`` for ``Softmax(x_i)``) runs
    over the range of the argument's entries (``slot_range(array, slot)``, when known). A
    parameter written as a symbol whose entries the body uses (``h_\\theta(x)`` with
    ``\\sum_j \\theta_j x_j``) is a vector: applied to ``x^{(i)}``, ``x_j`` is ``x^{(i)}_j``
    (``arrays``: the array of a symbol's name, and the entry of an argument).

    Raises:
        BuildError: the arguments do not fit the parameters ("cannot check").
    """
    name, params = function.name, function.params
    if len(args) != len(params):
        message = f"{name} is defined with {len(params)} argument(s) ({function.where})"
        raise BuildError(message, pos, "cannot check")
    body = function.body
    if primes:
        if len(params) != 1 or not isinstance(params[0], Symbol):
            raise BuildError(f"{name}' of several arguments is not read", pos, "cannot check")
        for _ in range(primes):
            body = diff(body, params[0])
    mapping: dict[Basic, Basic] = {}
    for param, arg in zip(params, args, strict=True):
        if isinstance(param, Indexed):
            if not (isinstance(arg, Indexed) and len(arg.indices) == len(param.indices)):
                message = f"{name} is defined on entries such as {name}(x_i) ({function.where})"
                raise BuildError(message, pos, "cannot check")
            mapping[param.base] = arg.base
            mapping.update(zip(param.indices, arg.indices, strict=True))
        else:
            mapping[param] = arg
    clash = set().union(*(getattr(a, "free_symbols", set()) for a in args))
    if clash:
        body = rename_bound(body, clash, fresh)
    if slot_range is not None:
        body = _entry_sums(body, params, args, slot_range)
    if arrays is not None:
        body = _vectors(body, params, args, arrays, name, pos)
    return body.xreplace(mapping)


def _vectors(body: Expr, params, args, arrays, name: str, pos: int) -> Expr:
    """The entries of a vector parameter written for the argument's entries."""
    for param, arg in zip(params, args, strict=True):
        base = arrays.array(param) if isinstance(param, Symbol) else None
        if base is None or not body.has(base) or arg == param:
            continue
        if not isinstance(arg, (Indexed, Symbol)):
            message = f"{name} takes a vector: its argument must be a name"
            raise BuildError(message, pos, "cannot check")

        def entry(e: Indexed, arg=arg) -> Expr:
            return arrays.entry(arg, e.indices)

        body = body.replace(lambda e, base=base: isinstance(e, Indexed) and e.base == base, entry)
    return body


def _entry_sums(body: Expr, params, args, slot_range) -> Expr:
    """Sums over the entries of an array parameter take the argument's range."""
    ranges: dict[tuple[Basic, int], tuple] = {}
    for param, arg in zip(params, args, strict=True):
        if isinstance(param, Indexed) and isinstance(arg, Indexed):
            for slot in range(len(param.indices)):
                found = slot_range(arg.base, slot)
                if found is not None:
                    ranges[(param.base, slot)] = found

    def over_entries(s: Sum) -> Sum:
        limits = []
        for v, lo, hi in s.limits:
            slots = {
                (i.base, n)
                for i in s.function.atoms(Indexed)
                for n, x in enumerate(i.indices)
                if x == v
            }
            found = [ranges[k] for k in sorted(slots, key=str) if k in ranges]
            limits.append((v, *found[0]) if found else (v, lo, hi))
        return Sum(s.function, *limits)

    if not ranges:
        return body
    return body.replace(lambda e: isinstance(e, Sum), over_entries)
