"""``mirix-py eval locomo|longmemeval|jsonl [options]``: the evaluation harness (see ``evals/``)."""

from __future__ import annotations

import argparse
import importlib
from typing import Any

from mirix_py.errors import ConfigError


def register(sub: Any) -> None:
    """Add the ``eval`` command."""
    p = sub.add_parser(
        "eval",
        help="run the long-conversation QA harness",
        description="Options after the benchmark name go to python -m evals.<benchmark>.",
    )
    p.add_argument("benchmark", choices=["locomo", "longmemeval", "jsonl"])
    p.add_argument("options", nargs=argparse.REMAINDER, help="harness options (see --help)")
    p.set_defaults(func=_eval)


def _eval(args: argparse.Namespace) -> int:
    try:
        module = importlib.import_module(f"evals.{args.benchmark}")
    except ModuleNotFoundError as exc:
        if exc.name not in ("evals", f"evals.{args.benchmark}"):
            raise
        raise ConfigError(
            "the evaluation harness (evals/) is not installed with the wheel; run this "
            "command from a source checkout (git clone or sdist) with `pip install -e .`"
        ) from None
    code: int = module.main(args.options)
    return code
