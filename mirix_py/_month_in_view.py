"""A day of the month said alone takes the month the conversation is talking about.

"In March we got married. Our anniversary is on the 14th", said in December:
:mod:`mirix_py._temporal` places a bare "the 14th" in a month near the day it was said
(a sentence naming a month is left to the month rules), which here is 14 December. When
the time expression said last before the bare day — earlier in the same message, or in
the turns just before it — names one month by name ("in March", "7 March", "March
2026"), that month is *in view* and the bare day is that month's, in the year the
month was resolved to ("we went in march. lovely. we arrived on the 3rd").

What takes a month out of view:

- any other time expression said in between ("tomorrow", "next week", "last summer"):
  the talk is back on other times;
- :data:`CARRY_TURNS` turns in a row without any time expression, or a turn said more
  than :data:`CARRY_DAYS` after the one that named the month (another session);
- the month it was said in: a bare day said in the month in view keeps today's rule,
  which already weighs that month against its neighbours.

:class:`DateThread` annotates a conversation's turns in order with this rule; it keeps
only the month in view, so it costs nothing beyond the turns already in hand.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta

from mirix_py._temporal import TimeMention, annotate_mentions, resolve_time_expressions

__all__ = ["CARRY_DAYS", "CARRY_TURNS", "DateThread", "in_view"]

CARRY_TURNS = 2
"""A month stays in view across at most this many turns that say no time at all."""
CARRY_DAYS = 2
"""A month named in a turn said more than this many days earlier is out of view."""

_MONTH_WORD = re.compile(
    r"(?i)\b(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t|tember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\b"
)
_ORD = r"(?P<{}>\d{{1,2}})(?:st|nd|rd|th)"
_BARE_DAY = re.compile(
    rf"(?i)the\s+{_ORD.format('d')}(?:\s*(?:-|–|—|to|through|thru|until|till|and)\s*"
    rf"(?:the\s+)?{_ORD.format('d2')})?"
)
"""The text of a mention of a day of the month alone ("the 14th", "the 3rd to the 7th")."""


def _named_month(mention: TimeMention) -> date | None:
    """The first day of the one month ``mention`` names by name, else None."""
    if _MONTH_WORD.search(mention.text) is None:
        return None
    first, last = mention.start.date(), (mention.end - timedelta(days=1)).date()
    return first.replace(day=1) if (first.year, first.month) == (last.year, last.month) else None


def _in_month(mention: TimeMention, bare: re.Match[str], month: date) -> TimeMention | None:
    """``mention`` (a bare day or span of days) placed in ``month``; None when the day is
    not in it (the 31st of April)."""
    try:
        start = month.replace(day=int(bare["d"]))
        last = int(bare["d2"] or bare["d"])
        end = start.replace(day=last) if last >= start.day else _next_month(month).replace(day=last)
    except ValueError:
        return None
    zone = time(tzinfo=mention.start.tzinfo)
    return dataclasses.replace(
        mention,
        start=datetime.combine(start, zone),
        end=datetime.combine(end + timedelta(days=1), zone),
    )


def _next_month(month: date) -> date:
    return (month + timedelta(days=32)).replace(day=1)


def in_view(
    mentions: Sequence[TimeMention], said: date, view: date | None = None
) -> tuple[list[TimeMention], date | None]:
    """``mentions`` (of one text said on ``said``, in order) with each bare day of the
    month placed in the month in view, and the month in view after the text.

    ``view`` is the month in view before the text (the first day of it), from the turns
    before; see the module docstring."""
    out: list[TimeMention] = []
    for mention in mentions:
        bare = _BARE_DAY.fullmatch(mention.text)
        if bare is None:
            view = _named_month(mention)
        elif view is not None and (view.year, view.month) != (said.year, said.month):
            mention = _in_month(mention, bare, view) or mention
        out.append(mention)
    return out, view


class DateThread:
    """Annotates the turns of one conversation in order ("yesterday [7 May 2023]"), a
    bare day of the month taking the month in view (see the module docstring)."""

    def __init__(self) -> None:
        self._view: date | None = None
        self._said: datetime | None = None
        self._quiet = 0

    def annotate(self, text: str, anchor: datetime) -> str:
        """``text`` said at ``anchor`` with its time expressions annotated."""
        mentions = resolve_time_expressions(text, anchor)
        carried = self._carried(anchor)
        placed, view = in_view(mentions, anchor.date(), carried)
        if mentions:
            self._view, self._said, self._quiet = view, anchor, 0
        elif carried is not None:
            self._quiet += 1
        return annotate_mentions(text, placed)

    def _carried(self, anchor: datetime) -> date | None:
        """The month in view for a turn said at ``anchor``."""
        if self._view is None or self._said is None or self._quiet > CARRY_TURNS:
            return None
        if abs((anchor.date() - self._said.date()).days) > CARRY_DAYS:
            return None
        return self._view
