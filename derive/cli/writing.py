"""Reading and writing generated files: the one place the CLI touches them.

An output path may name anything, and CI runs as root: ``/dev/null`` replaced by a regular file
breaks the machine, ``/dev/zero`` read whole never ends, a FIFO blocks the reader forever. So
only a regular file, or a path where nothing exists yet, is written; anything else is refused
(:func:`output_problem`) before any work, ``--force`` or not. An existing file is read only as
far as a comparison needs (:func:`read_existing`). Writes are atomic (a temporary file in the
same directory, then a rename), so a reader never sees half a file and a failed write leaves the
old file as it was. The new file always gets the mode a new file gets under the umask
(``0o666 & ~umask``): never the mode of what it replaces, which may be a symlink's target or a
setuid file (copied, ``out.tex -> /usr/bin/x`` of mode 4755 would leave a setuid file behind,
as root in CI).
"""

from __future__ import annotations

import contextlib
import os
import tempfile

from derive.sources.oneline import one_line
from derive.sources.reading import check_regular, read_regular


def output_problem(path: str, option: str = "-o", create: bool = False) -> str | None:
    """Why ``path`` cannot be written (``"-o PATH: is a directory"``), or None if it can:
    it must be a regular file or not exist, in a directory that exists (``create``: or that
    :func:`prepare_output` can create, as pytest's ``--junitxml`` creates its directory)."""
    shown = f"{option} {one_line(path)}"
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        mode = None
    except OSError as error:
        return f"{shown}: {error.strerror}"
    try:
        if mode is not None:
            check_regular(mode)
    except IsADirectoryError:
        return f"{shown}: is a directory"
    except OSError as error:
        return f"{shown}: {error.strerror}; derive writes only regular files"
    directory = os.path.dirname(os.path.abspath(path))
    if create:
        while not os.path.lexists(directory):  # the nearest part that exists must be a folder
            directory = os.path.dirname(directory)
        if not os.path.isdir(directory):
            return f"{shown}: {one_line(directory)} is not a directory"
        return None
    if not os.path.isdir(directory):
        return f"{shown}: no such directory"
    return None


def prepare_output(path: str) -> None:
    """Create the directories ``path`` is to be written in (reports: ``reports/d.xml``).
    Raises OSError."""
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)


def read_existing(path: str, most: int) -> bytes | None:
    """At most ``most`` bytes of the regular file at ``path``, or None if there is no file.

    Raises OSError if ``path`` is not a regular file. Comparing with ``data`` needs
    ``len(data) + 1`` bytes: a longer file differs, however long it is.
    """
    try:
        return read_regular(path, most - 1)
    except FileNotFoundError:
        return None


def _new_file_mode() -> int:
    umask = os.umask(0o022)  # the only way to read the umask; put back at once
    os.umask(umask)
    return 0o666 & ~umask


def write_atomically(path: str, data: bytes) -> None:
    """Write ``data`` to ``path`` via a temporary file and a rename: never half a file.

    The file gets the mode a new file gets under the umask (not the 0600 of the temporary
    file, nor the mode of the file it replaces: see the module docstring). Raises OSError, also
    if ``path`` is no longer a regular file (the caller checked it with :func:`output_problem`
    earlier).
    """
    directory = os.path.dirname(os.path.abspath(path))
    with contextlib.suppress(FileNotFoundError):
        check_regular(os.stat(path).st_mode)
    mode = _new_file_mode()
    handle, temporary = tempfile.mkstemp(prefix=".derive-", suffix=".tmp", dir=directory)
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
