"""Argument checks pasted as text into every module emitted from derivation files and posts.

Generated modules import only NumPy, so these helpers travel as source: everything below the
:data:`COPY_FROM` line is copied verbatim. The common case (ndarrays of one float dtype, Python
floats for scalars) is tested in each generated function with a few identity checks and one
tuple unpacking per argument; these helpers are the slow path: conversion, and the one-line
error that names the argument whose shape is wrong.

A *spec* describes a function's parameters: one ``(name, dims)`` per parameter, where ``dims``
names each axis by its size (``("B", "J")``: B the batch, J a size read from the shapes) or gives
a number (a concrete size). A scalar has ``dims == ()``.
"""

import numpy

COPY_FROM = "# ---- argument checks, copied from derive.emit.arguments_runtime ----"

# ---- argument checks, copied from derive.emit.arguments_runtime ----

_ndarray = numpy.ndarray
_F64 = numpy.dtype(numpy.float64)
_F32 = numpy.dtype(numpy.float32)
_INDICES = {}
_ONES = {}


def _converted(where, spec, values):
    """The values as ndarrays of one float dtype (Python numbers stay as they are, so NumPy
    treats them as weak scalars), and that dtype: float32 stays float32, float16 computes in
    float32, integers and wider floats in float64. Raises ValueError naming a bad argument."""
    converted, dtypes = [], []
    for (name, dims), value in zip(spec, values, strict=True):
        if not dims and type(value) in (float, int):
            converted.append(value)
            continue
        if type(value) is _ndarray:
            array = value  # an ndarray of another dtype: asarray would only return it
        else:
            try:
                array = numpy.asarray(value)
            except (TypeError, ValueError) as error:
                raise ValueError(f"{where}: {name} is not an array of numbers ({error})") from None
        if array.dtype.kind not in "fiu":
            raise ValueError(
                f"{where}: {name} must hold real numbers (float or integer), got dtype "
                f"{array.dtype} with shape {array.shape}"
            )
        if not dims and array.shape != ():
            raise ValueError(f"{where}: {name} is a scalar, got an array of shape {array.shape}")
        converted.append(array)
        dtypes.append(array.dtype if array.dtype.kind == "f" else _F64)
    dtype = numpy.result_type(_F32, *dtypes) if dtypes else _F64
    if dtype != _F32 and dtype != _F64:
        dtype = _F64
    arrays = tuple(v if type(v) in (float, int) else v.astype(dtype, copy=False) for v in converted)
    return arrays, dtype


def _dim(dim):
    """An axis of a spec: a number, or a size's name with the number added ("n + 1": the
    axis of a zero-based range 0..n) -> (name or None, number)."""
    if type(dim) is int:
        return None, dim
    name, _, rest = dim.partition(" ")
    return name, int(rest.replace(" ", "")) if rest else 0


def _shape_error(where, spec, values):
    """Raise a ValueError naming the first argument whose shape does not fit the others."""
    sizes = {}
    for (name, dims), value in zip(spec, values, strict=True):
        if not dims:
            continue
        shape = numpy.shape(value)
        expected = ", ".join(map(str, dims)) + ("," if len(dims) == 1 else "")
        known = ", ".join(f"{d} = {n} (from {source})" for d, (n, source) in sizes.items())
        context = f"; {known}" if known else ""
        if len(shape) != len(dims):
            raise ValueError(
                f"{where}: {name} has shape {shape}, expected ({expected}): {len(dims)} axes"
                f"{', the batch first' if dims[0] == 'B' else ''}{context}"
            )
        wanted = []
        for dim, size in zip(dims, shape, strict=True):
            symbol, number = _dim(dim)
            if symbol is None:
                wanted.append(number)
            elif symbol in sizes:
                wanted.append(sizes[symbol][0] + number)
            else:
                wanted.append(size)
                sizes[symbol] = (size - number, name)
        if tuple(wanted) != tuple(shape):
            values_text = ", ".join(map(str, wanted)) + ("," if len(dims) == 1 else "")
            raise ValueError(
                f"{where}: {name} has shape {shape}, expected ({expected}) = ({values_text})"
                f"{context}"
            )
    raise AssertionError(f"{where}: _shape_error called with shapes that fit")


def _index(lo, hi, dtype):
    """The values lo, lo + 1, ..., hi of an index as a read-only array (cached)."""
    key = (lo, hi, dtype)
    values = _INDICES.get(key)
    if values is None:
        if len(_INDICES) >= 64:
            _INDICES.clear()
        values = numpy.arange(lo, hi + 1, dtype=dtype)
        values.flags.writeable = False
        _INDICES[key] = values
    return values


def _ones(n, dtype):
    """A read-only vector of n ones (cached): row and column sums as BLAS products."""
    key = (n, dtype)
    ones = _ONES.get(key)
    if ones is None:
        if len(_ONES) >= 64:
            _ONES.clear()
        ones = numpy.ones(n, dtype)
        ones.flags.writeable = False
        _ONES[key] = ones
    return ones
