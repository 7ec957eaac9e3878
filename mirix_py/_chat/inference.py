"""Character questions about a person: what they value and what others see in them.

"What attributes describe Ana?", "What kind of person is Tomás?", "What traits
might Ana say Tomás has?" are answered by remarks scattered over months — "family
time means a lot to me", "you're so thoughtful!" — that share no word with the
question. :mod:`mirix_py._memory.traits` folds them, on write, into two profiles
per person (values; qualities others see), each found by its deterministic id.

- :func:`asks_character` tells such a question by its words ("attributes",
  "traits", "personality", "qualities", "character", "values", "what kind of
  person").
- :func:`profile_hits` adds the values and qualities profiles of the people such a
  question names: one lookup by id, ranked just below the best hit, so what X says
  matters to them and what others tell X they are come ahead of filler. Other
  questions do not see these profiles.

Measured on the LOCOMO dev conversations and dropped: the same profiles for every
hypothetical question ("would X …", "might X …"; they cost the turns behind yes/no
guesses more room than they gave); the question's frame words ("likely", "might",
"considered") out of the keyword query (a net loss: Porter stems "likely" to
"like", so the frame word had been matching "liked" in answering turns); the
question reduced to its names and topic words as one more search per store (no
more gold turns in the context, lower coverage).

Also measured (66 open-domain questions of the 7 dev conversations, 37 of them
hypothetical) and dropped, each within one or two questions of no change: for a
hypothetical question, no session prior and no cap on statements (as for a
question asking for several things: coverage +0.03 on the 37, evidence recall
−0.01, one question's gain); episodic turns always selected beside facts; a cue
for the person's own first-person statements of taste or intent ("I love …", "my
goal …"); the frame words out of the phatic and off-subject rules only; plain
retrieval's floor without phatic turns, or no floor. The evidence of these
questions is mostly out of reach of the offline embedder (a plain dense ranking of
every turn puts half of the evidence turns past rank 100), and about half of the
coverage they miss is the gold's function words ("yes", "no", "because", "she"),
which no retrieval rule should chase.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime

from mirix_py._chat.hits import to_hit
from mirix_py._chat.models import Hit, ScoreBreakdown
from mirix_py._memory import MemoryType
from mirix_py._memory.profiles import profile_id
from mirix_py._memory.traits import QUALITIES, VALUES
from mirix_py._store.base import MemoryStore

_CHARACTER = re.compile(
    r"\b(?:attributes?|traits?|personality|qualities|character|values|"
    r"(?:kind|sort|type)\s+of\s+(?:a\s+)?(?:person|people|friend|parent))\b",
    re.I,
)
PROFILE_PEOPLE = 2
"""Profiles are read for at most this many people the question names."""
PROFILE_SCALE = 0.9
"""A person's values/qualities profile ranks at this share of the best hit's score."""
TRAIT_ASPECTS = frozenset({VALUES, QUALITIES})
"""The profile aspects only character questions see."""


def asks_character(question: str) -> bool:
    """True when ``question`` asks what someone is like or values ("what attributes
    describe X?", "what kind of person is X?", "what traits might X have?")."""
    return _CHARACTER.search(question) is not None


def profile_hits(
    store: MemoryStore,
    *,
    user_id: str,
    question: str,
    names: Sequence[str],
    hits: Sequence[Hit],
    as_of: datetime | None,
) -> list[Hit]:
    """``hits`` (best first) with the values and qualities profiles of the first
    :data:`PROFILE_PEOPLE` people ``question`` names ranked at :data:`PROFILE_SCALE`
    of the best score, when the question asks about character
    (:func:`asks_character`); one lookup by id, whatever the size of the history.
    Best first again.

    Any other question gets ``hits`` without such profiles: they gather remarks from
    many sessions, so one that shares a word with the question ("cares about:
    basketball") outranks the turn that answers it and lifts its own sources
    (:func:`~mirix_py._chat.sources.lift_fact_sources`) into the room that turn
    needed."""
    if not asks_character(question):
        return [h for h in hits if h.record.get("aspect") not in TRAIT_ASPECTS]
    if not hits or not names or MemoryType.SEMANTIC not in store.memory_types:
        return list(hits)
    ids = [
        profile_id(user_id, name, aspect)
        for name in list(dict.fromkeys(names))[:PROFILE_PEOPLE]
        for aspect in (VALUES, QUALITIES)
    ]
    found = store.get_many(ids, user_id=user_id, memory_type=MemoryType.SEMANTIC)
    score = round(PROFILE_SCALE * hits[0].score.score, 6)
    wanted = {
        r.id: r for r in found if r.valid_to is None and (as_of is None or r.valid_from <= as_of)
    }
    out: list[Hit] = []
    for hit in hits:
        if hit.memory_id in wanted and hit.score.score < score:
            hit = hit.model_copy(update={"score": hit.score.model_copy(update={"score": score})})
        wanted.pop(hit.memory_id, None)
        out.append(hit)
    for record in wanted.values():
        query = str(getattr(record, "name", ""))
        out.append(
            to_hit(
                record, reveal=False, stage="entity", query=query, score=ScoreBreakdown(score=score)
            )
        )
    out.sort(key=lambda h: (-h.score.score, h.memory_id))
    return out
