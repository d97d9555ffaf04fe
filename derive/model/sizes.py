"""Layer sizes: a positive Python int for a concrete network, or a positive integer Symbol."""

from __future__ import annotations

import numbers

from sympy import Symbol

Size = int | Symbol


def check_size(name: str, value: object) -> Size:
    """Return ``value`` if it is a valid layer size, else raise a ValueError naming it.

    >>> check_size("K", 3)
    3
    """
    if isinstance(value, Symbol):
        if value.is_integer and value.is_positive:
            return value
        raise ValueError(f"{name} = {value} must be a positive integer symbol")
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ValueError(f"{name} must be an integer >= 1, got {value!r}")
    if value < 1:
        raise ValueError(f"{name} must be an integer >= 1, got {value}")
    return int(value)
