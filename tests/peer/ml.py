"""Identities of the kinds ML derivations use, and the slips people make in them: the sigmoid
family (tanh, softplus, the logit, binary cross-entropy), softmax and log-sum-exp, sums with
Kronecker deltas, sums over ranges with symbolic bounds (Karr's convention for every integer
bound, as SymPy's ``doit``), piecewise ReLU and |x|, and logs of products. Each is a fact of
the textbooks (the log-sum-exp shift, the softmax Jacobian, the stable softplus, ...), written
the ways posts write them; the false ones are the slips a derivation makes (a sign, a factor,
a bound off by one, a log of a product of reals split, an index range left out).

Every label is confirmed by ``confirm.py`` at 50 and 90 digits, independently of derive.
Not a source of ``sources()``: ``tests/test_ml_identities.py`` judges it on its own.
"""

from __future__ import annotations

from sympy import (
    Abs,
    Eq,
    Heaviside,
    IndexedBase,
    KroneckerDelta,
    Max,
    Min,
    Piecewise,
    Product,
    Rational,
    Sum,
    atanh,
    diff,
    exp,
    log,
    pi,
    sign,
    sqrt,
    symbols,
    tanh,
)

from peer import group

x, y, u = symbols("x y u", real=True)
a, b, s = symbols("a b s", positive=True)
tt = symbols("tt", nonnegative=True)
r = symbols("r", real=True)
mu = symbols("mu", real=True)
K, N = symbols("K N", integer=True, positive=True)
j, k, c, d, i = symbols("j k c d i", integer=True, positive=True)
n, lo, hi, m = symbols("n lo hi m", integer=True)  # any integers (Karr's convention)
free = symbols("free", integer=True)  # an index with no range
h = symbols("h", integer=True)  # a summation index over a range that may hold 0 or below
z = IndexedBase("z", real=True)
t = IndexedBase("t", nonnegative=True)
w = IndexedBase("w", real=True)
q = IndexedBase("q", positive=True)
z1, z2, z3 = symbols("z1:4", real=True)
t1, t2, t3 = symbols("t1:4", real=True)  # targets that sum to 1 (the identity needs no sign)


def sig(v):
    """The logistic sigmoid as posts write it."""
    return 1 / (1 + exp(-v))


def softplus(v):
    return log(1 + exp(v))


S3 = exp(z1) + exp(z2) + exp(z3)
SK = Sum(exp(z[c]), (c, 1, K))
P = exp(z[j]) / SK  # softmax_j
PK = exp(z[k]) / SK  # softmax_k
IN_RANGE = [j <= K, k <= K]
BCE = -(tt * log(sig(x)) + (1 - tt) * log(1 - sig(x)))
MEAN = Sum(w[i], (i, 1, N)) / N
GAUSS_NLL = -log(exp(-((x - mu) ** 2) / (2 * s**2)) / sqrt(2 * pi * s**2))
CE_K = -Sum(t[d] * log(exp(z[d]) / SK), (d, 1, K))

SIGMOID = group(
    "ml::sigmoid, tanh, softplus",
    [
        (sig(x), exp(x) / (1 + exp(x))),
        (diff(sig(x), x), sig(x) * (1 - sig(x))),
        (1 - sig(x), sig(-x)),
        (sig(x) + sig(-x), 1),
        (tanh(x), 2 * sig(2 * x) - 1),
        (tanh(x), (exp(x) - exp(-x)) / (exp(x) + exp(-x))),
        (sig(x), (1 + tanh(x / 2)) / 2),
        (diff(tanh(x), x), 1 - tanh(x) ** 2),
        (softplus(x) - softplus(-x), x),
        (softplus(x), x + softplus(-x)),
        (diff(softplus(x), x), sig(x)),
        (log(sig(x)), -softplus(-x)),
        (log(1 - sig(x)), -softplus(x)),
        (log(sig(x) / (1 - sig(x))), x),
        (BCE, softplus(x) - tt * x),
        (diff(BCE, x), sig(x) - tt),
        (softplus(x), Max(x, 0) + log(1 + exp(-Abs(x)))),
        (atanh(r), log((1 + r) / (1 - r)) / 2, [r > -1, r < 1]),
        (2 * atanh(2 * sig(x) - 1), x),
        (diff(log(sig(x)), x), 1 - sig(x)),
    ],
)

SIGMOID_SLIPS = group(
    "ml::sigmoid, tanh, softplus (slips)",
    [
        (diff(sig(x), x), sig(x) * (1 + sig(x))),
        (1 - sig(x), -sig(x)),
        (tanh(x), 2 * sig(x) - 1),
        (diff(tanh(x), x), 1 + tanh(x) ** 2),
        (softplus(x) - softplus(-x), -x),
        (diff(softplus(x), x), sig(-x)),
        (log(1 - sig(x)), -softplus(-x)),
        (BCE, softplus(x) + tt * x),
        (diff(BCE, x), tt - sig(x)),
        (softplus(x), Max(x, 0) + log(1 + exp(Abs(x)))),
        (sig(x), (1 + tanh(x)) / 2),
        (log(sig(x) / (1 - sig(x))), -x),
    ],
    true=False,
)

SOFTMAX = group(
    "ml::softmax and log-sum-exp",
    [
        (log(exp(x) + exp(y)), u + log(exp(x - u) + exp(y - u))),
        (log(exp(x) + exp(y)), Max(x, y) + log(1 + exp(-Abs(x - y)))),
        (exp(z1) / S3, exp(z1 - u) / (exp(z1 - u) + exp(z2 - u) + exp(z3 - u))),
        (diff(log(S3), z1), exp(z1) / S3),
        (diff(exp(z1) / S3, z2), -exp(z1) * exp(z2) / S3**2),
        (exp(z1) / S3 + exp(z2) / S3 + exp(z3) / S3, 1),
        (log(exp(z2) / S3), z2 - log(S3)),
        (
            diff(-(t1 * log(exp(z1) / S3) + t2 * log(exp(z2) / S3) + t3 * log(exp(z3) / S3)), z1),
            exp(z1) / S3 - t1,
            [Eq(t1 + t2 + t3, 1)],
        ),
        (Sum(P, (j, 1, K)), 1),
        (log(P), z[j] - log(SK)),
        (diff(log(SK), z[j]), P, IN_RANGE),
        (diff(P, z[k]), P * (KroneckerDelta(j, k) - PK), IN_RANGE),
        (diff(CE_K, z[j]), P * Sum(t[d], (d, 1, K)) - t[j], IN_RANGE),
        (CE_K, -Sum(t[d] * z[d], (d, 1, K)) + log(SK) * Sum(t[d], (d, 1, K))),
        (Sum(exp(z[c] - u), (c, 1, K)), exp(-u) * SK),
    ],
)

SOFTMAX_SLIPS = group(
    "ml::softmax and log-sum-exp (slips)",
    [
        (log(exp(x) + exp(y)), x + y),
        (log(exp(x) + exp(y)), Max(x, y)),
        (log(exp(x) + exp(y)), u + log(exp(x + u) + exp(y + u))),
        (diff(exp(z1) / S3, z2), exp(z1) * exp(z2) / S3**2),
        (diff(exp(z1) / S3, z1), exp(z1) / S3 * (1 + exp(z1) / S3)),
        (log(exp(z2) / S3), z2 + log(S3)),
        (Sum(P, (j, 1, K)), K),
        (diff(log(SK), z[j]), exp(z[j])),
        (diff(P, z[k]), P * (KroneckerDelta(j, k) + PK), IN_RANGE),
        (diff(CE_K, z[j]), t[j] - P * Sum(t[d], (d, 1, K)), IN_RANGE),
        (diff(log(SK), z[free]), exp(z[free]) / SK),  # free may lie outside 1..K
    ],
    true=False,
)

DELTAS = group(
    "ml::Kronecker deltas",
    [
        (Sum(KroneckerDelta(j, c) * z[c], (c, 1, K)), z[j], [j <= K]),
        (Sum(KroneckerDelta(j, c), (c, 1, K)), 1, [j <= K]),
        (Sum(KroneckerDelta(c, j) * t[c] * log(q[c]), (c, 1, K)), t[j] * log(q[j]), [j <= K]),
        (
            Sum(KroneckerDelta(j, c) * KroneckerDelta(c, k), (c, 1, K)),
            KroneckerDelta(j, k),
            IN_RANGE,
        ),
        (KroneckerDelta(j, k) * z[j], KroneckerDelta(j, k) * z[k]),
        (
            Sum((KroneckerDelta(j, c) - P) * t[c], (c, 1, K)),
            t[j] - P * Sum(t[c], (c, 1, K)),
            [j <= K],
        ),
        (Sum(KroneckerDelta(j, c), (c, 1, 3)), Piecewise((1, (j >= 1) & (j <= 3)), (0, True))),
    ],
)

DELTA_SLIPS = group(
    "ml::Kronecker deltas (slips)",
    [
        (Sum(KroneckerDelta(free, c) * z[c], (c, 1, K)), z[free]),
        (Sum(KroneckerDelta(j, c), (c, 1, K)), K, [j <= K]),
        (Sum(KroneckerDelta(j, c) * z[c], (c, 1, K)), z[k], IN_RANGE),
        (KroneckerDelta(j, k) * z[j], z[k]),
        (Sum(KroneckerDelta(j, c), (c, 2, K)), 1, [j <= K]),
    ],
    true=False,
)

RANGES = group(
    "ml::sums over symbolic ranges",
    [
        (Sum(h, (h, 1, n)), n * (n + 1) / 2),
        (Sum(2 * h - 1, (h, 1, n)), n**2),
        (Sum(1, (h, lo, hi)), hi - lo + 1),
        (Sum(r**h, (h, 0, n - 1)), (1 - r**n) / (1 - r), [r > 1]),
        (Sum(r**h, (h, 0, N - 1)), (1 - r**N) / (1 - r), [r < 1]),
        (Sum(h, (h, lo, hi)) + Sum(h, (h, hi + 1, m)), Sum(h, (h, lo, m))),
        (Sum(w[i] - MEAN, (i, 1, N)), 0),
        (Sum((w[i] - MEAN) ** 2, (i, 1, N)) / N, Sum(w[i] ** 2, (i, 1, N)) / N - MEAN**2),
        (Sum(z[c] + w[c], (c, 1, K)), Sum(z[c], (c, 1, K)) + Sum(w[c], (c, 1, K))),
        (Sum(x * z[c], (c, 1, K)), x * Sum(z[c], (c, 1, K))),
        (Sum(w[i + 1] - w[i], (i, 1, N)), w[N + 1] - w[1]),
        (Sum(1, (c, 1, K)), K),
        (Sum(Rational(1, 2) ** i, (i, 1, N)), 1 - Rational(1, 2) ** N),
        (Sum(1 / (i * (i + 1)), (i, 1, N)), 1 - 1 / (N + 1)),
        (Sum(z[c], (c, 1, K)), Sum(z[c], (c, 1, K - 1)) + z[K]),
    ],
)

RANGE_SLIPS = group(
    "ml::sums over symbolic ranges (slips)",
    [
        (Sum(h, (h, 1, n)), n * (n - 1) / 2),
        (Sum(1, (h, lo, hi)), hi - lo),
        (Sum(1, (c, 1, K)), K + 1),
        (Sum(r**h, (h, 0, N - 1)), (1 - r ** (N + 1)) / (1 - r), [r < 1]),
        (Sum(h, (h, lo, hi)) + Sum(h, (h, hi, m)), Sum(h, (h, lo, m))),
        (Sum((w[i] - MEAN) ** 2, (i, 1, N)) / N, Sum(w[i] ** 2, (i, 1, N)) / N + MEAN**2),
        (Sum(w[i + 1] - w[i], (i, 1, N)), w[N] - w[1]),
        (Sum(z[c] * w[c], (c, 1, K)), Sum(z[c], (c, 1, K)) * Sum(w[c], (c, 1, K))),
        (Sum(z[c], (c, 1, K)), Sum(z[c], (c, 1, K - 1)) + z[K - 1]),
    ],
    true=False,
)

KINKS = group(
    "ml::ReLU, |x| and piecewise",
    [
        (Max(0, x), (x + Abs(x)) / 2),
        (Max(0, x) - Max(0, -x), x),
        (Max(0, x), x * Heaviside(x)),
        (diff(Max(0, x), x), Heaviside(x)),
        (Abs(x), x * sign(x)),
        (Abs(x) ** 2, x**2),
        (sqrt(x**2), Abs(x)),
        (Max(x, y), (x + y + Abs(x - y)) / 2),
        (Min(x, y), (x + y - Abs(x - y)) / 2),
        (Max(x, y) + Min(x, y), x + y),
        (Max(x, x / 10), Piecewise((x, x >= 0), (x / 10, True))),
        (Abs(x * y), Abs(x) * Abs(y)),
        (Heaviside(x) + Heaviside(-x), 1),
        (Max(0, 1 - x) - Max(0, x - 1), 1 - x),
        (
            Piecewise((x**2 / 2, Abs(x) <= 1), (Abs(x) - Rational(1, 2), True)),
            Piecewise((x**2 / 2, (x >= -1) & (x <= 1)), (Abs(x) - Rational(1, 2), True)),
        ),
        (Max(0, Max(0, x)), Max(0, x)),
        (Min(Max(x, 0), 1), Piecewise((0, x < 0), (x, x < 1), (1, True))),
    ],
)

KINK_SLIPS = group(
    "ml::ReLU, |x| and piecewise (slips)",
    [
        (Max(0, x), (x - Abs(x)) / 2),
        (Max(0, x) + Max(0, -x), x),
        (diff(Max(0, x), x), Heaviside(-x)),
        (Abs(x), x * sign(-x)),
        (sqrt(x**2), x),
        (Max(x, y), (x + y + Abs(x + y)) / 2),
        (Max(x, x / 10), Piecewise((x / 10, x >= 0), (x, True))),
        (Min(Max(x, 0), 1), Piecewise((0, x < 0), (x, x < 2), (1, True))),
        (Max(0, 1 - x), 1 - Max(0, x - 1)),
    ],
    true=False,
)

LOGS = group(
    "ml::logs of products",
    [
        (log(a * b), log(a) + log(b)),
        (log(a / b), log(a) - log(b)),
        (log(a**x), x * log(a)),
        (log(x**2), 2 * log(Abs(x))),
        (log(Product(q[i], (i, 1, N))), Sum(log(q[i]), (i, 1, N))),
        (exp(log(a) + log(b)), a * b),
        (log(exp(x)), x),
        (GAUSS_NLL, log(2 * pi * s**2) / 2 + (x - mu) ** 2 / (2 * s**2)),
        (diff(GAUSS_NLL, mu), (mu - x) / s**2),
        (log(a**tt * b ** (1 - tt)), tt * log(a) + (1 - tt) * log(b)),
        (log(Product(q[i] ** t[i], (i, 1, N))), Sum(t[i] * log(q[i]), (i, 1, N))),
        (log(sqrt(a)), log(a) / 2),
    ],
)

LOG_SLIPS = group(
    "ml::logs of products (slips)",
    [
        (log(x * y), log(x) + log(y)),
        (log(x**2), 2 * log(x)),
        (log(a * b), log(a) * log(b)),
        (log(Product(q[i], (i, 1, N))), Product(log(q[i]), (i, 1, N))),
        (GAUSS_NLL, log(2 * pi * s) / 2 + (x - mu) ** 2 / (2 * s**2)),
        (diff(GAUSS_NLL, mu), (x - mu) / s**2),
        (log(a / b), log(a) + log(b)),
        (log(Product(q[i], (i, 1, N))), Sum(log(q[i]), (i, 1, N - 1))),
    ],
    true=False,
)

CASES = (
    SIGMOID
    + SIGMOID_SLIPS
    + SOFTMAX
    + SOFTMAX_SLIPS
    + DELTAS
    + DELTA_SLIPS
    + RANGES
    + RANGE_SLIPS
    + KINKS
    + KINK_SLIPS
    + LOGS
    + LOG_SLIPS
)
