"""Recording that memories were used, so retention keeps what retrieval relies on.

The read path calls :func:`note_hit_accesses` with the memories that made it
into an answer's context: the store counts them in memory and writes them in
batches off the hot path (``MemoryStore.note_access``; flushed periodically, by
maintenance, before consolidation and on close). :func:`record_hit_accesses`
writes at once (one batched update per memory type present, no history row).
Bookkeeping never breaks a read: a store without these methods or a failed
update is logged and ignored.
"""

from __future__ import annotations

import time
from collections.abc import Iterable

import structlog

from mirix_py._memory.base import MemoryType
from mirix_py._store.base import MemoryStore

log = structlog.get_logger(__name__)


def record_accesses(
    store: MemoryStore,
    user_id: str,
    memory_ids: Iterable[str],
    *,
    memory_type: MemoryType | None = None,
) -> int:
    """Count one access for each distinct id (of ``memory_type`` when given, which saves
    an update per other table); returns how many records were updated."""
    ids = list(dict.fromkeys(i for i in memory_ids if i))
    if not ids:
        return 0
    started = time.perf_counter()
    try:
        updated = store.record_access(ids, user_id=user_id, memory_type=memory_type)
    except Exception as exc:  # bookkeeping must never fail a read
        error = f"{type(exc).__name__}: {exc}"
        log.warning("memory.access_not_recorded", user_id=user_id, error=error)
        return 0
    log.debug(
        "memory.accessed",
        user_id=user_id,
        memory_type=memory_type.value if memory_type else None,
        count=updated,
        ms=round((time.perf_counter() - started) * 1000, 1),
    )
    return updated


def record_hit_accesses(
    store: MemoryStore, user_id: str, hits: Iterable[tuple[MemoryType | str, str]]
) -> int:
    """:func:`record_accesses` for ``(memory_type, memory_id)`` pairs, one update per
    type present — what the chat agent calls with the memories it put in context."""
    by_type: dict[MemoryType, list[str]] = {}
    for memory_type, memory_id in hits:
        by_type.setdefault(MemoryType(memory_type), []).append(memory_id)
    return sum(
        record_accesses(store, user_id, ids, memory_type=memory_type)
        for memory_type, ids in by_type.items()
    )


def note_hit_accesses(
    store: MemoryStore, user_id: str, hits: Iterable[tuple[MemoryType | str, str]]
) -> int:
    """Count one access for each ``(memory_type, memory_id)`` pair, written later in a
    batch (what the chat agent calls with the memories it put in context); falls back
    by :meth:`~mirix_py._store.base.MemoryStore.flush_accesses`."""
    by_type: dict[MemoryType, list[str]] = {}
    for memory_type, memory_id in hits:
        if memory_id:
            by_type.setdefault(MemoryType(memory_type), []).append(memory_id)
    counted = 0
    for memory_type, ids in by_type.items():
        try:
            counted += store.note_access(ids, user_id=user_id, memory_type=memory_type)
        except Exception as exc:  # bookkeeping must never fail a read
            error = f"{type(exc).__name__}: {exc}"
            log.warning("memory.access_not_recorded", user_id=user_id, error=error)
    return counted


def flush_accesses(store: MemoryStore) -> int:
    """Write the store's pending access counts now; call before reading
    ``access_count`` (retention, explain)."""
    try:
        return store.flush_accesses()
    except Exception as exc:  # kept by the store for its next flush
        log.warning("memory.access_flush_failed", error=f"{type(exc).__name__}: {exc}")
        return 0
