"""Coarse and fine retrieval for the chat agent.

Coarse retrieval runs one hybrid search per enabled memory type that holds
memories of the user (concurrently; the question's embedding for the dense side,
its content words for the full-text side). Fine retrieval then searches the
selected stores more deeply with the refined queries and time ranges:

- **episodic** memories are ranked over the user's whole in-memory
  :class:`~mirix_py.chat.episodes.MemoryIndex` (dense + BM25 fused, with the
  session prior, neighbour smoothing and question cues of
  :mod:`mirix_py.chat.scoring`), falling back to the store's search for as-of
  questions or very large histories;
- the other types reuse the coarse results when the query is the same, else
  search again; their hits get the same cues;
- **expansion**: the turns around the strongest episodic hits and the other
  facts about the strongest semantic entities are added at a low score, so they
  only fill the context budget left over.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import UTC, datetime
from functools import partial
from typing import Any, TypeVar

import structlog

from mirix_py import temporal
from mirix_py.chat.cues import QuestionCues, content_stems
from mirix_py.chat.decompose import entity_targets
from mirix_py.chat.episodes import INDEXED_TYPES, MemoryIndex, UserCache
from mirix_py.chat.models import MASKED_SECRET, Hit, ScoreBreakdown, Stage, TargetQuery
from mirix_py.chat.scoring import (
    TIME_RANGE_BOOST,
    Fusion,
    IndexQuery,
    rank_indexed,
    rescore_hits,
)
from mirix_py.context import MemoryContext
from mirix_py.memory import CoreMemory, MemoryRecord, MemoryType
from mirix_py.memory.knowledge_vault import KnowledgeVaultMemory
from mirix_py.store.base import ScoredRecord, SearchQuery

log = structlog.get_logger(__name__)
T = TypeVar("T")

EXPAND_TOP = 3
EXPANSION_SCALE = 0.2
RANGE_ONLY_SCALE = 0.5
TOKENS_PER_TURN = 25
RETRIEVABLE = tuple(t for t in MemoryType if t is not MemoryType.CORE)


def question_time_range(question: str, anchor: datetime) -> tuple[datetime, datetime] | None:
    """The time range a question names ("last week", "in May 2023"), anchored at ``anchor``."""
    return temporal.question_time_range(question, anchor)


def to_hit(
    scored: ScoredRecord | MemoryRecord,
    *,
    reveal: bool,
    stage: Stage,
    query: str = "",
    score: ScoreBreakdown | None = None,
) -> Hit:
    """A serialisable :class:`Hit` (embedding dropped, vault secret masked unless shown)."""
    record = scored.record if isinstance(scored, ScoredRecord) else scored
    data = record.model_dump(mode="json", exclude={"embedding"})
    if isinstance(record, KnowledgeVaultMemory):
        shown = reveal or record.sensitivity == "low"
        data["secret_value"] = record.secret_value.get_secret_value() if shown else MASKED_SECRET
    if score is None and isinstance(scored, ScoredRecord):
        score = ScoreBreakdown(
            score=scored.score.score,
            vector=scored.score.vector,
            fts=scored.score.fts,
            fused=scored.score.score,
        )
    return Hit(
        memory_id=record.id,
        memory_type=record.memory_type,
        record=data,
        score=score or ScoreBreakdown(score=0.0),
        stage=stage,
        query=query,
    )


class Retriever:
    """Runs the searches of one chat turn against a :class:`MemoryContext`."""

    def __init__(self, ctx: MemoryContext) -> None:
        self.ctx = ctx
        self.cache = UserCache(ctx.store)
        self._pool: ThreadPoolExecutor | None = None
        self._pool_lock = threading.Lock()

    # ------------------------------------------------------------- plumbing

    def submit(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> Future[T]:
        """Run ``fn`` on the retriever's small thread pool (searches run concurrently)."""
        with self._pool_lock:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="mirix-chat")
            pool = self._pool
        return pool.submit(fn, *args, **kwargs)

    def close(self) -> None:
        """Stop the thread pool."""
        with self._pool_lock:
            if self._pool is not None:
                self._pool.shutdown(wait=True)  # let pending access writes finish
                self._pool = None

    def embed(self, text: str) -> tuple[float, ...]:
        """The query embedding of ``text``."""
        return tuple(self.ctx.embeddings.embed_query(text))

    @property
    def fusion(self) -> Fusion:
        """The fusion parameters from ``config.retrieval``."""
        rc = self.ctx.config.retrieval
        return Fusion(k=rc.rrf_k, vector_weight=rc.vector_weight, fts_weight=rc.fts_weight)

    def _search(
        self,
        *,
        user_id: str,
        memory_type: MemoryType,
        text: str,
        vector: tuple[float, ...] | None,
        limit: int,
        as_of: datetime | None,
        start: datetime | None = None,
        end: datetime | None = None,
        mode: str | None = None,
    ) -> list[ScoredRecord]:
        query = SearchQuery.configured(
            self.ctx.config.retrieval,
            mode=mode,
            user_id=user_id,
            text=text,
            memory_types=(memory_type,),
            limit=limit,
            start=start,
            end=end,
            as_of=as_of,
            vector=vector,
        )
        return self.ctx.store.search(query)

    def enabled_types(self, wanted: Sequence[MemoryType] | None = None) -> list[MemoryType]:
        """The retrievable (non-core) types that are enabled (and wanted)."""
        enabled: list[MemoryType] = [t for t in RETRIEVABLE if t in self.ctx.store.memory_types]
        if wanted is not None:
            enabled = [t for t in enabled if t in wanted]
        return enabled

    def core_blocks(self, user_id: str, stamp: tuple[int, ...] | None = None) -> list[CoreMemory]:
        """The user's core blocks (always in context), ``human`` before ``persona``."""
        return self.cache.core(user_id, stamp)

    def _indexes(
        self,
        user_id: str,
        types: Sequence[MemoryType],
        stamp: tuple[int, ...],
        as_of: datetime | None,
    ) -> dict[MemoryType, MemoryIndex]:
        """The usable in-memory indexes among ``types`` (none for as-of questions: an
        index holds current memories only)."""
        if as_of is not None:
            return {}
        out: dict[MemoryType, MemoryIndex] = {}
        for memory_type in types:
            if memory_type in INDEXED_TYPES and memory_type in self.ctx.store.memory_types:
                index = self.cache.index(user_id, memory_type, stamp)
                if index.usable:
                    out[memory_type] = index
        return out

    # --------------------------------------------------------------- coarse

    def coarse(
        self,
        *,
        user_id: str,
        cues: QuestionCues,
        vector: tuple[float, ...],
        types: Sequence[MemoryType],
        as_of: datetime | None,
        reveal: bool,
        stamp: tuple[int, ...],
    ) -> dict[str, list[Hit]]:
        """One hybrid search per type that has memories: over the in-memory index for
        episodic and semantic memories (``coarse_k`` each), else through the store,
        concurrently and ``fine_k`` deep (fine retrieval reuses those results when its
        query is the same)."""
        depth = max(self.ctx.config.retrieval.coarse_k, self.ctx.config.retrieval.fine_k)
        counts = self.cache.counts(user_id, stamp)
        pools: dict[str, list[Hit]] = {t.value: [] for t in types}
        live = [t for t in types if counts.get(t, 0) > 0]
        indexes = self._indexes(user_id, live, stamp, as_of)
        searched = [t for t in live if t not in indexes]
        search = partial(
            self._search,
            user_id=user_id,
            text=cues.keyword_query,
            vector=vector,
            limit=depth,
            as_of=as_of,
        )
        futures = [self.submit(search, memory_type=t) for t in searched]
        query = IndexQuery(vector, cues.stems, cues.text)
        coarse_k = self.ctx.config.retrieval.coarse_k
        for memory_type, index in indexes.items():  # fine retrieval re-ranks these in full
            ranked = rank_indexed(index, [query], cues=cues, fusion=self.fusion, limit=coarse_k)
            pools[memory_type.value] = [h.model_copy(update={"stage": "coarse"}) for h in ranked]
        for memory_type, future in zip(searched, futures, strict=True):
            pools[memory_type.value] = [
                to_hit(s, reveal=reveal, stage="coarse", query=cues.text) for s in future.result()
            ]
        return pools

    # ----------------------------------------------------------------- fine

    def fine(
        self,
        *,
        user_id: str,
        cues: QuestionCues,
        vector: tuple[float, ...],
        targets: Sequence[TargetQuery],
        pools: dict[str, list[Hit]],
        as_of: datetime | None,
        reveal: bool,
        notes: list[str],
        stamp: tuple[int, ...] | None = None,
        budget_tokens: int | None = None,
    ) -> list[Hit]:
        """Deeper searches in the selected stores, rescored and expanded, best first.

        Each store yields ``retrieval.fine_k`` hits; the episode index, which is cheap
        to read deeper, yields enough turns to fill the context budget
        (``budget_tokens / TOKENS_PER_TURN``) when that is more.
        """
        fine_k = self.ctx.config.retrieval.fine_k
        budget = budget_tokens or self.ctx.config.retrieval.budget_tokens
        targets = [*targets, *entity_targets(cues, targets)]  # one query per named entity
        stamp = stamp if stamp is not None else self.cache.stamp(user_id)
        wanted = list(dict.fromkeys(t.memory_type for t in targets))
        indexes = self._indexes(user_id, wanted, stamp, as_of)
        episodes = indexes.get(MemoryType.EPISODIC)
        by_id: dict[str, Hit] = {}
        index_queries: dict[MemoryType, list[IndexQuery]] = {}
        for target in targets:
            mtype = target.memory_type
            if mtype not in self.ctx.store.memory_types or mtype is MemoryType.CORE:
                continue
            same_query = target.query.strip() == cues.text.strip()
            qvec = vector if same_query else self.embed(target.query)
            text = cues.keyword_query if same_query else target.query
            if mtype in indexes:
                stems = cues.stems if same_query else frozenset(content_stems(target.query))
                index_queries.setdefault(mtype, []).append(
                    IndexQuery(qvec, stems, target.query, start=target.start, end=target.end)
                )
                continue
            pool = pools.get(mtype.value)
            if same_query and pool is not None:
                hits = [h.model_copy(update={"stage": "fine"}) for h in pool[:fine_k]]
            else:
                found = self._search(
                    user_id=user_id,
                    memory_type=mtype,
                    text=text,
                    vector=qvec,
                    limit=fine_k,
                    as_of=as_of,
                )
                hits = [to_hit(s, reveal=reveal, stage="fine", query=target.query) for s in found]
            if target.start is not None or target.end is not None:
                hits = self._with_time_range(
                    hits,
                    user_id=user_id,
                    target=target,
                    text=text,
                    vector=qvec,
                    as_of=as_of,
                    reveal=reveal,
                    notes=notes,
                )
            for hit in hits:
                known = by_id.get(hit.memory_id)
                if known is None or hit.score.fused > known.score.fused:
                    by_id[hit.memory_id] = hit
        located = episodes or (
            self.cache.index(user_id, MemoryType.EPISODIC, stamp)
            if any(h.memory_type is MemoryType.EPISODIC for h in by_id.values())
            else None
        )
        hits = rescore_hits(list(by_id.values()), cues=cues, index=located, fusion=self.fusion)
        for mtype, queries in index_queries.items():
            depth = (
                max(fine_k, budget // TOKENS_PER_TURN) if mtype is MemoryType.EPISODIC else fine_k
            )
            hits.extend(
                rank_indexed(indexes[mtype], queries, cues=cues, fusion=self.fusion, limit=depth)
            )
        hits.sort(key=lambda h: (-h.score.score, h.memory_id))
        hits.extend(
            self._expand(
                user_id, hits, indexes=indexes, located=located, as_of=as_of, reveal=reveal
            )
        )
        hits.sort(key=lambda h: (-h.score.score, h.memory_id))
        return hits

    def _with_time_range(
        self,
        hits: list[Hit],
        *,
        user_id: str,
        target: TargetQuery,
        text: str,
        vector: tuple[float, ...],
        as_of: datetime | None,
        reveal: bool,
        notes: list[str],
    ) -> list[Hit]:
        """Apply a question's time range softly: memories dated inside it get a boost, and
        a filtered search adds in-range memories the plain search missed (at a discount,
        since their fused score was earned in a smaller pool). A range never removes
        evidence: people often talk about an event long after it happened."""
        found = self._search(
            user_id=user_id,
            memory_type=target.memory_type,
            text=text,
            vector=vector,
            limit=self.ctx.config.retrieval.fine_k,
            as_of=as_of,
            start=target.start,
            end=target.end,
        )
        if not found:
            notes.append(f"no {target.memory_type.value} memories dated in the time range")
        have = {h.memory_id for h in hits}
        out: list[Hit] = []
        for hit in hits:
            if _in_range(hit.when, target.start, target.end):
                hit = hit.model_copy(
                    update={
                        "score": hit.score.model_copy(
                            update={"fused": hit.score.fused + TIME_RANGE_BOOST * self.fusion.top}
                        )
                    }
                )
            out.append(hit)
        for scored in found:
            if scored.record.id in have:
                continue
            hit = to_hit(scored, reveal=reveal, stage="fine", query=target.query)
            out.append(
                hit.model_copy(
                    update={
                        "score": hit.score.model_copy(
                            update={"fused": hit.score.fused * RANGE_ONLY_SCALE}
                        )
                    }
                )
            )
        return out

    # --------------------------------------------------------------- expand

    def _expand(
        self,
        user_id: str,
        hits: Sequence[Hit],
        *,
        indexes: dict[MemoryType, MemoryIndex],
        located: MemoryIndex | None,
        as_of: datetime | None,
        reveal: bool,
    ) -> list[Hit]:
        have = {h.memory_id for h in hits}
        extra: list[Hit] = []
        episodic = [h for h in hits if h.memory_type is MemoryType.EPISODIC][:EXPAND_TOP]
        if located is not None and located.sessioned and episodic:
            floor = episodic[0].score.score * 0.5
            for parent in episodic:
                if parent.score.score < floor:
                    break
                for neighbour_id in located.neighbours(parent.memory_id):
                    if neighbour_id in have:
                        continue
                    have.add(neighbour_id)
                    row = located.row[neighbour_id]
                    extra.append(
                        Hit(
                            memory_id=neighbour_id,
                            memory_type=MemoryType.EPISODIC,
                            record=located.records[row],
                            score=ScoreBreakdown(score=EXPANSION_SCALE * parent.score.score),
                            stage="neighbour",
                            session=located.session_keys[int(located.session_of[row])],
                            position=int(located.position[row]),
                        )
                    )
        facts = indexes.get(MemoryType.SEMANTIC)
        for parent in [h for h in hits if h.memory_type is MemoryType.SEMANTIC][:2]:
            name = str(parent.record.get("name") or "").strip()
            if not name:
                continue
            score = ScoreBreakdown(score=EXPANSION_SCALE * parent.score.score)
            if facts is not None:
                related = [
                    (facts.ids[r], facts.records[r]) for r in facts.names.get(name.lower(), [])
                ]
            else:
                found = self._search(
                    user_id=user_id,
                    memory_type=MemoryType.SEMANTIC,
                    text=name,
                    vector=None,
                    limit=10,
                    as_of=as_of,
                    mode="fts",
                )
                related = [
                    (s.record.id, to_hit(s.record, reveal=reveal, stage="entity").record)
                    for s in found
                    if str(getattr(s.record, "name", "")).strip().lower() == name.lower()
                ]
            for memory_id, record in related:
                if memory_id in have:
                    continue
                have.add(memory_id)
                extra.append(
                    Hit(
                        memory_id=memory_id,
                        memory_type=MemoryType.SEMANTIC,
                        record=record,
                        score=score,
                        stage="entity",
                        query=name,
                    )
                )
        return extra


def _in_range(when: datetime | None, start: datetime | None, end: datetime | None) -> bool:
    if when is None:
        return False
    return (start is None or when >= start) and (end is None or when < end)


def now_utc() -> datetime:
    """The current time in UTC (one place, so tests can reason about it)."""
    return datetime.now(UTC)


def elapsed_ms(started: float) -> float:
    """Milliseconds since ``started`` (a ``perf_counter`` value), rounded."""
    return round((time.perf_counter() - started) * 1000, 3)
