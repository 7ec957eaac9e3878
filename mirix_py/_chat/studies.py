"""What a person studies, read from the degree or course they name.

"What is Lotte studying?" is answered by "starting an MA art history in Leiden" or "I'm
doing a degree in marine biology": the field follows a degree word, and the question's
verb may not be said at all, while any sentence with "study" in it ("if you only study,
the grant is less") looks like better evidence. :func:`study_answer` reads the field after
a degree or course word in the person's own messages (best-ranked first); the assistant's
suggestions are not what the person studies.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from mirix_py._chat.answer_text import body_text
from mirix_py._chat.draft import Draft
from mirix_py._chat.models import Hit
from mirix_py._chat.replies import by_assistant

__all__ = ["study_answer"]

_STUDY_Q = re.compile(
    r"^\s*what\s+(?:(?:is|was|are|were)\s+(?P<n1>[\w'’ -]+?)\s+studying|(?:does|did|do)\s+"
    r"(?P<n2>[\w'’ -]+?)\s+study|(?:subject|field|degree|course)\s+(?:is|was|does|did)\s+"
    r"(?P<n3>[\w'’ -]+?)\s+(?:studying|study|doing|taking|pursuing))\b[^?]*\??\s*$",
    re.I,
)
_DEGREE = (
    r"m\.?sc|b\.?sc|(?-i:M\.?A|B\.?A)|mba|m\.?phil|ph\.?d|master'?s|masters|bachelor'?s|degree|"
    r"diploma|major(?:ing)?|(?:(?<=\bI\s)|(?<=\bto\s)|(?<=\bam\s)|(?<=['’]m\s)|(?<=\bwill\s)|"
    r"(?<=['’]ll\s)|(?<=\bnow\s))(?:study|studying)"
)
"""A degree or course word, or the verb "study" after its subject or "to" ("I study law",
"I'm studying law", "going to study law"): "studies show" is no course."""
_FIELD_END = (
    r"(?=\s+(?:at|in|from|with|next|this|last|since|and|but|so|because|starting|for|on|"
    r"starts?|started|begins?|began|is|was|will|ends?|now)\b|"
    r"\s*[.,;:!?()]|\s+[-–—]\s|\s*$)"
)
_FIELD = re.compile(
    rf"\b(?:{_DEGREE})\s+(?:degree\s+|course\s+|programme\s+|program\s+)?(?:in\s+|of\s+)?"
    rf"(?P<field>(?!(?:at|in|for|the|a|an|and|to|it|is|was|hard|now|so|but)\b)[A-Za-z][\w&'’-]*"
    rf"(?:\s+(?!(?:at|in|from|with|next|this|last|since|and|but|so|for|on)\b)[A-Za-z&][\w&'’-]*)"
    rf"{{0,3}}?){_FIELD_END}",
    re.I,
)


def _asked(question: str) -> str | None:
    m = _STUDY_Q.match(question)
    if m is None:
        return None
    return (m.group("n1") or m.group("n2") or m.group("n3")).strip()


def study_answer(question: str, numbered: Sequence[tuple[int, Hit]]) -> Draft | None:
    """The field ``question`` asks a person studies ("What is Lotte studying?"), from the
    best-ranked of the person's own messages among ``numbered`` that names a degree or
    course with its field; None when no such message is shown."""
    who = _asked(question)
    if who is None:
        return None
    asked = {w.lower().removesuffix("'s") for w in who.split()}
    ranked = sorted(numbered, key=lambda p: -p[1].score.score)
    for ref, hit in ranked:
        if by_assistant(hit, asked):
            continue
        found = _FIELD.search(body_text(hit))
        if found is not None:
            return Draft(found.group("field"), (ref,), False)
    return None
