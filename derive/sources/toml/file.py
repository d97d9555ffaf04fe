"""Derivation files (TOML): declared symbols, definitions, assumptions and chains of steps.

The format is described in docs/derivation-files.md. Loading builds ordinary
:class:`~derive.steps.Derivation` objects, whose symbols carry generated names (``s0``, ``s1``,
...): nothing a user wrote reaches a SymPy name, so nothing of it can reach code printed from
these expressions. ``DerivationFile.show`` maps back to the user's names for reports.

Files come from pull requests: loading keeps the limits of derive/sources/limits.py (the size
of the file before it is read, the counts of derivations and steps before any is built), builds
each expression under the checker's time guard, and takes time linear in the file's size.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

from sympy import Basic

from derive.checker.equal import DEFAULT_TIMEOUT
from derive.checker.guard import guarded
from derive.checker.matrix.nodes import LAYOUTS
from derive.sources.limits import DEFAULT_LIMITS, LoadingLimits
from derive.sources.nesting import NestedTooDeep, text_place, toml_too_deep
from derive.sources.reading import place, read_regular
from derive.sources.toml.declarations import Namespace
from derive.sources.toml.parse import ParseError, parse_expr, parse_relations
from derive.sources.toml.spans import Region, Spans
from derive.steps import Derivation, Step

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

TOP_KEYS = ("options", "symbols", "define", "assume", "derivation")
# [options]: key -> the values it takes (the first is the default)
OPTIONS: dict[str, tuple[str, ...]] = {
    "layout": LAYOUTS,  # of a gradient by a matrix: W's shape, or W^T's
    "summation": ("explicit", "einstein"),  # einstein: a repeated index is summed
}
DERIVATION_KEYS = ("name", "title", "tag", "note", "start", "steps", "assume")
STEP_KEYS = ("expr", "why", "assume")


@dataclass(frozen=True, slots=True)
class Where:
    """Where a step is written: its line, its expression as written (whitespace collapsed),
    and the column where the expression starts."""

    line: int
    text: str
    column: int = 1


@dataclass(frozen=True)
class DerivationFile:
    """A loaded derivation file.

    Attributes:
        path: the file name, as given (reports print it).
        derivations: the chains, built from generated symbols.
        where: per derivation, per step, where the step is written.
        namespace: the symbols and their display names.
        labels: each ``[assume]`` relation -> its key there (``targets``), for reports.
        starts: each derivation's start expression as written (``derive latex`` shows it).
    """

    path: str
    derivations: tuple[Derivation, ...]
    where: tuple[tuple[Where, ...], ...]
    namespace: Namespace
    labels: Mapping[Basic, str] = field(default_factory=dict)
    starts: tuple[str, ...] = ()

    def show(self, expr: Basic) -> Basic:
        """``expr`` with the user's names (and definitions abbreviated), for display only."""
        return self.namespace.show(expr)

    def text(self, value: str) -> str:
        """Text printed by the checker, with generated names replaced by the user's."""
        return self.namespace.show_text(value)


def load_file(
    path: str | os.PathLike[str],
    name: str | None = None,
    *,
    limits: LoadingLimits = DEFAULT_LIMITS,
    timeout: float | None = DEFAULT_TIMEOUT,
) -> DerivationFile:
    """Read and load a derivation file; ``name`` is how reports call it (default: ``path``).

    Args:
        path: a regular file (a device, FIFO or socket is refused before it is read).
        name: the file's name in reports and errors.
        limits: what loading may cost (derive/sources/limits.py).
        timeout: the time guard, in seconds, for building each expression (None: none).

    Raises:
        OSError: the file cannot be read, or is not a regular file.
        ParseError: anything wrong in it, or a limit exceeded, with the file, line and column.
    """
    name = os.fspath(path) if name is None else name
    data = read_regular(path, limits.file_bytes)
    if len(data) > limits.file_bytes:
        line, column = place(data, limits.file_bytes)
        message = f"file larger than {limits.file_bytes} bytes (limit: file-bytes)"
        raise ParseError(message, line, column, name)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line, column = place(data, error.start)
        raise ParseError(f"not UTF-8 text ({error.reason})", line, column, name) from None
    return load_text(text, name, limits=limits, timeout=timeout)


def load_text(
    text: str,
    path: str = "<text>",
    *,
    limits: LoadingLimits = DEFAULT_LIMITS,
    timeout: float | None = DEFAULT_TIMEOUT,
) -> DerivationFile:
    """Load derivation-file text; ``path`` names it in errors. Raises ParseError (as
    ``load_file``, whose limits and time guard apply here too)."""
    most = limits.file_bytes
    if len(text) > most or (len(text) * 4 > most and len(text.encode("utf-8")) > most):
        message = f"text longer than {limits.file_bytes} bytes (limit: file-bytes)"
        raise ParseError(message, 1, 1, path)
    text = text.replace("\r\n", "\n").replace("\r", "\n")  # a lone CR ends a line too
    deep = toml_too_deep(text)  # before tomllib, which recurses into nested arrays
    if deep is not None:
        raise ParseError(str(NestedTooDeep()), *text_place(text, deep), path)
    try:
        data = tomllib.loads(text)
    except RecursionError:
        raise ParseError(str(NestedTooDeep()), 1, 1, path) from None
    except tomllib.TOMLDecodeError as error:
        message = str(error)
        found = re.search(r" \(at line (\d+), column (\d+)\)$", message)
        line, column = (int(found.group(1)), int(found.group(2))) if found else (1, 1)
        raise ParseError(
            f"TOML: {message[: found.start()] if found else message}", line, column, path
        ) from None
    return _Loader(text, path, limits, timeout).load(data)


class _Loader:
    def __init__(self, text: str, path: str, limits: LoadingLimits, timeout: float | None) -> None:
        self.spans = Spans(text)
        self.path, self.limits, self.timeout = path, limits, timeout
        self.everywhere: Region = (0, len(text))
        self.derivation_names: set[str] = set()
        self.labels: dict[Basic, str] = {}
        self.starts: list[str] = []
        self.errors: list[ParseError] = []  # every error of the derivations, reported together
        self.namespace = Namespace(self.fail_at_key, self.parse_at)
        # text -> what it parses to in the file's names: a value written many times (x + 1 in
        # 64,000 derivations) is parsed once; only successes are kept
        self.parsed: dict[tuple[str, bool, frozenset], object] = {}
        self.options = {key: values[0] for key, values in OPTIONS.items()}
        self.free: frozenset[Basic] = frozenset()  # indices never summed (einstein)

    def fail_at_key(self, message: str, region: Region, key: str | None = None) -> ParseError:
        line = self.spans.key_line(key, region) if key else self.spans.position(region[0])[0]
        return ParseError(message, line, 1, self.path)

    def parse_at(
        self,
        value: object,
        region: Region,
        key: str,
        *,
        names: Mapping[str, object] | None = None,
        relations: bool = False,
        where: list[Where] | None = None,
        keys: tuple[str, ...] = (),
    ) -> object:
        """Parse the string value of ``key`` found in ``region``; errors point into the file.

        ``where``, if given, receives where the value is written (for a step's line); ``keys``
        are the keys the value may be written under (default: ``key``)."""
        if not isinstance(value, str):
            raise self.fail_at_key(f"{key}: expected a string, got {_kind(value)}", region, key)
        literal = self.spans.find(value, region, keys or (key,))
        if where is not None:
            first = len(value) - len(value.lstrip())
            offset = literal.offset(first) if literal else region[0]
            collapsed = " ".join(value.split())  # the value itself if it is (no second copy)
            line, column = self.spans.position(offset)
            where.append(Where(line, value if collapsed == value else collapsed, column))
        if names is None and (value, relations, self.free) in self.parsed:
            return self.parsed[value, relations, self.free]
        try:
            result = self._parse(value, relations, names)
        except ParseError as error:
            # a shape problem names the matrices: in the file's names, not the generated ones
            error = ParseError(self.namespace.show_text(error.message), error.line, error.column)
            if literal is None:
                raise self.fail_at_key(f"{key}: {error.message}", region, key) from None
            lines = value.split("\n")
            index = sum(len(x) + 1 for x in lines[: error.line - 1]) + error.column - 1
            raise error.at(self.path, *self.spans.position(literal.offset(index))) from None
        if names is None:
            self.parsed[value, relations, self.free] = result
        return result

    def _parse(self, value: str, relations: bool, names: Mapping[str, object] | None) -> object:
        """Parse under the time guard: the limits bound each expression, the guard catches
        what they cannot foresee (SymPy evaluating something slowly)."""
        parse = parse_relations if relations else parse_expr
        scope = self.namespace.names if names is None else names
        options = {"limits": self.limits, "layout": self.options["layout"]}
        if self.options["summation"] == "einstein":
            options["implied"] = (self.namespace.bounds, self.free)
        done, result = guarded(lambda: parse(value, scope, **options), self.timeout)
        if not done:
            message = (
                f"building the expression took longer than the time guard ({self.timeout:g} s)"
            )
            raise ParseError(message + "; raise --timeout, or simplify it")
        return result

    def load(self, data: Mapping[str, object]) -> DerivationFile:
        _check_keys(self, data, TOP_KEYS, self.everywhere, "top level")
        self._options(self._table(data, "options"))
        self.namespace.declare(self._table(data, "symbols"), self.spans.region("symbols"))
        self.namespace.define(self._table(data, "define"), self.spans.region("define"))
        assume = self._assumptions(data)
        tables = data.get("derivation", [])
        if not isinstance(tables, list) or not tables:
            raise self.fail_at_key("no derivations: add a [[derivation]] table", self.everywhere)
        self._count(tables)
        built = []
        for number, table in enumerate(tables):  # an error in one derivation: on to the next
            try:
                built.append(self._derivation(table, number, assume))
            except ParseError as error:
                self.errors.append(error)
        if self.errors:
            first, *more = sorted(self.errors, key=lambda e: (e.line, e.column))
            first.more = tuple(more)
            raise first
        # every derivation shows the file's abbreviations and labels: one read-only mapping
        # each for all, not copies (64,000 copies of a growing table would be quadratic)
        names = MappingProxyType(dict(self.namespace.abbreviations))
        labels = MappingProxyType(dict(self.labels))
        layout = self.options["layout"]
        derivations = tuple(
            Derivation(**fields, names=names, labels=labels, layout=layout) for fields, _ in built
        )
        return DerivationFile(
            self.path,
            derivations,
            tuple(w for _, w in built),
            self.namespace,
            self.labels,
            tuple(self.starts),
        )

    def _options(self, table: Mapping[str, object]) -> None:
        region = self.spans.region("options")
        _check_keys(self, table, tuple(OPTIONS), region, "options")
        for key, value in table.items():
            if value not in OPTIONS[key]:
                known = ", ".join(f'"{v}"' for v in OPTIONS[key])
                raise self.fail_at_key(
                    f"options.{key}: {value!r} is not one of {known}", region, key
                )
            self.options[key] = value

    def _count(self, tables: list[object]) -> None:
        """The derivations and steps limits, checked before any derivation is built."""
        most = self.limits.derivations
        if len(tables) > most:
            region = self.spans.region("derivation", most)
            message = f"more than {most} derivations (limit: derivations {most})"
            raise self.fail_at_key(message, region)
        steps, most = 0, self.limits.steps
        for number, table in enumerate(tables):
            listed = table.get("steps") if isinstance(table, dict) else None
            steps += len(listed) if isinstance(listed, list) else 0
            if steps > most:
                region = self.spans.region("derivation", number)
                message = f"more than {most} steps in the file (limit: steps {most})"
                raise self.fail_at_key(message, region, "steps")

    def _table(self, data: Mapping[str, object], key: str) -> Mapping[str, object]:
        table = data.get(key, {})
        if not isinstance(table, dict):
            raise self.fail_at_key(f"{key} must be a table: [{key}]", self.everywhere, key)
        return table

    def _assumptions(self, data: Mapping[str, object]) -> tuple[Basic, ...]:
        region = self.spans.region("assume")
        relations: list[Basic] = []
        for label, text in self._table(data, "assume").items():
            parsed = self._relations(text, region, f"assume.{label}", label)
            self.labels.update(dict.fromkeys(parsed, label))
            relations += parsed
        return tuple(relations)

    def _relations(self, text: object, region: Region, what: str, key: str) -> list[Basic]:
        result = []
        for relation in self.parse_at(text, region, key, relations=True):
            if relation == False:  # noqa: E712 - sympy.false
                raise self.fail_at_key(f"{what}: the assumption is false", region, key)
            if relation != True:  # noqa: E712 - sympy.true: nothing to assume
                result.append(relation)
        return result

    def _list(self, value: object, region: Region, key: str) -> list[object]:
        if value is None:
            return []
        if not isinstance(value, list):
            raise self.fail_at_key(f"{key} must be a list", region, key)
        return value

    def _derivation(
        self, table: object, number: int, assume: tuple[Basic, ...]
    ) -> tuple[dict[str, object], tuple[Where, ...]]:
        """The fields of one Derivation (built once the file's abbreviations are known)."""
        region = self.spans.region("derivation", number)
        if not isinstance(table, dict):
            raise self.fail_at_key("each derivation must be a table: [[derivation]]", region)
        _check_keys(self, table, DERIVATION_KEYS, region, "derivation")
        name = table.get("name")
        if not isinstance(name, str) or not name.strip():
            raise self.fail_at_key('a derivation needs a name = "..."', region, "name")
        if name in self.derivation_names:  # reports and test ids name derivations
            raise self.fail_at_key(f"derivation name {name!r} is used twice", region, "name")
        self.derivation_names.add(name)
        if "start" not in table:
            raise self.fail_at_key(f"derivation {name!r} needs a start expression", region)
        failed = False  # after an error, the rest is still read, for its errors
        self.free = frozenset()
        try:
            start = self.parse_at(table["start"], region, "start")
        except ParseError as error:
            self.errors.append(error)
            start, failed = None, True
        else:  # under summation = "einstein", the start's free indices are the left side's
            self.free = frozenset(s for s in start.free_symbols if s in self.namespace.bounds)
        self.starts.append(table["start"])
        own: list[Basic] = []
        for text in self._list(table.get("assume"), region, "assume"):
            own += self._relations(text, region, f"derivation {name!r}: assume", "assume")
        shared = _unique(assume, own)
        steps, where = [], []
        previous = start
        for item in self._list(table.get("steps"), region, "steps"):
            try:
                step, place = self._step(item, region, name)
            except ParseError as error:
                self.errors.append(error)
                failed = True
                continue
            if failed:
                continue
            ranges = self.namespace.ranges(previous, step.expr)
            extra = _unique(step.assume, ranges, exclude=shared)
            steps.append(Step(step.expr, step.why, extra))
            where.append(place)
            previous = step.expr
        if failed:
            raise self.errors.pop()  # the derivation is not built; its errors are kept
        if not steps:
            raise self.fail_at_key(f"derivation {name!r} has no steps", region, "steps")
        fields = {
            "name": name,
            "start": start,
            "steps": tuple(steps),
            "title": str(table.get("title", "")),
            "assume": shared,
            "tag": str(table.get("tag", "")),
            "note": str(table.get("note", "")),
        }
        return fields, tuple(where)

    def _step(self, item: object, region: Region, name: str) -> tuple[Step, Where]:
        if isinstance(item, str):
            item = {"expr": item}
        if not isinstance(item, dict) or "expr" not in item:
            message = f'derivation {name!r}: a step is "expr" or {{ expr = "...", why = "..." }}'
            raise self.fail_at_key(message, region, "steps")
        _check_keys(self, item, STEP_KEYS, region, "step")
        where: list[Where] = []
        expr = self.parse_at(item["expr"], region, "expr", where=where, keys=("expr", "steps"))
        assume: list[Basic] = []
        for relation in self._list(item.get("assume"), region, "assume"):
            assume += self._relations(relation, region, f"derivation {name!r}: assume", "assume")
        return Step(expr, str(item.get("why", "")), tuple(assume)), where[0]


def _unique(*groups: Sequence[Basic], exclude: Sequence[Basic] = ()) -> tuple[Basic, ...]:
    """The relations of ``groups`` in order, each once and none of ``exclude``: the checker
    is handed every assumption once (a repeated equality cannot be met twice when sampling)."""
    seen = set(exclude)
    result = []
    for relation in (r for group in groups for r in group):
        if relation not in seen:
            seen.add(relation)
            result.append(relation)
    return tuple(result)


def _kind(value: object) -> str:
    return {
        bool: "a boolean",
        int: "a number",
        float: "a number",
        list: "a list",
        dict: "a table",
    }.get(type(value), type(value).__name__)


def _check_keys(
    loader: _Loader, table: Mapping[str, object], known: tuple[str, ...], region: Region, what: str
) -> None:
    for key in table:
        if key not in known:
            raise loader.fail_at_key(
                f"unknown key {key!r} in {what} (known: {', '.join(known)})", region, key
            )
