"""Input checks and a cache of ones, pasted as text into every generated module.

Generated modules import only NumPy, so these helpers travel as source: everything below the
:data:`COPY_FROM` line is copied verbatim. They run on every call of a generated function, so
the common case (ndarrays of one float dtype) costs a few identity checks (about 0.3 us);
conversions and error messages live on the slow path.

A *spec* describes a function's arguments: one ``(name, dims, core, batched)`` per array, where
``dims`` names the axes (``("B", "K")``), ``core`` gives the sizes without the batch axis
(``(10,)``) and ``batched`` says whether the leading axis is the batch. The first array of a spec
is batched; it sets the batch size B that every other batched array must share, or marks the
call as one example when it has no batch axis. The fast shape comparisons are printed into each
function (:func:`derive.emit.functions.input_checks`); ``_shape_error`` explains a mismatch.
"""

import numpy

COPY_FROM = "# ---- input checks, copied from derive.emit.runtime ----"

# ---- input checks, copied from derive.emit.runtime ----

_F64 = numpy.dtype(numpy.float64)
_F32 = numpy.dtype(numpy.float32)
_ONES = {}
# |sum_k t_k - 1| allowed per target row: far above the rounding of any realistic row sum
# (about K eps), far below a forgotten normalization
TARGET_TOLERANCE = {_F64: 1e-6, _F32: 1e-4}


def _floats(where, spec, arrays):
    """The arrays as ndarrays of one float dtype: float32 stays float32, integers give float64.

    Raises ValueError for anything that is not an array of real numbers.
    """
    first = arrays[0]
    dtype = first.dtype if type(first) is numpy.ndarray else None
    if dtype is _F64 or dtype is _F32:
        for x in arrays:
            if type(x) is not numpy.ndarray or x.dtype is not dtype:
                return _converted(where, spec, arrays)
        return arrays
    return _converted(where, spec, arrays)


def _converted(where, spec, arrays):
    """Slow path of _floats: convert to arrays, refuse non-numbers, pick the common float dtype."""
    converted = []
    for (name, _, _, _), x in zip(spec, arrays, strict=True):
        try:
            x = numpy.asarray(x)
        except (TypeError, ValueError) as error:
            raise ValueError(f"{where}: {name} is not an array of numbers ({error})") from None
        if x.dtype.kind not in "fiu":
            raise ValueError(
                f"{where}: {name} must be an array of real numbers (float or integer), "
                f"got dtype {x.dtype} with shape {x.shape}"
            )
        converted.append(x)
    dtypes = [x.dtype if x.dtype.kind == "f" else _F64 for x in converted]
    # float16 computes (and returns) float32: NumPy has no fast float16 arithmetic and its
    # range overflows at e^11; float128 and other wide floats compute in float64
    dtype = numpy.result_type(_F32, *dtypes)
    if dtype not in (_F32, _F64):
        dtype = _F64
    return tuple(x.astype(dtype, copy=False) for x in converted)


def _shape_text(names, sizes):
    """``(B, K) = (2, 10)``."""
    comma = "," if len(names) == 1 else ""
    return f"({', '.join(names)}{comma}) = ({', '.join(map(str, sizes))}{comma})"


def _shape_error(where, spec, arrays):
    """Raise a ValueError naming the first array whose shape is wrong, expected and given."""
    name, dims, core, _ = spec[0]
    shape = arrays[0].shape
    if len(shape) not in (len(core), len(core) + 1):
        raise ValueError(
            f"{where}: {name} has shape {shape}, expected {_shape_text(dims, ('B', *core))} "
            f"for a batch of B examples or {_shape_text(dims[1:], core)} for one example"
        )
    lead = shape[: len(shape) - len(core)]
    sizes = {
        d: n for _, dims, core, _ in spec for d, n in zip(dims[-len(core) :], core, strict=True)
    }
    context = ", ".join(f"{d} = {n}" for d, n in sizes.items())
    context += f"; B = {lead[0]} from {name}" if lead else f"; one example, as {name} has no B"
    given = ", ".join(f"{name} {x.shape}" for (name, _, _, _), x in zip(spec, arrays, strict=True))
    for (name, dims, core, batched), x in zip(spec, arrays, strict=True):
        expected = lead + core if batched else core
        if x.shape != expected:
            names = dims[1:] if batched and not lead else dims
            raise ValueError(
                f"{where}: {name} has shape {x.shape}, expected {_shape_text(names, expected)} "
                f"({context}); given: {given}"
            )
    raise AssertionError("_shape_error called with matching shapes")


def _ones(shape, dtype):
    """A cached read-only array of ones: row and column sums as BLAS matrix products."""
    key = (shape, dtype)
    ones = _ONES.get(key)
    if ones is None:
        if len(_ONES) >= 32:
            _ONES.clear()
        ones = numpy.ones(shape, dtype)
        ones.flags.writeable = False
        _ONES[key] = ones
    return ones


def _sums_to_one(where, t_sum):
    """Raise ValueError unless every target row sums to 1 within TARGET_TOLERANCE.

    ``t_sum`` holds the (B, 1) row sums. One example is tested in Python (cheaper than a NumPy
    call); a batch with two reductions; a NaN sum fails both comparisons.
    """
    tolerance = 1e-6 if t_sum.dtype is _F64 else TARGET_TOLERANCE[t_sum.dtype]
    if t_sum.size == 1:
        if abs(t_sum.item() - 1.0) <= tolerance:
            return
    elif (
        numpy.maximum.reduce(t_sum, None) - 1.0 <= tolerance
        and 1.0 - numpy.minimum.reduce(t_sum, None) <= tolerance
    ):
        return
    row = int(numpy.flatnonzero(~(numpy.abs(t_sum[:, 0] - 1.0) <= tolerance))[0])
    raise ValueError(
        f"{where}: target row {row} sums to {t_sum[row, 0].item()!r}, not 1 (tolerance "
        f"{tolerance:g} for {t_sum.dtype}); the gradient is proved for targets that sum to 1. "
        "Normalize the targets, emit with --no-normalized-targets for targets that need not "
        "sum to 1, or pass check_targets=False to skip this check"
    )
