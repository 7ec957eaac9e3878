"""Query decomposition: one sub-query per entity a question names.

A question about several people or things ("What do Kofi and Lena have in
common?", "Did Ana or her brother Tomás visit Porto?") needs evidence about
each of them; one embedding of the whole question leans to whichever name
dominates it. :func:`entity_targets` adds, for each named entity, a query made
of that name and the question's topic words, searched in the same stores as the
question itself; the fine step keeps each memory's best score over all queries,
so every entity gets its own best memories into the candidate pool.
"""

from __future__ import annotations

from collections.abc import Sequence

from mirix_py._chat.cues import QuestionCues, words
from mirix_py._chat.models import TargetQuery
from mirix_py._memory import MemoryType

MAX_ENTITIES = 4
DECOMPOSED_TYPES = (MemoryType.EPISODIC, MemoryType.SEMANTIC)
_COMPARISON = frozenset(
    "common both share shared similar similarity same alike each differ different difference "
    "compare together".split()
)


def entity_queries(cues: QuestionCues) -> list[str]:
    """One query per named entity (name + topic words) when the question names two or more."""
    names = list(dict.fromkeys(cues.names))[:MAX_ENTITIES]
    if len(names) < 2:
        return []
    name_words = {w for n in names for w in words(n)}
    topic = [k for k in cues.keywords if k not in name_words and k not in _COMPARISON]
    return [" ".join([name, *topic]) for name in names]


def entity_targets(cues: QuestionCues, targets: Sequence[TargetQuery]) -> list[TargetQuery]:
    """Extra fine-retrieval targets: each entity query in each decomposed store already targeted."""
    queries = entity_queries(cues)
    stores = [t for t in dict.fromkeys(t.memory_type for t in targets) if t in DECOMPOSED_TYPES]
    known = {(t.memory_type, t.query) for t in targets}
    return [
        TargetQuery(memory_type=store, query=query)
        for store in stores
        for query in queries
        if (store, query) not in known
    ]


def as_asked_targets(cues: QuestionCues, targets: Sequence[TargetQuery]) -> list[TargetQuery]:
    """For a question read in the third person ("where does User live?"), the question
    as asked ("where do I live?") as one more episodic query: the user's own messages
    say "I" and "my", so they lie nearer the first-person wording, while facts
    ("User: lives in …") lie nearer the third-person one."""
    if not cues.asked or MemoryType.EPISODIC not in {t.memory_type for t in targets}:
        return []
    return [TargetQuery(memory_type=MemoryType.EPISODIC, query=cues.asked)]
