"""LoadingLimits on what an expression may cost, checked before the work: each is reported with its
name and place; the numbers themselves can be set, only within a sane range."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sympy import Add, Mul, Symbol, symbols

from derive.sources.limits import (
    DEFAULT_LIMITS,
    MAX_SECONDS,
    LoadingLimits,
    check_seconds,
    names,
    parse_limit,
    text_problem,
    tree_size,
)
from derive.sources.toml.parse import ParseError, parse_expr

x, y = symbols("x y", real=True)
NAMES = {"x": x, "y": y}


def _nested_diff(levels: int) -> str:
    text = "x"
    for _ in range(levels):
        text = f"diff(tanh({text}), x)"
    return text


@pytest.mark.parametrize(
    ("text", "line", "column", "message"),
    [
        ("x + " + "7" * 101, 1, 5, "a number of 101 digits (limit: digits 100)"),
        ("x +\n " + "-" * 70 + "x", 2, 66, "nested deeper than 64 levels (limit: depth 64)"),
        ("(" * 65 + "x" + ")" * 65, 1, 65, "(limit: depth 64)"),
        ("x" + "**x" * 70, 1, 194, "(limit: depth 64)"),  # the 65th **
        ("+".join(["x"] * 2001), 1, 4000, "more than 2000 terms chained (limit: terms 2000)"),
        (_nested_diff(5), 1, 41, "derivatives nested 5 deep (limit: diff-depth 4)"),
        ("diff(x, x, x, x, x, x)", 1, 1, "derivatives nested 5 deep (limit: diff-depth 4)"),
        ("Derivative(" * 5 + "x" + ", x)" * 5, 1, 45, "(limit: diff-depth 4)"),
        ("max(" + ", ".join(["x"] * 33) + ")", 1, 1, "33 arguments (limit: arguments 32)"),
        ("x/0", 1, 1, "division by zero"),
        ("y + x/(x - x)", 1, 5, "division by zero"),
        ("log(0) + x", 1, 1, "undefined: SymPy evaluates this to zoo"),
        ("x * 0**-1", 1, 5, "undefined: SymPy evaluates this to zoo"),
        ("x" * 10_001, 1, 1, "expression longer than 10000 characters (limit: expression-chars)"),
    ],
)
def test_a_limit_is_reported_with_its_name_and_place(text, line, column, message):
    with pytest.raises(ParseError) as caught:
        parse_expr(text, NAMES)
    assert message in caught.value.message
    assert (caught.value.line, caught.value.column) == (line, column)


def test_what_diff_produces_is_bounded_by_its_size():
    limits = DEFAULT_LIMITS.with_values({"diff-nodes": 200, "diff-depth": 8})
    assert parse_expr(_nested_diff(2), NAMES, limits=limits) is not None
    with pytest.raises(ParseError, match=r"diff gives an expression of more than 200 nodes"):
        parse_expr(_nested_diff(5), NAMES, limits=limits)


def test_every_limit_can_be_set_within_its_range_only():
    assert parse_limit("depth=10") == ("depth", 10)
    assert DEFAULT_LIMITS.with_values({"file-bytes": 1000}).file_bytes == 1000
    assert "diff-nodes" in names() and len(names()) == len(vars(LoadingLimits()))
    for text, message in [
        ("depth=0", "limit depth must be from 1 to 150, got 0"),
        ("digits=5000", "limit digits must be from 1 to 4000"),
        ("terms=9" + "9" * 40, "limit terms must be from 1 to 2500"),
        ("nope=3", "unknown limit 'nope'"),
        ("depth", "a limit is NAME=N"),
        ("depth=-1", "a limit is NAME=N"),
        ("depth=٣", "a limit is NAME=N"),  # a digit, but not an ASCII one
    ]:
        with pytest.raises(ValueError, match=message):
            parse_limit(text)


@pytest.mark.parametrize("value", [0.0, -1.0, 1e10, float("inf"), float("nan")])
def test_a_time_guard_outside_its_range_is_refused(value):
    with pytest.raises(ValueError, match=f"at most {MAX_SECONDS:g} seconds"):
        check_seconds(value)
    assert check_seconds(MAX_SECONDS) == MAX_SECONDS


def test_tree_size_counts_shared_subexpressions_each_time_and_stops_at_the_cap():
    expr = Add(Mul(x, y), Mul(2, x, y, evaluate=False), evaluate=False)
    assert tree_size(x, 10) == 1
    assert tree_size(expr, 100) == 1 + 3 + 4
    nested = x
    for _ in range(40):  # distinct nodes grow linearly, the tree exponentially
        nested = Add(nested, Mul(nested, y, evaluate=False), evaluate=False)
    assert tree_size(nested, 10**6) == 10**6 + 1


@given(st.text(alphabet="x+-*/()[], 0123456789", max_size=300))
def test_text_within_the_counted_bounds_is_never_refused(text):
    """The scan's fast path: text with few brackets and operators passes; what it refuses is
    really over a limit (the depth found never exceeds the brackets and signs written)."""
    limits = LoadingLimits(depth=8, terms=8, digits=5)
    problem = text_problem(text, limits)
    operators = sum(map(text.count, "+-*/"))
    if operators + sum(map(text.count, "([{")) <= 8 and operators + 1 <= 8:
        assert problem is None or "digits" in problem[0]
    if problem and "digits" in problem[0]:
        assert any(len(run) > 5 for run in re.findall(r"[0-9]+", text))


def test_a_symbol_named_like_a_limit_is_still_a_symbol():
    assert parse_expr("depth + terms", {"depth": x, "terms": Symbol("terms")}) is not None
