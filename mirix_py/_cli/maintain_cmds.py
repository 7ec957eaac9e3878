"""``maintain``: run the maintenance step once (compaction, indexes, clean-up, ANN, purges)."""

from __future__ import annotations

import argparse
from typing import Any

from mirix_py._cli.common import add_common, emit, open_system


def register(sub: Any) -> None:
    """Add the ``maintain`` command."""
    p = sub.add_parser(
        "maintain",
        help="compact tables, update indexes, clean old versions, purge forgotten bytes",
        description="One maintenance run on the configured database. Skipped if another "
        "maintainer (e.g. a running `mirix-py serve`) holds the lease.",
    )
    add_common(p, user=False)
    p.add_argument(
        "--purge-now",
        action="store_true",
        help="purge every pending forget now, not only those that are due",
    )
    p.set_defaults(func=_maintain)


def _maintain(args: argparse.Namespace) -> int:
    with open_system(args) as system:
        receipt = system.maintain(purge_now=args.purge_now)
    if not receipt.ran:
        text = f"skipped: {receipt.reason}"
    else:
        lines = [
            f"{t.table:<16} rows {t.rows:>9}  fragments {t.fragments_before}->{t.fragments_after}"
            f"  unindexed {t.unindexed_rows_before}->{t.unindexed_rows_after}"
            f"  versions {t.versions_before}->{t.versions_after}"
            + (
                f"  ann {'used' if t.ann.accepted else 'not used'} (recall {t.ann.recall})"
                if t.ann
                else ""
            )
            for t in receipt.tables
        ]
        lines.append(
            f"purges: {receipt.purges_rewritten} rewritten, {receipt.purges_completed} done, "
            f"{receipt.purges_pending} pending; {receipt.seconds:.2f} s"
        )
        text = "\n".join(lines)
    emit(args, receipt.model_dump(mode="json"), text)
    return 0
