"""The part of a plan labelled with the day, week or stage a question asks for.

Itineraries, training plans and courses are written as labelled parts: "Day 1: … Day 2:
…", "Week 3 — …", "Stage 2 (Friday): …". "Where did you suggest going on day two?" and
"what is in the third week?" ask for one of them: :func:`unit_asked` reads which unit and
number a question asks for, and :func:`unit_item` finds that part in a text. Only the shape
of the labels is used, never a conversation's wording.
"""

from __future__ import annotations

import re

from mirix_py._text import ORDINAL_WORDS, UPPER

_UNITS = r"day|week|month|stage|phase|leg|round|session|lesson|module|workout|level|part|option"
_LETTER = r"(?-i:[A-H])"
"""A part labelled with a capital letter ("Day B", "Option C") is the letter's place."""
_CARDINALS = {
    w: i + 1 for i, w in enumerate("one two three four five six seven eight nine ten".split())
}
_ORDINALS = {w: n for w, n in ORDINAL_WORDS.items() if n <= 10}
_NUMBER = rf"\d{{1,2}}|{'|'.join(_CARDINALS)}"
_ASKED = re.compile(
    rf"\b(?P<unit>{_UNITS})\s+(?:number\s+)?(?P<n>{_NUMBER})\b"
    rf"|\b(?P<word>{'|'.join(_ORDINALS)})\s+(?P<unit2>{_UNITS})\b"
    rf"|\b(?P<unit3>{_UNITS})\s+(?P<letter>{_LETTER})\b",
    re.I,
)
_SENTENCE_END = re.compile(rf"(?<=[a-z)\]])[.!?](?=\s+{UPPER})")


def unit_asked(question: str) -> tuple[str, int] | None:
    """The unit and number a question asks for ("on day two" → ``("day", 2)``, "the third
    week" → ``("week", 3)``, "Day B" → ``("day", 2)``), or None."""
    m = _ASKED.search(question)
    if m is None:
        return None
    if m.group("letter"):
        return m.group("unit3").lower(), _place(m.group("letter"))
    if m.group("word"):
        return m.group("unit2").lower(), _ORDINALS[m.group("word").lower()]
    n = m.group("n").lower()
    return m.group("unit").lower(), int(n) if n.isdigit() else _CARDINALS[n]


def _place(label: str) -> int:
    """The place a label gives: its number, or its letter's place ("B" → 2)."""
    return int(label) if label.isdigit() else ord(label) - ord("A") + 1


def _labels(unit: str) -> re.Pattern[str]:
    return re.compile(
        rf"(?:\*\*)?\b{unit}\s+(?P<n>\d{{1,2}}|{_LETTER})\b(?:\s*\([^)]{{0,40}}\))?"
        r"(?:\*\*)?\s*[:—–-](?:\*\*)?\s*",
        re.I,
    )


def unit_item(text: str, unit: str, n: int) -> str | None:
    """The part of ``text`` labelled ``unit`` ``n`` ("Day 2: …"), up to the next label of
    that unit; the last part ends with its first sentence (what follows is said about the
    whole plan). None unless ``text`` labels at least two parts of that unit."""
    marks = list(_labels(unit).finditer(text))
    if len(marks) < 2:
        return None
    for i, mark in enumerate(marks):
        if _place(mark.group("n")) != n:
            continue
        if i + 1 < len(marks):
            body = text[mark.end() : marks[i + 1].start()]
        else:
            rest = text[mark.end() :]
            end = _SENTENCE_END.search(rest)
            body = rest[: end.end()] if end else rest
        body = " ".join(body.replace("**", "").split()).strip(" ,;")
        return f"{mark.group(0).strip().replace('**', '')} {body}".strip() if body else None
    return None
