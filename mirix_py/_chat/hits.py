"""A stored or scored record as a chat-graph :class:`~mirix_py._chat.models.Hit`.

Retrieval and the rules that add looked-up facts (bridge, shared aspects, character
profiles) build their hits here, so every hit drops its embedding and masks a
knowledge-vault value the same way.
"""

from __future__ import annotations

from mirix_py._chat.models import MASKED_SECRET, Hit, ScoreBreakdown, Stage
from mirix_py._memory import MemoryRecord
from mirix_py._memory.knowledge_vault import KnowledgeVaultMemory
from mirix_py._store.base import ScoredRecord


def to_hit(
    scored: ScoredRecord | MemoryRecord,
    *,
    reveal: bool,
    stage: Stage,
    query: str = "",
    score: ScoreBreakdown | None = None,
) -> Hit:
    """A serialisable :class:`Hit` (embedding dropped, vault secret masked unless shown)."""
    record = scored.record if isinstance(scored, ScoredRecord) else scored
    data = record.model_dump(mode="json", exclude={"embedding"})
    if isinstance(record, KnowledgeVaultMemory):
        shown = reveal or record.sensitivity == "low"
        data["secret_value"] = record.secret_value.get_secret_value() if shown else MASKED_SECRET
    if score is None and isinstance(scored, ScoredRecord):
        score = ScoreBreakdown(
            score=scored.score.score,
            vector=scored.score.vector,
            fts=scored.score.fts,
            fused=scored.score.score,
        )
    return Hit(
        memory_id=record.id,
        memory_type=record.memory_type,
        record=data,
        score=score or ScoreBreakdown(score=0.0),
        stage=stage,
        query=query,
    )
