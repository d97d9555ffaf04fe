"""Messages between check-code and the child process that runs the code under test.

A message is a JSON header and plain NumPy arrays, each in ``.npy`` format:

    u32 header length | header (UTF-8 JSON) | per array in header["arrays"]: u64 length | .npy

Arrays are read with ``allow_pickle=False``, so nothing but numbers crosses: an object array
is refused, and no byte the child writes is ever unpickled or evaluated. Every length is
checked against a limit the reader sets *before* it reads, so a child that writes a length of
10^18 costs nothing.
"""

from __future__ import annotations

import io
import json
import os
import struct
from collections.abc import Callable, Mapping

import numpy

HEADER_LIMIT = 1 << 20  # bytes of JSON in one message: names, messages, shapes


class WireError(Exception):
    """A message that is not one: cut short, too long, or not JSON and arrays."""


def encode(header: Mapping[str, object], arrays: Mapping[str, numpy.ndarray] = {}) -> bytes:
    """One message: ``header`` (JSON-ready) and ``arrays`` by name (plain numeric arrays)."""
    names = list(arrays)
    head = json.dumps({**header, "arrays": names}, ensure_ascii=True).encode()
    parts = [struct.pack("<I", len(head)), head]
    for name in names:
        buffer = io.BytesIO()
        numpy.lib.format.write_array(buffer, numpy.asarray(arrays[name]), allow_pickle=False)
        data = buffer.getvalue()
        parts += [struct.pack("<Q", len(data)), data]
    return b"".join(parts)


def write_all(fd: int, data: bytes) -> None:
    """Write every byte to ``fd`` (a pipe takes at most its buffer at a time)."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


Read = Callable[[int], bytes]  # n -> exactly n bytes (WireError if the stream ends first)


def decode(read: Read, array_limit: int) -> tuple[dict, dict[str, numpy.ndarray]]:
    """Read one message with ``read``; every array at most ``array_limit`` bytes.

    Raises:
        WireError: the message is malformed or over a limit.
    """
    (length,) = struct.unpack("<I", read(4))
    if length > HEADER_LIMIT:
        raise WireError(f"a header of {length} bytes (the limit is {HEADER_LIMIT})")
    try:
        header = json.loads(read(length).decode())
    except (UnicodeDecodeError, ValueError) as error:
        raise WireError(f"a header that is not JSON ({error})") from None
    names = header.get("arrays") if isinstance(header, dict) else None
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise WireError("a header without its list of arrays")
    arrays = {}
    for name in names:
        (size,) = struct.unpack("<Q", read(8))
        if size > array_limit:
            raise WireError(f"an array of {size} bytes (the limit is {array_limit})")
        arrays[name] = _array(read(size))
    return header, arrays


def _array(data: bytes) -> numpy.ndarray:
    try:
        array = numpy.lib.format.read_array(io.BytesIO(data), allow_pickle=False)
    except (ValueError, OSError, EOFError) as error:  # object arrays land here too
        raise WireError(f"an array that is not plain numbers ({error})") from None
    if array.dtype.hasobject:
        raise WireError("an object array")
    return array


def reader(fd: int) -> Read:
    """Blocking exact reads from ``fd`` (the child's side: it waits for the parent)."""

    def read(n: int) -> bytes:
        chunks, left = [], n
        while left:
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                raise WireError("the stream ended")
            chunks.append(chunk)
            left -= len(chunk)
        return b"".join(chunks)

    return read
