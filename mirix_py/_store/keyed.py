"""The declared key ``id`` of every table, and upserts that keep it unique.

Lance treats a non-null column carrying the field metadata
``lance-schema:unenforced-primary-key`` as the table's key: a ``merge_insert``
on it that commits while another writer inserted the same key is detected as a
conflict and retried, so several processes (or machines sharing object
storage, with no file lock) cannot create duplicate ids. Measured (see
``STACK-NOTES``): without the key, 2–4 processes upserting the same new ids
duplicated up to 2/3 of them; with it, none — unless the upsert joins through
a scalar index on ``id``, which brings the duplicates back. So:

- :func:`declare_key` gives ``id`` that metadata (and makes it non-null) on a
  table created before, in place — rows, indexes and versions stay;
- :func:`upsert_rows` writes through ``merge_insert("id")`` with
  ``use_index(False)`` whenever another writer could race, and only an existing
  row of the same user is replaced (``target.user_id = source.user_id``);
- when the caller holds a lock that serialises every writer of the database
  (the file lock of a local database), rows whose ids are known new are a plain
  append, and updates may join through the ``id`` index: both cost the batch,
  not the table.

Targeted lookups by id (the existence and owner check before an upsert) use a
BTree index on ``id``; only the upsert's join must not.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pyarrow as pa
import structlog

log = structlog.get_logger(__name__)

PRIMARY_KEY = "lance-schema:unenforced-primary-key"
KEY_METADATA = {PRIMARY_KEY: "true"}


def key_field() -> pa.Field:
    """The ``id`` field every table declares as its key."""
    return pa.field("id", pa.string(), nullable=False, metadata=KEY_METADATA)


def has_declared_key(schema: pa.Schema) -> bool:
    """Whether ``schema``'s ``id`` is non-null and carries the primary-key metadata."""
    if "id" not in schema.names:
        return False
    field = schema.field("id")
    metadata = field.metadata or {}
    return not field.nullable and metadata.get(PRIMARY_KEY.encode()) == b"true"


def declare_key(table: Any) -> bool:
    """Give an existing table's ``id`` the declared key in place; True if it changed.

    Both steps are metadata-only commits (no row is rewritten). Safe to repeat and
    to race with another process doing the same (the second finds nothing to do).
    """
    schema = table.schema
    if has_declared_key(schema):
        return False
    try:
        if schema.field("id").nullable:
            table.alter_columns({"path": "id", "nullable": False})
        if not has_declared_key(table.schema):
            table.update_field_metadata({"path": "id", "metadata": dict(KEY_METADATA)})
    except Exception:
        if not has_declared_key(table.schema):  # not another process migrating at once
            raise
    log.info("store.key_declared", table=table.name, version=table.version)
    return True


def as_arrow(rows: Sequence[dict[str, Any]], schema: pa.Schema) -> pa.Table:
    """Rows as an Arrow table of ``schema`` (a key column must arrive non-null)."""
    return pa.Table.from_pylist(list(rows), schema=schema)


def upsert_rows(
    table: Any,
    rows: pa.Table,
    *,
    known_new: bool,
    serialized: bool,
) -> tuple[int, int]:
    """Write ``rows`` into ``table`` by ``id``; returns (inserted, updated) rows.

    ``known_new``: a lookup found none of the ids. ``serialized``: the caller holds a
    lock that every writer of the database takes. Without that lock the write is a
    keyed ``merge_insert`` that never uses an index on ``id`` (the only form
    measured free of duplicates under concurrent writers). A row whose id belongs
    to another user is never replaced (the caller compares the counts).
    """
    if rows.num_rows == 0:
        return 0, 0
    if serialized and known_new:
        table.add(rows)
        return rows.num_rows, 0
    result = (
        table.merge_insert("id")
        .when_matched_update_all(where="target.user_id = source.user_id")
        .when_not_matched_insert_all()
        .use_index(serialized)
        .execute(rows)
    )
    return int(result.num_inserted_rows), int(result.num_updated_rows)
