"""Emit proved gradients as NumPy code: a standalone module, or the same module in process.

Text first, execution later: :func:`output_layer_source` returns the module's source (pure);
the command line is the one place that writes it to a file, and :func:`output_layer_module`
compiles that same text in process (registered with ``linecache``, so ``inspect.getsource``
and tracebacks show the generated lines).
"""

from __future__ import annotations

import linecache
import os
import types
from collections.abc import Sequence

from derive.emit import network
from derive.emit.module import Emitted, Options, emit_module
from derive.emit.network_proofs import network_results
from derive.emit.post_results import post_results
from derive.emit.proofs import EmitError, output_layer_results
from derive.emit.results import Result
from derive.emit.template import MARKER, module_source
from derive.emit.toml_results import file_results
from derive.model.sizes import check_size
from derive.sources.posts.file import format_of, load_post
from derive.sources.toml.file import load_file

__all__ = [
    "MARKER",
    "EmitError",
    "Emitted",
    "Options",
    "emit_files",
    "files_module",
    "is_generated",
    "network_module",
    "network_source",
    "output_layer_module",
    "output_layer_source",
]


def output_layer_source(K: int, J: int, normalized_targets: bool = True) -> str:
    """The source of a NumPy module for a softmax cross-entropy output layer.

    The module exposes ``forward``, ``E``, ``dE_dz``, ``dE_dW``, ``dE_db`` and
    ``loss_and_grads`` (see its docstring), printed from derivations the step checker proves
    here; the text depends only on the arguments and the derive version.

    Args:
        K: classes (the output layer's units), an int >= 1.
        J: inputs a^{L-1} (units of layer L-1), an int >= 1.
        normalized_targets: assume sum_d t_d = 1, so dE/dz_k = a_k - t_k; False emits the
            general a_k sum_d t_d - t_k.

    Returns:
        The module's source text.

    Raises:
        ValueError: K or J is not an int >= 1.
        EmitError: a derivation the module relies on is not proved (nothing is emitted).
    """
    K, J = _size("K", K), _size("J", J)
    return module_source(output_layer_results(K, J, normalized_targets=bool(normalized_targets)))


def output_layer_module(K: int, J: int, normalized_targets: bool = True) -> types.ModuleType:
    """The module of :func:`output_layer_source`, compiled in process (no file is written).

    >>> import numpy as np
    >>> layer = output_layer_module(3, 4)
    >>> layer.dE_dz(np.zeros(3), np.array([1.0, 0.0, 0.0])).round(3)
    array([-0.667,  0.333,  0.333])
    """
    source = output_layer_source(K, J, normalized_targets)
    flag = "" if normalized_targets else "_general"
    return _compiled(source, f"derive_emitted_output_layer_K{K}_J{J}{flag}")


def network_source(N: int, I: int, J: int, K: int) -> str:  # noqa: E741 - the post's name
    """The source of a NumPy module for the whole network x (N) -> ReLU (I) -> ReLU (J) ->
    softmax (K) with the cross-entropy loss.

    The module exposes ``forward``, ``E``, ``gradients`` (all six parameter arrays and
    dE/dz^L) and ``loss_and_grads`` (see its docstring), printed from the output layer's
    derivations (checked for every K and J) and the backprop recursion of ``derive prove
    network`` (checked at its sizes); targets are assumed to sum to 1 per example.

    Args:
        N, I, J, K: the input size and the units of layers L-2, L-1 and L, ints >= 1.

    Returns:
        The module's source text.

    Raises:
        ValueError: a size is not an int >= 1.
        EmitError: a derivation the module relies on is not proved (nothing is emitted).
    """
    sizes = tuple(_size(name, value) for name, value in zip("NIJK", (N, I, J, K), strict=True))
    return network.module_source(network_results(*sizes))


def network_module(N: int, I: int, J: int, K: int) -> types.ModuleType:  # noqa: E741
    """The module of :func:`network_source`, compiled in process (no file is written)."""
    source = network_source(N, I, J, K)
    return _compiled(source, f"derive_emitted_network_N{N}_I{I}_J{J}_K{K}")


def emit_files(
    paths: Sequence[str | os.PathLike[str]],
    options: Options | None = None,
    *,
    form: str | None = None,
    timeout: float | None = None,
) -> Emitted:
    """The module ``derive emit FILE... -o MODULE.py`` writes, and what became of each result.

    Args:
        paths: derivation files (.toml), Markdown posts (.md) and TeX papers (.tex).
        options: what to emit (:class:`~derive.emit.module.Options`; default: the last
            expression of every chain, data as the files mark it, batches summed).
        form: read every file as "toml", "md" or "tex" (default: by extension).
        timeout: the checker's time guard per step, in seconds (None: none).

    Returns:
        ``Emitted``: ``text`` (None if nothing could be emitted) and one outcome per result.

    Raises:
        OSError: a file cannot be read. ParseError: a file cannot be loaded.
    """
    options = options or Options()
    results: list[Result] = []
    for path in paths:
        kind = format_of(os.fspath(path), form)
        if kind == "toml":
            loaded = load_file(path)
            results += file_results(loaded, every=options.every, timeout=timeout)
        else:
            post = load_post(path, kind)
            results += post_results(post, every=options.every, timeout=timeout)
    command = "derive emit " + " ".join(os.fspath(p) for p in paths)
    return emit_module(results, options, command)


def files_module(
    paths: Sequence[str | os.PathLike[str]], options: Options | None = None, **kwargs: object
) -> types.ModuleType:
    """The module of :func:`emit_files`, compiled in process (no file is written).

    Raises EmitError if no result could be emitted (naming why, per result).
    """
    emitted = emit_files(paths, options, **kwargs)
    if emitted.text is None:
        reasons = "; ".join(o.message() for o in emitted.outcomes) or "no results"
        raise EmitError(f"nothing to emit: {reasons}")
    names = "_".join(os.path.basename(os.fspath(p)).split(".")[0] for p in paths)
    return _compiled(emitted.text, f"derive_emitted_{names}")


def _compiled(source: str, name: str) -> types.ModuleType:
    filename = f"<derive emit {name}>"
    # lambdify's trick: register the text so inspect and tracebacks can show it
    linecache.cache[filename] = (len(source), None, source.splitlines(keepends=True), filename)
    module = types.ModuleType(name)
    module.__file__ = filename
    exec(compile(source, filename, "exec"), module.__dict__)  # our own generated text only
    return module


def is_generated(text: str) -> bool:
    """True if ``text`` is a module that ``derive emit`` wrote (its first line says so)."""
    return text.startswith(MARKER)


def _size(name: str, value: object) -> int:
    size = check_size(name, value)
    if not isinstance(size, int):
        raise ValueError(f"{name} must be a concrete int to emit code, got {size}")
    return size
