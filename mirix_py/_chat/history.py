"""The earlier values of a fact that changed, placed next to its current value.

A question about a value that changed ("who is her apprentice now?") has an answer, the
current fact ("apprentice is Eleni"), and a history: the fact it superseded ("apprentice
is Stelios") and the turns that stated the older value ("… with one apprentice,
Stelios"). Those turns rank low: they live in sessions about other topics, and a
superseded fact is out of every search of current memories. An answer about the present
that can also say what it replaced needs them shown just below the current value.

:func:`with_history` reads, for each of the :data:`HISTORY_FACTS` best current facts on
the question's topic (among the :data:`HISTORY_TOP` best hits), the fact it superseded
and that fact's own predecessor, up to :data:`HISTORY_DEPTH` values back: one indexed
``entity`` lookup per value, valid just before the newer value began, kept when its
``superseded_by`` names the newer fact. The turns that stated each older value join the
hits at :data:`HISTORY_SCALE` of the current fact's score: those its ``source_ids``
name (looked up by id) and the :data:`OLD_VALUE_TURNS` turns a small full-text
search finds for the words of the old value the new one does not say ("Stelios") that
also say a word of the question's topic, the earliest first (where the older value was
first stated). A turn already retrieved is raised, never
lowered. The superseded fact itself stays out: a read of the present shows current
records only, and the turns say the older value with its date. A question whose best
facts never changed costs one lookup per fact (about 6-10 ms each on a LanceDB store),
and nothing is searched.

Measured (2026-12-02, ``--resume`` re-asks on one ingest): blind set 4 knowledge-update
evidence recall 0.958 -> 0.972 (hybrid 0.972; the first turn naming a replaced
apprentice, in a session about something else, was ranked 17th and left out); blind set
5 unchanged (0.939; its misses hold no superseded fact: a price or an owner that changed
is kept in turns only); blind sets 1 and 3, the own set and LOCOMO dev conversations 0-2
answered every question as before (one question each in b1, b3 and own got a different
order, the same scores). Showing the superseded fact as well as its turns gave the same
numbers but broke the rule that a read of the present shows current records only.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

import structlog

from mirix_py._chat.cues import QuestionCues, content_stems, stem, words
from mirix_py._chat.hits import to_hit
from mirix_py._chat.models import Hit, ScoreBreakdown
from mirix_py._chat.rescore import best_first, raise_to
from mirix_py._context import MemoryContext
from mirix_py._memory import EpisodicMemory, MemoryRecord, MemoryType
from mirix_py._memory.extract_common import record_id
from mirix_py._store.base import SearchQuery
from mirix_py._store.keys import entity_key, session_key

log = structlog.get_logger(__name__)

HISTORY_FACTS = 2
"""How many of the best current facts on the topic have their history read."""
HISTORY_TOP = 10
"""A fact has its history read only when it ranks among this many hits."""
HISTORY_DEPTH = 2
"""How many values back a history is read (the value before, and the one before it)."""
HISTORY_SCALE = 0.9
"""The turns of an older value rank at this share of the current fact's score."""
OLD_VALUE_TURNS = 2
"""How many turns that name an older value (and the topic) join it."""
OLD_VALUE_SEARCH = 8
"""Depth of the full-text search for an older value's words."""
ENTITY_LIMIT = 60
"""The most facts one lookup of an entity reads."""
_BEFORE = timedelta(microseconds=1)


def _fact_text(record: dict[str, Any]) -> str:
    return f"{record.get('summary', '')} {record.get('details', '') or ''}"


def _valid_from(record: dict[str, object]) -> datetime | None:
    value = record.get("valid_from")
    return datetime.fromisoformat(value) if isinstance(value, str) else None


class _History:
    """The reads one question's history makes, on one store."""

    def __init__(self, ctx: MemoryContext, user_id: str, as_of: datetime | None) -> None:
        self.ctx = ctx
        self.user_id = user_id
        self.as_of = as_of

    def predecessor(self, fact: dict[str, object], fact_id: str) -> MemoryRecord | None:
        """The fact ``fact`` superseded: one lookup of its entity's facts valid just
        before it began."""
        began, name = _valid_from(fact), str(fact.get("name") or "").strip()
        if began is None or not name:
            return None
        before = self.ctx.store.by_keys(
            "entity",
            [entity_key(name)],
            user_id=self.user_id,
            memory_type=MemoryType.SEMANTIC,
            as_of=began - _BEFORE,
            limit=ENTITY_LIMIT,
        )
        return next((r for r in before if r.superseded_by == fact_id), None)

    def source_turns(self, fact: MemoryRecord) -> list[MemoryRecord]:
        """The turns ``fact`` was read from (looked up by id)."""
        ids = [record_id(self.user_id, MemoryType.EPISODIC, [s], "turn") for s in fact.source_ids]
        if not ids:
            return []
        return self.ctx.store.get_many(ids, user_id=self.user_id, memory_type=MemoryType.EPISODIC)

    def naming(self, words: Sequence[str], topic: frozenset[str]) -> list[MemoryRecord]:
        """The earliest of the turns a full-text search for ``words`` finds first that say a
        topic word."""
        if not words or not topic:
            return []
        query = SearchQuery.configured(
            self.ctx.config.retrieval,
            mode="fts",
            user_id=self.user_id,
            text=" ".join(words),
            memory_types=(MemoryType.EPISODIC,),
            limit=OLD_VALUE_SEARCH,
            as_of=self.as_of,
        )
        found = [s.record for s in self.ctx.store.search(query)]
        on_topic = [r for r in found if topic & set(content_stems(_fact_text(r.model_dump())))]
        # the earliest first: where the older value was first stated
        on_topic.sort(key=lambda r: (r.occurred_at or r.valid_from, r.id))
        return on_topic[:OLD_VALUE_TURNS]


def _turn_hit(record: MemoryRecord, score: float) -> Hit:
    hit = to_hit(record, reveal=False, stage="history", score=ScoreBreakdown(score=score))
    if isinstance(record, EpisodicMemory):
        hit = hit.model_copy(update={"session": session_key(record), "position": record.sequence})
    return hit


def _old_words(old: MemoryRecord, new: dict[str, object], cues: QuestionCues) -> list[str]:
    """The content words of the older value that the newer one and the question's names
    do not say (the value itself: "Stelios" of "apprentice is Stelios")."""
    kept = set(content_stems(_fact_text(new))) | set(cues.name_stems) | set(cues.topic_stems)
    said = set(content_stems(_fact_text(old.model_dump())))
    return [w for w in dict.fromkeys(words(_fact_text(old.model_dump()))) if stem(w) in said - kept]


def with_history(
    ctx: MemoryContext, user_id: str, cues: QuestionCues, hits: list[Hit], as_of: datetime | None
) -> list[Hit]:
    """``hits`` (best first) with the earlier values of the best current facts on the
    question's topic, and their turns, just below those facts (see the module
    docstring); best first again."""
    topic = cues.topic_stems
    if not topic:
        return hits
    facts = [
        h
        for h in hits[:HISTORY_TOP]
        if h.memory_type is MemoryType.SEMANTIC
        and h.record.get("valid_to") is None
        and topic & set(content_stems(_fact_text(h.record)))
    ][:HISTORY_FACTS]
    if not facts:
        return hits
    reads = _History(ctx, user_id, as_of)
    floor: dict[str, float] = {}
    found: dict[str, MemoryRecord] = {}
    for fact in facts:
        score = HISTORY_SCALE * fact.score.score
        newer, newer_id = fact.record, fact.memory_id
        for _ in range(HISTORY_DEPTH):
            old = reads.predecessor(newer, newer_id)
            if old is None:
                break
            turns = [*reads.source_turns(old), *reads.naming(_old_words(old, newer, cues), topic)]
            for record in turns:  # the superseded fact stays out of a current read
                found.setdefault(record.id, record)
                floor[record.id] = max(floor.get(record.id, 0.0), score)
            newer, newer_id = old.model_dump(mode="json", exclude={"embedding"}), old.id
    if not floor:
        return hits
    have = {h.memory_id for h in hits}
    lifted = [raise_to(h, floor[h.memory_id]) if h.memory_id in floor else h for h in hits]
    extra = [_turn_hit(r, floor[i]) for i, r in found.items() if i not in have]
    log.debug("chat.history", facts=len(facts), lifted=len(floor) - len(extra), added=len(extra))
    return best_first([*lifted, *extra])
