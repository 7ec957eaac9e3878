"""The year a thing was built (made, founded) when it is told as a modifier.

"In what year was Oskar's cabin built?" is rarely answered with the question's words:
people say "our cabin, a 1938 log house", "the cabin dates from 1938" or "the cabin (built
1938)". The question's verb is then missing from the memory, so the memory looks like poor
evidence and the answerer abstains. :func:`built_year` reads the clauses of the memories
shown that mention the thing and returns the first year told as its age: right before a
noun ("a 1938 log house"), after a building verb, "dates from" or "circa", or alone in
brackets; a year inside a date ("3 May 1938", "May 1938") is when something happened, not
the thing's age.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from mirix_py._chat.answer_text import body_text
from mirix_py._chat.attributes import clauses
from mirix_py._chat.cues import STOPWORDS, stem
from mirix_py._chat.draft import Draft
from mirix_py._chat.models import Hit

__all__ = ["built_year"]

_BUILT = r"(?:built|constructed|made|founded|established|erected|opened|manufactured)"
_BUILT_Q = re.compile(
    rf"^\s*(?:in\s+)?(?:what|which)\s+year\s+(?:was|were)\s+(?P<thing>.+?)\s+{_BUILT}\b[^?]*\??\s*$",
    re.I,
)
_YEAR = r"(?:1[5-9]\d\d|20[0-4]\d)"
_MONTHS = (
    r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
_AGE = re.compile(
    rf"\b{_BUILT}\s+(?:in\s+|around\s+|circa\s+|c\.\s*)?(?P<y1>{_YEAR})\b|"
    rf"\b(?:dates?\s+(?:back\s+)?(?:from|to)|circa|c\.)\s+(?:the\s+)?(?P<y2>{_YEAR})\b|"
    rf"\(\s*(?:built\s+|c\.\s*)?(?P<y3>{_YEAR})\s*\)|"
    rf"(?<![\w,.])(?P<y4>{_YEAR})\s+(?P<noun>[a-z][a-z-]+)\b",
    re.I,
)
_DATE_BEFORE = re.compile(rf"(?:\b(?:{_MONTHS})\.?|\d{{1,2}}(?:st|nd|rd|th)?)\s*,?\s*$", re.I)


def _thing(question: str) -> frozenset[str]:
    """The content stems of what the question asks about ("Oskar's cabin" → {cabin})."""
    found = _BUILT_Q.match(question)
    if found is None:
        return frozenset()
    return frozenset(
        stem(w.lower())
        for w in re.findall(r"\b[a-z][\w-]*\b", found.group("thing"))
        if w.lower() not in STOPWORDS
    )


def _year_in(clause: str) -> str | None:
    for m in _AGE.finditer(clause):
        year = m.group("y1") or m.group("y2") or m.group("y3") or m.group("y4")
        if m.group("noun") is not None and m.group("noun").lower() in STOPWORDS:
            continue  # "in 1938 we moved": a year of an event, not of a thing
        if _DATE_BEFORE.search(clause[: m.start()]):
            continue  # "3 May 1938": a day something happened
        return year
    return None


def built_year(question: str, numbered: Sequence[tuple[int, Hit]]) -> Draft | None:
    """The year ``question`` asks a thing was built in ("In what year was her barn
    built?"), from the best-ranked memory among ``numbered`` with a clause that mentions
    the thing and tells a year as its age (module docstring); None otherwise."""
    thing = _thing(question)
    if not thing:
        return None
    ranked = sorted(numbered, key=lambda p: -p[1].score.score)
    for ref, hit in ranked:
        for clause in clauses(body_text(hit)):
            words = {stem(w.lower()) for w in re.findall(r"[\w-]+", clause)}
            if not thing & words:
                continue
            year = _year_in(clause)
            if year is not None:
                return Draft(year, (ref,), False)
    return None
