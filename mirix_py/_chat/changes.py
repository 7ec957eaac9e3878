"""Messages that change a value on the question's topic, ranked next to the best memories.

A question about a value that changed ("how many days before the wedding do the guests
arrive?", "which card does she have?") needs the message that changed it ("the venue
double-booked, they offered the 7th instead"), next to the one that set the old value.
That message can rank far below: it is one of many turns that name the topic, and the
words that mark a change ("instead", "switched to", "moved it to Friday") are no
question's words.

:func:`lift_changes` raises the retrieved turns that say a word of the question's topic
(not counting the names it asks about: every message about a person names them) and
state a change (:data:`~mirix_py._chat.current_value.REPLACES`) to just below the best
hit, at most :data:`CHANGE_TURNS` of them, best-ranked first. It reads only the hits it
is given (no search); a change not retrieved stays out.
"""

from __future__ import annotations

from collections.abc import Sequence

from mirix_py._chat.cues import QuestionCues, content_stems
from mirix_py._chat.current_value import REPLACES
from mirix_py._chat.models import Hit
from mirix_py._chat.rescore import best_first, raise_to
from mirix_py._memory import MemoryType

CHANGE_TURNS = 2
"""How many change messages on the topic are lifted."""
CHANGE_SCALE = 0.9
"""A lifted change message ranks at this share of the best hit's score."""


def _states_change(hit: Hit, topic: frozenset[str]) -> bool:
    text = str(hit.record.get("summary", ""))
    return REPLACES.search(text) is not None and bool(topic & set(content_stems(text)))


def lift_changes(hits: Sequence[Hit], cues: QuestionCues) -> list[Hit]:
    """``hits`` (best first) with the turns that change a value on the question's topic
    raised to just below the best hit (see the module docstring); best first again."""
    if not hits:
        return []
    topic = cues.topic_stems
    floor = CHANGE_SCALE * hits[0].score.score
    changes = [
        h.memory_id
        for h in hits
        if h.memory_type is MemoryType.EPISODIC
        and h.score.score < floor
        and _states_change(h, topic)
    ][:CHANGE_TURNS]
    if not changes:
        return list(hits)
    return best_first(raise_to(h, floor) if h.memory_id in changes else h for h in hits)
