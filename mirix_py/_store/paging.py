"""Placing a page of a user's records with LanceDB's own sort (``order_by``).

Every record table stores its listing order in a column, ``list_order`` (event
time, else update time, in epoch microseconds; kept on every write and indexed
with a BTree), because the order "occurred_at, else updated_at" cannot be
written as a LanceDB ordering. LanceDB then filters on the user, sorts with a
top-K and returns only the ordering columns of the rows up to the end of the
page; the caller fetches the full rows of the page by id. Python never sees a
row of the user outside ``offset + limit`` (one memory type: only the page).

Orders:

- ``"newest"`` (listing, :func:`page_keys`): ``list_order``, then
  ``updated_at``, then ``id``, all descending;
- ``"oldest_created"`` (export, :func:`keyset_pages`): ``created_at``, then
  ``id``, ascending, walked by keyset (each page starts after the last key of
  the one before), so that a deep page costs as much as the first.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from mirix_py._store.filters import conjoin, sql_str
from mirix_py._store.lance_schema import LIST_ORDER
from mirix_py._store.query_batch import ScanJob, run_queries

MAX_PAGE_END = 2**31 - 1
"""The largest ``offset + limit`` a page may reach (LanceDB takes a 32-bit row limit)."""

Keys = list[tuple[str, str]]
"""``(memory_type, id)`` pairs in page order."""

_NEWEST = ((LIST_ORDER, False), ("updated_at", False), ("id", False))
_OLDEST_CREATED = (("created_at", True), ("id", True))


def ordered_rows(
    table: Any,
    where: str,
    ordering: Sequence[tuple[str, bool]],
    *,
    limit: int,
    offset: int = 0,
) -> pa.Table:
    """The ordering columns (and ``id``) of the rows matching ``where``, sorted by
    ``ordering`` (``(column, ascending)``) inside LanceDB, rows ``[offset, offset + limit)``."""
    columns = tuple(dict.fromkeys(["id", *(c for c, _ in ordering)]))
    job = ScanJob(table, where, limit, columns, order_by=tuple(ordering), offset=offset)
    (result,) = run_queries([job])  # one hand-off (the synchronous builder made several)
    return result


def _merge(parts: Sequence[tuple[str, pa.Table]], ordering: Sequence[tuple[str, bool]]) -> pa.Table:
    """Per-type sorted parts as one table in ``ordering``, with a ``memory_type`` column."""
    tables = [
        t.select([c for c, _ in ordering]).append_column(
            "memory_type", pa.array([name] * t.num_rows, pa.string())
        )
        for name, t in parts
        if t.num_rows
    ]
    if not tables:
        return pa.table({c: [] for c, _ in ordering} | {"memory_type": []})
    merged = pa.concat_tables(tables)
    keys = [(c, "ascending" if a else "descending") for c, a in ordering]
    # nulls sort last by default, as LanceDB places them
    return merged.take(pc.sort_indices(merged, sort_keys=keys))


def _keys(table: pa.Table) -> Keys:
    return list(zip(table["memory_type"].to_pylist(), table["id"].to_pylist(), strict=True))


def page_keys(tables: Sequence[tuple[str, Any]], where: str, *, offset: int, limit: int) -> Keys:
    """``(memory_type, id)`` of the page ``[offset, offset + limit)``, newest first.

    ``tables`` are ``(memory_type, LanceDB table)``. With one table LanceDB skips
    ``offset`` itself; with several, each returns its first ``offset + limit`` rows
    in order and the page is cut from their merge.
    """
    if limit <= 0:
        return []
    if len(tables) == 1:
        name, table = tables[0]
        rows = ordered_rows(table, where, _NEWEST, limit=limit, offset=offset)
        return [(name, i) for i in rows["id"].to_pylist()]
    parts = [(name, ordered_rows(t, where, _NEWEST, limit=offset + limit)) for name, t in tables]
    return _keys(_merge(parts, _NEWEST).slice(offset, limit))


def _after(created_at: int, memory_id: str) -> str:
    """Rows strictly after ``(created_at, id)`` in the export order."""
    return (
        f"(created_at > {int(created_at)} OR "
        f"(created_at = {int(created_at)} AND id > {sql_str(memory_id)}))"
    )


def keyset_pages(
    tables: Sequence[tuple[str, Any]], where: str, *, page_size: int
) -> Iterator[Keys]:
    """Pages of ``(memory_type, id)``, oldest created first, ``page_size`` at a time.

    Each page asks every table for its next ``page_size`` rows after the last key
    yielded (a keyset filter, so no page re-reads the ones before it). Records
    written during the walk appear if they sort after the cursor.
    """
    size = max(1, page_size)
    cursor: tuple[int, str] | None = None
    while True:
        bounded = where if cursor is None else conjoin([where, _after(*cursor)])
        parts = [
            (name, ordered_rows(t, bounded, _OLDEST_CREATED, limit=size)) for name, t in tables
        ]
        page = _merge(parts, _OLDEST_CREATED).slice(0, size)
        if page.num_rows == 0:
            return
        yield _keys(page)
        if page.num_rows < size:
            return
        last = page.slice(page.num_rows - 1, 1).to_pylist()[0]
        cursor = (int(last["created_at"]), str(last["id"]))
