"""Coarse and fine retrieval for the chat agent.

Every read costs in proportion to the candidates it ranks, never to the size of
the user's history. Coarse retrieval runs one hybrid search (LanceDB: vector +
full text, prefiltered by user, validity and time) per enabled memory type,
concurrently; the question's embedding for the dense side, its content words for
the full-text side. Fine retrieval then works on the selected stores:

- **episodic** and **semantic** memories: the coarse search is
  ``retrieval.candidate_k`` deep and its candidates form a
  :class:`~mirix_py._chat.episodes.CandidatePool` that is re-ranked (dense + BM25
  fused within the pool, with the session prior, neighbour smoothing and question
  cues of :mod:`mirix_py._chat.scoring`); a refined query or a question's time range
  adds the candidates of one more (filtered) search to the pool;
- the other types reuse the coarse results when the query is the same, else
  search again; their hits get the same cues;
- **expansion** by targeted lookups on indexed keys (:mod:`mirix_py._chat.expansion`):
  the turns around the strongest episodic hits (``store.neighbours``) and the other
  facts about the strongest semantic entities (``store.by_keys``) are added at a low
  score, so they only fill the context budget left over;
- a question asking for a list of things ranks up the memories that name things
  (:mod:`mirix_py._chat.named_items`);
- a well-ranked turn that asks about the question's topic brings its reply to just
  below itself (:mod:`mirix_py._chat.asked`).

Measured and dropped (s20, branch ``s20-prf``, commit e1583b8 holds the code): query
feedback for candidate recall. After coarse retrieval built the episodic pool, its
best-ranked turns asked the store once more: their weightiest words (tf within the turn
times idf within the pool; the question's words, speakers' names, light verbs, numbers
and months left out) as one full-text search ("terms", RM3-like), and/or
``normalise(q + 0.5 * mean of their vectors)`` as one vector search ("vector",
Rocchio); the hits the pool lacked joined it. ``python -m evals.pool_recall`` counts
the gold evidence turns that reach the pool and the top 50 of its ranking; LOCOMO dev,
all 7 conversations (1,035 questions, 1,511 evidence turns), pool / top 50:

====================================  =====  ===========  ===========  =====
variant                               pool   multi-hop    open-domain  cov.
====================================  =====  ===========  ===========  =====
main (pool of 205 turns on average)   0.887  0.807/0.640  0.672/0.555  0.834
terms, 8 docs, 8 words, 50 deep       0.897  0.830/0.638  0.681/0.546  0.833
vector, 8 docs, 50 deep               0.891  0.812/0.640  0.681/0.563  0.833
both, 10 docs, 12 words, 100 deep     0.923  0.878/0.638  0.731/0.563  0.832
plain search ``candidate_k`` 170      0.927  0.872/0.631  0.765/0.555  0.832
====================================  =====  ===========  ===========  =====

(Measured on one copy of the ingest, before the tool settled the database as the harness
does; settled, main reads pool 0.886, multi-hop 0.805/0.642, open-domain 0.664/0.555,
coverage 0.834. There, of the multi-hop evidence turns 0.48 rank in the pool's top 20,
0.16 at 21-50, 0.10 at 51-100, 0.06 below and 0.20 are not pooled; open-domain 0.45,
0.11, 0.04, 0.07 and 0.34.) The Rocchio vector lands among the turns the question's own
vector found (+1.6 turns a pool). The feedback turns that carry evidence do not reach
the top of the pool's ranking, and the feedback finds no more evidence than a plain
deeper search of the same pool growth (last row). Ranking with the expanded query
(question + feedback words) beside the question's own, at half weight, left coverage at
0.834 (multi-hop top 50 0.638); at full weight it lost (0.832, multi-hop 0.705 ->
0.692). End to end (``evals.locomo --resume`` on the same ingest, "both" as above):
coverage 0.834 -> 0.834 (multi-hop 0.705 -> 0.704, temporal 0.832 -> 0.831, open-domain
0.354 -> 0.356, single-hop 0.935 -> 0.935), evidence recall 0.833 -> 0.832, for one more
search a chat (retrieval p50 150 -> 204 ms, both re-asked on this busy 2-core machine).
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

from mirix_py import _temporal as temporal
from mirix_py._chat.asked import lift_replies
from mirix_py._chat.bridge import bridged
from mirix_py._chat.changes import lift_changes
from mirix_py._chat.cues import QuestionCues, content_stems
from mirix_py._chat.decompose import as_asked_targets, entity_targets
from mirix_py._chat.episodes import POOLED_TYPES, CachedPool, CandidatePool, PoolCache
from mirix_py._chat.expansion import expand
from mirix_py._chat.history import with_history
from mirix_py._chat.hits import to_hit
from mirix_py._chat.inference import profile_hits
from mirix_py._chat.models import Hit, TargetQuery
from mirix_py._chat.named_items import lift_named
from mirix_py._chat.scoring import (
    TIME_RANGE_BOOST,
    Fusion,
    IndexQuery,
    rank_pool,
    rescore_hits,
)
from mirix_py._chat.shared import with_shared
from mirix_py._chat.sources import cap_statements, lift_fact_sources, lift_topic_facts
from mirix_py._context import MemoryContext
from mirix_py._memory import CoreMemory, MemoryRecord, MemoryType
from mirix_py._memory.registry import context_types
from mirix_py._store.base import ScoredRecord, SearchQuery

log = structlog.get_logger(__name__)
T = TypeVar("T")

RANGE_ONLY_SCALE = 0.5
FILL_SCALE = 0.2  # turns that fill the budget the selected stores leave: below them all
TOKENS_PER_TURN = 12  # a condensed turn is short: rank deep enough to fill the budget


def question_time_range(question: str, anchor: datetime) -> tuple[datetime, datetime] | None:
    """The time range a question names ("last week", "in May 2023"), anchored at ``anchor``."""
    return temporal.question_time_range(question, anchor)


class Retriever:
    """Runs the searches of one chat turn against a :class:`MemoryContext`."""

    def __init__(self, ctx: MemoryContext) -> None:
        self.ctx = ctx
        self.pools = PoolCache()
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

    def _search(self, **fields: Any) -> list[ScoredRecord]:
        return self.ctx.store.search(self._query(**fields))

    def _search_many(self, queries: Sequence[SearchQuery]) -> list[list[ScoredRecord]]:
        """Several searches in one go (LanceDB runs them together)."""
        return self.ctx.store.search_many(queries)

    def _query(
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
    ) -> SearchQuery:
        return SearchQuery.configured(
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

    def enabled_types(self, wanted: Sequence[MemoryType] | None = None) -> list[MemoryType]:
        """The retrievable (non-core) types that are enabled (and wanted)."""
        enabled = [t for t in context_types() if t in self.ctx.store.memory_types]
        if wanted is not None:
            enabled = [t for t in enabled if t in wanted]
        return enabled

    def core_blocks(self, user_id: str, as_of: datetime | None = None) -> list[CoreMemory]:
        """The user's non-empty core blocks (always in context), ``human`` first: a
        small read of the core table (core memory is bounded per user). With ``as_of``,
        each block as it read then (:meth:`CoreMemory.as_of`)."""
        if MemoryType.CORE not in self.ctx.store.memory_types:
            return []
        records = self.ctx.store.list_records(user_id=user_id, memory_type=MemoryType.CORE)
        found = [r for r in records if isinstance(r, CoreMemory)]
        if as_of is not None:
            found = [r.as_of(as_of) for r in found]
        blocks = [r for r in found if r.value.strip()]
        return sorted(blocks, key=lambda b: (b.label != "human", b.label, b.id))

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
        key: str | None = None,
    ) -> dict[str, list[Hit]]:
        """One hybrid search per type, concurrently: ``candidate_k`` deep for the pooled
        types (their re-ranked best ``coarse_k`` are the coarse hits; the pool is kept
        under ``key`` for fine retrieval), ``fine_k`` deep for the others (fine
        retrieval reuses those results when its query is the same)."""
        rc = self.ctx.config.retrieval
        depth = max(rc.coarse_k, rc.fine_k)
        queries = [
            self._query(
                user_id=user_id,
                memory_type=t,
                text=cues.keyword_query,
                vector=vector,
                limit=rc.candidate_k if t in POOLED_TYPES else depth,
                as_of=as_of,
            )
            for t in types
        ]
        results = self._search_many(queries)
        pools: dict[str, list[Hit]] = {}
        query = IndexQuery(vector, cues.stems, cues.text)
        for memory_type, found in zip(types, results, strict=True):
            if memory_type in POOLED_TYPES:
                cached = self._pool_of(
                    user_id, memory_type, [s.record for s in found], [query], cues, as_of
                )
                if key is not None:
                    self.pools.put(key, memory_type, (cues.text, as_of), cached)
                pool = cached.pool
                ranked = rank_pool(pool, [query], cues=cues, fusion=self.fusion, limit=rc.coarse_k)
                pools[memory_type.value] = [
                    h.model_copy(update={"stage": "coarse"}) for h in ranked
                ]
            else:
                pools[memory_type.value] = [
                    to_hit(s, reveal=reveal, stage="coarse", query=cues.text) for s in found
                ]
        return pools

    # ----------------------------------------------------------------- fine

    def _pooled(
        self,
        *,
        user_id: str,
        memory_type: MemoryType,
        cues: QuestionCues,
        targets: Sequence[TargetQuery],
        vectors: dict[str, tuple[float, ...]],
        as_of: datetime | None,
        key: str | None,
        notes: list[str],
    ) -> tuple[CachedPool, list[IndexQuery]]:
        """The candidate pool of one pooled type for its targets, and their queries.

        The coarse pool is reused for the question itself; a refined query adds its
        own search's candidates, and a time range adds those of a search filtered to
        it (in-range memories the plain search missed)."""
        depth = self.ctx.config.retrieval.candidate_k
        coarse = self.pools.get(key, memory_type, (cues.text, as_of))
        found: list[ScoredRecord] = []
        queries: list[IndexQuery] = []
        need_coarse = False
        for target in targets:
            same_query = target.query.strip() == cues.text.strip()
            qvec = vectors[target.query]
            text = cues.keyword_query if same_query else target.query
            stems = cues.stems if same_query else frozenset(content_stems(target.query))
            queries.append(
                IndexQuery(qvec, stems, target.query, start=target.start, end=target.end)
            )
            search = partial(
                self._search,
                user_id=user_id,
                memory_type=memory_type,
                text=text,
                vector=qvec,
                limit=depth,
                as_of=as_of,
            )
            if same_query and coarse is not None:
                need_coarse = True
            else:
                found.extend(search())
            if target.start is not None or target.end is not None:
                ranged = search(start=target.start, end=target.end)
                if not ranged:
                    notes.append(f"no {memory_type.value} memories dated in the time range")
                found.extend(ranged)
        records = [s.record for s in found]
        if coarse is not None and need_coarse:
            if all(r.id in coarse.pool.row for r in records):
                return coarse, queries
            records = [*coarse.records, *records]
        known = coarse.pool if coarse is not None and need_coarse else None
        pooled = self._pool_of(user_id, memory_type, records, queries, cues, as_of, known)
        return pooled, queries

    def _pool_of(
        self,
        user_id: str,
        memory_type: MemoryType,
        records: Sequence[MemoryRecord],
        queries: Sequence[IndexQuery],
        cues: QuestionCues,
        as_of: datetime | None,
        known: CandidatePool | None = None,
    ) -> CachedPool:
        """The pool of ``records``; for episodic memories, with the turns adjacent to its
        best-ranked turns added (one lookup): a turn that answers the one before it is
        often unlike the question itself, and neighbour smoothing needs it in the pool."""
        pool = CandidatePool.build(records, memory_type, known=known)
        if memory_type is not MemoryType.EPISODIC or not pool.usable:
            return CachedPool(tuple(records), pool, frozenset())
        rc = self.ctx.config.retrieval
        top = max(rc.fine_k, rc.budget_tokens // TOKENS_PER_TURN)
        best = [
            h
            for h in rank_pool(pool, queries, cues=cues, fusion=self.fusion, limit=top)
            if h.session is not None and isinstance(h.record.get("sequence"), int)
        ]
        spots = [(str(h.session), int(h.record["sequence"])) for h in best]
        expanded = frozenset(h.memory_id for h in best)
        around = self.ctx.store.neighbours(
            spots, user_id=user_id, as_of=as_of, embeddings=True, exclude_ids=pool.row.keys()
        )
        extra = [r for r in around if r.id not in pool.row and r.embedding is not None]
        if not extra:
            return CachedPool(tuple(records), pool, expanded)
        records = [*records, *extra]
        return CachedPool(
            tuple(records), CandidatePool.build(records, memory_type, known=pool), expanded
        )

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
        key: str | None = None,
        budget_tokens: int | None = None,
    ) -> list[Hit]:
        """Deeper searches in the selected stores, rescored and expanded, best first.

        Each store yields ``retrieval.fine_k`` hits; the episodic pool, which is
        cheap to rank deeper, yields enough turns to fill the context budget
        (``budget_tokens / TOKENS_PER_TURN``) when that is more.
        """
        fine_k = self.ctx.config.retrieval.fine_k
        budget = budget_tokens or self.ctx.config.retrieval.budget_tokens
        if self.ctx.config.retrieval.entity_subqueries:  # one query per named entity
            targets = [*targets, *entity_targets(cues, targets)]
        targets = [*targets, *as_asked_targets(cues, targets)]
        by_id: dict[str, Hit] = {}
        pooled: dict[MemoryType, list[TargetQuery]] = {}
        vectors: dict[str, tuple[float, ...]] = {cues.text: vector}
        for target in targets:
            mtype = target.memory_type
            if mtype not in self.ctx.store.memory_types or mtype is MemoryType.CORE:
                continue
            same_query = target.query.strip() == cues.text.strip()
            if target.query not in vectors:
                vectors[target.query] = vector if same_query else self.embed(target.query)
            qvec = vectors[target.query]
            text = cues.keyword_query if same_query else target.query
            if mtype in POOLED_TYPES:
                pooled.setdefault(mtype, []).append(target)
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
        hits = rescore_hits(list(by_id.values()), cues=cues, fusion=self.fusion)
        episodes: CachedPool | None = None
        for mtype, wanted in pooled.items():
            cached, queries = self._pooled(
                user_id=user_id,
                memory_type=mtype,
                cues=cues,
                targets=wanted,
                vectors=vectors,
                as_of=as_of,
                key=key,
                notes=notes,
            )
            depth = (
                max(fine_k, budget // TOKENS_PER_TURN) if mtype is MemoryType.EPISODIC else fine_k
            )
            if mtype is MemoryType.EPISODIC:
                episodes = cached
            hits.extend(rank_pool(cached.pool, queries, cues=cues, fusion=self.fusion, limit=depth))
        if MemoryType.EPISODIC not in pooled and MemoryType.EPISODIC.value in pools:
            episodes, filler = self._fill(user_id, cues, vectors, as_of, key, notes, budget)
            hits.extend(filler)
        if key is not None:
            self.pools.drop(key)
        hits.sort(key=lambda h: (-h.score.score, h.memory_id))
        hits = profile_hits(
            self.ctx.store,
            user_id=user_id,
            question=cues.text,
            names=cues.names,
            hits=hits,
            as_of=as_of,
        )
        hits = cap_statements(lift_fact_sources(lift_topic_facts(hits, cues), cues), cues)
        hits = lift_changes(hits, cues)  # a value's change on the topic
        hits = with_history(self.ctx, user_id, cues, hits, as_of)  # what a fact replaced
        hits = lift_named(hits, cues)  # a list question: memories that name things
        hits = lift_replies(hits, cues)  # a turn asking about the topic: its reply
        hits = bridged(self.ctx, user_id, cues, hits, as_of)  # chained questions
        hits = with_shared(self.ctx, user_id, cues, hits, as_of)  # "what do X and Y share"
        hits.extend(expand(self.ctx.store, user_id, hits, as_of=as_of, episodes=episodes))
        hits.sort(key=lambda h: (-h.score.score, h.memory_id))
        return hits

    def _fill(
        self,
        user_id: str,
        cues: QuestionCues,
        vectors: dict[str, tuple[float, ...]],
        as_of: datetime | None,
        key: str | None,
        notes: list[str],
        budget: int,
    ) -> tuple[CachedPool | None, list[Hit]]:
        """The conversation's own turns for the budget the selected stores leave unused.

        Selection may pick only stores of short derived records (a named person's
        facts); their hits rarely fill the context, and the turns they came from hold
        what they left out. The episodic pool coarse retrieval built for the question
        (cached, so no new search) is ranked and its hits are scaled below every
        selected hit, so they only take the room left over."""
        target = TargetQuery(memory_type=MemoryType.EPISODIC, query=cues.text)
        cached, queries = self._pooled(
            user_id=user_id,
            memory_type=MemoryType.EPISODIC,
            cues=cues,
            targets=[target],
            vectors=vectors,
            as_of=as_of,
            key=key,
            notes=notes,
        )
        depth = max(self.ctx.config.retrieval.fine_k, budget // TOKENS_PER_TURN)
        ranked = rank_pool(cached.pool, queries, cues=cues, fusion=self.fusion, limit=depth)
        filler = [
            h.model_copy(
                update={
                    "stage": "fill",
                    "score": h.score.model_copy(update={"score": FILL_SCALE * h.score.score}),
                }
            )
            for h in ranked
        ]
        return cached, filler

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
