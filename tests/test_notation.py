"""One notation for assumptions: the file syntax in text and JSON, with the label first."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st
from sympy import (
    Abs,
    Eq,
    IndexedBase,
    Integer,
    KroneckerDelta,
    Max,
    Min,
    Ne,
    Sum,
    exp,
    log,
    symbols,
)

from derive import Verdict, check_equal
from derive.cli import main
from derive.notation import assumption_record, assumption_text, file_syntax
from derive.sources.toml.file import load_text
from derive.sources.toml.parse import parse_expr, parse_relations
from derive.sources.toml.results import check_file

K, d, k = symbols("K d k", integer=True, positive=True)
x, y = symbols("x y", real=True)
t = IndexedBase("t")
NAMES = {"K": K, "d": d, "k": k, "x": x, "y": y, "t": t}


def test_sum_t_is_written_as_in_a_derivation_file() -> None:
    relation = Eq(Sum(t[d], (d, 1, K)), 1)
    assert file_syntax(relation) == "sum(t[d], (d, 1, K)) == 1"
    assert assumption_text(relation, "targets") == "targets: sum(t[d], (d, 1, K)) == 1"
    assert assumption_text(relation) == "sum(t[d], (d, 1, K)) == 1"
    assert assumption_record(relation, "targets") == {
        "label": "targets",
        "relation": "sum(t[d], (d, 1, K)) == 1",
        "sympy": "Eq(Sum(t[d], (d, 1, K)), 1)",
    }


def test_functions_use_the_file_spellings() -> None:
    expr = KroneckerDelta(d, k) + Max(0, x) + Min(x, y) + Abs(y) + exp(1) + log(x)
    text = file_syntax(expr)
    for word in ("delta(d, k)", "max(0, x)", "min(x, y)", "abs(y)", "exp(1)", "log(x)"):
        assert word in text
    assert "Max" not in text and "KroneckerDelta" not in text and "Abs" not in text
    assert file_syntax(Ne(x, y)) == "x != y"


_EXPRESSIONS = st.sampled_from(
    [
        Sum(t[d] * KroneckerDelta(d, k), (d, 1, K)),
        Max(0, x) - Min(x, y) * Abs(y),
        exp(x) / (1 + exp(-x)) ** 2 + log(y**2 + 1),
        Sum(exp(x * t[d]), (d, 1, K)) / 3,
    ]
)


@given(_EXPRESSIONS, st.sampled_from(["==", "<=", "!=", ">"]))
def test_printed_relations_read_back_unchanged(expr, operator) -> None:
    """The file syntax is the parser's syntax: printing then parsing gives the same relation."""
    text = f"{file_syntax(expr)} {operator} {file_syntax(x + 1)}"
    (relation,) = parse_relations(text, NAMES)
    assert file_syntax(relation) == text
    assert parse_expr(file_syntax(expr), NAMES) == expr


def test_verdict_text_names_assumptions_by_label() -> None:
    relation = Eq(Sum(t[d], (d, 1, K)), 1)
    verdict = Verdict("proved", needs=(k <= K, relation), method="m")
    assert str(verdict) == "proved using k <= K, sum(t[d], (d, 1, K)) == 1 [m]"
    labelled = verdict.text({relation: "targets"})
    assert labelled == "proved using k <= K, targets: sum(t[d], (d, 1, K)) == 1 [m]"


FILE = """
[symbols]
K = "positive integer"
k = "index 1..K"
d = "index 1..K"
z = "real[K]"
t = "nonnegative[K]"

[define]
"a[q]" = "exp(z[q]) / sum(exp(z[d]), (d, 1, K))"

[assume]
targets = "sum(t[d], (d, 1, K)) == 1"

[[derivation]]
name = "last line of (3)"
start = "a[k] * sum(t[d], (d, 1, K)) - t[k]"
steps = ["a[k] - t[k]"]
"""


def test_file_reports_use_the_users_label_in_text_and_json(tmp_path, capsys) -> None:
    (result,) = check_file(load_text(FILE, "sum.toml"))
    needs = "targets: sum(t[d], (d, 1, K)) == 1"
    assert result.status == "proved"
    assert f"proved: last line of (3), step 1: a[k] - t[k] using {needs} [" in result.message()
    row = result.row()
    assert row["needs"] == [needs]
    assert row["needs_detail"] == [
        {
            "label": "targets",
            "relation": "sum(t[d], (d, 1, K)) == 1",
            "sympy": "Eq(Sum(t[d], (d, 1, K)), 1)",
        }
    ]
    path = tmp_path / "sum.toml"
    path.write_text(FILE.replace("[[derivation]]", "[[derivation]]\nassume = ['k <= K']"))
    assert main(["check", "--json", str(path)]) == 0
    (printed,) = [r for r in json.loads(capsys.readouterr().out) if r["type"] == "step"]
    assert printed["needs"] == [needs]
    assert printed["needs_detail"][0]["label"] == "targets"


def test_a_refutation_between_constants_has_no_empty_point() -> None:
    verdict = check_equal(Integer(1), Integer(2))
    assert verdict.refuted and str(verdict).startswith("refuted: lhs = 1, rhs = 2 [")
