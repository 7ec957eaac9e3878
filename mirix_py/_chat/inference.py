"""Hypothetical and inferential questions about a person: what to search for.

"Would Ana likely enjoy a jazz concert?", "What might Tomás's degree be in?",
"Is Ana considered religious?" ask for an inference, and the memories that
support it say nothing hypothetical: "I play jazz piano every Sunday", "my
degree made me want to work in policy". The frame words of the question
("would", "likely", "might", "considered", "probably") are in none of those
memories, yet the full-text side matches every turn that says "likely" or
"consider", and the cue scores count them as topic words.

- :func:`is_inferential` tells such a question by its opening ("would X …",
  "might X …", "is it likely …", "what might …", "what kind of person …") or by a
  hedging word anywhere ("likely", "probably", "potentially" …).
- :data:`FRAME_WORDS` are dropped from the question's content words
  (:func:`topic_keywords`), so the full-text side and the cue scores look for the
  topic alone.
- :func:`profile_hits` adds the values and qualities profiles of the people a
  character question names ("what attributes describe X?", "what kind of person
  is X?", "what traits might X have?"; :mod:`mirix_py._memory.traits`): one lookup
  by their deterministic ids, ranked just below the best hit, so what X says
  matters to them and what others tell X they are come ahead of filler; other
  questions do not see these profiles. (Measured: adding them to every
  inferential question cost the turns behind yes/no guesses more room than the
  profiles gave.)

(Measured and dropped: the question reduced to its names and topic words as one
more search per store; on the dev conversations it brought no more gold turns
into the context and lowered answer coverage.)
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import datetime

from mirix_py._chat.models import Hit, ScoreBreakdown
from mirix_py._memory import MemoryType
from mirix_py._memory.profiles import profile_id
from mirix_py._memory.traits import QUALITIES, VALUES
from mirix_py._store.base import MemoryStore

FRAME_WORDS: frozenset[str] = frozenset(
    """likely unlikely likelihood probably probable possibly possible potentially potential
    perhaps maybe presumably might could would considered consider regarded
    deemed""".split()
)
"""Words that frame a question as a guess rather than name its topic."""

_OPENING = re.compile(
    r"^\s*(?:would|might|could|is\s+it\s+(?:likely|possible|probable)|"
    r"(?:what|which|who|where|how)\b[^?]*?\b(?:would|might|could)\b|"
    r"what\s+(?:kind|sort|type)\s+of\s+(?:person|people)\b)",
    re.I,
)
_HEDGE = re.compile(
    r"\b(?:likely|unlikely|probably|possibly|potentially|presumably|considered)\b",
    re.I,
)
_CHARACTER = re.compile(
    r"\b(?:attributes?|traits?|personality|qualities|character|values|"
    r"(?:kind|sort|type)\s+of\s+(?:a\s+)?(?:person|people|friend|parent))\b",
    re.I,
)
PROFILE_PEOPLE = 2
"""Profiles are read for at most this many people the question names."""
PROFILE_SCALE = 0.9
TRAIT_ASPECTS = frozenset({VALUES, QUALITIES})
"""A person's values/qualities profile ranks at this share of the best hit's score."""


def is_inferential(question: str) -> bool:
    """True when ``question`` asks for a guess about someone or something ("would X
    like …", "what might X …", "is X likely to …") rather than for a stated fact."""
    return _OPENING.search(question) is not None or _HEDGE.search(question) is not None


def topic_keywords(question: str, keywords: Iterable[str]) -> tuple[str, ...]:
    """``keywords`` without the frame words when ``question`` is inferential (else as
    given); never empty when ``keywords`` was not."""
    kept = tuple(keywords)
    if not is_inferential(question):
        return kept
    topic = tuple(k for k in kept if k not in FRAME_WORDS)
    return topic or kept


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
        out.append(
            Hit(
                memory_id=record.id,
                memory_type=MemoryType.SEMANTIC,
                record=record.model_dump(mode="json", exclude={"embedding"}),
                score=ScoreBreakdown(score=score),
                stage="entity",
                query=str(getattr(record, "name", "")),
            )
        )
    out.sort(key=lambda h: (-h.score.score, h.memory_id))
    return out
