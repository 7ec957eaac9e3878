"""The ``mirix-py`` command line.

Each ``*_cmds`` module in this package adds its sub-commands through a
``register(subparsers)`` function; :func:`main` discovers them, so a new command
group is one new module. Command modules import heavy code (the store, the
graphs, the embedder) inside their command functions, never at module level,
so building the parser stays fast.

Exit codes (the same for every command):

===  =====================================================================
0    success
1    the request could not be carried out: no such memory, access denied,
     the database, vault or model failed, or a confirmation was declined
2    the command was wrong: a bad argument, value or config (the message
     names the field, the bad value and the fix)
130  interrupted (Ctrl-C)
===  =====================================================================
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
from collections.abc import Sequence

from mirix_py.errors import (
    ConfigError,
    InvalidArgument,
    MemoryTypeDisabled,
    MirixError,
)

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every command group registered."""
    parser = argparse.ArgumentParser(
        prog="mirix-py",
        description="MIRIX-style long-term memory for LLM agents.",
        epilog="exit codes: 0 success, 1 the request failed (not found, storage, vault), "
        "2 a bad argument or config, 130 interrupted",
    )
    parser.add_argument(
        "--traceback", action="store_true", help="show the Python traceback of an error"
    )
    sub = parser.add_subparsers(dest="command", required=True)
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name.endswith("_cmds"):
            module = importlib.import_module(f"{__name__}.{info.name}")
            module.register(sub)
    return parser


def exit_code(exc: MirixError) -> int:
    """The exit code for a library error: 2 for a wrong command or config, else 1."""
    return EXIT_USAGE if isinstance(exc, ConfigError | InvalidArgument | MemoryTypeDisabled) else 1


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``mirix-py`` console script."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        code: int = args.func(args)
    except MirixError as exc:
        if args.traceback:
            raise
        print(f"error: {exc}", file=sys.stderr)
        return exit_code(exc)
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except Exception as exc:
        if args.traceback:
            raise
        print(
            f"error: unexpected {type(exc).__name__}: {exc}\n"
            f"(this is a bug in mirix-py; rerun with --traceback to see where)",
            file=sys.stderr,
        )
        return EXIT_FAILED
    return code


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
