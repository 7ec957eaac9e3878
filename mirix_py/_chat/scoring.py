"""How retrieved memories are scored after the search (see :mod:`mirix_py._chat.retrieval`).

Episodic and semantic memories are re-ranked as a
:class:`~mirix_py._chat.episodes.CandidatePool` (the search's top candidates);
the other types' hits are rescored one by one. Every score starts from a
weighted reciprocal-rank fusion of a dense and a full-text ranking, normalised
so that rank 1 in both is 1.0 (the full-text side also finds an irregular verb's past,
"taught" for "teach": :mod:`mirix_py._chat.verb_forms`; it leaves out the question's
light verbs, "go", "see", "want", when it has a word of its own:
:mod:`mirix_py._chat.light_verbs`), and adds:

- ``prior``: the session context prior, ``PRIOR_WEIGHT * (s / s_max) ** 2`` where
  ``s`` is the BM25 of the session's pooled turns taken together (normalised) plus
  its best dense hit (normalised) — soft, so evidence spread over several sessions
  survives; off for a question that asks for several things (a list, a count, what
  two people share): their evidence lies in many sessions, and favouring the
  best-matching few fills the budget with one session's talk about the topic;
- ``neighbour``: ``NEIGHBOUR_WEIGHT`` times the best base score of the pooled turns
  just before and after (an answer often spans consecutive turns);
- ``cue``: ``SPEAKER_BOOST`` for a turn (or fact) by a person the question names,
  ``TIME_BOOST`` for a turn that mentions a time when the question asks "when",
  ``SECRET_BOOST`` (times its base) for a vault entry when the question asks for a stored
  value ("what is the account number …?"): the entry is the store the question names, one
  short line, and must not lose its place in the budget to the long turns around it;
- recency, weighted only when the question asks for the latest/current state;
- ``TIME_RANGE_BOOST`` on the base for memories dated inside a time range the
  question names (a soft filter: people talk about events long after them).

The weights were set on the LOCOMO dev split's evidence recall; every mechanism
is general (no dataset-specific rule).

A named speaker stays a full-text term although every pooled line of that person
carries the name (the indexed text starts with the speaker or entity) and BM25 then
ranks their shortest lines next. Measured (2026-12-02) and dropped: the name counting
only beside a topical match, or not at all, for the people who speak in the pool (and
out of the session prior). On LOCOMO dev conversations 0–2 it took the context's
characters held by name-only matches from 0.247 to 0.02 but left coverage where it
was (0.865 → 0.866, multi-hop 0.786 → 0.790; most name-only items in context had been
ranked by meaning too, and what took their room carried no more of the gold); on the
assistant sets, whose named users state facts in short lines that share no word with
the question ("SCC is 190,000 now"), it lost evidence: blind 3 coverage 0.944 → 0.916,
blind 1 0.975 → 0.966, blind 2 0.959 → 0.956.

Measured (2026-12-02) and dropped: no session prior for a question about the current
state ("… now?", ``cues.asks_recent``), on the idea that a value's first statement and
each change lie in several sessions. Alone it took blind set 5's knowledge-update
evidence recall from 0.928 to 0.943; beside a rule (since dropped, see
:mod:`mirix_py._chat.excerpt`) placing long texts on topic only in passing lower it lost
more than it gained (knowledge-update coverage 0.917 → 0.894, evidence 0.966 → 0.955), and on the
LOCOMO dev file it lost a multi-hop answer told in the sessions about the topic
("his current work": multi-hop coverage 0.704 → 0.699).

Measured (2026-12-02, s21, ``python -m evals.coverage_gaps`` on a copy of the base ingest,
LOCOMO dev conversations 0–2, 385 questions) and dropped: *session spread* for a question
asking for several things. After every lift, an episodic turn lost ``step`` for each
better-ranked turn of its own session past the first ``free`` (so a session's tail would
compete with the heads of sessions not yet shown; it reads no words, unlike the dropped
novelty ordering of :mod:`mirix_py._chat.compose`). Before: pooled coverage 0.8657,
multi-hop 0.7813; free/step 1/0.05 and 1/0.1: 0.8652 (multi-hop 0.7785); 2/0.05: 0.8649
(0.7768); 2/0.1 and 2/0.3: 0.8645 (0.7751); 1/0.3 and 1/1.0: 0.8644 (0.7743); 3/0.1: no
change. Other categories did not move (only list questions are touched); three questions
changed at all, one up ("events to help children" 0.25 → 0.5) and two down: a session
that talks about the topic at length often holds several of the items.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np

from mirix_py._chat.cues import QuestionCues, has_time_expression, stem, words
from mirix_py._chat.episodes import CandidatePool
from mirix_py._chat.light_verbs import topical
from mirix_py._chat.models import Hit, ScoreBreakdown
from mirix_py._chat.person import USER_NAME
from mirix_py._chat.verb_forms import with_past_forms
from mirix_py._memory import MemoryType

PRIOR_WEIGHT = 0.4
NEIGHBOUR_WEIGHT = 0.4
SPEAKER_BOOST = 0.1
TIME_BOOST = 0.1
SECRET_BOOST = 1.0
RECENCY_WEIGHT = 0.2
RECENCY_HALF_LIFE_DAYS = 90.0
TIME_RANGE_BOOST = 0.15

FloatArray = np.ndarray[Any, np.dtype[np.float64]]


@dataclass(frozen=True)
class Fusion:
    """Weighted RRF parameters (from ``config.retrieval``)."""

    k: int
    vector_weight: float
    fts_weight: float

    @property
    def top(self) -> float:
        """The fused score of rank 1 in both rankings (used to normalise to 1.0)."""
        return (self.vector_weight + self.fts_weight) / (self.k + 1) or 1.0


@dataclass(frozen=True)
class IndexQuery:
    """One query against a candidate pool: its vector, stems and optional time range."""

    vector: Sequence[float]
    stems: frozenset[str]
    text: str
    start: datetime | None = None
    end: datetime | None = None


def _ranks(scores: FloatArray, *, positive_only: bool) -> FloatArray:
    """1-based rank of every entry by descending score (``inf`` where excluded)."""
    order = np.argsort(-scores, kind="stable")
    ranks = np.empty(len(scores), dtype=np.float64)
    ranks[order] = np.arange(1, len(scores) + 1, dtype=np.float64)
    if positive_only:
        ranks[scores <= 0] = np.inf
    return ranks


def rank_pool(
    pool: CandidatePool,
    queries: Sequence[IndexQuery],
    *,
    cues: QuestionCues,
    fusion: Fusion,
    limit: int,
) -> list[Hit]:
    """Score every pooled memory for the queries; the best ``limit`` as hits (the
    session prior and neighbour smoothing apply to sessioned, i.e. episodic, pools)."""
    n = len(pool)
    if not n or not queries:
        return []
    base = np.zeros(n)
    dense_best = np.full(n, -1.0)
    fts_best = np.zeros(n)
    fused_best = np.zeros(n)
    unnamed = _unnamed_speakers(pool, cues)
    speakers = set(pool.actors) if pool.memory_type is MemoryType.EPISODIC else set()
    for query in queries:
        dense = pool.dense(query.vector)
        terms = topical(query.stems - unnamed or query.stems, speakers, cues.names)
        bm25 = pool.bm25(with_past_forms(terms))
        fused = np.zeros(n)
        if dense is not None and fusion.vector_weight:
            fused += fusion.vector_weight / (
                fusion.k + _ranks(dense.astype(np.float64), positive_only=False)
            )
            dense_best = np.maximum(dense_best, dense)
        if fusion.fts_weight:
            fused += fusion.fts_weight / (fusion.k + _ranks(bm25, positive_only=True))
        fts_best = np.maximum(fts_best, bm25)
        fused_best = np.maximum(fused_best, fused)
        score = np.minimum(1.0, fused / fusion.top)
        if query.start is not None or query.end is not None:
            lo = query.start.timestamp() if query.start else -np.inf
            hi = query.end.timestamp() if query.end else np.inf
            score = score + TIME_RANGE_BOOST * ((pool.times >= lo) & (pool.times < hi))
        base = np.maximum(base, score)
    prior = np.zeros(n)
    neighbour = np.zeros(n)
    if pool.sessioned:
        if not cues.asks_several:
            terms = topical(cues.stems - unnamed or cues.stems, speakers, cues.names)
            prior = _session_prior(pool, terms, dense_best)
            prior = prior[pool.session_of]
        same_next = np.r_[pool.linked[1:], False]
        left = np.where(pool.linked, np.r_[0.0, base[:-1]], 0.0)
        right = np.where(same_next, np.r_[base[1:], 0.0], 0.0)
        neighbour = NEIGHBOUR_WEIGHT * np.maximum(left, right)
    cue = np.zeros(n)
    names = {name.lower() for name in cues.names}
    if names or unnamed:  # a speaker named, or referred to by role ("the assistant")
        spoke = [
            a in names
            or any(p in names for p in a.split())
            or bool(unnamed and {stem(w) for w in words(a)} & unnamed)
            for a in pool.actors
        ]
        cue += SPEAKER_BOOST * np.asarray(spoke, dtype=np.float64)
    if cues.is_when and pool.memory_type is MemoryType.EPISODIC:
        cue += TIME_BOOST * pool.has_time
    newest = float(pool.times.max())
    recency = 0.5 ** (np.maximum(0.0, newest - pool.times) / 86400 / RECENCY_HALF_LIFE_DAYS)
    total = base + prior + neighbour + cue + (RECENCY_WEIGHT * recency if cues.asks_recent else 0.0)
    top = np.argsort(-total, kind="stable")[:limit]
    text = queries[0].text
    hits: list[Hit] = []
    for i in top:
        key = pool.session(i) if pool.sessioned else None
        hits.append(
            Hit(
                memory_id=pool.ids[i],
                memory_type=pool.memory_type,
                record=pool.records[i],
                score=ScoreBreakdown(
                    score=round(float(total[i]), 6),
                    vector=round(float(dense_best[i]), 6) if dense_best[i] > -1 else None,
                    fts=round(float(fts_best[i]), 6) if fts_best[i] > 0 else None,
                    fused=round(float(fused_best[i]), 6),
                    recency=round(float(recency[i]), 4),
                    prior=round(float(prior[i]), 4),
                    neighbour=round(float(neighbour[i]), 4),
                    cue=round(float(cue[i]), 4),
                ),
                stage="fine",
                session=key,
                position=pool.position(i) if pool.sessioned else None,
                query=text,
            )
        )
    return hits


def _unnamed_speakers(pool: CandidatePool, cues: QuestionCues) -> frozenset[str]:
    """Stems of the pool's speakers that the question refers to by role, not by name
    ("what did *the assistant* suggest?"): who said it, not what was said. Every turn
    of that speaker carries the word, so as a search term it ranks their shortest
    turns ("Noted.") first. Their turns get the speaker cue instead, as a named
    speaker's do; a speaker named with a capital stays a search term as well — but
    not the name a first-person question was read with ("where do I work?" → "where
    does User work?"): that is the asker's role, which their turns never say."""
    if pool.memory_type is not MemoryType.EPISODIC:
        return frozenset()
    named = {w for name in cues.names for w in words(name)}
    if cues.asked:
        named -= set(words(USER_NAME))
    speakers = {w for actor in set(pool.actors) for w in words(actor)} - named
    return frozenset(stem(w) for w in speakers) & cues.stems


def _session_prior(pool: CandidatePool, stems: frozenset[str], dense: FloatArray) -> FloatArray:
    count = len(pool.session_keys)
    bm25 = pool.session_bm25(stems)
    best_dense = np.zeros(count)
    np.maximum.at(best_dense, pool.session_of, np.maximum(dense, 0.0))
    combined = bm25 / (bm25.max() or 1.0) + best_dense / (best_dense.max() or 1.0)
    best = float(combined.max()) if count else 0.0
    if best <= 0:
        return np.zeros(count)
    result: FloatArray = PRIOR_WEIGHT * (combined / best) ** 2
    return result


def rescore_hits(hits: Sequence[Hit], *, cues: QuestionCues, fusion: Fusion) -> list[Hit]:
    """The same cues for hits of the types not re-ranked as a pool (procedural,
    resource, knowledge vault): fused base, speaker and "when" cues, recency."""
    if not hits:
        return []
    dates = [d for d in (h.when for h in hits) if d is not None]
    newest = max(dates) if dates else None
    names = {n.lower() for n in cues.names}
    out: list[Hit] = []
    for h in hits:
        base = min(1.0, h.score.fused / fusion.top)
        record = h.record
        cue = 0.0
        who = str(record.get("actor") or record.get("name") or "").lower()
        if names and who and (who in names or any(part in names for part in who.split())):
            cue += SPEAKER_BOOST
        said = f"{record.get('summary', '')} {record.get('details', '')}"
        if cues.is_when and h.memory_type is MemoryType.EPISODIC and has_time_expression(said):
            cue += TIME_BOOST
        if cues.asks_secret and h.memory_type is MemoryType.KNOWLEDGE_VAULT:
            cue += SECRET_BOOST * base
        recency = 0.0
        if newest is not None and h.when is not None:
            age_days = max(0.0, (newest - h.when).total_seconds() / 86400)
            recency = 0.5 ** (age_days / RECENCY_HALF_LIFE_DAYS)
        score = base + cue
        score += RECENCY_WEIGHT * recency if cues.asks_recent else 0.0
        parts = {
            "score": round(score, 6),
            "recency": round(recency, 4),
            "prior": 0.0,
            "neighbour": 0.0,
            "cue": round(cue, 4),
        }
        out.append(h.model_copy(update={"score": h.score.model_copy(update=parts)}))
    out.sort(key=lambda h: (-h.score.score, h.memory_id))
    return out
