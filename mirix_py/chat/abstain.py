"""When to say "not mentioned": the thing a question asks about is nowhere in context.

A question for one value about one thing — "What is the name of Priya's
partner?", "How much is the rent of Sofia's room?" — can only be answered by a
memory that talks about that thing (a partner, a rent). Retrieval always
returns *something* about the person, and an extractive answerer would then
name the wrong person or quote the wrong number. :func:`missing_subject` says
when no memory in context mentions every content word of the question's subject
(the question's content words minus the people it names and the words that only
say what kind of answer is wanted: "name", "much", "many" …): then the honest
answer is an abstention.

Only value questions (names and quantities) are judged this way: for an open
question ("which city does she live in now?") the evidence often shares no word
with the question ("we moved to Portland").
"""

from __future__ import annotations

from collections.abc import Iterable

from mirix_py.chat.cues import QuestionCues, content_stems, stem

_ASKING: frozenset[str] = frozenset(
    stem(w)
    for w in """name named call called much many number amount cost costs total
    exactly current currently now new latest""".split()
)
"""Words that say what kind of answer is wanted, not what it is about."""

JUDGED_KINDS: frozenset[str] = frozenset({"name", "quantity"})


def subject_stems(cues: QuestionCues, people: Iterable[str]) -> frozenset[str]:
    """The question's content stems that name what it is about (not who, not the
    kind of answer); ``people`` are the lower-cased names of speakers and entities."""
    names = {stem(p) for p in people} | {stem(n.lower()) for n in cues.names}
    return frozenset(cues.stems - names - _ASKING)


def missing_subject(subject: frozenset[str], texts: Iterable[str]) -> bool:
    """True when ``subject`` is non-empty and no text mentions all of its stems."""
    if not subject:
        return False
    return not any(subject <= set(content_stems(text)) for text in texts)
