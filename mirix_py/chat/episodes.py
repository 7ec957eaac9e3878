"""In-memory indexes of a user's episodic and semantic memories, and a per-user cache.

Fine retrieval scores *every* turn of the user, not only the store's top hits:
turn-level BM25 and dense similarity (the stored embeddings, one matrix
product), whole-session scores for the session prior, and true adjacency for
neighbour smoothing and neighbour expansion. Semantic facts get the same
dense + BM25 index (without sessions) and a by-entity map for expansion. Small
per-query store round trips dominate latency on small tables, so these two types
are read from memory; the index is built from one ``list_records`` scan and
cached (:class:`UserCache`) until the user's data changes. Users with more than
``max_rows`` memories of a type are not indexed (the store's search is used).

An episodic session is ``EpisodicMemory.session_id`` when set; records without
one (raw messages) are grouped by their exact ``occurred_at`` (one ``add`` batch
shares a timestamp). Order within a session is ``sequence`` when set, else
creation order.
"""

from __future__ import annotations

import math
import threading
from collections import Counter, OrderedDict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from mirix_py.chat.cues import content_stems, has_time_expression
from mirix_py.memory import CoreMemory, EpisodicMemory, MemoryRecord, MemoryType, SemanticMemory
from mirix_py.store.base import MemoryStore

_SCAN_ALL = 10_000_000
_BM25_K1 = 1.2
_BM25_B = 0.75


def session_key(record: EpisodicMemory) -> str:
    """The session an episodic record belongs to (see the module docstring)."""
    if record.session_id:
        return record.session_id
    return f"t:{record.when.isoformat()}"


INDEXED_TYPES: tuple[MemoryType, ...] = (MemoryType.EPISODIC, MemoryType.SEMANTIC)


def _speaker(record: MemoryRecord) -> str:
    who = getattr(record, "actor", None) or getattr(record, "name", "")
    return str(who).strip().lower()


@dataclass
class MemoryIndex:
    """One user's memories of one type with vectors and term postings.

    Row ``i`` is ``ids[i]``. For episodic memories (``sessioned``) the turns of a
    session are contiguous and in order, so the turns adjacent to ``i`` are
    ``i - 1`` and ``i + 1`` when they share its session; for other types every
    record is its own session. ``vectors`` is None when a record has no stored
    embedding. ``names`` maps a lower-cased entity name to its rows (semantic).
    """

    memory_type: MemoryType = MemoryType.EPISODIC
    sessioned: bool = True
    names: dict[str, list[int]] = field(default_factory=dict)
    ids: list[str] = field(default_factory=list)
    records: list[dict[str, Any]] = field(default_factory=list)
    session_keys: list[str] = field(default_factory=list)
    session_of: np.ndarray[Any, np.dtype[np.int64]] = field(
        default_factory=lambda: np.zeros(0, dtype=np.int64)
    )
    position: np.ndarray[Any, np.dtype[np.int64]] = field(
        default_factory=lambda: np.zeros(0, dtype=np.int64)
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
    def build(
        cls, records: Iterable[MemoryRecord], memory_type: MemoryType = MemoryType.EPISODIC
    ) -> MemoryIndex:
        """Index ``records`` (any order) of ``memory_type``."""
        sessioned = memory_type is MemoryType.EPISODIC
        grouped: dict[str, list[MemoryRecord]] = {}
        for record in records:
            key = session_key(record) if isinstance(record, EpisodicMemory) else record.id
            grouped.setdefault(key, []).append(record)
        for members in grouped.values():
            members.sort(
                key=lambda r: (
                    getattr(r, "sequence", None)
                    if getattr(r, "sequence", None) is not None
                    else math.inf,
                    r.created_at,
                    r.id,
                )
            )
        order = sorted(grouped, key=lambda k: (grouped[k][0].when, k))
        index = cls(memory_type=memory_type, sessioned=sessioned, session_keys=order)
        sessions: list[int] = []
        positions: list[int] = []
        lengths: list[int] = []
        vectors: list[list[float]] = []
        has_time: list[bool] = []
        times: list[float] = []
        complete = True
        for number, key in enumerate(order):
            for position, record in enumerate(grouped[key]):
                i = len(index.ids)
                index.ids.append(record.id)
                index.row[record.id] = i
                index.records.append(record.model_dump(mode="json", exclude={"embedding"}))
                sessions.append(number)
                positions.append(position)
                index.actors.append(_speaker(record))
                if isinstance(record, SemanticMemory):
                    index.names.setdefault(record.name.strip().lower(), []).append(i)
                text = record.embed_text()
                has_time.append(has_time_expression(text))
                times.append(record.when.timestamp())
                counts = Counter(content_stems(text))
                lengths.append(sum(counts.values()))
                for term, tf in counts.items():
                    index.postings.setdefault(term, []).append((i, tf))
                if record.embedding is None:
                    complete = False
                elif complete:
                    vectors.append(record.embedding)
        index.session_of = np.asarray(sessions, dtype=np.int64)
        index.position = np.asarray(positions, dtype=np.int64)
        index.lengths = np.asarray(lengths, dtype=np.float64)
        index.has_time = np.asarray(has_time, dtype=np.bool_)
        index.times = np.asarray(times, dtype=np.float64)
        if complete and vectors:
            matrix = np.asarray(vectors, dtype=np.float32)
            norms = np.linalg.norm(matrix, axis=1, keepdims=True)
            index.vectors = matrix / np.clip(norms, 1e-12, None)
        return index

    def __len__(self) -> int:
        return len(self.ids)

    @property
    def usable(self) -> bool:
        """True when the index can rank (it has rows and their vectors)."""
        return bool(self.ids) and self.vectors is not None

    def locate(self, memory_id: str) -> tuple[str, int] | None:
        """``(session, position)`` of a memory, or None if not indexed."""
        i = self.row.get(memory_id)
        if i is None:
            return None
        return self.session_keys[int(self.session_of[i])], int(self.position[i])

    def neighbours(self, memory_id: str) -> list[str]:
        """Ids of the turns just before and after ``memory_id`` in its session."""
        i = self.row.get(memory_id)
        if i is None:
            return []
        return [self.ids[j] for j in self.adjacent(i)]

    def adjacent(self, i: int) -> list[int]:
        """Rows of the turns adjacent to row ``i`` within its session."""
        return [
            j
            for j in (i - 1, i + 1)
            if 0 <= j < len(self.ids) and self.session_of[j] == self.session_of[i]
        ]

    def dense(self, vector: Sequence[float]) -> np.ndarray[Any, np.dtype[np.float32]] | None:
        """Cosine similarity of every turn to ``vector`` (None without stored vectors)."""
        if self.vectors is None:
            return None
        query = np.asarray(vector, dtype=np.float32)
        norm = float(np.linalg.norm(query)) or 1.0
        return (self.vectors @ (query / norm)).astype(np.float32)

    def bm25(self, stems: Iterable[str]) -> np.ndarray[Any, np.dtype[np.float64]]:
        """BM25 of every turn against the query stems."""
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
        """BM25 of every session's whole text (its turns together) against the query stems."""
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


class UserCache:
    """Per-user row counts, core blocks and :class:`MemoryIndex` values, rebuilt when the
    user's data changes.

    The change detector (:meth:`stamp`) is the store's ``change_stamp`` (table
    versions and write counters, no row counts), else the row count of every type.
    The facade also calls :meth:`invalidate` after its own deletes.
    Callers that need several views in one step pass one ``stamp`` to all of them.
    """

    def __init__(self, store: MemoryStore, *, max_users: int = 8, max_rows: int = 50_000) -> None:
        self._store = store
        self._max_users = max_users
        self.max_rows = max_rows
        self._tables: dict[str, OrderedDict[str, tuple[tuple[int, ...], Any]]] = {}
        self._lock = threading.Lock()

    def _count_all(self, user_id: str) -> dict[MemoryType, int]:
        return {
            t: self._store.count(user_id=user_id, memory_type=t) for t in self._store.memory_types
        }

    def stamp(self, user_id: str) -> tuple[int, ...]:
        """A value that changes whenever the user's memories change (from the store's
        cheap change stamp; a row count only for a store without one)."""
        change_stamp = getattr(self._store, "change_stamp", None)
        if callable(change_stamp):
            return tuple(change_stamp(user_id))
        return tuple(self._count_all(user_id).values())

    def _cached(
        self, kind: str, user_id: str, stamp: tuple[int, ...] | None, build: Callable[[], Any]
    ) -> Any:
        stamp = stamp if stamp is not None else self.stamp(user_id)
        with self._lock:
            table = self._tables.setdefault(kind, OrderedDict())
            cached = table.get(user_id)
            if cached is not None and cached[0] == stamp:
                table.move_to_end(user_id)
                return cached[1]
        value = build()
        with self._lock:
            table[user_id] = (stamp, value)
            table.move_to_end(user_id)
            while len(table) > self._max_users:
                table.popitem(last=False)
        return value

    def counts(self, user_id: str, stamp: tuple[int, ...] | None = None) -> dict[MemoryType, int]:
        """Rows per memory type for the user."""
        counts: dict[MemoryType, int] = self._cached(
            "counts", user_id, stamp, lambda: self._count_all(user_id)
        )
        return counts

    def core(self, user_id: str, stamp: tuple[int, ...] | None = None) -> list[CoreMemory]:
        """The user's non-empty core blocks, ``human`` first."""

        def build() -> list[CoreMemory]:
            if MemoryType.CORE not in self._store.memory_types:
                return []
            records = self._store.list_records(user_id=user_id, memory_type=MemoryType.CORE)
            blocks = [r for r in records if isinstance(r, CoreMemory) and r.value.strip()]
            return sorted(blocks, key=lambda b: (b.label != "human", b.label, b.id))

        blocks: list[CoreMemory] = self._cached("core", user_id, stamp, build)
        return blocks

    def index(
        self, user_id: str, memory_type: MemoryType, stamp: tuple[int, ...] | None = None
    ) -> MemoryIndex:
        """The user's index of ``memory_type`` (one of :data:`INDEXED_TYPES`); empty when
        the type is disabled or holds more than ``max_rows`` memories."""
        stamp = stamp if stamp is not None else self.stamp(user_id)

        def build() -> MemoryIndex:
            if memory_type not in self._store.memory_types:
                return MemoryIndex(memory_type=memory_type)
            if self.counts(user_id, stamp).get(memory_type, 0) > self.max_rows:
                return MemoryIndex(memory_type=memory_type)
            records = self._store.list_records(
                user_id=user_id, memory_type=memory_type, limit=_SCAN_ALL
            )
            return MemoryIndex.build(records, memory_type)

        index: MemoryIndex = self._cached(f"index:{memory_type.value}", user_id, stamp, build)
        return index

    def invalidate(self, user_id: str | None = None) -> None:
        """Forget what is cached about one user (or everyone)."""
        with self._lock:
            for table in self._tables.values():
                if user_id is None:
                    table.clear()
                else:
                    table.pop(user_id, None)
