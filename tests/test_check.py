"""The step checker: true steps are proved, false ones refuted with a counterexample that
interval arithmetic certifies and that is re-checked here independently, at 100 digits; it never
says proved without a proof. The families: logs and exponentials, softmax and its loss, sums
and Kronecker deltas, kinks (ReLU, |x|, sign, Heaviside, Piecewise), derivatives, matrices,
and the kinds that once went undecided: tiny exact differences, differences confined to a
region between kinks, identities that need exponentials or logs of positive products."""

from __future__ import annotations

import pytest
import sympy
from check_support import (
    BCE,
    CERTIFIED,
    E3,
    EK,
    S3,
    SK,
    K,
    Q,
    Wb,
    a1,
    a2,
    a3,
    a_j,
    a_k,
    ab,
    c,
    d,
    holds,
    independent_gap,
    k,
    m,
    n,
    p,
    q,
    s,
    sig,
    sum_t3,
    sum_tK,
    t,
    t1,
    t2,
    t3,
    tt,
    w,
    x,
    y,
    z,
    z1,
    z2,
    z3,
)
from sympy import (
    Abs,
    Derivative,
    Heaviside,
    KroneckerDelta,
    Matrix,
    Max,
    Min,
    Piecewise,
    Sum,
    cos,
    cosh,
    diff,
    exp,
    log,
    sign,
    sin,
    sinh,
    sqrt,
    tanh,
)
from sympy.core.assumptions import check_assumptions

from derive import check_equal

# (lhs, rhs, assume): each holds (under its assumptions)
TRUE_STEPS = {
    "log_exp_real": (log(exp(x)), x, ()),
    "exp_log_positive": (exp(log(p)), p, ()),
    "log_product_positive": (log(p * q), log(p) + log(q), ()),
    "exp_sum": (exp(x + y), exp(x) * exp(y), ()),
    "square": ((x + 1) ** 2, x**2 + 2 * x + 1, ()),
    "softmax_sums_to_one": (a1 + a2 + a3, 1, ()),
    "loss_log_softmax_K3": (
        -Sum(t[d] * log(exp(z[d]) / Sum(exp(z[c]), (c, 1, 3))), (d, 1, 3)),
        -Sum(t[d] * (z[d] - log(Sum(exp(z[c]), (c, 1, 3)))), (d, 1, 3)),
        (),
    ),
    "loss_log_softmax_symbolic_K": (-Sum(t[d] * log(exp(z[d]) / SK), (d, 1, K)), EK, ()),
    "normalized_targets_K3": (a1 * (t1 + t2 + t3) - t1, a1 - t1, (sum_t3,)),
    "normalized_targets_symbolic_K": (a_k * Sum(t[d], (d, 1, K)) - t[k], a_k - t[k], (sum_tK,)),
    "bound_index_renamed": (Sum(t[c], (c, 1, K)), Sum(t[d], (d, 1, K)), ()),
    "constant_out_of_sum": (Sum(x * t[c], (c, 1, K)), x * Sum(t[c], (c, 1, K)), ()),
    "delta_picks_index": (Sum(t[d] * KroneckerDelta(d, k), (d, 1, K)), t[k], (k <= K,)),
    "delta_concrete_sum": (Sum(KroneckerDelta(c, 2), (c, 1, 3)), 1, ()),
    "delta_diagonal": (KroneckerDelta(k, k), 1, ()),
    "piecewise_is_relu": (Piecewise((x, x > 0), (0, True)), Max(0, x), ()),
    "relu_parts_abs": (Max(0, x) + Max(0, -x), Abs(x), ()),
    "max_plus_min": (Max(x, y) + Min(x, y), x + y, ()),
    "relu_times_step": (x * Heaviside(x), Max(0, x), ()),
    "power_rule": (Derivative(x**3, x), 3 * x**2, ()),
    "exp_chain_rule": (Derivative(exp(2 * x), x), 2 * exp(2 * x), ()),
    "log_derivative": (Derivative(log(p), p), 1 / p, ()),
    "softmax_diagonal_jacobian": (Derivative(a1, z1), a1 * (1 - a1), ()),
    "softmax_cross_jacobian": (Derivative(a1, z2), -a1 * a2, ()),
    "grad_z_symbolic_K": (diff(EK, z[k]), a_k * Sum(t[d], (d, 1, K)) - t[k], (k <= K,)),
    "grad_z_concrete": (diff(E3, z1), a1 * (t1 + t2 + t3) - t1, ()),
    "matrix_product": (Matrix([[x, 1], [0, y]]) * Matrix([1, 1]), Matrix([x + 1, y]), ()),
    "matrix_entries": (Matrix([log(exp(x)), 2 * x]), Matrix([x, x + x]), ()),
    "softmax_shift_invariant": (exp(z1 - m) / (exp(z1 - m) + exp(z2 - m) + exp(z3 - m)), a1, ()),
    "log_softmax_shift_invariant": (
        z1 - log(S3),
        (z1 - m) - log(exp(z1 - m) + exp(z2 - m) + exp(z3 - m)),
        (),
    ),
    "gauss_sum": (Sum(c, (c, 1, n)), n * (n + 1) / 2, ()),
    "derivative_of_indexed_sum": (
        Derivative(Sum(t[d] * z[d], (d, 1, K)), z[k]),
        t[k],
        (k <= K,),
    ),
    "logit_weight_derivative": (Derivative(Sum(Wb[k, d] * ab[d], (d, 1, 4)), Wb[k, 2]), ab[2], ()),
    # exponentials and logs: rewrites to exp, logs of positive products
    "sigmoid_as_tanh": (sig(y), (1 + tanh(y / 2)) / 2, ()),
    "tanh_as_sigmoid": (tanh(x), 2 * sig(2 * x) - 1, ()),
    "sinh_by_definition": (sinh(x), (exp(x) - exp(-x)) / 2, ()),
    "cosh_squared_minus_sinh_squared": (cosh(x) ** 2 - sinh(x) ** 2, 1, ()),
    "sine_double_angle": (sin(2 * x), 2 * sin(x) * cos(x), ()),
    "cosine_squared_half_angle": (cos(x) ** 2, (1 + cos(2 * x)) / 2, ()),
    "softplus_difference_is_identity": (log(1 + exp(x)) - log(1 + exp(-x)), x, ()),
    "log_sigmoid_is_minus_softplus": (log(sig(x)), -log(1 + exp(-x)), ()),
    "logit_of_sigmoid": (log(s / (1 - s)), x, ()),
    "log_sum_exp_shift_two_terms": (log(exp(x) + exp(y)), m + log(exp(x - m) + exp(y - m)), ()),
    "sigmoid_symmetry": (sig(x), 1 - sig(-x), ()),
    "exp_thirds": (exp(x / 3) * exp(2 * x / 3), exp(x), ()),
    "log_quotient_positive": (log(p / q), log(p) - log(q), ()),
    "log_power_positive": (log(p**3), 3 * log(p), ()),
    "exp_of_twice_log": (exp(2 * log(p)), p**2, ()),
    # derivatives of the usual activations and losses
    "sigmoid_derivative": (Derivative(s, x), s * (1 - s), ()),
    "tanh_derivative": (Derivative(tanh(x), x), 1 - tanh(x) ** 2, ()),
    "softplus_derivative_is_sigmoid": (Derivative(log(1 + exp(x)), x), s, ()),
    "bce_gradient_is_sigmoid_minus_target": (Derivative(BCE, z1), sig(z1) - tt, ()),
    "log_softmax_cross_derivative": (Derivative(z1 - log(S3), z2), -a2, ()),
    # kinks
    "abs_squared": (Abs(x) ** 2, x**2, ()),
    "max_shifted": (Max(x, y) - y, Max(x - y, 0), ()),
    "min_via_max": (Min(x, y), -Max(-x, -y), ()),
    "relu_via_abs": (Max(0, x), (x + Abs(x)) / 2, ()),
    "sign_times_abs": (sign(x) * Abs(x), x, ()),
    "min_as_piecewise": (Min(x, 1), Piecewise((x, x < 1), (1, True)), ()),
    "shifted_step_with_its_value_at_zero": (
        y * Heaviside(y - Q(1, 4), 1),
        Piecewise((y, y >= Q(1, 4)), (0, True)),
        (),
    ),
    # exact arithmetic does not invent a difference from tiny coefficients
    "tiny_coefficients_expand_exactly": (
        (x + Q(1, 10**30)) ** 2,
        x**2 + 2 * x / 10**30 + Q(1, 10**60),
        (),
    ),
    # sums and matrices
    "sum_of_squares": (Sum(c**2, (c, 1, n)), n * (n + 1) * (2 * n + 1) / 6, ()),
    "sum_linearity": (
        Sum(t[c] + z[c], (c, 1, K)),
        Sum(t[c], (c, 1, K)) + Sum(z[c], (c, 1, K)),
        (),
    ),
    "softmax_jacobian_matrix": (
        Matrix(
            [[Derivative(a1, z1), Derivative(a1, z2)], [Derivative(a2, z1), Derivative(a2, z2)]]
        ),
        Matrix([[a1 * (1 - a1), -a1 * a2], [-a2 * a1, a2 * (1 - a2)]]),
        (),
    ),
    "relu_pair_matrix": (
        Matrix([Max(0, x), Max(0, -x)]),
        Matrix([(x + Abs(x)) / 2, (Abs(x) - x) / 2]),
        (),
    ),
}

# (lhs, rhs, assume): each is false somewhere inside the domains and assumptions
FALSE_STEPS = {
    "log_exp_complex": (log(exp(w)), w, ()),
    "log_square": (log(x**2), 2 * log(x), ()),
    "exp_of_sum_as_sum": (exp(x + y), exp(x) + exp(y), ()),
    "square_missing_cross_term": ((x + 1) ** 2, x**2 + 1, ()),
    "normalized_targets_unassumed_K3": (a1 * (t1 + t2 + t3) - t1, a1 - t1, ()),
    "normalized_targets_unassumed_symbolic_K": (
        a_k * Sum(t[d], (d, 1, K)) - t[k],
        a_k - t[k],
        (),
    ),
    "grad_z_sign_error": (diff(E3, z1), t1 - a1, (sum_t3,)),
    "grad_z_sign_error_symbolic_K": (diff(EK, z[k]), t[k] - a_k, (k <= K, sum_tK)),
    "swapped_weight_indices": (
        Derivative(Sum(Wb[k, d] * ab[d], (d, 1, 4)), Wb[k, 2]),
        ab[k],
        (k <= 4,),
    ),
    "dropped_softmax_cross_term": (Derivative(a1, z2), 0, ()),
    "single_path_through_a_k": (diff(E3, z1), -t1 * (1 - a1), (sum_t3,)),
    "relu_is_identity": (Max(0, x), x, ()),
    "step_is_one": (Heaviside(x), 1, ()),
    "relu_derivative_is_one": (Derivative(Max(0, x), x), 1, ()),
    "sum_is_first_term_times_three": (Sum(t[c], (c, 1, 3)), 3 * t[1], ()),
    "delta_without_index_range": (Sum(t[d] * KroneckerDelta(d, k), (d, 1, K)), t[k], ()),
    "delta_is_one": (KroneckerDelta(c, k), 1, ()),
    "relu_is_abs": (Piecewise((x, x > 0), (0, True)), Abs(x), ()),
    "matrix_entry_wrong": (Matrix([x, 2 * x]), Matrix([x, x + 1]), ()),
    "matrix_transposed": (Matrix([[1, x], [0, 1]]), Matrix([[1, 0], [x, 1]]), ()),
    "power_rule_wrong": (Derivative(x**3, x), 3 * x**3, ()),
    "exp_chain_rule_dropped": (Derivative(exp(2 * x), x), exp(2 * x), ()),
    "softmax_two_of_three": (a1 + a2, 1, ()),
    "log_softmax_half_shifted": (z1 - log(S3), z1 - m - log(S3), ()),
    "log_quotient_as_sum": (log(p / q), log(p) + log(q), ()),
    "sqrt_of_square": (sqrt(x**2), x, ()),
    "gauss_sum_wrong": (Sum(c, (c, 1, n)), n**2 / 2, ()),
    "loss_without_log_sum_exp": (E3, -(t1 * z1 + t2 * z2 + t3 * z3), (sum_t3,)),
    "max_is_first": (Max(x, y), x, ()),
    "step_mirrored": (Heaviside(x), Heaviside(-x), ()),
    "weight_gradient_wrong_index": ((a1 - t1) * a_j, (a1 - t1) * z1, ()),
    "commutativity_off_by_one": (x * y, y * x + 1, ()),
    # tiny exact differences: far below float precision, and still false
    "tiny_relative_term": (exp(y), exp(y) + y**4 / 10**30, ()),
    "tiny_offset": (exp(y), exp(y) + Q(1, 10**25), ()),
    "tiny_rational_term": (x**2, x**2 + x**6 / 10**40, ()),
    "tiny_scale": (exp(x), exp(x) * (1 + Q(1, 10**28)), ()),
    "tiny_term_in_sum": (Sum(t[c], (c, 1, 3)), Sum(t[c], (c, 1, 3)) + t[1] / 10**30, ()),
    "tiny_log_scale": (log(p), log(p * (1 + Q(1, 10**30))), ()),
    "tiny_softmax_term": (a1, a1 + z1**2 / 10**30, ()),
    "tiny_below_fifty_digits": (exp(x), exp(x) + exp(-x) / 10**60, ()),
    # differences confined to a region between kinks
    "step_region_only": (y * Heaviside(y - Q(1, 4)), Max(0, y), ()),
    "piecewise_threshold_moved": (
        Piecewise((0, x < 1), (x, True)),
        Piecewise((0, x < 2), (x, True)),
        (),
    ),
    "step_band": (Heaviside(x - Q(1, 3)) - Heaviside(x - Q(1, 2)), 0, ()),
    "abs_band": (Abs(x - Q(1, 7)) + Abs(x - Q(1, 5)), Abs(2 * x - Q(12, 35)), ()),
    "sign_band": (sign(x - Q(1, 3)) * sign(x - Q(1, 2)), 1, ()),
    "thin_band_two_variables": (Heaviside(x - y) * Heaviside(y - x + Q(1, 10)), 0, ()),
    "positive_band": (p * Heaviside(p - Q(1, 3)) * Heaviside(Q(1, 2) - p), 0, ()),
    "matrix_entry_differs_in_one_region": (
        Matrix([[x, Max(0, x)], [y * Heaviside(y - Q(1, 4)), 1]]),
        Matrix([[x, Max(0, x)], [Max(0, y), 1]]),
        (),
    ),
    "relu_derivative_shifted": (Derivative(Max(0, x - Q(1, 4)), x), Heaviside(x), ()),
    # exponentials and logs
    "sigmoid_as_tanh_wrong_sign": (sig(y), (1 - tanh(y / 2)) / 2, ()),
    "tanh_as_sigmoid_missing_shift": (tanh(x), 2 * sig(2 * x), ()),
    "softplus_difference_sign": (log(1 + exp(x)) - log(1 + exp(-x)), -x, ()),
    "log_sum_exp_shift_dropped": (log(exp(x) + exp(y)), log(exp(x - m) + exp(y - m)), ()),
    "cosh_squared_plus_sinh_squared": (cosh(x) ** 2 + sinh(x) ** 2, 1, ()),
    "log_of_sum_as_sum_of_logs": (log(p + q), log(p) + log(q), ()),
    "log_of_complex_square": (log(w * w), 2 * log(w), ()),
    "exp_of_product": (exp(x * y), exp(x) * exp(y), ()),
    "sqrt_of_complex_square": (sqrt(w**2), w, ()),
    # derivatives
    "sigmoid_derivative_wrong": (Derivative(s, x), s * (1 + s), ()),
    "log_softmax_cross_derivative_sign": (Derivative(z1 - log(S3), z2), a2, ()),
    "bce_gradient_sign": (Derivative(BCE, z1), tt - sig(z1), ()),
    # kinks, sums, matrices
    "min_is_second": (Min(x, y), y, ()),
    "abs_is_identity": (Abs(x), x, ()),
    "sign_is_step": (sign(x), Heaviside(x), ()),
    "sum_of_squares_wrong": (Sum(c**2, (c, 1, n)), n**3 / 3, ()),
    "delta_picks_next_index": (
        Sum(KroneckerDelta(c, k) * z[c], (c, 1, K)),
        z[k + 1],
        (k <= K,),
    ),
    "softmax_jacobian_matrix_sign": (
        Matrix([[Derivative(a1, z1), Derivative(a1, z2)]]),
        Matrix([[-a1 * (1 - a1), a1 * a2]]),
        (),
    ),
}


@pytest.mark.parametrize("name", sorted(TRUE_STEPS))
def test_true_step_is_proved(name: str) -> None:
    lhs, rhs, assume = TRUE_STEPS[name]
    verdict = check_equal(lhs, rhs, assume=assume)
    assert verdict.status == "proved", str(verdict)
    assert verdict.counterexample is None and not verdict.certified
    assert set(verdict.needs) <= set(assume)


@pytest.mark.parametrize("name", sorted(FALSE_STEPS))
def test_false_step_is_refuted_with_a_certified_counterexample(name: str) -> None:
    lhs, rhs, assume = FALSE_STEPS[name]
    verdict = check_equal(lhs, rhs, assume=assume)
    assert verdict.status == "refuted", str(verdict)
    assert verdict.certified, verdict.method
    bound = CERTIFIED.match(verdict.method)
    assert bound, verdict.method
    point = verdict.counterexample
    assert point
    for atom, value in point.items():  # exact, inside the symbols' domains
        assert all(part.is_Rational for part in value.as_real_imag()), (atom, value)
        assert check_assumptions(value, atom) is not False, (atom, value)
    assert all(holds(a, point) for a in assume)  # and inside the assumptions
    if isinstance(lhs, sympy.MatrixBase):
        gap = max(independent_gap(l_, r_, point) for l_, r_ in zip(lhs, rhs, strict=True))
    else:
        gap = independent_gap(lhs, rhs, point)
    # the sides differ here, by at least the certified bound, however small it is
    assert 0 < float(bound.group(1)) <= gap * (1 + 1e-9), (bound.group(1), gap)
