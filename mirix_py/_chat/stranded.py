"""Questions ending in a preposition: what follows that preposition after the asked verb.

"What did the coach tell Ines to mix the chalk with?" asks for the object of "mix … with";
a memory that says "mix it with a little water" answers it with "a little water". The
verb is one of the question's content words, found in a memory at most a few words before
the same preposition; the answer is the phrase after the preposition, up to the end of its
clause.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from mirix_py._chat.answer_text import body_text, strip_annotations
from mirix_py._chat.cues import content_stems, irregular_stems, stem
from mirix_py._chat.draft import Draft
from mirix_py._chat.models import Hit

_STRANDED_Q = re.compile(
    r"^\s*(?:what|which|who|whom)\b.*?\s(?P<prep>by|with|into|onto|in|on|to|from|for|at|"
    r"under|over|through)\s*\?\s*$",
    re.I,
)
_GAP = 4  # words at most between the verb and its preposition ("mix it all with")
_PHRASE = 6  # words at most in the answer
_CLAUSE_END = re.compile(r"[,;:!?()]|\.(?:\s|$)|\s[-–—]\s")


def stranded_preposition(question: str) -> str | None:
    """The preposition a "what …?" question ends with ("… multiply it by?" → ``by``)."""
    found = _STRANDED_Q.match(question)
    return found.group("prep").lower() if found else None


def _anchors(question: str, prep: str) -> set[str]:
    """The question's words that the final preposition belongs with: the verb after the
    last "to" ("tell her to *multiply* it by?") and the word right before the preposition
    ("what should I mix the *flour* with?", "which bank did he *leave* for?")."""
    head = question.rstrip(" ?")[: -len(prep)].split()
    found = {stem(head[-1].lower())} if head else set()
    after_to = [i for i, w in enumerate(head[:-1]) if w.lower() == "to"]
    if after_to:
        found.add(stem(head[after_to[-1] + 1].lower()))
    return found


def stranded_answer(question: str, ranked: Sequence[tuple[int, Hit]]) -> Draft | None:
    """The phrase after the question's final preposition, following the word it belongs
    with (:func:`_anchors`) in the best-ranked memory that has one (see the module
    docstring)."""
    prep = stranded_preposition(question)
    if prep is None:
        return None
    anchors = _anchors(question, prep)
    irregular = irregular_stems()
    pattern = re.compile(
        rf"\b(?P<verb>[A-Za-z][\w'-]*)(?=(?:\s+\S+){{0,{_GAP}}}?\s+{prep}\s+(?P<x>\S[^\n]*))",
        re.I,
    )
    for ref, hit in ranked:
        text = strip_annotations(body_text(hit))
        for m in pattern.finditer(text):
            said = stem(m.group("verb").lower())
            if irregular.get(said, said) not in anchors:
                continue
            rest = m.group("x")
            end = _CLAUSE_END.search(rest)
            phrase = " ".join((rest[: end.start()] if end else rest).split()[:_PHRASE])
            if phrase and not set(content_stems(phrase)) <= anchors:
                return Draft(phrase.rstrip("."), (ref,), False)
    return None
