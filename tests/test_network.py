"""The backprop recursion through both hidden ReLU layers, as the checker judges it."""

from __future__ import annotations

import pytest
from sympy import Heaviside, Max, Symbol, diff

from derive import check_equal
from derive.derivations import build
from derive.model.primitives import relu_prime


def _verdicts(name: str, derivation: str, sizes: tuple, timeout: float):
    chain = next(d for d in build(name, *sizes) if d.name == derivation)
    return chain.check(timeout=timeout).verdicts


@pytest.mark.parametrize("derivation", ["delta_j", "delta_i", "dE/dW_ji"])
@pytest.mark.slow
def test_recursion_is_proved_at_small_sizes_and_says_where_it_holds(derivation: str) -> None:
    # K, J, N, I: relu' must be evaluated at the sampled points, or nothing cross-checks
    verdicts = _verdicts("network", derivation, (2, 1, 1, 2), timeout=30)
    assert [v.status for v in verdicts] == ["proved"] * len(verdicts)
    assert all(v.caveats for v in verdicts), "a ReLU step must name the kink it excludes"
    assert any("kink" in " ".join(v.caveats) for v in verdicts)


def test_layer_l1_recursion_is_proved_for_every_size() -> None:
    """delta_j = relu'(z_j) sum_k W_kj (a_k - t_k) with symbolic N, I, J, K (needs sum t = 1)."""
    verdicts = _verdicts("network-symbolic", "delta_j", (None, None), timeout=40)
    assert [v.status for v in verdicts] == ["proved", "proved"]
    assert any("Sum(t[d]" in str(a) for a in verdicts[1].needs)


def test_relu_convention_is_proved_and_a_wrong_one_refuted_away_from_the_kink() -> None:
    z = Symbol("z", real=True)
    assert diff(Max(0, z), z).subs(z, 1) == 1
    proved = check_equal(relu_prime(z), Heaviside(z, 0))
    assert proved.status == "proved"
    # a wrong convention is refuted where it matters, not only at the kink
    wrong = check_equal(relu_prime(z), Heaviside(-z, 0))
    assert wrong.status == "refuted"
    assert wrong.counterexample[z] != 0


def test_a_wrong_recursion_is_refuted_with_a_point_away_from_the_kinks() -> None:
    z = Symbol("z", real=True)
    w, d = Symbol("w", real=True), Symbol("d", real=True)
    verdict = check_equal(relu_prime(z) * w * d, Heaviside(z, 0) * w * d)
    assert verdict.status == "proved"
    dropped = check_equal(relu_prime(z) * w * d, w * d)  # forgot relu'(z_j)
    assert dropped.status == "refuted"
    assert dropped.counterexample[z] < 0


def test_the_kink_is_named_once() -> None:
    (verdict,) = _verdicts("network", "relu'(z_j)", (2, 1, 1, 2), timeout=30)
    assert verdict.status == "proved"
    first = verdict.caveats[0]
    assert first.startswith("holds where z^{L-1}[j] ≠ 0;"), first
