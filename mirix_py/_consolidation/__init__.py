"""Consolidation and forgetting: reflection from episodes to knowledge, clean-up,
retention by archiving, bounded core memory, and explanations.

One module per job:

=================  ==========================================================
``graph``          the LangGraph graph (reflect → cleanup → retention → core)
``miners``         offline pattern mining (repeated actions, routines)
``reflection``     the LLM reflection agent's tools and parsing
``derived``        derived items with honest sources, and writing them
``cleanup``        contradictions supersede, near-duplicates merge
``retention``      per-type caps, archiving into summary records
``scoring``        retention policy and score
``core_bound``     keeping core blocks under their limit without losing lines
``explain``        a memory's score and why it was archived
``access``         recording accesses from the read path
``trigger``        running consolidation every N ingested messages
=================  ==========================================================

The facade exposes it as ``MemorySystem.consolidate`` / ``explain`` and the CLI
as ``mirix-py consolidate`` / ``mirix-py explain``.
"""

from mirix_py._consolidation.access import (
    flush_accesses,
    note_hit_accesses,
    record_accesses,
    record_hit_accesses,
)
from mirix_py._consolidation.explain import explain_memory
from mirix_py._consolidation.graph import consolidation_input
from mirix_py._consolidation.models import (
    ConsolidationAction,
    ConsolidationReport,
    MemoryExplanation,
    RetentionScore,
)
from mirix_py._consolidation.scoring import retention_score
from mirix_py._consolidation.trigger import ConsolidationTrigger

__all__ = [
    "ConsolidationAction",
    "ConsolidationReport",
    "ConsolidationTrigger",
    "MemoryExplanation",
    "RetentionScore",
    "consolidation_input",
    "explain_memory",
    "flush_accesses",
    "note_hit_accesses",
    "record_accesses",
    "record_hit_accesses",
    "retention_score",
]
