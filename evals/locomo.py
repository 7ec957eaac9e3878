"""``python -m evals.locomo``: long-conversation QA on LOCOMO with baselines in the same run.

See ``docs/evaluation.md`` for the options, metrics and output files.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from evals.runner import build_parser, options_from_args, print_overview, run

_DEV = Path("shared") / "data" / "locomo" / "locomo_dev.json"


def default_data() -> str | None:
    """``shared/data/locomo/locomo_dev.json`` in the nearest ancestor folder (of the
    working directory, then of this package) that has one."""
    here = Path(__file__).resolve().parent
    for start in (Path.cwd().resolve(), here):
        for folder in (start, *start.parents):
            if (folder / _DEV).is_file():
                return str(folder / _DEV)
    return None


def main(argv: Sequence[str] | None = None) -> int:
    """Parse options, run, print the overview."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser("evals.locomo", default_data=default_data(), default_categories="1-4")
    options = options_from_args(parser.parse_args(args_list), args_list, "evals.locomo")
    summary = run(options)
    print_overview(summary, options.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
