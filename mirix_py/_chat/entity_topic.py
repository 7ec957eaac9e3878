"""Other facts about an entity that say nothing of the question.

Expansion adds every other fact about the two best facts' entities
(:mod:`mirix_py._chat.expansion`) at a fifth of their parent's score, about the score of
the conversation's own turns that fill the budget the selected stores leave (a fifth of
theirs, :mod:`mirix_py._chat.retrieval`). Most of those facts are about something else
("likes pizza" for a question about a trip), yet they would take the room of turns from
the very sessions the best hits came from. :func:`demote_off_topic` scales an entity fact
that shares no word of the question's own by :data:`OFF_TOPIC_SCALE`, so it only fills
what the turns leave. The question's own words are its content stems without light verbs
(:mod:`mirix_py._chat.light_verbs`) and without the name of the fact's entity: every
fact about a person carries the person's name. A question with no such word ("what did
Ana do?" for a fact about Ana) demotes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence

from mirix_py._chat.cues import QuestionCues, content_stems, stem, words
from mirix_py._chat.light_verbs import topical
from mirix_py._chat.models import Hit

OFF_TOPIC_SCALE = 0.2


def own_words(cues: QuestionCues, entity: str) -> frozenset[str]:
    """The question's content stems without light verbs and the words of ``entity``
    (the name the fact is about)."""
    return topical(cues.stems) - frozenset(stem(w) for w in words(entity))


def demote_off_topic(hits: Sequence[Hit], cues: QuestionCues) -> list[Hit]:
    """``hits`` with each entity-expansion fact (stage ``entity``) that shares none of
    the question's own words scaled by :data:`OFF_TOPIC_SCALE`."""
    out: list[Hit] = []
    for h in hits:
        if h.stage == "entity":
            wanted = own_words(cues, str(h.record.get("name") or ""))
            said = f"{h.record.get('summary', '')} {h.record.get('details', '')}"
            if wanted and not wanted & set(content_stems(said)):
                scaled = OFF_TOPIC_SCALE * h.score.score
                h = h.model_copy(update={"score": h.score.model_copy(update={"score": scaled})})
        out.append(h)
    return out
