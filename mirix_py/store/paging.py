"""Ordering a user's records for paging from light columns only.

Listing a page used to read every row of the user — vectors and payloads
included — into Python records, sort them and slice. Here only the ordering
columns (``id`` and a few epoch-microsecond integers) are read, as Arrow
arrays; they are sorted in Arrow, and the caller then fetches the full rows of
the one page by id (an indexed lookup). A page costs the light columns of the
user's rows plus the page itself, and never builds a record outside the page.

Orders:

- ``"newest"`` (listing): event time (``occurred_at``, else ``updated_at``),
  then ``updated_at``, then ``id``, all descending;
- ``"oldest_created"`` (export): ``created_at``, then ``id``, ascending.
"""

from __future__ import annotations

from typing import Literal

import pyarrow as pa
import pyarrow.compute as pc

PageOrder = Literal["newest", "oldest_created"]

ORDER_COLUMNS: dict[PageOrder, tuple[str, ...]] = {
    "newest": ("id", "occurred_at", "updated_at"),
    "oldest_created": ("id", "created_at"),
}


def page_ids(
    parts: list[tuple[str, pa.Table]],
    *,
    order: PageOrder,
    offset: int = 0,
    limit: int | None = None,
) -> list[tuple[str, str]]:
    """``(memory_type, id)`` of the page ``[offset, offset + limit)`` in ``order``.

    ``parts`` are the light columns (:data:`ORDER_COLUMNS`) read per memory type.
    """
    tables = [
        t.select(list(ORDER_COLUMNS[order])).append_column(
            "memory_type", pa.array([name] * t.num_rows, pa.string())
        )
        for name, t in parts
        if t.num_rows
    ]
    if not tables:
        return []
    merged = pa.concat_tables(tables)
    if order == "newest":
        when = pc.coalesce(merged["occurred_at"], merged["updated_at"])
        merged = merged.append_column("when", when)
        keys = [("when", "descending"), ("updated_at", "descending"), ("id", "descending")]
    else:
        keys = [("created_at", "ascending"), ("id", "ascending")]
    indices = pc.sort_indices(merged, sort_keys=keys)
    stop = None if limit is None else offset + limit
    chosen = merged.take(indices[offset:stop])
    return list(
        zip(
            chosen["memory_type"].to_pylist(),
            chosen["id"].to_pylist(),
            strict=True,
        )
    )
