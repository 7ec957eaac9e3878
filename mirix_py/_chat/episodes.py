"""Candidate pools: the memories a question's searches returned, indexed for re-ranking.

Retrieval never reads a user's whole history. LanceDB's hybrid search (vector +
full text, prefiltered by user and time) returns the top candidates of a memory
type; a :class:`CandidatePool` holds them with their vectors, term postings and
session layout so that :mod:`mirix_py._chat.scoring` can re-rank them: turn-level
BM25 and dense similarity *within the pool*, whole-session scores from the pooled
turns of each session (the session prior), and adjacency for neighbour smoothing.
The cost is proportional to the pool (``retrieval.candidate_k``), whatever the
size of the user's history; when the pool holds every memory of the user (small
histories), the ranking is exactly the one over the whole history.

Episodic turns are grouped by session key (:func:`mirix_py._store.keys.session_key`)
and ordered by ``sequence`` (then creation order). Two pooled turns are adjacent
when they follow each other in that order and their sequences differ by at most
one (a pool can miss the turns in between); turns without a sequence are adjacent
to the next pooled turn of their session. Other types have one row per session.
:class:`PoolCache` keeps one chat's pools from coarse to fine retrieval.

Measured and dropped (s18, branch ``s18-sent``, commits 8bfdded and 201cb43 hold the
code): per-sentence vectors of multi-sentence episodic turns, stored as a LanceDB
multivector column in the turn's own row (so forget and purge took them along),
searched beside the whole-turn vector and used here as dense score = max(whole turn,
best sentence). Offline, on LOCOMO conversations 0-2, max-over-sentences put a
multi-hop evidence turn in the dense top 50 for 0.68 of them instead of 0.56 (single-hop
0.84 instead of 0.79). End to end (fresh ingests, all 7 LOCOMO dev conversations,
1,035 questions) answer coverage went 0.830 -> 0.835 (multi-hop 0.700 -> 0.706,
temporal 0.828 -> 0.824, open-domain 0.352 -> 0.385, single-hop 0.931 -> 0.936) and
evidence recall 0.831 -> 0.843 (multi-hop 0.553 -> 0.584); but blind set 3 fell (coverage
0.944 -> 0.935, correct 0.824 -> 0.815) and our own set lost two answers (correct
0.973 -> 0.963): a turn of many sentences gets many chances at a high max, so long
turns crowd out the one that answers. Ingest was ~1.9x slower (2.9 sentence vectors
per LOCOMO turn; 89% of its turns have two or more content sentences), the LOCOMO
database ~2.8x larger per memory, retrieval ~30% slower, and a database with two vector columns
cannot be vector-searched by a version that does not name its column. Widening the
candidates alone (no max in the pool) lost on the questions it changed. A softer pool
score, whole + 0.5 * max(0, best sentence - whole), measured on the same ingests:
LOCOMO conversations 0-2 coverage 0.865 -> 0.866 with multi-hop 0.786 -> 0.811
(evidence recall 0.867 -> 0.874), blind set 3 unchanged (0.944, 0.824), our own set
correct 0.973 -> 0.968; it keeps the ingest cost. Sentence vectors pooled from the
whole turn's own token states (one forward pass) would remove that cost.

Measured and dropped too (s19, branch ``s19-late``, commits 548a091 and 075ee6a hold
the code): those sentence vectors "late chunked", i.e. the mean of the token states of
each sentence's tokens in the one forward pass that embeds the whole turn (the
tokenizer's offsets give the span; the whole-turn vectors stay bit-identical). The
cost went away: the embedder's cache kept them from the write path's pass, so ingest
embedded the same texts with or without them (187 for 108 turns) at the same speed;
the database was still ~2x larger (LOCOMO conversations 0-2: 17.3 -> 36.0 MB). The
benefit went with it: MiniLM reads a turn of tens of tokens, and every token state is
mostly the turn's, so a late sentence vector stays close to its whole turn. Offline,
on all 7 dev conversations, the share of evidence turns in the dense top 50 of their
conversation went 0.641 -> 0.659 with max(whole, best late sentence), against 0.750
with separately embedded sentences (multi-hop 0.527 -> 0.530 against 0.649,
open-domain 0.403 -> 0.403 against 0.571); taking out the shared part (sentence -
l * whole, l = 0.5 to 0.85) or pooling the [CLS] and [SEP] states with the span did
no better. End to end (fresh ingest, conversations
0-2, 385 questions) answer coverage 0.866 -> 0.861 with the 0.5 blend, 0.866 with
the widened search alone, 0.862 with the max (multi-hop 0.784 -> 0.769 / 0.790 /
0.773; evidence recall 0.864 -> 0.860 / 0.868 / 0.865). What carried the s18 gain is
what a sentence says on its own, and that takes a pass over the sentence's tokens.
"""

from __future__ import annotations

import math
import threading
from collections import Counter, OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np

from mirix_py._chat.cues import content_stems, has_time_expression
from mirix_py._memory import EpisodicMemory, MemoryRecord, MemoryType
from mirix_py._store.base import ScoredRecord
from mirix_py._store.keys import session_key
from mirix_py._store.stored_vector import vector_row

_BM25_K1 = 1.2
_BM25_B = 0.75

POOLED_TYPES: tuple[MemoryType, ...] = (MemoryType.EPISODIC, MemoryType.SEMANTIC)
"""The types whose candidates are re-ranked as a pool (the others are rescored hits)."""


@dataclass(frozen=True)
class TextFeatures:
    """What re-ranking needs of a memory's text: its content-stem counts (term, tf),
    their total and whether it mentions a time."""

    counts: tuple[tuple[str, int], ...]
    length: int
    has_time: bool


@lru_cache(maxsize=8192)
def text_features(text: str) -> TextFeatures:
    """The :class:`TextFeatures` of ``text``; cached, as the same candidates come back
    question after question (a bounded cache: its size never depends on the data)."""
    counts = Counter(content_stems(text))
    return TextFeatures(tuple(counts.items()), sum(counts.values()), has_time_expression(text))


def _speaker(record: MemoryRecord) -> str:
    who = getattr(record, "actor", None) or getattr(record, "name", "")
    return str(who).strip().lower()


def _order(record: MemoryRecord) -> tuple[Any, ...]:
    sequence = getattr(record, "sequence", None)
    return (sequence if sequence is not None else math.inf, record.created_at, record.id)


@dataclass
class CandidatePool:
    """Candidate memories of one type with vectors and term postings.

    Row ``i`` is ``ids[i]``. For episodic memories (``sessioned``) the pooled turns
    of a session are contiguous and in order; ``linked[i]`` says whether row ``i``
    is adjacent to row ``i - 1`` (see the module docstring). ``vectors`` is None
    when a record has no embedding. ``sequences`` is ``-1`` where a turn has none.
    """

    memory_type: MemoryType = MemoryType.EPISODIC
    sessioned: bool = True
    ids: list[str] = field(default_factory=list)
    records: list[dict[str, Any]] = field(default_factory=list)
    session_keys: list[str] = field(default_factory=list)
    session_of: np.ndarray[Any, np.dtype[np.int64]] = field(
        default_factory=lambda: np.zeros(0, dtype=np.int64)
    )
    sequences: np.ndarray[Any, np.dtype[np.int64]] = field(
        default_factory=lambda: np.zeros(0, dtype=np.int64)
    )
    linked: np.ndarray[Any, np.dtype[np.bool_]] = field(
        default_factory=lambda: np.zeros(0, dtype=np.bool_)
    )
    lengths: np.ndarray[Any, np.dtype[np.float64]] = field(
        default_factory=lambda: np.zeros(0, dtype=np.float64)
    )
    vectors: np.ndarray[Any, np.dtype[np.float32]] | None = None
    postings: dict[str, list[tuple[int, int]]] = field(default_factory=dict)
    row: dict[str, int] = field(default_factory=dict)
    actors: list[str] = field(default_factory=list)
    has_time: np.ndarray[Any, np.dtype[np.bool_]] = field(
        default_factory=lambda: np.zeros(0, dtype=np.bool_)
    )
    times: np.ndarray[Any, np.dtype[np.float64]] = field(
        default_factory=lambda: np.zeros(0, dtype=np.float64)
    )

    @classmethod
    def from_hits(
        cls, hits: Iterable[ScoredRecord], memory_type: MemoryType = MemoryType.EPISODIC
    ) -> CandidatePool:
        """A pool of the searched records (duplicates by id are pooled once)."""
        unique = {h.record.id: h.record for h in hits}
        return cls.build(unique.values(), memory_type)

    @classmethod
    def build(
        cls,
        records: Iterable[MemoryRecord],
        memory_type: MemoryType = MemoryType.EPISODIC,
        *,
        known: CandidatePool | None = None,
    ) -> CandidatePool:
        """Pool ``records`` (any order) of ``memory_type``; rows already in ``known`` (a
        pool this one extends) reuse its serialised records and normalised vectors.

        A record is pooled once however often it is given: a pool is often built from
        several searches (the coarse pool, a refined or as-asked query, a time range)
        that find the same memories, and a record pooled twice is ranked twice, so it
        would fill two lines of the context with the same text."""
        sessioned = memory_type is MemoryType.EPISODIC
        grouped: dict[str, list[MemoryRecord]] = {}
        seen_ids: set[str] = set()
        for record in records:
            if record.id in seen_ids:
                continue
            seen_ids.add(record.id)
            key = session_key(record) if isinstance(record, EpisodicMemory) else record.id
            grouped.setdefault(key, []).append(record)
        for members in grouped.values():
            members.sort(key=_order)
        order = sorted(grouped, key=lambda k: (grouped[k][0].when, k))
        pool = cls(memory_type=memory_type, sessioned=sessioned, session_keys=order)
        sessions: list[int] = []
        sequences: list[int] = []
        linked: list[bool] = []
        lengths: list[int] = []
        vectors: list[Any] = []
        has_time: list[bool] = []
        times: list[float] = []
        complete = True
        for number, key in enumerate(order):
            previous: int | None = None
            for position, record in enumerate(grouped[key]):
                i = len(pool.ids)
                pool.ids.append(record.id)
                pool.row[record.id] = i
                seen = known.row.get(record.id) if known is not None else None
                pool.records.append(
                    known.records[seen]
                    if known is not None and seen is not None
                    else record.model_dump(mode="json", exclude={"embedding"})
                )
                sequence = getattr(record, "sequence", None)
                sessions.append(number)
                sequences.append(-1 if sequence is None else int(sequence))
                linked.append(
                    sessioned
                    and position > 0
                    and (previous is None or sequence is None or sequence - previous <= 1)
                )
                previous = sequence
                pool.actors.append(_speaker(record))
                features = text_features(record.embed_text())
                has_time.append(features.has_time)
                times.append(record.when.timestamp())
                lengths.append(features.length)
                for term, tf in features.counts:
                    pool.postings.setdefault(term, []).append((i, tf))
                if record.embedding is None:
                    complete = False
                elif complete:
                    reused = known.vectors if known is not None and seen is not None else None
                    vectors.append(vector_row(record.embedding) if reused is None else reused[seen])
        pool.session_of = np.asarray(sessions, dtype=np.int64)
        pool.sequences = np.asarray(sequences, dtype=np.int64)
        pool.linked = np.asarray(linked, dtype=np.bool_)
        pool.lengths = np.asarray(lengths, dtype=np.float64)
        pool.has_time = np.asarray(has_time, dtype=np.bool_)
        pool.times = np.asarray(times, dtype=np.float64)
        if complete and vectors:
            matrix = np.stack(vectors).astype(np.float32, copy=False)
            norms = np.linalg.norm(matrix, axis=1, keepdims=True)
            pool.vectors = matrix / np.clip(norms, 1e-12, None)  # known rows: norm 1 already
        return pool

    def __len__(self) -> int:
        return len(self.ids)

    @property
    def usable(self) -> bool:
        """True when the pool can rank (it has rows and their vectors)."""
        return bool(self.ids) and self.vectors is not None

    def session(self, i: int) -> str:
        """The session key of row ``i``."""
        return self.session_keys[int(self.session_of[i])]

    def position(self, i: int) -> int:
        """Row ``i``'s position in its session: its sequence when it has one."""
        sequence = int(self.sequences[i])
        if sequence >= 0:
            return sequence
        first = int(np.searchsorted(self.session_of, self.session_of[i]))
        return i - first

    def adjacent(self, i: int) -> list[int]:
        """Pooled rows adjacent to row ``i`` within its session."""
        out: list[int] = []
        if i > 0 and self.linked[i]:
            out.append(i - 1)
        if i + 1 < len(self.ids) and self.linked[i + 1]:
            out.append(i + 1)
        return out

    def dense(self, vector: Sequence[float]) -> np.ndarray[Any, np.dtype[np.float32]] | None:
        """Cosine similarity of every pooled row to ``vector`` (None without vectors)."""
        if self.vectors is None:
            return None
        query = np.asarray(vector, dtype=np.float32)
        norm = float(np.linalg.norm(query)) or 1.0
        return (self.vectors @ (query / norm)).astype(np.float32)

    def bm25(self, stems: Iterable[str]) -> np.ndarray[Any, np.dtype[np.float64]]:
        """BM25 of every pooled row against the query stems (statistics of the pool)."""
        scores = np.zeros(len(self.ids), dtype=np.float64)
        n = len(self.ids)
        if not n:
            return scores
        avg = float(self.lengths.mean()) or 1.0
        for term in set(stems):
            postings = self.postings.get(term)
            if not postings:
                continue
            idf = math.log(1 + (n - len(postings) + 0.5) / (len(postings) + 0.5))
            rows = np.fromiter((p[0] for p in postings), dtype=np.int64, count=len(postings))
            tf = np.fromiter((p[1] for p in postings), dtype=np.float64, count=len(postings))
            norm = tf + _BM25_K1 * (1 - _BM25_B + _BM25_B * self.lengths[rows] / avg)
            scores[rows] += idf * tf * (_BM25_K1 + 1) / norm
        return scores

    def session_bm25(self, stems: Iterable[str]) -> np.ndarray[Any, np.dtype[np.float64]]:
        """BM25 of every session's pooled text (its pooled turns together) against the stems."""
        count = len(self.session_keys)
        scores = np.zeros(count, dtype=np.float64)
        if not count:
            return scores
        session_len = np.bincount(self.session_of, weights=self.lengths, minlength=count)
        avg = float(session_len.mean()) or 1.0
        for term in set(stems):
            postings = self.postings.get(term)
            if not postings:
                continue
            rows = np.fromiter((p[0] for p in postings), dtype=np.int64, count=len(postings))
            tf_turn = np.fromiter((p[1] for p in postings), dtype=np.float64, count=len(postings))
            tf = np.bincount(self.session_of[rows], weights=tf_turn, minlength=count)
            df = int((tf > 0).sum())
            idf = math.log(1 + (count - df + 0.5) / (df + 0.5))
            norm = tf + _BM25_K1 * (1 - _BM25_B + _BM25_B * session_len / avg)
            scores += idf * tf * (_BM25_K1 + 1) / norm
        return scores


@dataclass(frozen=True)
class CachedPool:
    """A pool, the records it was built from (to extend it with more records) and the
    ids of the turns whose neighbours were looked up into it."""

    records: tuple[MemoryRecord, ...]
    pool: CandidatePool
    expanded: frozenset[str] = frozenset()


class PoolCache:
    """The candidate pools of the last few chats, keyed by ``(chat key, memory type)``.

    Coarse retrieval searches once and fine retrieval re-ranks the same pool. The
    cache holds at most ``max_entries`` pools of at most ``retrieval.candidate_k``
    memories each: its size never depends on how much a user has stored. A missing
    entry (evicted, or another process) only means searching again.
    """

    def __init__(self, max_entries: int = 32) -> None:
        self._max = max_entries
        self._entries: OrderedDict[tuple[str, MemoryType], tuple[Any, CachedPool]] = OrderedDict()
        self._lock = threading.Lock()

    def put(self, key: str, memory_type: MemoryType, query: Any, pool: CachedPool) -> None:
        """Keep ``pool`` (found for ``query``) for chat ``key``."""
        with self._lock:
            self._entries[(key, memory_type)] = (query, pool)
            self._entries.move_to_end((key, memory_type))
            while len(self._entries) > self._max:
                self._entries.popitem(last=False)

    def get(self, key: str | None, memory_type: MemoryType, query: Any) -> CachedPool | None:
        """The pool chat ``key`` found for ``query``, if still cached."""
        if key is None:
            return None
        with self._lock:
            entry = self._entries.get((key, memory_type))
        if entry is None or entry[0] != query:
            return None
        return entry[1]

    def drop(self, key: str) -> None:
        """Forget chat ``key``'s pools (its fine retrieval is done)."""
        with self._lock:
            for memory_type in POOLED_TYPES:
                self._entries.pop((key, memory_type), None)
