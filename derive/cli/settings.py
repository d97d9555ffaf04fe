"""The settings of one ``derive check`` run: command-line flags over ``[tool.derive]`` over
derive's defaults (docs/ci.md, "Configuration").

Each setting is taken from the first of: the flag, if given; the key of ``[tool.derive]``, if
set; the default. Limits merge by name, the flags' last (so a flag's ``rewrites`` replaces the
file's and keeps its other limits). Paths named on the command line replace the file's
``paths``; ``--exclude`` replaces its ``exclude``.
"""

from __future__ import annotations

import argparse
import contextlib
import os
from collections.abc import Iterator
from dataclasses import dataclass

from derive.checker.guard import GUARD_SECONDS as DEFAULT_TIMEOUT
from derive.checker.store import directory_of, disabled_by_environment
from derive.project.config import Config, ConfigError, load_config
from derive.project.options import Options
from derive.sources.limits import split_limits


@dataclass(frozen=True)
class Settings:
    """Everything a run of ``derive check`` uses, resolved."""

    paths: tuple[str, ...]
    options: Options
    exclude: tuple[str, ...] = ()
    exclude_base: str = "."
    force_exclude: bool = False
    output_format: str = "text"
    junit_xml: str | None = None
    strict: bool = False
    verbose: int = 0
    quiet: int = 0
    cache: bool = True
    cache_dir: str | None = None
    config: str = ""

    @contextlib.contextmanager
    def cache_in_force(self) -> Iterator[None]:
        """The verdict cache in force for the checks of the run (none with ``--no-cache``)."""
        from derive.checker.cache import VerdictCache, using

        with using(VerdictCache(directory_of(self.cache_dir)) if self.cache else None):
            yield


def _first(*values: object) -> object:
    return next((v for v in values if v is not None), None)


def _config(args: argparse.Namespace) -> Config:
    if getattr(args, "no_config", False):
        return Config()
    return load_config(getattr(args, "config", None))


def _cache_on(args: argparse.Namespace, config: Config) -> bool:
    """``--no-cache``, else ``cache`` of [tool.derive], else on unless ``DERIVE_NO_CACHE``
    is set and no cache directory is named (tests run so, each naming its own)."""
    if getattr(args, "cache", None) is False:
        return False
    if config.cache is not None:
        return config.cache
    named = getattr(args, "cache_dir", None) or config.cache_dir
    return bool(named) or not disabled_by_environment()


def settings_of(args: argparse.Namespace) -> tuple[Settings | None, str | None]:
    """The settings for ``args`` (a parsed ``derive check``), or a one-line problem."""
    try:
        config = _config(args)
    except ConfigError as error:
        return None, str(error)
    paths = tuple(args.files) or config.paths
    if not paths:
        where = f" (and {config.source} has no paths)" if config.source else ""
        return None, f"no PATH given{where}: name files or directories to check"
    try:
        loading, limits = split_limits([*config.limits, *args.limit])
    except ValueError as error:
        return None, str(error)
    timeout = _first(args.timeout, config.timeout, DEFAULT_TIMEOUT)
    options = Options(_first(args.format, config.format), timeout, limits, loading)
    exclude, base = (tuple(args.exclude), os.getcwd()) if args.exclude else (config.exclude, "")
    settings = Settings(
        paths=paths,
        options=options,
        exclude=exclude,
        exclude_base=base or config.base,
        force_exclude=bool(_first(args.force_exclude, config.force_exclude, False)),
        output_format=_first(args.output_format, config.output_format, "text"),
        junit_xml=_first(args.junit_xml, config.junit_xml),
        strict=bool(_first(args.strict, config.strict, False)),
        verbose=args.verbose,
        quiet=args.quiet,
        cache=_cache_on(args, config),
        cache_dir=_first(getattr(args, "cache_dir", None), config.cache_dir),
        config=config.source,
    )
    return settings, None
