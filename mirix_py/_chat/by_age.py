"""Picking one of several people by their stated ages: "the older grandchild", "her
youngest son".

"What is the name of Tove's eldest daughter?" names no one; memory said "my daughters
Lina (12) and Saga, 9" — the names and their ages, never "eldest". :func:`by_age_answer`
reads the order word (older, oldest, eldest, elder → the highest age; younger, youngest →
the lowest) and the noun it modifies (a question where it modifies none, "when she was
younger", is not judged), finds a memory that mentions that relation ("daughter",
"grandchild" — or a word of the same family: "kids" for "child") and gives two or more
names with an age each ("Lina who is 12", "Saga (9)", "Saga, 9,", "Lina is 12",
"9-year-old Saga"), and answers with the name whose age the order word picks.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from mirix_py._chat.answer_text import body_text, strip_annotations
from mirix_py._chat.cues import STOPWORDS, content_stems, stem
from mirix_py._chat.draft import Draft
from mirix_py._chat.models import Hit
from mirix_py._text import LOWER, UPPER

_ORDER_Q = re.compile(r"\b(?P<order>older|oldest|eldest|elder|younger|youngest)\b", re.I)
_HIGHEST = frozenset({"older", "oldest", "eldest", "elder"})
_NAME = rf"(?P<name>{UPPER}(?:{LOWER}|['’-])+)"
_AGE_END = r"(?=\s*(?:$|[^\w\s]|(?:and|or|but|so|now|years?|yrs?|yo|months?)\b))"
_AGED = (
    re.compile(
        rf"\b{_NAME}\s*(?:,\s*|\(\s*|\s+(?:who\s+is|who's|is|aged|age)\s+)(?P<age>\d{{1,3}})"
        rf"\s*(?P<months>months?)?{_AGE_END}"
    ),
    re.compile(rf"\b(?P<age>\d{{1,3}})[\s-](?P<months>months?)?(?:years?|yrs?)?[\s-]old\s+{_NAME}"),
)
_FAMILY: dict[str, frozenset[str]] = {
    stem(k): frozenset(stem(w) for w in v.split())
    for k, v in {
        "child": "child children kid kids son sons daughter daughters boy boys girl girls",
        "kid": "child children kid kids son sons daughter daughters",
        "grandchild": "grandchild grandchildren grandkid grandkids grandson granddaughter",
        "sibling": "sibling siblings brother brothers sister sisters",
    }.items()
}


def _relation_words(question: str) -> frozenset[str]:
    """The stems that may name the relation the order word modifies in ``question`` ("older
    *grandchild*" → "grandchild", "grandchildren", "grandson" …); empty when the order
    word modifies no noun ("when she was younger")."""
    found = _ORDER_Q.search(question)
    after = re.match(r"\s+([a-z]+)", question[found.end() :]) if found else None
    if after is None or after.group(1).lower() in STOPWORDS:
        return frozenset()
    noun = stem(after.group(1).lower())
    return frozenset({noun} | _FAMILY.get(noun, frozenset()))


def _mentions(relation: frozenset[str], text: str) -> bool:
    said = content_stems(text)
    return any(w.startswith(r) for w in said for r in relation)


def aged_names(text: str) -> dict[str, float]:
    """The names in ``text`` given with an age, and the age in years."""
    found: dict[str, float] = {}
    for pattern in _AGED:
        for m in pattern.finditer(text):
            name = m.group("name")
            if name.lower() in STOPWORDS or name in found:
                continue
            age = float(m.group("age"))
            found[name] = age / 12 if m.group("months") else age
    return found


def by_age_answer(
    question: str, names: Sequence[str], ranked: Sequence[tuple[int, Hit]]
) -> Draft | None:
    """The name picked by the question's order word among the aged names of the best-ranked
    memory that mentions the relation asked about (see the module docstring); ``names`` are
    the names the question itself gives (the person whose relative is asked about)."""
    order = _ORDER_Q.search(question)
    if order is None:
        return None
    relation = _relation_words(question)
    if not relation:
        return None
    asked = {n.lower() for n in names}
    for ref, hit in ranked:
        text = strip_annotations(body_text(hit))
        if not _mentions(relation, text):
            continue
        aged = {n: a for n, a in aged_names(text).items() if n.lower() not in asked}
        if len(aged) < 2 or len(set(aged.values())) < len(aged):
            continue
        pick = max if order.group("order").lower() in _HIGHEST else min
        return Draft(pick(aged, key=lambda n: aged[n]), (ref,), False)
    return None
