"""Importing the user's module (in the child process), the way pytest does, and saying in one
line why it failed.

``path/to/layer.py``: the first directory upwards without an ``__init__.py`` is the root; it
goes first on ``sys.path`` and the module is imported by its dotted name from there, as
pytest's default ("prepend") import mode does, so relative imports work. A file whose name is
not a module name (``01_layers.py``, ``my-net.py``) is loaded from its path under its own
name, with its folder first on ``sys.path`` for its sibling imports. ``pkg.layer``: a dotted
name is imported with the current directory first on ``sys.path``, as ``python -m`` would.

Importing runs the module's top level: the user's code and nothing else (no conftest, no
plugins, no ``__main__`` block). Two real failures get a hint: training code at the top level
(it raises reading its data, or never ends), and a compiled extension that is not built; a
module that is not installed gets the way round it too.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import sys
import types
from collections.abc import Callable
from pathlib import Path

from derive.testing import definitions
from derive.testing.describe import describe, own_frame

TOP_LEVEL_HINT = (
    "the module runs code when imported: put its training code under "
    '`if __name__ == "__main__":`, or check its definitions alone with --definitions-only'
)
EXTENSION_HINT = (
    "a compiled extension that is not built here: build it (e.g. `python setup.py build_ext "
    "--inplace`), or check with --definitions-only (a failing import is then skipped)"
)
MISSING_HINT = (
    "a module it imports is not installed here (cs231n's `past`, `matplotlib`): install it, or "
    "check with --definitions-only (a failing import is then skipped)"
)
_EXTENSION_WORDS = ("undefined symbol", "shared object", ".so", "dll load failed", ".pyd")
_EXTENSION_SOURCES = (".pyx", ".pxd", ".c", ".cpp", ".cu")


class UserCodeError(Exception):
    """The module cannot be imported, or has no such function: one line to print."""


def _is_path(module: str) -> bool:
    return module.endswith(".py") or "/" in module or os.sep in module


def _root_and_name(path: Path) -> tuple[Path, str]:
    names = [] if path.name == "__init__.py" else [path.stem]
    root = path.parent
    while (root / "__init__.py").is_file():
        names.insert(0, root.name)
        root = root.parent
    return root, ".".join(names)


def _prepend(directory: Path) -> None:
    entry = str(directory)
    if entry in sys.path:
        sys.path.remove(entry)
    sys.path.insert(0, entry)


def _extension_source(name: str, near: Path | None) -> bool:
    """A source file of a compiled module called ``name`` next to the user's code."""
    if near is None:
        return False
    last = name.rpartition(".")[2]
    folders = [near, *near.parents][:3]
    return any(
        (folder / (last + suffix)).is_file() for folder in folders for suffix in _EXTENSION_SOURCES
    )


def _hint(error: BaseException, path: Path | None) -> str:
    """The hint for a failed import, or ""."""
    if isinstance(error, ModuleNotFoundError) and error.name:
        if _extension_source(error.name, path.parent if path else None) or "cython" in error.name:
            return f"; {EXTENSION_HINT}"
        return f"; {MISSING_HINT}"
    if isinstance(error, ImportError):
        text = str(getattr(error, "msg", "") or "").lower()
        return f"; {EXTENSION_HINT}" if any(w in text for w in _EXTENSION_WORDS) else ""
    frame = own_frame(error)
    if frame is not None and frame.name == "<module>":
        return f"; {TOP_LEVEL_HINT}"
    return ""


def _run_import(
    load: Callable[[], types.ModuleType], shown: str, path: Path | None, name: str
) -> types.ModuleType:
    try:
        return load()
    except SyntaxError as error:
        where = f"{os.path.basename(error.filename or shown)}:{error.lineno}"
        raise UserCodeError(f"cannot import {shown}: {where}: SyntaxError: {error.msg}") from None
    except ModuleNotFoundError as error:
        if error.name and (name == error.name or name.startswith(error.name + ".")):
            raise UserCodeError(f"cannot import {shown}: no module named {error.name!r}") from None
        raise UserCodeError(_raised(shown, error, path)) from None
    except BaseException as error:  # the module's own top level failed (SystemExit too)
        raise UserCodeError(_raised(shown, error, path)) from None


def _raised(shown: str, error: BaseException, path: Path | None) -> str:
    return f"importing {shown} raised {describe(error)}{_hint(error, path)}"


def _by_path(path: Path, shown: str) -> types.ModuleType:
    """Load a file whose name is no module name, under that name, its folder on sys.path."""
    name = path.stem
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise UserCodeError(f"{shown}: cannot be loaded as a Python module")
    module = importlib.util.module_from_spec(spec)
    _prepend(path.parent)

    def load() -> types.ModuleType:
        sys.modules[name] = module
        try:
            spec.loader.exec_module(module)  # type: ignore[union-attr]
        except BaseException:
            sys.modules.pop(name, None)
            raise
        return module

    return _run_import(load, shown, path, name)


def _in_package(root: Path, name: str) -> Callable[[], types.ModuleType]:
    """Import ``name`` from ``root``; if its code imports ``root``'s folder as a package
    (``from cs231n.layers import *``, ``from ..layers import *`` in a folder without an
    ``__init__.py``: a namespace package), once more from the folder above, as
    ``root.name + "." + name``."""

    def load() -> types.ModuleType:
        try:
            return importlib.import_module(name)
        except ImportError as error:
            if not root.name.isidentifier() or not _wants_outer(error, root.name):
                raise
            top = name.split(".")[0]
            for loaded in [m for m in sys.modules if m == top or m.startswith(top + ".")]:
                del sys.modules[loaded]
            _prepend(root.parent)
            return importlib.import_module(f"{root.name}.{name}")

    return load


def _wants_outer(error: ImportError, package: str) -> bool:
    if isinstance(error, ModuleNotFoundError) and error.name:
        return error.name.split(".")[0] == package
    return "beyond top-level package" in str(error)


SKIPPED: list[str] = []  # what --definitions-only left out, for the report


def _definitions(path: Path, shown: str, name: str) -> types.ModuleType:
    def load() -> types.ModuleType:
        loaded, skipped = definitions.load(path, name)
        SKIPPED[:] = skipped
        return loaded

    return _run_import(load, shown, path, name)


def _dotted_path(module: str) -> Path:
    """The file of a dotted module (its packages are imported to find it)."""
    try:
        spec = importlib.util.find_spec(module)
    except BaseException as error:  # a package's __init__ failed
        raise UserCodeError(_raised(module, error, None)) from None
    if spec is None or not spec.origin or not spec.origin.endswith(".py"):
        raise UserCodeError(f"cannot import {module}: no module named {module!r}")
    return Path(spec.origin)


def import_module(module: str, definitions_only: bool = False) -> types.ModuleType:
    """Import MODULE, a file path or a dotted name (see the module docstring); with
    ``definitions_only``, only its definitions (:mod:`derive.testing.definitions`).

    Raises:
        UserCodeError: no such file or module, or importing it raised.
    """
    if not _is_path(module):
        if not all(part.isidentifier() for part in module.split(".")):
            raise UserCodeError(f"{module!r} is neither a .py file nor a dotted module name")
        _prepend(Path.cwd())
        if definitions_only:
            return _definitions(_dotted_path(module), module, module)
        return _run_import(lambda: importlib.import_module(module), module, None, module)
    path = Path(module)
    if path.is_dir() and (path / "__init__.py").is_file():
        path = path / "__init__.py"
    if not path.is_file():
        raise UserCodeError(f"{module}: no such file")
    path = path.resolve()
    root, name = _root_and_name(path)
    if not name or not all(part.isidentifier() for part in name.split(".")):
        if definitions_only:
            _prepend(path.parent)
            return _definitions(path, module, path.stem)
        return _by_path(path, module)
    _prepend(root)
    if definitions_only:
        return _definitions(path, module, name)
    loaded = _run_import(_in_package(root, name), module, path, name)
    found = getattr(loaded, "__file__", None)
    if found is None or not os.path.samefile(found, path):
        raise UserCodeError(
            f"{module}: importing {name!r} found {found or 'a namespace package'} instead "
            "(another module of that name comes first on sys.path)"
        )
    return loaded
