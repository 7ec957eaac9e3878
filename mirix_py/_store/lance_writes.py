"""The LanceDB store's writes and history: upserts, supersession, retirement,
access counts and change stamps (see :mod:`mirix_py._store.lancedb_store`)."""

from __future__ import annotations

import time
import uuid
from collections import Counter
from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from typing import Any, Literal

import structlog

from mirix_py._ids import validate_memory_id, validate_user_id
from mirix_py._memory import MemoryRecord, MemoryType
from mirix_py._store.access_buffer import PendingKey
from mirix_py._store.filters import (
    conjoin,
    in_list,
    to_micros,
    user_filter,
)
from mirix_py._store.lance_schema import HISTORY_TABLE, ID_NOT_AVAILABLE
from mirix_py._store.lance_search import _LanceSearch
from mirix_py._store.stamps import StampValue
from mirix_py.errors import AccessDenied, StorageError

log = structlog.get_logger("mirix_py._store.lancedb_store")


class _LanceWrites(_LanceSearch):
    """Writes and history: upserts, supersession, retirement."""

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

    def hold_access_flushes(self) -> AbstractContextManager[None]:
        """While the block runs, batched access counts are not written in the background
        (the maintenance step holds it: their UPDATEs would preempt its compaction)."""
        return self._accesses.held()

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

    def change_stamp(self, user_id: str) -> StampValue:
        """A value that changes whenever ``user_id``'s memories may have changed.

        From metadata only (table versions and this store's own write counters; see
        :mod:`mirix_py._store.stamps`): no rows are read or counted. Access counts
        do not move it; another process's writes move every user's stamp.
        """
        validate_user_id(user_id)
        return self._stamps.stamp(user_id)

    def _flush_accesses_quietly(self) -> None:
        try:
            self._accesses.flush()
        except Exception as exc:  # kept for the next flush; bookkeeping never fails a caller
            log.warning("memory.access_flush_failed", error=f"{type(exc).__name__}: {exc}")
