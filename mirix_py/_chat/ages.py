"""People named with their ages, and who of them a question's "oldest"/"youngest" means.

"The kids are Mila who is 11, Jonas who is 8 and Pia who is 3", "my nephews Tim (14) and
Ole (9)", "Greta, 6, and Hanno, 4": a question about "her eldest" and "her youngest" asks
about the named people of the highest and lowest age (:func:`oldest_and_youngest`), and
"what is the name of her older grandchild?" is answered by the oldest of the people
whose ages a sentence about grandchildren gives (:func:`ranked_name`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from mirix_py._chat.answer_text import utterances
from mirix_py._text import stem, words

_AGED = re.compile(
    r"\b(?P<name>[A-Z][a-zà-ÿ'’-]+)(?:\s+(?:who\s+is|who's|is|aged)\s+|\s*\(\s*|,\s+)"
    r"(?P<age>\d{1,2})(?:\s*(?:years?|yrs?)(?:\s+old)?)?(?=\s*(?:[,.;:!?)]|and\b|&|$))",
)
_AGED_BEFORE = re.compile(
    r"\b(?P<age>\d{1,2})[- ]years?[- ]old\s+(?:[a-z]+\s+)?(?P<name>[A-Z][a-zà-ÿ'’-]+)"
)
_OLDEST = re.compile(r"\b(?:oldest|eldest|older|elder|first[- ]born)\b", re.I)
_YOUNGEST = re.compile(r"\b(?:youngest|younger|last[- ]born|baby)\b", re.I)


def ages(texts: Iterable[str], about: str = "") -> dict[str, int]:
    """Names told with an age in ``texts`` ("Mila who is 11", "Tim (14)", "Greta, 6,",
    "a 6-year-old Greta"), the first age told for each name. Only sentences that give
    several people's ages count: "I'm Dora, 52" introduces the speaker, not a family;
    with ``about`` (a stem: "grandchild"), only sentences with a word starting with it
    ("grandchildren")."""
    return {name: age for name, (age, _) in _aged(texts, about).items()}


def _aged(texts: Iterable[str], about: str) -> dict[str, tuple[int, int]]:
    """:func:`ages` with the index in ``texts`` of the text each age was read from."""
    found: dict[str, tuple[int, int]] = {}
    for index, text in enumerate(texts):
        for sentence in utterances(text):
            aged = [*_AGED.finditer(sentence), *_AGED_BEFORE.finditer(sentence)]
            if len({m.group("name") for m in aged}) < 2:
                continue
            if about and not any(
                w.startswith(about) and len(w) <= len(about) + 4 for w in words(sentence)
            ):
                continue
            for m in aged:
                found.setdefault(m.group("name"), (int(m.group("age")), index))
    return found


_RANKED_NAME_Q = re.compile(
    r"(?:['’]s|\b(?:her|his|their|my|your|our|the))\s+"
    r"(?:(?P<old>oldest|eldest|older|elder)|youngest|younger)\s+(?P<rel>[a-z]+)\b",
    re.I,
)
"""A relative ranked by age, as what is asked about: "her older grandchild", "Tom's
youngest"; not "when she was younger and …"."""
_ASKS_NAME = re.compile(r"\bname\b|^\s*who\b|\bcalled\b", re.I)


def ranked_name(question: str, texts: Sequence[str]) -> tuple[str, int] | None:
    """The name a question for someone's oldest or youngest relative ("what is the name of
    her older grandchild?") asks for, and the index in ``texts`` it was read from: the
    oldest or youngest of the people a sentence about that relation gives ages of."""
    m = _RANKED_NAME_Q.search(question)
    if m is None or _ASKS_NAME.search(question) is None:
        return None
    told = _aged(texts, stem(m.group("rel").lower()))
    if len(told) < 2 or len({age for age, _ in told.values()}) < 2:
        return None
    pick = max if m.group("old") else min
    name = pick(told, key=lambda n: told[n][0])
    return name, told[name][1]


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
