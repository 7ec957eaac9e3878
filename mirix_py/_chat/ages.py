"""Who of the people told with their ages a question's "oldest" and "youngest" mean.

"The kids are Mila who is 11, Jonas who is 8 and Pia who is 3", "my nephews Tim (14) and
Ole (9)": a question comparing "her eldest" and "her youngest" asks about the named people
of the highest and lowest age (:func:`oldest_and_youngest`). The names and ages are read
by :func:`mirix_py._chat.by_age.aged_names`, which also answers "the name of her older
grandchild".
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from mirix_py._chat.answer_text import utterances
from mirix_py._chat.by_age import aged_names

_OLDEST = re.compile(r"\b(?:oldest|eldest|older|elder|first[- ]born)\b", re.I)
_YOUNGEST = re.compile(r"\b(?:youngest|younger|last[- ]born|baby)\b", re.I)


def ages(texts: Iterable[str]) -> dict[str, float]:
    """Names told with an age in ``texts``, the first age told for each name. Only
    sentences that give several people's ages count: "I'm Dora, 52" introduces the
    speaker, not a family."""
    found: dict[str, float] = {}
    for text in texts:
        for sentence in utterances(text):
            aged = aged_names(sentence)
            if len(aged) < 2:
                continue
            for name, age in aged.items():
                found.setdefault(name, age)
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
