"""Reading files that may come from a pull request: regular files only, and never too much.

A path can name anything: ``/dev/zero`` (endless), ``/dev/full``, a FIFO (opening it blocks until
a writer comes), a tape device (opening it rewinds), or a symlink to one of them, committed in a
pull request. :func:`read_regular` refuses all but regular files, before opening and again on
the open descriptor, and reads no more than the caller's limit needs; :func:`check_regular` is
the same test for callers that write (derive/cli/writing.py).
"""

from __future__ import annotations

import errno
import os
import stat

_KINDS = {
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
    stat.S_IFIFO: "a FIFO",
    stat.S_IFSOCK: "a socket",
}


def read_regular(path: str | os.PathLike[str], most: int) -> bytes:
    """At most ``most + 1`` bytes of a regular file. Anything else is refused before it is
    opened (opening a FIFO blocks, a tape device rewinds) and again after (in case it was
    swapped in between); nothing is read past what the size limit needs to see."""
    check_regular(os.stat(path).st_mode)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    with open(os.open(path, flags), "rb") as handle:
        check_regular(os.fstat(handle.fileno()).st_mode)
        return handle.read(most + 1)


def check_regular(mode: int) -> None:
    """Raise IsADirectoryError for a directory, OSError naming the kind (``not a regular file
    (a FIFO)``) for anything else that is not a regular file; ``mode`` is a stat's st_mode."""
    if stat.S_ISDIR(mode):
        raise IsADirectoryError(errno.EISDIR, "is a directory")
    if not stat.S_ISREG(mode):
        kind = _KINDS.get(stat.S_IFMT(mode), "not a file")
        raise OSError(errno.EINVAL, f"not a regular file ({kind})")


def place(data: bytes, offset: int) -> tuple[int, int]:
    """1-based (line, column) of byte ``offset``, columns in characters as far as they decode."""
    start = data.rfind(b"\n", 0, offset) + 1
    column = len(data[start:offset].decode("utf-8", errors="replace")) + 1
    return data.count(b"\n", 0, offset) + 1, column
