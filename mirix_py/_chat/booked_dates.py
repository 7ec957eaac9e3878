"""The date of an arranged event, not the day it was arranged.

"Booked our Crete trip today! We fly 14 to 21 June.": asked "when is the Crete trip?",
the sentence that says the topic's words best dates the booking ("today [3 May 2024]"),
while the answer is the trip's own date. :func:`event_date` gives the other date: when
the date a "when …?" answer found is the day of an act of arranging — a past-tense
"booked", "reserved", "registered", "signed up", "got/bought the tickets", "paid the
deposit" … with, in the same clause, a time that places the act itself ("today",
"yesterday", "this morning", "last week", "2 days ago", or any day up to the message's
own) — and the question does not ask about the arranging ("when did she book …?"),
the first other date the message states is the event's.

Only the date annotations of the write path are read ("today [3 May 2024]"); a message
naming no other date keeps its answer.
"""

from __future__ import annotations

import re
from datetime import date, datetime

from mirix_py._text import DATE_LABEL

__all__ = ["booking_dates", "event_date"]

_ARRANGED = re.compile(
    r"(?i)\b(?:booke?d|reserve?d|regist(?:er)?e?d|signed\s+up|enrol(?:l)?ed|ordere?d|(?:got|bought|"
    r"booked)\s+(?:the\s+|our\s+|my\s+)?tickets|paid\s+(?:the\s+)?deposit|confirmed|"
    r"scheduled|arranged)\b"
)
_ASKS_ARRANGING = re.compile(
    r"(?i)\b(?:book|booked|booking|reserve|reserved|register|registered|sign(?:ed)?\s+up|"
    r"enrol(?:l|led)?|order|ordered|buy|bought|purchase|purchased|pay|paid|confirm|"
    r"confirmed|schedule|scheduled|arrange|arranged)\b"
)
_CLAUSE = re.compile(r"[,;:!?]|\.(?:\s|$)|\s[-–—]\s|\n")
_LABELLED = re.compile(rf"(?P<said>[^\[\]]*?)\s*\[(?P<label>{DATE_LABEL})\]")
_ACT_TIME = re.compile(
    r"(?i)\b(?:today|tonight|this\s+(?:morning|afternoon|evening)|yesterday|last\s+\w+|"
    r"\w+\s+(?:days?|weeks?|months?)\s+ago|earlier|just\s+now)\s*$"
)
_EVENT_TIME = re.compile(r"(?i)\b(?:for|from|until|till|to|starting)\s+(?:\S+\s+)?\S+\s*$")
"""Right before a date, what names the event's time ("booked a table for Friday")."""
_DAY = re.compile(
    r"^(?P<d>\d{1,2})(?:-\d{1,2})? (?P<m>January|February|March|April|May|June|July|"
    r"August|September|October|November|December) (?P<y>\d{4})$"
)
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")  # fmt: skip


def _day(label: str) -> date | None:
    m = _DAY.match(label)
    if m is None:
        return None
    return date(int(m["y"]), _MONTHS.index(m["m"]) + 1, int(m["d"]))


def booking_dates(text: str, said: datetime | None) -> set[str]:
    """The date labels of ``text`` (a message said at ``said``) that date an act of
    arranging (see the module docstring)."""
    found: set[str] = set()
    start = 0
    for end in [*(m.start() for m in _CLAUSE.finditer(text)), len(text)]:
        clause, start = text[start:end], end + 1
        verb = _ARRANGED.search(clause)
        if verb is None:
            continue
        for m in _LABELLED.finditer(clause):
            before = clause[: m.end("said")]
            if _EVENT_TIME.search(before[-40:]):
                continue  # "booked a table for Friday": the event's time
            day = _day(m["label"])
            acted = _ACT_TIME.search(before) is not None
            if acted or (day is not None and said is not None and day <= said.date()):
                found.add(m["label"].strip())
    return found


def event_date(question: str, stated: str, body: str, said: datetime | None) -> str | None:
    """The date of the arranged event when ``stated`` (the date a "when …?" answer found
    in ``body``, said at ``said``) is the day it was arranged; None otherwise."""
    if _ASKS_ARRANGING.search(question):
        return None  # "when did she book it?": the day of the act is the answer
    booked = booking_dates(body, said)
    if stated not in booked:
        return None
    labels = [m["label"].strip() for m in _LABELLED.finditer(body)]
    others = [label for label in labels if label not in booked]
    return others[0] if others else None
