"""A later message that moves an event's day: the day date arithmetic counts from.

"The defence is set for 29 May", then, a week later, "they moved my defence to 14 June":
asked how many days lie between two events, :mod:`.reckon` dates the defence by the
sentence that tells of it best, and :func:`moved` then looks for a later message of the
asker that moves that day — a sentence saying "now", "instead" or a move verb with a day
named after it, about the same event, while the day moved is still ahead.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime

from mirix_py._chat.cues import QuestionCues, stem
from mirix_py._chat.event_days import (
    MIN_COVER,
    Dated,
    cover,
    day_of,
    plain_text,
    speaker_stems,
    told_stems,
    utterances,
)
from mirix_py._chat.models import Hit
from mirix_py._chat.replies import by_assistant

__all__ = ["moved"]

_NOW_OR_MOVED = re.compile(
    r"\b(?:now|instead|moved|moving|postponed|pushed|rescheduled|changed|shifted|"
    r"brought\s+forward|delayed|new\s+date)\b",
    re.I,
)
_MONTH_WORDS = frozenset(
    stem(w)
    for w in "january february march april may june july august september october november "
    "december jan feb mar apr jun jul aug sep sept oct nov dec".split()
)


def moved(
    dated: Dated,
    stems: frozenset[str],
    weights: Mapping[str, float],
    cues: QuestionCues,
    refs: Mapping[int, Hit],
) -> Dated | None:
    """The event's current day when a message told later than ``dated``'s moves it: an
    asker's sentence saying "now", "instead" or a move verb ("moved my slot to 14 june",
    "so the wedding is now 7 nov") with a day named after that word, that says the event's
    words or two words of the sentence that dated it ("slot", "graz"), while the day it
    moves is still ahead (a past event is not moved). The latest such move wins; None
    when there is none."""
    first = refs[dated.ref].when
    if first is None:
        return None
    people = speaker_stems(cues, refs)
    told = frozenset(told_stems(dated.sentence)) - people - _MONTH_WORDS
    found: tuple[datetime, Dated] | None = None
    for ref, hit in refs.items():
        when = hit.when
        if when is None or when <= first or when.date() >= dated.day or by_assistant(hit, set()):
            continue  # only a day still ahead can be moved
        for sentence in utterances(plain_text(hit)):
            marker = _NOW_OR_MOVED.search(sentence)
            if marker is None or sentence.endswith("?"):
                continue
            said = told_stems(sentence)
            if cover(stems, sentence, weights) < MIN_COVER and len(told & said) < 2:
                continue
            day, _, named = day_of(sentence[marker.start() :], when)
            if named and day != dated.day and (found is None or when > found[0]):
                found = (when, Dated(ref, day, sentence, dated.score, "day", True))
    return None if found is None else found[1]
