"""Conflict clean-up within a memory type: contradictions supersede, near-duplicates merge.

Runs over the user's current semantic, procedural and resource records (the
episodic log and the vault are left alone):

* **contradictions** — records setting the same single-valued slot
  (``alice|residence``, a procedure's description) resolve to one winner: the
  newest, unless an older one is *more specific* (its words strictly include
  the newest's, as "works as a pediatric nurse" includes "works as a nurse").
  The others are retired with ``superseded_by`` = the winner; a loser the
  winner subsumes gives it its sources (the winner carries its content).
* **near-duplicates** — records about the same entity whose embeddings reach
  ``memory.near_duplicate_similarity`` *and* whose content words are all among
  the survivor's (the write path's same-gist guard, checked against the
  survivor itself: no chaining through neighbours) merge into the most
  detailed one (then the oldest), which gains their sources; the rest are retired.

Retired records stay in the table and in history (as-of reads still see them).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import structlog

from mirix_py._consolidation.models import ConsolidationAction
from mirix_py._context import MemoryContext
from mirix_py._memory import MemoryRecord, MemoryType
from mirix_py._memory.base import utcnow
from mirix_py._memory.extract_common import gist, norm_key
from mirix_py._memory.registry import specs
from mirix_py._store.base import SCAN_ALL

log = structlog.get_logger(__name__)

ACTOR = "consolidation"
KeyFn = Callable[[MemoryRecord], str | None]


def cleaned_types() -> dict[MemoryType, tuple[KeyFn, KeyFn]]:
    """Per cleaned type (spec ``cleaned``): (near-duplicate group key, single-valued slot key)."""
    return {s.memory_type: (s.dedupe_key, s.slot_key) for s in specs() if s.cleaned}


def words(record: MemoryRecord) -> frozenset[str]:
    """The record's normalised words (of its embedded text)."""
    return frozenset(norm_key(record.embed_text()).split())


def more_specific(a: MemoryRecord, b: MemoryRecord) -> bool:
    """True when ``a`` says everything ``b`` says and more (word sets)."""
    wa, wb = words(a), words(b)
    return wb < wa


@dataclass
class _Outcome:
    """What clean-up decided for one type: survivors to rewrite, losers to retire."""

    survivors: dict[str, MemoryRecord]
    retire: dict[str, list[tuple[str, str]]]  # winner id -> [(loser id, reason)]
    actions: list[ConsolidationAction]

    def retire_into(
        self,
        memory_type: MemoryType,
        winner: MemoryRecord,
        loser: MemoryRecord,
        *,
        action: Literal["superseded", "merged"],
        why: str,
    ) -> None:
        """Record that ``loser`` is retired in favour of ``winner``, and why."""
        self.retire.setdefault(winner.id, []).append((loser.id, why))
        self.actions.append(
            ConsolidationAction(
                step="cleanup",
                memory_type=memory_type,
                action=action,
                memory_id=loser.id,
                related_ids=[winner.id],
                reason=why,
            )
        )


def _short(record: MemoryRecord) -> str:
    text = record.embed_text()
    return text if len(text) <= 80 else text[:79] + "…"


def _absorb(winner: MemoryRecord, loser: MemoryRecord) -> MemoryRecord:
    added = [s for s in loser.source_ids if s not in winner.source_ids]
    if not added:
        return winner
    return winner.model_copy(
        update={"source_ids": [*winner.source_ids, *added], "updated_at": utcnow()}
    )


def resolve_contradictions(
    records: Sequence[MemoryRecord], slot_key: KeyFn, memory_type: MemoryType
) -> _Outcome:
    """One winner per slot (see the module docstring)."""
    out = _Outcome({}, {}, [])
    groups: dict[str, list[MemoryRecord]] = {}
    for r in records:
        key = slot_key(r)
        if key:
            groups.setdefault(key, []).append(r)
    for key, members in sorted(groups.items()):
        if len(members) < 2:
            continue
        members.sort(key=lambda r: (r.when, r.updated_at, r.id))
        newest = members[-1]
        specific = [r for r in members[:-1] if more_specific(r, newest)]
        winner = max(specific, key=lambda r: (len(words(r)), r.when, r.id)) if specific else newest
        merged = out.survivors.get(winner.id, winner)
        for loser in members:
            if loser.id == winner.id:
                continue
            if gist(loser.embed_text()) == gist(winner.embed_text()):
                continue  # the same statement again: a duplicate for the merge step
            subsumed = words(loser) <= words(winner)
            if subsumed:
                merged = _absorb(merged, loser)
                why = f"{key}: {_short(winner)!r} is more specific than {_short(loser)!r}"
            else:
                why = f"{key}: {_short(loser)!r} → {_short(winner)!r} (newest wins)"
            out.retire_into(memory_type, winner, loser, action="superseded", why=why)
        out.survivors[winner.id] = merged
    return out


def _detail(record: MemoryRecord) -> tuple[int, int]:
    """How much a record says: its content words (stems), then all its words."""
    return len(gist(record.embed_text())), len(words(record))


def merge_near_duplicates(
    records: Sequence[MemoryRecord], dedupe_key: KeyFn, memory_type: MemoryType, threshold: float
) -> _Outcome:
    """Merge records with the same key into the most detailed one they repeat.

    The write path's rule, applied in bulk: a record merges into a survivor only
    when their embeddings reach ``threshold`` *and* it says nothing the survivor
    does not (the same gist, its content words among the survivor's). Each record
    is compared with the survivor itself, never through a chain of neighbours, so
    the survivor keeps every merged record's content and may cite its sources.
    """
    out = _Outcome({}, {}, [])
    groups: dict[str, list[MemoryRecord]] = {}
    for r in records:
        key = dedupe_key(r)
        if key and r.embedding is not None:
            groups.setdefault(key, []).append(r)
    for _, members in sorted(groups.items()):
        if len(members) < 2:
            continue
        # most detailed first; among equals the oldest (created first) keeps its id
        members.sort(key=lambda r: (-_detail(r)[0], -_detail(r)[1], r.created_at, r.id))
        matrix = np.asarray([r.embedding for r in members], dtype=np.float32)
        matrix /= np.clip(np.linalg.norm(matrix, axis=1, keepdims=True), 1e-12, None)
        similarity = matrix @ matrix.T
        survivors: list[int] = []
        clusters: dict[int, list[int]] = {}
        for i, record in enumerate(members):
            home = next(
                (
                    s
                    for s in survivors
                    if similarity[s, i] >= threshold
                    and gist(record.embed_text()) <= gist(members[s].embed_text())
                ),
                None,
            )
            if home is None:
                survivors.append(i)
                clusters[i] = []
            else:
                clusters[home].append(i)
        for s, dups in clusters.items():
            if not dups:
                continue
            survivor = members[s]
            merged = survivor
            for i in dups:
                dup = members[i]
                merged = _absorb(merged, dup)
                why = f"near-duplicate of {_short(survivor)!r}: {_short(dup)!r}"
                out.retire_into(memory_type, survivor, dup, action="merged", why=why)
            out.survivors[survivor.id] = merged
    return out


def _apply(ctx: MemoryContext, user_id: str, memory_type: MemoryType, outcome: _Outcome) -> None:
    """Rewrite survivors that gained sources, then retire the losers (in that order,
    so an interruption leaves a duplicate, never a loss)."""
    originals = {
        r.id: r
        for r in ctx.store.get_many(
            list(outcome.survivors), user_id=user_id, memory_type=memory_type
        )
    }
    changed = [
        r
        for memory_id, r in outcome.survivors.items()
        if memory_id in originals and r.source_ids != originals[memory_id].source_ids
    ]
    if changed:
        ctx.store.upsert(changed, actor=ACTOR, reason="clean-up: sources merged")
    into = {loser: winner for winner, losers in outcome.retire.items() for loser, _ in losers}
    if into:
        ctx.store.retire(
            list(into),
            user_id=user_id,
            memory_type=memory_type,
            replaced_by=into,
            event="supersede",
            actor=ACTOR,
            reasons={loser: why for losers in outcome.retire.values() for loser, why in losers},
        )


def clean_up(ctx: MemoryContext, *, user_id: str) -> list[ConsolidationAction]:
    """Resolve contradictions, then merge near-duplicates, in every cleaned type."""
    actions: list[ConsolidationAction] = []
    threshold = ctx.config.memory.near_duplicate_similarity
    for memory_type, (dedupe_key, slot_key) in cleaned_types().items():
        if not ctx.config.is_enabled(memory_type):
            continue
        started = time.perf_counter()
        records = [
            r
            for r in ctx.store.list_records(
                user_id=user_id, memory_type=memory_type, limit=SCAN_ALL
            )
            if r.status != "archived"
        ]
        first = resolve_contradictions(records, slot_key, memory_type)
        _apply(ctx, user_id, memory_type, first)
        retired = {loser for losers in first.retire.values() for loser, _ in losers}
        remaining = [first.survivors.get(r.id, r) for r in records if r.id not in retired]
        second = merge_near_duplicates(remaining, dedupe_key, memory_type, threshold)
        _apply(ctx, user_id, memory_type, second)
        found = [*first.actions, *second.actions]
        actions.extend(found)
        log.info(
            "consolidation.cleaned",
            user_id=user_id,
            memory_type=memory_type.value,
            records=len(records),
            superseded=len(first.actions),
            merged=len(second.actions),
            ms=round((time.perf_counter() - started) * 1000, 1),
        )
    return unique_actions(actions)


def unique_actions(actions: Sequence[ConsolidationAction]) -> list[ConsolidationAction]:
    """Actions in order, each (action, memory id) once."""
    seen: set[tuple[str, str | None]] = set()
    out: list[ConsolidationAction] = []
    for a in actions:
        key = (a.action, a.memory_id)
        if key not in seen:
            seen.add(key)
            out.append(a)
    return out
