"""The LanceDB store's schema and row helpers: column layout, key columns,
time conversion and the full-text query text (see
:mod:`mirix_py._store.lancedb_store`)."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import pyarrow as pa
from lancedb.index import FTS

from mirix_py._ids import validate_user_id
from mirix_py._memory import MemoryRecord, MemoryType
from mirix_py._store.base import SCAN_ALL
from mirix_py._store.filters import (
    from_micros,
    sql_str,
)
from mirix_py._store.keyed import KEY_METADATA
from mirix_py._store.keys import KEY_COLUMNS, fact_key, record_keys
from mirix_py.errors import InvalidArgument

HISTORY_TABLE = "history"
_COMMIT_RETRIES = 5
ID_NOT_AVAILABLE = "memory id {id} is not available; use a new id"
_TIME_COLUMNS = ("created_at", "updated_at", "occurred_at", "valid_from", "valid_to")
_SCAN_LIMIT = SCAN_ALL
_FTS_RECHECK_SECONDS = 5.0
_ID_LIST_MAX = 2_000  # longer id lists are fetched through the listing filter
_WORD = re.compile(r"\w+", re.UNICODE)
# Content columns are stored without compression (no FSST/zstd), so that anyone
# can audit forgetting with a plain byte search of the database folder: after a
# purge the text of a forgotten memory must not be found in any file.
_PLAIN = {"lance-encoding:compression": "none"}


def _fts_config() -> FTS:
    return FTS(with_position=False, stem=True)


# Typed key columns for targeted lookups (see :mod:`mirix_py._store.keys`); last in
# the schema so that tables migrated with ``add_columns`` have the same layout.
_KEY_FIELDS = (
    pa.field("session_key", pa.string()),
    pa.field("sequence", pa.int64()),
    pa.field("entity", pa.string()),
)
_KEY_INDEXED = ("session_key", "entity")
# Columns every read filters on besides the owner: ``valid_to IS NULL`` (current
# records) or an as-of range. With a BTree on it, the prefilter of a search is answered
# from indexes (owner bitmap AND validity) instead of reading the column of every row of
# the owner: at 100k rows of one owner that read was ~40% of a vector or full-text query.
_FILTER_INDEXED = ("valid_to",)
# The listing order (event time, else update time; epoch microseconds), stored so
# that LanceDB can sort and page it (see :mod:`mirix_py._store.paging`).
LIST_ORDER = "list_order"
_LIST_ORDER_FIELD = pa.field(LIST_ORDER, pa.int64(), nullable=False)
# How a table created before the column existed fills it in place.
_LIST_ORDER_SQL = "coalesce(occurred_at, updated_at, created_at, 0)"
_MIGRATION_BATCH = 10_000


def _record_schema(dim: int) -> pa.Schema:
    return pa.schema(
        [
            pa.field("id", pa.string(), nullable=False, metadata=KEY_METADATA),
            pa.field("user_id", pa.string(), nullable=False),
            pa.field("text", pa.string(), metadata=_PLAIN),
            pa.field("payload", pa.string(), metadata=_PLAIN),
            pa.field("source_ids", pa.list_(pa.string())),
            pa.field("created_at", pa.int64()),
            pa.field("updated_at", pa.int64()),
            pa.field("occurred_at", pa.int64()),
            pa.field("valid_from", pa.int64()),
            pa.field("valid_to", pa.int64()),
            pa.field("superseded_by", pa.string()),
            pa.field("status", pa.string()),
            pa.field("origin", pa.string()),
            pa.field("importance", pa.float32()),
            pa.field("access_count", pa.int64()),
            pa.field("vector", pa.list_(pa.float32(), dim)),
            *_KEY_FIELDS,
            _LIST_ORDER_FIELD,
        ]
    )


# Lookups by key return records without their vectors (never needed there).
_LOOKUP_COLUMNS = tuple(n for n in _record_schema(1).names if n != "vector")

_HISTORY_SCHEMA = pa.schema(
    [
        pa.field("id", pa.string(), nullable=False, metadata=KEY_METADATA),
        pa.field("memory_id", pa.string(), nullable=False),
        pa.field("user_id", pa.string(), nullable=False),
        pa.field("memory_type", pa.string()),
        pa.field("event", pa.string()),
        pa.field("actor", pa.string()),
        pa.field("reason", pa.string(), metadata=_PLAIN),
        pa.field("at", pa.int64()),
        pa.field("old_value", pa.string(), metadata=_PLAIN),
        pa.field("new_value", pa.string(), metadata=_PLAIN),
    ]
)


def _from_micros(value: int | None) -> datetime | None:
    if value is None:
        return None
    return from_micros(value)


def _keys_from_row(memory_type: MemoryType, row: dict[str, Any]) -> dict[str, Any]:
    """The key columns of a stored row, from its payload (for the migration)."""
    keys: dict[str, Any] = dict.fromkeys(KEY_COLUMNS)
    if memory_type not in (MemoryType.EPISODIC, MemoryType.SEMANTIC):
        return keys
    payload = json.loads(row["payload"] or "{}")
    if memory_type is MemoryType.EPISODIC:
        when = _from_micros(row.get("occurred_at") or row.get("updated_at"))
        session = payload.get("session_id")
        keys["session_key"] = session or (f"t:{when.isoformat()}" if when else None)
        keys["sequence"] = payload.get("sequence")
    elif payload.get("name"):
        keys["entity"] = fact_key(str(payload["name"]), str(payload.get("aspect") or ""))
    return keys


def list_order(row: dict[str, Any]) -> int:
    """The stored listing order of a row: its event time, else its update time."""
    for column in ("occurred_at", "updated_at", "created_at"):
        value = row.get(column)
        if value is not None:
            return int(value)
    return 0


def _usable_key(value: object) -> bool:
    """A key value that can be bound in a filter (others cannot match any stored key)."""
    try:
        validate_user_id(value, field="key")
    except InvalidArgument:
        return False
    return True


def _session_order(record: MemoryRecord) -> tuple[Any, ...]:
    """Session order: session key, sequence (missing last), creation time, id."""
    sequence = getattr(record, "sequence", None)
    return (
        record_keys(record)["session_key"] or "",
        sequence if sequence is not None else 1 << 62,
        record.created_at,
        record.id,
    )


def fts_query_text(text: str) -> str:
    """Reduce free text to plain words for the full-text index (no query syntax)."""
    return " ".join(_WORD.findall(text))[:2000]


def _quoted(values: Sequence[str]) -> list[str]:

    return [sql_str(v) for v in values]
