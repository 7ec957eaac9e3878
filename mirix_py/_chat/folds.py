"""Facts shown as the turn that says them: one line, both numbers.

A fact is a short reading of a message ("Dara: planted three apple trees in the
allotment (5 May 2024)"), and a question that finds the fact often finds the message
too. Shown side by side, the two say the same thing twice, and the line the fact
takes would hold another memory. When the context shows a turn that says every word
of a fact, the fact is *folded* into it: it gets no line of its own, and its number is
shown on the turn's line (``Dara: [1, 4] We planted three apple trees …``), so a
citation of the fact points at text that says it.

Unlike leaving the fact out (:mod:`mirix_py._chat.repeats`, measured to cost answers
when the fact goes from the answer step's memories too), a folded fact stays among
the memories the answer step reads (:attr:`ContextPack.refs`): its value, its aspect
and whether it is current are still read from it, while its words are on the page as
the turn.

:func:`folds` decides which facts fold into which turn. A turn says a fact when

- the fact was read from it: the fact's source ids are among the turn's;
- it was said on the fact's day (the day a fact shows is its turn's day);
- every content word of the fact — its summary, its details and its subject's name —
  is in the turn's shown text or its speaker's name, but the words a reading adds
  (:data:`READING_WORDS`, "(with others)"). A fact with a value resolved from
  elsewhere or a detail merged in from another message says more than the turn, and
  keeps its line; so does one read from an excerpt that left its sentence out.

Everything here is source ids and word overlap; nothing depends on a conversation's
wording.

Measured on LOCOMO dev conversations 0–2 (385 questions, 1,000 tokens; the visible
context's characters split by part, ``evals.context_audit``): fact text fell from 0.073
to 0.046 of the context and event text rose from 0.637 to 0.667; answer coverage moved
0.865 → 0.866 and evidence recall 0.864 → 0.865; four answers read other words, none
changed its correctness, nor did any on the assistant-memory sets. On all seven
conversations (1,035 questions) coverage moved 0.833 → 0.834 and evidence recall
0.831 → 0.833 (multi-hop 0.550 → 0.556). Room is worth little at this budget: what it
adds is the ranking's tail. Of the facts still shown, about half
have no shown source turn, and under 1% of their characters miss folding by one word
("likes" for "I love").

Other density rules measured on the same contexts and left out (the share of the
visible context's characters, and of answer coverage that part alone carries):

- date annotations are 0.014 of the characters and alone carry 0.017 of coverage
  (the resolved dates temporal answers are); those whose label the day header already
  says ("this month [July 2023]" under "3 July 2023") are 0.0002: no rule needed;
- photo captions are 0.077 and alone carry 0.012; leaving out the captions sharing no
  word with the question would free 0.059 but lose 0.005 of coverage at once (the
  answer is in a caption the question does not name), about what the room would win;
- questions put to the other speaker inside a turn that states something ("What
  inspired it?") and sharing no word with the question are 0.037; leaving them out
  loses 0.002 of coverage at once, and the reply after them reads as an answer to them;
- core lines that a shown turn says whole are 0.0003; no two shown turns say the same
  text; speakers are said once per run and day headers once per session already.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Protocol

from mirix_py._chat.cues import content_stems, words
from mirix_py._chat.models import Hit
from mirix_py._memory import MemoryType
from mirix_py._text import stem

READING_WORDS = frozenset(stem(w) for w in ("others", "with"))
"""Words a fact's reading adds to what was said ("(with others) went camping")."""


class ShownMemory(Protocol):
    """What folding reads of a memory as the context shows it."""

    @property
    def hit(self) -> Hit:
        """The memory."""

    @property
    def who(self) -> str:
        """An event's speaker, a fact's subject."""

    @property
    def day(self) -> str:
        """The day the memory is shown under."""

    @property
    def line(self) -> str:
        """The memory's shown text (an excerpt's, when it is cut)."""


@lru_cache(maxsize=8192)
def _stems(text: str) -> frozenset[str]:
    return frozenset(content_stems(text))


def _needed(fact: ShownMemory) -> frozenset[str]:
    rec = fact.hit.record
    text = f"{fact.who} {rec.get('summary', '')} {rec.get('details') or ''}"
    return _stems(text) - READING_WORDS


def says_fact(turn: ShownMemory, fact: ShownMemory) -> bool:
    """Whether the shown ``turn`` says every word of ``fact`` (see the module docstring)."""
    if turn.hit.memory_type is not MemoryType.EPISODIC:
        return False
    if fact.hit.memory_type is not MemoryType.SEMANTIC or turn.day != fact.day:
        return False
    sources = set(fact.hit.source_ids)
    if not sources or not sources <= set(turn.hit.source_ids):
        return False
    said = _stems(turn.line) | {stem(w) for w in words(turn.who)}
    return _needed(fact) <= said


def folds(chosen: Sequence[tuple[int, ShownMemory]]) -> dict[int, int]:
    """The numbers of the ``chosen`` facts that a chosen turn says, each mapped to the
    number of the first such turn (by number)."""
    by_source: dict[str, list[tuple[int, ShownMemory]]] = {}
    for ref, turn in sorted(chosen, key=lambda p: p[0]):
        if turn.hit.memory_type is MemoryType.EPISODIC:
            for source in turn.hit.source_ids:
                by_source.setdefault(source, []).append((ref, turn))
    folded: dict[int, int] = {}
    for ref, fact in chosen:
        sources = fact.hit.source_ids
        if fact.hit.memory_type is not MemoryType.SEMANTIC or not sources:
            continue
        turns = by_source.get(sources[0], [])
        into = next((k for k, turn in turns if says_fact(turn, fact)), None)
        if into is not None:
            folded[ref] = into
    return folded
