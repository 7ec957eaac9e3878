"""The LanceDB implementation of :class:`~mirix_py.store.base.MemoryStore`.

One table per enabled memory type (named after the type) plus ``history``.
Rows hold the common fields as typed columns, the type-specific fields as a
JSON ``payload`` and the embedding as a fixed-size vector. Times are epoch
microseconds (UTC) so filters never need string formatting of dates.

Writes are serialised by a process lock and, for local databases, a file lock
next to the tables, because concurrent ``merge_insert`` calls from several
processes can create duplicate ids (see STACK-NOTES).
"""

from __future__ import annotations

import json
import re
import threading
import time
import uuid
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Literal

import lancedb
import pyarrow as pa
import structlog
from filelock import FileLock
from lancedb.index import FTS, Bitmap, BTree
from langchain_core.embeddings import Embeddings

from mirix_py.errors import AccessDenied, RecordNotFound, StorageError, ValidationError
from mirix_py.ids import validate_memory_id, validate_user_id
from mirix_py.memory import RECORD_TYPES, KnowledgeVaultMemory, MemoryRecord, MemoryType
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
from mirix_py.store.keys import KEY_COLUMNS, entity_key, record_keys
from mirix_py.store.purge import purge_table, table_folder
from mirix_py.store.vault_rotation import (
    RotationReceipt,
    rotate_history_rows,
    rotate_vault_rows,
)
from mirix_py.vault import VaultCipher

log = structlog.get_logger(__name__)

HISTORY_TABLE = "history"
_TIME_COLUMNS = ("created_at", "updated_at", "occurred_at", "valid_from", "valid_to")
_SCAN_LIMIT = 10_000_000
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
            pa.field("id", pa.string(), nullable=False),
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
        pa.field("id", pa.string(), nullable=False),
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
    ) -> None:
        self._uri = uri
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
            self._db = lancedb.connect(uri, read_consistency_interval=interval)
        except Exception as exc:
            raise StorageError(f"cannot open LanceDB at {uri!r}: {exc}") from exc
        self._thread_lock = threading.RLock()
        self._file_lock = FileLock(str(Path(uri) / ".mirix-write.lock")) if local else None
        self._tables: dict[str, Any] = {}
        self._has_fts: set[str] = set()
        self._pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="mirix-search")
        with self._write_lock():
            for memory_type in self._types:
                self._open(memory_type.value, _record_schema(dimension))
            self._open(HISTORY_TABLE, _HISTORY_SCHEMA)

    # ------------------------------------------------------------------ plumbing

    @property
    def memory_types(self) -> tuple[MemoryType, ...]:
        """The memory types this store has tables for."""
        return self._types

    @property
    def uri(self) -> str:
        """Where the database lives."""
        return self._uri

    def _open(self, name: str, schema: pa.Schema) -> None:
        try:
            table = self._db.create_table(name, schema=schema, exist_ok=True)
        except Exception as exc:
            try:  # a table created by an earlier version (same columns, other metadata)
                table = self._db.open_table(name)
            except Exception:
                raise StorageError(f"cannot open table {name!r} in {self._uri!r}: {exc}") from exc
        self._tables[name] = table
        if name != HISTORY_TABLE:
            self._migrate_key_columns(name)
        self._fts_ready(name)

    def _fts_ready(self, name: str) -> bool:
        """Whether table ``name`` has its full-text index (possibly built by another process)."""
        if name in self._has_fts:
            return True
        if name != HISTORY_TABLE and any(
            "text" in idx.columns for idx in self._tables[name].list_indices()
        ):
            self._has_fts.add(name)
            return True
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
        if vector is not None:
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
        self._tables[HISTORY_TABLE].add(rows)

    # ------------------------------------------------------------------ reads

    def _scan(
        self, memory_type: MemoryType, where: str, limit: int = _SCAN_LIMIT
    ) -> list[dict[str, Any]]:
        table = self._table(memory_type)
        rows: list[dict[str, Any]] = table.search().where(where).limit(limit).to_list()
        return rows

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
        """The user's records, newest first (by event time, then update time), paged."""
        validate_user_id(user_id)
        for name, value in (("limit", limit), ("offset", offset)):
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                from mirix_py.errors import ValidationError

                raise ValidationError(f"{name} must be an integer >= 0, got {value!r:.40}")
        clauses = [user_filter(user_id)]
        if not include_superseded:
            clauses.append("valid_to IS NULL")
        if where_source_ids:
            clauses.append(
                " OR ".join(f"array_has(source_ids, {s})" for s in _quoted(where_source_ids))
            )
        where = conjoin(clauses)
        records: list[MemoryRecord] = []
        for mtype in (memory_type,) if memory_type else self._types:
            for row in self._scan(MemoryType(mtype), where):
                if row["user_id"] == user_id:
                    records.append(self._from_row(MemoryType(mtype), row))
        records.sort(key=lambda r: (r.when, r.updated_at, r.id), reverse=True)
        return records[offset : offset + limit]

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
        started = time.perf_counter()
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
        vector_hits: list[tuple[MemoryType, dict[str, Any]]] = []
        fts_hits: list[tuple[MemoryType, dict[str, Any]]] = []
        vector = query.vector
        if query.mode in ("hybrid", "vector") and vector is None and query.text.strip():
            vector = tuple(self._embeddings.embed_query(query.text))
        fts_text = fts_query_text(query.text) if query.mode in ("hybrid", "fts") else ""
        jobs: list[tuple[str, MemoryType, Any]] = []
        for mtype in types:
            table = self._tables[mtype.value]
            if vector is not None:
                jobs.append(
                    (
                        "vector",
                        mtype,
                        table.search(list(vector), vector_column_name="vector")
                        .distance_type("cosine")
                        .where(where, prefilter=True)
                        .limit(depth),
                    )
                )
            if fts_text and self._fts_ready(mtype.value):
                jobs.append(
                    (
                        "fts",
                        mtype,
                        table.search(fts_text, query_type="fts", fts_columns="text")
                        .where(where, prefilter=True)
                        .limit(depth),
                    )
                )
        # The queries run in LanceDB's native code; issuing them together overlaps their I/O.
        results_per_job = list(self._pool.map(lambda job: job[2].to_list(), jobs))
        for (kind, mtype, _), rows in zip(jobs, results_per_job, strict=True):
            (vector_hits if kind == "vector" else fts_hits).extend((mtype, r) for r in rows)
        vector_hits = [h for h in vector_hits if h[1]["user_id"] == query.user_id]
        fts_hits = [h for h in fts_hits if h[1]["user_id"] == query.user_id]
        vector_hits.sort(key=lambda h: h[1]["_distance"])
        fts_hits.sort(key=lambda h: -h[1]["_score"])
        fused = fuse(
            [(h[1]["id"], 1.0 - float(h[1]["_distance"])) for h in vector_hits],
            [(h[1]["id"], float(h[1]["_score"])) for h in fts_hits],
            k=query.rrf_k,
            vector_weight=query.vector_weight if query.mode != "fts" else 0.0,
            fts_weight=query.fts_weight if query.mode != "vector" else 0.0,
        )
        rows_by_id = {h[1]["id"]: h for h in (*fts_hits, *vector_hits)}
        results: list[ScoredRecord] = []
        for memory_id, parts in fused[: query.limit]:
            mtype, row = rows_by_id[memory_id]
            results.append(ScoredRecord(record=self._from_row(mtype, row), score=parts))
        log.debug(
            "store.searched",
            user_id=query.user_id,
            memory_types=[t.value for t in types],
            mode=query.mode,
            hits=len(results),
            ms=round((time.perf_counter() - started) * 1000, 2),
        )
        return results

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
        columns = [*_LOOKUP_COLUMNS, "vector"] if embeddings else list(_LOOKUP_COLUMNS)
        rows = table.search().where(where).select(columns).limit(limit).to_list()
        return [self._from_row(memory_type, r) for r in rows if r["user_id"] == user_id]

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
        where = conjoin(
            [
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
                user_filter(user_id),
                *time_filter(start=None, end=None, include_superseded=False, as_of=as_of),
                in_list(column, keys),
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

        Raises :class:`AccessDenied` if an id already belongs to another user.
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
        with self._write_lock():
            for mtype, rows in by_type.items():
                rows = list({r["id"]: r for r in rows}.values())
                table = self._tables[mtype.value]
                existing = {
                    r["id"]: r for r in self._scan(mtype, in_list("id", [r["id"] for r in rows]))
                }
                for row in rows:
                    old = existing.get(row["id"])
                    if old is not None and old["user_id"] != row["user_id"]:
                        raise AccessDenied(
                            f"memory id {row['id']!r} belongs to another user; use a new id"
                        )
                    if old is not None:
                        row["created_at"] = old["created_at"]
                (
                    table.merge_insert("id")
                    .when_matched_update_all()
                    .when_not_matched_insert_all()
                    .execute(rows)
                )
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
        retired = old.model_copy(
            update={"valid_to": now, "superseded_by": new_record.id, "updated_at": now}
        )
        new_record = new_record.model_copy(update={"valid_from": now})
        vectors = self._embed_missing([retired, new_record])
        mtype = new_record.memory_type
        table = self._tables[mtype.value]
        with self._write_lock():
            old_row = self._scan(mtype, in_list("id", [old_id]), limit=1)[0]
            rows = [self._to_row(retired, vectors[0]), self._to_row(new_record, vectors[1])]
            (
                table.merge_insert("id")
                .when_matched_update_all()
                .when_not_matched_insert_all()
                .execute(rows)
            )
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
        table = self._table(mtype)
        where = conjoin([user_filter(user_id), in_list("id", ids), "valid_to IS NULL"])
        now = to_micros(datetime.now(UTC))
        with self._write_lock():
            old_rows = [r for r in self._scan(mtype, where) if r["user_id"] == user_id]
            if not old_rows:
                return []
            new_rows: list[dict[str, Any]] = []
            for old in old_rows:
                row = {k: v for k, v in old.items() if not k.startswith("_")}
                row.update(valid_to=now, superseded_by=by_id.get(row["id"]), updated_at=now)
                if event == "archive":
                    row["status"] = "archived"
                new_rows.append(row)
            (
                table.merge_insert("id")
                .when_matched_update_all()
                .when_not_matched_insert_all()
                .execute(new_rows)
            )
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
        """Add one to ``access_count`` of the user's current records among ``memory_ids``."""
        validate_user_id(user_id)
        ids = list(dict.fromkeys(validate_memory_id(m) for m in memory_ids))
        if not ids:
            return 0
        where = conjoin([user_filter(user_id), in_list("id", ids), "valid_to IS NULL"])
        updated = 0
        with self._write_lock():
            for mtype in (memory_type,) if memory_type else self._types:
                table = self._table(MemoryType(mtype))
                result = table.update(where=where, values_sql={"access_count": "access_count + 1"})
                updated += int(getattr(result, "rows_updated", 0) or 0)
        return updated

    def delete(
        self, memory_id: str, *, user_id: str, actor: str = "user", purge: bool = True
    ) -> DeleteReceipt:
        """Remove one memory and the earlier versions it superseded; scrub their history.

        With ``purge`` (the default) the removed content also leaves the disk
        (see :mod:`mirix_py.store.purge`); routine deletes by the managers pass
        ``purge=False`` and leave that to the next forget or ``optimize``.
        """
        record = self.get(memory_id, user_id=user_id)
        mtype = record.memory_type
        with self._write_lock():
            ids = self._version_chain(mtype, memory_id, user_id)
            where = conjoin([user_filter(user_id), in_list("id", ids)])
            self._tables[mtype.value].delete(where)
            scrubbed = self._scrub_history(
                conjoin([user_filter(user_id), in_list("memory_id", ids)])
            )
            self._history_rows(
                [("delete", i, user_id, mtype, None, None) for i in ids],
                actor=actor,
                reason="forget",
            )
            if purge:
                self._purge([mtype.value, HISTORY_TABLE])
        log.info("store.deleted", user_id=user_id, memory_type=mtype.value, count=len(ids))
        return DeleteReceipt(
            user_id=user_id,
            removed={mtype.value: len(ids)},
            memory_ids=ids,
            history_scrubbed=scrubbed,
            purged_versions=purge,
        )

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

    def delete_all(self, *, user_id: str, purge: bool = True) -> DeleteReceipt:
        """Remove every memory and every history row of one user (and no one else's)."""
        validate_user_id(user_id)
        where = user_filter(user_id)
        removed: dict[str, int] = {}
        ids: list[str] = []
        with self._write_lock():
            for mtype in self._types:
                table = self._tables[mtype.value]
                rows = table.search().where(where).select(["id"]).limit(_SCAN_LIMIT).to_list()
                if rows:
                    table.delete(where)
                removed[mtype.value] = len(rows)
                ids.extend(r["id"] for r in rows)
            history = self._tables[HISTORY_TABLE]
            scrubbed = int(history.count_rows(where))
            if scrubbed:
                history.delete(where)
            if purge:
                self._purge([*(t.value for t in self._types), HISTORY_TABLE])
        log.info("store.deleted_all", user_id=user_id, count=sum(removed.values()))
        return DeleteReceipt(
            user_id=user_id,
            removed=removed,
            memory_ids=ids,
            history_scrubbed=scrubbed,
            purged_versions=purge,
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

    def _purge(self, names: Sequence[str]) -> None:
        """Leave only live rows on disk in these tables (see :mod:`mirix_py.store.purge`).

        Runs under the write lock; readers in other processes holding an old
        version may see an error and must re-open (forgetting wins over them).
        """
        for name in names:
            purge_table(
                self._tables[name], folder=table_folder(self._uri, name), fts_config=_fts_config
            )

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
            rows = rotate_vault_rows(self._tables[name], cipher)
            values = rotate_history_rows(self._tables[HISTORY_TABLE], cipher)
            self._cipher = cipher
            if purge:
                self._purge([name, HISTORY_TABLE])
        log.info("vault.rotated", vault_rows=rows, history_values=values, purged=purge)
        return RotationReceipt(vault_rows=rows, history_values=values, purged=purge)

    def optimize(self) -> None:
        """Compact fragments and fold new rows into indexes (keeps recent versions)."""
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
            for memory_type in self._types:
                self._open(memory_type.value, _record_schema(self._dim))
            self._open(HISTORY_TABLE, _HISTORY_SCHEMA)
        log.warning("store.reset", memory_types=[t.value for t in self._types])

    def close(self) -> None:
        """Stop the search threads and drop table handles."""
        self._pool.shutdown(wait=True)
        self._tables.clear()


def _quoted(values: Sequence[str]) -> list[str]:
    from mirix_py.store.filters import sql_str

    return [sql_str(v) for v in values]
