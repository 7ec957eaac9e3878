"""The latest mention of the value the best memory gives, ranked next to it.

Asked how things stand ("who is her assistant coach?"), the best memory often says the
value when it was set ("the new assistant coach is Losa"). A later message that names
the value again ("Losa says she stays next year", or "Losa has left") tells whether it
still holds, yet it shares no word with the question and ranks far below.

:func:`lift_echo` reads the words of the best hit that the question does not say and
that few of the retrieved memories say (at most :data:`ECHO_RARE`: a name, a model, a
place — the value rather than the topic, which many memories say), and raises the
newest retrieved turn dated after the best hit that says one of them to just below the
best hit. Only for a question about the present
(:func:`~mirix_py._chat.current_value.asks_present`) that names no time of its own.
It reads only the hits it is given (no search).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import datetime

from mirix_py._chat.cues import QuestionCues, content_stems, has_time_expression, stem, words
from mirix_py._chat.current_value import asks_present
from mirix_py._chat.models import Hit
from mirix_py._memory import MemoryType

ECHO_RARE = 3
"""A word of the best hit said by at most this many retrieved memories is a value."""
ECHO_SCALE = 0.9
"""The lifted turn ranks at this share of the best hit's score."""


def _stems(hit: Hit) -> set[str]:
    return set(content_stems(str(hit.record.get("summary", ""))))


def _at(hit: Hit) -> tuple[datetime, int] | None:
    when = hit.when
    return None if when is None else (when, hit.position or 0)


def lift_echo(hits: Sequence[Hit], cues: QuestionCues) -> list[Hit]:
    """``hits`` (best first) with the newest later turn naming the best hit's value raised
    to just below it (see the module docstring); best first again."""
    if not hits or not asks_present(cues.text) or has_time_expression(cues.text):
        return list(hits)
    best = hits[0]
    start = _at(best)
    if best.memory_type is not MemoryType.EPISODIC or start is None:
        return list(hits)
    said = Counter(s for h in hits for s in _stems(h))
    names = {stem(w) for h in hits for w in words(str(h.record.get("actor") or ""))}
    values = {s for s in _stems(best) - cues.stems - names if said[s] <= ECHO_RARE}
    floor = ECHO_SCALE * best.score.score
    later = [
        h
        for h in hits[1:]
        if h.memory_type is MemoryType.EPISODIC
        and h.score.score < floor
        and (at := _at(h)) is not None
        and at > start
        and values & _stems(h)
    ]
    if not later:
        return list(hits)
    newest = max(later, key=lambda h: (_at(h), h.memory_id))
    lifted = [
        h.model_copy(update={"score": h.score.model_copy(update={"score": round(floor, 6)})})
        if h.memory_id == newest.memory_id
        else h
        for h in hits
    ]
    lifted.sort(key=lambda h: (-h.score.score, h.memory_id))
    return lifted
