"""Derivation files: declarations become generated symbols with the declared domains, each step
knows its line, and every mistake in a file is reported at its file, line and column."""

from __future__ import annotations

import inspect
import re
import textwrap
from pathlib import Path

import pytest
from sympy import Sum, Symbol, lambdify

from derive.sources.toml.file import load_file, load_text
from derive.sources.toml.parse import ParseError
from derive.sources.toml.results import check_step

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"

SMALL = """\
[symbols]
K = "positive integer"
k = "index 1..K"
d = "index 1..K"
c = "index 1..K"
x = "real"
z = "real[K]"
t = "nonnegative[K]"

[define]
"a[q]" = "exp(z[q]) / sum(exp(z[c]), (c, 1, K))"

[assume]
targets = "sum(t[d], (d, 1, K)) == 1"

[[derivation]]
name = "logs"
start = "log(exp(x))"
steps = [
  { expr = "x", why = "x is real" },
]

[[derivation]]
name = "pick"
start = "sum(delta(d, k) * t[d], (d, 1, K))"

[[derivation.steps]]
expr = \"\"\"
  t[k]\"\"\"
why = "the delta picks d = k"
"""


HEAD = '[symbols]\nx = "real"\n[[derivation]]\nname = "n"\n'  # four lines


def _error(text: str) -> ParseError:
    with pytest.raises(ParseError) as caught:
        load_text(textwrap.dedent(text), "f.toml")
    return caught.value


def test_steps_know_their_lines_and_text():
    loaded = load_text(SMALL, "small.toml")
    assert [d.name for d in loaded.derivations] == ["logs", "pick"]
    assert [[w.line for w in ws] for ws in loaded.where] == [[20], [29]]
    assert loaded.where[1][0].text == "t[k]"


def test_every_step_line_of_the_examples_holds_its_expression():
    for path in sorted(EXAMPLES.glob("*.toml")):
        lines = path.read_text().splitlines()
        loaded = load_file(path)
        for where in (w for ws in loaded.where for w in ws):
            assert where.text in " ".join(lines[where.line - 1].split()), (path, where)


def test_symbols_get_generated_names_and_show_maps_back():
    loaded = load_text(SMALL, "small.toml")
    for derivation in loaded.derivations:
        for expr in (derivation.start, *(s.expr for s in derivation.steps)):
            names = {s.name for s in expr.free_symbols if isinstance(s, Symbol)}
            assert all(re.fullmatch(r"s\d+", n) for n in names), names
    pick = loaded.derivations[1]
    assert str(loaded.show(pick.start)) == "Sum(KroneckerDelta(d, k)*t[d], (d, 1, K))"


def test_declared_domains_and_index_ranges_reach_the_checker():
    loaded = load_text(SMALL, "small.toml")
    x = loaded.derivations[0].start  # log(exp(x)) collapsed: x was declared real
    assert x.is_Symbol and x.is_real
    pick = loaded.derivations[1]
    assert [str(loaded.show(r)) for r in pick.steps[0].assume] == ["k <= K"]
    result = check_step(loaded, 1, 0, timeout=5)
    assert result.status == "proved"
    assert result.row()["needs"] == ["k <= K"]


def test_an_index_bound_may_be_a_size_plus_or_minus_a_number():
    # zero-based ranges as people write them: 0..n-1 (n entries) and 0..n (n + 1 entries)
    text = (
        '[symbols]\nn = "positive integer"\nl = "index 0..n-1"\ni = "index 0..n"\n'
        'x = "real[n]"\n[[derivation]]\nname = "s"\n'
        'start = "sum(x[i] * delta(i, l), (i, 0, n))"\nsteps = ["x[l]"]\n'
    )
    loaded = load_text(text, "zero.toml")
    needs = [str(loaded.show(r)) for r in loaded.derivations[0].steps[0].assume]
    assert needs == ["l <= n - 1"]
    bad = _error(text.replace("0..n-1", "0..n-x"))
    assert "index 0..K-1" in bad.message and (bad.line, bad.column) == (3, 1)


def test_a_delta_picks_an_entry_only_where_the_index_lies_in_the_sums_range():
    """From l <= n the delta rule may not conclude l <= n - 1 (a relation read backwards did):
    the sum over 0..n-1 of x_i [i = l] is x_l only for l in 0..n-1, so with l up to n the
    step is not proved; with the range inside the sum's, it is."""
    text = (
        '[symbols]\nn = "positive integer"\nl = "index 0..n"\ni = "index 0..n-1"\n'
        'x = "real[n]"\n[[derivation]]\nname = "s"\n'
        'start = "sum(x[i] * delta(i, l), (i, 0, n - 1))"\nsteps = ["x[l]"]\n'
    )
    assert check_step(load_text(text, "wide.toml"), 0, 0, timeout=20).status != "proved"
    narrow = load_text(text.replace('l = "index 0..n"', 'l = "index 0..n-2"'), "narrow.toml")
    assert check_step(narrow, 0, 0, timeout=20).status == "proved"


def test_user_names_never_reach_generated_code():
    text = """\
    [symbols]
    exec = "real"
    open = "positive"
    [[derivation]]
    name = "n"
    start = "exec * open"
    steps = ["open * exec"]
    """
    loaded = load_text(textwrap.dedent(text))
    start = loaded.derivations[0].start
    function = lambdify(sorted(start.free_symbols, key=str), start)
    source = inspect.getsource(function)
    assert "exec" not in source and "open" not in source
    assert function(2.0, 3.0) == pytest.approx(6.0)
    assert str(loaded.show(start)) == "exec*open"


def test_a_definition_used_with_its_own_sum_index_renames_that_index():
    text = SMALL.replace('start = "log(exp(x))"', 'start = "a[c] * log(exp(x))"').replace(
        '{ expr = "x", why = "x is real" }',
        '{ expr = "x * exp(z[c]) / sum(exp(z[d]), (d, 1, K))" }',
    )
    loaded = load_text(text)
    start = loaded.derivations[0].start
    assert str(loaded.show(start)) == "x*exp(z[c])/Sum(exp(z[c']), (c', 1, K))"
    (denominator,) = start.atoms(Sum)
    assert denominator.limits[0][0] not in start.free_symbols  # not captured by the free c
    assert check_step(loaded, 0, 0, timeout=5).status == "proved"


def test_concrete_sizes_are_numbers():
    text = SMALL.replace('K = "positive integer"', "K = 3")
    pick = load_text(text).derivations[1]
    assert pick.start.limits[0][2] == 3


@pytest.mark.parametrize(
    ("text", "line", "column", "message"),
    [
        (
            '[symbols]\nx = "real"\n[[derivation]]\nname = "n"\nstart = "x + q"\nsteps = ["x"]\n',
            5,
            14,
            "unknown name 'q'",
        ),
        (
            HEAD + 'start = "x"\nsteps = [\n  "x",\n  "exp(x",\n]\n',
            8,
            7,
            "'(' was never closed",
        ),
        (
            HEAD + 'start = "x"\nsteps = ["\\u0078 + x.y"]\n',
            6,
            20,
            "attribute access ('.y')",
        ),
        (
            HEAD + 'start = """\n  x +\n    $"""\nsteps = ["x"]\n',
            7,
            5,
            "invalid syntax",
        ),
        (  # the name holds the same text: the error is still placed in start
            '[symbols]\nx = "real"\n[[derivation]]\nname = "x + $"\n'
            'start = "x + $"\nsteps = ["x"]\n',
            5,
            14,
            "invalid syntax",
        ),
        ('[symbols]\nx = "reel"\n', 2, 1, "unknown domain 'reel'"),
        ('[symbols]\nx = "real"\nx2 = "index 1..N"\n', 3, 1, "bound 'N'"),
        ('[symbols]\nexp = "real"\n', 2, 1, "taken by a function"),
        ('[symbols]\n"__import__(\'os\')" = "real"\n', 2, 1, "names are letters, digits and _"),
        ('[define]\n"f(__class__)" = "1"\n', 2, 1, "bad parameter '__class__'"),
        (
            '[symbols]\nx = "real"\n[[derivation]]\nname = "n"\nstart = "x"\nstep = ["x"]\n',
            6,
            1,
            "unknown key 'step'",
        ),
        ('[symbols]\nx = "real"\n[[derivation]]\nname = "n"\nstart = "x"\n', 3, 1, "has no steps"),
        ('[symbols]\nx = "real"\n', 1, 1, "no derivations"),
        (HEAD + 'start = "x"\nsteps = ["x"]\n' + HEAD[21:], 8, 1, "name 'n' is used twice"),
        ('[symbols]\nx = "real"\n[assume]\nbad = "x < x"\n', 4, 1, "the assumption is false"),
        ('[symbols]\nx = "real"\nx = "real"\n', 3, 11, "TOML: Cannot overwrite a value"),
    ],
)
def test_file_errors_name_file_line_and_column(text, line, column, message):
    error = _error(text)
    assert message in error.message
    assert (error.path, error.line, error.column) == ("f.toml", line, column)
    assert str(error).startswith(f"f.toml:{line}:{column}: ")


def test_injection_in_a_file_is_rejected_without_side_effect(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    marker = tmp_path / "marker"
    path = tmp_path / "evil.toml"
    path.write_text(
        '[symbols]\nx = "real"\n[[derivation]]\nname = "n"\n'
        f"start = \"__import__('os').system('touch {marker}')\"\nsteps = [\"x\"]\n"
    )
    with pytest.raises(ParseError, match=r"evil.toml:5:10: dunder names"):
        load_file(path)
    assert not marker.exists()


def test_an_assumption_written_twice_reaches_the_checker_once():
    text = SMALL + (
        '\n[[derivation]]\nname = "normalized"\nstart = "a[k] * sum(t[d], (d, 1, K))"\n'
        'steps = [{ expr = "a[k]", assume = ["sum(t[d], (d, 1, K)) == 1"] }]\n'
    )
    loaded = load_text(text)
    derivation = loaded.derivations[2]
    assert [str(loaded.show(r)) for r in derivation.assume] == ["Eq(Sum(t[d], (d, 1, K)), 1)"]
    assert [str(loaded.show(r)) for r in derivation.steps[0].assume] == ["k <= K"]
    assert check_step(loaded, 2, 0, timeout=5).status == "proved"


def test_a_sum_over_values_its_index_is_not_declared_with_is_an_error():
    """SymPy builds a sum's body under its index's sign (sqrt(i**2) is i for i in 1..K), so a
    sum of it over -K..K was read as a sum of i and proved equal to 0, a false line; such a
    sum is an error at its index, and a range the sign covers is not."""
    head = '[symbols]\nK = "positive integer"\ni = "index 1..K"\nj = "index 0..K"\n'
    chain = '[[derivation]]\nname = "s"\nstart = "sum(sqrt(i**2), (i, {lo}, K))"\nsteps = ["0"]\n'
    for lo in ("-K", "0"):
        error = _error(head + chain.format(lo=lo))
        assert "sum index 'i' is declared positive" in str(error)
    load_text(head + chain.format(lo="1"))
    load_text(head + chain.replace("(i, {lo}, K)", "(j, 0, K - 1)").replace("i**2", "j**2"))
