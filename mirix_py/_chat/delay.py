"""How much a moved event moved: "how many days later than first scheduled was X?".

The answer is the gap between the old and the new date of the move sentence on the event
(:mod:`mirix_py._chat.moved_dates`): "the surgeon was ill on the 14th, so it was done on
the 16th instead" → 2 days. A question of this form whose event has no such sentence
among the memories shown is left to the other rules.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date

from mirix_py._chat.answer_text import body_text
from mirix_py._chat.cues import sentences, stem_share
from mirix_py._chat.draft import Draft
from mirix_py._chat.models import Hit
from mirix_py._chat.moved_dates import moved_dates
from mirix_py._dates import full_date

__all__ = ["delay_answer"]

_DELAY_Q = re.compile(
    r"^\s*(?:by\s+)?how\s+many\s+(?P<unit>day|week)s?\s+(?:"
    r"(?:later|earlier|after|before)\s+than\s+(?:it\s+was\s+|they\s+were\s+)?(?:first|originally|"
    r"initially)?\s*(?:scheduled|planned|booked|set|arranged|expected)|"
    r"(?:was|were|did|had)\b[^?]*\b(?:postponed|delayed|moved|pushed|brought\s+forward|"
    r"rescheduled|put\s+off))\b",
    re.I,
)
_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august",
           "september", "october", "november", "december")  # fmt: skip
_DAY = re.compile(rf"^(\d{{1,2}})(?:-\d{{1,2}})? ({'|'.join(_MONTHS)}) ((?:19|20)\d\d)$", re.I)


def _day(label: str) -> date | None:
    """The (first) day of a day-level label ("16 October 2025", "2-7 March 2026")."""
    m = _DAY.match(label)
    if m is None:
        return None
    try:
        return date(int(m.group(3)), _MONTHS.index(m.group(2).lower()) + 1, int(m.group(1)))
    except ValueError:
        return None


def delay_answer(question: str, topic: frozenset[str], refs: Mapping[int, Hit]) -> Draft | None:
    """The gap between a moved event's old and new dates, if ``question`` asks for it: from
    the sentence of the shown memories ``refs`` that moves a day to another and covers the
    question's ``topic`` most (the best-ranked memory on a tie)."""
    m = _DELAY_Q.match(question)
    if m is None:
        return None
    best: tuple[float, float, int, date, date] | None = None
    for ref, hit in refs.items():
        for sentence in sentences(body_text(hit)):
            moves = moved_dates(sentence)
            pairs = [(_day(old), _day(new)) for old in moves.old for new in moves.new]
            days = [(a, b) for a, b in pairs if a is not None and b is not None and a != b]
            share = stem_share(topic, sentence)
            if days and share > 0:
                candidate = (share, hit.score.score, ref, *days[0])
                if best is None or candidate[:2] > best[:2]:
                    best = candidate
    if best is None:
        return None
    _, _, ref, old, new = best
    gap = abs((new - old).days)
    if m.group("unit").lower() == "week":
        if gap % 7:
            return None  # not a whole number of weeks: say nothing rather than round
        count = f"{gap // 7} week{'s' if gap != 7 else ''}"
    else:
        count = f"{gap} day{'s' if gap != 1 else ''}"
    return Draft(f"{count} ({full_date(old)} to {full_date(new)})", (ref,), False)
