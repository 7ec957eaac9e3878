"""How a question about what the assistant said is framed, and what it sets aside.

"How much RAM did the assistant recommend for the PC?" asks for a value in the assistant's
reply; "the assistant" and "recommend" only say who said it and how, and are seldom words of
the reply itself ("RAM: 32 GB …"). :func:`framing_stems` names those words, so that they do
not count against the reply when judging whether the context talks about the question's
subject. "Which lake did the assistant suggest instead of Lake Bled?" asks for something
other than what it names: :func:`set_aside_stems` names the stems of the thing set aside, so
that the sentence about it is not taken for the answer.
"""

from __future__ import annotations

import re

from mirix_py._chat.cues import content_stems, stem

_FRAMED = re.compile(
    r"\b(?:did|does|do|has|had|would|will|should|could)\s+(?:the\s+)?(?:assistant|bot|you)\s+"
    r"(?:first\s+|originally\s+|initially\s+)?(?P<verb>[a-z]+)\b",
    re.I,
)
_ASSISTANT = re.compile(r"\b(?:the\s+)?assistant(?:'s|’s)?\b", re.I)


def framing_stems(question: str) -> frozenset[str]:
    """The stems of ``question`` that frame it as a question about what the assistant said:
    "assistant" and the verb of saying after it ("did the assistant *allocate*", "did you
    *suggest*"). Empty for a question that does not name the assistant."""
    found: set[str] = set()
    if _ASSISTANT.search(question):
        found.add(stem("assistant"))
    for m in _FRAMED.finditer(question):
        found.add(stem(m.group("verb").lower()))
    return frozenset(found)


_SET_ASIDE = re.compile(
    r"\b(?:instead\s+of|rather\s+than|other\s+than|in\s+place\s+of|"
    r"(?:as\s+)?an?\s+alternative\s+to|as\s+opposed\s+to|apart\s+from|besides)\s+"
    r"(?P<thing>[^?,;.]+)",
    re.I,
)


def set_aside_stems(question: str) -> frozenset[str]:
    """The stems naming what ``question`` sets aside ("… instead of *the Samaria gorge*?"),
    less the stems the question says before it ("which *gorge* … instead of the Samaria
    *gorge*": the kind asked for stays). Empty when nothing is set aside."""
    found = _SET_ASIDE.search(question)
    if found is None:
        return frozenset()
    head = question[: found.start()]
    return frozenset(content_stems(found.group("thing"))) - frozenset(content_stems(head))
