"""Central finite differences, the witness that needs no derivation, and a checker built on them.

Step size. A central difference (f(x + h) - f(x - h)) / 2h has truncation error h^2 |f'''| / 6
and rounding error about macheps |f| / h (each value of f is off by about macheps |f|). The sum
is smallest near h = cbrt(3 macheps |f| / |f'''|); taking |f| / |f'''| of order 1 and scaling
by the size of the point gives h = cbrt(macheps) * max(1, |x|), about 6.1e-6 * max(1, |x|) in
float64, where both errors are then of order macheps^(2/3), about 4e-11 (relative to the scale
of f and its derivatives). In float32 the same rule gives h ~ 5e-3 and errors ~ 2e-5, too
coarse to see small mistakes, so every difference here is computed in float64, whatever the
dtype of the inputs. The quotient divides by (x + h) - (x - h) as actually rounded, not by 2h.
|f'''| is not always of order 1: a weight's third derivative grows like the cube of the inputs
it multiplies, so truncation dominates for large inputs (see RTOL below).

ReLU kinks. Finite differences are only right where the function is smooth across the whole
step. A step that moves a hidden pre-activation across 0 measures a mix of two slopes; use
``near_kink`` to tell when that can happen.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable, Mapping

import numpy
from numpy.typing import ArrayLike

from derive_numeric import _checks
from derive_numeric.backprop import _inputs, _loss, backprop
from derive_numeric.loss import _cross_entropy, _logits_and_targets
from derive_numeric.network import _dense, _relu

EPS = float(numpy.finfo(numpy.float64).eps) ** (1 / 3)  # 6.06e-6: see the module docstring
NAMES = (*_checks.KEYS, "z3")
# Default tolerances of check_grads, for float64 gradients of small networks with inputs of
# order 1 (scale them with |E| and the inputs for larger ones). Measured over 3000 random
# networks (sizes 1-5, one example or 1-4, x ~ N(0, 1) or N(0, 9)): the worst |backprop -
# differences| was 5.5e-8, on a gradient of size 51 with |x| up to 9, where truncation
# (h^2 f''' / 6, and f''' grows like |x|^3) dominates. The defaults sit a factor of about 20
# above that; an error of 0.1% in a gradient of size 1 (1e-3) still fails by about 100x.
RTOL = 1e-5
ATOL = 1e-6
_F64 = numpy.dtype(numpy.float64)


def _steps(point: numpy.ndarray, eps: float | None) -> numpy.ndarray:
    """The step for each element: ``eps`` if given, else EPS * max(1, |x|)."""
    if eps is None:
        return EPS * numpy.maximum(1.0, numpy.abs(point))
    if isinstance(eps, bool) or not isinstance(eps, numbers.Real) or not 0 < eps < numpy.inf:
        raise ValueError(f"eps must be a finite number > 0 (or None for the default), got {eps!r}")
    return numpy.full(point.shape, float(eps))


def _value(f: Callable[[numpy.ndarray], object], point: numpy.ndarray) -> float:
    """f(point) as a float; ValueError unless it is a finite scalar."""
    value = f(point)
    if numpy.ndim(value) != 0:
        raise ValueError(f"f must return a scalar, got shape {numpy.shape(value)}")
    value = float(value)  # type: ignore[arg-type]
    if not numpy.isfinite(value):
        raise ValueError(f"f returned {value} near the point; finite differences need finite f")
    return value


def finite_difference(
    f: Callable[[numpy.ndarray], object], x: ArrayLike, *, eps: float | None = None
) -> numpy.ndarray:
    """The gradient of a scalar function by central differences, one element at a time.

    Works on a float64 copy of x: each element is moved up and down by its step, f is
    evaluated, and the element is restored. The caller's array is never modified.

    Args:
        f: a scalar function of an array of x's shape. It receives the float64 working copy,
            which it must not modify or keep.
        x: the point, any shape; real and finite.
        eps: an absolute step for every element; by default cbrt(macheps) * max(1, |x_i|)
            per element (see the module docstring for why).

    Returns:
        df/dx, float64, of x's shape.

    Raises:
        ValueError: x not a finite real array, eps not a finite number > 0, or f returning
            something other than a finite scalar.
    """
    point = numpy.array(_checks.cast("x", x, _F64), dtype=_F64, copy=True)
    steps = _steps(point, eps)
    grad = numpy.empty_like(point)
    for index in numpy.ndindex(point.shape):
        centre = point[index]
        up, down = centre + steps[index], centre - steps[index]
        point[index] = up
        f_up = _value(f, point)
        point[index] = down
        f_down = _value(f, point)
        point[index] = centre
        grad[index] = (f_up - f_down) / (up - down)
    return grad


def numeric_grad_z(z: ArrayLike, t: ArrayLike, *, eps: float | None = None) -> numpy.ndarray:
    """dE/dz of ``cross_entropy(z, t)`` by central differences, in float64.

    Args:
        z: logits, one example (K,) or a batch (B, K).
        t: targets of z's shape.
        eps: as in ``finite_difference``.

    Returns:
        float64 of z's shape; row b is the gradient of example b's loss (the batch loss is a
        sum, so its derivative in z[b] involves example b only).

    Raises:
        ValueError: as ``cross_entropy``, and as ``finite_difference`` for eps.
    """
    z, t = _logits_and_targets(z, t, _F64)
    return finite_difference(lambda logits: _cross_entropy(logits, t)[0], z, eps=eps)


def numeric_grad(
    params: Mapping[str, numpy.ndarray],
    x: ArrayLike,
    t: ArrayLike,
    name: str,
    *,
    eps: float | None = None,
) -> numpy.ndarray:
    """The gradient of ``loss(params, x, t)`` with respect to one array, by central differences.

    Computed in float64 even when the parameters are float32 (they are converted exactly; x
    and t are converted from what was passed).

    Args:
        params: the six parameter arrays, as made by ``init_params``.
        x: one example (N,) or a batch (B, N).
        t: targets (K,) or (B, K), matching x.
        name: "W1", "b1", "W2", "b2", "W3" or "b3" (a parameter), or "z3" (the logits).
        eps: as in ``finite_difference``.

    Returns:
        float64 with the shape of ``params[name]``, or for "z3" the shape of t (per example).

    Raises:
        ValueError: an unknown name, and as ``loss`` and ``finite_difference``.
    """
    if name not in NAMES:
        raise ValueError(f"name must be one of {', '.join(NAMES)}, got {name!r}")
    arrays, x, t, single = _inputs(params, x, t, _F64)
    if name == "z3":
        W1, b1, W2, b2, W3, b3 = arrays
        z3 = _dense(W3, b3, _relu(_dense(W2, b2, _relu(_dense(W1, b1, x)))))
        grad = numeric_grad_z(z3, t, eps=eps)
        return grad[0] if single else grad
    position = _checks.KEYS.index(name)

    def loss_at(value: numpy.ndarray) -> numpy.floating:
        return _loss(*arrays[:position], value, *arrays[position + 1 :], x, t)

    return finite_difference(loss_at, arrays[position], eps=eps)


def near_kink(
    params: Mapping[str, numpy.ndarray], x: ArrayLike, *, eps: float | None = None
) -> bool:
    """Whether a finite-difference step on one parameter could move a hidden z across 0.

    A sound (conservative) bound: a step h on one entry of W1 or b1 moves one z1 by at most
    d1 = h1 max(1, |x|), hence one a1 by at most d1 (relu is 1-Lipschitz) and each z2 by at most
    |W2| d1; a step on W2 or b2 moves one z2 by at most h2 max(1, |a1|). Here h1, h2 are the
    largest steps in each layer and |.| the largest magnitudes. When this returns False, every
    difference quotient in ``numeric_grad`` is taken where the loss is smooth.

    Args:
        params: the six parameter arrays.
        x: one example (N,) or a batch (B, N).
        eps: the step rule, as in ``finite_difference``.

    Returns:
        True if some |z1| <= d1 or |z2| <= max(h2 max(1, |a1|), |W2| d1).

    Raises:
        ValueError: as ``forward``.
    """
    (W1, b1, W2, b2, _, _), x, _, _ = _inputs(params, x, None, _F64)
    z1 = _dense(W1, b1, x)
    a1 = _relu(z1)
    z2 = _dense(W2, b2, a1)
    h1 = max(_steps(W1, eps).max(), _steps(b1, eps).max())
    h2 = max(_steps(W2, eps).max(), _steps(b2, eps).max())
    d1 = h1 * max(1.0, numpy.abs(x).max(initial=0.0))
    d2 = max(h2 * max(1.0, a1.max(initial=0.0)), numpy.abs(W2).max() * d1)
    return bool(numpy.abs(z1).min(initial=numpy.inf) <= d1) or bool(
        numpy.abs(z2).min(initial=numpy.inf) <= d2
    )


def compare_grads(
    analytic: Mapping[str, ArrayLike],
    numeric: Mapping[str, ArrayLike],
    *,
    rtol: float,
    atol: float,
) -> list[str]:
    """Every disagreement between two sets of gradients, as messages (empty when they agree).

    An element disagrees when |analytic - numeric| > atol + rtol * |numeric|.

    Args:
        analytic: gradients by name, e.g. from ``backprop``.
        numeric: gradients by name, e.g. from ``numeric_grad``; every name here is compared.
        rtol, atol: the relative and absolute tolerances.

    Returns:
        One message per name that is missing, has the wrong shape or differs; a differing
        name's message gives the worst element with both values.
    """
    problems = []
    for name, want in numeric.items():
        want = numpy.asarray(want, dtype=_F64)
        if name not in analytic:
            problems.append(f"{name}: missing from the analytic gradients")
            continue
        got = numpy.asarray(analytic[name], dtype=_F64)
        if got.shape != want.shape:
            problems.append(f"{name}: analytic shape {got.shape}, numeric shape {want.shape}")
            continue
        excess = numpy.abs(got - want) - (atol + rtol * numpy.abs(want))
        if excess.size and excess.max() > 0:
            worst = numpy.unravel_index(int(excess.argmax()), excess.shape)
            problems.append(
                f"{name}: {int((excess > 0).sum())} of {excess.size} entries differ; worst at "
                f"{tuple(int(i) for i in worst)}: analytic {got[worst]:.10g}, "
                f"numeric {want[worst]:.10g} (rtol={rtol:g}, atol={atol:g})"
            )
    return problems


def check_grads(
    params: Mapping[str, numpy.ndarray],
    x: ArrayLike,
    t: ArrayLike,
    *,
    grads: Mapping[str, ArrayLike] | None = None,
    rtol: float = RTOL,
    atol: float = ATOL,
    eps: float | None = None,
) -> list[str]:
    """Compare gradients (``backprop``'s by default) with central differences, for every
    parameter and for the logits z3.

    Args:
        params: the six parameter arrays.
        x: one example (N,) or a batch (B, N).
        t: targets (K,) or (B, K), matching x.
        grads: the gradients to check, keyed like ``backprop``'s result; None means
            ``backprop(params, x, t)``.
        rtol, atol: tolerances; the defaults suit float64 gradients (see RTOL).
        eps: the step rule, as in ``finite_difference``.

    Returns:
        The messages of ``compare_grads``, empty when everything agrees. When a difference is
        found and ``near_kink`` holds, a last message says the differences may be unreliable.

    Raises:
        ValueError: as ``loss`` and ``finite_difference``.
    """
    if grads is None:
        grads = backprop(params, x, t)
    numeric = {name: numeric_grad(params, x, t, name, eps=eps) for name in NAMES}
    problems = compare_grads(grads, numeric, rtol=rtol, atol=atol)
    if problems and near_kink(params, x, eps=eps):
        problems.append("a step crosses or touches a ReLU kink: finite differences are unreliable")
    return problems
