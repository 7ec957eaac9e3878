"""The LanceDB implementation of :class:`~mirix_py.store.base.MemoryStore`.

One table per enabled memory type (named after the type) plus ``history``.
Rows hold the common fields as typed columns, the type-specific fields as a
JSON ``payload`` and the embedding as a fixed-size vector. Times are epoch
microseconds (UTC) so filters never need string formatting of dates.

Every table declares ``id`` as its key (see :mod:`mirix_py.store.keyed`), so
concurrent upserts from several processes or machines cannot duplicate an id.
Writes are also serialised by a process lock and, for local databases, a file
lock next to the tables; while that lock is held, inserts of new ids are plain
appends. A write costs its batch: the existence and owner check is a lookup
through a BTree index on ``id``, history is append-only, and "has this user's
data changed" is answered from table versions (:mod:`mirix_py.store.stamps`).
"""

from __future__ import annotations

import json
import re
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any, Literal

import lancedb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import structlog
from filelock import FileLock
from lancedb.index import FTS, Bitmap, BTree
from langchain_core.embeddings import Embeddings

from mirix_py.errors import AccessDenied, RecordNotFound, StorageError, ValidationError
from mirix_py.ids import validate_memory_id, validate_user_id
from mirix_py.memory import RECORD_TYPES, KnowledgeVaultMemory, MemoryRecord, MemoryType
from mirix_py.store.access_buffer import AccessBuffer, PendingKey
from mirix_py.store.ann import ANN_MIN_OWNER_ROWS, AnnRegistry
from mirix_py.store.base import (
    DeleteReceipt,
    HistoryEvent,
    HistoryEventKind,
    ScoredRecord,
    SearchQuery,
)
from mirix_py.store.filters import (
    conjoin,
    from_micros,
    in_list,
    sql_str,
    time_filter,
    to_micros,
    user_filter,
)
from mirix_py.store.fusion import fuse
from mirix_py.store.keyed import KEY_METADATA, as_arrow, declare_key, upsert_rows
from mirix_py.store.keys import KEY_COLUMNS, entity_key, record_keys
from mirix_py.store.object_purge_queue import ObjectStorePurgeQueue
from mirix_py.store.paging import ORDER_COLUMNS, PageOrder, page_ids
from mirix_py.store.purge import fragments_of, purge_now, table_folder
from mirix_py.store.purge_queue import PurgeQueue
from mirix_py.store.query_batch import (
    Job,
    ScanJob,
    TextJob,
    VectorJob,
    all_rows,
    rows_at,
    run_queries,
)
from mirix_py.store.retry import retrying
from mirix_py.store.segments import SEGMENT_ROWS
from mirix_py.store.stamps import ChangeStamps, StampValue
from mirix_py.store.vault_rotation import (
    RotationReceipt,
    rotate_history_rows,
    rotate_vault_rows,
)
from mirix_py.vault import VaultCipher

log = structlog.get_logger(__name__)

HISTORY_TABLE = "history"
_COMMIT_RETRIES = 5
ID_NOT_AVAILABLE = "memory id {id} is not available; use a new id"
_TIME_COLUMNS = ("created_at", "updated_at", "occurred_at", "valid_from", "valid_to")
_SCAN_LIMIT = 10_000_000
_FTS_RECHECK_SECONDS = 5.0
_ID_LIST_MAX = 2_000  # longer id lists are fetched through the listing filter
_WORD = re.compile(r"\w+", re.UNICODE)
# Content columns are stored without compression (no FSST/zstd), so that anyone
# can audit forgetting with a plain byte search of the database folder: after a
# purge the text of a forgotten memory must not be found in any file.
_PLAIN = {"lance-encoding:compression": "none"}


def _fts_config() -> FTS:
    return FTS(with_position=False, stem=True)


# Typed key columns for targeted lookups (see :mod:`mirix_py.store.keys`); last in
# the schema so that tables migrated with ``add_columns`` have the same layout.
_KEY_FIELDS = (
    pa.field("session_key", pa.string()),
    pa.field("sequence", pa.int64()),
    pa.field("entity", pa.string()),
)
_KEY_INDEXED = ("session_key", "entity")
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
        keys["entity"] = entity_key(str(payload["name"]))
    return keys


def _usable_key(value: object) -> bool:
    """A key value that can be bound in a filter (others cannot match any stored key)."""
    try:
        validate_user_id(value, field="key")
    except ValidationError:
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


class LanceDBStore:
    """Embedded (or object-storage) LanceDB backend; see the module docstring."""

    def __init__(
        self,
        uri: str,
        *,
        embeddings: Embeddings,
        dimension: int,
        memory_types: Sequence[MemoryType],
        cipher: VaultCipher | None = None,
        read_consistency_seconds: float | None = 0.0,
        storage_options: Mapping[str, str] | None = None,
        file_lock: bool = True,
        access_flush_seconds: float = 60.0,
        purge_delay_seconds: float = 600.0,
        index_segment_rows: int = SEGMENT_ROWS,
    ) -> None:
        self._uri = uri
        self._segment_rows = index_segment_rows
        self._purge_delay = timedelta(seconds=purge_delay_seconds)
        self._storage_options = dict(storage_options or {})
        self._purges: PurgeQueue | ObjectStorePurgeQueue = (
            ObjectStorePurgeQueue(uri, options=storage_options) if "://" in uri else PurgeQueue(uri)
        )
        self._ann = AnnRegistry(uri)
        self._embeddings = embeddings
        self._dim = dimension
        self._types = tuple(MemoryType(t) for t in memory_types)
        self._cipher = cipher
        interval = (
            None
            if read_consistency_seconds is None
            else timedelta(seconds=read_consistency_seconds)
        )
        local = "://" not in uri
        if local:
            Path(uri).mkdir(parents=True, exist_ok=True)
        try:
            self._db = lancedb.connect(
                uri,
                read_consistency_interval=interval,
                storage_options=dict(storage_options) if storage_options else None,
            )
        except Exception as exc:
            # The cause may carry option values (credentials): name only its type.
            raise StorageError(
                f"cannot open LanceDB at {uri!r} ({type(exc).__name__}); check storage.uri "
                "and storage.options / the AWS_* environment variables"
            ) from None
        self._thread_lock = threading.RLock()
        self._file_lock = (
            FileLock(str(Path(uri) / ".mirix-write.lock")) if local and file_lock else None
        )
        self._tables: dict[str, Any] = {}
        self._has_fts: set[str] = set()
        self._no_fts_since: dict[str, float] = {}
        self._rewrite_listeners: list[Callable[[int], None]] = []
        self._id_indexed: set[str] = set()
        # Own writes are told apart from others' only while every writer takes the file lock.
        self._stamps = ChangeStamps(
            lambda name: int(self._tables[name].version),
            lambda: list(self._tables),
            precise=self._file_lock is not None,
        )
        self._accesses = AccessBuffer(self._flush_accesses, interval=access_flush_seconds)
        with self._write_lock():
            for memory_type in self._types:
                self._open(memory_type.value, _record_schema(dimension))
            self._open(HISTORY_TABLE, _HISTORY_SCHEMA)
        self._stamps.start()

    # ------------------------------------------------------------------ plumbing

    @property
    def memory_types(self) -> tuple[MemoryType, ...]:
        """The memory types this store has tables for."""
        return self._types

    @property
    def uri(self) -> str:
        """Where the database lives."""
        return self._uri

    @property
    def dimension(self) -> int:
        """The embedding dimension of the vector column."""
        return self._dim

    @property
    def purge_queue(self) -> PurgeQueue | ObjectStorePurgeQueue:
        """Forgets whose bytes still wait for the maintenance step."""
        return self._purges

    @property
    def storage_options(self) -> dict[str, str]:
        """The object-store options this store was opened with (never logged)."""
        return dict(self._storage_options)

    @property
    def ann_registry(self) -> AnnRegistry:
        """Which tables' vector indexes search may use (decided by maintenance)."""
        return self._ann

    def maintained_tables(self) -> dict[str, Any]:
        """Every table by name, record tables and history (for the maintenance step)."""
        return dict(self._tables)

    def write_lock(self) -> Any:
        """The lock every write takes (a context manager; reentrant in one thread)."""
        return self._write_lock()

    def fts_config(self) -> FTS:
        """The full-text index configuration of the record tables."""
        return _fts_config()

    def _open(self, name: str, schema: pa.Schema) -> None:
        try:
            table = self._db.create_table(name, schema=schema, exist_ok=True)
        except Exception as exc:
            try:  # a table created by an earlier version (same columns, other metadata)
                table = self._db.open_table(name)
            except Exception:
                raise StorageError(f"cannot open table {name!r} in {self._uri!r}: {exc}") from exc
        self._tables[name] = table
        declare_key(table)  # a table created before the key was declared: in place
        if name != HISTORY_TABLE:
            self._migrate_key_columns(name)
        self._fts_ready(name)
        if name != HISTORY_TABLE:
            self._ensure_id_index(name)

    def _fts_ready(self, name: str) -> bool:
        """Whether table ``name`` has its full-text index (possibly built by another process)."""
        if name in self._has_fts:
            return True
        if name == HISTORY_TABLE:
            return False
        # Listing indexes costs a metadata read: a table without one (e.g. a type nobody
        # wrote yet) is asked again only every few seconds, not on every search.
        checked = self._no_fts_since.get(name)
        if checked is not None and time.monotonic() - checked < _FTS_RECHECK_SECONDS:
            return False
        if any("text" in idx.columns for idx in self._tables[name].list_indices()):
            self._has_fts.add(name)
            self._no_fts_since.pop(name, None)
            return True
        self._no_fts_since[name] = time.monotonic()
        return False

    def _table(self, memory_type: MemoryType | str) -> Any:
        name = MemoryType(memory_type).value
        table = self._tables.get(name)
        if table is None:
            from mirix_py.errors import MemoryTypeDisabled

            enabled = ", ".join(t.value for t in self._types)
            raise MemoryTypeDisabled(
                f"memory type {name!r} is not enabled; enabled types: {enabled}. "
                "Add it to memory.enabled in the config."
            )
        return table

    @contextmanager
    def _write_lock(self) -> Iterator[None]:
        with self._thread_lock:
            if self._file_lock is None:
                yield
            else:
                with self._file_lock:
                    yield

    @contextmanager
    def _writing(self, names: Sequence[str], user_ids: Sequence[str]) -> Iterator[None]:
        """The write lock, for a write to tables ``names`` of users ``user_ids``
        (their change stamps move; see :meth:`change_stamp`)."""
        with self._write_lock():
            self._stamps.before_write(names)
            try:
                yield
            finally:
                self._stamps.after_write(names, user_ids)

    @property
    def _serialized(self) -> bool:
        """Whether every writer of this database takes the lock this store holds."""
        return self._file_lock is not None

    def _ensure_id_index(self, name: str) -> None:
        """A BTree index on ``id`` for targeted lookups (upserts never join through it)."""
        if name in self._id_indexed:
            return
        table = self._tables[name]
        if not any(idx.columns == ["id"] for idx in table.list_indices()):
            if table.count_rows() == 0:
                return
            try:
                table.create_index("id", config=BTree(), replace=True)
            except Exception as exc:  # e.g. another process built it at the same moment
                if not any(idx.columns == ["id"] for idx in table.list_indices()):
                    log.warning("store.id_index_failed", table=name, error=str(exc)[:200])
                    return
        self._id_indexed.add(name)

    def _ensure_fts(self, memory_type: MemoryType) -> None:
        name = memory_type.value
        if name in self._has_fts:
            return
        table = self._tables[name]
        if table.count_rows() == 0:
            return
        table.create_index("text", config=_fts_config(), replace=True)
        # Every query prefilters on user_id: a bitmap index makes that filter cheap.
        table.create_index("user_id", config=Bitmap(), replace=True)
        self._ensure_id_index(name)
        self._ensure_key_indexes(name)
        self._has_fts.add(name)

    def _ensure_key_indexes(self, name: str) -> None:
        """BTree indexes on the key columns (``session_key``, ``entity``) of a non-empty table."""
        table = self._tables[name]
        have = {c for idx in table.list_indices() for c in idx.columns}
        missing = [c for c in _KEY_INDEXED if c not in have]
        if missing and table.count_rows() > 0:
            for column in missing:
                table.create_index(column, config=BTree(), replace=True)

    def _migrate_key_columns(self, name: str) -> None:
        """Add the key columns to a table created before they existed, and fill them.

        Runs once per table (under the write lock, from ``__init__``): the columns
        are added empty, then filled from each row's payload in batches.
        """
        table = self._tables[name]
        present = set(table.schema.names)
        missing = [f for f in _KEY_FIELDS if f.name not in present]
        if not missing:
            return
        started = time.perf_counter()
        table.add_columns(pa.schema(missing))
        mtype = MemoryType(name)
        columns = ["id", "user_id", "payload", *_TIME_COLUMNS]
        key_schema = pa.schema([pa.field("id", pa.string(), nullable=False), *_KEY_FIELDS])
        updates: list[dict[str, Any]] = []
        filled = 0
        reader = table.search().select(columns).limit(_SCAN_LIMIT).to_batches(_MIGRATION_BATCH)
        for batch in reader:
            for row in batch.to_pylist():
                keys = _keys_from_row(mtype, row)
                if any(v is not None for v in keys.values()):
                    updates.append({"id": row["id"], **keys})
            if len(updates) >= _MIGRATION_BATCH:
                filled += self._fill_keys(table, updates, key_schema)
                updates = []
        filled += self._fill_keys(table, updates, key_schema)
        self._ensure_key_indexes(name)
        log.info(
            "store.key_columns_migrated",
            table=name,
            rows=filled,
            ms=round((time.perf_counter() - started) * 1000, 1),
        )

    @staticmethod
    def _fill_keys(table: Any, updates: list[dict[str, Any]], schema: pa.Schema) -> int:
        if updates:
            (
                table.merge_insert("id")
                .when_matched_update_all()
                .execute(pa.Table.from_pylist(updates, schema=schema))
            )
        return len(updates)

    # ------------------------------------------------------------ row mapping

    def _to_row(self, record: MemoryRecord, vector: Sequence[float]) -> dict[str, Any]:
        payload = record.payload()
        if isinstance(record, KnowledgeVaultMemory):
            if self._cipher is None:
                raise StorageError("knowledge_vault needs a vault cipher; configure a vault key")
            payload["secret_value"] = self._cipher.encrypt(payload["secret_value"])
        row: dict[str, Any] = {
            "id": record.id,
            "user_id": record.user_id,
            "text": record.embed_text(),
            "payload": json.dumps(payload, ensure_ascii=False),
            "source_ids": list(record.source_ids),
            "superseded_by": record.superseded_by,
            "status": record.status,
            "origin": record.origin,
            "importance": float(record.importance),
            "access_count": int(record.access_count),
            "vector": [float(x) for x in vector],
        }
        for column in _TIME_COLUMNS:
            value = getattr(record, column)
            row[column] = None if value is None else to_micros(value)
        row.update(record_keys(record))
        return row

    def _from_row(self, memory_type: MemoryType, row: dict[str, Any]) -> MemoryRecord:
        payload = json.loads(row["payload"])
        if memory_type is MemoryType.KNOWLEDGE_VAULT:
            if self._cipher is None:
                raise StorageError("knowledge_vault needs a vault cipher; configure a vault key")
            payload["secret_value"] = self._cipher.decrypt(payload["secret_value"])
        data: dict[str, Any] = {
            **payload,
            "id": row["id"],
            "user_id": row["user_id"],
            "source_ids": list(row.get("source_ids") or []),
            "superseded_by": row.get("superseded_by"),
            "status": row.get("status") or "active",
            "origin": row.get("origin") or "extracted",
            "importance": float(row.get("importance") or 0.0),
            "access_count": int(row.get("access_count") or 0),
        }
        vector = row.get("vector")
        if isinstance(vector, np.ndarray):
            data["embedding"] = vector.tolist()
        elif vector is not None:
            data["embedding"] = [float(x) for x in vector]
        for column in _TIME_COLUMNS:
            data[column] = _from_micros(row.get(column))
        return RECORD_TYPES[memory_type].model_validate(data)

    @staticmethod
    def _history_value(row: dict[str, Any] | None) -> str | None:
        if row is None:
            return None
        return json.dumps({k: v for k, v in row.items() if k != "vector"}, ensure_ascii=False)

    def _history_rows(
        self,
        events: Sequence[tuple[HistoryEventKind, str, str, MemoryType, Any, Any]],
        *,
        actor: str,
        reason: str,
    ) -> None:
        if not events:
            return
        now = to_micros(datetime.now(UTC))
        rows = [
            {
                "id": uuid.uuid4().hex,
                "memory_id": memory_id,
                "user_id": user_id,
                "memory_type": memory_type.value,
                "event": event,
                "actor": actor,
                "reason": reason,
                "at": now,
                "old_value": self._history_value(old),
                "new_value": self._history_value(new),
            }
            for event, memory_id, user_id, memory_type, old, new in events
        ]
        history = self._tables[HISTORY_TABLE]
        retrying(lambda: history.add(rows), retries=_COMMIT_RETRIES, what="history append")

    def _write_rows(
        self, mtype: MemoryType, rows: Sequence[dict[str, Any]], *, known_new: bool
    ) -> None:
        """Upsert rows of one user-checked batch by their declared key (under the lock).

        Raises :class:`AccessDenied` if a row was not written because its id turned
        out to belong to another user (a concurrent writer, without the file lock).
        """
        table = self._tables[mtype.value]
        data = as_arrow(rows, table.schema)
        # Another server (or the maintainer) may commit to the table meanwhile: a lost
        # commit race is retried (the keyed upsert is idempotent), bounded.
        inserted, updated = retrying(
            lambda: upsert_rows(table, data, known_new=known_new, serialized=self._serialized),
            retries=_COMMIT_RETRIES,
            what=f"upsert {mtype.value}",
        )
        if inserted + updated < len(rows):
            raise AccessDenied(ID_NOT_AVAILABLE.format(id="of this batch"))

    # ------------------------------------------------------------------ reads

    def _scan(
        self, memory_type: MemoryType, where: str, limit: int = _SCAN_LIMIT
    ) -> list[dict[str, Any]]:
        (found,) = run_queries([ScanJob(self._table(memory_type), where, limit)])
        return all_rows(found)

    def get(
        self, memory_id: str, *, user_id: str, memory_type: MemoryType | None = None
    ) -> MemoryRecord:
        """One record of this user; raises :class:`RecordNotFound` otherwise."""
        found = self.get_many([memory_id], user_id=user_id, memory_type=memory_type)
        if not found:
            raise RecordNotFound(f"no memory {memory_id!r} for user {user_id!r}")
        return found[0]

    def get_many(
        self, memory_ids: Sequence[str], *, user_id: str, memory_type: MemoryType | None = None
    ) -> list[MemoryRecord]:
        """The user's records among ``memory_ids``, in the order asked; missing ids skipped."""
        validate_user_id(user_id)
        ids = [validate_memory_id(m) for m in memory_ids]
        if not ids:
            return []
        where = conjoin([user_filter(user_id), in_list("id", ids)])
        found: dict[str, MemoryRecord] = {}
        for mtype in (memory_type,) if memory_type else self._types:
            for row in self._scan(MemoryType(mtype), where, limit=len(ids)):
                if row["user_id"] == user_id:
                    found[row["id"]] = self._from_row(MemoryType(mtype), row)
        return [found[i] for i in ids if i in found]

    def list_records(
        self,
        *,
        user_id: str,
        memory_type: MemoryType | None = None,
        limit: int = 100,
        offset: int = 0,
        include_superseded: bool = False,
        where_source_ids: Sequence[str] | None = None,
    ) -> list[MemoryRecord]:
        """The user's records, newest first (by event time, then update time), paged.

        Only the ordering columns of the user's rows are read to place the page
        (:mod:`mirix_py.store.paging`); then the page's rows are fetched by id.
        """
        validate_user_id(user_id)
        for name, value in (("limit", limit), ("offset", offset)):
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                from mirix_py.errors import ValidationError

                raise ValidationError(f"{name} must be an integer >= 0, got {value!r:.40}")
        if limit == 0:
            return []
        types = [MemoryType(memory_type)] if memory_type else list(self._types)
        where = self._list_filter(user_id, include_superseded, where_source_ids)
        chosen = page_ids(
            self._order_columns(types, where, user_id, "newest"),
            order="newest",
            offset=offset,
            limit=limit,
        )
        return self._fetch_in_order(chosen, user_id, where)

    def iter_records(
        self,
        *,
        user_id: str,
        memory_type: MemoryType | None = None,
        include_superseded: bool = False,
        page_size: int = 500,
    ) -> Iterator[MemoryRecord]:
        """Every record of the user, oldest created first, fetched ``page_size`` at a time
        (for export: memory holds one page of full records, not the user's history).

        The order is fixed when iteration starts; records deleted meanwhile are skipped.
        """
        validate_user_id(user_id)
        types = [MemoryType(memory_type)] if memory_type else list(self._types)
        where = self._list_filter(user_id, include_superseded, None)
        order = page_ids(
            self._order_columns(types, where, user_id, "oldest_created"), order="oldest_created"
        )
        for start in range(0, len(order), max(1, page_size)):
            yield from self._fetch_in_order(order[start : start + page_size], user_id, where)

    @staticmethod
    def _list_filter(
        user_id: str, include_superseded: bool, where_source_ids: Sequence[str] | None
    ) -> str:
        clauses = [user_filter(user_id)]
        if not include_superseded:
            clauses.append("valid_to IS NULL")
        if where_source_ids:
            clauses.append(
                " OR ".join(f"array_has(source_ids, {s})" for s in _quoted(where_source_ids))
            )
        return conjoin(clauses)

    def _order_columns(
        self, types: Sequence[MemoryType], where: str, user_id: str, order: PageOrder
    ) -> list[tuple[str, pa.Table]]:
        """The light ordering columns of the matching rows, per memory type."""
        columns = (*ORDER_COLUMNS[order], "user_id")
        jobs = [ScanJob(self._table(mtype), where, _SCAN_LIMIT, columns) for mtype in types]
        parts: list[tuple[str, pa.Table]] = []
        for mtype, light in zip(types, run_queries(jobs), strict=True):
            parts.append((mtype.value, light.filter(pc.equal(light["user_id"], user_id))))
        return parts

    def _fetch_in_order(
        self, chosen: Sequence[tuple[str, str]], user_id: str, where: str
    ) -> list[MemoryRecord]:
        """Full records for ``(memory_type, id)`` pairs, in that order (missing skipped).

        A page is fetched by id; a caller asking for thousands of rows at once (a
        whole listing) gets them through the listing filter ``where`` instead of an
        id list of that size.
        """
        by_type: dict[str, list[str]] = {}
        for name, memory_id in chosen:
            by_type.setdefault(name, []).append(memory_id)
        found: dict[tuple[str, str], MemoryRecord] = {}
        for name, ids in by_type.items():
            mtype = MemoryType(name)
            if len(ids) > _ID_LIST_MAX:
                wanted = set(ids)
                rows = [r for r in self._scan(mtype, where) if r["id"] in wanted]
            else:
                by_id = conjoin([user_filter(user_id), in_list("id", ids)])
                rows = self._scan(mtype, by_id, limit=len(ids))
            for row in rows:
                if row["user_id"] == user_id:
                    found[(name, row["id"])] = self._from_row(mtype, row)
        return [found[key] for key in chosen if key in found]

    def count(self, *, user_id: str | None = None, memory_type: MemoryType | None = None) -> int:
        """Rows for one user, or all rows when ``user_id`` is None (admin use)."""
        total = 0
        for mtype in (memory_type,) if memory_type else self._types:
            table = self._table(mtype)
            total += table.count_rows(user_filter(user_id) if user_id is not None else None)
        return total

    def history_count(self, *, user_id: str | None = None) -> int:
        """History rows for one user, or all."""
        table = self._tables[HISTORY_TABLE]
        return int(table.count_rows(user_filter(user_id) if user_id is not None else None))

    def search(self, query: SearchQuery) -> list[ScoredRecord]:
        """Vector, full-text or hybrid (weighted RRF) search, prefiltered by user."""
        return self.search_many([query])[0]

    def search_many(self, queries: Sequence[SearchQuery]) -> list[list[ScoredRecord]]:
        """Several searches at once (results in the same order): all their LanceDB
        queries run together (:func:`~mirix_py.store.query_batch.run_queries`)."""
        started = time.perf_counter()
        plans = [self._search_jobs(query) for query in queries]
        jobs = [job for plan in plans for _, _, job in plan]
        tables = iter(run_queries(jobs))
        results = [
            self._fused(query, [(kind, mtype, next(tables)) for kind, mtype, _ in plan])
            for query, plan in zip(queries, plans, strict=True)
        ]
        for query, found in zip(queries, results, strict=True):
            log.debug(
                "store.searched",
                user_id=query.user_id,
                memory_types=[t.value for t in (query.memory_types or self._types)],
                mode=query.mode,
                hits=len(found),
                queries=len(jobs),
                ms=round((time.perf_counter() - started) * 1000, 2),
            )
        return results

    def _search_jobs(self, query: SearchQuery) -> list[tuple[str, MemoryType, Job]]:
        """The vector and full-text queries of one search, per memory type."""
        types = [t for t in (query.memory_types or self._types) if t in self._types]
        where = conjoin(
            [
                user_filter(query.user_id),
                *time_filter(
                    start=query.start,
                    end=query.end,
                    include_superseded=query.include_superseded,
                    as_of=query.as_of,
                ),
            ]
        )
        depth = max(query.limit * 2, 20)
        vector = query.vector
        if query.mode in ("hybrid", "vector") and vector is None and query.text.strip():
            vector = tuple(self._embeddings.embed_query(query.text))
        fts_text = fts_query_text(query.text) if query.mode in ("hybrid", "fts") else ""
        jobs: list[tuple[str, MemoryType, Job]] = []
        for mtype in types:
            table = self._tables[mtype.value]
            if vector is not None:
                # Through the ANN index only once maintenance measured its recall, and
                # only for owners with many rows: flat search over a narrow prefilter
                # reads just the owner's vectors, while an IVF index would probe
                # partition after partition to find enough of them.
                choice = self._ann.use(mtype.value)
                if choice is not None and table.count_rows(user_filter(query.user_id)) < (
                    ANN_MIN_OWNER_ROWS
                ):
                    choice = None
                jobs.append(("vector", mtype, VectorJob(table, vector, where, depth, choice)))
            if fts_text and self._fts_ready(mtype.value):
                jobs.append(("fts", mtype, TextJob(table, fts_text, where, depth)))
        return jobs

    def _fused(
        self, query: SearchQuery, found: Sequence[tuple[str, MemoryType, pa.Table]]
    ) -> list[ScoredRecord]:
        """Fuse one search's result tables; only the kept rows become records."""
        vector_hits: list[tuple[str, float, MemoryType, pa.Table, int]] = []
        fts_hits: list[tuple[str, float, MemoryType, pa.Table, int]] = []
        for kind, mtype, table in found:
            if not table.num_rows:
                continue
            score_column = "_distance" if kind == "vector" else "_score"
            ids = table.column("id").to_pylist()
            owners = table.column("user_id").to_pylist()
            scores = table.column(score_column).to_pylist()
            hits = vector_hits if kind == "vector" else fts_hits
            for i, (memory_id, owner, raw) in enumerate(zip(ids, owners, scores, strict=True)):
                if owner == query.user_id:
                    hits.append((memory_id, float(raw), mtype, table, i))
        vector_hits.sort(key=lambda h: h[1])
        fts_hits.sort(key=lambda h: -h[1])
        fused = fuse(
            [(h[0], 1.0 - h[1]) for h in vector_hits],
            [(h[0], h[1]) for h in fts_hits],
            k=query.rrf_k,
            vector_weight=query.vector_weight if query.mode != "fts" else 0.0,
            fts_weight=query.fts_weight if query.mode != "vector" else 0.0,
        )[: query.limit]
        where_found = {h[0]: (h[2], h[3], h[4]) for h in (*fts_hits, *vector_hits)}
        wanted: dict[int, tuple[MemoryType, pa.Table, list[int]]] = {}
        for memory_id, _ in fused:
            mtype, table, i = where_found[memory_id]
            wanted.setdefault(id(table), (mtype, table, []))[2].append(i)
        records: dict[str, MemoryRecord] = {}
        for mtype, table, indices in wanted.values():
            for row in rows_at(table, indices):
                records[row["id"]] = self._from_row(mtype, row)
        return [ScoredRecord(record=records[m], score=parts) for m, parts in fused]

    def _lookup(
        self,
        memory_type: MemoryType,
        where: str,
        *,
        user_id: str,
        limit: int,
        embeddings: bool = False,
    ) -> list[MemoryRecord]:
        """Rows of one user matching ``where`` (with their vectors when ``embeddings``)."""
        table = self._table(memory_type)
        columns = (*_LOOKUP_COLUMNS, "vector") if embeddings else _LOOKUP_COLUMNS
        (found,) = run_queries([ScanJob(table, where, limit, columns)])
        return [self._from_row(memory_type, r) for r in all_rows(found) if r["user_id"] == user_id]

    def neighbours(
        self,
        spots: Sequence[tuple[str, int]],
        *,
        user_id: str,
        span: int = 1,
        as_of: datetime | None = None,
        embeddings: bool = False,
    ) -> list[MemoryRecord]:
        """The user's episodic turns within ``span`` positions of each ``(session_key,
        sequence)`` spot (the spots' own turns included): current ones, or those valid
        at ``as_of``; in session order, with embeddings only when asked. One indexed
        lookup."""
        validate_user_id(user_id)
        wanted: dict[str, set[int]] = {}
        for key, sequence in spots:
            if _usable_key(key):
                near = range(int(sequence) - span, int(sequence) + span + 1)
                wanted.setdefault(key, set()).update(n for n in near if n >= 0)
        clauses = [
            f"session_key = {sql_str(key)} AND sequence IN ({', '.join(map(str, sorted(seqs)))})"
            for key, seqs in wanted.items()
        ]
        if not clauses:
            return []
        # The session keys first, as an IN list: LanceDB answers that part from the
        # session_key index (an OR of per-session conjunctions alone made it filter every
        # row of the user), then checks the exact sequences on those sessions' rows.
        where = conjoin(
            [
                in_list("session_key", list(wanted)),
                user_filter(user_id),
                *time_filter(start=None, end=None, include_superseded=False, as_of=as_of),
                " OR ".join(f"({c})" for c in clauses),
            ]
        )
        limit = sum(len(s) for s in wanted.values()) * 4  # room for turns cut into pieces
        found = self._lookup(
            MemoryType.EPISODIC, where, user_id=user_id, limit=limit, embeddings=embeddings
        )
        return sorted(found, key=_session_order)

    def by_keys(
        self,
        column: Literal["session_key", "entity"],
        values: Sequence[str],
        *,
        user_id: str,
        memory_type: MemoryType,
        as_of: datetime | None = None,
        limit: int = 100,
    ) -> list[MemoryRecord]:
        """The user's records whose key ``column`` (``session_key`` of episodic turns,
        ``entity`` of semantic facts: see :mod:`mirix_py.store.keys`) is one of
        ``values``: current ones, or those valid at ``as_of``; at most ``limit``, without
        embeddings. One indexed lookup."""
        validate_user_id(user_id)
        if column not in _KEY_INDEXED:
            raise StorageError(f"by_keys looks up {', '.join(_KEY_INDEXED)}, not {column!r}")
        keys = [v for v in dict.fromkeys(values) if _usable_key(v)]
        if not keys or limit < 1:
            return []
        where = conjoin(
            [
                in_list(column, keys),  # first: answered from the key's index
                user_filter(user_id),
                *time_filter(start=None, end=None, include_superseded=False, as_of=as_of),
            ]
        )
        found = self._lookup(MemoryType(memory_type), where, user_id=user_id, limit=limit)
        return sorted(found, key=_session_order)

    def history(self, memory_id: str, *, user_id: str) -> list[HistoryEvent]:
        """Every change to one memory of this user, oldest first."""
        validate_user_id(user_id)
        validate_memory_id(memory_id)
        table = self._tables[HISTORY_TABLE]
        where = conjoin([user_filter(user_id), in_list("memory_id", [memory_id])])
        rows = table.search().where(where).limit(_SCAN_LIMIT).to_list()
        events = [
            HistoryEvent(
                id=r["id"],
                memory_id=r["memory_id"],
                user_id=r["user_id"],
                memory_type=MemoryType(r["memory_type"]),
                event=r["event"],
                actor=r["actor"] or "",
                reason=r["reason"] or "",
                at=_from_micros(r["at"]) or datetime.now(UTC),
                old_value=r["old_value"],
                new_value=r["new_value"],
            )
            for r in rows
            if r["user_id"] == user_id
        ]
        events.sort(key=lambda e: (e.at, e.event != "insert"))
        return events

    # ----------------------------------------------------------------- writes

    def _embed_missing(self, records: Sequence[MemoryRecord]) -> list[list[float]]:
        missing = [i for i, r in enumerate(records) if r.embedding is None]
        vectors: list[list[float] | None] = [r.embedding for r in records]
        if missing:
            fresh = self._embeddings.embed_documents([records[i].embed_text() for i in missing])
            for i, vec in zip(missing, fresh, strict=True):
                vectors[i] = vec
        return [v for v in vectors if v is not None]

    def upsert(
        self, records: Sequence[MemoryRecord], *, actor: str = "system", reason: str = ""
    ) -> list[str]:
        """Insert new records and replace existing ones by id, recording history.

        Raises :class:`AccessDenied` (:data:`ID_NOT_AVAILABLE`, which never says whose)
        if an id is already taken by another user; nothing is written then.
        Embeddings missing on the records are computed in one batched call.
        """
        if not records:
            return []
        started = time.perf_counter()
        for record in records:  # all checks before any write: no half-written batch
            validate_memory_id(record.id, field="id")
            for source_id in record.source_ids:
                validate_memory_id(source_id, field="source_ids")
        vectors = self._embed_missing(records)
        by_type: dict[MemoryType, list[dict[str, Any]]] = {}
        for record, vector in zip(records, vectors, strict=True):
            self._table(record.memory_type)  # raises if disabled
            if len(vector) != self._dim:
                raise StorageError(
                    f"embedding has {len(vector)} dimensions; this database uses {self._dim}"
                )
            by_type.setdefault(record.memory_type, []).append(self._to_row(record, vector))
        names = [*(t.value for t in by_type), HISTORY_TABLE]
        with self._writing(names, sorted({r.user_id for r in records})):
            for mtype, rows in by_type.items():
                rows = list({r["id"]: r for r in rows}.values())
                # A targeted lookup (BTree on id), not a scan: the batch's ids only.
                existing = {
                    r["id"]: r
                    for r in self._scan(
                        mtype, in_list("id", [r["id"] for r in rows]), limit=len(rows)
                    )
                }
                for row in rows:
                    old = existing.get(row["id"])
                    if old is not None and old["user_id"] != row["user_id"]:
                        raise AccessDenied(ID_NOT_AVAILABLE.format(id=repr(row["id"])))
                    if old is not None:
                        row["created_at"] = old["created_at"]
                self._write_rows(mtype, rows, known_new=not existing)
                self._history_rows(
                    [
                        (
                            "update" if r["id"] in existing else "insert",
                            r["id"],
                            r["user_id"],
                            mtype,
                            existing.get(r["id"]),
                            r,
                        )
                        for r in rows
                    ],
                    actor=actor,
                    reason=reason,
                )
                self._ensure_fts(mtype)
                self._ensure_id_index(mtype.value)
                log.debug(
                    "store.upserted",
                    memory_type=mtype.value,
                    count=len(rows),
                    updated=len(existing),
                    ms=round((time.perf_counter() - started) * 1000, 2),
                )
        return [r.id for r in records]

    def supersede(
        self,
        old_id: str,
        new_record: MemoryRecord,
        *,
        user_id: str,
        actor: str = "system",
        reason: str = "",
    ) -> str:
        """Retire ``old_id`` (``valid_to`` now, ``superseded_by`` new id) and store the new one."""
        if new_record.user_id != user_id:
            raise AccessDenied("the new record must belong to the same user")
        old = self.get(old_id, user_id=user_id, memory_type=new_record.memory_type)
        now = datetime.now(UTC)
        # the change happened when its message was written (imported history keeps as-of right)
        since = min(max(new_record.valid_from, old.valid_from), now)
        retired = old.model_copy(
            update={"valid_to": since, "superseded_by": new_record.id, "updated_at": now}
        )
        new_record = new_record.model_copy(update={"valid_from": since})
        vectors = self._embed_missing([retired, new_record])
        mtype = new_record.memory_type
        with self._writing([mtype.value, HISTORY_TABLE], [user_id]):
            # the new id must be free or this user's: checked before anything is written
            taken = self._scan(mtype, in_list("id", [new_record.id]), limit=1)
            if taken and taken[0]["user_id"] != user_id:
                raise AccessDenied(ID_NOT_AVAILABLE.format(id=repr(new_record.id)))
            where = conjoin([user_filter(user_id), in_list("id", [old_id])])
            old_row = self._scan(mtype, where, limit=1)[0]
            rows = [self._to_row(retired, vectors[0]), self._to_row(new_record, vectors[1])]
            self._write_rows(mtype, rows, known_new=False)
            self._history_rows(
                [
                    ("supersede", old_id, user_id, mtype, old_row, rows[0]),
                    ("insert", new_record.id, user_id, mtype, None, rows[1]),
                ],
                actor=actor,
                reason=reason,
            )
            self._ensure_fts(mtype)
        return new_record.id

    def retire(
        self,
        memory_ids: Sequence[str],
        *,
        user_id: str,
        memory_type: MemoryType,
        replaced_by: str | Mapping[str, str] | None,
        event: Literal["supersede", "archive"] = "supersede",
        actor: str = "system",
        reasons: Mapping[str, str] | None = None,
        reason: str = "",
    ) -> list[str]:
        """Retire current records in one batch (see the protocol); rows and history stay.

        The rows are rewritten as stored (vault ciphertexts are never decrypted).
        """
        validate_user_id(user_id)
        ids = list(dict.fromkeys(validate_memory_id(m) for m in memory_ids))
        by_id = (
            dict(replaced_by)
            if isinstance(replaced_by, Mapping)
            else dict.fromkeys(ids, replaced_by)
        )
        for target in {t for t in by_id.values() if t is not None}:
            validate_memory_id(target, field="replaced_by")
        if not ids:
            return []
        mtype = MemoryType(memory_type)
        self._table(mtype)  # raises if the type is disabled
        where = conjoin([user_filter(user_id), in_list("id", ids), "valid_to IS NULL"])
        now = to_micros(datetime.now(UTC))
        with self._writing([mtype.value, HISTORY_TABLE], [user_id]):
            old_rows = [
                r for r in self._scan(mtype, where, limit=len(ids)) if r["user_id"] == user_id
            ]
            if not old_rows:
                return []
            new_rows: list[dict[str, Any]] = []
            for old in old_rows:
                row = {k: v for k, v in old.items() if not k.startswith("_")}
                row.update(valid_to=now, superseded_by=by_id.get(row["id"]), updated_at=now)
                if event == "archive":
                    row["status"] = "archived"
                new_rows.append(row)
            self._write_rows(mtype, new_rows, known_new=False)
            self._tables[HISTORY_TABLE].add(
                [
                    {
                        "id": uuid.uuid4().hex,
                        "memory_id": row["id"],
                        "user_id": user_id,
                        "memory_type": mtype.value,
                        "event": event,
                        "actor": actor,
                        "reason": (reasons or {}).get(row["id"], reason),
                        "at": now,
                        "old_value": self._history_value(old),
                        "new_value": self._history_value(row),
                    }
                    for old, row in zip(old_rows, new_rows, strict=True)
                ]
            )
        log.debug(
            "store.retired",
            user_id=user_id,
            memory_type=mtype.value,
            kind=event,
            count=len(new_rows),
        )
        return [r["id"] for r in new_rows]

    def record_access(
        self, memory_ids: Sequence[str], *, user_id: str, memory_type: MemoryType | None = None
    ) -> int:
        """Add one to ``access_count`` of the user's current records among ``memory_ids``,
        now (the read path uses :meth:`note_access`, which batches)."""
        validate_user_id(user_id)
        ids = list(dict.fromkeys(validate_memory_id(m) for m in memory_ids))
        if not ids:
            return 0
        types = [MemoryType(memory_type)] if memory_type else list(self._types)
        for mtype in types:
            self._table(mtype)  # raises if disabled
        return self._flush_accesses({(user_id, t.value): Counter(ids) for t in types})

    def note_access(
        self, memory_ids: Sequence[str], *, user_id: str, memory_type: MemoryType
    ) -> int:
        """Count one access of each distinct id later, in a batch written off the read
        path (every few seconds, on :meth:`flush_accesses`, maintenance and close)."""
        validate_user_id(user_id)
        mtype = MemoryType(memory_type)
        self._table(mtype)
        ids = [validate_memory_id(m) for m in memory_ids]
        return self._accesses.add(user_id, mtype.value, ids)

    def flush_accesses(self) -> int:
        """Write every pending access count now; returns the rows updated."""
        return self._accesses.flush()

    @property
    def pending_accesses(self) -> int:
        """Distinct ids whose access counts wait for the next flush."""
        return self._accesses.pending

    def _flush_accesses(self, pending: Mapping[PendingKey, Counter[str]]) -> int:
        """One UPDATE per (table, increment) for every user at once; only current rows.

        Not a change of anyone's data: change stamps stay (see :meth:`change_stamp`).
        """
        groups: dict[tuple[str, int], dict[str, list[str]]] = {}
        for (user_id, name), counts in pending.items():
            for memory_id, n in counts.items():
                groups.setdefault((name, n), {}).setdefault(user_id, []).append(memory_id)
        if not groups:
            return 0
        started = time.perf_counter()
        updated = 0
        names = sorted({name for name, _ in groups})
        with self._writing(names, []):
            for (name, n), users in sorted(groups.items()):
                owners = " OR ".join(
                    f"({user_filter(u)} AND {in_list('id', ids)})" for u, ids in users.items()
                )
                every = [i for ids in users.values() for i in ids]
                where = conjoin([in_list("id", every), "valid_to IS NULL", owners])
                result = self._tables[name].update(
                    where=where, values_sql={"access_count": f"access_count + {int(n)}"}
                )
                updated += int(getattr(result, "rows_updated", 0) or 0)
        log.debug(
            "store.accesses_flushed",
            updates=len(groups),
            rows=updated,
            ms=round((time.perf_counter() - started) * 1000, 1),
        )
        for listener in list(self._rewrite_listeners):
            listener(updated)
        return updated

    def on_rows_rewritten(self, listener: Callable[[int], None]) -> None:
        """Call ``listener(rows)`` after an access-count flush rewrote ``rows`` rows.

        An UPDATE moves the rows it changes to new fragments, outside the full-text
        and scalar indexes until the next maintenance run; the facade counts them as
        writes so that maintenance brings the indexes back up to date."""
        self._rewrite_listeners.append(listener)

    def change_stamp(self, user_id: str) -> StampValue:
        """A value that changes whenever ``user_id``'s memories may have changed.

        From metadata only (table versions and this store's own write counters; see
        :mod:`mirix_py.store.stamps`): no rows are read or counted. Access counts
        do not move it; another process's writes move every user's stamp.
        """
        validate_user_id(user_id)
        return self._stamps.stamp(user_id)

    def delete(
        self, memory_id: str, *, user_id: str, actor: str = "user", purge: bool = False
    ) -> DeleteReceipt:
        """Remove one memory and the earlier versions it superseded; scrub their history.

        The rows leave every read at once. Their bytes are purged at once with
        ``purge`` (:func:`~mirix_py.store.purge.purge_now`), else by the
        maintenance step before the receipt's ``purge_due_by``.
        """
        record = self.get(memory_id, user_id=user_id)
        mtype = record.memory_type
        with self._write_lock():
            ids = self._version_chain(mtype, memory_id, user_id)
            where = conjoin([user_filter(user_id), in_list("id", ids)])
            history_where = conjoin([user_filter(user_id), in_list("memory_id", ids)])
            fragments = {
                mtype.value: fragments_of(self._tables[mtype.value], where),
                HISTORY_TABLE: fragments_of(self._tables[HISTORY_TABLE], history_where),
            }
            self._tables[mtype.value].delete(where)
            scrubbed = self._scrub_history(history_where)
            self._history_rows(
                [("delete", i, user_id, mtype, None, None) for i in ids],
                actor=actor,
                reason="forget",
            )
            purged_at, due_by = self._schedule_purge(fragments, now=purge)
        log.info(
            "store.deleted",
            user_id=user_id,
            memory_type=mtype.value,
            count=len(ids),
            purged=purged_at is not None,
        )
        return DeleteReceipt(
            user_id=user_id,
            removed={mtype.value: len(ids)},
            memory_ids=ids,
            history_scrubbed=scrubbed,
            purged_versions=purged_at is not None,
            purged_at=purged_at,
            purge_due_by=due_by,
        )

    def _schedule_purge(
        self, fragments: Mapping[str, set[int]], *, now: bool
    ) -> tuple[datetime | None, datetime | None]:
        """Purge at once, or queue the fragments for maintenance. Under the write lock."""
        if now:
            self._purge_now(fragments)
            return datetime.now(UTC), None
        entry = self._purges.add(fragments, due_by=datetime.now(UTC) + self._purge_delay)
        return None, entry.due_by

    def _purge_now(self, fragments: Mapping[str, set[int]]) -> None:
        """Purge these fragments and every pending purge at once (zero clean-up window).

        Runs under the write lock; readers in other processes holding an old
        version may see an error and must re-open (forgetting wins over them).
        """
        targets: dict[str, set[int]] = {k: set(v) for k, v in fragments.items()}
        pending = self._purges.pending()
        for entry in pending:
            for name, queued in entry.fragments.items():
                targets.setdefault(name, set()).update(queued)
        for name, ids in targets.items():
            if name in self._tables:
                retrying(  # a maintainer elsewhere may commit a compaction meanwhile
                    partial(
                        purge_now,
                        self._tables[name],
                        ids,
                        folder=table_folder(self._uri, name),
                        fts_config=_fts_config,
                        segment_rows=self._segment_rows,
                    ),
                    retries=6,
                    what="purge",
                )
        self._purges.remove(e.id for e in pending)

    def _version_chain(self, mtype: MemoryType, memory_id: str, user_id: str) -> list[str]:
        """``memory_id`` and every earlier version it (transitively) superseded."""
        ids = [memory_id]
        frontier = [memory_id]
        while frontier:
            where = conjoin([user_filter(user_id), in_list("superseded_by", frontier)])
            older = [r["id"] for r in self._scan(mtype, where) if r["user_id"] == user_id]
            frontier = [i for i in older if i not in ids]
            ids.extend(frontier)
        return ids

    def delete_all(self, *, user_id: str, purge: bool = False) -> DeleteReceipt:
        """Remove every memory and every history row of one user (and no one else's).

        Bytes are purged at once with ``purge``, else by maintenance (see :meth:`delete`).
        """
        validate_user_id(user_id)
        where = user_filter(user_id)
        removed: dict[str, int] = {}
        ids: list[str] = []
        fragments: dict[str, set[int]] = {}
        with self._write_lock():
            for mtype in self._types:
                table = self._tables[mtype.value]
                rows = (
                    table.search()
                    .where(where)
                    .with_row_id(True)
                    .select(["id"])
                    .limit(_SCAN_LIMIT)
                    .to_list()
                )
                if rows:
                    fragments[mtype.value] = {int(r["_rowid"]) >> 32 for r in rows}
                    table.delete(where)
                removed[mtype.value] = len(rows)
                ids.extend(r["id"] for r in rows)
            history = self._tables[HISTORY_TABLE]
            fragments[HISTORY_TABLE] = fragments_of(history, where)
            scrubbed = int(history.count_rows(where))
            if scrubbed:
                history.delete(where)
            purged_at, due_by = self._schedule_purge(fragments, now=purge)
        log.info("store.deleted_all", user_id=user_id, count=sum(removed.values()))
        return DeleteReceipt(
            user_id=user_id,
            removed=removed,
            memory_ids=ids,
            history_scrubbed=scrubbed,
            purged_versions=purged_at is not None,
            purged_at=purged_at,
            purge_due_by=due_by,
        )

    def _scrub_history(self, where: str) -> int:
        """Empty the content of matching history rows (the events themselves stay)."""
        history = self._tables[HISTORY_TABLE]
        count = int(history.count_rows(where))
        if count:
            history.update(
                where=where,
                values_sql={"old_value": "NULL", "new_value": "NULL", "reason": "''"},
            )
        return count

    def rotate_vault_key(self, cipher: VaultCipher, *, purge: bool = True) -> RotationReceipt:
        """Re-encrypt every vault secret, of every user, under ``cipher``'s primary key.

        An administrative operation (``mirix-py vault rotate-key``), not scoped
        by user. ``cipher`` must also accept the old key(s). Afterwards this store
        encrypts with ``cipher``; with ``purge`` the old ciphertexts are removed
        from disk the way forgotten memories are.
        """
        name = MemoryType.KNOWLEDGE_VAULT.value
        self._table(MemoryType.KNOWLEDGE_VAULT)  # raises if the vault is disabled
        with self._write_lock():
            everything = "id IS NOT NULL"
            fragments = {
                name: fragments_of(self._tables[name], everything),
                HISTORY_TABLE: fragments_of(self._tables[HISTORY_TABLE], everything),
            }
            rows = rotate_vault_rows(self._tables[name], cipher)
            values = rotate_history_rows(self._tables[HISTORY_TABLE], cipher)
            self._cipher = cipher
            if purge:
                self._purge_now(fragments)
        log.info("vault.rotated", vault_rows=rows, history_values=values, purged=purge)
        return RotationReceipt(vault_rows=rows, history_values=values, purged=purge)

    def optimize(self) -> None:
        """Compact fragments and fold new rows into indexes (keeps recent versions)."""
        self._flush_accesses_quietly()
        with self._write_lock():
            for table in self._tables.values():
                table.optimize()

    def reset(self) -> None:
        """Drop every table (all users' memories and history) and recreate them empty."""
        with self._write_lock():
            for name in list(self._tables):
                self._db.drop_table(name)
            self._tables.clear()
            self._has_fts.clear()
            self._no_fts_since.clear()
            self._id_indexed.clear()
            self._accesses.discard()
            for memory_type in self._types:
                self._open(memory_type.value, _record_schema(self._dim))
            self._open(HISTORY_TABLE, _HISTORY_SCHEMA)
            self._stamps.bump_all()
        log.warning("store.reset", memory_types=[t.value for t in self._types])

    def _flush_accesses_quietly(self) -> None:
        try:
            self._accesses.flush()
        except Exception as exc:  # kept for the next flush; bookkeeping never fails a caller
            log.warning("memory.access_flush_failed", error=f"{type(exc).__name__}: {exc}")

    def close(self) -> None:
        """Write pending access counts, stop the search threads and drop table handles."""
        if self._tables:
            try:
                self._accesses.close()
            except Exception as exc:
                log.error("memory.access_flush_failed", error=f"{type(exc).__name__}: {exc}")
        self._tables.clear()


def _quoted(values: Sequence[str]) -> list[str]:
    from mirix_py.store.filters import sql_str

    return [sql_str(v) for v in values]
