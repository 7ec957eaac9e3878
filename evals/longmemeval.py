"""``python -m evals.longmemeval``: the same harness on LongMemEval-format data.

Each item is its own user: its sessions are ingested in date order and its
question is asked at its ``question_date``. Results are reported per
``question_type`` and pooled; ``_abs`` questions score on abstaining.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from evals.runner import build_parser, options_from_args, print_overview, run


def main(argv: Sequence[str] | None = None) -> int:
    """Parse options, run, print the overview."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser("evals.longmemeval", default_data=None, default_categories="")
    if "--format" not in args_list:
        args_list = [*args_list, "--format", "longmemeval"]
    options = options_from_args(parser.parse_args(args_list), args_list, "evals.longmemeval")
    summary = run(options)
    print_overview(summary, options.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
