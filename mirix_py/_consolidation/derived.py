"""Derived items: what reflection writes, with honest sources.

A :class:`Derivation` is one higher-level item (a semantic fact, a procedural
entry or a core line) and the exact episodes it summarises. Its record has
``origin="derived"`` and ``source_ids`` = the union of those episodes'
``source_ids`` — nothing more. Ids are stable per derivation key, so a re-run
updates the same record instead of adding another.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import structlog

from mirix_py._consolidation.core_bound import add_core_lines
from mirix_py._consolidation.miners import Pattern, Routine
from mirix_py._consolidation.models import ConsolidationAction
from mirix_py._consolidation.threads import Thread
from mirix_py._context import MemoryContext
from mirix_py._memory import (
    EpisodicMemory,
    MemoryRecord,
    MemoryType,
    ProceduralMemory,
    SemanticMemory,
)
from mirix_py._memory.base import utcnow
from mirix_py._memory.core import CoreLine
from mirix_py._memory.extract_common import record_id, unique

log = structlog.get_logger(__name__)

ACTOR = "consolidation"
DERIVED_IMPORTANCE = 0.7
"""Knowledge distilled from several episodes outlives any one of them."""


@dataclass(frozen=True)
class Derivation:
    """One item to derive and the episodes it summarises.

    ``fields`` are the record's own fields (semantic: ``name``, ``summary``,
    ``details``; procedural: ``description``, ``steps``, ``entry_type``; core:
    ``label``, ``line``). With ``accumulate`` a re-derivation adds its sources to
    the stored item (the same statement supported again); without it the sources
    are replaced by exactly this run's episodes (a mined pattern recomputed).
    """

    memory_type: MemoryType
    key: str
    fields: Mapping[str, Any]
    episodes: tuple[EpisodicMemory, ...]
    reason: str
    accumulate: bool = False

    @property
    def source_ids(self) -> list[str]:
        """The union of the episodes' sources, oldest episode first."""
        ordered = sorted(self.episodes, key=lambda e: (e.when, e.sequence or 0, e.id))
        return unique(s for e in ordered for s in e.source_ids)

    @property
    def episode_ids(self) -> list[str]:
        """The ids of the episodes it summarises."""
        return [e.id for e in self.episodes]


def from_pattern(pattern: Pattern) -> Derivation:
    """A semantic item for a repeated action."""
    events = pattern.events()
    episodes = pattern.episodes
    sessions = pattern.sessions()
    return Derivation(
        memory_type=MemoryType.SEMANTIC,
        key=f"habit:{pattern.key}",
        fields={
            "name": pattern.entity[:256],
            "summary": f"{pattern.phrase()} repeatedly: {len(events)} times "
            f"({pattern.dates_text()})",
        },
        episodes=tuple(episodes),
        reason=f"same action on {len(events)} days in {len(sessions)} sessions",
    )


def from_thread(thread: Thread) -> Derivation:
    """A semantic item for one speaker's actions about one topic."""
    sessions = thread.sessions()
    return Derivation(
        memory_type=MemoryType.SEMANTIC,
        key=f"thread:{thread.key}",
        fields={
            "name": thread.entity[:256],
            "summary": thread.summary(),
        },
        episodes=tuple(thread.episodes),
        reason=f"{len(thread.items)} actions about {thread.topic} in {len(sessions)} sessions",
    )


def from_routine(routine: Routine) -> Derivation:
    """A procedural entry for actions done in the same order."""
    steps = [p.phrase(tense="base") for p in routine.steps]
    return Derivation(
        memory_type=MemoryType.PROCEDURAL,
        key=f"routine:{routine.key}",
        fields={
            "entry_type": "routine",
            "description": f"{routine.entity}'s routine: " + ", then ".join(steps),
            "steps": steps,
        },
        episodes=tuple(routine.episodes),
        reason=f"done in this order in {len(routine.sessions)} sessions, never reversed",
    )


def derived_id(user_id: str, memory_type: MemoryType, key: str) -> str:
    """The stable id of a derived item."""
    return record_id(user_id, memory_type, kind=f"derived:{key}")


def build_record(d: Derivation, *, user_id: str) -> MemoryRecord:
    """The record a (semantic or procedural) derivation becomes."""
    common: dict[str, Any] = {
        "id": derived_id(user_id, d.memory_type, d.key),
        "user_id": user_id,
        "source_ids": d.source_ids,
        "occurred_at": max(e.when for e in d.episodes),
        "origin": "derived",
        "importance": DERIVED_IMPORTANCE,
    }
    if d.memory_type is MemoryType.SEMANTIC:
        return SemanticMemory(
            **common,
            name=str(d.fields["name"]),
            summary=str(d.fields["summary"]),
            details=str(d.fields.get("details") or ""),
            source=f"derived by consolidation from {len(d.episodes)} episode(s)",
        )
    if d.memory_type is MemoryType.PROCEDURAL:
        return ProceduralMemory(
            **common,
            entry_type=str(d.fields.get("entry_type") or "workflow"),
            description=str(d.fields["description"]),
            steps=[str(s) for s in d.fields.get("steps") or []],
        )
    raise ValueError(f"cannot derive a {d.memory_type.value} record")


def _action(d: Derivation, kind: str, memory_id: str, reason: str) -> ConsolidationAction:
    return ConsolidationAction(
        step="reflect",
        memory_type=d.memory_type,
        action=kind,  # type: ignore[arg-type]
        memory_id=memory_id,
        related_ids=d.episode_ids,
        reason=reason,
    )


def write_derivations(
    ctx: MemoryContext, *, user_id: str, derivations: Sequence[Derivation]
) -> list[ConsolidationAction]:
    """Store derivations (one upsert per type); returns what happened to each."""
    actions: list[ConsolidationAction] = []
    core = [d for d in derivations if d.memory_type is MemoryType.CORE]
    for label in ("human", "persona"):
        mine = [d for d in core if d.fields.get("label", "human") == label]
        if mine:
            actions.extend(
                add_core_lines(
                    ctx,
                    user_id=user_id,
                    label=label,
                    lines=[CoreLine(str(d.fields["line"]), tuple(d.source_ids)) for d in mine],
                    related={str(d.fields["line"]): d.episode_ids for d in mine},
                )
            )
    for memory_type in (MemoryType.SEMANTIC, MemoryType.PROCEDURAL):
        todo = [d for d in derivations if d.memory_type is memory_type]
        if not todo:
            continue
        if not ctx.config.is_enabled(memory_type):
            actions.extend(
                _action(d, "skipped", "", f"{memory_type.value} memory is disabled") for d in todo
            )
            continue
        actions.extend(_write_type(ctx, user_id, memory_type, todo))
    return actions


def _write_type(
    ctx: MemoryContext, user_id: str, memory_type: MemoryType, todo: Sequence[Derivation]
) -> list[ConsolidationAction]:
    built: dict[str, tuple[Derivation, MemoryRecord]] = {}
    for d in todo:
        record = build_record(d, user_id=user_id)
        seen = built.get(record.id)
        if seen is not None:  # the same item derived twice in one run: one record
            record = seen[1].model_copy(
                update={"source_ids": unique([*seen[1].source_ids, *record.source_ids])}
            )
        built[record.id] = (d, record)
    stored = {
        r.id: r for r in ctx.store.get_many(list(built), user_id=user_id, memory_type=memory_type)
    }
    actions: list[ConsolidationAction] = []
    writes: list[MemoryRecord] = []
    for memory_id, (d, record) in built.items():
        old = stored.get(memory_id)
        if old is None:
            writes.append(record)
            actions.append(_action(d, "derived", memory_id, d.reason))
            continue
        if not old.is_current:
            actions.append(
                _action(d, "skipped", memory_id, f"retired earlier (now {old.superseded_by})")
            )
            continue
        sources = (
            unique([*old.source_ids, *record.source_ids]) if d.accumulate else record.source_ids
        )
        if old.embed_text() == record.embed_text() and old.source_ids == sources:
            actions.append(_action(d, "skipped", memory_id, "unchanged"))
            continue
        writes.append(
            record.model_copy(
                update={
                    "source_ids": sources,
                    "created_at": old.created_at,
                    "valid_from": old.valid_from,
                    "access_count": old.access_count,
                    "updated_at": utcnow(),
                }
            )
        )
        actions.append(_action(d, "updated", memory_id, d.reason))
    if writes:
        ctx.store.upsert(writes, actor=ACTOR, reason="reflection")
    return actions
