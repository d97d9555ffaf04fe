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
    dtype = numpy.result_type(_F32, *dtypes)  # float16 computes in float32
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
