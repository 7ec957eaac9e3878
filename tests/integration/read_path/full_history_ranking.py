"""The ranking as it was before candidate pools: every memory of the user indexed.

A frozen copy of the former full-history episode index (``MemoryIndex``) and its
ranking (``rank_indexed``), kept only as the reference that the candidate-pool
re-ranking must reproduce on small histories (where the pool holds every memory),
with the full-text query extended by irregular past forms as the pool's ranking does
(:mod:`mirix_py._chat.verb_forms`).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from mirix_py._chat.cues import QuestionCues, content_stems, has_time_expression
from mirix_py._chat.light_verbs import topical
from mirix_py._chat.scoring import (
    NEIGHBOUR_WEIGHT,
    PRIOR_WEIGHT,
    RECENCY_HALF_LIFE_DAYS,
    RECENCY_WEIGHT,
    SPEAKER_BOOST,
    TIME_BOOST,
    TIME_RANGE_BOOST,
    Fusion,
    IndexQuery,
)
from mirix_py._chat.verb_forms import with_past_forms
from mirix_py._memory import EpisodicMemory, MemoryRecord, MemoryType

_K1 = 1.2
_B = 0.75


def _session_key(record: EpisodicMemory) -> str:
    return record.session_id or f"t:{record.when.isoformat()}"


@dataclass
class FullIndex:
    """Every memory of one type of one user (the former ``MemoryIndex``)."""

    memory_type: MemoryType
    ids: list[str] = field(default_factory=list)
    session_keys: list[str] = field(default_factory=list)
    session_of: Any = None
    lengths: Any = None
    vectors: Any = None
    postings: dict[str, list[tuple[int, int]]] = field(default_factory=dict)
    actors: list[str] = field(default_factory=list)
    has_time: Any = None
    times: Any = None

    @classmethod
    def build(cls, records: Iterable[MemoryRecord], memory_type: MemoryType) -> FullIndex:
        grouped: dict[str, list[MemoryRecord]] = {}
        for record in records:
            key = _session_key(record) if isinstance(record, EpisodicMemory) else record.id
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
        index = cls(memory_type=memory_type, session_keys=order)
        sessions, lengths, vectors, has_time, times = [], [], [], [], []
        for number, key in enumerate(order):
            for record in grouped[key]:
                i = len(index.ids)
                index.ids.append(record.id)
                sessions.append(number)
                who = getattr(record, "actor", None) or getattr(record, "name", "")
                index.actors.append(str(who).strip().lower())
                text = record.embed_text()
                has_time.append(has_time_expression(text))
                times.append(record.when.timestamp())
                counts = Counter(content_stems(text))
                lengths.append(sum(counts.values()))
                for term, tf in counts.items():
                    index.postings.setdefault(term, []).append((i, tf))
                assert record.embedding is not None
                vectors.append(record.embedding)
        index.session_of = np.asarray(sessions, dtype=np.int64)
        index.lengths = np.asarray(lengths, dtype=np.float64)
        index.has_time = np.asarray(has_time, dtype=np.bool_)
        index.times = np.asarray(times, dtype=np.float64)
        matrix = np.asarray(vectors, dtype=np.float32)
        index.vectors = matrix / np.clip(np.linalg.norm(matrix, axis=1, keepdims=True), 1e-12, None)
        return index

    def bm25(self, stems: Iterable[str]) -> Any:
        n = len(self.ids)
        scores = np.zeros(n)
        avg = float(self.lengths.mean()) or 1.0
        for term in set(stems):
            postings = self.postings.get(term)
            if not postings:
                continue
            idf = math.log(1 + (n - len(postings) + 0.5) / (len(postings) + 0.5))
            rows = np.asarray([p[0] for p in postings])
            tf = np.asarray([p[1] for p in postings], dtype=np.float64)
            norm = tf + _K1 * (1 - _B + _B * self.lengths[rows] / avg)
            scores[rows] += idf * tf * (_K1 + 1) / norm
        return scores

    def session_bm25(self, stems: Iterable[str]) -> Any:
        count = len(self.session_keys)
        scores = np.zeros(count)
        session_len = np.bincount(self.session_of, weights=self.lengths, minlength=count)
        avg = float(session_len.mean()) or 1.0
        for term in set(stems):
            postings = self.postings.get(term)
            if not postings:
                continue
            rows = np.asarray([p[0] for p in postings])
            tf_turn = np.asarray([p[1] for p in postings], dtype=np.float64)
            tf = np.bincount(self.session_of[rows], weights=tf_turn, minlength=count)
            df = int((tf > 0).sum())
            idf = math.log(1 + (count - df + 0.5) / (df + 0.5))
            norm = tf + _K1 * (1 - _B + _B * session_len / avg)
            scores += idf * tf * (_K1 + 1) / norm
        return scores


def _ranks(scores: Any, *, positive_only: bool) -> Any:
    order = np.argsort(-scores, kind="stable")
    ranks = np.empty(len(scores))
    ranks[order] = np.arange(1, len(scores) + 1, dtype=np.float64)
    if positive_only:
        ranks[scores <= 0] = np.inf
    return ranks


def rank_full(
    index: FullIndex, queries: Sequence[IndexQuery], *, cues: QuestionCues, fusion: Fusion
) -> dict[str, dict[str, float]]:
    """Every memory's score parts (the former ``rank_indexed``), by id."""
    n = len(index.ids)
    base = np.zeros(n)
    dense_best = np.full(n, -1.0)
    speakers = set(index.actors) if index.memory_type is MemoryType.EPISODIC else set()
    for query in queries:
        q = np.asarray(query.vector, dtype=np.float32)
        dense = (index.vectors @ (q / (float(np.linalg.norm(q)) or 1.0))).astype(np.float64)
        bm25 = index.bm25(with_past_forms(topical(query.stems, speakers, cues.names)))
        fused = fusion.vector_weight / (fusion.k + _ranks(dense, positive_only=False))
        fused += fusion.fts_weight / (fusion.k + _ranks(bm25, positive_only=True))
        dense_best = np.maximum(dense_best, dense)
        score = np.minimum(1.0, fused / fusion.top)
        if query.start is not None or query.end is not None:
            lo = query.start.timestamp() if query.start else -np.inf
            hi = query.end.timestamp() if query.end else np.inf
            score = score + TIME_RANGE_BOOST * ((index.times >= lo) & (index.times < hi))
        base = np.maximum(base, score)
    prior = np.zeros(n)
    neighbour = np.zeros(n)
    if index.memory_type is MemoryType.EPISODIC:
        count = len(index.session_keys)
        s_bm25 = index.session_bm25(topical(cues.stems, speakers, cues.names))
        s_dense = np.zeros(count)
        np.maximum.at(s_dense, index.session_of, np.maximum(dense_best, 0.0))
        combined = s_bm25 / (s_bm25.max() or 1.0) + s_dense / (s_dense.max() or 1.0)
        best = float(combined.max())
        if best > 0 and not cues.asks_several:  # no prior for list questions (scoring.py)
            prior = (PRIOR_WEIGHT * (combined / best) ** 2)[index.session_of]
        same_prev = np.r_[False, index.session_of[1:] == index.session_of[:-1]]
        same_next = np.r_[index.session_of[:-1] == index.session_of[1:], False]
        left = np.where(same_prev, np.r_[0.0, base[:-1]], 0.0)
        right = np.where(same_next, np.r_[base[1:], 0.0], 0.0)
        neighbour = NEIGHBOUR_WEIGHT * np.maximum(left, right)
    cue = np.zeros(n)
    names = {name.lower() for name in cues.names}
    if names:
        spoke = [a in names or any(p in names for p in a.split()) for a in index.actors]
        cue += SPEAKER_BOOST * np.asarray(spoke, dtype=np.float64)
    if cues.is_when and index.memory_type is MemoryType.EPISODIC:
        cue += TIME_BOOST * index.has_time
    newest = float(index.times.max())
    recency = 0.5 ** (np.maximum(0.0, newest - index.times) / 86400 / RECENCY_HALF_LIFE_DAYS)
    total = base + prior + neighbour + cue + (RECENCY_WEIGHT * recency if cues.asks_recent else 0.0)
    return {
        memory_id: {
            "score": float(total[i]),
            "prior": float(prior[i]),
            "neighbour": float(neighbour[i]),
            "cue": float(cue[i]),
        }
        for i, memory_id in enumerate(index.ids)
    }
