"""Input checks for every public function in ``numeric``: cheap when inputs are right, explicit
when they are not.

The common case (ndarrays of one float dtype, float64 or float32, with matching shapes) costs a
type and dtype comparison per array, a few tuple comparisons and one ``isfinite`` pass per array;
conversions and error messages live on the slow path. At batch size 1 a whole ``backprop`` is
about ten NumPy calls, so the checks must not cost more than the arithmetic they guard.
Failures raise ``ValueError`` (never ``assert``), naming the array, the expected shape and the
given one.
"""

from __future__ import annotations

import numpy

KEYS = ("W1", "b1", "W2", "b2", "W3", "b3")
_F64 = numpy.dtype(numpy.float64)
_F32 = numpy.dtype(numpy.float32)


def real_array(name: str, value: object) -> numpy.ndarray:
    """``value`` as an ndarray of real numbers (float, integer); anything else is a ValueError."""
    try:
        array = numpy.asarray(value)
    except (TypeError, ValueError) as error:
        raise ValueError(f"{name} is not an array of numbers ({error})") from None
    if array.dtype.kind not in "fiu":
        raise ValueError(
            f"{name} must be an array of real numbers (float or integer), "
            f"got dtype {array.dtype} with shape {array.shape}"
        )
    return array


def float_dtype(*arrays: numpy.ndarray) -> numpy.dtype:
    """The dtype to compute in: float32 stays float32, integers become float64."""
    return numpy.result_type(_F32, *(a.dtype if a.dtype.kind == "f" else _F64 for a in arrays))


def cast(name: str, value: object, dtype: numpy.dtype) -> numpy.ndarray:
    """``value`` as a finite array of ``dtype`` (a float64 too large for float32 is refused)."""
    array = value if type(value) is numpy.ndarray else real_array(name, value)
    if array.dtype is not dtype:
        array = real_array(name, array)
        with numpy.errstate(over="ignore"):  # overflow becomes inf, refused just below
            array = array.astype(dtype)
    finite(name, array)
    return array


def finite(name: str, array: numpy.ndarray) -> None:
    """Raise ValueError if ``array`` holds NaN or an infinity."""
    if not numpy.isfinite(array).all():
        bad = numpy.argwhere(~numpy.isfinite(array))
        where = tuple(int(i) for i in bad[0])
        raise ValueError(
            f"{name} must be finite, but {len(bad)} of its {array.size} entries "
            f"{'is' if len(bad) == 1 else 'are'} not "
            f"(the first is {array[where]} at index {where})"
        )


def parameters(params: object) -> tuple[numpy.ndarray, ...]:
    """W1, b1, W2, b2, W3, b3 in one float dtype, with consistent shapes, all finite."""
    try:
        arrays = [params[key] for key in KEYS]  # type: ignore[index]
    except KeyError as error:
        missing = [key for key in KEYS if key not in params]  # type: ignore[operator]
        raise ValueError(
            f"params is missing {', '.join(map(repr, missing))}: "
            f"expected the keys {', '.join(KEYS)}"
        ) from error
    except TypeError:
        raise ValueError(
            f"params must be a dict of arrays with the keys {', '.join(KEYS)}, "
            f"got {type(params).__name__}"
        ) from None
    dtype = arrays[0].dtype if type(arrays[0]) is numpy.ndarray else None
    if (dtype is _F64 or dtype is _F32) and all(
        type(array) is numpy.ndarray and array.dtype is dtype for array in arrays
    ):
        for key, array in zip(KEYS, arrays, strict=True):
            finite(key, array)
    else:  # mixed, integer or non-array parameters: compute in their common float dtype
        dtype = float_dtype(*(real_array(k, a) for k, a in zip(KEYS, arrays, strict=True)))
        arrays = [cast(key, array, dtype) for key, array in zip(KEYS, arrays, strict=True)]
    _parameter_shapes(*arrays)
    return tuple(arrays)


def _parameter_shapes(W1, b1, W2, b2, W3, b3) -> None:
    """Raise ValueError unless W1 (I, N), b1 (I,), W2 (J, I), b2 (J,), W3 (K, J), b3 (K,)."""
    if W1.ndim != 2 or min(W1.shape) < 1:
        raise ValueError(f"W1 has shape {W1.shape} but must be a matrix (I, N) with I, N >= 1")
    units_1, units_2 = W1.shape[0], W2.shape[0] if W2.ndim == 2 else 0
    ok = W2.ndim == 2 and units_2 >= 1 and W2.shape[1] == units_1
    expect(ok, "W2", W2, f"(J, I) = (J, {units_1}) with J >= 1", "W1")
    ok = W3.ndim == 2 and W3.shape[0] >= 1 and W3.shape[1] == units_2
    expect(ok, "W3", W3, f"(K, J) = (K, {units_2}) with K >= 1", "W2")
    for b, W, name, owner in ((b1, W1, "b1", "W1"), (b2, W2, "b2", "W2"), (b3, W3, "b3", "W3")):
        expect(b.shape == W.shape[:1], name, b, str(W.shape[:1]), owner)


def expect(ok: bool, name: str, array: numpy.ndarray, shape: str, owner: str) -> None:
    """Raise ``<name> has shape <given> but <owner> expects <shape>`` unless ``ok``."""
    if not ok:
        raise ValueError(f"{name} has shape {array.shape} but {owner} expects {shape}")


def network_input(W1: numpy.ndarray, x: object) -> tuple[numpy.ndarray, bool]:
    """x as a (B, N) batch in W1's dtype, and True when it was one example (N,)."""
    x = cast("x", x, W1.dtype)
    N = W1.shape[1]
    if x.shape == (N,):
        return x[None], True
    expect(x.ndim == 2 and x.shape[1] == N, "x", x, f"(B, {N}) or ({N},)", "W1")
    return x, False


def targets(t: object, shape: tuple[int, ...], dtype: numpy.dtype, owner: str) -> numpy.ndarray:
    """t in ``dtype``, required to have exactly ``shape``: that of the logits, (K,) or (B, K)."""
    t = cast("t", t, dtype)
    if t.shape != shape:
        names = "(K,)" if len(shape) == 1 else "(B, K)"
        expect(False, "t", t, f"{names} = {shape}", owner)
    return t


def logits(z: object, name: str = "z") -> numpy.ndarray:
    """z as a finite float array with at least one axis and at least one class."""
    z = real_array(name, z) if type(z) is not numpy.ndarray else z
    if z.dtype is not _F64 and z.dtype is not _F32:
        z = cast(name, z, float_dtype(real_array(name, z)))
    else:
        finite(name, z)
    if z.ndim < 1 or z.shape[-1] < 1:
        raise ValueError(f"{name} has shape {z.shape} but needs at least one class: (..., K)")
    return z
