"""Forgetting by archiving: per-user caps per type, lowest retention scores first.

When a user's active records of a type exceed ``retention.caps.<type>``, the
lowest-scoring ones (:func:`~mirix_py._consolidation.scoring.retention_score`)
are archived until ``cap × (1 - headroom)`` remain. Archiving never deletes:

1. the archived records are grouped (episodes by session, in time order; facts
   by entity) into compact **summary records** of the same type, with
   ``status="archived"``, ``origin="derived"`` and the union of the members'
   sources; summaries are current and searchable but do not count towards the cap;
2. each member is retired (``valid_to`` set, ``status="archived"``,
   ``superseded_by`` = its summary) with an ``archive`` history event whose
   reason gives its score — :func:`~mirix_py._consolidation.explain.explain`
   shows it. Members stay in the table: history, ``include_superseded`` and
   as-of reads still see them whole.

Core memory and the knowledge vault never fade.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import structlog

from mirix_py._consolidation.miners import session_of
from mirix_py._consolidation.models import ConsolidationAction
from mirix_py._consolidation.scoring import cap_for, is_active, rank_key, retention_score
from mirix_py._context import MemoryContext
from mirix_py._dates import collapse_dates
from mirix_py._memory import (
    EpisodicMemory,
    MemoryRecord,
    MemoryType,
)
from mirix_py._memory.extract_common import ARCHIVE_KIND as ARCHIVE_KIND
from mirix_py._memory.extract_common import record_id, unique
from mirix_py._memory.registry import spec_of
from mirix_py._store.base import SCAN_ALL

log = structlog.get_logger(__name__)

ACTOR = "retention"
SUMMARY_CHARS = 3000
"""About this many characters of member text go into one summary (at least
:data:`MIN_LINE_CHARS` per member), so the summary stays searchable and compact."""
MIN_LINE_CHARS = 60


def is_summary(record: MemoryRecord) -> bool:
    """Whether ``record`` is an archive summary written by retention."""
    return record.status == "archived" and record.is_current


def _per_line(n: int) -> int:
    return max(MIN_LINE_CHARS, SUMMARY_CHARS // max(n, 1))


def group_members(
    memory_type: MemoryType, records: Sequence[MemoryRecord], size: int
) -> list[list[MemoryRecord]]:
    """Chunks of at most ``size`` records: episodes in time order keeping sessions
    together where they fit; other types by entity/title."""
    if memory_type is MemoryType.EPISODIC:
        sessions: dict[str, list[MemoryRecord]] = {}
        for r in sorted(records, key=lambda r: (r.when, getattr(r, "sequence", 0) or 0, r.id)):
            key = session_of(r) if isinstance(r, EpisodicMemory) else r.when.date().isoformat()
            sessions.setdefault(key, []).append(r)
        chunks: list[list[MemoryRecord]] = []
        current: list[MemoryRecord] = []
        for members in sessions.values():
            for start in range(0, len(members), size):
                piece = members[start : start + size]
                if current and len(current) + len(piece) > size:
                    chunks.append(current)
                    current = []
                current.extend(piece)
        if current:
            chunks.append(current)
        return chunks
    keyed: dict[str, list[MemoryRecord]] = {}
    for r in sorted(records, key=lambda r: (r.when, r.id)):
        keyed.setdefault(str(getattr(r, "name", "") or ""), []).append(r)
    return [
        members[start : start + size]
        for _, members in sorted(keyed.items())
        for start in range(0, len(members), size)
    ]


def summary_record(
    memory_type: MemoryType, members: Sequence[MemoryRecord], *, user_id: str
) -> MemoryRecord:
    """The compact archive summary of ``members`` (same type); it cites the sources of the
    members whose line it keeps whole, not of those it had to clip."""
    spec = spec_of(memory_type)
    if spec.summarise is None:
        raise ValueError(f"{memory_type.value} memory has no archive summary (spec summarise)")
    ordered = sorted(members, key=lambda r: (r.when, getattr(r, "sequence", 0) or 0, r.id))
    n = len(ordered)
    per = _per_line(n)
    common: dict[str, Any] = {
        "id": record_id(user_id, memory_type, [r.id for r in ordered], ARCHIVE_KIND),
        "user_id": user_id,
        "source_ids": unique(
            s for r in ordered if spec.summary_cites(r, per) for s in r.source_ids
        ),
        "occurred_at": ordered[0].when,
        "status": "archived",
        "origin": "derived",
        "importance": max(r.importance for r in ordered),
    }
    dates = collapse_dates(r.when.date() for r in ordered)
    return spec.summarise(ordered, common, per, dates)


def archive_type(
    ctx: MemoryContext, *, user_id: str, memory_type: MemoryType, now: datetime
) -> list[ConsolidationAction]:
    """Archive the lowest-scoring active records of one type above its cap."""
    cfg = ctx.config.retention
    cap = cap_for(cfg, memory_type)
    if cap is None or not ctx.config.is_enabled(memory_type):
        return []
    if ctx.store.count(user_id=user_id, memory_type=memory_type) <= cap:
        return []  # every row counted, retired ones too: cannot be over the cap
    started = time.perf_counter()
    records = ctx.store.list_records(user_id=user_id, memory_type=memory_type, limit=SCAN_ALL)
    active = [r for r in records if is_active(r)]
    if len(active) <= cap:
        return []
    keep = math.floor(cap * (1 - cfg.headroom))
    ranked = sorted(active, key=lambda r: (rank_key(r, now=now, config=cfg), r.when, r.id))
    victims = ranked[: len(active) - keep]
    groups = group_members(memory_type, victims, cfg.archive_group_size)
    summaries = [summary_record(memory_type, g, user_id=user_id) for g in groups]
    ctx.store.upsert(summaries, actor=ACTOR, reason="retention: archive summary")
    reasons: dict[str, str] = {}
    into: dict[str, str] = {}
    for summary, group in zip(summaries, groups, strict=True):
        for r in group:
            into[r.id] = summary.id
            reasons[r.id] = (
                f"retention: score {retention_score(r, now=now, config=cfg).describe()}; "
                f"{len(active)} active {memory_type.value} > cap {cap}; "
                f"archived into {summary.id}"
            )
    ctx.store.retire(
        list(reasons),
        user_id=user_id,
        memory_type=memory_type,
        replaced_by=into,
        event="archive",
        actor=ACTOR,
        reasons=reasons,
    )
    actions = [
        ConsolidationAction(
            step="retention",
            memory_type=memory_type,
            action="archived",
            memory_id=memory_id,
            related_ids=[into[memory_id]],
            reason=reason,
        )
        for memory_id, reason in reasons.items()
    ]
    log.info(
        "consolidation.archived",
        user_id=user_id,
        memory_type=memory_type.value,
        active=len(active),
        cap=cap,
        archived=len(victims),
        summaries=len(summaries),
        ms=round((time.perf_counter() - started) * 1000, 1),
    )
    return actions


def apply_retention(
    ctx: MemoryContext, *, user_id: str, now: datetime
) -> list[ConsolidationAction]:
    """Archive over-cap records of every fading type (see the module docstring)."""
    actions: list[ConsolidationAction] = []
    for memory_type in ctx.config.memory.enabled:
        actions.extend(archive_type(ctx, user_id=user_id, memory_type=memory_type, now=now))
    return actions
