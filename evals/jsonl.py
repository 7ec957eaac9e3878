"""``python -m evals.jsonl``: the harness on generic JSONL data (see :mod:`evals.datasets`).

Without ``--data`` it runs on the project's hand-written assistant-memory set,
``evals/data/assistant_memory.jsonl`` (see ``evals/data/README.md``). Results are
reported per question type (the questions' ``category``) and pooled.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from evals.runner import build_parser, options_from_args, print_overview, run

ASSISTANT_MEMORY = Path(__file__).resolve().parent / "data" / "assistant_memory.jsonl"


def main(argv: Sequence[str] | None = None) -> int:
    """Parse options, run, print the overview."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    default = str(ASSISTANT_MEMORY) if ASSISTANT_MEMORY.is_file() else None
    parser = build_parser("evals.jsonl", default_data=default, default_categories="")
    if "--format" not in args_list:
        args_list = [*args_list, "--format", "jsonl"]
    options = options_from_args(parser.parse_args(args_list), args_list, "evals.jsonl")
    summary = run(options)
    print_overview(summary, options.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
