"""``explain(memory_id)``: a memory's retention policy, score, and why it was archived."""

from __future__ import annotations

from datetime import UTC, datetime

from mirix_py._consolidation.models import MemoryExplanation
from mirix_py._consolidation.scoring import (
    cap_for,
    fades,
    is_active,
    policy_text,
    retention_score,
)
from mirix_py._context import MemoryContext
from mirix_py._memory.base import as_utc
from mirix_py._store.base import SCAN_ALL


def explain_memory(
    ctx: MemoryContext, memory_id: str, *, user_id: str, now: datetime | None = None
) -> MemoryExplanation:
    """Explain one memory of ``user_id`` (raises ``RecordNotFound``).

    The score is computed at ``now`` for a current record, and at the moment it
    was archived for an archived one; the archive reason is the one recorded in
    its history when it was archived.
    """
    record = ctx.store.get(memory_id, user_id=user_id)
    mtype = record.memory_type
    cfg = ctx.config.retention
    events = ctx.store.history(memory_id, user_id=user_id)
    archive = next((e for e in reversed(events) if e.event == "archive"), None)
    supersede = next((e for e in reversed(events) if e.event == "supersede"), None)
    archived = archive is not None and record.status == "archived" and not record.is_current
    at = record.valid_to if archived and record.valid_to else as_utc(now or datetime.now(UTC))
    cap = cap_for(cfg, mtype)
    active_count = None
    if cap is not None:
        records = ctx.store.list_records(user_id=user_id, memory_type=mtype, limit=SCAN_ALL)
        active_count = sum(is_active(r) for r in records)
    return MemoryExplanation(
        memory_id=record.id,
        memory_type=mtype,
        status=record.status,
        origin=record.origin,
        current=record.is_current,
        fades=fades(mtype),
        policy=(
            "archive summary: holds archived records, never counts towards the cap"
            if record.is_current and record.status == "archived"
            else policy_text(cfg, mtype)
        ),
        score=retention_score(record, now=at, config=cfg) if fades(mtype) else None,
        cap=cap,
        active_count=active_count,
        archived=archived,
        archived_at=archive.at if archived and archive else None,
        archived_into=record.superseded_by if archived else None,
        archive_reason=archive.reason if archived and archive else "",
        superseded_by=record.superseded_by,
        supersede_reason=supersede.reason if supersede else "",
        source_ids=list(record.source_ids),
        history=[
            f"{e.at.isoformat(timespec='seconds')} {e.event} by {e.actor}"
            + (f": {e.reason}" if e.reason else "")
            for e in events
        ],
    )
