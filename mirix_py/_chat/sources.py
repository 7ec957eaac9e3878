"""The turns the best facts were read from, ranked next to those facts.

A fact is a short reading of one clause of a message ("User: works at Fermento"),
and often the newest of several ("used to work at Lumen"). The message it came from
says what the fact leaves out: the change itself and the old value ("I handed in my
notice at Lumen, I'm opening my own bakery called Fermento"), the place and the
date. When the fact ranks high, that message is what a knowledge-update question
needs next to it, yet it can rank far below: it is longer than the question, its
session need not look like the question, and in a long memory many short turns of
the same speaker outrank it.

:func:`lift_fact_sources` raises each retrieved turn that shares a source id with
one of the best-ranked facts that say a word of the question (not counting the
names it asks about: every fact about a person names them) to just below that fact.
A fact that ranks high only because it is about the person asked ("lives in Pankow"
for a question about their access token) lifts nothing. It looks only at the hits it
is given (no search); a turn not retrieved stays out.
"""

from __future__ import annotations

from collections.abc import Sequence

from mirix_py._chat.cues import QuestionCues, content_stems, stem, words
from mirix_py._chat.models import Hit
from mirix_py._chat.rescore import best_first, raise_to, with_score
from mirix_py._memory import MemoryType
from mirix_py._memory.statements import STATEMENT

SOURCE_FACTS = 2
"""How many of the best facts lift their source turns."""
SOURCE_TOP = 10
"""A fact lifts its sources only when it ranks among this many hits."""
SOURCE_SCALE = 0.95
"""A source turn ranks at this share of its fact's score (just below the fact)."""
TOPIC_FACTS = 3
"""How many on-topic facts about the person asked are ranked near the top."""


def _fact_text(hit: Hit) -> str:
    rec = hit.record
    return f"{rec.get('summary', '')} {rec.get('details', '')}"


def lift_fact_sources(hits: Sequence[Hit], cues: QuestionCues) -> list[Hit]:
    """``hits`` (best first) with the source turns of the best facts on the question's
    words raised to just below them (see the module docstring); best first again."""
    topic = cues.topic_stems
    facts = [
        h
        for h in hits[:SOURCE_TOP]
        if h.memory_type is MemoryType.SEMANTIC and topic & set(content_stems(_fact_text(h)))
    ]
    floor: dict[str, float] = {}
    for fact in facts[:SOURCE_FACTS]:
        for source in fact.source_ids:
            floor[source] = max(floor.get(source, 0.0), SOURCE_SCALE * fact.score.score)
    if not floor:
        return list(hits)
    lifted: list[Hit] = []
    for hit in hits:
        if hit.memory_type is MemoryType.EPISODIC:
            hit = raise_to(hit, max((floor.get(s, 0.0) for s in hit.source_ids), default=0.0))
        lifted.append(hit)
    return best_first(lifted)


def lift_topic_facts(hits: Sequence[Hit], cues: QuestionCues) -> list[Hit]:
    """``hits`` (best first) with the best few facts about a person the question names
    that say a word of the question ("works at Kestrel Payments" for "which company
    does User work for?") ranked just below the best hit.

    Facts and turns are ranked in separate pools, and a turn's score carries its
    session's prior and its neighbours' while a fact's does not, so a long reply that
    shares one word with the question ("… works for most people …") outranks the
    fact that answers it and fills the budget first; a fact costs a dozen tokens."""
    names, topic = cues.name_stems, cues.topic_stems
    if not hits or not names or not topic:
        return list(hits)
    ceiling = SOURCE_SCALE * hits[0].score.score
    lifted: list[Hit] = []
    count = 0
    for hit in hits:
        owner = {stem(w) for w in words(str(hit.record.get("name") or ""))}
        if (
            count < TOPIC_FACTS
            and hit.memory_type is MemoryType.SEMANTIC
            and hit.record.get("valid_to") is None
            and owner
            and owner <= names
            and topic & set(content_stems(_fact_text(hit)))
        ):
            count += 1
            hit = raise_to(hit, ceiling)
        lifted.append(hit)
    return best_first(lifted)


STATEMENT_TOP = 4
"""A question asking for one thing keeps this many statements at their rank."""
STATEMENT_SCALE = 0.2
"""The other statements rank at this share of their score (they fill what is left)."""


def cap_statements(hits: Sequence[Hit], cues: QuestionCues) -> list[Hit]:
    """``hits`` (best first) with the statements past the best :data:`STATEMENT_TOP`
    ranked below the rest, unless the question asks for several things.

    A person states hundreds of clauses about themselves (a fact each, with an
    ``aspect``); a question about one thing ("what did X buy?") is answered by one
    of them or by the turn it came from, and twenty clauses that merely name X
    would take the room of the turns around the answer. A question asking for
    several things ("what activities …", "what do X and Y have in common") is
    answered by many clauses, so they all keep their rank."""
    if cues.asks_several:
        return list(hits)
    kept = 0
    out: list[Hit] = []
    for hit in hits:
        said = hit.memory_type is MemoryType.SEMANTIC and hit.record.get("aspect") == STATEMENT
        if said and kept >= STATEMENT_TOP:
            hit = with_score(hit, STATEMENT_SCALE * hit.score.score)
        elif said:
            kept += 1
        out.append(hit)
    return best_first(out)
