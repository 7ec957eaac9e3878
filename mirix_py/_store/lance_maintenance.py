"""The LanceDB store's forgetting and maintenance: delete and purge, vault key
rotation, compaction, reset and close (see :mod:`mirix_py._store.lancedb_store`)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from functools import partial

import structlog

from mirix_py._ids import validate_user_id
from mirix_py._memory import MemoryType
from mirix_py._store.base import (
    DeleteReceipt,
)
from mirix_py._store.filters import (
    conjoin,
    in_list,
    user_filter,
)
from mirix_py._store.lance_schema import (
    _HISTORY_SCHEMA,
    _SCAN_LIMIT,
    HISTORY_TABLE,
    _fts_config,
    _record_schema,
)
from mirix_py._store.lance_writes import _LanceWrites
from mirix_py._store.purge import fragments_holding, fragments_of, purge_now, table_folder
from mirix_py._store.retry import retrying
from mirix_py._store.vault_rotation import (
    RotationReceipt,
    rotate_history_rows,
    rotate_vault_rows,
)
from mirix_py._vault import VaultCipher

log = structlog.get_logger("mirix_py._store.lancedb_store")


class _LanceMaintenance(_LanceWrites):
    """Forgetting and maintenance: delete and purge, vault key."""

    def delete(
        self, memory_id: str, *, user_id: str, actor: str = "user", purge: bool = False
    ) -> DeleteReceipt:
        """Remove one memory and the earlier versions it superseded; scrub their history.

        The rows leave every read at once. Their bytes are purged at once with
        ``purge`` (:func:`~mirix_py._store.purge.purge_now`), else by the
        maintenance step before the receipt's ``purge_due_by``.
        """
        record = self.get(memory_id, user_id=user_id)
        mtype = record.memory_type
        with self._write_lock():
            ids = self._version_chain(mtype, memory_id, user_id)
            where = conjoin([user_filter(user_id), in_list("id", ids)])
            history_where = conjoin([user_filter(user_id), in_list("memory_id", ids)])
            fragments = {
                mtype.value: fragments_holding(
                    self._tables[mtype.value], "id", ids, user_id=user_id
                ),
                HISTORY_TABLE: fragments_holding(
                    self._tables[HISTORY_TABLE], "memory_id", ids, user_id=user_id
                ),
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
                layout = self.layout_of(name)
                retrying(  # a maintainer elsewhere may commit a compaction meanwhile
                    partial(
                        purge_now,
                        self._tables[name],
                        ids,
                        folder=table_folder(self._uri, name),
                        fts_config=_fts_config,
                        segment_rows=layout.segment_rows,
                        fragment_rows=layout.fragment_rows,
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

    def close(self) -> None:
        """Write pending access counts, stop the search threads and drop table handles."""
        if self._tables:
            try:
                self._accesses.close()
            except Exception as exc:
                log.error("memory.access_flush_failed", error=f"{type(exc).__name__}: {exc}")
        self._tables.clear()
