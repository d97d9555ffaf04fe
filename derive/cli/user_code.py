"""Importing the user's module for ``derive check-code``, the way pytest does (its default
"prepend" import mode), so that a file that works under pytest works here.

``path/to/layer.py``: the first directory upwards without an ``__init__.py`` is the root; it
goes first on ``sys.path`` and the module is imported by its dotted name from there
(``pkg/sub/layer.py`` inside packages is ``pkg.sub.layer``). ``pkg.layer``: a dotted name is
imported with the current directory first on ``sys.path``, as ``python -m`` would.

Importing runs the module's top level (the user's own code, and nothing else: no conftest, no
plugins, no ``__main__`` block). Everything that can go wrong is a :class:`UserCodeError` with
one line to print.
"""

from __future__ import annotations

import importlib
import os
import sys
import types
from collections.abc import Callable
from pathlib import Path

from derive.testing.calling import describe


class UserCodeError(Exception):
    """The module cannot be imported, or has no such function."""


def _is_path(module: str) -> bool:
    return module.endswith(".py") or "/" in module or os.sep in module


def _root_and_name(path: Path) -> tuple[Path, str]:
    names = [] if path.name == "__init__.py" else [path.stem]
    root = path.parent
    while (root / "__init__.py").is_file():
        names.insert(0, root.name)
        root = root.parent
    return root, ".".join(names)


def _import(name: str, shown: str) -> types.ModuleType:
    try:
        return importlib.import_module(name)
    except SyntaxError as error:
        where = f"{os.path.basename(error.filename or shown)}:{error.lineno}"
        raise UserCodeError(f"cannot import {shown}: {where}: SyntaxError: {error.msg}") from None
    except ModuleNotFoundError as error:
        if error.name and (name == error.name or name.startswith(error.name + ".")):
            raise UserCodeError(f"cannot import {shown}: no module named {error.name!r}") from None
        raise UserCodeError(f"importing {shown} raised {describe(error)}") from None
    except KeyboardInterrupt:
        raise
    except BaseException as error:  # the module's own top level failed (SystemExit too)
        raise UserCodeError(f"importing {shown} raised {describe(error)}") from None


def _prepend(directory: Path) -> None:
    entry = str(directory)
    if entry in sys.path:
        sys.path.remove(entry)
    sys.path.insert(0, entry)


def import_module(module: str) -> types.ModuleType:
    """Import MODULE, a file path or a dotted name (see the module docstring).

    Raises:
        UserCodeError: no such file or module, or importing it raised.
    """
    if not _is_path(module):
        if not all(part.isidentifier() for part in module.split(".")):
            raise UserCodeError(f"{module!r} is neither a .py file nor a dotted module name")
        _prepend(Path.cwd())
        return _import(module, module)
    path = Path(module)
    if path.is_dir() and (path / "__init__.py").is_file():
        path = path / "__init__.py"
    if not path.is_file():
        raise UserCodeError(f"{module}: no such file")
    path = path.resolve()
    root, name = _root_and_name(path)
    if not name or not all(part.isidentifier() for part in name.split(".")):
        raise UserCodeError(f"{module}: {name or path.stem!r} is not an importable module name")
    _prepend(root)
    loaded = _import(name, module)
    found = getattr(loaded, "__file__", None)
    if found is None or not os.path.samefile(found, path):
        raise UserCodeError(
            f"{module}: importing {name!r} found {found or 'a namespace package'} instead "
            "(another module of that name comes first on sys.path)"
        )
    return loaded


def find_function(module: types.ModuleType, shown: str, name: str) -> Callable:
    """``module.name`` (dotted for a class's attribute: ``Layer.backward``), callable."""
    target: object = module
    for part in name.split("."):
        if not part.isidentifier() or not hasattr(target, part):
            known = sorted(
                key
                for key, value in vars(module).items()
                if callable(value)
                and not key.startswith("_")
                and getattr(value, "__module__", None) == module.__name__
            )
            listed = f" (it defines: {', '.join(known)})" if known else ""
            raise UserCodeError(f"{shown} has no {name!r}{listed}")
        target = getattr(target, part)
    if not callable(target):
        raise UserCodeError(f"{shown}:{name} is a {type(target).__name__}, not a function")
    return target


def load(spec: str) -> Callable:
    """MODULE:FUNCTION -> the function (the last ':' separates them).

    Raises:
        UserCodeError: a malformed spec, or as import_module and find_function.
    """
    module, colon, name = spec.rpartition(":")
    if not colon or not module or not name:
        raise UserCodeError(f"{spec!r}: expected MODULE:FUNCTION, e.g. layer.py:grad_W")
    return find_function(import_module(module), module, name)
