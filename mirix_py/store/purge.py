"""Physically removing forgotten rows from LanceDB tables, in proportion to them.

A LanceDB ``delete`` only marks rows as deleted (a deletion file next to the
data file); the bytes stay in the data file until it is rewritten, and in old
versions until they are cleaned up. Compaction rewrites a fragment only when
enough of it is deleted (10%) or when it is small enough to merge, so one
forgotten row in a large fragment would survive it. A purge therefore:

1. rewrites exactly the fragments that held forgotten rows
   (:func:`rewrite_fragments`: one ``UPDATE`` of the fragment's live rows by
   row address, a single atomic commit that writes them to a new fragment and
   drops the old one, which then holds only deleted rows);
2. rebuilds the table's full-text and scalar indexes
   (:func:`rebuild_text_indexes`). This is the one step whose cost grows with
   the table, not with what is forgotten: LanceDB 0.40 can neither rebuild one
   segment of an index nor drop a token from it, and an index only remapped
   after a rewrite keeps the forgotten words (in its token dictionary) and
   keys. Vector indexes are not rebuilt (their lossy codes carry no text; the
   maintenance step rebuilds them as the table grows);
3. ends on an empty append, so that the one transaction record kept after
   clean-up (the latest) is not a delete whose filter names the user and ids;
4. cleans up old versions (:func:`clean_versions`): at once with a zero
   window for an explicit purge (this breaks readers still on an old version:
   forgetting wins over them), or with the configured retention window when
   the maintenance step purges in the background.

Callers hold the store's write lock for steps 1–3.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable, Iterable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pyarrow as pa
import structlog
from lancedb.index import FTS, Bitmap, BTree, LabelList

log = structlog.get_logger(__name__)

_SCALAR_CONFIGS: dict[str, Callable[[], Any]] = {
    "BTree": BTree,
    "Bitmap": Bitmap,
    "LabelList": LabelList,
}
_DELETION_FILE = re.compile(r"^(\d+)-\d+-\d+\.(?:arrow|bin)$")
_SCAN_LIMIT = 10_000_000


def table_folder(uri: str, name: str) -> Path | None:
    """The folder of table ``name`` in a local database, or None on object storage."""
    if "://" in uri:
        return None
    return Path(uri) / f"{name}.lance"


def fragments_of(table: Any, where: str) -> set[int]:
    """The ids of the fragments holding the rows that match ``where``.

    A row's ``_rowid`` is its address (fragment id in the high 32 bits) on
    tables without stable row ids, which is how this store creates them.
    """
    rows = table.search().where(where).with_row_id(True).select(["id"]).limit(_SCAN_LIMIT)
    return {int(r["_rowid"]) >> 32 for r in rows.to_list()}


def fragments_with_deletions(folder: Path | None) -> set[int]:
    """Fragments that carried deleted rows in any kept version (local tables only)."""
    if folder is None:
        return set()
    deletions = folder / "_deletions"
    if not deletions.is_dir():
        return set()
    found = (_DELETION_FILE.match(p.name) for p in deletions.iterdir())
    return {int(m.group(1)) for m in found if m}


def rewrite_fragments(table: Any, fragment_ids: Iterable[int]) -> int:
    """Rewrite the live rows of these fragments into a new one (one commit).

    Fragments that no longer exist (already rewritten by compaction, which
    also leaves deleted rows behind) match nothing. Returns the rows moved.
    """
    ids = sorted(set(fragment_ids))
    if not ids:
        return 0
    ranges = " OR ".join(f"(_rowid >= {f << 32} AND _rowid < {(f + 1) << 32})" for f in ids)
    result = table.update(where=ranges, values_sql={"id": "id"})
    moved = int(getattr(result, "rows_updated", 0) or 0)
    log.debug("store.fragments_rewritten", table=table.name, fragments=len(ids), rows=moved)
    return moved


def rebuild_text_indexes(table: Any, fts_config: Callable[[], FTS]) -> int:
    """Rebuild every full-text and scalar index of ``table`` from its live rows."""
    rebuilt = 0
    for index in list(table.list_indices()):
        column = index.columns[0]
        if index.index_type == "FTS":
            table.create_index(column, config=fts_config(), replace=True)
        elif index.index_type in _SCALAR_CONFIGS:
            table.create_index(column, config=_SCALAR_CONFIGS[index.index_type](), replace=True)
        else:
            continue
        rebuilt += 1
    return rebuilt


def seal(table: Any) -> None:
    """Commit an empty append so the latest transaction record is not a delete."""
    table.add(pa.Table.from_pylist([], schema=table.schema))


def clean_versions(table: Any, older_than: timedelta) -> None:
    """Compact, fold new rows into indexes and drop versions older than ``older_than``.

    A zero window is for explicit purges and single-process tools
    (``maintenance.retention_seconds: 0``). Unverified files (not yet in any
    version: possibly a write in flight in another process, such as a
    maintainer's compaction) are never deleted; forgotten rows live in files
    of committed versions, which the clean-up removes.
    """
    with warnings.catch_warnings():
        # LanceDB warns that a zero window breaks readers on old versions:
        # an explicit purge deliberately wins over them.
        warnings.simplefilter("ignore", UserWarning)
        table.optimize(cleanup_older_than=older_than, delete_unverified=False)


def purge_now(
    table: Any,
    fragment_ids: Iterable[int],
    *,
    folder: Path | None,
    fts_config: Callable[[], FTS],
) -> int:
    """Steps 1–4 with a zero window: afterwards no file of ``table`` holds forgotten rows."""
    targets = set(fragment_ids) | fragments_with_deletions(folder)
    moved = rewrite_fragments(table, targets)
    rebuild_text_indexes(table, fts_config)
    seal(table)
    clean_versions(table, timedelta(0))
    log.debug("store.purged", table=table.name, fragments=len(targets), rows_moved=moved)
    return moved
