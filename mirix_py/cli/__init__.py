"""The ``mirix-py`` command line.

Each ``*_cmds`` module in this package adds its sub-commands through a
``register(subparsers)`` function; :func:`main` discovers them, so a new command
group is one new module.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
from collections.abc import Sequence

from mirix_py.errors import MirixError


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every command group registered."""
    parser = argparse.ArgumentParser(
        prog="mirix-py", description="MIRIX-style long-term memory for LLM agents."
    )
    sub = parser.add_subparsers(dest="command", required=True)
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name.endswith("_cmds"):
            module = importlib.import_module(f"{__name__}.{info.name}")
            module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``mirix-py`` console script."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        code: int = args.func(args)
    except MirixError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    return code


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
