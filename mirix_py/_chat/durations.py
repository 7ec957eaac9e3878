"""Clock durations told in a sentence, and how a difference of two is written.

"Finished the half in 1:42:17", "my 5k is down to 24:05", "the flight was 2h 05m", "1 hr 58
min", "2 hours and 5 minutes", "3m20s": :func:`durations` reads each as a number of
seconds. A time of day is no duration: a clock after "at", "by", "from", "until",
"around", "@" …, before "am"/"pm"/"o'clock", or after a time of day and "to" ("from
9:30 to 10:15") or before "in the morning" is left out, and so is a number with one
unit only ("42 minutes"), which :mod:`.difference` reads as an ordinary quantity.

:func:`spoken` and :func:`clock` write a number of seconds as words ("4 minutes 29
seconds") and as a clock ("4:29", "1:02:05"): a difference of two clock durations is
given both ways, since either may be how it is asked for.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["SECONDS_PER", "Duration", "clock", "durations", "spoken"]

SECONDS_PER = {"hour": 3600, "minut": 60, "second": 1}
"""Seconds in each unit of time, by the unit's stem (as :mod:`.difference` names units)."""

_CLOCK = re.compile(
    r"(?<![\d:.,/])(?:(?P<h>\d{1,2}):(?P<hm>[0-5]\d):(?P<hs>[0-5]\d)|"
    r"(?P<m>\d{1,3}):(?P<s>[0-5]\d))(?![\d:]|[.,]\d)"
)
_TIME_OF_DAY_BEFORE = re.compile(
    r"(?i)(?:\b(?:at|by|from|until|till|til|around|about|before|after|since|between)|@)\s*$"
)
_RANGE_GAP = re.compile(r"(?i)\s*(?:to|and|until|till|-|–)\s*")
"""Between the two times of a span of the day ("from 9:30 to 10:15")."""
_TIME_OF_DAY_AFTER = re.compile(
    r"(?i)\s*(?:[ap]\.?m\b|o[’']?clock\b|h\b|hrs?\b|uhr\b|"
    r"(?:in\s+the\s+)?(?:morning|afternoon|evening|night|tonight)\b)"
)
_UNIT = {
    "h": "hour", "hr": "hour", "hrs": "hour", "hour": "hour", "hours": "hour",
    "m": "minut", "min": "minut", "mins": "minut", "minute": "minut", "minutes": "minut",
    "s": "second", "sec": "second", "secs": "second", "second": "second", "seconds": "second",
}  # fmt: skip
_PART = (
    r"\d{1,3}(?:\.\d+)?\s?(?:hours|hour|hrs|hr|h|minutes|minute|mins|min|m|seconds|second|"
    r"secs|sec|s)(?![a-z])"
)
_WORDED = re.compile(
    rf"(?i)(?<![\w.,:])(?:{_PART})(?:(?:\s*,\s*|\s+and\s+|\s*)(?:{_PART}))+"
    r"|(?<![\w.,:])\d{1,2}\s?h(?P<tail>[0-5]\d)\b"
)
_PIECE = re.compile(r"(?i)(?P<n>\d{1,3}(?:\.\d+)?)\s?(?P<u>[a-z]+)")


@dataclass(frozen=True)
class Duration:
    """A duration told in a sentence: its length and where and how it is written."""

    seconds: float
    start: int
    end: int
    written: str
    clock: bool
    """Whether it is written as a clock ("1:42:17") rather than with units ("2h 05m")."""


def durations(sentence: str) -> list[Duration]:
    """The clock durations and durations in several units ``sentence`` tells, in order."""
    found: list[Duration] = []
    day_time = -1  # where the last time of day ended
    for m in _CLOCK.finditer(sentence):
        if (
            _TIME_OF_DAY_BEFORE.search(sentence, 0, m.start())
            or _TIME_OF_DAY_AFTER.match(sentence, m.end())
            or (day_time >= 0 and _RANGE_GAP.fullmatch(sentence, day_time, m.start()))
        ):
            day_time = m.end()
            continue
        if m.group("h"):
            seconds = float(int(m["h"]) * 3600 + int(m["hm"]) * 60 + int(m["hs"]))
        else:
            seconds = float(int(m["m"]) * 60 + int(m["s"]))
        found.append(Duration(seconds, m.start(), m.end(), m.group(0), True))
    for m in _WORDED.finditer(sentence):
        worded = _worded_seconds(m)
        if worded is not None:
            found.append(Duration(worded, m.start(), m.end(), m.group(0).strip(), False))
    return sorted(found, key=lambda d: d.start)


def _worded_seconds(m: re.Match[str]) -> float | None:
    """Seconds of "2h 05m", "1 hr 58 min", "1h58"; None unless the units go from larger
    to smaller, each once ("5m 2h" is no duration)."""
    if m.group("tail"):
        hours = m.group(0)[: m.group(0).lower().index("h")]
        return float(int(hours) * 3600 + int(m.group("tail")) * 60)
    order = list(SECONDS_PER)
    seconds, last = 0.0, -1
    for piece in _PIECE.finditer(m.group(0)):
        unit = _UNIT.get(piece.group("u").lower())
        if unit is None or order.index(unit) <= last:
            return None
        last = order.index(unit)
        seconds += float(piece.group("n")) * SECONDS_PER[unit]
    return seconds


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def spoken(seconds: float) -> str:
    """``seconds`` in words: "4 minutes 29 seconds", "1 hour 7 minutes", "0 seconds"."""
    total = round(seconds)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    parts = [
        _plural(n, word)
        for n, word in ((hours, "hour"), (minutes, "minute"), (secs, "second"))
        if n
    ]
    return " ".join(parts) or "0 seconds"


def clock(seconds: float) -> str:
    """``seconds`` as a clock: "4:29" under an hour, else "1:02:05"."""
    hours, rest = divmod(round(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
