"""Expansion of the retrieved memories by targeted lookups on indexed keys.

The turns around the strongest episodic hits (from the episodic candidate pool when it
holds them, else ``store.neighbours``) and the other facts about the strongest semantic
entities (``store.by_keys``) are added at a low score (:data:`EXPANSION_SCALE` of their
parent's), so they only fill the context budget left over.

Measured (2026-12-02) and dropped: scaling an entity fact that shares no word of the
question's own (light verbs and the entity's name left out) by a further 0.2, below the
turns that fill the budget. On LOCOMO dev conversations 0–2 the two questions of 385 it
changed both went down ("how do X and Y destress?" lost the facts about a dance studio and
a dance class: facts answer in other words than the question's).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from mirix_py._chat.episodes import CachedPool
from mirix_py._chat.models import Hit, ScoreBreakdown
from mirix_py._memory import EpisodicMemory, MemoryType
from mirix_py._store.base import MemoryStore
from mirix_py._store.keys import entity_key, session_key

EXPAND_TOP = 3
ENTITY_FACTS = 50
EXPANSION_SCALE = 0.2


def expand(
    store: MemoryStore,
    user_id: str,
    hits: Sequence[Hit],
    *,
    as_of: datetime | None,
    episodes: CachedPool | None = None,
) -> list[Hit]:
    """What targeted lookups add to ``hits``: neighbours of the strongest turns (from
    the episodic pool when it holds them, else one lookup) and other facts about the
    strongest entities (one lookup)."""
    have = {h.memory_id for h in hits}
    extra: list[Hit] = []
    episodic = [h for h in hits if h.memory_type is MemoryType.EPISODIC][:EXPAND_TOP]
    if episodic:
        floor = episodic[0].score.score * 0.5
        parents = [h for h in episodic if h.score.score >= floor]
        if episodes is not None:
            extra.extend(_pooled_neighbours(episodes, parents, have))
            parents = [p for p in parents if p.memory_id not in episodes.expanded]
        extra.extend(_neighbours(store, user_id, parents, have, as_of=as_of))
    extra.extend(_entity_facts(store, user_id, hits, have, as_of=as_of))
    return extra


def _entity_facts(
    store: MemoryStore, user_id: str, hits: Sequence[Hit], have: set[str], *, as_of: datetime | None
) -> list[Hit]:
    """The other facts about the entities of the two best facts (one lookup)."""
    parents: dict[str, Hit] = {}
    for parent in [h for h in hits if h.memory_type is MemoryType.SEMANTIC][:2]:
        name = str(parent.record.get("name") or "").strip()
        if name:
            parents.setdefault(entity_key(name), parent)
    if not parents:
        return []
    related = store.by_keys(
        "entity",
        list(parents),
        user_id=user_id,
        memory_type=MemoryType.SEMANTIC,
        as_of=as_of,
        limit=ENTITY_FACTS * len(parents),
    )
    extra: list[Hit] = []
    for record in related:
        about = parents.get(entity_key(str(getattr(record, "name", ""))))
        if about is None or record.id in have:
            continue
        have.add(record.id)
        extra.append(
            Hit(
                memory_id=record.id,
                memory_type=MemoryType.SEMANTIC,
                record=record.model_dump(mode="json", exclude={"embedding"}),
                score=ScoreBreakdown(score=EXPANSION_SCALE * about.score.score),
                stage="entity",
                query=str(about.record.get("name") or "").strip(),
            )
        )
    return extra


def _neighbours(
    store: MemoryStore,
    user_id: str,
    parents: Sequence[Hit],
    have: set[str],
    *,
    as_of: datetime | None,
) -> list[Hit]:
    """The turns just before and after each parent turn in its session (one lookup)."""
    spots: dict[str, tuple[str, int]] = {}
    for parent in parents:
        sequence = parent.record.get("sequence")
        if parent.session is not None and isinstance(sequence, int):
            spots[parent.memory_id] = (parent.session, sequence)
    if not spots:
        return []
    found = store.neighbours(list(spots.values()), user_id=user_id, as_of=as_of)
    by_session: dict[str, list[EpisodicMemory]] = {}
    for record in found:
        if isinstance(record, EpisodicMemory):
            by_session.setdefault(session_key(record), []).append(record)
    extra: list[Hit] = []
    for parent in parents:
        spot = spots.get(parent.memory_id)
        if spot is None:
            continue
        turns = by_session.get(spot[0], [])
        at = next((i for i, r in enumerate(turns) if r.id == parent.memory_id), None)
        if at is None:
            continue
        for j in (at - 1, at + 1):
            if not 0 <= j < len(turns) or turns[j].id in have:
                continue
            record = turns[j]
            have.add(record.id)
            extra.append(
                Hit(
                    memory_id=record.id,
                    memory_type=MemoryType.EPISODIC,
                    record=record.model_dump(mode="json", exclude={"embedding"}),
                    score=ScoreBreakdown(score=EXPANSION_SCALE * parent.score.score),
                    stage="neighbour",
                    session=spot[0],
                    position=record.sequence if record.sequence is not None else j,
                )
            )
    return extra


def _pooled_neighbours(episodes: CachedPool, parents: Sequence[Hit], have: set[str]) -> list[Hit]:
    """The pooled turns adjacent to the parents whose neighbours the pool holds."""
    pool = episodes.pool
    extra: list[Hit] = []
    for parent in parents:
        if parent.memory_id not in episodes.expanded:
            continue
        for j in pool.adjacent(pool.row[parent.memory_id]):
            if pool.ids[j] in have:
                continue
            have.add(pool.ids[j])
            extra.append(
                Hit(
                    memory_id=pool.ids[j],
                    memory_type=MemoryType.EPISODIC,
                    record=pool.records[j],
                    score=ScoreBreakdown(score=EXPANSION_SCALE * parent.score.score),
                    stage="neighbour",
                    session=pool.session(j),
                    position=pool.position(j),
                )
            )
    return extra
