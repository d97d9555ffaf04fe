"""The restricted parser: math text becomes SymPy objects built node by node; code never runs,
and every rejected input is reported at its line and column."""

from __future__ import annotations

import ast
import builtins

import pytest
from sympy import (
    Derivative,
    Eq,
    IndexedBase,
    KroneckerDelta,
    Le,
    Max,
    Rational,
    Sum,
    Symbol,
    exp,
    log,
    symbols,
)

import derive
from derive.sources.toml.parse import ParseError, Template, parse_expr, parse_relations

x, y = symbols("x y", real=True)
K = Symbol("K", integer=True, positive=True)
k, d = symbols("k d", integer=True, positive=True)
z = IndexedBase("z", real=True)
t = IndexedBase("t", nonnegative=True)
W = IndexedBase("W", real=True)
NAMES = {"x": x, "y": y, "K": K, "k": k, "d": d, "z": z, "t": t, "W": W}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("log(exp(x)) + 1/2", x + Rational(1, 2)),
        ("x**2 - 3*y", x**2 - 3 * y),
        ("-(x - y)", y - x),
        ("0.1 + 2.5e-3", Rational(1, 10) + Rational(1, 400)),
        ("max(0, x)", Max(0, x)),
        ("W[k, d] * z[k]", W[k, d] * z[k]),
        ("sum(t[d] * log(z[d]), (d, 1, K))", Sum(t[d] * log(z[d]), (d, 1, K))),
        ("delta(d, k) + KroneckerDelta(k, d)", 2 * KroneckerDelta(d, k)),
        ("diff(exp(2*x), x)", 2 * exp(2 * x)),
        ("Derivative(exp(2*x), x)", Derivative(exp(2 * x), x)),
        ("x +\n    y", x + y),
    ],
)
def test_text_becomes_the_sympy_expression(text, expected):
    assert parse_expr(text, NAMES) == expected


def test_a_long_flat_sum_is_built_without_deep_recursion():
    assert parse_expr(" + ".join(["x"] * 1500), NAMES) == 1500 * x


def test_chained_comparison_gives_one_relation_per_link():
    low = Symbol("low", integer=True)
    relations = parse_relations("low <= k <= K", {**NAMES, "low": low})
    assert relations == (Le(low, k), Le(k, K))
    assert parse_relations("sum(t[d], (d, 1, K)) == 1", NAMES) == (Eq(Sum(t[d], (d, 1, K)), 1),)


def test_template_builds_arguments_into_its_expression():
    square = Template("sq", 1, lambda args: args[0] ** 2, call=True)
    assert parse_expr("sq(x + 1)", {**NAMES, "sq": square}) == (x + 1) ** 2
    with pytest.raises(ParseError, match="'sq' takes 1 argument, not 2"):
        parse_expr("sq(x, y)", {**NAMES, "sq": square})


def test_parse_expr_is_exported_where_the_checker_points_users():
    assert derive.parse_expr is parse_expr


@pytest.mark.parametrize(
    ("text", "line", "column", "message"),
    [
        ("exp(x", 1, 4, "'(' was never closed"),
        ("x + (y", 1, 5, "'(' was never closed"),
        ("x +\n  q", 2, 3, "unknown name 'q'"),
        ("x + __import__('os')", 1, 5, "dunder names such as '__import__'"),
        ("x + y.real", 1, 5, "attribute access ('.real')"),
        ("1 +\n  (lambda: 0)()", 2, 4, "lambda is not allowed"),
        ("[x for x in y]", 1, 1, "comprehensions are not allowed"),
        ("x ^ 2", 1, 1, "write ** for powers"),
        ("exp(x, base=2)", 1, 8, "keyword arguments are not allowed"),
        ("x + 'text'", 1, 5, "strings are not allowed"),
        ("x + True", 1, 5, "True is not allowed"),
        ("z", 1, 1, "'z' takes arguments: write z[...]"),
        ("x[1]", 1, 1, "'x' takes no subscripts"),
        ("z[1:2]", 1, 3, "slices are not allowed"),
        ("z[1/2]", 1, 3, "an index must be an integer"),
        ("sum(x, (x, 1, K))", 1, 9, "a sum index must be a declared integer index"),
        ("sum(x, [d, 1, K])", 1, 8, "lists are not allowed"),
        ("exp(x) + log(x, 2)", 1, 10, "wrong number of arguments (2)"),
        ("x < y", 1, 1, "comparisons are only allowed in assumptions"),
        ("eval(x)", 1, 1, "unknown function 'eval'"),
        ("é + x", 1, 1, "name 'é' is not allowed"),
        ("x + é", 1, 5, "name 'é' is not allowed"),
        ("9**9**9**9", 1, 4, "number too large"),
        ("   ", 1, 4, "empty expression"),
        ("  \n   x + $", 2, 8, "invalid syntax"),
    ],
)
def test_bad_text_is_rejected_at_its_line_and_column(text, line, column, message):
    with pytest.raises(ParseError) as caught:
        parse_expr(text, NAMES)
    assert message in caught.value.message
    assert (caught.value.line, caught.value.column) == (line, column)


def test_an_assumption_must_be_a_relation():
    with pytest.raises(ParseError, match="must be a relation"):
        parse_relations("x + 1", NAMES)


def test_parse_error_names_the_file_once_it_is_placed():
    error = ParseError("unknown name 'q'", 2, 3).at("d.toml", 12, 30)
    assert str(error) == "d.toml:12:30: unknown name 'q'"
    assert str(ParseError("bad", 2, 3)) == "line 2, column 3: bad"


def _injections(marker: str) -> list[str]:
    command = f"touch {marker}"
    return [
        f"__import__('os').system('{command}')",
        f"__import__('pathlib').Path('{marker}').touch()",
        f"(lambda: __import__('os').system('{command}'))()",
        f"[__import__('os').system('{command}') for _ in [0]]",
        "().__class__.__base__.__subclasses__()",
        f"open('{marker}', 'w')",
        f'exec(\'open("{marker}", "w")\')',
        f'eval(\'open("{marker}", "w")\')',
        "exp.__globals__",
        "x.__class__",
        "__builtins__",
        "globals()",
    ]


@pytest.mark.parametrize("index", range(len(_injections("m"))))
def test_injection_is_rejected_without_side_effect(tmp_path, monkeypatch, index):
    marker = tmp_path / "marker"
    monkeypatch.chdir(tmp_path)
    text = _injections(str(marker))[index]
    with pytest.raises(ParseError):
        parse_expr(text, NAMES)
    with pytest.raises(ParseError):
        parse_relations(f"{text} == 1", NAMES)
    assert not marker.exists()


def test_parsing_never_runs_code_and_compiles_only_to_a_tree(monkeypatch):
    texts = ["sum(t[d] * log(z[d]), (d, 1, K)) + diff(exp(x**2), x)", "max(0, x) / 2.5"]
    expected = [parse_expr(text, NAMES) for text in texts]  # first, so lazy imports are done
    real_compile = builtins.compile
    compiled = []

    def forbidden(*args, **kwargs):
        raise AssertionError("the parser evaluated code")

    def tree_only(source, filename, mode, flags=0, *args, **kwargs):
        if not flags & ast.PyCF_ONLY_AST:
            raise AssertionError("the parser compiled code to run")
        compiled.append(source)
        return real_compile(source, filename, mode, flags, *args, **kwargs)

    with monkeypatch.context() as patch:  # undone before pytest's own hooks need compile
        patch.setattr(builtins, "eval", forbidden)
        patch.setattr(builtins, "exec", forbidden)
        patch.setattr(builtins, "compile", tree_only)
        again = [parse_expr(text, NAMES) for text in texts]
    assert again == expected
    assert compiled == texts
