"""People named with their ages, and who of them a question's "oldest"/"youngest" means.

"The kids are Mila who is 11, Jonas who is 8 and Pia who is 3", "my nephews Tim (14) and
Ole (9)", "Greta, 6, and Hanno, 4": a question about "her eldest" and "her youngest" asks
about the named people of the highest and lowest age (:func:`oldest_and_youngest`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from mirix_py._chat.answer_text import utterances

_AGED = re.compile(
    r"\b(?P<name>[A-Z][a-zà-ÿ'’-]+)(?:\s+(?:who\s+is|who's|is|aged)\s+|\s*\(\s*|,\s+)"
    r"(?P<age>\d{1,2})(?:\s*(?:years?|yrs?)(?:\s+old)?)?(?=\s*(?:[,.;:!?)]|and\b|&|$))",
)
_AGED_BEFORE = re.compile(
    r"\b(?P<age>\d{1,2})[- ]years?[- ]old\s+(?:[a-z]+\s+)?(?P<name>[A-Z][a-zà-ÿ'’-]+)"
)
_OLDEST = re.compile(r"\b(?:oldest|eldest|older|elder|first[- ]born)\b", re.I)
_YOUNGEST = re.compile(r"\b(?:youngest|younger|last[- ]born|baby)\b", re.I)


def ages(texts: Iterable[str]) -> dict[str, int]:
    """Names told with an age in ``texts`` ("Mila who is 11", "Tim (14)", "Greta, 6,",
    "a 6-year-old Greta"), the first age told for each name. Only sentences that give
    several people's ages count: "I'm Dora, 52" introduces the speaker, not a family."""
    found: dict[str, int] = {}
    for text in texts:
        for sentence in utterances(text):
            aged = [*_AGED.finditer(sentence), *_AGED_BEFORE.finditer(sentence)]
            if len({m.group("name") for m in aged}) < 2:
                continue
            for m in aged:
                found.setdefault(m.group("name"), int(m.group("age")))
    return found


def oldest_and_youngest(question: str, texts: Iterable[str]) -> tuple[str, str] | None:
    """The names a question comparing someone's oldest and youngest means, from the ages
    told in ``texts``; None when it names no such pair or fewer than two ages are told."""
    if _OLDEST.search(question) is None or _YOUNGEST.search(question) is None:
        return None
    told = ages(texts)
    if len(told) < 2 or len(set(told.values())) < 2:
        return None
    oldest = max(told, key=lambda n: told[n])
    youngest = min(told, key=lambda n: told[n])
    return oldest, youngest
