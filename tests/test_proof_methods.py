"""The proof methods and strategies added for identities of SymPy's own tests: each one proves
its kind of identity, never a false variant of it (the numbers refute those, certified), and
each is an entry of its table (``methods.METHODS``, ``prove.STRATEGIES``)."""

from __future__ import annotations

import pytest
import sympy
from hypothesis import example, given
from hypothesis import strategies as st
from sympy import (
    Abs,
    Heaviside,
    I,
    Max,
    Min,
    Piecewise,
    Product,
    Rational,
    Sum,
    acoth,
    asinh,
    atanh,
    binomial,
    cos,
    exp,
    factorial,
    gamma,
    harmonic,
    log,
    pi,
    sign,
    sqrt,
    symbols,
    tanh,
)

from derive import check_equal
from derive.checker.limits import Limits
from derive.checker.methods import METHODS
from derive.checker.orders import orderings
from derive.checker.prove import STRATEGIES

x, y, z = symbols("x y z", real=True)
a, b, n, k = symbols("a b n k", integer=True)
u, v = symbols("u v")  # complex
p, q = symbols("p q", positive=True)


def _refuted(lhs, rhs, **kw):
    verdict = check_equal(lhs, rhs, **kw)
    return verdict.status == "refuted" and verdict.certified


def test_every_new_method_is_an_entry_of_its_table():
    strategies = {name for name, *_ in STRATEGIES}
    assert {"summation", "bodies", "algebraic", "inverse hyperbolic", "powers"} <= strategies
    assert {"complex parts", "ideal", "bounds", "gamma"} <= strategies
    assert {"orders", "branches", "intervals"} <= {name for name, *_ in METHODS}


@pytest.mark.parametrize(
    ("lhs", "rhs"),
    [
        (Sum(pi**n, (n, 0, b)), (1 - pi ** (b + 1)) / (1 - pi)),
        (Sum(2 ** (n + 1), (n, 1, b)), 4 * (2**b - 1)),
        (Sum((-1) ** k, (k, 0, n)), Rational(1, 2) - (-1) ** (n + 1) / 2),
        (Sum(1 / k - 1 / (k + 1), (k, 1, n)), 1 - 1 / (n + 1)),
        (Sum(k * factorial(k), (k, 1, n)), factorial(n + 1) - 1),
        (Product(n + 1, (n, a, b)), sympy.gamma(b + 2) / sympy.gamma(a + 1)),
    ],
)
def test_geometric_and_telescoping_sums_are_proved_and_their_slips_refuted(lhs, rhs):
    verdict = check_equal(lhs, rhs)
    assert verdict.status == "proved", verdict.method
    assert _refuted(lhs, 2 * rhs)


def test_a_closed_form_holds_for_bounds_in_either_order():
    lhs, rhs = Sum(2**n, (n, a, b)), 2 ** (b + 1) - 2**a
    assert check_equal(lhs, rhs, assume=[b <= a - 3]).status == "proved"
    assert _refuted(Sum(2**n, (n, a, b + 1)), rhs, assume=[b <= a - 3])


def test_sums_a_few_terms_apart_are_proved_for_every_order_of_their_bounds():
    # sums of arrays: SymPy's summation has no closed form for them
    Z, W = sympy.IndexedBase("z", real=True), sympy.IndexedBase("w", real=True)
    K, N = symbols("K N", integer=True, positive=True)
    c = symbols("c", integer=True, positive=True)
    peeled = Sum(Z[c], (c, 1, K - 1)) + Z[K]
    verdict = check_equal(Sum(Z[c], (c, 1, K)), peeled)
    assert verdict.status == "proved" and "bounds" in verdict.method
    assert _refuted(Sum(Z[c], (c, 1, K)), Sum(Z[c], (c, 1, K - 1)) + Z[K - 1])
    telescoping = Sum(W[c + 1] - W[c], (c, 1, N))
    assert check_equal(telescoping, W[N + 1] - W[1]).status == "proved"
    assert _refuted(telescoping, W[N] - W[1])
    # any integers a, b: Karr's convention makes the ends right in either order
    ends = Sum(W[n] - W[n - 1], (n, a, b))
    assert check_equal(ends, W[b] - W[a - 1]).status == "proved"
    assert _refuted(ends, W[b] - W[a])
    wide = Sum(n * Z[n], (n, a, b + 2)) - Sum(n * Z[n], (n, a + 2, b))
    both_ends = a * Z[a] + (a + 1) * Z[a + 1] + (b + 1) * Z[b + 1] + (b + 2) * Z[b + 2]
    assert check_equal(wide, both_ends).status == "proved"
    assert _refuted(wide, both_ends - (b + 2) * Z[b + 2])


def test_a_symbol_bounded_by_constants_is_proved_on_its_interval():
    r = symbols("r", real=True)
    verdict = check_equal(log(r / (1 - r)), log(r) - log(1 - r), assume=[r > 0, r < 1])
    assert verdict.status == "proved" and "on intervals" in verdict.method
    assert set(verdict.needs) == {r > 0, r < 1}
    assert _refuted(log(r / (1 - r)), log(r) + log(1 - r), assume=[r > 0, r < 1])
    assert check_equal(atanh(r), log((1 + r) / (1 - r)) / 2, assume=[r > -1, r < 1]).proved
    assert check_equal(log(x - 1) + log(x + 1), log(x**2 - 1), assume=[x > 1]).proved
    # an included end where both sides are undefined (log 0) is no point to compare
    assert check_equal(log(1 - r) - log(r), -log(r / (1 - r)), assume=[r > 0, r <= 1]).proved
    # without the bound the logs do not split: r = 2 gives log(-2) = log(2) + i pi
    assert check_equal(log(r / (1 - r)), log(r) - log(1 - r), assume=[r > 0]).status != "proved"
    assert _refuted(log(r**2), 2 * log(r), assume=[r > -1])


def test_an_assumption_that_rules_out_orderings_is_named_as_needed():
    verdict = check_equal(sqrt((x - 1) ** 2), x - 1, assume=[x >= 1])
    assert verdict.status == "proved" and verdict.needs == (x >= 1,)
    assert check_equal(Max(x, y), x, assume=[x >= y]).needs == (x >= y,)
    assert _refuted(Abs(x - 2), 2 - x, assume=[x <= 3])


def test_an_index_at_the_end_of_its_range_is_sampled():
    K, j, c = symbols("K j c", integer=True, positive=True)
    missing_first = check_equal(Sum(sympy.KroneckerDelta(j, c), (c, 2, K)), 1, assume=[j <= K])
    assert missing_first.status == "refuted" and missing_first.certified
    assert missing_first.counterexample[j] == 1
    whole = check_equal(Sum(sympy.KroneckerDelta(j, c), (c, 1, K)), 1, assume=[j <= K])
    assert whole.status == "proved"
    # the end nearest 0 within the domain: an odd n is drawn at 1, never at 0
    odd = symbols("n", odd=True)
    assert check_equal((-1) ** (3 * odd / 2), -(I**odd)).status == "proved"


def test_a_sums_body_is_simplified():
    t = symbols("t", integer=True)
    lhs = Sum(sympy.sin(t) ** 2 + sympy.cos(t) ** 2 + 1, (t, a, b))
    assert check_equal(lhs, 2 * Sum(1, (t, a, b))).status == "proved"


def test_constant_nested_radicals_are_decided_by_their_minimal_polynomial():
    verdict = check_equal(1 / sqrt(5 + 2 * sqrt(6)), sqrt(3) - sqrt(2))
    assert verdict.status == "proved" and "algebraic" in verdict.method
    assert check_equal(exp(I * pi / 4), sqrt(2) / 2 + sqrt(2) * I / 2).status == "proved"
    assert _refuted(1 / sqrt(5 + 2 * sqrt(6)), sqrt(3) + sqrt(2))


def test_inverse_hyperbolic_functions_are_their_logarithms():
    assert check_equal(asinh(u), log(u + sqrt(u**2 + 1))).status == "proved"
    assert check_equal(atanh(u), (log(1 + u) - log(1 - u)) / 2).status == "proved"
    assert check_equal(atanh(tanh(x)), x).status == "proved"
    assert _refuted(atanh(tanh(u)), u)  # complex u: tanh is periodic, atanh is one branch
    assert _refuted(acoth(u), atanh(u))


def test_inverse_hyperbolics_with_radicands_that_are_squares_are_proved():
    # sqrt(((p - 1/p)/2)**2 + 1) is (p**2 + 1)/(2p) once the radicand is factored
    assert check_equal(asinh((p - 1 / p) / 2), log(p)).status == "proved"
    assert _refuted(asinh((p - 1 / p) / 2), 2 * log(p))
    inside = [x > -1, x < 1]
    assert check_equal(atanh(x), asinh(x / sqrt(1 - x**2)), assume=inside).status == "proved"
    assert _refuted(atanh(x), asinh(x / sqrt(1 - x**2)))  # x > 1: atanh is complex there


def test_powers_meet_exponentials_of_logarithms():
    assert check_equal(exp(y * log(u)), u**y).status == "proved"
    assert check_equal(exp(v * (log(p) + log(q))), (p * q) ** v).status == "proved"
    assert check_equal(p ** log(q), q ** log(p)).status == "proved"
    # complex: the logs of a product do not add
    assert _refuted(exp(v * (log(u) + log(u + 1))), (u * (u + 1)) ** v)


def test_abs_and_sign_of_complex_arguments_are_proved_in_real_parts():
    assert check_equal(Abs(x + I * y), sqrt(x**2 + y**2)).status == "proved"
    assert check_equal(sign(u * v), sign(u) * sign(v)).status == "proved"
    assert check_equal(sign(u), u / Abs(u)).status == "proved"
    assert check_equal(u * sympy.conjugate(u), sympy.re(u) ** 2 + sympy.im(u) ** 2).status == (
        "proved"
    )
    assert _refuted(Abs(u + v), Abs(u) + Abs(v))
    assert _refuted(sign(u + v), sign(u) + sign(v))


def test_powers_and_quotients_of_complex_arguments_are_proved_in_real_parts():
    # |u|**2 is a power of a nonnegative t: its angle atan2(0, t) is 0 wherever t > 0
    assert check_equal(Abs(u**3), Abs(u) ** 3).status == "proved"
    assert check_equal(Abs(sqrt(u)), sqrt(Abs(u))).status == "proved"
    assert check_equal(Abs(u) / u, sympy.conjugate(u) / Abs(u)).status == "proved"
    assert _refuted(Abs(u**3), Abs(u) ** 2)
    assert _refuted(Abs(sqrt(u)), sqrt(u))
    assert _refuted(Abs(u) / u, u / Abs(u))


def test_arg_is_written_as_atan2_of_its_parts():
    assert check_equal(sympy.arg(x + I * y), sympy.atan2(y, x)).status == "proved"
    assert check_equal(sympy.arg(x**2 + 1 + I * y), sympy.atan(y / (x**2 + 1))).status == ("proved")
    assert _refuted(sympy.arg(x + I * y), sympy.atan(y / x))
    assert _refuted(sympy.arg(u * v), sympy.arg(u) + sympy.arg(v))


def test_abs_of_a_real_value_computed_in_complex_numbers_is_away_from_its_kink():
    # exp(ix) + exp(-ix) = 2 cos x is real, so its ball's imaginary part straddles 0: still
    # not at |.|'s kink while the ball excludes 0, and the slip is refuted
    assert _refuted(Abs(exp(I * x) + exp(-I * x)), -2 * Abs(cos(x)))
    assert check_equal(Abs(exp(I * x) + exp(-I * x)), 2 * Abs(cos(x))).status == "proved"


def test_gamma_products_of_constants_are_proved_by_the_reflection_formula():
    assert check_equal(gamma(Rational(1, 3)) * gamma(Rational(2, 3)), 2 * pi / sqrt(3)).status == (
        "proved"
    )
    product = gamma(Rational(-3, 4)) * gamma(Rational(-1, 4))
    assert check_equal(product, 16 * sqrt(2) * pi / 3).status == "proved"
    assert _refuted(product, 16 * sqrt(3) * pi / 3)
    m = symbols("m", integer=True, nonnegative=True)
    central = 4**m * gamma(m + Rational(1, 2)) / (sqrt(pi) * gamma(m + 1))
    assert check_equal(binomial(2 * m, m), central).status == "proved"
    assert _refuted(binomial(2 * m, m), 2 * central)


def test_n_ary_max_and_min_are_proved_against_their_piecewise_forms():
    w = symbols("w", real=True)
    piecewise = Piecewise(
        (w, (w >= x) & (w >= y) & (w >= z)), (x, (x >= y) & (x >= z)), (y, y >= z), (z, True)
    )
    verdict = check_equal(Max(w, x, y, z), piecewise)
    assert verdict.status == "proved" and "by orders" in verdict.method
    slipped = Piecewise((x, (x >= y) & (x >= z)), (z, y >= z), (y, True))
    assert _refuted(Max(x, y, z), slipped)
    assert check_equal(Min(x, y), (x + y - Abs(x - y)) / 2).status == "proved"
    heavisides = (
        x * Heaviside(-2 * x) * Heaviside(-x - 2)
        - x * Heaviside(2 * x) * Heaviside(x - 2)
        - 2 * Heaviside(-x + 2) * Heaviside(x + 2)
    )
    assert check_equal(Min(x, -x, -2), heavisides).status == "proved"


def test_a_proof_by_orders_holds_at_the_ties_too():
    w = symbols("w", real=True)
    at_ties = check_equal(Max(w, x, y), Piecewise((w, (w > x) & (w > y)), (x, x > y), (y, True)))
    assert at_ties.status == "proved" and "by orders" in at_ties.method
    assert not at_ties.caveats
    # these differ only where x = y: never proved by orders, at most between the kinks
    only_ties = check_equal(
        Piecewise((1, x >= y), (0, True)) * w, Piecewise((1, x > y), (0, True)) * w
    )
    assert "by orders" not in only_ties.method
    assert only_ties.status != "proved" or only_ties.caveats


def test_orderings_cover_every_weak_order_and_obey_the_limit():
    assert len(list(orderings([x, y, z], []))) == 13  # weak orders of three atoms
    assert len(list(orderings([x], [Rational(-2), Rational(0), Rational(2)]))) == 7
    w = symbols("w", real=True)
    piecewise = Piecewise(
        (w, (w >= x) & (w >= y) & (w >= z)), (x, (x >= y) & (x >= z)), (y, y >= z), (z, True)
    )
    verdict = check_equal(Max(w, x, y, z), piecewise, limits=Limits(orders=20))
    assert verdict.status == "undecided" and "orders limit" in verdict.method


@pytest.mark.parametrize(
    ("lhs", "rhs"),
    [
        (factorial(x + 1), (x + 1) * factorial(x) + 1),
        (binomial(n + 1, k), binomial(n, k) + binomial(n, k - 1) + 1),
        (harmonic(n + 1), harmonic(n) + 1 / (n + 2)),
        (acoth(x), atanh(x) + 1),
    ],
)
def test_special_functions_are_refuted_with_a_certificate(lhs, rhs):
    assert _refuted(lhs, rhs)


def test_a_binomials_regimes_are_sampled_where_the_gamma_form_fails():
    # SymPy's binomial(n, k) is 0 for k < 0, so the symmetry the gamma form proves fails for
    # n < 0 (binomial(-2, 0) = 1, binomial(-2, -2) = 0): the integer draws seek every regime
    m = symbols("m", integer=True, nonnegative=True)
    assert _refuted(binomial(n, k), binomial(n, n - k))
    assert check_equal(binomial(m, k), binomial(m, m - k)).status == "proved"
    assert check_equal(binomial(n + 1, k), binomial(n, k) + binomial(n, k - 1)).status == "proved"


def test_integer_values_where_a_side_is_undefined_leave_enough_usable_ones():
    # factorial(n) is undefined for n < 0 and 1/binomial(n, k) for k < 0 or k > n: most of a
    # binomial's regimes are unusable, and the draws go on until six sets are usable
    lhs = binomial(n + 1, k + 1) * factorial(n) / binomial(n, k)
    assert check_equal(lhs, factorial(n + 1) / (k + 1)).status == "proved"
    assert _refuted(lhs, factorial(k + 1) / (n + 1))


def test_the_region_between_an_assumptions_bound_and_a_kink_is_sampled():
    # Max(x, 1) = x fails only for 1/2 < x < 1: the bound 1/2 ends a region as the kink does
    assert _refuted(Max(x, 1), x, assume=[x > Rational(1, 2)])
    assert check_equal(Max(x, 1), x, assume=[x >= 1]).status == "proved"


def test_a_factor_zero_does_not_hide_an_undefined_factor():
    # at a = -2, b = 1 the product has a factor 0 (n = -1) and one 2/0 (n = 1): undefined
    lhs = Product((n + 1) / (n - 1), (n, a, b))
    assert check_equal(lhs, b * (1 + b) / (a * (a - 1))).status == "proved"


def test_imaginary_symbols_are_sampled_and_written_in_their_real_part():
    i = symbols("i", imaginary=True)
    assert check_equal(Abs(i), sqrt(-(i**2))).status == "proved"
    assert check_equal(sign(i), i / Abs(i)).status == "proved"
    assert _refuted(Abs(i), -I * i)  # i = -3I: |i| = 3, -I*i = -3


# leaves whose orderings stay within the orders limit (100): two atoms among two constants
# (31 orderings), three atoms alone (13), one atom among the 8 constants its affine leaves meet
_ATOMS = [x, y, sympy.Integer(0), sympy.Integer(2)]
_THREE = [x, y, z]
_AFFINE = [x, 2 * x, x + 1, -x, 3 - x, sympy.Integer(0), sympy.Integer(2)]


@st.composite
def _max_min(draw, leaves, depth=2):
    """A random nest of Max and Min over ``leaves``."""
    if depth == 0 or draw(st.booleans()):
        return draw(st.sampled_from(leaves))
    kind = draw(st.sampled_from([Max, Min]))
    args = [draw(_max_min(leaves, depth - 1)) for _ in range(draw(st.integers(2, 3)))]
    return kind(*args)


def _swapped(expr):
    """Every Max a Min and every Min a Max: a slip."""
    return expr.xreplace(
        {m: (Min if isinstance(m, Max) else Max)(*m.args) for m in expr.atoms(Max, Min)}
    )


@given(st.one_of(_max_min(_ATOMS), _max_min(_THREE), _max_min(_AFFINE)))
@example(Max(z, Min(x, y)))  # its Piecewise form has an ITE condition (x <= y ? x <= z : y <= z)
@example(Min(2, x + 1, Max(-x, x)))  # 5 constants met level by level: 0; 1, 2, -2, -1/2
def test_a_random_max_min_nest_is_proved_against_its_piecewise_form_and_never_a_slip(expr):
    piecewise = expr.rewrite(Piecewise)
    verdict = check_equal(expr, piecewise)
    assert verdict.status == "proved", verdict.method
    slipped = _swapped(expr)
    if check_equal(slipped, expr).status != "proved":  # the swap changed the value
        wrong = check_equal(slipped, piecewise)
        assert wrong.status != "proved"
        assert wrong.status != "refuted" or wrong.certified


def test_index_form_sums_with_tanh_are_proved_by_the_cheap_pass_before_simplify():
    # the cheap strategies first (expand, linearity of sums): SymPy's simplify of each sum's
    # body ("bodies") costs seconds in a network's index form and is not needed here
    i = symbols("i", integer=True)
    m = symbols("m", integer=True, positive=True)
    x, w = sympy.IndexedBase("x"), sympy.IndexedBase("w")
    squashed = 1 / (1 + sympy.exp(-sympy.tanh(w[i])))
    lhs = Sum(x[i] * (1 - sympy.tanh(w[i]) ** 2) * squashed, (i, 1, m))
    rhs = Sum(x[i] * squashed, (i, 1, m)) - Sum(x[i] * sympy.tanh(w[i]) ** 2 * squashed, (i, 1, m))
    verdict = check_equal(lhs, rhs)
    assert verdict.status == "proved" and "bodies" not in verdict.method
    wrong = check_equal(lhs, rhs + Sum(x[i], (i, 1, m)))
    assert wrong.status == "refuted"


def test_sums_without_entries_keep_simplifying_their_bodies_first():
    # the cheap pass is for sums over entries: closed forms of a sum of sin^2 do not end
    t = symbols("t", integer=True)
    lhs = Sum(sympy.sin(t) ** 2 + sympy.cos(t) ** 2 + 1, (t, a, b))
    assert "bodies" in check_equal(lhs, 2 * Sum(1, (t, a, b))).method
