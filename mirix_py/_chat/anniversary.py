"""The year of a wedding reckoned from an anniversary: "In what year did they marry?".

People rarely say the year they married; they say "our 30th anniversary is on 2 June"
or "we've been married 12 years now". :func:`wedding_year` reads such a sentence in the
memories shown and subtracts the count from the year the anniversary falls in: the year of
the day it names (the occurrence of that day nearest to when it was said), else the year
the sentence was said. A memory that states a year next to the marriage itself ("married
in 1994") is left to the other rules, which quote it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime

from mirix_py._chat.answer_text import body_text
from mirix_py._chat.cues import sentences
from mirix_py._chat.draft import Draft
from mirix_py._chat.models import Hit
from mirix_py._text import ORDINAL_WORDS

__all__ = ["wedding_year"]

_WEDDING_Q = re.compile(
    r"^\s*(?:in\s+)?(?:what|which)\s+year\s+(?:did|were|was)\b[^?]*\b(?:marr(?:y|ied)|wed|"
    r"wedding)\b",
    re.I,
)
_ORDINAL = (
    r"(?:\d{1,2}(?:st|nd|rd|th)|"
    + "|".join(sorted((re.escape(w) for w in ORDINAL_WORDS), key=len, reverse=True))
    + r")"
)
_ANNIVERSARY = re.compile(
    rf"\b(?P<n>{_ORDINAL})\s+(?:wedding\s+)?anniversary\b(?!\s+of\s+(?!our\s+wedding|marriage))",
    re.I,
)
"""An ordinal anniversary ("our 30th anniversary", "fortieth wedding anniversary"), not one
of something else ("the 10th anniversary of the shop")."""
_MARRIED_FOR = re.compile(
    r"\b(?:married\s+(?:for\s+)?|wed\s+for\s+)(?P<n>\d{1,2})\s+years\b|\b(?P<m>\d{1,2})\s+years\s+"
    r"(?:of\s+marriage|married)\b",
    re.I,
)
_MARRIED_IN = re.compile(r"\b(?:married|wedding|wed)\b[^.!?]{0,40}\b(?:19|20)\d\d\b", re.I)
_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august",
           "september", "october", "november", "december")  # fmt: skip
_MONTH = "|".join(_MONTHS)
_DAY_MONTH = re.compile(
    rf"\b(?:(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<m>{_MONTH})|(?P<m2>{_MONTH})\s+"
    rf"(?:the\s+)?(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?)\b",
    re.I,
)


def _count(word: str) -> int | None:
    word = word.lower()
    if word in ORDINAL_WORDS:
        return ORDINAL_WORDS[word]
    digits = re.match(r"\d+", word)
    return int(digits.group(0)) if digits else None


def _falls_in(sentence: str, said: datetime) -> int:
    """The year of the day ``sentence`` names, taken as the occurrence nearest to ``said``;
    the year ``said`` falls in when no day is named."""
    m = _DAY_MONTH.search(sentence)
    if m is None:
        return said.year
    day = int(m.group("d") or m.group("d2"))
    month = _MONTHS.index((m.group("m") or m.group("m2")).lower()) + 1
    options: list[date] = []
    for year in (said.year - 1, said.year, said.year + 1):
        try:
            options.append(date(year, month, day))
        except ValueError:
            continue
    if not options:
        return said.year
    return min(options, key=lambda d: abs((d - said.date()).days)).year


def wedding_year(question: str, refs: Mapping[int, Hit]) -> Draft | None:
    """The wedding year a question asks for ("In what year did Ana and Luis get married?"),
    reckoned from an anniversary or a length of marriage told in the memories ``refs``
    (best-ranked first); None when no such sentence is shown or the year is stated."""
    if _WEDDING_Q.match(question) is None:
        return None
    ranked = sorted(refs.items(), key=lambda p: -p[1].score.score)
    if any(_MARRIED_IN.search(body_text(h)) for _, h in ranked):
        return None
    for ref, hit in ranked:
        said = hit.when
        if said is None:
            continue
        for sentence in sentences(body_text(hit)):
            m = _ANNIVERSARY.search(sentence)
            if m is not None:
                n = _count(m.group("n"))
                year = _falls_in(sentence, said)
            else:
                married = _MARRIED_FOR.search(sentence)
                if married is None:
                    continue
                n = int(married.group("n") or married.group("m"))
                year = said.year
            if n:
                return Draft(str(year - n), (ref,), False)
    return None
