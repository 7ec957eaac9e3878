"""Helpers shared by the CLI command modules."""

from __future__ import annotations

import argparse
import json
from typing import Any

from mirix_py.config import load_config
from mirix_py.logging import configure_logging
from mirix_py.system import MemorySystem


def add_common(parser: argparse.ArgumentParser, *, user: bool = True) -> None:
    """``--config`` (name or path) and, by default, a required ``--user``."""
    parser.add_argument(
        "--config", default=None, help="config name (default, minimal, ...) or YAML path"
    )
    if user:
        parser.add_argument("--user", required=True, help="the user id whose memory to use")
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")


def open_system(args: argparse.Namespace) -> MemorySystem:
    """Load the config, configure logging (entry point) and build the system."""
    config = load_config(args.config)
    configure_logging(config.logging)
    return MemorySystem(config)


def emit(args: argparse.Namespace, data: Any, text: str) -> None:
    """Print ``data`` as JSON with ``--json``, else ``text``."""
    if getattr(args, "json", False):
        print(json.dumps(data, ensure_ascii=False, indent=2, default=str))
    else:
        print(text)
