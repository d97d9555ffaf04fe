"""Limits on what one derivation file may cost to load, checked before the work they bound.

Derivation files come from pull requests, and CI loads them, often as root: every resource a
file can make the loader spend has a limit here, with a name that error messages and the
``--limit NAME=N`` option use (docs/derivation-files.md, "Limits"). Each limit is enforced before
the work it bounds: the file's size before it is read, the digits and nesting of an expression
before Python's parser sees it, the counts of derivations and steps before any is built, the size
of an expression before ``diff`` differentiates it. The loader also runs each expression under
the checker's time guard (``--timeout``), for whatever the counts cannot foresee.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from derive.checker.limits import LIMIT_HELP, Limits
from derive.checker.limits import parse_limit as parse_check_limit
from derive.suggest import did_you_mean

if TYPE_CHECKING:
    from sympy import Basic

MAX_SECONDS = 86_400.0  # a time guard of a day: beyond it, Python's timers overflow on some systems
MAX_POWER_BITS = 100_000  # a numeric power may have about this many bits: no 9**9**9**9
MAX_EXPONENT = 1_000  # a power of a symbol above this is not built (past it the checker's
# numbers overflow and its rewrites expand polynomials of that degree: gigabytes)


@dataclass(frozen=True)
class LoadingLimits:
    """The limits of one load; each field is a limit named by its kebab-case form.

    Attributes:
        file_bytes: size of a derivation file.
        expression_chars: length of one expression (a string value of the file).
        depth: nesting of one expression: brackets, calls, unary signs, chained powers.
        terms: operands chained by ``+ - * /`` at one level of brackets (Python's parser
            nests a chain one level per operator, and gives up near 3,000).
        digits: digits in one number as written.
        derivations: ``[[derivation]]`` tables in one file.
        steps: steps in one file, all derivations together.
        arguments: arguments of ``max`` / ``min`` (SymPy compares them pairwise).
        diff_depth: derivatives taken inside one another in one expression (``diff(f, x, y)``
            counts 2; ``Derivative`` counts too).
        diff_nodes: size, in tree nodes, of an expression ``diff`` differentiates and of what
            it produces (derivatives of nested functions grow exponentially).
    """

    file_bytes: int = 8 * 1024 * 1024
    expression_chars: int = 10_000
    depth: int = 64
    terms: int = 2_000
    digits: int = 100
    derivations: int = 100_000
    steps: int = 250_000
    arguments: int = 32
    diff_depth: int = 4
    diff_nodes: int = 5_000

    def with_values(self, values: dict[str, int]) -> LoadingLimits:
        """These limits with some changed, by name (``{"file-bytes": 2**24}``). Raises
        ValueError for an unknown name or a value outside the limit's range."""
        changes = {}
        for name, value in values.items():
            field = name.replace("-", "_")
            if field not in RANGES:
                hint = did_you_mean(name, names())
                raise ValueError(f"unknown limit {name!r}{hint} (known: {', '.join(names())})")
            low, high = RANGES[field]
            if not low <= value <= high:
                raise ValueError(f"limit {name} must be from {low} to {high}, got {value}")
            changes[field] = value
        return dataclasses.replace(self, **changes)


# the range each limit may be set to: beyond the upper end, the work it bounds is not sane
# (Python's parser itself refuses 200 nested brackets and integers of 4300 digits)
RANGES: dict[str, tuple[int, int]] = {
    "file_bytes": (1, 256 * 1024 * 1024),
    "expression_chars": (1, 1_000_000),
    "depth": (1, 150),
    "terms": (1, 2_500),
    "digits": (1, 4_000),
    "derivations": (1, 10_000_000),
    "steps": (1, 10_000_000),
    "arguments": (2, 1_000),
    "diff_depth": (1, 16),
    "diff_nodes": (1, 1_000_000),
}
DEFAULT_LIMITS = LoadingLimits()


def names() -> list[str]:
    """The limits' names as options spell them: ``file-bytes``, ``depth``, ..."""
    return [field.name.replace("_", "-") for field in dataclasses.fields(LoadingLimits)]


def parse_limit(text: str) -> tuple[str, int]:
    """``"NAME=N"`` -> (NAME, N), checked against the limit's range. Raises ValueError."""
    name, equals, number = text.partition("=")
    name = name.strip()
    digits = number.strip()
    if not equals or not digits.isdigit() or not digits.isascii():
        raise ValueError(f"a limit is NAME=N with N a whole number, got {text!r}")
    # more digits than any range allows: out of range, without converting a huge number
    value = int(digits) if len(digits) <= 12 else 10**12
    DEFAULT_LIMITS.with_values({name: value})  # raises for an unknown name or a bad value
    return name, value


def parse_any_limit(text: str) -> tuple[str, int]:
    """``"NAME=N"`` for either kind of limit: on the work per step (``rewrites=800``,
    docs/limits.md) or on what a file may cost to load (``file-bytes=...``). Raises ValueError
    naming the problem; an unknown name is told the names of both kinds."""
    name = text.partition("=")[0].strip()
    if name in LIMIT_HELP:
        return parse_check_limit(text)
    if name.replace("_", "-") not in names():
        known = [*LIMIT_HELP, *names()]
        hint = did_you_mean(name, known)
        raise ValueError(f"unknown limit {name!r} in {text!r}{hint} (known: {', '.join(known)})")
    return parse_limit(text)


def split_limits(settings: Iterable[tuple[str, int]]) -> tuple[LoadingLimits, Limits]:
    """The limits on loading and on the work per step that ``parse_any_limit``'s results set
    (the defaults for the others; a later setting of a name wins)."""
    loading, checking = {}, {}
    for name, value in settings:
        (checking if name in LIMIT_HELP else loading)[name] = value
    return DEFAULT_LIMITS.with_values(loading), Limits(**checking)


def check_seconds(value: float) -> float:
    """A time guard in seconds, if it is in (0, MAX_SECONDS]; else ValueError naming the range."""
    if not 0 < value <= MAX_SECONDS:
        raise ValueError(f"must be more than 0 and at most {MAX_SECONDS:g} seconds, got {value:g}")
    return value


_NUMBER = re.compile(r"(?<![A-Za-z0-9_])[0-9][0-9_]*")
_OPEN, _CLOSE = "([{", ")]}"
_PREFIX = "+-~"  # a sign where an operand is expected nests one level (-(-(-x)))
_CHAIN = "+-*/"  # binary operators that extend a chain at one level
_NOT = re.compile(r"(?<![A-Za-z0-9_])not\b")  # forbidden, but Python's parser nests it first


def text_problem(text: str, limits: LoadingLimits) -> tuple[str, int] | None:
    """Why ``text`` exceeds the digits, depth or terms limit, and the offset where it does;
    None if it does not. A linear scan of the characters, run before Python's parser: the
    parser recurses once per level of nesting and per operator of a chain, and converts every
    integer it reads, so it fails on such text with a RecursionError, a MemoryError or an
    internal message, all without a position."""
    for number in _NUMBER.finditer(text):
        digits = len(number.group()) - number.group().count("_")
        if digits > limits.digits:
            message = f"a number of {digits} digits (limit: digits {limits.digits})"
            return message, number.start()
    # upper bounds, counted in C: too few brackets, signs and operators for either limit, no scan
    operators = sum(map(text.count, "+-*/"))
    nesting = operators + sum(map(text.count, "([{~")) + len(_NOT.findall(text))
    if nesting <= limits.depth and operators + 1 <= limits.terms:
        return None
    runs = [0]  # per open bracket: prefix signs and powers in a row, then chained operators
    terms = [1]
    depth, operand, i = 0, True, 0
    while i < len(text):
        char, power = text[i], text.startswith("**", i)
        if char in _OPEN:
            runs.append(0)
            terms.append(1)
            depth, operand = depth + 1, True
        elif char in _CLOSE:
            if len(runs) > 1:
                depth -= 1 + runs.pop()
                terms.pop()
            operand = False
        elif power or (char in _PREFIX and operand) or _NOT.match(text, i):
            runs[-1] += 1  # a right-nested power, a unary sign: one level more
            depth += 1
            operand = True
        elif char in _CHAIN or char in ",<>=!":
            depth -= runs[-1]
            runs[-1] = 0
            terms[-1] = 1 if char in ",<>=!" else terms[-1] + 1
            operand = True
            if terms[-1] > limits.terms:
                message = f"more than {limits.terms} terms chained (limit: terms {limits.terms})"
                return message + "; name a part in [define]", i
        elif not char.isspace() and char != "\\":
            operand = False
        if depth > limits.depth:
            return f"nested deeper than {limits.depth} levels (limit: depth {limits.depth})", i
        i += 2 if power else 1
    return None


def power_problem(base: Basic, exponent: Basic) -> str | None:
    """Why ``base ** exponent`` is not built, found before SymPy evaluates it, or None.

    Numbers: the result's size in bits (the bits of the base times the exponent) is at most
    ``MAX_POWER_BITS``, so ``((10^999)^999)^999`` stops at its second power instead of computing
    a number of a billion digits. Symbols: the exponent, times the base's own exponent
    (``(x^a)^b`` is built as ``x^(a b)``), is at most ``MAX_EXPONENT``.
    """
    if base.is_Number and exponent.is_Number:
        bits = max(abs(base.p).bit_length(), abs(base.q).bit_length()) if base.is_Rational else 64
        if bits * abs(exponent) > MAX_POWER_BITS:
            return "number too large: the power has too many digits"
        return None
    if exponent.is_Number:
        inner = base.exp if base.is_Pow and base.exp.is_Number else 1
        if abs(exponent * inner) > MAX_EXPONENT:
            return f"a power above {MAX_EXPONENT} is not built"
    return None


def large_power(expr: Basic) -> bool:
    """Whether ``expr`` holds a power above ``MAX_EXPONENT`` (SymPy merges ``x^a x^b`` and
    ``(x^a)^b`` where they are built: a product or a definition can make one)."""
    from sympy import Pow  # only where expressions are built: the CLI imports this module

    return any(
        p.exp.is_Number and abs(p.exp) > MAX_EXPONENT and not p.base.is_Number
        for p in expr.atoms(Pow)
    )


def tree_size(expr: Basic, cap: int) -> int:
    """The number of nodes of ``expr`` as a tree (shared subexpressions counted each time
    they occur), or ``cap + 1`` as soon as it exceeds ``cap``. Linear in the distinct nodes:
    the tree of a nested derivative is exponentially larger than its distinct nodes, and it
    is the tree that SymPy's later work walks."""
    sizes: dict[Basic, int] = {}
    stack: list[tuple[Basic, bool]] = [(expr, False)]
    while stack:
        node, children_done = stack.pop()
        if node in sizes:
            continue
        if not children_done:
            stack.append((node, True))
            stack.extend((arg, False) for arg in node.args if arg not in sizes)
            continue
        sizes[node] = min(cap + 1, 1 + sum(sizes[arg] for arg in node.args))
        if sizes[node] > cap:
            return cap + 1
    return sizes[expr]
