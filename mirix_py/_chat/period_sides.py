"""The two values a comparison "between <month> and <month>" takes: one told in each.

"By how much did her personal best improve between January and May?": the context holds
many values of one kind ("pb is 1:42:17", "sum of best 1:36:51" in January; "new pb
1:39:05" in March; "new pb too 1:37:48" in May), and the two compared are the ones told
in the two months named. :func:`named_months` reads the two months of such a question
(each the latest one begun by when it is asked); :func:`period_pair` takes, of the
values told in each month, the pair of one kind and size that best says the question's
words and whose clauses say the most words of each other ("pb" and "pb", not "pb" and
"sob"): the two values compared are of one thing.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from typing import Protocol, TypeVar

from mirix_py._chat.cues import content_stems

__all__ = ["named_months", "period_pair"]

_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august",
           "september", "october", "november", "december")  # fmt: skip
_BETWEEN = re.compile(
    r"(?i)\b(?:between|from)\s+(?:(?:the\s+)?(?:start|beginning|end)\s+of\s+)?(?P<a>[A-Za-z]+)"
    r"(?:\s+(?P<ya>(?:19|20)\d\d))?\s+(?:and|to|until|till)\s+(?:(?:the\s+)?(?:start|beginning|"
    r"end)\s+of\s+)?(?P<b>[A-Za-z]+)(?:\s+(?P<yb>(?:19|20)\d\d))?\b"
)


_MONTH_WORD = (
    r"(?:january|february|march|april|may|june|july|august|september|october|november|"
    r"december|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec)"
)
_IN_MONTH = re.compile(
    rf"(?i)\b(?:in|than|vs\.?|versus|compared\s+(?:to|with))\s+(?:in\s+)?(?P<m>{_MONTH_WORD})"
    r"(?:\s+(?P<y>(?:19|20)\d\d))?\b"
)
"""A month a comparison names on one side ("in June than in February", "… vs March")."""


class _Told(Protocol):
    @property
    def ref(self) -> int: ...
    @property
    def value(self) -> float: ...
    @property
    def clause(self) -> str: ...
    @property
    def relevance(self) -> float: ...


Q = TypeVar("Q", bound=_Told)


def _month(word: str) -> int | None:
    low = word.lower()
    for k, name in enumerate(_MONTHS):
        if low in (name, name[:3]) or (low == "sept" and name == "september"):
            return k + 1
    return None


def _latest(month: int, year: str | None, now: date) -> date:
    """The first day of ``month`` in ``year``, else of the latest such month begun by
    ``now``."""
    if year:
        return date(int(year), month, 1)
    start = date(now.year, month, 1)
    return start if start <= now else date(now.year - 1, month, 1)


def named_months(question: str, now: date) -> tuple[date, date] | None:
    """The first days of the two months "between <month> and <month>" names (``from …
    to …``, or "in <month> than in <month>"), or None when the question names no such pair."""
    m = _BETWEEN.search(question)
    if m is None:
        said = list(_IN_MONTH.finditer(question))
        sides = [_latest(k, s["y"], now) for s in said if (k := _month(s["m"])) is not None]
        if len(said) != 2 or len(sides) != 2 or sides[0] == sides[1]:
            return None
        return sides[0], sides[1]
    a, b = _month(m["a"]), _month(m["b"])
    if a is None or b is None:
        return None
    first = _latest(a, m["ya"], now)
    second = _latest(b, m["yb"], now)
    if second < first and not m["yb"]:  # "between November and February"
        first = date(first.year - 1, first.month, 1)
    return (first, second) if first != second else None


def _in(month: date, when: datetime | None) -> bool:
    return when is not None and (when.year, when.month) == (month.year, month.month)


def period_pair(
    found: Sequence[Q],
    months: tuple[date, date],
    when: Mapping[int, datetime | None],
    alike: Callable[[Q, Q], bool],
) -> tuple[Q, Q] | None:
    """Of ``found``, one value told in each of ``months`` (``when`` gives each ref's day),
    ``alike`` each other, scored by their relevance and by the share of words their clauses
    say of each other (see the module docstring); None when a month has none."""
    first = [q for q in found if _in(months[0], when.get(q.ref))]
    second = [q for q in found if _in(months[1], when.get(q.ref))]
    best: tuple[float, Q, Q] | None = None
    for a in first:
        for b in second:
            if a.value == b.value or not alike(a, b):
                continue
            said_a, said_b = set(content_stems(a.clause)), set(content_stems(b.clause))
            shared = len(said_a & said_b) / max(1, min(len(said_a), len(said_b)))
            score = a.relevance + b.relevance + 2 * shared
            if best is None or score > best[0]:
                best = (score, a, b)
    return None if best is None else (best[1], best[2])
