"""``derive cache clear|dir [--cache-dir DIR]``: the verdict cache (``derive.checker.cache``).

``clear`` removes the cache directory (only one that derive made: it holds derive's
``CACHEDIR.TAG``), ``dir`` prints where it is. The directory is ``--cache-dir``, else the
``cache-dir`` of ``[tool.derive]``, else ``$DERIVE_CACHE_DIR``, else ``.derive_cache``.
"""

from __future__ import annotations

import argparse
import sys

from derive.checker.store import clear, directory_of
from derive.cli.exits import EXIT_OK, EXIT_USAGE
from derive.project.config import ConfigError, load_config


def add_parser(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "cache",
        help="show where the verdict cache is, or clear it",
        description="The verdict cache of derive check: clear it, or print where it is.",
    )
    parser.add_argument("action", choices=("clear", "dir"), help="clear: remove it; dir: print it")
    parser.add_argument("--cache-dir", metavar="DIR", help="the cache directory")
    parser.add_argument("--config", metavar="FILE", help="read cache-dir from FILE")
    parser.add_argument("--no-config", action="store_true", help="ignore [tool.derive]")
    parser.set_defaults(run=run)


def directory(args: argparse.Namespace) -> str:
    """The cache directory for ``args`` (ConfigError for a bad [tool.derive])."""
    if args.cache_dir:
        return str(directory_of(args.cache_dir))
    config = None if args.no_config else load_config(args.config)
    return str(directory_of(config.cache_dir if config else None))


def run(args: argparse.Namespace) -> int:
    try:
        path = directory(args)
    except ConfigError as error:
        print(f"derive: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    if args.action == "dir":
        print(path)
        return EXIT_OK
    try:
        removed = clear(path)
    except (ValueError, OSError) as error:
        print(f"derive: error: cannot clear {path}: {error}", file=sys.stderr)
        return EXIT_USAGE
    print(f"{path}: {'cleared' if removed else 'no cache there'}")
    return EXIT_OK
