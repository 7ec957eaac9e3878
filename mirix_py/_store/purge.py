"""Physically removing forgotten rows from LanceDB tables, in proportion to them.

A LanceDB ``delete`` only marks rows as deleted (a deletion file next to the
data file); the bytes stay in the data file until it is rewritten, in the
index files that hold the rows' words and keys until those are rebuilt, and in
old versions until they are cleaned up. A purge therefore:

1. rewrites exactly the fragments that held forgotten rows, at once
   (:func:`purge_now`) and in the maintenance step alike: a Lance compaction
   restricted to those fragments (:func:`compact_fragments`), one atomic commit
   that also remaps the indexes, so the vector indexes keep covering the moved
   rows and no fragment's vectors are encoded again. (An ``UPDATE`` rewrite
   left the moved rows outside the vector index: folding them back in cost
   ~0.7 s per 10k rows at the next maintenance, against ~0.08 s for the remap
   of a 100k-row IVF_PQ index, measured here.) Fragments are kept at about
   :data:`~mirix_py._store.segments.FRAGMENT_ROWS` rows (one to two times) by
   maintenance, and the compaction writes a larger one back in pieces of that size;
2. rebuilds only the index segments over those fragments whose remap keeps
   values of deleted rows (:func:`~mirix_py._store.segments.refresh_indexes`):
   a bitmap keeps a key whose rows are all gone; remapped BTree and full-text
   segments hold only the surviving rows' keys and words and are kept, as are
   segments of other fragments. Vector indexes are not rebuilt (their lossy
   codes carry no text). The bitmap segments to rebuild are removed before
   step 1 (:func:`~mirix_py._store.segments.detach_rebuilt_segments`), so the
   compaction does not remap them first;
3. ends on an empty append, so that the one transaction record kept after
   clean-up (the latest) is not a delete whose filter names the user and ids;
4. cleans up old versions: at once with a zero window for an explicit purge
   (this breaks readers still on an old version: forgetting wins over them),
   or with the configured retention window when the maintenance step purges
   in the background.

Nothing here reads or rewrites rows or index segments of other fragments, so a
purge costs the same with 10 users or 1,000 in the database, except the remap of
the vector index in step 1 (it rewrites the whole index). A table has that index
only while an owner holds enough rows for search to use it
(:mod:`mirix_py._store.ann`): 1,000 users of 100 memories each have none. Lance's
``defer_index_remap`` was measured against it and is not used (pylance 13,
``python -m benchmarks.remap_probe``): a deferred compaction leaves the BTree and
full-text segments over the fragment unremapped (they keep the forgotten words
and must be rebuilt), leaves the deleted rows' codes in the vector index until
its segments are merged (a merge costs about what the remap saved), and the
fragment-reuse index it adds cannot be trimmed from Python.
Callers hold the store's write lock for steps 1–3.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from datetime import timedelta
from pathlib import Path
from typing import Any

import pyarrow as pa
import structlog
from lancedb.index import FTS

from mirix_py._store.base import SCAN_ALL
from mirix_py._store.filters import in_list
from mirix_py._store.segments import (
    FRAGMENT_ROWS,
    SEGMENT_ROWS,
    cleanup,
    dataset,
    detach_rebuilt_segments,
    live_fragments,
    refresh_indexes,
)

log = structlog.get_logger(__name__)

_DELETION_FILE = re.compile(r"^(\d+)-\d+-\d+\.(?:arrow|bin)$")


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
    rows = table.search().where(where).with_row_id(True).select(["id"]).limit(SCAN_ALL)
    return {int(r["_rowid"]) >> 32 for r in rows.to_list()}


def fragments_holding(table: Any, column: str, values: Sequence[str], *, user_id: str) -> set[int]:
    """The ids of the fragments holding ``user_id``'s rows whose ``column`` is in ``values``.

    One index answers the lookup (``column``'s); the owner is checked on the rows
    found. A conjunction with the owner's bitmap costs a second lookup in every
    index segment, i.e. in proportion to the table, not to the rows forgotten.
    """
    if not values:
        return set()
    query = table.search().where(in_list(column, values)).with_row_id(True)
    rows = query.select(["user_id"]).limit(SCAN_ALL).to_list()
    return {int(r["_rowid"]) >> 32 for r in rows if r["user_id"] == user_id}


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
    """Rewrite the live rows of these fragments into a new one (one ``UPDATE`` commit).

    Fragments that no longer exist (already rewritten by compaction, which
    also leaves deleted rows behind) match nothing. Returns the rows moved. The
    moved rows leave the vector indexes until they are folded back in.
    """
    ids = sorted(set(fragment_ids))
    if not ids:
        return 0
    ranges = " OR ".join(f"(_rowid >= {f << 32} AND _rowid < {(f + 1) << 32})" for f in ids)
    result = table.update(where=ranges, values_sql={"id": "id"})
    moved = int(getattr(result, "rows_updated", 0) or 0)
    log.debug("store.fragments_rewritten", table=table.name, fragments=len(ids), rows=moved)
    return moved


def compact_fragments(
    table: Any, fragment_ids: Iterable[int], *, fragment_rows: int = FRAGMENT_ROWS
) -> int:
    """Rewrite these fragments by a compaction restricted to them; returns the rows moved.

    Every other fragment is excluded; deleted rows are materialised at any ratio,
    and the indexes are remapped to the new rows, so the vector indexes keep
    covering them (after :func:`rewrite_fragments` the maintenance step had to
    encode a whole fragment's vectors again). A target the compaction left in
    place (one without deletions in this version) goes through
    :func:`rewrite_fragments`. Fragments that no longer exist are skipped.
    """
    ds = dataset(table)
    before = live_fragments(ds)
    ids = sorted(set(fragment_ids) & set(before))
    if not ids:
        return 0
    ds.optimize.compact_files(
        target_rows_per_fragment=fragment_rows,
        materialize_deletions=True,
        materialize_deletions_threshold=0.0,
        excluded_fragment_ids=sorted(set(before) - set(ids)),
    )
    after = live_fragments(dataset(table))
    moved = sum(n for f, n in after.items() if f not in before)
    moved += rewrite_fragments(table, [f for f in ids if f in after])
    table.checkout_latest()
    log.debug("store.fragments_compacted", table=table.name, fragments=len(ids), rows=moved)
    return moved


def seal(table: Any) -> None:
    """Commit an empty append so the latest transaction record is not a delete."""
    table.add(pa.Table.from_pylist([], schema=table.schema))


def purge_now(
    table: Any,
    fragment_ids: Iterable[int],
    *,
    folder: Path | None,
    fts_config: Callable[[], FTS],
    segment_rows: int = SEGMENT_ROWS,
    fragment_rows: int = FRAGMENT_ROWS,
) -> int:
    """Steps 1–4 with a zero window: afterwards no file of ``table`` holds forgotten rows."""
    targets = set(fragment_ids) | fragments_with_deletions(folder)
    detach_rebuilt_segments(table, targets, min_rows=segment_rows // 2)
    before = set(live_fragments(dataset(table)))
    moved = compact_fragments(table, targets, fragment_rows=fragment_rows)
    touched = targets | (before ^ set(live_fragments(dataset(table))))
    segments = refresh_indexes(
        table,
        touched,
        fts=fts_config(),
        segment_rows=segment_rows,
        remapped=True,
        fragment_rows=fragment_rows,
    )
    seal(table)
    cleanup(table, timedelta(0))
    log.debug(
        "store.purged",
        table=table.name,
        fragments=len(targets),
        rows_moved=moved,
        segments=segments,
    )
    return moved
