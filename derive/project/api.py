"""``derive.check_file``: check one file from Python, as ``derive check`` does."""

from __future__ import annotations

import time
from collections.abc import Mapping

from derive.checker.equal import DEFAULT_TIMEOUT
from derive.checker.limits import Limits
from derive.project.options import Options
from derive.project.report import FileReport
from derive.project.run import NO_CLAIMS, NO_DERIVATIONS, NO_MATH, NotDerivations, check, read
from derive.sources.limits import DEFAULT_LIMITS, LoadingLimits, parse_any_limit, split_limits
from derive.sources.posts.file import NoDisplayMath, PostFile


def _limits(
    limits: Limits | LoadingLimits | Mapping[str, int] | None,
) -> tuple[LoadingLimits, Limits]:
    if limits is None:
        return DEFAULT_LIMITS, Limits()
    if isinstance(limits, Limits):
        return DEFAULT_LIMITS, limits
    if isinstance(limits, LoadingLimits):
        return limits, Limits()
    return split_limits(parse_any_limit(f"{name}={value}") for name, value in limits.items())


def check_file(
    path: str,
    *,
    format: str | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    limits: Limits | LoadingLimits | Mapping[str, int] | None = None,
) -> FileReport:
    """Check a derivation file (``.toml``), a Markdown post or a TeX paper, as ``derive check``
    does, and return its report.

    Args:
        path: the file; its format comes from its extension (``.md``, ``.markdown``,
            ``.tex``, else TOML) unless ``format`` ("toml", "md", "tex") is given.
        timeout: the time guard per step, in seconds (it only stops a hang).
        limits: the deterministic limits: a ``Limits`` (the work per step), a
            ``LoadingLimits``, or both kinds by name (``{"rewrites": 800, "file-bytes": 2**20}``).

    Returns:
        A :class:`FileReport`: ``report.proved`` is True iff every step is proved;
        ``report.results`` has one result per step; a post without display math gives a
        report with no steps and the reason in ``report.nothing`` (and ``proved`` False).
        Jupyter shows it as a table.

    Raises:
        OSError: the file cannot be read.
        ParseError: a mistake in the file, at its line and column; ``error.errors`` lists
            every mistake found.
        ValueError: an unknown limit or a value out of its range.

    >>> report = check_file("examples/sigmoid_bce.toml")  # doctest: +SKIP
    >>> report.proved  # doctest: +SKIP
    True
    """
    start = time.monotonic()
    loading, checking = _limits(limits)
    options = Options(format=format, timeout=timeout, limits=checking, loading=loading)
    try:
        loaded = read(path, options)
    except (NoDisplayMath, NotDerivations) as nothing:
        why = NO_MATH if isinstance(nothing, NoDisplayMath) else NO_DERIVATIONS
        return FileReport((path,), (), {path: why}, seconds=time.monotonic() - start)
    results = tuple(check(loaded, options))
    nothing = {path: NO_CLAIMS} if isinstance(loaded, PostFile) and not loaded.items else {}
    defaults = {path: tuple(loaded.defaults)} if isinstance(loaded, PostFile) else {}
    return FileReport((path,), results, nothing, defaults, time.monotonic() - start)
