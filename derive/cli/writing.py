"""Reading and writing generated files: the one place the CLI touches them.

Writes are atomic (a temporary file in the same directory, then a rename), so a reader never
sees half a file and a failed write leaves the old file as it was.
"""

from __future__ import annotations

import os
import tempfile


def read_existing(path: str) -> bytes | None:
    """The file's bytes, or None if there is no file."""
    try:
        with open(path, "rb") as existing:
            return existing.read()
    except FileNotFoundError:
        return None


def write_atomically(path: str, data: bytes) -> None:
    """Write ``data`` to ``path`` via a temporary file and a rename: never half a module.

    The file keeps the mode of the file it replaces, or gets the default mode for new files.
    """
    directory = os.path.dirname(os.path.abspath(path))
    try:
        mode = os.stat(path).st_mode & 0o7777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    handle, temporary = tempfile.mkstemp(prefix=".derive-emit-", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise
