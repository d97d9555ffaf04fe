"""The 40-digit evaluator behind derive.testing's reference: golden values by hand, the
ReLU convention, sums with symbolic bounds, magnitudes, and refusals."""

from __future__ import annotations

import math

import numpy as np
import pytest
from sympy import (
    And,
    Heaviside,
    IndexedBase,
    KroneckerDelta,
    Max,
    Min,
    Piecewise,
    Rational,
    Sum,
    Symbol,
    erf,
    exp,
    log,
    tanh,
)

from derive.model.loss import softmax
from derive.model.primitives import relu_prime
from derive.model.symbols import K, c, k, t, z
from derive.testing.precise import CONTEXT, EvaluationError, Evaluator, to_float, to_mp


def _values(expr, arrays, ranges=None, **kw):
    ev = Evaluator({base: (to_mp(np.asarray(v)), None) for base, v in arrays.items()}, **kw)
    result = ev.evaluate(expr, ranges)
    return to_float(result.value), to_float(result.magnitude)


def test_softmax_by_hand_at_logits_0_and_log_2() -> None:
    # a = (1, 2) / 3 exactly, computed by hand
    value, _ = _values(softmax(k, K), {z: [0.0, math.log(2.0)]}, {k: (1, 2)}, sizes={K: 2})
    np.testing.assert_allclose(value, [1 / 3, 2 / 3], rtol=1e-15)


def test_logits_of_1e4_do_not_overflow_at_40_digits() -> None:
    value, _ = _values(softmax(k, K), {z: [1e4, 1e4 - 1.0]}, {k: (1, 2)}, sizes={K: 2})
    first = 1.0 / (1.0 + math.exp(-1.0))  # e / (e + 1): the shift by 1e4 cancels exactly
    np.testing.assert_allclose(value, [first, 1.0 - first], rtol=1e-15)
    loss = -Sum(t[c] * (z[c] - log(Sum(exp(z[k]), (k, 1, K)))), (c, 1, K))
    e, _ = _values(loss, {z: [1e4, -1e4], t: [0.0, 1.0]}, sizes={K: 2})
    assert e.item() == pytest.approx(2e4, rel=1e-15)  # log(e^1e4 + e^-1e4) + 1e4


def test_kronecker_delta_picks_the_diagonal() -> None:
    value, _ = _values(KroneckerDelta(c, k), {}, {c: (1, 3), k: (1, 3)})
    np.testing.assert_array_equal(value, np.eye(3))


def test_relu_prime_and_heaviside_follow_the_convention_at_0() -> None:
    u = IndexedBase("u", real=True)
    points = {u: [-1.0, 0.0, 2.0]}
    value, _ = _values(relu_prime(u[k]), points, {k: (1, 3)})
    np.testing.assert_array_equal(value, [0.0, 0.0, 1.0])  # relu'(0) = 0 by default
    value, _ = _values(relu_prime(u[k]), points, {k: (1, 3)}, heaviside_at_0=1)
    np.testing.assert_array_equal(value, [0.0, 1.0, 1.0])
    value, _ = _values(Heaviside(u[k], Rational(1, 2)), points, {k: (1, 3)})
    np.testing.assert_array_equal(value, [0.0, 0.5, 1.0])  # the expression's own H(0) wins
    value, _ = _values(Max(0, u[k]), points, {k: (1, 3)})
    np.testing.assert_array_equal(value, [0.0, 0.0, 2.0])


def test_the_magnitude_sums_absolute_values_where_the_value_cancels() -> None:
    # a_1 (t_1 + t_2) - t_1 at a_1 = 1/2: the value 0 comes from terms of size 1/2 and 1
    a = IndexedBase("a", real=True)
    expr = a[1] * (t[1] + t[2]) - t[1]
    value, magnitude = _values(expr, {a: [0.5], t: [1.0, 1.0]})
    assert value.item() == 0.0
    assert magnitude.item() == pytest.approx(2.0)


def test_a_term_free_of_the_summation_index_is_counted_k_times() -> None:
    value, _ = _values(Sum(Rational(3, 2), (c, 1, K)), {}, sizes={K: 4})
    assert value.item() == 6.0


def test_nodes_without_an_exact_rule_are_refused() -> None:
    x = Symbol("x", real=True)
    with pytest.raises(EvaluationError, match="no exact evaluation rule"):
        Evaluator({}, scalars={x: (1, 1)}).evaluate(erf(x))
    with pytest.raises(EvaluationError, match="no exact evaluation rule"):
        Evaluator({}, scalars={x: (1, 1)}).evaluate(Piecewise((x, x > 0), (0, erf(x) > 0)))


def test_tanh_min_and_piecewise_take_the_first_piece_that_holds() -> None:
    x, y = Symbol("x", real=True), Symbol("y", real=True)
    ev = Evaluator({}, scalars={x: (CONTEXT.mpf(-2), 2), y: (CONTEXT.mpf(3), 3)})
    assert ev.evaluate(Min(x, y)).value.item() == -2
    assert abs(ev.evaluate(tanh(x)).value.item() - CONTEXT.tanh(-2)) < CONTEXT.mpf(10) ** -35
    pieces = Piecewise((1, x > 0), (2, And(x < 0, y > 0)), (3, True))
    assert ev.evaluate(pieces).value.item() == 2
    with pytest.raises(EvaluationError, match="has no value"):
        Evaluator({}).evaluate(x)


def test_a_symbol_named_like_code_is_looked_up_never_run(tmp_path) -> None:
    marker = tmp_path / "ran"
    hostile = Symbol(f"__import__('pathlib').Path({str(marker)!r}).touch()", real=True)
    value = Evaluator({}, scalars={hostile: (2, 2)}).evaluate(hostile + 1).value
    assert float(value.item()) == 3.0
    assert not marker.exists()
