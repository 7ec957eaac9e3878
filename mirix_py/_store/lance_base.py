"""The LanceDB store's plumbing: connection, tables and indexes, locks, and the
mapping between records and rows (see :mod:`mirix_py._store.lancedb_store`)."""

from __future__ import annotations

import asyncio
import json
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import lancedb
import numpy as np
import pyarrow as pa
import structlog
from filelock import FileLock
from lancedb.background_loop import LOOP
from lancedb.index import FTS, Bitmap, BTree
from langchain_core.embeddings import Embeddings

from mirix_py._memory import RECORD_TYPES, KnowledgeVaultMemory, MemoryRecord, MemoryType
from mirix_py._store.access_buffer import AccessBuffer, PendingKey
from mirix_py._store.ann import AnnRegistry
from mirix_py._store.base import (
    HistoryEventKind,
)
from mirix_py._store.filters import (
    to_micros,
)
from mirix_py._store.keyed import as_arrow, declare_key, upsert_rows
from mirix_py._store.keys import record_keys
from mirix_py._store.lance_schema import (
    _COMMIT_RETRIES,
    _FILTER_INDEXED,
    _FTS_RECHECK_SECONDS,
    _HISTORY_SCHEMA,
    _KEY_FIELDS,
    _KEY_INDEXED,
    _LIST_ORDER_SQL,
    _MIGRATION_BATCH,
    _SCAN_LIMIT,
    _TIME_COLUMNS,
    HISTORY_TABLE,
    ID_NOT_AVAILABLE,
    LIST_ORDER,
    _from_micros,
    _fts_config,
    _keys_from_row,
    _record_schema,
    list_order,
)
from mirix_py._store.object_purge_queue import ObjectStorePurgeQueue
from mirix_py._store.owner_counts import OwnerCounts
from mirix_py._store.purge_queue import PurgeQueue
from mirix_py._store.retry import retrying
from mirix_py._store.segments import FRAGMENT_ROWS, HISTORY_FRAGMENT_ROWS, SEGMENT_ROWS, Layout
from mirix_py._store.stamps import ChangeStamps
from mirix_py._store.stored_vector import attach_vector
from mirix_py._vault import VaultCipher
from mirix_py.errors import AccessDenied, MemoryTypeDisabled, StorageError

log = structlog.get_logger("mirix_py._store.lancedb_store")


class _LanceBase:
    """State and plumbing shared by the store's parts."""

    if TYPE_CHECKING:  # defined by a later part (lance_writes), used by __init__

        def _flush_accesses(self, pending: Mapping[PendingKey, Counter[str]]) -> int: ...

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
        fragment_rows: int = FRAGMENT_ROWS,
        history_fragment_rows: int = HISTORY_FRAGMENT_ROWS,
    ) -> None:
        self._uri = uri
        self._layout = Layout(fragment_rows=fragment_rows, segment_rows=index_segment_rows)
        self._history_layout = self._layout.for_history(history_fragment_rows)
        self._purge_delay = timedelta(seconds=purge_delay_seconds)
        self._storage_options = dict(storage_options or {})
        self._purges: PurgeQueue | ObjectStorePurgeQueue = (
            ObjectStorePurgeQueue(uri, options=storage_options) if "://" in uri else PurgeQueue(uri)
        )
        self._ann = AnnRegistry(uri)
        self._owner_counts = OwnerCounts()
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
            self._versions,
            lambda: list(self._tables),
            precise=self._file_lock is not None,
        )
        self._accesses = AccessBuffer(self._flush_accesses, interval=access_flush_seconds)
        with self._write_lock():
            for memory_type in self._types:
                self._open(memory_type.value, _record_schema(dimension))
            self._open(HISTORY_TABLE, _HISTORY_SCHEMA)
        self._stamps.start()

    def _versions(self, names: Sequence[str]) -> dict[str, int]:
        """The current version of each table named, read together (one hand-off to
        LanceDB's loop instead of one per table; a write reads them twice)."""
        tables = [self._tables[name] for name in names]
        twins: list[Any] = [getattr(t, "_table", None) for t in tables]
        if any(twin is None or not hasattr(twin, "version") for twin in twins):
            return {name: int(t.version) for name, t in zip(names, tables, strict=True)}

        async def read() -> list[int]:
            return list(await asyncio.gather(*(twin.version() for twin in twins)))

        found: list[int] = LOOP.run(read())  # type: ignore[no-untyped-call]
        return {name: int(v) for name, v in zip(names, found, strict=True)}

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

    def layout_of(self, name: str) -> Layout:
        """How big table ``name``'s fragments and index segments may grow."""
        return self._history_layout if name == HISTORY_TABLE else self._layout

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
            self._migrate_list_order(name)
            self._ensure_key_indexes(name)  # e.g. the validity index, new in this version
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
        """BTree indexes on the key columns (``session_key``, ``entity``), the listing
        order and the validity column (``valid_to``) of a non-empty table."""
        table = self._tables[name]
        have = {c for idx in table.list_indices() for c in idx.columns}
        present = set(table.schema.names)
        wanted = (*_KEY_INDEXED, LIST_ORDER, *_FILTER_INDEXED)
        missing = [c for c in wanted if c in present and c not in have]
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

    def _migrate_list_order(self, name: str) -> None:
        """Add the stored listing order to a table created before it existed, in place.

        One ``add_columns`` with a SQL expression computes it from the time columns
        inside Lance (no row passes through Python); the column is then declared
        non-null and indexed (BTree) like the other key columns.
        """
        table = self._tables[name]
        if LIST_ORDER in table.schema.names:
            return
        started = time.perf_counter()
        try:
            table.add_columns({LIST_ORDER: _LIST_ORDER_SQL})
            table.alter_columns({"path": LIST_ORDER, "nullable": False})
        except Exception:
            if LIST_ORDER not in table.schema.names:  # not another process migrating at once
                raise
        self._ensure_key_indexes(name)
        log.info(
            "store.list_order_migrated",
            table=name,
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
        row[LIST_ORDER] = list_order(row)
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
        for column in _TIME_COLUMNS:
            data[column] = _from_micros(row.get(column))
        data.pop("embedding", None)
        record = RECORD_TYPES[memory_type].model_validate(data)
        vector = row.get("vector")
        if vector is None:
            return record
        # the column is fixed-size float32: no per-float validation (see stored_vector)
        return attach_vector(record, np.asarray(vector, dtype=np.float32))

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
        # the listing order follows the time columns on every write (an edit may move it)
        data = as_arrow([{**row, LIST_ORDER: list_order(row)} for row in rows], table.schema)
        # Another server (or the maintainer) may commit to the table meanwhile: a lost
        # commit race is retried (the keyed upsert is idempotent), bounded.
        inserted, updated = retrying(
            lambda: upsert_rows(table, data, known_new=known_new, serialized=self._serialized),
            retries=_COMMIT_RETRIES,
            what=f"upsert {mtype.value}",
        )
        if inserted + updated < len(rows):
            raise AccessDenied(ID_NOT_AVAILABLE.format(id="of this batch"))

    def on_rows_rewritten(self, listener: Callable[[int], None]) -> None:
        """Call ``listener(rows)`` after an access-count flush rewrote ``rows`` rows.

        An UPDATE moves the rows it changes to new fragments, outside the full-text
        and scalar indexes until the next maintenance run; the facade counts them as
        writes so that maintenance brings the indexes back up to date."""
        self._rewrite_listeners.append(listener)
