"""Physically removing forgotten rows from LanceDB tables.

A LanceDB ``delete`` only marks rows as deleted (a deletion file next to the
data file); the bytes stay on disk until the data file is rewritten. Compaction
(``optimize``) rewrites a data file only when enough of it is deleted (10% by
default) or when it can be merged with neighbours, so one forgotten memory in a
large, already compacted fragment would survive it. :func:`purge_table`
therefore:

1. compacts the table and drops every old version (``optimize`` with
   ``cleanup_older_than=0``);
2. if any live fragment still carries deleted rows — a local table has
   files in ``_deletions/``; on object storage this cannot be listed cheaply and
   is assumed — rewrites the table from its live rows in one atomic commit
   (an overwrite, which drops the table's indexes), then recreates the indexes
   from the live rows;
3. rebuilds every full-text and scalar index from the live rows (a
   compacted index can still hold the forgotten words or user ids);
4. commits an empty append, so that the one transaction record that survives
   cleanup (the latest) is not the delete, whose filter names the user and the
   forgotten ids;
5. drops every old version and unreferenced file again.

Afterwards the table folder holds only the latest version: live rows, indexes
built from live rows, and no deletion files. Callers hold the store's write
lock; readers in other processes still on an old version may have to retry.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass
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


@dataclass(frozen=True)
class PurgeResult:
    """What purging one table did."""

    table: str
    rewritten: bool
    rows: int


def table_folder(uri: str, name: str) -> Path | None:
    """The folder of table ``name`` in a local database, or None on object storage."""
    if "://" in uri:
        return None
    return Path(uri) / f"{name}.lance"


def has_deleted_rows(folder: Path | None) -> bool:
    """Whether a table still carries rows marked deleted (True when it cannot tell)."""
    if folder is None:
        return True
    deletions = folder / "_deletions"
    return deletions.is_dir() and any(p.is_file() for p in deletions.iterdir())


def _cleanup(table: Any) -> None:
    with warnings.catch_warnings():
        # LanceDB warns that cleanup_older_than=0 breaks readers on old versions:
        # forgetting deliberately wins over them.
        warnings.simplefilter("ignore", UserWarning)
        table.optimize(cleanup_older_than=timedelta(0), delete_unverified=True)


def _recreate_indexes(
    table: Any, indexes: list[Any], fts_config: Callable[[], FTS], *, dropped: bool
) -> None:
    for index in indexes:
        column = index.columns[0]
        if index.index_type == "FTS":
            table.create_index(column, config=fts_config(), replace=True)
        elif index.index_type in _SCALAR_CONFIGS:
            table.create_index(column, config=_SCALAR_CONFIGS[index.index_type](), replace=True)
        elif dropped:
            # Vector indexes carry training parameters the listing does not give back.
            log.warning(
                "store.index_not_recreated",
                table=table.name,
                index=index.name,
                index_type=index.index_type,
                hint="rebuild it with create_index after forgetting",
            )


def purge_table(
    table: Any,
    *,
    folder: Path | None,
    fts_config: Callable[[], FTS],
) -> PurgeResult:
    """Leave ``table`` with only its live rows on disk; see the module docstring."""
    _cleanup(table)
    indexes = list(table.list_indices())
    rewritten = has_deleted_rows(folder)
    if rewritten:
        live = table.to_arrow()
        table.add(live.cast(table.schema), mode="overwrite")
    # Rebuilt either way: an index remapped by compaction can keep the words or
    # keys of rows it no longer points to.
    _recreate_indexes(table, indexes, fts_config, dropped=rewritten)
    # A delete's transaction record keeps its filter (user id, memory ids) and the
    # latest version's record is never cleaned up: end on an empty append.
    table.add(pa.Table.from_pylist([], schema=table.schema))
    _cleanup(table)
    rows = int(table.count_rows())
    log.debug("store.purged", table=table.name, rewritten=rewritten, rows=rows)
    return PurgeResult(table=table.name, rewritten=rewritten, rows=rows)
