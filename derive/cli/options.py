"""Argument types shared by the commands: sizes and derivation names, checked with clear errors."""

from __future__ import annotations

import argparse

from derive.derivations import DERIVATIONS


def size(text: str) -> int:
    """An argparse type for K, J, ...: an integer >= 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be an integer >= 1, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be an integer >= 1, got {value}")
    return value


def derivation_name(text: str) -> str:
    if text not in DERIVATIONS:
        known = ", ".join(DERIVATIONS)
        raise argparse.ArgumentTypeError(f"unknown derivation {text!r} (known: {known})")
    return text


def seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a number of seconds, got {text!r}") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be positive, got {text}")
    return value
