"""Facts that a turn shown in the context already says.

A fact is a short reading of one clause of a message ("Dara: (with others) planted
three apple trees in the allotment"); the message it was read from says the same,
with the rest of what was said around it ("We planted three apple trees in the
allotment on Sunday, the kids loved it!"). When that message is shown whole, the fact
repeats it: its line costs the room of another memory — for a question whose answer is
a set of things ("what has Dara planted?"), another item of the set.

:func:`says` tells when a turn says a fact: the turn is one the fact was read from (the
fact's sources are among the turn's) and it holds every content word of the fact but
:data:`UNSAID_ALLOWED` of them, not counting the fact's subject (a fact names its
person, the message says "I") nor the words a reading adds ("with others"). A fact
whose words the turn does not hold — a value resolved from elsewhere, a detail merged
in from another message — is not said by it and stays.

The context (:mod:`mirix_py._chat.compose`) leaves such facts out only for a question
that asks for several things (:func:`leaves_out_repeats`): for a question about one
value the answer step reads the facts first — a short line, and whether it is still
current — and leaving them out there lost answers on the assistant-memory sets; nor for
"what do X and Y share?", whose answer is read from both people's facts
(:mod:`mirix_py._chat.shared`).

Everything here is source ids and word overlap; nothing depends on a conversation's
wording.
"""

from __future__ import annotations

from mirix_py._chat.cues import QuestionCues, content_stems, words
from mirix_py._chat.models import Hit
from mirix_py._chat.shared import shared_pair
from mirix_py._memory import MemoryType
from mirix_py._text import stem

UNSAID_ALLOWED = 1
"""Content words of a fact a turn may lack and still say it (an inflection the stemmer
does not join, a pronoun read as a name)."""

_READING_WORDS = frozenset(stem(w) for w in ("others", "with"))
"""Words a fact's reading adds to what was said ("(with others) went camping")."""


def _fact_stems(fact: Hit) -> set[str]:
    rec = fact.record
    text = f"{rec.get('summary', '')} {rec.get('details') or ''}"
    subject = {stem(w) for w in words(str(rec.get("name") or ""))}
    return set(content_stems(text)) - subject - _READING_WORDS


def says(turn: Hit, fact: Hit) -> bool:
    """Whether ``turn`` (an event) says everything ``fact`` (a fact read from it) says
    (see the module docstring)."""
    if turn.memory_type is not MemoryType.EPISODIC or fact.memory_type is not MemoryType.SEMANTIC:
        return False
    sources = set(fact.source_ids)
    if not sources or not sources <= set(turn.source_ids):
        return False
    rec = turn.record
    said = set(content_stems(f"{rec.get('summary', '')} {rec.get('details') or ''}"))
    return len(_fact_stems(fact) - said) <= UNSAID_ALLOWED


def leaves_out_repeats(question: QuestionCues) -> bool:
    """Whether the context for ``question`` leaves out the facts a shown turn says: a
    question asking for several things, other than what two people share."""
    return question.asks_several and shared_pair(question) is None
