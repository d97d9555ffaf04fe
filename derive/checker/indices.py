"""Integer expressions, decided when a program is compiled: index values, sum bounds, deltas.

Sizes and indices (K, k, c) have values once the sampler has drawn them, so everything built
from them alone (k + 1, the bounds of a sum, 1[c = k], the element z[c]) is decided while a
side is compiled, not at every point.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping

import sympy
from sympy import Basic, Indexed, Symbol


@functools.lru_cache(maxsize=16384)
def integer_symbols(e: Basic) -> tuple[Symbol, ...]:
    """The integer symbols free in ``e`` (a sum's own index is bound, not free), sorted."""
    if isinstance(e, Symbol):
        return (e,) if e.is_integer else ()
    if not e.args:
        return ()
    found = set().union(*(integer_symbols(a) for a in e.args))
    if isinstance(e, (sympy.Sum, sympy.Product)):
        found -= {limit[0] for limit in e.limits}
    return tuple(sorted(found, key=sympy.default_sort_key))


@functools.lru_cache(maxsize=16384)
def index_like(e: Basic) -> bool:
    """Whether ``e`` is built from integers and integer symbols by + and * (k, K - c + 1)."""
    if e.is_Integer:
        return True
    if isinstance(e, Symbol):
        return bool(e.is_integer)
    return isinstance(e, (sympy.Add, sympy.Mul)) and all(index_like(a) for a in e.args)


def integer_value(e: Basic, env: Mapping[Symbol, int]) -> int | None:
    """The value of an integer expression of the integer symbols in ``env``, else None."""
    if e.is_Integer:
        return int(e)
    if isinstance(e, Symbol):
        return env.get(e)
    if isinstance(e, (sympy.Add, sympy.Mul)):
        values = [integer_value(a, env) for a in e.args]
        if None in values:
            return None
        return sum(values) if isinstance(e, sympy.Add) else _product(values)
    return None


def _product(values: list[int]) -> int:
    result = 1
    for value in values:
        result *= value
    return result


@functools.lru_cache(maxsize=16384)
def element(base: sympy.IndexedBase, indices: tuple[int, ...]) -> Indexed:
    return base[indices if len(indices) > 1 else indices[0]]
