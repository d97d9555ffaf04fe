"""The reference post's derivation, steps (0)-(3), checked line by line for concrete and
symbolic K, with its slips found."""

from __future__ import annotations

import pytest
import sympy

from derive import check_equal
from derive.derivations import build, output
from derive.model.symbols import J as J_SYMBOL
from derive.model.symbols import K as K_SYMBOL
from derive.model.symbols import a_prev, eta, j, k, t


def _reports(name: str, K, J) -> dict[str, object]:
    # a generous budget: these tests are about verdicts, not speed (a loaded machine must not
    # turn a proof into "ran out of time"); benchmarks/bench_prove.py measures the speed
    return {d.name: d.check(timeout=30) for d in build(name, K, J)}


@pytest.mark.parametrize("K", [2, 3, 4, 5, 6])
def test_output_layer_is_proved_for_small_K(K: int) -> None:
    reports = _reports("output", K, 2)
    assert set(reports) == {"E", "Delta W_kj", "dE/dW_kj", "dE/dz_k", "dz_k/dW_kj", "dE/db_k"}
    for name, report in reports.items():
        assert report.proved, f"{name}: {[str(v) for v in report.verdicts]}"


def test_output_layer_is_proved_for_every_K() -> None:
    reports = _reports("symbolic", K_SYMBOL, J_SYMBOL)
    assert {"E", "dE/dW_kj", "dE/dz_k", "dz_k/dW_kj", "dE/db_k"} <= set(reports)
    for name, report in reports.items():
        assert report.proved, f"{name}: {[str(v) for v in report.verdicts]}"


@pytest.mark.parametrize("K", [3, K_SYMBOL])
def test_only_the_last_line_of_dE_dz_needs_normalized_targets(K) -> None:
    derivation = output.grad_z(K)
    assert len(derivation.steps) == 5
    report = derivation.check(timeout=30)
    normalized = output.normalized_targets(K)
    uses = [normalized in verdict.needs for verdict in report.verdicts]
    assert uses == [False, False, False, False, True]


@pytest.mark.parametrize("K", [3, K_SYMBOL])
def test_last_line_of_dE_dz_is_refuted_without_normalized_targets(K) -> None:
    derivation = output.grad_z(K)
    previous, last = list(derivation.claims())[-1]
    ranges = [a for a in derivation.assume if not isinstance(a, sympy.Eq)]
    verdict = check_equal(previous, last.expr, assume=ranges)
    assert verdict.refuted
    point = verdict.counterexample
    targets = [v for atom, v in point.items() if isinstance(atom, sympy.Indexed) and atom.base == t]
    assert sum(targets) != 1


def test_post_single_path_update_is_refuted_with_a_hand_checkable_counterexample() -> None:
    report = output.update_single_path(3, 4).check()
    (verdict,) = report.verdicts
    assert verdict.refuted
    point = verdict.counterexample
    assert {k, j, eta} <= set(point)
    simple = [v for v in point.values() if v in (0, 1, -1)]
    assert len(simple) >= len(point) - 3  # shrunk toward 0 / 1 / -1


def test_update_summed_over_all_paths_is_proved_beside_it() -> None:
    assert output.update_all_paths(3, 4).check(timeout=30).proved


def test_reference_audit_keeps_the_posts_order_and_shows_its_slip() -> None:
    reports = _reports("reference", 3, 4)
    names = list(reports)
    assert names.index("E") < names.index("Delta W_kj (post)") < names.index("dE/dz_k")
    statuses = {name: report.status for name, report in reports.items()}
    assert statuses.pop("Delta W_kj (post)") == "refuted"
    assert set(statuses.values()) == {"proved"}


@pytest.mark.parametrize("K", [3, K_SYMBOL])
def test_each_chain_starts_from_sympy_diff_not_from_the_post(K) -> None:
    J = 4 if K == 3 else J_SYMBOL
    for derivation in (output.grad_z(K), output.grad_W(K, J), output.grad_b(K, J)):
        assert derivation.start.has(sympy.Derivative) is False
        assert derivation.start != derivation.steps[0].expr


def test_weight_gradient_is_the_delta_times_the_input() -> None:
    derivation = output.grad_W(3, 4)
    assert derivation.steps[-1].expr.has(a_prev[j])
