"""The result a function is checked against: ``--against FILE[:DERIVATION] --result NAME``.

The file is read and checked exactly as ``derive emit`` reads and checks it (a derivation
file, a Markdown post or a TeX paper), and the result is chosen by the same names: a
derivation's name as written (``dL/dw_j``), its function's name (``dL_dw_j``), a post's chain
label (``eq. (3)``), or, for a defined quantity (``E``, ``L``), the definition's name. The
result is then printed as ``derive emit`` would print it, which settles its arguments, their
shapes and batch axes, and what a batch of it is (summed, averaged, per example): the user's
function is compared with that function's meaning, evaluated at 40 digits from the proved
expression (:mod:`derive.testing.against.reference`), never with the emitted float code.

A result whose chain has a step that is not proved is refused with :class:`EmitError` naming
the step (derive cannot say what is right); a name that names nothing, or several things, is a
``ValueError`` listing what the file has.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass

from derive.emit.function import Printed
from derive.emit.module import Options, emit_module
from derive.emit.naming import Names
from derive.emit.post_results import post_results
from derive.emit.proofs import EmitError
from derive.emit.results import Result
from derive.emit.toml_results import file_results
from derive.sources.oneline import one_line
from derive.sources.posts.file import format_of, load_post
from derive.sources.toml.file import load_file
from derive.sources.toml.parse import ParseError


@dataclass(frozen=True)
class Chosen:
    """A result of the user's derivation, ready to be compared with.

    Attributes:
        result: the result (its proved expression, index ranges, assumptions used).
        printed: the function ``derive emit`` prints for it: its arguments in order, their
            batch axes, the result's axes, whether a batch of it is reduced.
        function: that function's name (the quantity's name in the report).
        batch: "sum", "mean" or "none".
    """

    result: Result
    printed: Printed
    function: str
    batch: str

    @property
    def title(self) -> str:
        return self.result.name


def split_against(text: str) -> tuple[str, str | None]:
    """``FILE[:DERIVATION]`` -> (file, derivation or None). A path that exists as written is
    the file (a colon in a file name stays); otherwise the part after the last colon is the
    derivation."""
    if os.path.exists(text) or ":" not in text:
        return text, None
    path, _, derivation = text.rpartition(":")
    return path, derivation.strip() or None


def read_results(path: str, timeout: float | None = None) -> list[Result]:
    """Every result of the file, definitions included, checked as ``derive emit`` checks them.

    Raises:
        ValueError: the file cannot be read or loaded (one line naming the problem).
    """
    kind = format_of(path)
    try:
        if kind == "toml":
            return file_results(load_file(path), every=True, timeout=timeout)
        return post_results(load_post(path, kind), every=True, timeout=timeout)
    except ParseError as error:
        where = f"{error.path or path}:{error.line}:{error.column}"
        raise ValueError(one_line(f"{where}: {error.message}")) from None
    except OSError as error:
        raise ValueError(one_line(f"cannot read {path}: {error.strerror or error}")) from None


def _names_of(result: Result) -> set[str]:
    names = {result.name, Names().take(result.name)}
    if result.title:
        names |= {result.title, Names().take(result.title)}
    return names


def _matching(results: Sequence[Result], wanted: str) -> list[Result]:
    exact = [r for r in results if wanted in _names_of(r)]
    if exact:
        return exact
    folded = wanted.replace(" ", "")
    return [r for r in results if folded in {n.replace(" ", "") for n in _names_of(r)}]


def _listing(results: Sequence[Result]) -> str:
    names = []
    for r in results:
        shown = f"'{r.name}'" + (f" ({r.kind})" if r.kind != "derivation" else "")
        if shown not in names:
            names.append(shown)
    return ", ".join(names[:20]) + (", ..." if len(names) > 20 else "") or "nothing"


def select(
    results: Sequence[Result], path: str, derivation: str | None, names: Sequence[str]
) -> list[Result]:
    """The results named: by ``derivation`` (``FILE:DERIVATION``), by each of ``names``
    (``--result``), or both (then every name must be that derivation's); with neither, the
    file's only derivation.

    Raises:
        ValueError: a name that names nothing, or several results, or no name where the file
            has several derivations.
    """
    pool = list(results)
    if derivation is not None:
        pool = _matching([r for r in results if r.kind == "derivation"], derivation)
        if not pool:
            pool = _matching(results, derivation)
        if not pool:
            raise ValueError(
                f"{path} has no derivation {derivation!r} (it has: {_listing(results)})"
            )
    if not names:
        chains = [r for r in pool if r.kind == "derivation"] or pool
        if len(chains) != 1:
            raise ValueError(
                f"{path} has {len(chains)} results: say which with --result NAME (or "
                f"FILE:DERIVATION): {_listing(chains)}"
            )
        return chains
    chosen = []
    for name in names:
        found = _matching(pool, name)
        derivations = [r for r in found if r.kind == "derivation"]
        found = derivations or found
        if not found:
            where = f"derivation {derivation!r} of {path}" if derivation else path
            raise ValueError(
                f"--result {name}: no such result in {where} (it has: {_listing(pool)})"
            )
        if len(found) > 1:
            lines = ", ".join(f"line {r.line}" for r in found if r.line)
            raise ValueError(
                f"--result {name}: {len(found)} results have this name ({lines}); name the "
                "derivation with FILE:DERIVATION"
            )
        chosen.append(found[0])
    return chosen


def chosen(result: Result, data: Sequence[str] | None, batch: str) -> Chosen:
    """The result printed as ``derive emit`` would print it.

    Raises:
        EmitError: a step of its chain is not proved, or it cannot be computed (the reason
            ``derive emit`` gives).
    """
    options = Options(data=tuple(data) if data is not None else None, batch=batch)
    emitted = emit_module([result], options, "derive check-code --against")
    (outcome,) = emitted.outcomes
    if outcome.function is None or outcome.printed is None:
        raise EmitError(one_line(f"{result.name}: cannot be checked against: {outcome.reason}"))
    return Chosen(outcome.result, outcome.printed, outcome.function, batch)


def unknown_data(results: Sequence[Result], data: Sequence[str] | None) -> list[str]:
    """``--data`` names that are no symbol of the file."""
    known = {n for r in results for n in r.names.values()}
    known |= {Names().take(n) for n in known}
    return [n for n in data or () if n not in known]
