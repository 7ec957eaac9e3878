"""The reply to a turn that asks about the question's topic, ranked next to that turn.

In a conversation the fact often sits in a reply to a question: "Is taking care of them
hard?" — "Not really. Keep their tank clean and feed them twice a day." The asking turn
says the question's words, so it ranks high; the reply says the answer in its own words
and can rank far below, past the context budget. Shown alone, the asking turn holds no
fact at all.

:func:`lift_replies` raises the turn right after each well-ranked turn that asks about
the question's topic (a sentence of it ends in ``?`` and says a content word of the
question, not counting the names of the people it asks about) to just below that turn,
when the next turn is said by someone else. It looks only at the hits it is given (no
search); a reply not retrieved stays out.

Plain conversation shape and word overlap with the question; nothing depends on a
conversation's wording.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from mirix_py._chat.cues import QuestionCues, content_stems
from mirix_py._chat.models import Hit
from mirix_py._chat.rescore import best_first, raise_to
from mirix_py._memory import MemoryType

ASKING_TOP = 40
"""A turn asks for its reply's lift only when it ranks among this many hits."""
REPLY_SCALE = 0.97
"""A reply ranks at this share of the asking turn's score (just below it)."""

_ASKING = re.compile(r"[^.!?\n]*\?")
"""A sentence ending in a question mark (what follows a ``.``, ``!``, ``?`` or a line
break: a list's lines before a question are not part of it)."""


def asks_about(text: str, topic: frozenset[str]) -> bool:
    """Whether ``text`` puts a question (a sentence ending in ``?``) that says one of the
    ``topic`` stems."""
    return any(topic & set(content_stems(m.group(0))) for m in _ASKING.finditer(text))


def _place(hit: Hit) -> tuple[str, int] | None:
    sequence = hit.position if hit.position is not None else hit.record.get("sequence")
    if hit.session is None or not isinstance(sequence, int):
        return None
    return hit.session, sequence


def lift_replies(hits: Sequence[Hit], cues: QuestionCues) -> list[Hit]:
    """``hits`` (best first) with the reply to each well-ranked turn asking about the
    question's topic raised to just below that turn (see the module docstring); best
    first again."""
    topic = cues.topic_stems
    if not topic:
        return list(hits)
    turns = {
        place: h
        for h in hits
        if h.memory_type is MemoryType.EPISODIC and (place := _place(h)) is not None
    }
    floor: dict[str, float] = {}
    for hit in hits[:ASKING_TOP]:
        place = _place(hit) if hit.memory_type is MemoryType.EPISODIC else None
        if place is None or not asks_about(str(hit.record.get("summary", "")), topic):
            continue
        reply = turns.get((place[0], place[1] + 1))
        if reply is None or reply.record.get("actor") == hit.record.get("actor"):
            continue
        score = REPLY_SCALE * hit.score.score
        floor[reply.memory_id] = max(floor.get(reply.memory_id, 0.0), score)
    if not floor:
        return list(hits)
    return best_first(raise_to(h, floor.get(h.memory_id, 0.0)) for h in hits)
