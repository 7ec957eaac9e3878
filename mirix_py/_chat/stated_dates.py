"""Which stated date answers a "when …?" question.

Two rules for the offline answerer, on the date annotations the write path adds
(``[11-16 April 2026]``, ``[April 2026]``, ``[week of 16 February 2026]``):

- :func:`said_of_other` — a span whose dates all sit in a piece about something else
  ("moved in ✅ and I climbed my first 6A last week"; "- Imani picked Purdue, orientation
  in July - drain tile done") does not date what was asked; pieces are sentences, lines,
  bullets and clauses that start a new subject ("and/but/so" before a pronoun).
- :func:`topic_date` — of the dated pieces of a span (sentences, lines, bullets), the one
  that covers the question's topic most gives the date ("install is on the 21st - cabinets
  came April 2" dates the cabinets by April 2);
- :func:`finer_date` — a month or a week is refined by a day-level date inside it said
  in the same session ("a trip in April" … "okay, dates: 11 to 16 April") by a memory
  that covers the question's topic or says little else (a follow-up naming the dates),
  or in another session by a memory that covers the topic at least as well.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, timedelta

from mirix_py._chat.cues import content_stems, stem_share
from mirix_py._chat.models import Hit
from mirix_py._text import DATE_LABEL, NOT_AFTER_ABBREVIATION

__all__ = ["annotated", "finer_date", "said_of_other", "topic_date"]

_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august",
           "september", "october", "november", "december")  # fmt: skip
_MON = "|".join(_MONTHS)
_ANNOTATION = re.compile(rf"\[({DATE_LABEL})\]")
_COARSE_MONTH = re.compile(rf"^({_MON}) ((?:19|20)\d\d)$", re.I)
_COARSE_WEEK = re.compile(rf"^week of (\d{{1,2}}) ({_MON}) ((?:19|20)\d\d)$", re.I)
_DAY_LABEL = re.compile(rf"^(\d{{1,2}})(?:-\d{{1,2}})? ({_MON}) ((?:19|20)\d\d)$", re.I)
_MONTH_WORD = re.compile(rf"\b(?:{_MON})\b", re.I)
_NEW_SUBJECT = re.compile(
    r";|(?:,|\band\b|\bbut\b|\bso\b)\s+(?=(?:i|we|he|she|they|my|our|his|her|their)\b)", re.I
)
_PIECE = re.compile(r"(?<=[.!?])" + NOT_AFTER_ABBREVIATION + r"\s+|\n+\s*(?:[-•*]\s+)?|;\s*")
"""Where a span splits into separately dated pieces: sentences, lines and bulleted lines
("- install is on the 21st\n- cabinets came April 2"); a dash inside a line ("last weekend
- we went biking") joins, it does not split."""
_REFERS_BACK = re.compile(r"^\s*\[|^\W*(?:it|its|it's|it’s|that|this|which|there)\b", re.I)
"""A piece that belongs to the one before: a date annotation written after its sentence's
full stop ("on the 1st of February. [1 February 2026]"), or a pronoun referring back."""
_FEW_WORDS = 3
"""A follow-up with at most this many content words besides its date ("okay, dates: 11 to
16 April!") is taken to continue what was being discussed."""


def _month(name: str) -> int:
    return _MONTHS.index(name.lower()) + 1


def _pieces(span: str) -> list[str]:
    """The separately said pieces of ``span``: sentences, lines, bullets and clauses with a
    new subject; a piece that refers back ("It is on 26 February.") stays with the one
    before it."""
    pieces: list[str] = []
    for part in _PIECE.split(span):
        for clause in _NEW_SUBJECT.split(part):
            if not clause.strip():
                continue
            if pieces and _REFERS_BACK.match(clause):
                pieces[-1] = f"{pieces[-1]} {clause}"
            else:
                pieces.append(clause)
    return pieces


def said_of_other(topic: frozenset[str], span: str) -> bool:
    """Whether every date in ``span`` is said in a piece without the question's topic
    while another piece of ``span`` has it (see :func:`_pieces`)."""
    pieces = _pieces(span)
    dated = [c for c in pieces if _ANNOTATION.search(c)]
    if not dated or len(dated) == len(pieces):
        return False
    return all(stem_share(topic, c) == 0 for c in dated) and any(
        stem_share(topic, c) > 0 for c in pieces if c not in dated
    )


def _period(label: str) -> tuple[date, date] | None:
    """``[start, end)`` of a month or week label, None for any other label."""
    if m := _COARSE_MONTH.match(label):
        first = date(int(m.group(2)), _month(m.group(1)), 1)
        return first, (first + timedelta(days=32)).replace(day=1)
    if m := _COARSE_WEEK.match(label):
        first = date(int(m.group(3)), _month(m.group(2)), int(m.group(1)))
        return first, first + timedelta(days=7)
    return None


def _first_day(label: str) -> date | None:
    m = _DAY_LABEL.match(label)
    if m is None:
        return None
    try:
        return date(int(m.group(3)), _month(m.group(2)), int(m.group(1)))
    except ValueError:
        return None


def _text(hit: Hit) -> str:
    return f"{hit.record.get('summary', '')} {hit.record.get('details', '')}"


def finer_date(label: str, hit: Hit, others: Sequence[Hit], topic: frozenset[str]) -> str:
    """A day-level date inside ``label``'s month or week, said by one of ``others`` (best
    first) in ``hit``'s session, or in another session by a memory that covers the topic
    as well as ``hit`` does ("Madeira in May is on" … "moved Madeira to the 6th to the 13th
    of May"); else ``label`` itself."""
    period = _period(label)
    if period is None:
        return label
    own = stem_share(topic, _ANNOTATION.sub(" ", _text(hit)))
    for other in others:
        if other.memory_id == hit.memory_id:
            continue
        text = _text(other)
        plain = _ANNOTATION.sub(" ", text)
        share = stem_share(topic, plain)
        if other.session is None or other.session != hit.session:
            if share == 0 or share < own:
                continue  # another session: only a memory on the same topic
        else:
            said = [w for w in content_stems(_MONTH_WORD.sub(" ", plain)) if not w.isdigit()]
            if share == 0 and len(said) > _FEW_WORDS:
                continue  # a memory about something else
        for found in _ANNOTATION.finditer(text):
            day = _first_day(found.group(1).strip())
            if day is not None and period[0] <= day < period[1]:
                return found.group(1).strip()
    return label


def annotated(text: str) -> bool:
    """Whether ``text`` carries a date annotation (memories written offline do)."""
    return _ANNOTATION.search(text) is not None


def topic_date(topic: frozenset[str], span: str, *, on_topic: bool = False) -> str | None:
    """The first date annotation in the piece of ``span`` that covers ``topic`` most (the
    earliest piece on a tie), None when ``span`` has no annotation (or, with ``on_topic``,
    no annotated piece that covers any of ``topic``)."""
    best: tuple[float, str] | None = None
    for piece in _pieces(span):
        found = _ANNOTATION.search(piece)
        if found is None:
            continue
        share = stem_share(topic, _ANNOTATION.sub(" ", piece))
        if (best is None or share > best[0]) and (share > 0 or not on_topic):
            best = (share, found.group(1).strip())
    return best[1] if best else None
