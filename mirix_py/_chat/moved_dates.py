"""Dates that moved: which of a rescheduled event's dates answers a "when …?" question.

On the date annotations the write path adds (``[16 October 2025]``), a sentence that moves
an event ("moved our trip to 12 to 19 September", "postponed, so I wrote it on 21 April
instead", "the surgeon was ill on the 14th, so it was done on the 16th instead") holds
the event's new date and, often, its old one:

- :func:`moved_dates` — the new and the old dates of a span's move sentences. A date is
  new in a clause that says the move happened ("instead", "now", "in the end") or right
  after a move to it ("moved/pushed/postponed/rescheduled/changed … to"); it is old after
  "originally", "was supposed to", "instead of", "not", or "from" before a "to", and any
  other date of a move sentence is the old one ("was ill on the 14th").
- :func:`asks_original` — a question about the first plan ("originally scheduled", "at
  first", "before it was moved") wants the old date; any other wants the new one.
- :func:`names_other` — an event named by a code ("N2", "B1", "A320") is not the one a
  date is said of when another code of the same kind is named nearer before that date.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from mirix_py._chat.answer_text import strip_annotations
from mirix_py._chat.cues import content_stems, sentences
from mirix_py._text import DATE_LABEL, NOT_AFTER_ABBREVIATION

__all__ = [
    "MovedDates",
    "asks_original",
    "codes",
    "followed_moves",
    "held",
    "moved_dates",
    "moves_of",
    "names_other",
]

_ANNOTATION = re.compile(rf"\[({DATE_LABEL})\]")
_SENTENCE = re.compile(r"(?<=[.!?])" + NOT_AFTER_ABBREVIATION + r"\s+|\n+")
_CLAUSE = re.compile(r"[,;:—–]\s+|\s+-\s+|\s+(?=(?:so|but|and\s+then)\s)")
_MOVE_VERB = (
    r"(?:moved|moving|move[sd]?|push(?:ed)?(?:\s+back)?|postponed?|rescheduled?|"
    r"brought\s+forward|delayed|changed|shifted|bumped)"
)
_MOVE = re.compile(rf"\b(?:{_MOVE_VERB}|instead|new\s+date|cancell?ed)\b", re.I)
"""A sentence that reschedules something."""
_MOVED_TO = re.compile(
    rf"\b{_MOVE_VERB}\b(?:\s+[\w'’-]+){{0,6}}?\s+(?:to|until|till|for)\s+"
    r"(?:(?!\b(?:in|on|at|from)\b)[^\[\]]){0,30}$",
    re.I,
)
"""A move right before the date: "moved our trip to 12 to 19 September"; not a move to a
place dated after it ("I'll move to Florence in May", "moving on 24 May")."""
_NEW_CLAUSE = re.compile(r"\b(?:instead(?!\s+of\b)|in\s+the\s+end|ended\s+up|new\s+date)\b", re.I)
_NEW_BEFORE = re.compile(r"\b(?:now|eventually|finally)\b[^\[\].!?]{0,40}$", re.I)
"""Shortly before the date, in its sentence: "it is now on the 9th", "now the move is the
1st of July"."""
_OLD_BEFORE = re.compile(
    r"\b(?:originally|initially|at\s+first|(?:was|were)\s+(?:supposed|meant|due|planned|"
    r"scheduled|set|booked)|instead\s+of|not(?:\s+on)?(?:\s+the)?|from(?:\s+the)?)\s+"
    r"[^\[\]]{0,20}$",
    re.I,
)
_FROM_BEFORE = re.compile(r"\bfrom\s+[^\[\]]{0,20}$", re.I)
_TO_AFTER = re.compile(r"^\s*(?:to|until|till)\b", re.I)

_ORIGINAL_Q = re.compile(
    r"\b(?:originally|initially|at\s+first|first\s+(?:scheduled|plann?(?:ed)?|want(?:ed)?|booked|set|arranged|"
    r"supposed|meant|due)|(?:was|were)\s+(?:[\w'’]+\s+){0,3}(?:supposed|meant)\s+to|"
    r"(?:old|original|first|initial)\s+(?:date|plan)|before\s+(?:it|they|that|the\s+\w+)\s+"
    r"(?:was|were|got|had\s+been)\s+(?:moved|postponed|rescheduled|changed|delayed|pushed))\b",
    re.I,
)
_CODE = re.compile(r"\b(?=[A-Za-z]*\d)(?=\d*[A-Za-z])[A-Za-z\d]{2,8}\b")
"""A code naming one of several things of a kind: letters and digits together ("N2",
"B1", "A320"); ordinals ("3rd") and times ("5pm") are no codes."""
_NOT_CODE = re.compile(r"^\d+(?:st|nd|rd|th|am|pm|h|k|km|kg|m|s|x)$", re.I)


@dataclass(frozen=True)
class MovedDates:
    """The new and the old dates (annotation labels) said in a span's move sentences."""

    new: tuple[str, ...]
    old: tuple[str, ...]


def _clauses(sentence: str) -> list[str]:
    return [c for c in _CLAUSE.split(sentence) if c.strip()]


def moved_dates(span: str) -> MovedDates:
    """The new and old dates of the move sentences in ``span`` (see the module docstring);
    empty when ``span`` moves nothing or its move sentences carry no date annotation."""
    new: list[str] = []
    old: list[str] = []
    for sentence in _SENTENCE.split(span):
        if not _MOVE.search(sentence) or not _ANNOTATION.search(sentence):
            continue
        for clause in _clauses(sentence):
            fresh = _NEW_CLAUSE.search(_ANNOTATION.sub(" ", clause)) is not None
            for found in _ANNOTATION.finditer(clause):
                before = _ANNOTATION.sub(" ", clause[: found.start()])
                after = clause[found.end() :]
                label = found.group(1).strip()
                if _FROM_BEFORE.search(before) and _TO_AFTER.match(after):
                    old.append(label)  # "moved it from the 3rd to the 9th"
                elif (
                    _MOVED_TO.search(before)
                    or _NEW_BEFORE.search(before)
                    or (fresh and not _OLD_BEFORE.search(before))
                ):
                    new.append(label)
                else:
                    old.append(label)
    if not new:
        return MovedDates((), ())
    return MovedDates(tuple(new), tuple(o for o in old if o not in new))


def held(span: str, body: str) -> str:
    """The sentences of ``body`` that hold ``span`` (a clause of one of them, often)."""
    plain = strip_annotations(span).strip()
    return " ".join(p for p in sentences(body) if plain and plain in strip_annotations(p))


def moves_of(span: str, body: str) -> MovedDates:
    """The moved dates of the sentences of ``body`` that hold ``span`` (a clause "it was
    done on the 12th instead" has its old date elsewhere in its sentence), else of ``span``."""
    found = moved_dates(held(span, body))
    return found if found.new else moved_dates(span)


def asks_original(question: str) -> bool:
    """Whether ``question`` asks for the first planned date rather than the actual one."""
    return _ORIGINAL_Q.search(question) is not None


def codes(text: str) -> frozenset[str]:
    """The codes (letters with digits: "N2", "B1") that ``text`` names, upper-cased."""
    return frozenset(
        c.upper() for c in _CODE.findall(_ANNOTATION.sub(" ", text)) if not _NOT_CODE.match(c)
    )


def names_other(asked: frozenset[str], text: str, label: str) -> bool:
    """Whether the date ``label`` annotated in ``text`` is said of another code than the
    ``asked`` ones: the nearest code before it (in its sentence) is a different one ("N3 in
    December, next N2 on 5 July" dates N2 by 5 July, not N3)."""
    if not asked:
        return False
    at = text.find(f"[{label}]")
    if at < 0:
        return False
    start = max((m.end() for m in _SENTENCE.finditer(text, 0, at)), default=0)
    before = [c.upper() for c in _CODE.findall(_ANNOTATION.sub(" ", text[start:at]))]
    before = [c for c in before if not _NOT_CODE.match(c)]
    return bool(before) and before[-1] not in asked


_ORDINAL_DAY = re.compile(r"\b(?:the\s+)?(\d{1,2})(?:st|nd|rd|th)\b", re.I)
_FOLLOW_LIMIT = 3
"""How many moves of one date :func:`followed_moves` follows (a date moved, then moved again)."""


def _day(label: str) -> date | None:
    try:
        return datetime.strptime(label.strip(), "%d %B %Y").date()
    except ValueError:
        return None


_NEXT = "\x1f"
"""Joins a sentence to the one after it (:func:`_with_next`): the old day is named first."""


def _names_day(day: date, text: str) -> bool:
    """Whether ``text`` names ``day``: its annotation, or its bare ordinal ("the 13th")."""
    plain = _ANNOTATION.sub(" ", text)
    if day.day in {int(m.group(1)) for m in _ORDINAL_DAY.finditer(plain)}:
        return True
    return day in {_day(m.group(1)) for m in _ANNOTATION.finditer(text)}


def _move_from(day: date, sentence: str) -> date | None:
    """The new date a move sentence (with the one after it) gives a date that was ``day``,
    when its first sentence names ``day`` as the old one (:func:`_names_day`), else None.
    The new date is the move's new annotated one (:func:`moved_dates`), else its one other
    bare ordinal, read in ``day``'s month ("flight on 9th was cancelled, I came on 11th
    instead")."""
    if not _MOVE.search(sentence) or not _names_day(day, sentence.split(_NEXT, 1)[0]):
        return None
    plain = _ANNOTATION.sub(" ", sentence)
    ordinals = [int(m.group(1)) for m in _ORDINAL_DAY.finditer(plain)]
    found = moved_dates(sentence)
    for label in found.new:
        new = _day(label)
        if new is not None and new != day:
            return new
    others = [d for d in ordinals if d != day.day]
    if len(others) == 1 and not found.new:
        try:
            return day.replace(day=others[0])
        except ValueError:
            return None
    return None


def _words_of(text: str) -> set[str]:
    """The content stems of ``text`` that are no date: a move names its event by them."""
    plain = _ANNOTATION.sub(" ", text)
    return {s for s in content_stems(plain) if not s[:1].isdigit() and s[:3] not in _MONTHS}


_MONTHS = frozenset("jan feb mar apr may jun jul aug sep oct nov dec".split())


def _with_next(parts: Sequence[str]) -> list[str]:
    """Each sentence with the one after it: a cancelled date's replacement is often said
    next ("Train on 4th was cancelled. I went on 6th instead.")."""
    return [f" {_NEXT} ".join(parts[i : i + 2]) for i in range(len(parts))]


def followed_moves(
    label: str, said: datetime, span: str, later: Sequence[tuple[datetime, str]]
) -> str:
    """``label`` (a date said at ``said`` in ``span``), or the date it was moved to by a
    move sentence told after it among ``later`` (when each was told, the text): a move
    names the date it moves, by its annotation or its bare day, and a word of the span
    that gave it ("they moved my slot to 14 June, a relay got the 13th" after "my slot is
    13 June"). Moves are followed up to :data:`_FOLLOW_LIMIT` times, each told after the
    last."""
    day = _day(label)
    if day is None:
        return label
    named = _words_of(span)
    since = said
    for _ in range(_FOLLOW_LIMIT):
        moved = next(
            (
                (when, new)
                for when, text in sorted(later, key=lambda p: p[0])
                if when > since
                for sentence in _with_next(_SENTENCE.split(text))
                if named & _words_of(sentence) and (new := _move_from(day, sentence)) is not None
            ),
            None,
        )
        if moved is None:
            break
        since, day = moved
    return label if day == _day(label) else f"{day.day} {day:%B %Y}"
