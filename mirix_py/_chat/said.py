"""How a question about what the assistant said is framed, and what it sets aside.

"How much RAM did the assistant recommend for the PC?" asks for a value in the assistant's
reply; "the assistant" and "recommend" only say who said it and how, and are seldom words of
the reply itself ("RAM: 32 GB …"). :func:`framing_stems` names those words, so that they do
not count against the reply when judging whether the context talks about the question's
subject. "Which lake did the assistant suggest instead of Lake Bled?" asks for something
other than what it names: :func:`set_aside_stems` names the stems of the thing set aside, so
that the sentence about it is not taken for the answer. "Which kind of account did the
assistant suggest?" is answered by the reply's own recommendation ("My suggestion: …", "I'd
go with …") over a sentence that only compares kinds of account (:func:`recommendation`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from mirix_py._chat.answer_text import body_text
from mirix_py._chat.cues import content_stems, stem
from mirix_py._chat.models import Hit
from mirix_py._text import UPPER

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
    r"\b(?:instead\s+of|rather\s+than|in\s+place\s+of|(?:as\s+)?an?\s+alternative\s+to|"
    r"as\s+opposed\s+to)\s+(?P<thing>[^?,;.]+)",
    re.I,
)
"""A thing set aside for another. "Besides X" and "apart from X" add to X rather than
replace it: the answer is often said with X ("the Brooks or the Saucony"), so they set
nothing aside."""
_REPLACING = re.compile(
    r"\b(?:instead|rather|alternative|swap(?:ped|s)?|switch(?:ed|es)?|replac\w*|"
    r"or|for\s+example|such\s+as|versus|vs)\b",
    re.I,
)


def only_set_aside(span: str, aside: frozenset[str]) -> bool:
    """True when ``span`` mentions the thing set aside (``aside`` stems, from
    :func:`set_aside_stems`) without setting anything against it: "the Vintgar gorge is
    crowded" is about the thing set aside, "Jasna lake instead of Bled" or "Bled or Jasna"
    names the other thing too."""
    return bool(aside & set(content_stems(span))) and _REPLACING.search(span) is None


_REPLACEMENT = re.compile(
    r"\b(?:instead\s+of|rather\s+than|in\s+place\s+of|(?:as\s+)?an?\s+alternative\s+to|"
    r"as\s+opposed\s+to|swap(?:ped|ping|s)?\b[^.;]*?\bfor|replac\w*\b[^.;]*?\bwith)"
    r"\s+(?P<thing>[^?,;.()]+)",
    re.I,
)


def names_replacement(span: str, aside: frozenset[str]) -> bool:
    """True when ``span`` puts something in place of the thing set aside (``aside`` stems,
    from :func:`set_aside_stems`): "have oat porridge instead of the muffin", "swap the
    muffin for oat porridge". Asked "what did you suggest instead of the muffin?", that
    sentence is the answer though it shares no other word with the question."""
    return any(
        aside & set(content_stems(m.group("thing"))) for m in _REPLACEMENT.finditer(span)
    ) or bool(
        re.search(r"\bswap(?:ped|ping|s)?\b|\breplac\w*\b", span, re.I)
        and aside & set(content_stems(span))
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


_RECOMMEND_VERBS = frozenset(
    stem(w) for w in "suggest recommend advise propose pick choose".split()
)
_RECOMMENDATION = re.compile(
    r"\b(?:my|our)\s+(?:suggestion|recommendation|advice|pick|choice|tip)\b"
    r"|\bI(?:'d|’d|\s+would)?\s+(?:suggest|recommend|advise|go\s+(?:with|for)|pick|choose)\b"
    r"|\bI(?:'d|’d|\s+would)\s+(?:take|book|buy|get)\b"
    r"|\b(?:best|safest|simplest)\s+(?:option|choice|bet)\s+(?:is|would\s+be)\b",
    re.I,
)


def asks_recommendation(question: str) -> bool:
    """True for a question about what the assistant suggested or recommended ("which hotel
    did the assistant recommend?", "what did you suggest for …?")."""
    return (
        bool(_RECOMMEND_VERBS & framing_stems(question))
        and _ASSISTANT_OR_YOU.search(question) is not None
    )


_ASSISTANT_OR_YOU = re.compile(r"\b(?:the\s+)?(?:assistant|bot|you)\b", re.I)


def recommendation(span: str) -> bool:
    """True for a span that gives the speaker's own recommendation ("My suggestion: a
    fixed-rate loan", "I'd go with the 14-inch one"); "which I would not recommend" is
    none."""
    return _RECOMMENDATION.search(span) is not None


_ADVISER = re.compile(
    rf"\b(?:did|does|do|has|had|would|will|should)\s+(?P<who>{UPPER}[\w-]+)\s+(?:first\s+)?"
    r"(?:suggest|recommend|advise|propose|mention|tell|say|explain|describe|give|use|list)"
    rf"|\baccording\s+to\s+(?P<who2>{UPPER}[\w-]+)",
)


def named_adviser(question: str, speakers: set[str], asked: set[str]) -> str | None:
    """The speaker a question asks the advice of, by name ("which monitor did *Sage*
    suggest to Margaret?", "how long, according to *Nova*?"), lower-cased: a speaker in
    ``speakers`` (lower-cased) beside another person the question names (``asked``,
    lower-cased), or named alone when no speaker is called "assistant": "what did Margaret
    suggest?" in a chat with "the assistant" asks about Margaret's own words, no advice.
    """
    found = _ADVISER.search(question)
    if found is None:
        return None
    who = (found.group("who") or found.group("who2")).lower()
    if who not in speakers:
        return None
    if (asked & speakers) - {who}:
        return who
    # Named alone ("which villages did Kai suggest?"): the adviser when every side of the
    # conversation has a name; beside an unnamed "assistant", the name is the user's own.
    return who if "assistant" not in speakers and speakers - {who, ""} else None


def replacing(question: str, ranked: Sequence[tuple[int, Hit]]) -> list[tuple[int, Hit]]:
    """The memories of ``ranked`` that put something in place of what ``question`` sets
    aside ("what did you suggest instead of the muffin?" ← "have oat porridge instead of the
    muffin"): ranked low, since they share few words with the question, they still answer
    it. Empty when the question sets nothing aside."""
    aside = set_aside_stems(question)
    if not aside:
        return []
    return [(r, h) for r, h in ranked if names_replacement(body_text(h), aside)]
