"""The write graph's one lookup of the people a batch may name from earlier sessions.

A batch that says "Hemi works at a boatyard in Picton" makes a fact about Hemi only
when Hemi is a known name (:mod:`mirix_py._memory.people`). The names that open the
batch's sentences and are not known from the batch itself are looked up by their
entity key in one indexed read (never a scan of the user's rows); those with a
stored relation fact ("Hemi: is the user's brother") are people.
"""

from __future__ import annotations

from collections.abc import Sequence

import structlog

from mirix_py._memory.base import MemoryType
from mirix_py._memory.extract_common import Turn
from mirix_py._memory.facts import names_a_person, subject_candidates
from mirix_py._memory.semantic import SemanticMemory
from mirix_py._store.base import MemoryStore
from mirix_py._store.keys import entity_key

log = structlog.get_logger(__name__)

FACTS_PER_CANDIDATE = 40
"""The lookup reads at most this many stored facts per candidate name."""


def stored_people(store: MemoryStore, turns: Sequence[Turn], *, user_id: str) -> list[str]:
    """The batch's candidate subjects that the user's stored relation facts name as
    people, in the batch's order (empty when the lookup fails: the batch's own names
    still count)."""
    candidates = subject_candidates(turns)
    if not candidates:
        return []
    by_key = {entity_key(c): c for c in candidates}
    try:
        found = store.by_keys(
            "entity",
            list(by_key),
            user_id=user_id,
            memory_type=MemoryType.SEMANTIC,
            limit=FACTS_PER_CANDIDATE * len(by_key),
        )
    except Exception as exc:  # the batch is still written, with the names it has itself
        log.warning("memory.people_lookup_failed", user_id=user_id, error=type(exc).__name__)
        return []
    people = {
        entity_key(r.name)
        for r in found
        if isinstance(r, SemanticMemory) and names_a_person(r.summary)
    }
    return [name for key, name in by_key.items() if key in people]
