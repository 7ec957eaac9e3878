"""How well the memories in context support a question: its topic and each memory's evidence."""

from __future__ import annotations

import re
from collections.abc import Sequence

from mirix_py._chat.answer_text import hit_text, utterances
from mirix_py._chat.cues import QuestionCues, stem, stem_share, words
from mirix_py._chat.models import Hit
from mirix_py._chat.replies import ASSISTANT_Q
from mirix_py._chat.typed_answers import role_holders
from mirix_py._memory import MemoryType


def topic_stems(cues: QuestionCues, hits: Sequence[Hit]) -> frozenset[str]:
    """The question's content stems minus the names of people: speakers and the holders
    of role facts ("partner is Mei Ling") — who is asked about is not evidence of the
    answer; what is asked about is."""
    speakers = {str(h.record.get("actor", "")).lower() for h in hits}
    speakers |= {w for holder in role_holders(hits) for w in holder.lower().split()}
    speakers.discard("")
    names = {stem(w) for n in cues.names if n.lower() in speakers for w in words(n)}
    if _GOING_TO_VERB.search(cues.text):
        names.add(stem("going"))  # "going to be held": a future tense, not a trip
    if ASSISTANT_Q.search(cues.text):  # "what did the assistant suggest …": who said it
        names |= _REPORTING  # and that it was said are not what was said
    topic = cues.stems - names
    if _BASED_WHERE.match(cues.text) and _BASED in topic:  # "where am I based?": where one
        topic = (topic - {_BASED}) | {_LIVE}  # lives, in the words memories say it in
    return topic or cues.stems


_BASED = stem("based")
_LIVE = stem("live")
_BASED_WHERE = re.compile(
    r"^\s*(?:where|which\s+(?:city|town|country|place))\b[^?]*\bbased\b", re.I
)
"""A question where someone is based asks where they live; no memory says "based" of a
move ("we moved to Portland"), and without the stem the evidence test abstained."""


_REPORTING = frozenset(
    stem(w)
    for w in """assistant suggest suggested recommend recommended give gave tell told say said
    mention mentioned advise advised propose proposed""".split()
)
"""Words of a question about the assistant's words that only say who spoke and how."""


_GOING_TO_VERB = re.compile(
    r"\bgoing\s+to\s+(?!(?:the|a|an|my|his|her|their|our|your|this|that)\b)[a-z]+\b"
)
"""'going to' before a verb ("going to be held", "going to study"): the future, not a
journey; a place after it is capitalised or has an article ("going to the coast")."""


def evidence_score(topic: frozenset[str], hit: Hit) -> float:
    """How well one memory supports the question: dense similarity and topic coverage."""
    similarity = max(0.0, hit.score.vector or 0.0)
    return 0.5 * similarity + 0.5 * stem_share(topic, hit_text(hit))


def stated_score(topic: frozenset[str], hit: Hit) -> float:
    """:func:`evidence_score` over what a memory states, its questions left out: asking
    "which bakery did you recommend?" repeats the question's words without answering."""
    text = hit_text(hit)
    said = " ".join(p for p in utterances(text) if not p.rstrip().endswith("?"))
    similarity = max(0.0, hit.score.vector or 0.0)
    return 0.5 * similarity + 0.5 * stem_share(topic, said)


def stating_facts(topic: frozenset[str], rest: Sequence[tuple[int, Hit]]) -> list[tuple[int, Hit]]:
    """The facts among ``rest`` (ranked below the ones considered) that say every word of a
    topic of two or more ("job title is …" for "what is her job title now?"): a stored
    fact worded like the question answers it wherever it ranks."""
    if len(topic) < 2:
        return []
    return [
        (ref, hit)
        for ref, hit in rest
        if hit.memory_type is MemoryType.SEMANTIC and stem_share(topic, hit_text(hit)) == 1.0
    ]
